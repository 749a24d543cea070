"""What each result the Embeddings lesson keeps depends on: the model's state and the sample, a projection's
settings, and exactly which points it projects; a rerun reuses a result while its key is the same."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from playground.keyed_results import model_key


def digit_model(trainer: object, n_points: int) -> tuple:
    """A digit network's current state (more training changes it) and the number of sampled digits."""
    return ("digits", model_key(trainer), n_points)


def playground_model(run: object, n_points: int) -> tuple:
    """A Playground network at its current epoch, and the number of its points."""
    return ("playground", id(run), run.epoch, n_points)


def thumbnails(source: str, n_points: int) -> tuple:
    """The sampled digits' pictures: they depend on the data set and the sample only, not on the model."""
    return ("thumbs", source, n_points)


def points(projected: np.ndarray) -> tuple:
    """Exactly which points (a boolean mask) a projection is made of."""
    mask = np.asarray(projected, dtype=bool)
    return (int(mask.sum()), len(mask), np.packbits(mask).tobytes())


def pca(model: tuple, projected: np.ndarray) -> tuple:
    return model + points(projected)


def tsne(model: tuple, layer: Hashable, perplexity: float, learning_rate: float | str, n_iter: int,
         projected: np.ndarray) -> tuple:
    return model + (layer, perplexity, str(learning_rate), n_iter) + points(projected)


def umap(model: tuple, layer: Hashable, neighbours: int, min_dist: float, projected: np.ndarray) -> tuple:
    return model + (layer, neighbours, min_dist) + points(projected)


def snapshot_frames(snapshots: object) -> tuple:
    """The recorded snapshots' projections: a new recording, or one more snapshot, changes them."""
    return (id(snapshots), len(snapshots))
