"""Adversarial attacks on the digit networks: FGSM and PGD stay inside the ε-ball and the valid pixels,
PGD is at least as strong as FGSM, ε = 0 is the clean accuracy, targeted attacks reach their class, and
adversarial training makes a model more robust. On MNIST-5k with a small, quickly trained MLP."""

from __future__ import annotations

import numpy as np
import pytest

from playground.adversarial import attacks as A  # noqa: N812 - the module under test, by one letter
from playground.adversarial.training import (
    AdversarialConfig,
    AdversarialTrainer,
    adversarial_twin,
    compare_models,
)
from playground.digits.mnist import load_mnist5k
from playground.digits.models import ModelSpec, build_model
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.torch_runtime import torch

TOLERANCE = 1e-6  # float32 rounding of x ± ε


@pytest.fixture(scope="module")
def tensors() -> DigitTensors:
    d = load_mnist5k()
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


def _train(trainer: DigitTrainer) -> DigitTrainer:
    while not trainer.finished:
        trainer.train_slice(5.0)
    return trainer


@pytest.fixture(scope="module")
def trainer(tensors) -> DigitTrainer:
    return _train(DigitTrainer(ModelSpec(hidden=(64,)), TrainConfig(epochs=2, batch_size=64), tensors))


@pytest.fixture(scope="module")
def test_set(tensors):
    """The first 300 test digits, as uint8 (n, 28, 28), with their labels."""
    return tensors.test_images[:300], tensors.test_labels[:300]


def test_pixel_batches_accept_uint8_and_float_images(tensors) -> None:
    u8 = tensors.test_images[:3]
    x = A.as_pixels(u8)
    assert x.shape == (3, 1, 28, 28) and x.dtype == torch.float32
    assert torch.equal(x, u8.float().unsqueeze(1) / 255.0)
    assert torch.equal(A.as_pixels(x), x) and torch.equal(A.as_pixels(x[:, 0].numpy()), x)
    assert A.as_pixels(u8[0].numpy()).shape == (1, 1, 28, 28)
    with pytest.raises(ValueError):
        A.as_pixels(torch.zeros(2, 3, 28, 28))


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.1, 0.3])
@pytest.mark.parametrize("target", [None, 3])
def test_fgsm_stays_in_the_eps_ball_and_the_pixel_range(trainer, test_set, eps, target) -> None:
    images, labels = test_set
    x = A.as_pixels(images)
    adv = A.fgsm(trainer.model, images, labels, eps, target=target)
    assert (adv - x).abs().max() <= eps + TOLERANCE
    assert adv.min() >= 0.0 and adv.max() <= 1.0
    if eps > 0:  # pixels not stopped by 0 or 1 move by the full ε
        inside = (x > eps) & (x < 1 - eps)
        moved = (adv - x).abs()[inside]
        assert moved.max() == pytest.approx(eps, abs=TOLERANCE) and (moved > eps / 2).float().mean() > 0.9


def test_attacks_leave_the_weights_gradients_and_mode_alone(trainer, test_set) -> None:
    model = trainer.model
    before = [p.detach().clone() for p in model.parameters()]
    grads = [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    model.train()
    A.fgsm(model, *test_set, 0.1)
    A.pgd(model, *test_set, 0.1, steps=2)
    assert model.training
    for p, w, g in zip(model.parameters(), before, grads, strict=True):
        assert torch.equal(p.detach(), w)
        assert (p.grad is None and g is None) or torch.equal(p.grad, g)


@pytest.mark.parametrize("random_start", [False, True])
@pytest.mark.parametrize("step_size", [None, 0.1])  # 0.1 > ε: every step needs the projection
def test_pgd_iterates_never_leave_the_eps_ball(trainer, test_set, random_start, step_size) -> None:
    images, labels = test_set
    x, eps = A.as_pixels(images), 0.08
    seen = []

    def check(k: int, x_k: torch.Tensor) -> None:
        seen.append(k)
        assert (x_k - x).abs().max() <= eps + TOLERANCE, f"step {k} left the ball"
        assert x_k.min() >= 0.0 and x_k.max() <= 1.0

    adv = A.pgd(trainer.model, images, labels, eps, steps=7, step_size=step_size, random_start=random_start,
                on_step=check)
    assert seen == list(range(8))
    assert (adv - x).abs().max() <= eps + TOLERANCE


def test_pgd_is_seeded(trainer, test_set) -> None:
    a, b, c = (A.pgd(trainer.model, *test_set, 0.1, steps=3, random_start=True, seed=s) for s in (1, 1, 2))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("eps", [0.03, 0.1, 0.2])
def test_pgd_succeeds_at_least_as_often_as_fgsm(trainer, test_set, eps) -> None:
    images, labels = test_set
    fgsm_rate = A.success_rate(trainer.model, A.fgsm(trainer.model, images, labels, eps), labels)
    pgd_rate = A.success_rate(trainer.model, A.pgd(trainer.model, images, labels, eps, steps=10), labels)
    assert pgd_rate >= fgsm_rate
    curves = {a: A.accuracy_vs_eps(trainer.model, images, labels, (eps,), a) for a in A.ATTACKS}
    assert curves["pgd"][0][1] <= curves["fgsm"][0][1]


def test_accuracy_at_eps_zero_is_the_clean_accuracy_exactly(trainer, tensors) -> None:
    images, labels = tensors.test_images, tensors.test_labels
    clean = A.accuracy(trainer.model, images, labels)
    _, trainer_accuracy = trainer.evaluate(images, labels)
    assert round(trainer_accuracy * len(labels)) == round(clean * len(labels))
    for attack in A.ATTACKS:
        curve = A.accuracy_vs_eps(trainer.model, images[:400], labels[:400], (0.0, 0.1), attack, batch=150)
        assert curve[0] == (0.0, A.accuracy(trainer.model, images[:400], labels[:400]))


def test_eps_zero_is_clean_for_a_channels_last_cnn(tensors) -> None:
    torch.manual_seed(0)
    model = build_model(ModelSpec(kind="cnn", filters=(4,), kernel=3)).to(memory_format=torch.channels_last)
    images, labels = tensors.test_images[:200], tensors.test_labels[:200]
    curve = A.accuracy_vs_eps(model, images, labels, (0.0, 0.2))
    assert curve[0][1] == A.accuracy(model, images, labels)
    adv = A.fgsm(model, images, labels, 0.2)
    assert (adv - A.as_pixels(images)).abs().max() <= 0.2 + TOLERANCE


def test_the_accuracy_curve_falls_with_eps(trainer, tensors) -> None:
    images, labels = tensors.test_images, tensors.test_labels
    fgsm = A.accuracy_vs_eps(trainer.model, images, labels)
    pgd = A.accuracy_vs_eps(trainer.model, images, labels, attack="pgd", steps=5)
    assert [e for e, _ in fgsm] == list(A.DEFAULT_EPSILONS)
    for curve in (fgsm, pgd):
        accuracies = [a for _, a in curve]
        assert all(b <= a + 0.01 for a, b in zip(accuracies, accuracies[1:], strict=False))
        assert accuracies[0] > 0.8 and accuracies[-1] < 0.2
    assert all(p <= f + 0.01 for (_, f), (_, p) in zip(fgsm, pgd, strict=True))
    assert [e for e, _ in A.TUTORIAL_CURVE] == list(A.DEFAULT_EPSILONS)


def test_a_successful_targeted_attack_reads_as_its_target(trainer, test_set) -> None:
    images, labels = test_set
    reached = 0
    for i in range(12):
        label = int(labels[i])
        target = (label + 1 + i % 9) % 10
        result = A.attack_one(trainer.model, images[i], label, 0.25, "pgd", target=target, steps=20)
        read_as = int(A.predictions(trainer.model, result.adversarial).item())
        assert read_as == result.adversarial_prediction
        assert result.success == (read_as == target)
        reached += result.success
    assert reached >= 8  # at ε = 0.25 PGD makes most digits read as any class asked for
    # targeted FGSM: the target class becomes more likely, whatever the outcome
    result = A.attack_one(trainer.model, images[0], int(labels[0]), 0.1, target=(int(labels[0]) + 5) % 10)
    t = result.target
    assert result.adversarial_probabilities[t] > result.original_probabilities[t]


def test_attack_one_reports_the_perturbation_and_probabilities(trainer, test_set) -> None:
    images, labels = test_set
    r = A.attack_one(trainer.model, images[5], int(labels[5]), 0.1)
    assert r.original.shape == r.adversarial.shape == r.perturbation.shape == (28, 28)
    np.testing.assert_allclose(r.perturbation, r.adversarial - r.original)
    assert 0 < r.scale <= 0.1 + TOLERANCE
    np.testing.assert_allclose([r.original_probabilities.sum(), r.adversarial_probabilities.sum()], 1, atol=1e-5)
    assert r.success == (r.adversarial_prediction != r.label)
    assert np.array_equal(r.original, images[5].numpy() / np.float32(255))


def test_the_gallery_shows_correct_digits_that_were_fooled_most_confident_first(trainer, test_set) -> None:
    images, labels = test_set
    gallery = A.adversarial_gallery(trainer.model, images, labels, 0.1, "fgsm", k=8)
    assert len(gallery) == 8
    clean = A.predictions(trainer.model, images)
    confidences = [g.confidence for g in gallery]
    assert confidences == sorted(confidences, reverse=True)
    for g in gallery:
        assert clean[g.index] == labels[g.index] == g.label and g.prediction != g.label
        p = A.probabilities(trainer.model, g.adversarial)[0]
        assert int(p.argmax()) == g.prediction and float(p[g.prediction]) == pytest.approx(g.confidence)


def test_adversarial_training_improves_robust_accuracy(trainer, tensors) -> None:
    robust = adversarial_twin(trainer, AdversarialConfig(attack="fgsm", eps=0.1))
    assert isinstance(robust, AdversarialTrainer) and robust.config == trainer.config
    _train(robust)
    images, labels = tensors.test_images, tensors.test_labels
    standard_curves, robust_curves = compare_models(trainer.model, robust.model, images, labels,
                                                    epsilons=(0.0, 0.1), attacks=("fgsm", "pgd"), steps=5)
    for attack in ("fgsm", "pgd"):
        assert robust_curves.accuracy_at(attack, 0.1) > standard_curves.accuracy_at(attack, 0.1) + 0.15
    assert robust_curves.clean_accuracy > 0.8  # the price in clean accuracy is small
    assert standard_curves.clean_accuracy == standard_curves.accuracy_at("fgsm", 0.0)


def test_adversarial_training_is_seeded(tensors) -> None:
    def run(seed: int) -> torch.Tensor:
        config = TrainConfig(epochs=1, batch_size=128, seed=seed)
        t = _train(AdversarialTrainer(ModelSpec(hidden=(16,)), config, tensors, AdversarialConfig("pgd", 0.1, 2)))
        return next(t.model.parameters()).detach()

    a, b, c = run(1), run(1), run(2)
    assert torch.equal(a, b) and not torch.equal(a, c)
