"""Pictures of a 2-D latent space: the map of test digits at their codes (an Altair chart with each digit's
thumbnail on hover), the grid of decoded digits, an interpolation strip, the latent pad's background, and
the check of a point the pad sends back (untrusted)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from playground.render.colors import CLASS_HEX, CLASS_RGB
from playground.render.png import data_uri, encode_png, to_grey_uint8, upscale

Extent = tuple[float, float, float, float]  # (x0, x1, y0, y1) in latent units
MAX_MAP_POINTS = 1000  # digits drawn on the latent map (each carries a thumbnail)
THUMBNAIL_SCALE = 2  # a hover thumbnail is 56 px square
FAINT_GRID = 0.22  # the pad's background: how strongly the decoded grid shows under the dots
LINK_BOUND = 1e3  # a point sent back is refused beyond this (a code far outside any map)


def thumbnail_uri(image_uint8: np.ndarray) -> str:
    """A digit (28, 28) uint8 as a small PNG data URI, for a tooltip's `image` field (vega-tooltip)."""
    return data_uri(encode_png(upscale(np.asarray(image_uint8, dtype=np.uint8), THUMBNAIL_SCALE)))


def map_frame(codes: np.ndarray, labels: np.ndarray, images_uint8: np.ndarray | None = None,
              limit: int = MAX_MAP_POINTS) -> pd.DataFrame:
    """The latent map's table: x, y, digit (its label as text), idx, and image (a thumbnail) when images
    are given; the first `limit` digits."""
    n = min(len(codes), limit)
    frame = pd.DataFrame({"x": np.asarray(codes[:n, 0], dtype=float), "y": np.asarray(codes[:n, 1], dtype=float),
                          "digit": [str(int(c)) for c in labels[:n]], "idx": np.arange(n)})
    if images_uint8 is not None:
        frame["image"] = [thumbnail_uri(im) for im in np.asarray(images_uint8[:n])]
    return frame


def latent_map(frame: pd.DataFrame, extent: Extent, size: int = 420, title: str = "") -> alt.Chart:
    """Test digits at their codes, coloured by class (render.colors.CLASS_HEX), the digit's picture on hover;
    the axes span the shown square `extent` (points outside it are clipped)."""
    x0, x1, y0, y1 = extent
    digits = [str(c) for c in range(10)]
    tooltip = [alt.Tooltip("digit:N"), alt.Tooltip("x:Q", title="z₁", format=".2f"),
               alt.Tooltip("y:Q", title="z₂", format=".2f")] + (["image:N"] if "image" in frame.columns else [])
    return alt.Chart(frame).mark_circle(size=22, opacity=0.8, clip=True).encode(
        x=alt.X("x:Q", title="z₁", scale=alt.Scale(domain=[x0, x1], nice=False)),
        y=alt.Y("y:Q", title="z₂", scale=alt.Scale(domain=[y0, y1], nice=False)),
        color=alt.Color("digit:N", scale=alt.Scale(domain=digits, range=list(CLASS_HEX)), title="Digit"),
        tooltip=tooltip,
    ).properties(width=size, height=size, title=title)


def grid_png(grid: np.ndarray, scale: int = 1) -> bytes:
    """The decoded grid (pixels in [0, 1]; white ink on black) as a PNG, enlarged `scale` times."""
    return encode_png(upscale(to_grey_uint8(grid, 0.0, 1.0), scale))


def strip_png(digits: np.ndarray, scale: int = 3, gap: int = 2) -> bytes:
    """Decoded digits (steps, 28, 28) in a row, `gap` grey pixels apart, enlarged `scale` times."""
    steps = len(digits)
    row = np.full((28, steps * 28 + (steps - 1) * gap), 96, dtype=np.uint8)
    for i, d in enumerate(digits):
        row[:, i * (28 + gap) : i * (28 + gap) + 28] = to_grey_uint8(d, 0.0, 1.0)
    return encode_png(upscale(row, scale))


def to_pixels(points: np.ndarray, extent: Extent, size: int) -> np.ndarray:
    """(n, 2) codes -> (n, 2) float pixel positions (column, row) in a size × size picture of `extent`, y up."""
    x0, x1, y0, y1 = extent
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return np.stack([(p[:, 0] - x0) / (x1 - x0) * size, (y1 - p[:, 1]) / (y1 - y0) * size], axis=1)


def pad_background(codes: np.ndarray, labels: np.ndarray, extent: Extent, size: int = 320,
                   grid: np.ndarray | None = None, dot: int = 3) -> np.ndarray:
    """(size, size, 3) uint8: the codes as dots coloured by class on white, over a faint decoded grid
    (`grid`, pixels in [0, 1], covering `extent`) when one is given."""
    picture = np.full((size, size, 3), 255.0)
    if grid is not None:
        g = np.asarray(grid, dtype=np.float64)
        rows = np.minimum((np.arange(size) + 0.5) * g.shape[0] / size, g.shape[0] - 1).astype(int)
        cols = np.minimum((np.arange(size) + 0.5) * g.shape[1] / size, g.shape[1] - 1).astype(int)
        ink = g[rows][:, cols]
        picture -= (FAINT_GRID * 255.0 * ink)[:, :, None]
    at = np.floor(to_pixels(codes, extent, size)).astype(int)
    half = dot // 2
    for dy in range(-half, dot - half):
        for dx in range(-half, dot - half):
            c, r = at[:, 0] + dx, at[:, 1] + dy
            inside = (c >= 0) & (c < size) & (r >= 0) & (r < size)
            picture[r[inside], c[inside]] = CLASS_RGB[np.asarray(labels)[inside] % len(CLASS_RGB)]
    return np.rint(picture).astype(np.uint8)


def pad_background_png(codes: np.ndarray, labels: np.ndarray, extent: Extent, size: int = 320,
                       grid: np.ndarray | None = None) -> bytes:
    """pad_background as PNG bytes (what the latent pad shows under the pointer)."""
    return encode_png(pad_background(codes, labels, extent, size, grid))


def checked_point(value: object) -> tuple[tuple[float, float] | None, str | None]:
    """A point the pad sent, untrusted ([x, y] of finite numbers of moderate size) -> ((x, y), None), or
    (None, a message for the learner)."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None, "The latent pad sent something that is not a point; click the map again."
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None, "The latent pad sent a point that is not two numbers; click the map again."
    if not (math.isfinite(x) and math.isfinite(y)) or max(abs(x), abs(y)) > LINK_BOUND:
        return None, f"A latent point must be two finite numbers within ±{LINK_BOUND:g}; click the map again."
    return (x, y), None


def legend() -> list[tuple[str, str]]:
    """(colour hex, label) for each digit class, as the map and the pad colour them."""
    return [(CLASS_HEX[c], str(c)) for c in range(10)]


def marks_payload(points: Sequence[Sequence[float]]) -> list[list[float]]:
    """Up to two marked codes (the interpolation's ends) as plain lists for the pad."""
    return [[float(p[0]), float(p[1])] for p in list(points)[:2]]

