"""The latent space's pictures (playground.generative.latent): the map chart with thumbnails on hover, the
decoded grid and interpolation strip, the latent pad's background, and the check of a point the pad sends."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
from PIL import Image

from playground.generative import latent
from playground.render.colors import CLASS_HEX, CLASS_RGB


def decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def sample(n: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.normal(0, 1, size=(n, 2))
    labels = np.arange(n) % 10
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    return codes, labels, images


def test_the_map_colours_digits_by_class_with_a_thumbnail_on_hover() -> None:
    codes, labels, images = sample()
    frame = latent.map_frame(codes, labels, images, limit=20)
    assert len(frame) == 20 and list(frame["digit"][:3]) == ["0", "1", "2"]
    uri = frame["image"][3]
    assert uri.startswith("data:image/png;base64,")
    thumb = decoded(base64.b64decode(uri.split(",", 1)[1]))
    assert thumb.shape == (56, 56)
    np.testing.assert_array_equal(thumb[::2, ::2], images[3])
    spec = latent.latent_map(frame, (-3.0, 3.0, -2.0, 4.0)).to_dict()
    enc = spec["encoding"]
    assert enc["color"]["scale"]["range"] == list(CLASS_HEX)
    assert enc["x"]["scale"]["domain"] == [-3.0, 3.0] and enc["y"]["scale"]["domain"] == [-2.0, 4.0]
    assert {"field": "image", "type": "nominal"} in enc["tooltip"]  # vega-tooltip shows it as a picture
    assert "image" not in str(latent.latent_map(latent.map_frame(codes, labels), (-3, 3, -3, 3)).to_dict()["encoding"])


def test_the_grid_and_the_strip_are_pictures_of_the_right_size() -> None:
    grid = np.zeros((3 * 28, 3 * 28))
    grid[:28, :28] = 1.0
    g = decoded(latent.grid_png(grid, scale=2))
    assert g.shape == (168, 168) and g[0, 0] == 255 and g[-1, -1] == 0
    strip = decoded(latent.strip_png(np.ones((9, 28, 28)), scale=3, gap=2))
    assert strip.shape == (28 * 3, (9 * 28 + 8 * 2) * 3)
    assert strip[0, 28 * 3] == 96  # the gap after the first digit


def test_the_pad_background_puts_each_code_where_the_pad_reads_it() -> None:
    extent = (-2.0, 2.0, -1.0, 3.0)
    codes = np.array([[-1.9, 2.9], [1.0, 0.0]])  # near the top-left corner (y up), and inside
    picture = latent.pad_background(codes, np.array([3, 7]), extent, size=100)
    assert picture.shape == (100, 100, 3)
    c, r = np.floor(latent.to_pixels(codes, extent, 100)).astype(int).T
    assert r[0] < 5 and c[0] < 5
    np.testing.assert_array_equal(picture[r[0], c[0]], CLASS_RGB[3])
    np.testing.assert_array_equal(picture[r[1], c[1]], CLASS_RGB[7])
    assert (picture[50:, :40] == 255).all()  # no code there, no grid: plain white
    faint = latent.pad_background(codes[:0], np.array([], dtype=int), extent, size=100, grid=np.ones((56, 56)))
    assert faint.min() >= math.floor(255 * (1 - latent.FAINT_GRID)) and faint.max() < 255


@pytest.mark.parametrize("value", [None, "1,2", [1], [1, 2, 3], ["a", 2], [float("nan"), 0], [0, float("inf")],
                                   [1e9, 0], {"x": 1}, [[1], 2]])
def test_a_bad_point_from_the_pad_gets_a_message(value) -> None:
    point, message = latent.checked_point(value)
    assert point is None and message and "click the map again" in message


def test_a_good_point_from_the_pad_is_kept() -> None:
    assert latent.checked_point([1, -2.5]) == ((1.0, -2.5), None)
    assert latent.checked_point((0.25, "3")) == ((0.25, 3.0), None)
