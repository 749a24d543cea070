"""The drawing pad's value is untrusted: hostile pictures and strokes get BadPicture or [], never a crash."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from playground.digits.drawing import (
    MAX_PICTURE_SIDE,
    BadPicture,
    EmptyDrawing,
    mnist_from_canvas,
    pad_strokes,
    picture_from_data_url,
)
from playground.render.png import data_uri, encode_png


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, extra: bytes = b"", rows: int | None = None) -> bytes:
    """A grey PNG whose header declares width×height; only `rows` rows of pixels are really there."""
    rows = min(height, 2) if rows is None else rows
    raw = b"".join(b"\x00" + bytes(width) for _ in range(rows))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + extra + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def _url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def _saved(pixels: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def test_a_decompression_bomb_header_is_refused_before_decoding() -> None:
    """A few hundred bytes declaring 20000×20000 raised PIL's DecompressionBombError out of the page."""
    with pytest.raises(BadPicture, match="larger"):
        picture_from_data_url(_url(_png(20_000, 20_000)))
    with pytest.raises(BadPicture, match="larger"):
        picture_from_data_url(_url(_png(MAX_PICTURE_SIDE + 1, 10)))


def test_a_text_chunk_that_inflates_past_pillows_limit_is_refused() -> None:
    """A zTXt chunk of 5 MB of zeros (5 KB compressed) raised ValueError from PngImagePlugin."""
    ztxt = _chunk(b"zTXt", b"k\x00\x00" + zlib.compress(bytes(5_000_000)))
    with pytest.raises(BadPicture):
        picture_from_data_url(_url(_png(10, 10, ztxt)))
    itxt = _chunk(b"iTXt", b"k\x00\x01\x00\x00\x00" + zlib.compress(bytes(5_000_000)))
    with pytest.raises(BadPicture):
        picture_from_data_url(_url(_png(10, 10, itxt)))


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "JPEG", "TIFF", "WEBP", "PPM", "ICO"])
def test_only_png_is_accepted(fmt: str) -> None:
    """The pad sends PNG; another format under the PNG data URL was decoded (a larger attack surface)."""
    pixels = np.zeros((64, 64, 3), dtype=np.uint8)
    pixels[10:50, 30:34] = 255
    with pytest.raises(BadPicture, match="PNG"):
        picture_from_data_url(_url(_saved(pixels, fmt)))


def test_broken_pngs_are_refused_with_a_message() -> None:
    """A cut-off file, a bad checksum, a missing header, a 0×0 picture: BadPicture, never PIL's exception."""
    good = _png(28, 28, rows=28)
    assert picture_from_data_url(_url(good)).shape == (28, 28, 3)
    cut = good[: len(good) // 2]
    bad_crc = good[:30] + bytes([good[30] ^ 0xFF]) + good[31:]
    no_ihdr = b"\x89PNG\r\n\x1a\n" + _chunk(b"IEND", b"")
    zero = _png(0, 0)
    for data in (cut, bad_crc, no_ihdr, zero, b"\x89PNG\r\n\x1a\n", b"\x89PNG"):
        with pytest.raises(BadPicture):
            picture_from_data_url(_url(data))


def test_pngs_of_every_mode_the_pad_could_send_still_read() -> None:
    pad = np.zeros((280, 280, 4), dtype=np.uint8)
    pad[40:240, 130:150] = 255
    for pixels in (pad, pad[..., :3], pad[..., 0]):
        assert mnist_from_canvas(picture_from_data_url(data_uri(encode_png(pixels)))).max() > 200
    sixteen = io.BytesIO()
    Image.fromarray(pad[..., 0].astype(np.uint16) * 257).save(sixteen, format="PNG")  # 16-bit grey
    assert picture_from_data_url(_url(sixteen.getvalue())).shape == (280, 280, 3)


@pytest.mark.parametrize("strokes", [
    [[[float("nan"), 1]]],
    [[[1, float("inf")]]],
    [[[-float("inf"), 1]]],
    [[[10**400 // 10**399, 1e308 * 10]]],
    [[[True, False]]],
    [[{"x": 1, "y": 2}]],
    [[[1, 2]], "x"],
    {"strokes": []},
])
def test_malformed_strokes_are_dropped_not_raised(strokes) -> None:
    """NaN and infinite coordinates raised ValueError/OverflowError from int() inside the page."""
    assert pad_strokes(strokes) == []


def test_strokes_are_kept_on_the_pad() -> None:
    """Coordinates far off the pad are clamped to it: the browser redraws only what the pad could hold."""
    assert pad_strokes([[[-5, 10**12], [3.7, 4]]], side=280) == [[[0, 280], [3, 4]]]


@pytest.mark.parametrize("value", [None, 0, "", [], {}, {"png": None}, {"png": 5}, {"png": ["x"]}, {"png": "x" * 10}])
def test_hostile_pad_values_are_bad_pictures(value) -> None:
    png = value.get("png") if isinstance(value, dict) else value
    with pytest.raises((BadPicture, EmptyDrawing)):
        mnist_from_canvas(picture_from_data_url(png))


def test_empty_strokes_and_floods_of_strokes() -> None:
    """An empty stroke would break the pad's redraw (it reads a stroke's first point); a million empty
    strokes cost the server a loop of a million steps for no ink."""
    assert pad_strokes([[], [[1, 2]], []]) == [[[1, 2]]]
    assert pad_strokes([[]] * 1_000_000) == []
    assert pad_strokes([[[1, 2]]] * 4001) == []
