"""The latent pad in Chromium (playground/ui/web/latent_pad.js), mounted alone on a tiny page
(tests/latent_pad_page.py): a drag decodes each point in the browser exactly as LatentTrainer.decode does,
the digit and the crosshair follow the pointer with no round trip, the arrow keys move the point, and the
point released goes to Python."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from harness.app_server import REPO_ROOT, AppServer
from harness.browser import page_errors, screenshot, wait_idle
from playground.generative.latent import latent_map, map_frame, pad_background_png
from playground.generative.vae import LatentTrainer
from tests.digit_networks import mnist5k_tensors

PAD = "el.getRootNode().querySelector('.nlp').__pad"  # the pad object, from any element of the component


@pytest.fixture(scope="module")
def trainer() -> LatentTrainer:
    t = LatentTrainer("vae", mnist5k_tensors(), epochs=2, seed=0)
    while not t.finished:
        t.train_slice(10.0)
    return t


@pytest.fixture(scope="module")
def pad_server(trainer, tmp_path_factory):
    data = mnist5k_tensors()
    extent = trainer.extent()
    background = pad_background_png(trainer.test_codes(), data.test_labels.numpy(), extent,
                                    grid=trainer.decoded_grid(12))
    marks = trainer.codes(data.test_images[:2].numpy()).tolist()
    frame = map_frame(trainer.test_codes(), data.test_labels.numpy(), data.test_images.numpy(), limit=400)
    fixture = tmp_path_factory.mktemp("pad") / "fixture.json"
    fixture.write_text(json.dumps({"background": base64.b64encode(background).decode(), "extent": list(extent),
                                   "decoder": trainer.decoder_payload(), "marks": marks,
                                   "map": latent_map(frame, extent, size=360).to_dict()}))
    server = AppServer(script="tests/latent_pad_page.py",
                       env={"NP_LATENT_PAD_FIXTURE": str(fixture), "PYTHONPATH": str(REPO_ROOT)})
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def pad_state(page: Page) -> dict:
    return page.locator("canvas.nlp-map").evaluate(
        f"el => {{ const p = {PAD}; return {{z: p.point, out: p.latest, ms: Number(p.root.dataset.redrawMs)}}; }}")


def drawn_digit(page: Page) -> np.ndarray:
    """The enlarged digit canvas, sampled at the centre of each of its 28×28 cells, in [0, 1]."""
    grey = page.locator("canvas.nlp-digit").evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, s = c.width / 28, v = [];
                  for (let r = 0; r < 28; r++) for (let k = 0; k < 28; k++) {
                    const x = Math.floor((k + 0.5) * s), y = Math.floor((r + 0.5) * s);
                    v.push(d[4 * (y * c.width + x)]); }
                  return v; }""")
    return np.asarray(grey, dtype=np.float64).reshape(28, 28) / 255.0


def latent_at(trainer: LatentTrainer, box: dict, px: float, py: float) -> np.ndarray:
    x0, x1, y0, y1 = trainer.extent()
    return np.array([x0 + px / box["width"] * (x1 - x0), y1 - py / box["height"] * (y1 - y0)])


def check_shown(page: Page, trainer: LatentTrainer, expected_z: np.ndarray) -> np.ndarray:
    """The pad's point is `expected_z`; its decoded pixels and the drawn digit equal decode(z)."""
    state = pad_state(page)
    z = np.asarray(state["z"])
    np.testing.assert_allclose(z, expected_z, atol=0.02 * (trainer.extent()[1] - trainer.extent()[0]))
    want = trainer.decode(z[None])[0].astype(np.float64)
    np.testing.assert_allclose(np.asarray(state["out"]).reshape(28, 28), want, atol=1e-4)  # float32 vs float64 sums
    np.testing.assert_allclose(drawn_digit(page), want, atol=1 / 255 + 1e-3)
    expect(page.locator(".nlp-z")).to_have_text(f"z = ({z[0]:.2f}, {z[1]:.2f})")
    assert state["ms"] <= 100
    return z


def test_a_drag_decodes_in_the_browser_and_python_gets_the_point(pad_server, trainer, page) -> None:
    page.goto(pad_server.url)
    wait_idle(page, timeout=60_000)
    expect(page.locator(".nlp-z")).to_have_text("Click or drag on the map")
    expect(page.get_by_text("Python received: nothing yet")).to_be_visible()
    box = page.locator("canvas.nlp-map").bounding_box()
    mouse = page.mouse

    path = [(40, 60), (120, 100), (200, 210), (280, 150), (160, 290)]
    mouse.move(box["x"] + path[0][0], box["y"] + path[0][1])
    mouse.down()
    seen = [check_shown(page, trainer, latent_at(trainer, box, *path[0]))]
    for px, py in path[1:]:
        mouse.move(box["x"] + px, box["y"] + py, steps=4)
        seen.append(check_shown(page, trainer, latent_at(trainer, box, px, py)))  # before any rerun: the browser alone
    expect(page.get_by_text("Python received: nothing yet")).to_be_visible()
    digits = [trainer.decode(z[None])[0] for z in seen]
    assert max(np.abs(a - b).max() for a, b in zip(digits, digits[1:], strict=False)) > 0.2  # it changes with the point
    mouse.up()
    z = seen[-1]
    expect(page.get_by_text(re.compile(r"^Python received: -?\d"))).to_have_text(
        re.compile(rf"^Python received: {z[0]:.3f}\d*, {z[1]:.3f}\d*$"), timeout=20_000)
    wait_idle(page)
    check_shown(page, trainer, z)  # the point and its digit stay after the rerun
    assert page_errors(page) == []
    screenshot(page, "latent-pad-drag")


def test_the_arrow_keys_move_the_point(pad_server, trainer, page) -> None:
    page.goto(pad_server.url)
    wait_idle(page, timeout=60_000)
    box = page.locator("canvas.nlp-map").bounding_box()
    page.mouse.click(box["x"] + 160, box["y"] + 160)
    wait_idle(page)
    start = np.asarray(pad_state(page)["z"])
    page.locator("canvas.nlp-map").focus()
    page.keyboard.down("ArrowRight")
    x0, x1, _, _ = trainer.extent()
    check_shown(page, trainer, start + np.array([0.02 * (x1 - x0), 0.0]))
    page.keyboard.up("ArrowRight")
    wait_idle(page)
    moved = np.asarray(pad_state(page)["z"])
    expect(page.get_by_text(f"Python received: {moved[0]:.6f}, {moved[1]:.6f}")).to_be_visible(timeout=20_000)


def test_the_latent_map_shows_a_digit_s_thumbnail_on_hover(pad_server, page) -> None:
    page.goto(pad_server.url)
    wait_idle(page, timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    tooltip = page.locator("#vg-tooltip-element img")
    for step in range(400):  # sweep the plot until the pointer rests on a digit
        page.mouse.move(box["x"] + 60 + (step % 20) * 14, box["y"] + 40 + (step // 20) * 14)
        if tooltip.count() and tooltip.first.is_visible():
            break
    expect(tooltip.first).to_be_visible()
    assert tooltip.first.get_attribute("src").startswith("data:image/png;base64,")
    expect(page.locator("#vg-tooltip-element")).to_contain_text("digit")
    screenshot(page, "latent-map-hover")
