"""How far the generated distribution is from the real one: densities on a grid over the unit square and
GAN Lab's KL and JS divergences (log base 2, smoothing ε = 1e-4, `ganlab_evaluators.ts`), and a count of
the modes a generator covers."""

from __future__ import annotations

import numpy as np

CELLS = 30  # GAN Lab's grid
EPS = 1e-4  # GAN Lab's smoothing


def grid_density(points: np.ndarray, cells: int = CELLS) -> np.ndarray:
    """(cells, cells) share of the points in each cell, summing to 1; row 0 = bottom (y near 0), column 0 =
    left; points outside the square count in the nearest edge cell."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) == 0:
        return np.zeros((cells, cells))
    index = np.clip(np.floor(np.nan_to_num(points, nan=0.5) * cells), 0, cells - 1).astype(np.intp)
    counts = np.bincount(index[:, 1] * cells + index[:, 0], minlength=cells * cells)
    return (counts / len(points)).reshape(cells, cells)


def kl(p: np.ndarray, q: np.ndarray, eps: float = EPS) -> float:
    """KL(p‖q) in bits, GAN Lab's: Σ (p+ε) log2((p+ε)/(q+ε))."""
    p, q = np.ravel(p), np.ravel(q)
    return float(np.sum((p + eps) * np.log2((p + eps) / (q + eps))))


def js(p: np.ndarray, q: np.ndarray, eps: float = EPS) -> float:
    """Jensen–Shannon divergence in bits, GAN Lab's: ½[Σ(p+ε)log2((p+ε)/(m+ε)) + Σ(q+ε)log2((q+ε)/(m+ε))]."""
    p, q = np.ravel(p), np.ravel(q)
    m = 0.5 * (p + q) + eps
    return float(0.5 * (np.sum((p + eps) * np.log2((p + eps) / m)) + np.sum((q + eps) * np.log2((q + eps) / m))))


def modes_covered(fake: np.ndarray, centres: np.ndarray, radius: float, min_share: float = 0.02) -> int:
    """How many centres have at least `min_share` of the fake samples within `radius` of them."""
    fake = np.asarray(fake, dtype=np.float64)
    if len(fake) == 0:
        return 0
    distances = np.linalg.norm(fake[:, None, :] - np.asarray(centres)[None, :, :], axis=2)
    shares = (distances <= radius).mean(axis=0)
    return int((shares >= min_share).sum())
