"""The lessons' challenges are checked by the app from the learner's own network."""

from __future__ import annotations

import pytest

from playground.adversarial.attacks import attack_one
from playground.classroom.challenges import check_mnist_compact, check_seven_to_three, check_spiral_small
from playground.digits.mnist import load_mnist5k
from playground.digits.models import ModelSpec
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings

SPIRAL = dict(dataset="spiral", features=("x", "y", "sinX", "sinY"), networkShape=[6, 6], learningRate=0.03,
              seed="0.43100")


def test_spiral_small_passes_only_when_every_condition_holds() -> None:
    run = PlaygroundRun(PlaygroundSettings(**SPIRAL))
    assert not check_spiral_small(run).passed  # untrained
    run.train(1500, loss_every_epoch=False)
    attempt = check_spiral_small(run)
    assert attempt.passed, attempt.explanation
    assert attempt.figures["hidden_neurons"] == 12 and attempt.figures["test_loss"] < 0.05
    big = PlaygroundRun(PlaygroundSettings(**{**SPIRAL, "networkShape": [8, 8]}))
    assert "at most 12 hidden neurons" in check_spiral_small(big).explanation
    circle = PlaygroundRun(PlaygroundSettings(**{**SPIRAL, "dataset": "circle"}))
    assert "Spiral dataset" in check_spiral_small(circle).explanation
    run.add_point(1.0, 1.0, 0)
    assert "added or cleared" in check_spiral_small(run).explanation


@pytest.fixture(scope="module")
def digits():
    d = load_mnist5k()
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


def test_mnist_compact_counts_parameters_and_measures_accuracy(digits) -> None:
    assert not check_mnist_compact(None, "mnist5k").passed
    small = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1), digits)
    small.train_slice(5.0)
    attempt = check_mnist_compact(small, "mnist5k")
    assert not attempt.passed and "97%" in attempt.explanation
    assert attempt.figures["parameters"] == 784 * 16 + 16 + 16 * 10 + 10
    big = DigitTrainer(ModelSpec(hidden=(128,)), TrainConfig(epochs=1), digits)
    assert "50,000 parameters" in check_mnist_compact(big, "mnist5k").explanation


def test_seven_to_three(digits) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(64,)), TrainConfig(epochs=2), digits)
    while not trainer.finished:
        trainer.train_slice(5.0)
    labels = digits.test_labels.numpy()
    sevens = [i for i in range(len(labels)) if labels[i] == 7][:40]
    passed = None
    for i in sevens:
        result = attack_one(trainer.model, digits.test_images[i].numpy(), 7, 0.1, "pgd", target=3, steps=20)
        attempt = check_seven_to_three(result, i)
        assert attempt.passed == (result.adversarial_prediction == 3)
        if attempt.passed:
            passed = attempt
            break
    assert passed is not None and passed.figures["read_as"] == 3 and passed.figures["eps"] <= 0.1
    too_big = attack_one(trainer.model, digits.test_images[sevens[0]].numpy(), 7, 0.2, "pgd", target=3)
    assert "at most 0.1" in check_seven_to_three(too_big, sevens[0]).explanation
    not_seven = int((labels != 7).nonzero()[0][0])
    other = attack_one(trainer.model, digits.test_images[not_seven].numpy(), int(labels[not_seven]), 0.1, target=3)
    assert "labelled 7" in check_seven_to_three(other, not_seven).explanation
