"""Attribution maps as pictures: the project's orange-grey-blue scale (orange pushes the class's score down,
blue pushes it up; or only how much, grey to blue, in "absolute" mode), drawn over the digit or on their own,
with one colour scale shared by a row of maps so that they can be compared, and a legend for that scale."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from playground.render.colors import FAINT_INK_HEX, INK_HEX, diverging_rgb
from playground.render.png import encode_png, upscale

ZOOM = 6  # a 28×28 map is drawn 168 pixels wide
MODES = ("signed", "absolute")
PERCENTILE = 99.5  # a row's scale: this percentile of |value|, so one extreme pixel does not wash out the rest
OVER_STRENGTH = 0.9  # a map drawn over a digit: the colour's opacity where |value| reaches the scale
PAPER_INK = 150  # the digit under a map: ink this grey (0 black .. 255 white), so the colours stay readable
FONT_SIZE = 12
GAP = 8  # pixels between the tiles of a row


def _font() -> ImageFont.ImageFont:
    return ImageFont.load_default(size=FONT_SIZE)


# Pillow's built-in font has no glyph for these: written as their plain look-alikes in pictures.
_PLAIN = str.maketrans({"×": "x", "−": "-", "²": "2", "σ": "s"})


def _plain(text: str) -> str:
    return str(text).translate(_PLAIN)


def row_scale(maps: Sequence[np.ndarray] | np.ndarray, percentile: float = PERCENTILE) -> float:
    """One colour scale for a row of maps: the `percentile` of |value| over all of them together (values
    beyond it get the full colour). 1.0 when every value is 0 or the row is empty."""
    values = [np.abs(np.asarray(m, dtype=np.float64)).ravel() for m in maps]
    values = [v[np.isfinite(v)] for v in values]
    flat = np.concatenate(values) if values else np.zeros(0)
    if flat.size == 0:
        return 1.0
    scale = float(np.percentile(flat, percentile))
    if scale <= 0:
        scale = float(flat.max())
    return scale if scale > 0 else 1.0


def _ink01(digit: np.ndarray) -> np.ndarray:
    """A digit as ink 0..1: uint8 pixels as MNIST stores them (255 = ink), or floats already in 0..1."""
    d = np.asarray(digit)
    if d.dtype == np.uint8:
        return d.astype(np.float64) / 255.0
    return np.clip(np.nan_to_num(d.astype(np.float64)), 0.0, 1.0)


def map_rgb(values: np.ndarray, scale: float, over: np.ndarray | None = None, mode: str = "signed") -> np.ndarray:
    """(h, w, 3) uint8 at the map's own size. "signed": orange (negative) - grey (0) - blue (positive);
    "absolute": grey to blue by |value|. With `over` (the digit), the colours are laid over the digit drawn in
    grey ink on white, more opaque where |value| is larger, so the digit shows through where the map is 0."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64))
    scale = scale if scale > 0 else 1.0
    shown = np.abs(v) / scale if mode == "absolute" else v / scale
    rgb = diverging_rgb(np.clip(shown, -1.0, 1.0))
    if over is None:
        return rgb
    ink = _ink01(over)
    paper = (255.0 - ink * (255.0 - PAPER_INK))[..., None].repeat(3, axis=2)
    alpha = (np.clip(np.abs(v) / scale, 0.0, 1.0) * OVER_STRENGTH)[..., None]
    return np.rint(paper * (1.0 - alpha) + rgb.astype(np.float64) * alpha).astype(np.uint8)


def map_png(values: np.ndarray, scale: float, over: np.ndarray | None = None, mode: str = "signed",
            zoom: int = ZOOM) -> bytes:
    """One map as PNG bytes, enlarged `zoom` times (crisp pixels); see map_rgb."""
    return encode_png(upscale(map_rgb(values, scale, over, mode), zoom))


def digit_rgb(digit: np.ndarray) -> np.ndarray:
    """The digit as a learner writes it: dark ink on white, (h, w, 3) uint8."""
    grey = np.rint(255.0 - _ink01(digit) * 255.0).astype(np.uint8)
    return np.repeat(grey[..., None], 3, axis=2)


def digit_png(digit: np.ndarray, zoom: int = ZOOM) -> bytes:
    return encode_png(upscale(digit_rgb(digit), zoom))


def _tile_row(tiles: list[np.ndarray], captions: Sequence[str]) -> np.ndarray:
    """Tiles (same height) side by side, GAP apart, each with its caption centred under it."""
    font = _font()
    captions = [_plain(c) for c in captions]
    h = max(t.shape[0] for t in tiles)
    widths = [max(t.shape[1], int(np.ceil(font.getlength(c))) + 4 if c else 0) for t, c in zip(tiles, captions,
                                                                                            strict=True)]
    caption_h = FONT_SIZE + 8 if any(captions) else 0
    canvas = Image.new("RGB", (sum(widths) + GAP * (len(tiles) - 1), h + caption_h), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    x = 0
    for tile, width, caption in zip(tiles, widths, captions, strict=True):
        canvas.paste(Image.fromarray(tile), (x + (width - tile.shape[1]) // 2, 0))
        if caption:
            draw.text((x + width / 2, h + 4), caption, fill=INK_HEX, font=font, anchor="mt")
        x += width + GAP
    return np.asarray(canvas)


def map_row(maps: Sequence[np.ndarray], captions: Sequence[str] | None = None, digit: np.ndarray | None = None,
            over: bool = True, mode: str = "signed", scale: float | None = None, zoom: int = ZOOM,
            legend: bool = True, shared: bool = True) -> bytes:
    """A row of maps as one PNG, all on ONE colour scale (row_scale(maps) unless `scale` is given): each drawn
    over `digit` (over=True) or on its own with the digit first beside them (over=False), a caption under each
    (e.g. the method's name), and the scale's legend at the end.

    One scale compares maps in the same units: one method for several classes, digits or randomised layers
    (IG, gradient × input and DeepLift are also alike: each pixel's share of the score's change). Maps in
    different units are compared only by their patterns: a gradient is per unit of ink, occlusion gives each
    pixel its window's whole effect and LIME its part's, Grad-CAM's scale differs by layer. shared=False draws
    each map on its own row_scale, and the legend reads "max" instead of a number."""
    maps = [np.asarray(m, dtype=np.float64) for m in maps]
    captions = list(captions) if captions is not None else [""] * len(maps)
    if len(captions) != len(maps):
        raise ValueError(f"{len(captions)} captions for {len(maps)} maps")
    if shared:
        scale = row_scale(maps) if scale is None else scale
        scales = [scale] * len(maps)
    else:
        scales = [row_scale([m]) for m in maps]
    tiles = [upscale(map_rgb(m, s, digit if over else None, mode), zoom) for m, s in zip(maps, scales, strict=True)]
    if digit is not None and not over:
        tiles.insert(0, upscale(digit_rgb(digit), zoom))
        captions.insert(0, "digit")
    if legend:
        height = tiles[0].shape[0] if tiles else 28 * zoom
        bar = legend_rgb(scales[0] if shared and scales else 1.0, mode, height=height, numbers=shared)
        tiles.append(bar)
        captions.append("")
    return encode_png(_tile_row(tiles, captions))


def _fmt(value: float) -> str:
    return f"{value:+.2g}" if value else "0"


def legend_rgb(scale: float, mode: str = "signed", height: int = 28 * ZOOM, width: int = 14,
               numbers: bool = True) -> np.ndarray:
    """A vertical colour bar for a scale, the value at its top, middle and bottom written beside it:
    +scale (blue) to −scale (orange) for "signed", scale (blue) to 0 (grey) for "absolute". With
    numbers=False (each map on its own scale) the ends read "+max" and "-max"."""
    font = _font()
    top = 1.0
    bottom = 0.0 if mode == "absolute" else -1.0
    t = np.linspace(top, bottom, max(2, height - FONT_SIZE))[:, None].repeat(width, axis=1)
    bar = diverging_rgb(t)
    labels = [(0, scale * top), (bar.shape[0] - 1, scale * bottom)]
    if mode != "absolute":
        labels.insert(1, (bar.shape[0] // 2, 0.0))
    texts = [_fmt(v) if numbers or v == 0 else ("+max" if v > 0 else "-max") for _, v in labels]
    text_w = max(int(np.ceil(font.getlength(t))) for t in texts) + 6
    canvas = Image.new("RGB", (width + text_w, height), (255, 255, 255))
    canvas.paste(Image.fromarray(bar), (0, FONT_SIZE // 2))
    draw = ImageDraw.Draw(canvas)
    for (y, _), text in zip(labels, texts, strict=True):
        draw.text((width + 4, y + FONT_SIZE // 2), text, fill=FAINT_INK_HEX, font=font, anchor="lm")
    return np.asarray(canvas)


def legend_png(scale: float, mode: str = "signed", height: int = 28 * ZOOM, numbers: bool = True) -> bytes:
    """The colour legend of a row's scale as PNG bytes."""
    return encode_png(legend_rgb(scale, mode, height, numbers=numbers))
