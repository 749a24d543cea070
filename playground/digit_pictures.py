"""Digit images as pictures: grids of 28×28 greyscale images for samples, predictions and weights."""

from __future__ import annotations

import numpy as np

from playground.png import upscale


def image_grid(images: np.ndarray, ncols: int, pad: int = 1, background: int = 255) -> np.ndarray:
    """Tile (n, h, w) uint8 images (or (n, h, w, 3)) into rows of `ncols`, separated by `pad` pixels."""
    imgs = np.asarray(images)
    n, h, w = imgs.shape[:3]
    nrows = max(1, -(-n // ncols))
    shape = (nrows * (h + pad) + pad, ncols * (w + pad) + pad) + imgs.shape[3:]
    grid = np.full(shape, background, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, ncols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = imgs[i]
    return grid


def ink_on_paper(images: np.ndarray) -> np.ndarray:
    """MNIST stores white ink on black; show dark ink on white paper, as a learner writes."""
    return (255 - np.asarray(images, dtype=np.uint8)).astype(np.uint8)


def samples_per_class(
    images: np.ndarray, labels: np.ndarray, n_classes: int = 10, per_class: int = 8, seed: int = 0
) -> np.ndarray:
    """Indices of `per_class` images of each class, class by class (seeded, so everyone sees the same)."""
    rng = np.random.default_rng(seed)
    chosen = []
    for c in range(n_classes):
        idx = np.flatnonzero(labels == c)
        take = rng.choice(idx, size=min(per_class, idx.size), replace=False) if idx.size else idx
        chosen.append(np.sort(take))
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def class_rows_picture(
    images: np.ndarray, labels: np.ndarray, n_classes: int = 10, per_class: int = 8, scale: int = 2, seed: int = 0
) -> np.ndarray:
    """One row of sample images per class, dark ink on white, enlarged by `scale`."""
    idx = samples_per_class(images, labels, n_classes, per_class, seed)
    grid = image_grid(ink_on_paper(images[idx]), ncols=per_class, pad=2)
    return upscale(grid, scale)
