"""The parts LIME switches on and off in a 28×28 digit: superpixels (a small SLIC written here: k-means on
each pixel's row, column and ink, started from a regular grid, then made connected) or a grid of square
patches. Each is a (28, 28) int array of labels 0..k-1."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

SIDE = 28
SEGMENT_KINDS = ("superpixels", "grid")
PATCH = 4  # a grid patch's side in pixels (7 × 7 patches on a digit)
SUPERPIXELS = 36  # about this many superpixels (a 6 × 6 starting grid)
COMPACTNESS = 0.25  # ink difference (0..1) that weighs as much as one grid step of distance
MIN_SIZE = 4  # pieces smaller than this many pixels join a neighbour


def grid_patches(patch: int = PATCH, side: int = SIDE) -> np.ndarray:
    """(side, side) labels of square `patch`×`patch` patches, row by row (the last ones smaller if `patch`
    does not divide `side`)."""
    patch = max(1, min(int(patch), side))
    per_row = -(-side // patch)
    rows, cols = np.indices((side, side))
    return (rows // patch) * per_row + cols // patch


def superpixels(image: np.ndarray, n: int = SUPERPIXELS, compactness: float = COMPACTNESS,
                iterations: int = 10) -> np.ndarray:
    """SLIC superpixels of one digit: `image` is (28, 28) ink in 0..1 (or uint8 0..255). Pixels are clustered
    by k-means on (row, column, ink) from centres on a regular grid, so the same digit always gives the same
    superpixels (no randomness). Each cluster is then split into its connected pieces, and pieces smaller
    than MIN_SIZE pixels join the neighbour they share most border with."""
    ink = np.asarray(image, dtype=np.float64)
    if ink.max(initial=0.0) > 1.0:
        ink = ink / 255.0
    side_r, side_c = ink.shape
    step = np.sqrt(side_r * side_c / max(1, n))
    centres_1d_r = np.arange(step / 2, side_r, step)
    centres_1d_c = np.arange(step / 2, side_c, step)
    cr, cc = np.meshgrid(centres_1d_r, centres_1d_c, indexing="ij")
    rows, cols = np.indices(ink.shape)
    pixels = np.stack([rows.ravel(), cols.ravel(), ink.ravel()], axis=1).astype(np.float64)
    # distance in grid steps for position, in `compactness` units for ink (SLIC's (d_s/S)² + (d_c/m)²)
    weights = np.array([1.0 / step, 1.0 / step, 1.0 / max(compactness, 1e-6)])
    points = pixels * weights
    centre_pixels = np.clip(np.rint(np.stack([cr.ravel(), cc.ravel()], axis=1)).astype(int), 0,
                            [side_r - 1, side_c - 1])
    centres = np.column_stack([cr.ravel(), cc.ravel(), ink[centre_pixels[:, 0], centre_pixels[:, 1]]]) * weights
    k = len(centres)
    labels = np.full(len(points), -1, dtype=np.int64)
    for _ in range(iterations):
        dr, dc, di = (points[:, j, None] - centres[None, :, j] for j in range(3))
        spatial = dr * dr + dc * dc
        d = spatial + di * di
        # SLIC looks only within 2 grid steps of a centre: keeps the clusters compact
        d[spatial > 4.0] = np.inf
        new = np.argmin(d, axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=k)
        sums = np.stack([np.bincount(labels, weights=points[:, j], minlength=k) for j in range(3)], axis=1)
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, None]
    return _connected(labels.reshape(ink.shape))


def _connected(labels: np.ndarray) -> np.ndarray:
    """Split each label into its 4-connected pieces, merge tiny pieces into a neighbour, number 0..k-1."""
    pieces = np.zeros(labels.shape, dtype=np.int64)
    count = 0
    for value in np.unique(labels):
        comp, k = ndimage.label(labels == value)
        pieces[comp > 0] = comp[comp > 0] + count
        count += k
    pieces -= 1
    sizes = np.bincount(pieces.ravel(), minlength=count)
    for piece in np.argsort(sizes, kind="stable"):
        if sizes[piece] == 0 or sizes[piece] >= MIN_SIZE:
            continue
        mask = pieces == piece
        ring = ndimage.binary_dilation(mask) & ~mask
        neighbours = pieces[ring]
        if neighbours.size == 0:
            continue
        target = np.bincount(neighbours).argmax()
        pieces[mask] = target
        sizes[target] += sizes[piece]
        sizes[piece] = 0
    _, relabelled = np.unique(pieces, return_inverse=True)
    return relabelled.reshape(labels.shape).astype(np.int64)


def segments(image: np.ndarray, kind: str = "superpixels") -> np.ndarray:
    """The LIME parts of a digit (28, 28 ink in 0..1 or uint8): "superpixels" or "grid" (PATCH-pixel patches);
    an unknown kind gives superpixels."""
    if kind == "grid":
        return grid_patches(PATCH, side=np.asarray(image).shape[0])
    return superpixels(image)
