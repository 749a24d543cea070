"""A learner's drawing made into an MNIST digit, the way MNIST's digits were made (LeCun et al.):
the ink's bounding box is scaled to fit 20×20 pixels (keeping its shape), then placed in a 28×28 image
so that its centre of mass is at the centre.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import struct
import zlib

import numpy as np
from PIL import Image, UnidentifiedImageError

INK_THRESHOLD = 0.2  # ink (for the bounding box) is any pixel brighter than this (0..1)
MIN_INK_PIXELS = 30  # a drawing with less ink than this (at canvas size) is treated as empty
MIN_INK_EXTENT = 0.08  # ... or one whose ink spans less than this fraction of the canvas (a dot)
BOX = 20  # MNIST scales every digit's bounding box into 20×20
SIDE = 28
MAX_PICTURE_BYTES = 1_000_000  # a 280×280 pad picture is ~10 KB; anything near this is not one
MAX_PICTURE_SIDE = 1024  # the pad sends 280×280; a header declaring more is refused before decoding
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class EmptyDrawing(ValueError):
    """There is nothing (or almost nothing) to classify."""


class BadPicture(ValueError):
    """What came back from the drawing pad is not a picture it could have made."""


def _coordinate(v: object) -> bool:
    """A finite number that is not a bool (JSON's true/false are ints in Python)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def pad_strokes(value: object, limit: int = 4000, side: int = MAX_PICTURE_SIDE) -> list[list[list[int]]]:
    """The strokes the drawing pad sent ([[[x, y], ...], ...]), checked and clamped to 0..side, for it to
    redraw; [] if malformed (NaN, infinities, wrong shapes, more than `limit` points or strokes). Empty
    strokes are dropped (the pad's redraw starts each stroke at its first point)."""
    if not isinstance(value, list) or len(value) > limit:
        return []
    strokes, total = [], 0
    for stroke in value:
        if stroke == []:
            continue
        if not isinstance(stroke, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(_coordinate(v) for v in p) for p in stroke):
            return []
        total += len(stroke)
        if total > limit:
            return []
        strokes.append([[int(min(max(x, 0), side)), int(min(max(y, 0), side))] for x, y in stroke])
    return strokes


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (read by hand, before PIL decodes anything), or BadPicture."""
    if not data.startswith(PNG_SIGNATURE):
        raise BadPicture("The drawing did not arrive as a PNG picture.")
    ihdr = data[8:33]
    if len(ihdr) < 25 or ihdr[4:8] != b"IHDR" or struct.unpack(">I", ihdr[:4])[0] != 13:
        raise BadPicture("The drawing could not be read as a picture.")
    if zlib.crc32(ihdr[4:21]) & 0xFFFFFFFF != struct.unpack(">I", ihdr[21:25])[0]:
        raise BadPicture("The drawing could not be read as a picture.")
    width, height = struct.unpack(">II", ihdr[8:16])
    return width, height


def picture_from_data_url(url: object) -> np.ndarray:
    """The drawing pad's 'data:image/png;base64,…' URL -> (h, w, 3) uint8 pixels, or BadPicture.

    PNG only, and its declared size is checked before any pixel is decoded: a few bytes can declare a
    picture of gigabytes, and PIL's own limits raise exceptions a page would not expect.
    """
    if not isinstance(url, str) or not url.startswith("data:image/png;base64,"):
        raise BadPicture("The drawing did not arrive as a PNG picture.")
    if len(url) > MAX_PICTURE_BYTES * 4 // 3 + 64:
        raise BadPicture("The drawing is far larger than the pad makes.")
    try:
        data = base64.b64decode(url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadPicture("The drawing could not be read as a picture.") from error
    width, height = _png_size(data)
    if max(width, height) > MAX_PICTURE_SIDE:
        raise BadPicture("The drawing is far larger than the pad makes.")
    if min(width, height) < 1:
        raise BadPicture("The drawing could not be read as a picture.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as picture:
            if picture.format != "PNG" or picture.size != (width, height):
                raise BadPicture("The drawing did not arrive as a PNG picture.")
            return np.asarray(picture.convert("RGB"))
    # PIL reports broken files with any of these (a text chunk that inflates too far is a ValueError,
    # a bad chunk a SyntaxError, missing rows an OSError); DecompressionBombError is an Exception of its own
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error, zlib.error,
            Image.DecompressionBombError) as error:
        raise BadPicture("The drawing could not be read as a picture.") from error


def ink_from_canvas(rgba: np.ndarray) -> np.ndarray:
    """A canvas picture (h, w, 4) uint8, light strokes on a dark or transparent background -> ink in 0..1.

    Ink is the stroke's brightness where it is opaque, so both a black background and a transparent one
    (the canvas's own) read as no ink.
    """
    a = np.asarray(rgba, dtype=np.float64)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError("expected a colour picture (height, width, 3 or 4 channels)")
    brightness = a[..., :3].mean(axis=2) / 255.0
    alpha = a[..., 3] / 255.0 if a.shape[2] == 4 else 1.0
    return np.clip(brightness * alpha, 0.0, 1.0)


def mnist_from_ink(ink: np.ndarray) -> np.ndarray:
    """Ink (h, w) in 0..1 -> a 28×28 uint8 MNIST-style digit (white ink on black), or EmptyDrawing."""
    ink = np.asarray(ink, dtype=np.float64)
    mask = ink > INK_THRESHOLD
    if mask.sum() < MIN_INK_PIXELS:
        raise EmptyDrawing("The canvas is empty: draw a digit first.")
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    height, width = bottom - top, right - left
    if max(height, width) < MIN_INK_EXTENT * max(ink.shape):
        raise EmptyDrawing("That is only a dot: draw a whole digit, as large as the box.")
    crop = ink[top:bottom, left:right]
    # scale the longer side to 20 pixels, keeping the aspect ratio (anti-aliased, as MNIST's were)
    scale = BOX / max(height, width)
    new_h, new_w = max(1, round(height * scale)), max(1, round(width * scale))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize((new_w, new_h), Image.LANCZOS),
                       dtype=np.float64)
    canvas = np.zeros((SIDE, SIDE))
    y0, x0 = (SIDE - new_h) // 2, (SIDE - new_w) // 2
    canvas[y0 : y0 + new_h, x0 : x0 + new_w] = small
    return _centre_by_mass(np.clip(canvas, 0, 255)).astype(np.uint8)


def _centre_by_mass(image: np.ndarray) -> np.ndarray:
    """Shift a 28×28 image (whole pixels) so that its centre of mass is at the centre."""
    total = image.sum()
    if total <= 0:
        return image
    ys, xs = np.indices(image.shape)
    cy, cx = (ys * image).sum() / total, (xs * image).sum() / total
    dy, dx = int(round((SIDE - 1) / 2 - cy)), int(round((SIDE - 1) / 2 - cx))
    shifted = np.zeros_like(image)
    src_y = slice(max(0, -dy), min(SIDE, SIDE - dy))
    dst_y = slice(max(0, dy), min(SIDE, SIDE + dy))
    src_x = slice(max(0, -dx), min(SIDE, SIDE - dx))
    dst_x = slice(max(0, dx), min(SIDE, SIDE + dx))
    shifted[dst_y, dst_x] = image[src_y, src_x]
    return shifted


def mnist_from_canvas(rgba: np.ndarray) -> np.ndarray:
    """The whole preprocessing: canvas picture -> 28×28 uint8 digit, or EmptyDrawing."""
    return mnist_from_ink(ink_from_canvas(rgba))
