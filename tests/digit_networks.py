"""Digit networks the lesson tests train: MNIST-5k as tensors, a trainer run to its end, the quick network."""

from __future__ import annotations

from functools import cache

from playground.digits import mnist
from playground.digits.lesson import DigitLesson
from playground.digits.training import DigitTensors, DigitTrainer


@cache
def mnist5k_tensors() -> DigitTensors:
    """MNIST-5k as tensors (read once per test process; never changed by a trainer)."""
    d = mnist.load_source("mnist5k")
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


def trained(trainer: DigitTrainer) -> DigitTrainer:
    """The trainer, trained for all its epochs."""
    while not trainer.finished:
        trainer.train_slice(5.0)
    return trainer


def quick_network() -> DigitTrainer:
    """The pages' 'Train a quick network here': one epoch of the default network (the MLP), a new one."""
    return trained(DigitLesson().quick_trainer(mnist5k_tensors()))
