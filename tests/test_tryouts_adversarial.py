"""Every 'Try this' claim of the Adversarial examples lesson, checked with its set-up's fixed settings: the
set-up is applied to a fresh lesson state, the attack or training the text describes runs here (no server),
and the test asserts what the text promises — for the quick network (one epoch of the default MLP, seed 0,
on MNIST-5k: what the page trains when the learner has none) and, where the text names one, a quick CNN."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from playground.adversarial import attacks, attacks2d, curves
from playground.adversarial.lesson import (
    MAX_EPS,
    ROBUST_MAX_EPOCHS,
    AdversarialLesson,
    View,
    first_digit,
)
from playground.adversarial.tryouts import TRYOUTS
from playground.classroom.server_load import TrainingSlots
from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SPECS
from playground.digits.training import DigitTensors, DigitTrainer
from playground.training_driver import Outcome, TrainingLimits, run_training
from playground.tryouts import by_key
from tests.digit_networks import mnist5k_tensors, quick_network, trained

EPS_GRID = np.round(np.arange(0.0, MAX_EPS + 1e-9, 0.01), 2)  # the ε slider's stops


@pytest.fixture(scope="module")
def data() -> DigitTensors:
    return mnist5k_tensors()


@pytest.fixture(scope="module")
def quick() -> DigitTrainer:
    return quick_network()


def set_up(key: str) -> AdversarialLesson:
    lesson = AdversarialLesson()
    by_key(TRYOUTS, key).set_up(lesson)
    return lesson


def test_every_tryout_has_a_set_up_and_a_test() -> None:
    keys = [t.key for t in TRYOUTS]
    assert keys == ["fgsm-few-digits", "seven-to-three", "mlp-and-cnn", "robust-twin", "2d-slowly"]
    assert all(t.set_up is not None for t in TRYOUTS)
    for key in keys:
        assert f"test_{key.replace('-', '_')}" in globals()


def flipped(model, images, labels, eps: float) -> float:
    """The share of the digits the network reads right that FGSM at ε makes it read wrong."""
    right = attacks.predictions(model, images).numpy() == labels
    adversarial = attacks.fgsm(model, images[right], labels[right], eps)
    return float(np.mean(attacks.predictions(model, adversarial).numpy() != labels[right]))


def test_fgsm_few_digits(quick: DigitTrainer) -> None:
    lesson = set_up("fgsm-few-digits")
    assert (lesson.view, lesson.attack, lesson.eps, lesson.target) == (View.FOOL, "fgsm", 0.25, None)
    images, labels = quick.data.test_images.numpy(), quick.data.test_labels.numpy()
    assert flipped(quick.model, images, labels, lesson.eps) >= 0.99  # "99 in 100 of those it reads right"
    assert 0.55 <= flipped(quick.model, images, labels, 0.1) <= 0.65  # "at ε = 0.1 about 6 in 10"
    # every pixel of an attacked digit changes by at most ε (what keeps it looking the same)
    result = attacks.attack_one(quick.model, images[0], int(labels[0]), lesson.eps, lesson.attack)
    assert np.abs(result.perturbation).max() <= lesson.eps + 1e-6


def smallest_eps(model, image, label: int, attack: str, target: int, steps: int) -> float | None:
    """The smallest ε on the slider at which the targeted attack makes the digit read as the target."""
    for eps in EPS_GRID:
        if attacks.attack_one(model, image, label, float(eps), attack, target, steps=steps).success:
            return float(eps)
    return None


def test_seven_to_three(quick: DigitTrainer) -> None:
    lesson = set_up("seven-to-three")
    assert (lesson.view, lesson.digit, lesson.target, lesson.attack) == (View.FOOL, None, 3, "pgd")
    images, labels = quick.data.test_images.numpy(), quick.data.test_labels.numpy()
    seven = first_digit(labels)  # the digit the page shows for lesson.digit = None
    assert labels[seven] == 7
    model, steps = quick.model, lesson.steps
    pgd = attacks.attack_one(model, images[seven], 7, lesson.eps, "pgd", 3, steps=steps)
    fgsm = attacks.attack_one(model, images[seven], 7, lesson.eps, "fgsm", 3)
    assert pgd.original_prediction == 7 and pgd.success and pgd.adversarial_prediction == 3
    assert not fgsm.success  # switched to FGSM, the same ε is not enough
    assert smallest_eps(model, images[seven], 7, "pgd", 3, steps) == 0.16
    assert smallest_eps(model, images[seven], 7, "fgsm", 3, steps) == 0.17
    # other 7s: some give in below 0.1, and PGD never needs more than FGSM
    sevens = np.flatnonzero(labels == 7)[:20]
    needed = [(smallest_eps(model, images[i], 7, "pgd", 3, steps), smallest_eps(model, images[i], 7, "fgsm", 3, steps))
              for i in sevens]
    assert all(p is not None and f is not None and p <= f for p, f in needed)
    assert any(p <= 0.1 for p, _ in needed) and len({p for p, _ in needed}) > 3


def test_mlp_and_cnn(data: DigitTensors, quick: DigitTrainer) -> None:
    lesson = set_up("mlp-and-cnn")
    assert lesson.view == View.CURVE
    cnn = trained(DigitTrainer(DEFAULT_SPECS["cnn"], replace(DEFAULT_CONFIGS["cnn"], epochs=1), data))
    n = curves.curve_digits(len(data.test_labels))
    images, labels = data.test_images.numpy()[:n], data.test_labels.numpy()[:n]
    mlp_curve = dict(attacks.accuracy_vs_eps(quick.model, images, labels))
    cnn_curve = dict(attacks.accuracy_vs_eps(cnn.model, images, labels))
    assert all(cnn_curve[eps] > mlp_curve[eps] for eps in mlp_curve if eps > 0)  # it holds out longer
    assert 0.4 <= cnn_curve[0.1] <= 0.6 and 0.25 <= mlp_curve[0.1] <= 0.4  # about half, about a third
    assert cnn_curve[0.2] < 0.1 and mlp_curve[0.2] < 0.1


def test_robust_twin(quick: DigitTrainer) -> None:
    lesson = set_up("robust-twin")
    assert (lesson.view, lesson.robust_attack, lesson.robust_eps) == (View.DEFEND, "fgsm", 0.1)
    epochs = lesson.robust_epochs_for(quick, ROBUST_MAX_EPOCHS)
    assert epochs == 1  # as many as the quick network's
    limits = TrainingLimits()
    twin = lesson.start_robust(quick, lesson.robust_attack, lesson.robust_eps, epochs, limits)
    assert run_training(twin, lesson.run, "learner", limits, slots=TrainingSlots(1), pause=0) is Outcome.FINISHED
    n = curves.curve_digits(len(quick.data.test_labels))
    rows = curves.comparison_rows(quick.model, twin.model, quick.data.test_images[:n], quick.data.test_labels[:n])
    summary = curves.robust_summary(rows).to_dict("index")
    at = "accuracy at ε = 0.1"
    mine_fgsm, twin_fgsm = summary["your network, FGSM"], summary["robust twin, FGSM"]
    mine_pgd, twin_pgd = summary["your network, PGD"], summary["robust twin, PGD"]
    assert twin_fgsm[at] == pytest.approx(0.57, abs=0.015) and mine_fgsm[at] == pytest.approx(0.32, abs=0.015)
    assert twin_pgd[at] == pytest.approx(0.55, abs=0.015) and mine_pgd[at] == pytest.approx(0.28, abs=0.015)
    assert abs(twin_fgsm["clean accuracy"] - mine_fgsm["clean accuracy"]) <= 0.01  # "within a point"


def test_2d_slowly() -> None:
    lesson = set_up("2d-slowly")
    assert (lesson.view, lesson.eps_2d) == (View.PLANE, 0.05)
    run = attacks2d.default_run()  # the circle network the page trains when the learner has none
    points, labels = run.train_x, run.train_y
    distances = attacks2d.boundary_distances(run, points)
    right = attacks2d.predict_2d(run, points)[0] == labels
    nearest_full_at = None
    for eps in np.round(np.arange(lesson.eps_2d, 2.0 + 1e-9, 0.05), 2):  # the slider's stops from the set-up's ε
        step = attacks2d.crossings(run, points, labels, float(eps))
        bands = attacks2d.crossing_bands(step, distances)
        assert attacks2d.nearer_cross_more(bands), (eps, bands)  # the nearer band, the larger share crossed
        farther = right & (distances > eps + attacks2d.GRID_STEP)
        assert not (farther & step.crossed).any(), eps  # no point farther than ε crosses
        if nearest_full_at is None and bands[0].crossed == bands[0].points:
            nearest_full_at = eps
            assert bands[1].crossed < bands[1].points  # the nearest band fills first, then the next
    assert nearest_full_at is not None
    first = attacks2d.crossing_bands(attacks2d.crossings(run, points, labels, lesson.eps_2d), distances)
    assert first[0].crossed > 0 and sum(b.crossed for b in first[1:]) == 0  # at 0.05, only the nearest band

