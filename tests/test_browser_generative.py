"""Browser tests of the Generative models lesson (issue 16), as a learner uses it: the page opens with its
layered view, model overview, charts and "What am I looking at?"; Play swaps the layered view's picture
without a rerun while the iteration count grows, Pause stops it; the Step menu's three steps; slow motion's
twelve parts; the layers pills; GAN Lab's recipes; a shared link and a hostile one; drawing a distribution;
and the VAE half: train, steer the decoder on the latent pad, train the autoencoder and compare.
Screenshots of both halves at 1400×1000 and 1280×720.

One app server for the module; each test is a fresh browser context (a new learner).
"""

from __future__ import annotations

import base64
import io
import re
import time
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from harness.app_server import AppServer
from harness.browser import page_errors, screenshots_at_sizes
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

ITERATION = re.compile(r"Iteration ([\d,]+) ·")
SLOW_HEADING = re.compile(r"Slow motion — (discriminator|generator) update, part (\d+) of (\d+): (\w+)")
PARTS = ("noise", "generate", "discriminate", "loss", "gradients", "update")


@pytest.fixture(scope="module")
def server():
    """One app server for this module, stopped by its PID."""
    app = AppServer()
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


def open_page(server: AppServer, page: Page, query: str = "") -> LessonPage:
    return LessonPage(page, server.url, "generative").open("generative" + query)


# ------------------------------------------------------------------------------------------------ helpers
def main(lp: LessonPage) -> Locator:
    return lp.page.locator('[data-testid="stMain"]')


def no_trouble(lp: LessonPage) -> None:
    lp.idle()
    expect(lp.page.locator('[data-testid="stException"]')).to_have_count(0)
    assert page_errors(lp.page) == []


def bold(lp: LessonPage, text: str) -> Locator:
    """A panel's bold title."""
    return main(lp).locator("strong").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def view(lp: LessonPage) -> Locator:
    """The layered view's live picture (a component: frames replace its src without a rerun)."""
    return lp.key("view").locator("img")


def view_src(lp: LessonPage) -> str:
    return view(lp).get_attribute("src") or ""


def numbers_line(lp: LessonPage) -> Locator:
    return main(lp).locator('[data-testid="stMarkdownContainer"]').filter(has_text=ITERATION).last


def iteration(lp: LessonPage) -> int:
    match = ITERATION.search(numbers_line(lp).inner_text())
    assert match, numbers_line(lp).inner_text()
    return int(match.group(1).replace(",", ""))


def query(lp: LessonPage) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(lp.page.url).query).items()}


def expect_query(lp: LessonPage, **wanted: str) -> None:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        got = query(lp)
        if all(got.get(k) == v for k, v in wanted.items()):
            return
        time.sleep(0.1)
    raise AssertionError(f"the address {lp.page.url} lacks {wanted}")


def png_of(src: str) -> np.ndarray:
    """A data-URI PNG as an RGB array."""
    assert src.startswith("data:image/png;base64,"), src[:40]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))


def real_dots(src: str) -> np.ndarray:
    """A mask of the picture's green pixels: the real samples' dots (drawn at 85% opacity on the plane's
    light grey when they are the only layer shown)."""
    rgb = png_of(src).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return (g - r > 60) & (g - b > 30)


def popover_button(lp: LessonPage, label: str) -> Locator:
    return main(lp).locator('[data-testid="stPopover"]').get_by_role("button", name=re.compile(re.escape(label)))


def menu_item(lp: LessonPage, label: str) -> Locator:
    return lp.page.locator('[data-testid="stPopoverBody"]').get_by_role("button", name=label, exact=True)


def from_menu(lp: LessonPage, menu: str, item: str) -> None:
    """Open a popover menu of the run bar (if it is closed) and click one of its buttons."""
    if not menu_item(lp, item).is_visible():
        popover_button(lp, menu).first.click()
    expect(menu_item(lp, item)).to_be_visible()
    lp.after(menu_item(lp, item).click)


def shoot(lp: LessonPage, name: str, lower=None) -> None:
    """The view at both sizes (and scrolled to `lower`, a locator further down, if given)."""
    screenshots_at_sizes(lp.page, f"generative-{name}", lower)


def drag(lp: LessonPage, canvas: Locator, points: list[tuple[float, float]], wait: bool = True) -> None:
    """A stroke with real mouse events over `canvas` (points as shares of its width and height)."""
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    box = None
    for _ in range(50):  # the page may still be scrolling or an expander opening: wait until the box holds
        now = canvas.bounding_box()
        if now is not None and now == box:
            break
        box = now
        lp.page.wait_for_timeout(80)
    mouse = lp.page.mouse
    mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
    mouse.down()
    for x, y in points[1:]:
        mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=10)
    if wait:
        lp.after(mouse.up)
    else:
        mouse.up()


# ------------------------------------------------------------------------------------------------ the page
def test_the_page_opens_with_its_views_and_explanations(server, page) -> None:
    lp = open_page(server, page)
    no_trouble(lp)
    expect(page.locator("h1").first).to_have_text("Make new data: GANs and VAEs")
    expect(view(lp)).to_be_visible()
    assert png_of(view_src(lp)).shape[0] >= 300
    expect(bold(lp, "The layered view")).to_be_visible()
    expect(bold(lp, "The model")).to_be_visible()
    expect(main(lp).locator('[data-testid="stImage"] img[src^="data:image/svg+xml"]')).to_have_count(1)
    expect(bold(lp, "Losses")).to_be_visible()
    expect(bold(lp, "KL and JS divergence")).to_be_visible()
    expect(main(lp).locator('[data-testid="stVegaLiteChart"]')).to_have_count(2)
    assert iteration(lp) == 0

    helps = popover_button(lp, "What am I looking at?")
    assert helps.count() >= 4  # the layered view, the model, the losses, the divergences
    for n in range(4):
        helps.nth(n).click()
        body = page.locator('[data-testid="stPopoverBody"]').last
        expect(body).to_be_visible()
        assert len(body.inner_text().strip()) > 80, body.inner_text()
        page.keyboard.press("Escape")
        expect(page.locator('[data-testid="stPopoverBody"]')).to_have_count(0)
    no_trouble(lp)


def test_play_pause_and_the_step_menu(server, page) -> None:
    lp = open_page(server, page)
    first = view_src(lp)
    lp.key("play").get_by_role("button").click()
    expect(lp.key("play").get_by_role("button")).to_contain_text("Pause")
    seen, counts = {first}, []
    end = time.monotonic() + 6
    while time.monotonic() < end and len(seen) < 6:
        seen.add(view_src(lp))
        counts.append(iteration(lp))
        time.sleep(0.15)
    assert page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state") == "running"
    assert len(seen) >= 5, f"only {len(seen)} different pictures while playing"  # swapped by the frame pump
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
    lp.page.wait_for_timeout(1500)  # a few hundred iterations, for the screenshot

    lp.after(lp.key("play").get_by_role("button").click)
    expect(lp.key("play").get_by_role("button")).to_contain_text("Play")
    stopped = iteration(lp)
    assert stopped >= counts[-1]
    src = view_src(lp)
    time.sleep(1.0)
    assert iteration(lp) == stopped  # paused: the count stays
    assert view_src(lp) == src
    no_trouble(lp)
    shoot(lp, "gan-paused", lower=main(lp).locator('[data-testid="stVegaLiteChart"]').first)

    for item in ("One iteration", "Discriminator only", "Generator only"):
        before, picture = iteration(lp), view_src(lp)
        from_menu(lp, "Step", item)
        expect(numbers_line(lp)).to_contain_text(f"Iteration {before + 1:,} ·")
        assert view_src(lp) != picture, f"{item}: the picture did not change"
    no_trouble(lp)


def test_slow_motion_walks_through_twelve_parts(server, page) -> None:
    lp = open_page(server, page)
    lp.after(lp.key("slow").get_by_role("button").click)
    heading = main(lp).locator('[data-testid="stMarkdownContainer"]').filter(has_text=SLOW_HEADING)
    expect(heading).to_have_count(1)
    expect(main(lp).locator('[data-testid="stVegaLiteChart"]')).to_have_count(0)  # the charts make way
    walked = []
    for n in range(12):
        match = SLOW_HEADING.search(heading.inner_text())
        assert match, heading.inner_text()
        walked.append((match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)))
        if n < 11:
            lp.press("Next part")
    want = [("discriminator" if n < 6 else "generator", n + 1, 12, PARTS[n % 6]) for n in range(12)]
    assert walked == want
    assert iteration(lp) == 1  # slow motion took one D update and one G update: one iteration
    no_trouble(lp)
    # "Play the parts": one part every 1.25 s by itself (past the last part, a new step is taken apart)
    lp.page.get_by_text("Play the parts", exact=True).click()
    expect(heading).to_contain_text("part 2 of 12", timeout=10_000)
    expect(heading).to_contain_text("part 3 of 12", timeout=10_000)
    assert iteration(lp) == 2
    lp.page.get_by_text("Play the parts", exact=True).click()  # off again
    no_trouble(lp)
    lp.after(lp.key("slow").get_by_role("button").click)
    expect(lp.key("slow").get_by_role("button")).to_contain_text("Slow motion")
    expect(heading).to_have_count(0)
    expect(main(lp).locator('[data-testid="stVegaLiteChart"]')).to_have_count(2)
    no_trouble(lp)


def test_layers_pills_and_a_recipe(server, page) -> None:
    lp = open_page(server, page)
    pills = lp.key("layers")
    picture = view_src(lp)
    lp.after(pills.get_by_role("button", name="D's belief", exact=True).click)
    expect(view(lp)).not_to_have_attribute("src", picture)
    without = png_of(view_src(lp))
    assert not np.array_equal(without, png_of(picture))
    no_trouble(lp)

    from_menu(lp, "GAN Lab's recipes", "Ring")
    no_trouble(lp)
    expect(page.get_by_label("Real distribution", exact=True)).to_have_value("Ring")
    expect_query(lp, shape="ring", gNeurons="10", dLayers="3", dNeurons="9", gLr="0.03", kD="3")
    expect(lp.key("d-layers").locator("input")).to_have_value("3")
    expect(lp.key("g-neurons").locator("input")).to_have_value("10")
    expect(lp.key("kd").locator("input")).to_have_value("3")


# ------------------------------------------------------------------------------------------------ links
def test_a_shared_link_and_a_hostile_one(server, page) -> None:
    lp = open_page(server, page, "?shape=ring&gLayers=3&dLr=0.03&seed=5")
    no_trouble(lp)
    expect(page.get_by_label("Real distribution", exact=True)).to_have_value("Ring")
    expect(lp.key("g-layers").locator("input")).to_have_value("3")
    expect(lp.slider("d-lr")).to_have_attribute("aria-valuetext", "0.03")
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(re.compile(r"Seed in use: 5\b"))).to_be_visible()
    expect(main(lp).locator('[data-testid="stAlertContentWarning"]')).to_have_count(0)
    expect_query(lp, shape="ring", gLayers="3", dLr="0.03", seed="5")

    lp = open_page(server, page, "?gLayers=99&shape=%5Bevil%5D(http://x.example)&pts=nan")
    no_trouble(lp)
    warnings = main(lp).locator('[data-testid="stAlertContentWarning"]')
    expect(warnings.filter(has_text="gLayers '99'")).to_have_count(1)
    # quoted as literal text (a word joiner after "http:" keeps it from becoming a link)
    expect(warnings.filter(has_text=re.compile(r"shape '\[evil\]\(http:\u2060?//x\.exam"))).to_have_count(1)
    expect(warnings.filter(has_text="pts 'nan'")).to_have_count(1)
    expect(page.locator('a[href*="x.example"]')).to_have_count(0)
    expect(page.get_by_label("Real distribution", exact=True)).to_have_value("Two Gaussians")
    expect(lp.key("g-layers").locator("input")).to_have_value("2")
    assert "x.example" not in page.url and "99" not in query(lp).get("gLayers", "")


# ------------------------------------------------------------------------------------------------ try this
def test_try_this_sets_up_mode_collapse_then_play(server, page) -> None:
    lp = open_page(server, page)
    expander = main(lp).locator('[data-testid="stExpander"]').filter(has_text="Try this").first
    button = lp.key("tryout-mode-collapse").get_by_role("button", name="Set this up")
    if not button.is_visible():
        expander.locator("summary").click()
    expect(button).to_be_visible()
    lp.after(button.click)
    expect(page.get_by_label("Real distribution", exact=True)).to_have_value("Eight Gaussians")
    expect_query(lp, shape="eight", seed="1")
    page.get_by_role("button", name="Play", exact=True).click()  # it plays: the page keeps running
    expect(numbers_line(lp)).to_contain_text(re.compile(r"modes covered \d of 8"), timeout=20_000)
    end = time.monotonic() + 20
    while iteration(lp) < 30 and time.monotonic() < end:  # it plays by itself
        time.sleep(0.2)
    assert iteration(lp) >= 30
    lp.press("Pause")
    no_trouble(lp)


# ------------------------------------------------------------------------------------------------ drawing
def test_draw_your_own_distribution(server, page) -> None:
    lp = open_page(server, page)
    pills = lp.key("layers")
    for name in ("Fake", "D's belief", "Manifold", "Gradients"):  # the real samples alone
        lp.after(pills.get_by_role("button", name=name, exact=True).click)
    before = real_dots(view_src(lp))
    assert before.sum() > 100

    main(lp).locator('[data-testid="stExpander"] summary').filter(has_text="Draw your own").click()
    apply = lp.key("apply-drawing").get_by_role("button")
    expect(apply).to_be_visible()
    expect(apply).to_be_disabled()  # nothing drawn: nothing to apply
    pad = lp.key("draw-pad").locator("canvas.npp-canvas")
    expect(pad).to_be_visible(timeout=20_000)
    drag(lp, pad, [(0.15, 0.15), (0.5, 0.12), (0.85, 0.15)])  # a line along the top
    lp.idle()
    apply = lp.key("apply-drawing").get_by_role("button")
    expect(apply).to_be_enabled(timeout=20_000)
    lp.after(apply.click)
    no_trouble(lp)
    expect(page.get_by_label("Real distribution", exact=True)).to_have_value("Your drawing")
    expect_query(lp, shape="drawing")
    points = query(lp).get("pts", "")
    assert len(points.split(";")) >= 10, points[:80]
    assert all(float(p.split(",")[1]) > 0.75 for p in points.split(";")), points[:200]  # y up: near the top
    after = real_dots(view_src(lp))
    rows = np.nonzero(after.any(axis=1))[0]
    assert after.sum() > 100 and not np.array_equal(after, before)
    assert rows.max() < after.shape[0] * 0.35, "the real samples should now lie along the top of the plane"


# ------------------------------------------------------------------------------------------------ the VAE half
def decoded(lp: LessonPage) -> np.ndarray:
    grey = lp.page.locator("canvas.nlp-digit").evaluate(
        "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 == 0))")
    return np.asarray(grey, dtype=np.float64)


def train(lp: LessonPage, button: str) -> None:
    lp.press(button, timeout=180_000)
    expect(lp.page.locator("canvas.nlp-map")).to_be_visible(timeout=180_000)
    lp.idle(timeout=180_000)


def test_the_vae_half(server, page) -> None:
    lp = open_page(server, page)
    lp.segment("A VAE's latent space")
    expect_query(lp, part="vae")
    lp.set_number("Epochs", 2)
    no_trouble(lp)
    start = lp.runs()
    lp.button("Train the variational autoencoder").click()
    expect(page.locator('[data-testid="stProgress"]').first).to_be_visible(timeout=60_000)
    expect(page.locator("canvas.nlp-map")).to_be_visible(timeout=180_000)
    lp.idle(timeout=180_000)
    no_trouble(lp)
    assert lp.runs() > start
    lp.caption_matching(r"k-NN accuracy of the test codes \d+%")

    pad = page.locator("canvas.nlp-map")
    pad.evaluate("c => c.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    runs = lp.runs()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    first = decoded(lp)
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.75, steps=8)
    second = decoded(lp)
    assert lp.runs() == runs  # decoded in the browser: no page run while dragging
    assert first.max() > 0 and np.abs(first - second).max() > 60, "the decoded digit did not change"
    lp.after(page.mouse.up)
    no_trouble(lp)
    expect(page.locator(".nlp-z")).to_have_text(re.compile(r"^z = \(-?[\d.]+, -?[\d.]+\)$"))
    expect(main(lp).get_by_text(re.compile(r"^Train the plain autoencoder too"))).to_be_visible()
    shoot(lp, "vae-trained", lower=bold(lp, "Decoded grid"))

    lp.segment("Plain autoencoder")
    train(lp, "Train the plain autoencoder")
    no_trouble(lp)
    grids = main(lp).locator('[data-testid="stImage"]').filter(has_text=re.compile(r"empty area \d+%, k-NN accuracy \d+%"))
    expect(grids).to_have_count(2)
    expect(grids.filter(has_text="Plain autoencoder")).to_have_count(1)
    expect(grids.filter(has_text="Variational autoencoder (VAE)")).to_have_count(1)
    shoot(lp, "vae-compare", lower=grids.first)

    # the pad is square at the page's 300 px (a canvas's default 300×150 once kept its height: only the top
    # half of the latent square showed)
    size = page.locator("canvas.nlp-map").evaluate("c => [c.width, c.height, c.clientWidth, c.clientHeight]")
    assert size[0] == size[1] and size[2] == size[3], f"the latent pad is not square: canvas {size}"
