"""The GAN's pictures: the layered view (sizes, y up, each layer toggles its own pixels, bad numbers drawn
without an error), the noise picture, the legend, the home card, the model overview SVG and the two charts —
all from hand-made arrays, without the engine."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from playground.generative import diagram, pictures
from playground.generative.view import GRID_CELLS, LAYERS, MANIFOLD_CELLS, GanView
from playground.render import charts
from playground.render.colors import BELIEF_PALETTE, hex_to_rgb

M = MANIFOLD_CELLS


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def square_manifold(x0: float, y0: float, side: float) -> np.ndarray:
    """The noise grid's image: a square of the given side from (x0, y0)."""
    t = np.linspace(0.0, side, M + 1)
    u, v = np.meshgrid(x0 + t, y0 + t)
    return np.stack([u, v], axis=-1)


def make_view(**changes: object) -> GanView:
    """Real samples around (0.25, 0.75) (top left, y up), fakes around (0.75, 0.25), D = 0.5 everywhere, the
    manifold a small square around (0.75, 0.25), one arrow from (0.5, 0.5) pointing right."""
    rng = np.random.default_rng(0)
    fields = dict(
        real=np.array([0.25, 0.75]) + 0.01 * rng.standard_normal((450, 2)),
        fake=np.array([0.75, 0.25]) + 0.01 * rng.standard_normal((450, 2)),
        heat=np.full((GRID_CELLS, GRID_CELLS), 0.5),
        manifold=square_manifold(0.65, 0.15, 0.2),
        manifold_density=np.ones((M, M)),
        arrow_from=np.array([[0.5, 0.5]]),
        arrow_vec=np.array([[0.15, 0.0]]),
    )
    fields.update(changes)
    return GanView(**fields)  # type: ignore[arg-type]


def pixel(picture: np.ndarray, x: float, y: float) -> np.ndarray:
    """The picture's pixel at plane point (x, y), y up."""
    size = picture.shape[0]
    return picture[min(int((1 - y) * size), size - 1), min(int(x * size), size - 1)]


def test_sizes_and_png() -> None:
    view = make_view()
    assert decode(pictures.layered_png(view)).shape == (400, 400, 3)
    assert decode(pictures.layered_png(view, size=250)).shape == (250, 250, 3)
    assert pictures.layered_png(view)[:8] == b"\x89PNG\r\n\x1a\n"
    assert decode(pictures.noise_png(np.random.default_rng(1).random((150, 2)), 2)).shape == (120, 120, 3)
    assert decode(pictures.noise_png(np.random.default_rng(1).random((150, 1)), 1, size=90)).shape == (90, 90, 3)
    assert decode(pictures.card_png(300)).shape == (300, 300, 3)


def test_y_points_up() -> None:
    """A real sample at the top left is drawn at the top left; D high at the bottom row is green there."""
    only_real = decode(pictures.layered_png(make_view(), ["real"]))
    colour, opacity = pictures.MARKS["real"]
    blank = pictures.PALETTE[pictures.LEVELS // 2].astype(float)
    dot = blank + (hex_to_rgb(colour) - blank) * opacity  # drawn at its opacity over the blank plane
    assert hex_to_rgb(colour)[1] > 100 and np.abs(pixel(only_real, 0.25, 0.75) - dot).sum() <= 3
    assert (pixel(only_real, 0.25, 0.25) >= 245).all()  # the mirror point stays empty
    heat = np.zeros((GRID_CELLS, GRID_CELLS))
    heat[:5] = 1.0  # the bottom rows (row 0 = bottom): "real"
    picture = decode(pictures.layered_png(make_view(heat=heat), ["heatmap"]))
    assert np.abs(pixel(picture, 0.5, 0.03) - BELIEF_PALETTE[255]).sum() <= 6
    assert np.abs(pixel(picture, 0.5, 0.97) - BELIEF_PALETTE[0]).sum() <= 6


def test_heatmap_is_smooth_and_green_for_real() -> None:
    heat = np.tile(np.linspace(0.0, 1.0, GRID_CELLS), (GRID_CELLS, 1))  # fake on the left, real on the right
    row = decode(pictures.layered_png(make_view(heat=heat), ["heatmap"]))[200]
    assert row[-1, 1] > row[-1, 0] and row[-1, 1] > row[-1, 2]  # green on the right
    assert row[0, 0] > row[0, 1] and row[0, 2] > row[0, 1]  # purple on the left
    levels = pictures.layered_indices(make_view(heat=heat), ["heatmap"])[200].astype(float)
    blocks = levels.reshape(-1, 4).mean(axis=1)  # the dithering evened out over 4 pixels
    assert (np.diff(blocks) >= -0.5).all() and np.diff(blocks).max() <= 1.0  # no 30-cell steps: smooth
    assert len(np.unique(row, axis=0)) > 30


@pytest.mark.parametrize("layer, where, elsewhere", [
    ("real", (0.25, 0.75), (0.75, 0.25)),
    ("fake", (0.75, 0.25), (0.25, 0.75)),
    ("manifold", (0.7, 0.3), (0.3, 0.7)),
    ("gradients", (0.58, 0.5), (0.5, 0.58)),
])
def test_each_layer_changes_its_own_pixels(layer: str, where: tuple[float, float],
                                           elsewhere: tuple[float, float]) -> None:
    view = make_view()
    others = [name for name in LAYERS if name != layer]
    with_it = decode(pictures.layered_png(view, LAYERS))
    without = decode(pictures.layered_png(view, others))
    assert np.abs(pixel(with_it, *where) - pixel(without, *where)).sum() > 30
    assert (pixel(with_it, *elsewhere) == pixel(without, *elsewhere)).all()


def test_manifold_opacity_follows_density_and_1d_noise() -> None:
    dense = decode(pictures.layered_png(make_view(), ["manifold"]))
    sparse = decode(pictures.layered_png(make_view(manifold_density=np.zeros((M, M))), ["manifold"]))
    inside = (0.715, 0.315)  # inside a cell, between grid lines
    assert pixel(dense, *inside).sum() < pixel(sparse, *inside).sum() < 3 * 247  # denser cells are darker
    line = np.column_stack([np.linspace(0.1, 0.9, M + 1), np.full(M + 1, 0.5)])
    picture = decode(pictures.layered_png(make_view(manifold=line, manifold_density=np.linspace(0, 1, M)),
                                          ["manifold"]))
    assert pixel(picture, 0.5, 0.5).sum() < 600 and (pixel(picture, 0.5, 0.8) >= 245).all()
    across = picture[:, int(0.85 * 400)]  # thicker where denser: the dense end's line is wider
    assert (across < 200).any(axis=1).sum() > (picture[:, int(0.15 * 400)] < 200).any(axis=1).sum()


def test_bad_numbers_and_empty_layers_draw_without_error() -> None:
    view = make_view(fake=np.array([[np.nan, 0.5], [np.inf, 1e300], [0.5, 0.5]]),
                     heat=np.full((GRID_CELLS, GRID_CELLS), np.nan),
                     manifold=np.full((M + 1, M + 1, 2), np.nan), manifold_density=np.full((M, M), np.nan),
                     arrow_from=np.zeros((0, 2)), arrow_vec=np.zeros((0, 2)))
    assert decode(pictures.layered_png(view)).shape == (400, 400, 3)
    assert decode(pictures.layered_png(make_view(), [])).min() >= 245  # no layer: a blank plane


def test_legend_and_example() -> None:
    items = pictures.legend()
    assert len(items) >= 5 and all(c.startswith("#") and len(c) == 7 and label for c, label in items)
    view = pictures.example_view()
    assert view.real.shape == (450, 2) and view.heat.shape == (GRID_CELLS, GRID_CELLS)
    assert view.manifold.shape == (M + 1, M + 1, 2) and view.manifold_density.max() == pytest.approx(1.0)
    assert np.linalg.norm(view.arrow_vec, axis=1).max() == pytest.approx(0.15)


# ---------------------------------------------------------------------------------------- the diagram


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def dimmed_ids(svg: str) -> set[str]:
    root = parse(svg)
    ns = "{http://www.w3.org/2000/svg}"
    out = set()
    for g in root.iter(f"{ns}g"):
        if g.get("opacity"):
            out |= {e.get("id")[5:] for e in g.iter() if (e.get("id") or "").startswith("part-")}
    return out


def test_overview_is_self_contained_and_sized() -> None:
    svg = diagram.overview_svg()
    root = parse(svg)
    assert root.get("width") == "640" and parse(diagram.overview_svg(width=480)).get("width") == "480"
    assert "<image" not in svg and "@import" not in svg and "url(http" not in svg
    assert "system-ui, sans-serif" in svg
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for part in ("noise", "G", "real", "fake", "D", "pred_real", "pred_fake", "loss", "d_path", "g_path"):
        assert f"part-{part}" in ids
    assert dimmed_ids(svg) == set()  # nothing highlighted: nothing dimmed


@pytest.mark.parametrize("network", ["D", "G"])
@pytest.mark.parametrize("part", diagram.PARTS)
def test_highlight_lights_its_part_and_dims_the_rest(network: str, part: str) -> None:
    svg = diagram.overview_svg(part, network)
    lit = diagram.PART_ELEMENTS[(network, part)]
    dimmed = dimmed_ids(svg)
    assert lit and not (lit & dimmed)
    assert {"noise", "G", "real", "fake", "D", "loss"} - lit <= dimmed
    assert diagram.PART_TEXT[(network, part)].strip().endswith(".")


def test_update_specific_paths_and_texts() -> None:
    assert "g_path" in diagram.PART_ELEMENTS[("G", "gradients")] and "D" in diagram.PART_ELEMENTS[("G", "gradients")]
    assert "d_path" in diagram.PART_ELEMENTS[("D", "gradients")]
    assert "real" not in diagram.PART_ELEMENTS[("G", "discriminate")]  # a G update never looks at real data
    assert "held still" in diagram.PART_TEXT[("G", "gradients")]
    assert "up" in diagram.PART_TEXT[("D", "loss")] and "down" in diagram.PART_TEXT[("D", "loss")]
    assert set(diagram.PART_TEXT) == {(n, p) for n in "DG" for p in diagram.PARTS}


# ------------------------------------------------------------------------------------------ charts


HISTORY = [{"iteration": i, "d_loss": 1.3, "g_loss": 0.8 + i / 1000, "kl": 2.0 / (1 + i), "js": 0.4 / (1 + i)}
           for i in range(0, 200, 10)]


def test_loss_chart() -> None:
    spec = charts.gan_losses(HISTORY + [{"iteration": 200, "d_loss": float("nan"), "g_loss": None,
                                         "kl": 1.0, "js": 0.1}]).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert len(values) == 2 * len(HISTORY)  # the diverged row's numbers are left out
    panel = spec["vconcat"][0]
    assert panel["encoding"]["x"]["axis"]["format"] == "d" and panel["height"] == 160
    assert charts.gan_losses([]).to_dict()["vconcat"][0]["mark"]["type"] == "line"


def test_divergence_chart_with_floor() -> None:
    spec = charts.gan_divergences(HISTORY, floor=0.02).to_dict()
    assert len(spec["vconcat"]) == 2
    kl_panel, js_panel = spec["vconcat"]
    assert len(js_panel["layer"]) == 3 and len(kl_panel["layer"]) == 1  # a number is JS's floor
    both = charts.gan_divergences(HISTORY, floor={"kl": 0.1, "js": 0.02}).to_dict()
    assert all(len(panel["layer"]) == 3 for panel in both["vconcat"])
    assert "a perfect generator" in str(both)
    charts.gan_divergences([]).to_dict()
