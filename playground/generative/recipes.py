"""Ready set-ups: GAN Lab's four trained recipes (its settings exactly, in our layer count: GAN Lab's "hidden
layers N" is N+1 ReLU layers) and three failure modes, each with its cure. Every `note` is a sentence the page
can show; tests/test_gan_recipes.py checks each claim with the recipe's seed."""

from __future__ import annotations

from dataclasses import dataclass

from playground.generative.gan import Gan, GanSettings, Net


@dataclass(frozen=True)
class Recipe:
    """A named set-up with a seed, GAN Lab's iteration count for it (None: not GAN Lab's), and a note."""

    key: str
    title: str
    settings: GanSettings
    ganlab_iterations: int | None
    note: str


def _ganlab(shape: str, noise: str, g: tuple[int, int], d: tuple[int, int], lr_d: float, lr_g: float,
            k_d: int, seed: int) -> GanSettings:
    return GanSettings(shape=shape, noise=noise, g=Net(g[0], g[1], lr=lr_g), d=Net(d[0], d[1], lr=lr_d),
                       loss="non-saturating", k_d=k_d, k_g=1, batch=150, seed=seed)


# JS (bits) below which a run looks converged on the 30×30 grid; a perfect generator scores the floor
# (p from 12,000 real samples, q from 3,000): line 0.004, gaussians 0.033, ring 0.017, disjoint 0.005.
CONVERGED_JS = {"line": 0.15, "gaussians": 0.1, "ring": 0.15, "disjoint": 0.15}

GANLAB_RECIPES: dict[str, Recipe] = {
    "line": Recipe("line", "Line (GAN Lab's recipe)",
                   _ganlab("line", "2d-uniform", (2, 5), (2, 6), 0.03, 0.01, 2, seed=8), 466,
                   "GAN Lab's line recipe: G 2×5, D 2×6, learning rates D 0.03 / G 0.01, 2 D updates per iteration. "
                   "This seed reaches JS below 0.15 at iteration 1,030 (GAN Lab saved its trained model at iteration 466; "
                   "from most other starts it takes far longer, in GAN Lab's algorithm too)."),
    "gaussians": Recipe("gaussians", "Two Gaussians (GAN Lab's recipe)",
                        _ganlab("gaussians", "2d-gaussian", (2, 8), (2, 8), 0.1, 0.03, 2, seed=0), 1931,
                        "GAN Lab's Gaussians recipe: G 2×8, D 2×8, learning rates D 0.1 / G 0.03, 2D Gaussian "
                        "noise. This seed reaches JS below 0.1 at iteration 1,870 (GAN Lab's saved model: iteration "
                        "1,931)."),
    "ring": Recipe("ring", "Ring (GAN Lab's recipe)",
                   _ganlab("ring", "2d-uniform", (2, 10), (3, 9), 0.1, 0.03, 3, seed=9), 812,
                   "GAN Lab's ring recipe: G 2×10, D 3×9, learning rates D 0.1 / G 0.03, 3 D updates per iteration. "
                   "This seed reaches JS below 0.15 at iteration 1,760 (GAN Lab's saved model: iteration 812)."),
    "disjoint": Recipe("disjoint", "Three blobs (GAN Lab's recipe)",
                       _ganlab("disjoint", "2d-gaussian", (3, 10), (3, 11), 0.1, 0.03, 1, seed=0), 1710,
                       "GAN Lab's three-blob recipe: G 3×10, D 3×11, learning rates D 0.1 / G 0.03, one D "
                       "update per iteration. From a random start it rarely converges: with this seed JS stays above "
                       "0.45 for the first 2,000 iterations (GAN Lab's saved model, at iteration 1,710, is a run that "
                       "did converge)."),
}

_EIGHT_SMALL = GanSettings(shape="eight", seed=1)  # GAN Lab's default sizes: G and D 2×8 ReLU, SGD 0.1, k_D 2
_STRONG_D = dict(shape="gaussians", g=Net(2, 16, optimiser="adam", lr=0.003),
                 d=Net(3, 32, optimiser="adam", lr=0.03), k_d=10, seed=1)

FAILURES: dict[str, Recipe] = {
    "mode-collapse": Recipe(
        "mode-collapse", "Mode collapse on eight Gaussians", _EIGHT_SMALL, None,
        "With GAN Lab's default sizes (G and D 2×8), the generator covers at most 3 of the 8 modes after 2,000 "
        "iterations: it piles its samples where the discriminator is fooled for now, and the discriminator chases "
        "them from mode to mode."),
    "mode-collapse-cure": Recipe(
        "mode-collapse-cure", "Cure: bigger networks, one D update per iteration",
        GanSettings(shape="eight", g=Net(3, 32, lr=0.1), d=Net(3, 32, lr=0.1), k_d=1, seed=0), None,
        "With 3 layers of 32 in both networks and one discriminator update per iteration, all 8 modes are covered "
        "at iteration 1,500 (each has at least 2% of the generated samples within 0.1 of its centre)."),
    "oscillation": Recipe(
        "oscillation", "Oscillation: learning rates too high",
        GanSettings(shape="gaussians", g=Net(lr=0.3), d=Net(lr=0.3), seed=0), None,
        "At learning rate 0.3 for both networks the generated cloud keeps swinging across the plane instead of "
        "settling: between iterations 500 and 1,500 its centre travels over twice as far as at 0.03, and JS stays "
        "higher."),
    "oscillation-cure": Recipe(
        "oscillation-cure", "Cure: smaller learning rates",
        GanSettings(shape="gaussians", g=Net(lr=0.03), d=Net(lr=0.03), seed=0), None,
        "At learning rate 0.03 the same run swings less than half as far and its JS is lower."),
    "minimax-early": Recipe(
        "minimax-early", "Minimax loss: the discriminator wins too early",
        GanSettings(loss="minimax", **_STRONG_D), None,
        "With the original minimax loss and a strong discriminator (3×32, Adam, 10 updates per iteration), D is "
        "sure at once that every generated sample is fake; log(1 − D) is then flat, so the generator's gradient "
        "arrows all but vanish, and at iteration 50 JS is still above 0.9."),
    "minimax-early-cure": Recipe(
        "minimax-early-cure", "Cure: the non-saturating loss", GanSettings(loss="non-saturating", **_STRONG_D),
        None,
        "With the non-saturating loss (minimise −log D, GAN Lab's log loss) the same sure discriminator still "
        "gives long arrows, and by iteration 50 the generated samples are closer to the data (a lower JS)."),
}


def iterations_to_converge(settings: GanSettings, threshold_js: float, most: int) -> int | None:
    """The first recorded iteration (every `Gan.record_every`) at which JS ≤ threshold_js, or None if not
    within `most` iterations (or the run diverged)."""
    gan = Gan(settings)
    while gan.iteration < most:
        gan.train(min(Gan.record_every, most - gan.iteration))
        if gan.diverged:
            return None
        if gan.history and gan.history[-1]["iteration"] == gan.iteration and gan.history[-1]["js"] <= threshold_js:
            return gan.iteration
    return None
