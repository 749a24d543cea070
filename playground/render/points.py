"""Draw 2D data points onto NumPy pictures: dataset thumbnails and points over heatmaps."""

from __future__ import annotations

import numpy as np

from playground.render.colors import class_rgb, diverging_rgb

# The square of the plane that every 2D picture shows, as in TensorFlow Playground.
EXTENT = 6.0


def point_colours(labels: np.ndarray, problem: str) -> np.ndarray:
    """uint8 RGB per point: class colours for classification, the diverging scale for regression."""
    if problem == "regression":
        return diverging_rgb(np.asarray(labels, dtype=np.float64))
    return class_rgb(labels)


def to_pixels(points: np.ndarray, size: int, extent: float = EXTENT) -> np.ndarray:
    """Plane coordinates in [-extent, extent]² -> (col, row) pixel positions, y pointing up."""
    p = np.asarray(points, dtype=np.float64)
    col = (p[:, 0] + extent) / (2 * extent) * size
    row = (extent - p[:, 1]) / (2 * extent) * size
    return np.stack([col, row], axis=1)


def draw_squares(
    canvas: np.ndarray,
    points: np.ndarray,
    colours: np.ndarray,
    half: int,
    extent: float = EXTENT,
    outline: tuple[int, int, int] | None = None,
) -> np.ndarray:
    """Paint a filled square of side 2*half+1 per point (optionally with a 1-px outline), in place.

    Points outside the picture are skipped, as the reference hides them (they are still trained on).
    """
    h, w = canvas.shape[:2]
    pix = np.floor(to_pixels(points, w, extent)).astype(np.int64)
    inside = (pix[:, 0] >= 0) & (pix[:, 0] < w) & (pix[:, 1] >= 0) & (pix[:, 1] < h)
    r = half + (1 if outline is not None else 0)
    for (c, rw), colour in zip(pix[inside], colours[inside], strict=True):
        r0, r1, c0, c1 = max(rw - r, 0), min(rw + r + 1, h), max(c - r, 0), min(c + r + 1, w)
        if outline is not None:
            canvas[r0:r1, c0:c1] = outline
            r0, r1, c0, c1 = max(rw - half, 0), min(rw + half + 1, h), max(c - half, 0), min(c + half + 1, w)
        canvas[r0:r1, c0:c1] = colour
    return canvas


def scatter_png_pixels(
    points: np.ndarray, labels: np.ndarray, problem: str, size: int = 100, half: int = 2
) -> np.ndarray:
    """A white picture of `size`² pixels with the points drawn as coloured squares (TF's thumbnails)."""
    canvas = np.full((size, size, 3), 255, dtype=np.uint8)
    return draw_squares(canvas, points, point_colours(labels, problem), half)
