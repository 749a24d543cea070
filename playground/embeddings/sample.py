"""The points the Embeddings lesson shows: a stratified, seeded sample of the digits (test digits first,
training digits when more are asked for than the test set holds), or every point of a 2D Playground network
with what that network reads in each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.embeddings.data import sample_indices
from playground.engine2d.features import feature_matrix
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings

POINT_CHOICES = (250, 500, 1000, 2000, 5000)  # the "Points" slider's stops


@dataclass(frozen=True)
class DigitSample:
    """Digits to project: the sampled test digits, then the sampled training digits."""

    images: np.ndarray  # (n, 28, 28) uint8
    labels: np.ndarray  # (n,)
    n_test: int
    n_train: int

    def __len__(self) -> int:
        return self.n_test + self.n_train


def digit_sample(test_images: np.ndarray, test_labels: np.ndarray, train_images: np.ndarray,
                 train_labels: np.ndarray, n_points: int, seed: int = 0) -> DigitSample:
    """`n_points` digits, every class in its proportion: from the test set, and from the training set for
    what the test set cannot give (the same seed picks the same digits every time)."""
    n_test = min(n_points, len(test_labels))
    n_train = min(n_points - n_test, len(train_labels))
    test = sample_indices(test_labels, n_test, seed=seed)
    train = sample_indices(train_labels, n_train, seed=seed) if n_train else np.zeros(0, dtype=np.int64)
    return DigitSample(np.concatenate([test_images[test], train_images[train]]),
                       np.concatenate([test_labels[test], train_labels[train]]), n_test, n_train)


# ------------------------------------------------------------------------------------ Playground


def can_project(run: PlaygroundRun) -> bool:
    """Whether the lesson can show this Playground network: one that classifies, with points to show."""
    return run.problem == "classification" and len(run.train_y) > 0


def default_run() -> PlaygroundRun:
    """The 2D network shown when the learner has none of their own: a spiral network, trained here (seeded)."""
    run = PlaygroundRun(PlaygroundSettings(dataset="spiral", networkShape=[8, 8, 2], seed="0.13577",
                                           features=("x", "y", "sinX", "sinY")))
    run.train(400, loss_every_epoch=False)
    return run


def playground_points(run: PlaygroundRun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points, labels, what the network reads) of every training and test point, in that order."""
    points = np.concatenate([run.train_x, run.test_x])
    labels = np.concatenate([run.train_y, run.test_y]).astype(np.int64)
    shown = run.network.display_output(run.network.node_outputs(feature_matrix(points, run.features)))
    predicted = shown.argmax(axis=1) if shown.ndim == 2 else (shown >= 0).astype(np.int64)
    return points, labels, predicted
