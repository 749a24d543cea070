"""What the GAN learns from and what it starts from: the real distributions on the unit square (GAN Lab's
line, gaussians, ring, disjoint and drawing, plus eight Gaussians on a circle and two moons), the noise
(1D/2D, uniform or GAN Lab's truncated normal), the mode centres for counting modes, and the check of a
drawing or a link's points."""

from __future__ import annotations

import math

import numpy as np

SHAPES = ("gaussians", "line", "ring", "disjoint", "eight", "moons", "drawing")
SHAPE_LABELS = {"gaussians": "Two Gaussians", "line": "Line", "ring": "Ring", "disjoint": "Three blobs",
                "eight": "Eight Gaussians", "moons": "Two moons", "drawing": "Your drawing"}
NOISES = ("2d-uniform", "2d-gaussian", "1d-uniform", "1d-gaussian")
NOISE_LABELS = {"2d-uniform": "2D uniform", "2d-gaussian": "2D Gaussian", "1d-uniform": "1D uniform",
                "1d-gaussian": "1D Gaussian"}
MAX_DRAWN = 2000  # points kept from a drawing
DRAWN_SD = 0.02  # each real sample is a drawn point plus this much Gaussian noise (GAN Lab)

_EIGHT_ANGLES = 2.0 * np.pi * np.arange(8) / 8.0
MODE_CENTRES: dict[str, np.ndarray] = {
    "eight": np.stack([0.5 + 0.35 * np.cos(_EIGHT_ANGLES), 0.5 + 0.35 * np.sin(_EIGHT_ANGLES)], axis=1),
    "disjoint": np.array([[0.35, 0.75], [0.75, 0.6], [0.45, 0.35]]),
    "gaussians": np.array([[0.3, 0.7], [0.7, 0.4]]),
}
MODE_RADII: dict[str, float] = {"eight": 0.1, "disjoint": 0.1, "gaussians": 0.2}  # eight: 5 sd, a third of the gap


def noise_dim(noise: str) -> int:
    """1 or 2: the noise's dimension."""
    return 1 if noise.startswith("1d") else 2


def sample_noise(noise: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 1 or 2) noise: uniform on [0,1]^d, or a normal (mean 0.5, sd 0.25) cut at 2 sd (GAN Lab's)."""
    if noise not in NOISES:
        raise ValueError(f"noises are {NOISES}, got {noise!r}")
    shape = (n, noise_dim(noise))
    if noise.endswith("uniform"):
        return rng.random(shape)
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return 0.5 + 0.25 * z


def _pick(rng: np.random.Generator, n: int, centres: np.ndarray, sds: np.ndarray) -> np.ndarray:
    """n samples from an equal mixture of axis-aligned Gaussians."""
    which = rng.integers(0, len(centres), n)
    return centres[which] + sds[which] * rng.standard_normal((n, 2))


def sample_real(shape: str, n: int, rng: np.random.Generator, drawn: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) samples of the real distribution `shape` (GAN Lab's formulas for its shapes)."""
    u = rng.random(n)
    e = rng.standard_normal((n, 2))
    if shape == "line":
        return np.stack([0.8 - 0.75 * u + 0.01 * e[:, 0], 0.6 + 0.3 * u + 0.01 * e[:, 1]], axis=1)
    if shape == "gaussians":
        first = (u < 0.5)[:, None]
        return np.where(first, [0.3, 0.7] + 0.1 * e, [0.7, 0.4] + np.array([0.05, 0.2]) * e)
    if shape == "ring":
        t = 2.0 * np.pi * u
        return np.stack([0.5 + 0.3 * np.cos(t) + 0.025 * e[:, 0], 0.45 + 0.25 * np.sin(t) + 0.025 * e[:, 1]],
                        axis=1)
    if shape in ("disjoint", "eight"):
        centres = MODE_CENTRES[shape]
        sd = 0.025 if shape == "disjoint" else 0.02
        return centres[rng.integers(0, len(centres), n)] + sd * e
    if shape == "moons":
        t = np.pi * u
        upper = (rng.random(n) < 0.5)[:, None]
        outer = np.stack([np.cos(t), np.sin(t)], axis=1)
        inner = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
        moon = np.where(upper, outer, inner)  # x in [-1, 2], y in [-0.5, 1]
        scale = 0.8 / 3.0
        return np.stack([0.1 + (moon[:, 0] + 1.0) * scale, 0.3 + (moon[:, 1] + 0.5) * scale], axis=1) + 0.03 * e
    if shape == "drawing":
        if drawn is None or len(drawn) < 2:
            raise ValueError("the drawing shape needs at least 2 drawn points")
        return drawn[rng.integers(0, len(drawn), n)] + DRAWN_SD * e
    raise ValueError(f"shapes are {SHAPES}, got {shape!r}")


def drawn_points(points: object) -> tuple[np.ndarray | None, str | None]:
    """Untrusted [[x, y], ...] in [0,1]² → (points (k, 2) float64, at most MAX_DRAWN of them, None) or
    (None, a message saying what is wrong)."""
    if not isinstance(points, (list, tuple, np.ndarray)) or len(points) == 0:
        return None, "The drawing is empty: draw at least 2 points on the plane, then apply."
    rows = []
    for point in points:
        if not isinstance(point, (list, tuple, np.ndarray)) or len(point) != 2:
            return None, "Each drawn point must be a pair of numbers [x, y]."
        pair = []
        for value in point:
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                return None, "Each drawn point must be a pair of numbers [x, y]."
            if not math.isfinite(float(value)):
                return None, "A drawn point is not a finite number."
            pair.append(float(value))
        rows.append(pair)
    array = np.array(rows, dtype=np.float64)
    if ((array < 0.0) | (array > 1.0)).any():
        return None, "Drawn points must lie inside the plane (each coordinate between 0 and 1)."
    if len(array) < 2:
        return None, "One point is not a distribution: draw at least 2 points, then apply."
    if len(array) > MAX_DRAWN:
        array = array[np.linspace(0, len(array) - 1, MAX_DRAWN).round().astype(int)]
    return array, None
