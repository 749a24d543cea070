"""The GAN's layered view as a PNG (GAN Lab's 400×400 picture): the discriminator's belief as a green
(real) ↔ purple (fake) background, the generator's manifold (the warped noise grid, shaded by density),
real and generated samples, and each generated sample's gradient arrow — any subset, y up. Also the noise
space, the legend and the home card's picture.

Speed matters (the view is redrawn ten or more times a second while training plays), so the picture is made
as palette indices, never as RGB: a paletted PNG is a third of the bytes to compress. The palette holds the
background's 41 levels of belief, each of them under five shades of the manifold, and three edge shades of
each mark's colour; the background is one bilinear upscale with ordered dithering (no bands); dots and arrows
are drawn by Pillow at twice the size and halved, so their edges are smooth."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from playground.generative.example import example_view
from playground.generative.view import LAYER_LABELS, LAYERS, GanView
from playground.render.colors import (
    ARROW_HEX,
    BELIEF_PALETTE,
    FAKE_HEX,
    REAL_HEX,
    belief_hex,
    hex_to_rgb,
)
from playground.render.png import encode_indexed_png, encode_png

SIZE = 400  # GAN Lab's plot, in pixels
SUPER = 2  # dots and arrows are drawn at this multiple of the size, then halved: antialiased edges
LEVELS = 41  # shades of the discriminator's belief (odd: the middle one is D = 0.5, the blank plane)
SHADES = 5  # the manifold over the background: four densities of cell, then the grid lines
MANIFOLD_ALPHA = (0.09, 0.2, 0.32, 0.45, 0.6)
MARKS = {"real": (REAL_HEX, 0.85), "fake": (FAKE_HEX, 0.85), "gradients": (ARROW_HEX, 0.9)}  # colour, opacity
EDGES = 3  # shades of a mark's edge pixel (how much of the pixel it covers)
_MARK_BASE = {name: LEVELS * (SHADES + 1) + EDGES * i for i, name in enumerate(MARKS)}
_FAR = (-1.5, 2.5)  # coordinates are clipped here (outside the picture) before drawing: a diverged run's
#                    huge numbers cannot make Pillow draw for long


def _palette() -> np.ndarray:
    """(256, 3) uint8: belief levels; the same under each manifold shade; then each mark's edge shades (drawn
    over the blank plane's colour: on the light background the difference does not show)."""
    belief = BELIEF_PALETTE[np.rint(np.linspace(0, 255, LEVELS)).astype(int)].astype(np.float64)
    fake = hex_to_rgb(FAKE_HEX)
    rows = [belief] + [belief + (fake - belief) * a for a in MANIFOLD_ALPHA]
    blank = belief[LEVELS // 2]
    for colour, opacity in MARKS.values():
        rgb = hex_to_rgb(colour)
        rows.append(np.stack([blank + (rgb - blank) * opacity * (k + 1) / EDGES for k in range(EDGES)]))
    table = np.zeros((256, 3))
    used = np.concatenate(rows)
    table[: len(used)] = used
    return np.rint(table).astype(np.uint8)


PALETTE = _palette()


@lru_cache(maxsize=4)
def _dither(size: int) -> np.ndarray:
    """A 4×4 Bayer matrix tiled over the picture, in [0, 1): ordered dithering between belief levels."""
    bayer = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float32)
    return np.tile((bayer + 0.5) / 16, (size // 4 + 1, size // 4 + 1))[:size, :size]


def _pixels(points: np.ndarray, size: int, scale: int = 1) -> np.ndarray:
    """Plane coordinates (unit square, y up) -> pixel coordinates (x right, y down) at scale × size."""
    p = np.clip(np.nan_to_num(np.asarray(points, dtype=np.float64), nan=-1.0), *_FAR)
    out = np.empty_like(p)
    out[..., 0] = p[..., 0] * size * scale
    out[..., 1] = (1.0 - p[..., 1]) * size * scale
    return out


def _finite_rows(points: np.ndarray) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return p[np.isfinite(p).all(axis=1)]


def _mask(size: int, scale: int = SUPER) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (size * scale, size * scale), 0)
    return image, ImageDraw.Draw(image)


def _stamp(index: np.ndarray, mask: Image.Image, mark: str) -> None:
    """Paint one mark's colour into the index picture where the (supersized) mask covers it, in place."""
    cover = np.asarray(mask.reduce(SUPER)).ravel()
    where = np.flatnonzero(cover)
    if where.size:
        shade = (cover[where].astype(np.uint16) * EDGES + 254) // 255  # 1..EDGES
        index.ravel()[where] = (_MARK_BASE[mark] - 1 + shade).astype(np.uint8)


def _background(heat: np.ndarray | None, size: int) -> np.ndarray:
    """Belief level per pixel (uint8, 0..LEVELS-1): a smooth, dithered upscale of D(x) on the cell grid
    (row 0 at the bottom); without a heatmap the blank plane (the middle level)."""
    if heat is None:
        return np.full((size, size), LEVELS // 2, dtype=np.uint8)
    h = np.nan_to_num(np.asarray(heat, dtype=np.float64), nan=0.5)
    grey = np.rint(np.clip(h[::-1], 0.0, 1.0) * 255.0).astype(np.uint8)  # top row first, as pictures go
    smooth = np.asarray(Image.fromarray(np.ascontiguousarray(grey), "L").resize((size, size), Image.BILINEAR))
    level = smooth.astype(np.float32) * np.float32((LEVELS - 1) / 255) + _dither(size)
    return np.minimum(level, LEVELS - 1).astype(np.uint8)


def _dots(points: np.ndarray, size: int) -> Image.Image:
    mask, draw = _mask(size)
    r = max(1.5, 2.6 * size / SIZE) * SUPER
    lo, hi = -r, size * SUPER + r
    for x, y in _pixels(_finite_rows(points), size, SUPER).tolist():
        if lo < x < hi and lo < y < hi:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return mask


def _arrows(start: np.ndarray, vec: np.ndarray, size: int) -> Image.Image:
    """Each gradient as a line with a small head (GAN Lab draws a thin needle from the sample)."""
    mask, draw = _mask(size)
    a = np.asarray(start, dtype=np.float64).reshape(-1, 2)
    v = np.asarray(vec, dtype=np.float64).reshape(-1, 2)
    keep = np.isfinite(a).all(axis=1) & np.isfinite(v).all(axis=1)
    p0, p1 = _pixels(a[keep], size, SUPER), _pixels(a[keep] + v[keep], size, SUPER)
    width = max(2, round(1.0 * size / SIZE * SUPER))
    head_most = 5.5 * size / SIZE * SUPER
    for (x0, y0), (x1, y1) in zip(p0.tolist(), p1.tolist(), strict=True):
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        if length < 1.0:
            continue  # a vanishing gradient: nothing to draw (the minimax failure shows as no arrows)
        ux, uy = dx / length, dy / length
        head = min(head_most, 0.45 * length)
        bx, by = x1 - ux * head, y1 - uy * head
        draw.line((x0, y0, bx, by), fill=255, width=width)
        w = head * 0.5
        draw.polygon((x1, y1, bx + uy * w, by - ux * w, bx - uy * w, by + ux * w), fill=255)
    return mask


def _shade_of(density: np.ndarray) -> np.ndarray:
    """Relative density in [0, 1] -> the manifold shade of a cell, 1..SHADES-1 (SHADES is the grid lines)."""
    d = np.clip(np.nan_to_num(np.asarray(density, dtype=np.float64).ravel(), nan=0.0), 0.0, 1.0)
    return 1 + np.minimum((d * (SHADES - 1)).astype(int), SHADES - 2)


def _manifold_2d(corners: np.ndarray, density: np.ndarray, size: int) -> Image.Image:
    """The warped noise grid: each cell shaded by its density (densest drawn last), then its grid lines."""
    c = _pixels(corners, size)
    cells = np.stack([c[:-1, :-1], c[:-1, 1:], c[1:, 1:], c[1:, :-1]], axis=2).reshape(-1, 8)
    shade = _shade_of(density)
    mask, draw = _mask(size, 1)
    for i in np.argsort(shade, kind="stable").tolist():
        draw.polygon(cells[i].tolist(), fill=int(shade[i]))
    for line in (*c, *c.transpose(1, 0, 2)):
        draw.line(line.ravel().tolist(), fill=SHADES, width=1)
    return mask


def _manifold_1d(points: np.ndarray, density: np.ndarray, size: int) -> Image.Image:
    """1D noise: a polyline, each segment thicker and darker where the generated samples are denser."""
    mask, draw = _mask(size, 1)
    p = _pixels(points, size)
    d = np.clip(np.nan_to_num(np.asarray(density, dtype=np.float64).ravel(), nan=0.0), 0.0, 1.0)
    shade = 3 + np.minimum((d * (SHADES - 2)).astype(int), SHADES - 3)  # the darker shades: a line
    unit = size / SIZE
    for i in np.argsort(d, kind="stable").tolist():
        w = (1.5 + 5.0 * d[i]) * unit
        (x0, y0), (x1, y1) = p[i].tolist(), p[i + 1].tolist()
        draw.line((x0, y0, x1, y1), fill=int(shade[i]), width=max(1, round(w)))
        for x, y in ((x0, y0), (x1, y1)):  # round joints
            draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=int(shade[i]))
    return mask


def layered_indices(view: GanView, layers: Collection[str] = LAYERS, size: int = SIZE) -> np.ndarray:
    """The layered view as (size, size) uint8 indices into PALETTE; `layers` picks from view.LAYERS."""
    shown = set(layers)
    index = _background(view.heat if "heatmap" in shown else None, size)
    if "manifold" in shown and view.manifold.size:
        if view.manifold.ndim == 3:
            shade = _manifold_2d(view.manifold, view.manifold_density, size)
        else:
            shade = _manifold_1d(view.manifold, view.manifold_density, size)
        index += np.asarray(shade, dtype=np.uint8) * np.uint8(LEVELS)  # level l under shade s: s·LEVELS + l
    if "real" in shown:
        _stamp(index, _dots(view.real, size), "real")
    if "fake" in shown:
        _stamp(index, _dots(view.fake, size), "fake")
    if "gradients" in shown and len(view.arrow_from):
        _stamp(index, _arrows(view.arrow_from, view.arrow_vec, size), "gradients")
    return index


def layered_pixels(view: GanView, layers: Collection[str] = LAYERS, size: int = SIZE) -> np.ndarray:
    """The layered view as (size, size, 3) uint8 RGB."""
    return PALETTE[layered_indices(view, layers, size)]


def layered_png(view: GanView, layers: Collection[str] = LAYERS, size: int = SIZE) -> bytes:
    """The layered view as a paletted PNG (compress level 1: it is redrawn many times a second)."""
    return encode_indexed_png(layered_indices(view, layers, size), PALETTE)


def noise_png(noise_samples: np.ndarray, dim: int, size: int = 120) -> bytes:
    """The noise space the generator starts from: its samples as purple dots on the unit square (1D noise:
    along a line across the middle)."""
    z = np.asarray(noise_samples, dtype=np.float64).reshape(len(noise_samples), -1)
    points = np.column_stack([z[:, 0], z[:, 1] if dim >= 2 and z.shape[1] >= 2 else np.full(len(z), 0.5)])
    index = _background(None, size)
    if dim < 2:
        index[size // 2, :] = LEVELS * SHADES + LEVELS // 2
    _stamp(index, _dots(points, size), "fake")
    pixels = PALETTE[index]
    pixels[[0, -1], :] = pixels[:, [0, -1]] = 205  # a thin frame
    return encode_png(pixels)


def legend() -> list[tuple[str, str]]:
    """(colour hex, label) for the page's legend of the layered view, in the view's colours."""
    real_belief, fake_belief = belief_hex(0.92), belief_hex(0.08)
    return [
        (REAL_HEX, "Real sample"),
        (FAKE_HEX, "Generated (fake) sample"),
        (real_belief, "Background: the discriminator thinks samples here are real"),
        (fake_belief, "Background: the discriminator thinks samples here are fake"),
        (FAKE_HEX, f"{LAYER_LABELS['manifold']}: the noise grid as the generator bends it (darker = denser)"),
        (ARROW_HEX, "Arrow: where the generator's loss pushes each generated sample"),
    ]


def card_png(size: int = 300, view: GanView | None = None) -> bytes:
    """The home card's picture: the layered view of `view` (default: the example frame, a third of its arrows
    so that the small picture stays calm), every layer on."""
    if view is None:
        view = example_view()
        view = dataclasses.replace(view, arrow_from=view.arrow_from[::3], arrow_vec=view.arrow_vec[::3])
    return layered_png(view, size=size)
