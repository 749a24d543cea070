"""GAN Lab's recipes against GAN Lab's own algorithm (tests/ganlab_reference.py, same seeds = same initial
weights), the recipes' convergence, and every claim the failure-mode recipes' notes make, on their seeds."""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np
import pytest

from playground.generative.gan import Gan, GanSettings
from playground.generative.losses import sigmoid
from playground.generative.recipes import CONVERGED_JS, FAILURES, GANLAB_RECIPES, iterations_to_converge
from tests.ganlab_reference import GanLabRun, ganlab_js

SEEDS = (0, 1, 2)
SAMPLING_NOISE = 0.03  # JS differences below this are the metric's own noise (two runs from one start)
CONVERGE_WITHIN = {"line": 1030, "gaussians": 1870, "ring": 1760}  # the recipes' seeds; ≤ 3 s each (bench)


def js_after(settings: GanSettings, iterations: int) -> float:
    gan = Gan(settings)
    gan.train(iterations)
    return gan.divergences()[1]


def test_the_reference_and_our_engine_take_the_same_first_steps() -> None:
    """Same seed → same start and atlas: for a few iterations the float32 re-implementation of GAN Lab and our
    float64 engine agree to float32's precision (later, chaos makes them differ like two runs)."""
    settings = GANLAB_RECIPES["gaussians"].settings
    ours, theirs = Gan(settings), GanLabRun(settings, settings.seed)
    ours.train(5)
    theirs.train(5)
    for mine, ref in zip(ours.g.params + ours.d.params, theirs.g_params + theirs.d_params, strict=True):
        np.testing.assert_allclose(mine, ref.detach().numpy(), atol=1e-4)


@pytest.mark.parametrize("key", list(GANLAB_RECIPES))
def test_recipe_is_at_least_as_good_as_ganlabs_algorithm(key: str) -> None:
    recipe = GANLAB_RECIPES[key]
    count = recipe.ganlab_iterations
    ours = statistics.median(js_after(replace(recipe.settings, seed=seed), count) for seed in SEEDS)
    theirs = statistics.median(ganlab_js(recipe.settings, count, SEEDS))
    assert ours <= theirs + SAMPLING_NOISE, f"{key}: our median JS {ours:.3f}, GAN Lab's {theirs:.3f}"


@pytest.mark.parametrize("key", list(CONVERGE_WITHIN))
def test_recipe_converges_on_its_seed(key: str) -> None:
    recipe = GANLAB_RECIPES[key]
    done = iterations_to_converge(recipe.settings, CONVERGED_JS[key], CONVERGE_WITHIN[key])
    assert done is not None, f"{key} did not reach JS ≤ {CONVERGED_JS[key]} in {CONVERGE_WITHIN[key]} iterations"


def test_disjoint_recipe_does_not_converge_on_its_seed_as_its_note_says() -> None:
    gan = Gan(GANLAB_RECIPES["disjoint"].settings)
    gan.train(2000)
    assert min(entry["js"] for entry in gan.history) > 0.45


def test_mode_collapse_and_its_cure() -> None:
    collapse = Gan(FAILURES["mode-collapse"].settings)
    collapse.train(2000)
    assert collapse.modes()[0] <= 3
    cure = Gan(FAILURES["mode-collapse-cure"].settings)
    cure.train(1500)
    assert cure.modes() == (8, 8)


def centre_path_and_js(settings: GanSettings) -> tuple[float, float]:
    """How far the generated cloud's centre travels over steps 500–1,500 (checked every 10), and median JS."""
    gan = Gan(settings)
    gan.train(500)
    centres, js = [], []
    for _ in range(100):
        gan.train(10)
        centres.append(gan._fake_eval().mean(axis=0))
        js.append(gan.divergences()[1])
    return float(np.linalg.norm(np.diff(centres, axis=0), axis=1).sum()), statistics.median(js)


def test_oscillation_and_its_cure() -> None:
    path, js = centre_path_and_js(FAILURES["oscillation"].settings)
    cure_path, cure_js = centre_path_and_js(FAILURES["oscillation-cure"].settings)
    assert path > 2 * cure_path
    assert js > cure_js


def arrows_and_belief(settings: GanSettings, steps: int) -> tuple[float, float, float]:
    gan = Gan(settings)
    gan.train(steps)
    view = gan.view()
    belief = float(sigmoid(gan.d.forward(view.fake, keep=False)).mean())
    return float(np.median(np.linalg.norm(view.arrow_vec, axis=1))), belief, gan.divergences()[1]


def test_minimax_discriminator_wins_early_and_the_gradient_vanishes() -> None:
    arrows, belief, js = arrows_and_belief(FAILURES["minimax-early"].settings, 50)
    cure_arrows, _, cure_js = arrows_and_belief(FAILURES["minimax-early-cure"].settings, 50)
    assert belief < 0.01 and arrows < 0.001 and js > 0.9
    assert cure_arrows > 0.1 and cure_js < 0.8


def test_notes_and_keys() -> None:
    for key, recipe in {**GANLAB_RECIPES, **FAILURES}.items():
        assert recipe.key == key and recipe.note.endswith(".") and recipe.settings.bounded() == recipe.settings
    assert {k for k in FAILURES if not k.endswith("-cure")} == {"mode-collapse", "oscillation", "minimax-early"}
    assert all(f"{k}-cure" in FAILURES for k in ("mode-collapse", "oscillation", "minimax-early"))
