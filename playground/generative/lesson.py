"""One learner's Generative models lesson (no Streamlit): the GAN's settings and run, a drawn distribution,
play, step and slow-motion state, the layered view's toggles, and the VAE and autoencoder trained on digits.
Everything a browser sends is checked and bounded here; a bad value gets a message, never an exception."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from playground.generative.gan import Gan, GanSettings, Net
from playground.generative.targets import drawn_points
from playground.generative.view import LAYERS
from playground.keyed_results import KeyedResults

STEPS = ("both", "d", "g")  # a step: one whole iteration, one discriminator update, one generator update
SPEEDS = ("slow", "normal", "fast")  # play: ~1, ~10 and as many iterations per picture as fit its frame
DRAWN_DECIMALS = 2  # a drawn point is kept to 0.01 of the plane, so the link reproduces it exactly
MAX_LINK_POINTS = 300  # points of a drawing a link carries (and the drawing keeps)
MAX_DRAWN_POINTS = 2000  # points taken from the pad's strokes before they are checked and thinned
BETAS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)  # the VAE's β: the KL term's weight
MAX_VAE_EPOCHS = 20
VAE_KINDS = ("vae", "ae")


class Part(StrEnum):
    """The page's two halves, in the order of its segmented control."""

    GAN = "A GAN on 2D data"
    VAE = "A VAE's latent space"

    @property
    def slug(self) -> str:
        return "gan" if self is Part.GAN else "vae"


PART_SLUGS = {p.slug: p for p in Part}


@dataclass
class GenerativeLesson:
    settings: GanSettings = field(default_factory=GanSettings)
    part: Part = Part.GAN
    drawn: np.ndarray | None = None  # the applied drawing's points, (n, 2) in the unit square
    playing: bool = False
    speed: str = "normal"
    shown: set[str] = field(default_factory=lambda: set(LAYERS))  # the layered view's visible layers
    slow: list | None = None  # slow motion: the parts of the step being walked through (Gan.parts())
    slow_index: int = 0
    slow_auto: bool = False  # slow motion plays its parts one after another (GAN Lab's slow mode)
    message: str = ""  # said once on the next page run (a diverged run, a bad drawing, a recipe's note)
    frames: int = 0
    recipe: str | None = None  # the key of the recipe or try-this set-up last applied (None: hand-made)
    # the VAE half
    beta: float = 1.0
    vae_epochs: int = 10
    vae_seed: int = 0
    latent: dict = field(default_factory=dict)  # kind -> vae.LatentTrainer (its run in latent_runs)
    latent_runs: dict = field(default_factory=dict)
    latent_training: str | None = None  # the kind training now (its run goes on across page runs)
    latent_kind: str = "vae"  # the model the latent views show
    picked: tuple[float, float] | None = None  # the latent point the learner last released the pointer on
    ends: tuple[int, int] = (0, 1)  # the two test digits an interpolation runs between
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)
    _gan: Gan | None = field(default=None, repr=False)

    # ------------------------------------------------------------------------------ the GAN
    @property
    def gan(self) -> Gan:
        """The run, built on first use from the settings (and the drawing, for the drawn shape)."""
        if self._gan is None:
            self._gan = Gan(self.settings, drawn=self.drawn if self.settings.shape == "drawing" else None)
        return self._gan

    def apply(self, settings: GanSettings, *, recipe: str | None = None) -> None:
        """New settings, bounded (also by the class's limits on layers and neurons); the GAN starts again,
        as GAN Lab's does when its model changes. The drawn shape without a drawing keeps the old shape."""
        from playground.tfplayground.settings import CLASS_LIMITS

        limits = CLASS_LIMITS
        bounded = settings.bounded(max_layers=limits.max_layers if limits else None,
                                   max_neurons=limits.max_neurons if limits else None)
        if bounded.shape == "drawing" and self.drawn is None:
            self.message = "Draw a distribution first: click or draw on the plane under *Draw your own*, then Apply."
            bounded = replace(bounded, shape=self.settings.shape if self.settings.shape != "drawing" else "gaussians")
        self.settings, self.recipe = bounded, recipe
        self.reset()

    def change(self, **changes) -> None:
        """One setting from a widget (`g=Net(...)`, `loss="minimax"`, …)."""
        self.apply(replace(self.settings, **changes))

    def change_net(self, which: str, **changes) -> None:
        """One field of the generator's ("g") or discriminator's ("d") settings."""
        net: Net = getattr(self.settings, which)
        self.change(**{which: replace(net, **changes)})

    def reset(self) -> None:
        """Start the GAN again from new weights drawn from the same seed (nothing else changes)."""
        self._gan, self.playing, self.slow, self.slow_index = None, False, None, 0

    def reseed(self, seed: int) -> None:
        self.change(seed=int(seed))

    def toggle_play(self) -> None:
        self.playing = not self.playing and not self.gan.diverged
        self.slow = None

    def step(self, which: str = "both") -> None:
        """A step button: one iteration, one D update or one G update (play pauses)."""
        if which not in STEPS:
            return
        self.playing, self.slow = False, None
        if not self.diverged_message():
            self.gan.step(which)
            self.diverged_message()

    def diverged_message(self) -> bool:
        """Whether the run has diverged (NaN or infinite losses); if so, play stops and the page says so."""
        if self.gan.diverged:
            self.playing = False
            self.message = ("The losses became NaN or infinite: this run diverged (often a learning rate too high "
                            "for the loss). Your settings are kept — press **Reset** to start again, or lower a "
                            "learning rate.")
            return True
        return False

    def floor(self) -> dict[str, float]:
        """What a perfect generator would score on the charts' KL and JS: its points are real samples, so the
        measure's floor is only the sampling noise of the grids (shown as a rule on the chart)."""
        s = self.settings
        key = (s.shape, s.seed, None if self.drawn is None else self.drawn.tobytes())
        return self.results.get("floor", key, lambda: perfect_floor(s.shape, self.drawn, s.seed))

    def set_speed(self, speed: str) -> None:
        if speed in SPEEDS:
            self.speed = speed

    def set_shown(self, layers) -> None:
        """The view's visible layers (unknown names are ignored)."""
        self.shown = {name for name in layers if name in LAYERS}

    # ------------------------------------------------------------------------------ slow motion
    def start_slow(self) -> None:
        """Slow motion: one discriminator update and one generator update happen now, and the page walks
        through their parts (noise, generate, discriminate, loss, gradients, update) one at a time."""
        self.playing = False
        if not self.diverged_message():
            self.slow, self.slow_index = self.gan.parts(), 0
            self.diverged_message()

    def slow_move(self, by: int) -> None:
        """The next (+1) or previous (-1) part; past the last part slow motion walks through a new step."""
        if self.slow is None:
            return
        index = self.slow_index + int(by)
        if index >= len(self.slow):
            self.start_slow()
        else:
            self.slow_index = max(0, index)

    def stop_slow(self) -> None:
        self.slow, self.slow_index = None, 0

    @property
    def slow_part(self):
        return None if self.slow is None else self.slow[min(self.slow_index, len(self.slow) - 1)]

    # ------------------------------------------------------------------------------ draw your own
    def apply_drawing(self, points: object) -> bool:
        """Use a drawing (untrusted [[x, y], ...] in the unit square) as the real distribution. A bad or too
        small drawing keeps the current distribution, with a message. Returns whether it was applied."""
        drawn, problem = drawn_points(points)
        if drawn is None:
            self.message = problem or "That drawing could not be used."
            return False
        self.drawn = thin(np.round(drawn, DRAWN_DECIMALS), MAX_LINK_POINTS)
        self.apply(replace(self.settings, shape="drawing"))
        return True

    # ------------------------------------------------------------------------------ the VAE half
    def start_latent(self, kind: str, data, limits) -> None:
        """A new VAE ("vae") or autoencoder ("ae") on `data` (DigitTensors) with the lesson's β and epochs (at
        most the class's), trained through the training driver from the page; its run starts now."""
        from playground.generative.vae import KINDS, LatentTrainer
        from playground.training_driver import TrainingRun

        if kind not in KINDS:
            return
        trainer = LatentTrainer(kind, data, beta=self.beta, epochs=limits.epochs(self.vae_epochs), seed=self.vae_seed)
        self.latent[kind], self.latent_runs[kind] = trainer, TrainingRun.starting(trainer)
        self.latent_training = kind

    def latent_ran(self, outcome) -> bool:
        """After one call of the training driver: True (and the run is over) when it ended the run."""
        if outcome.ends_run:
            self.latent_training = None
        return outcome.ends_run

    def set_beta(self, beta: float) -> None:
        self.beta = min(BETAS, key=lambda b: abs(b - float(beta))) if np.isfinite(beta) else 1.0

    def set_vae_epochs(self, epochs: int) -> None:
        self.vae_epochs = int(min(max(1, int(epochs)), MAX_VAE_EPOCHS))

    def set_ends(self, first: object, second: object, top: int) -> None:
        """The interpolation's two test digits (numbers kept within 0..top)."""
        def number(value: object, default: int) -> int:
            try:
                return int(min(max(int(value), 0), top))  # type: ignore[call-overload]
            except (TypeError, ValueError, OverflowError):
                return default
        self.ends = (number(first, self.ends[0]), number(second, self.ends[1]))

    def pick_latent(self, point: object) -> None:
        """A point the latent pad released on (already checked by latent.checked_point; bounded again here)."""
        if not isinstance(point, list | tuple) or len(point) != 2:
            return
        try:
            x, y = float(point[0]), float(point[1])
        except (TypeError, ValueError, OverflowError):
            return
        if np.isfinite(x) and np.isfinite(y):
            self.picked = (float(np.clip(x, -1e3, 1e3)), float(np.clip(y, -1e3, 1e3)))

def perfect_floor(shape: str, drawn: np.ndarray | None, seed: int) -> dict[str, float]:
    """KL and JS between the real density on the grid and that of as many fresh real samples as the GAN's
    generated set: the lowest the charts can show, from sampling alone."""
    from playground.generative import divergence, targets
    from playground.generative.gan import EVAL_FAKE, EVAL_REAL

    a, b = (np.random.default_rng(s) for s in np.random.SeedSequence([seed, 7]).spawn(2))
    p = divergence.grid_density(targets.sample_real(shape, EVAL_REAL, a, drawn))
    q = divergence.grid_density(targets.sample_real(shape, EVAL_FAKE, b, drawn))
    return {"kl": divergence.kl(p, q), "js": divergence.js(p, q)}


def thin(points: np.ndarray, most: int) -> np.ndarray:
    """At most `most` of the points, evenly spread over the drawing's order (duplicates after rounding dropped)."""
    _, first = np.unique(points, axis=0, return_index=True)
    points = points[np.sort(first)]
    if len(points) <= most:
        return points
    return points[np.linspace(0, len(points) - 1, most).round().astype(int)]


def stroke_points(strokes: object, side: int, spacing: float = 0.01) -> list[list[float]]:
    """The drawing pad's strokes (pixels, y down; checked by digits.drawing.pad_strokes) as points of the unit
    square (y up), with points added along each stroke every `spacing` so a line drawn fast is not sparse. A
    click is a stroke of one point. At most MAX_DRAWN_POINTS points come out."""
    from playground.digits.drawing import pad_strokes

    points: list[np.ndarray] = []
    total = 0
    for stroke in pad_strokes(strokes, side=side):
        xy = np.asarray(stroke, dtype=np.float64) / max(side, 1)
        xy[:, 1] = 1.0 - xy[:, 1]
        points.append(xy[:1])
        for a, b in zip(xy[:-1], xy[1:], strict=True):
            if total >= MAX_DRAWN_POINTS:  # enough: the rest of a huge drawing costs nothing
                break
            n = int(min(np.ceil(np.linalg.norm(b - a) / spacing), 200))
            if n > 0:
                t = np.arange(1, n + 1)[:, None] / n
                points.append(a + (b - a) * t)
                total += n
    if not points:
        return []
    return np.concatenate(points)[:MAX_DRAWN_POINTS].tolist()
