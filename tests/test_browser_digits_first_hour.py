"""A newcomer's first hour with the digit lessons, in Chromium: the Train button in view at 1400×1000 and
saying "Training…" (Stop beside it) while it trains; on Draw your own digit, the label box starting at the
network's reading and the reading renewed at once after "Retrain with my drawings"; on Look inside, the
logits strip labelled with its classes, every class named on the accuracy chart and no bar past 100%; and
screenshots of the three pages at 1400×1000 and 1280×720.

Each test is a fresh browser context: a new learner with no digit network yet.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage
from playground.digits.pictures import class_strip

pytestmark = pytest.mark.browser

READ_AS = re.compile(r"^Read as (\S+)$")
SURE = re.compile(r"^(\d+)% sure")


def train_button(lp: LessonPage):
    return lp.key("train").get_by_role("button")


def stop_button(lp: LessonPage):
    return lp.key("stop").get_by_role("button")


# ------------------------------------------------------------------------------------------------ train


def test_the_train_button_is_in_view_and_says_training_while_it_trains(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-train")
    height = page.viewport_size["height"]
    assert height == 1000
    for kind in ("Convolutional network", "Multilayer perceptron"):  # the CNN has more settings and layers
        box = train_button(lp).bounding_box()
        assert box["y"] + box["height"] <= height, box  # no scrolling to find it
        lp.segment(kind)
    box = train_button(lp).bounding_box()
    assert box["y"] + box["height"] <= height, box
    expect(train_button(lp)).to_have_text(re.compile(r"Train$"))

    lp.set_number("Epochs", 30)
    train_button(lp).click()
    expect(train_button(lp)).to_have_text(re.compile(r"Training…$"), timeout=15_000)
    expect(train_button(lp)).to_be_disabled()
    expect(stop_button(lp)).to_be_enabled()
    train_box, stop_box = train_button(lp).bounding_box(), stop_button(lp).bounding_box()
    assert abs(train_box["y"] - stop_box["y"]) < 4 and stop_box["x"] > train_box["x"] + train_box["width"]  # beside
    bar = page.locator('[data-testid="stProgress"]').bounding_box()
    assert bar["y"] + bar["height"] <= height  # the bar moves in view too
    screenshot(page, "first-hour-training")

    stop_button(lp).click()
    expect(stop_button(lp)).to_be_disabled(timeout=15_000)
    lp.idle()
    expect(train_button(lp)).to_have_text(re.compile(r"Continue$"))
    expect(train_button(lp)).to_be_enabled()
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ draw

CROSSED_SEVEN = [[(70, 60), (210, 60), (120, 230)], [(90, 145), (210, 145)]]


def canvas(page: Page):
    return page.locator("canvas.npp-canvas").first


def draw(lp: LessonPage, strokes: list[list[tuple[float, float]]]) -> None:
    """Each stroke with real mouse events (canvas pixels, 0..280); the page reads the pad after each. The
    pad is brought to the middle of the window for every stroke: a run may scroll the page under the mouse,
    and a stroke that starts under Streamlit's header bar never reaches the pad."""
    mouse = lp.page.mouse
    for points in strokes:
        canvas(lp.page).evaluate("c => c.scrollIntoView({block: 'center'})")
        box = canvas(lp.page).bounding_box()
        mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        mouse.down()
        for x, y in points[1:]:
            mouse.move(box["x"] + x, box["y"] + y, steps=12)
        lp.after(mouse.up)


def reading(lp: LessonPage) -> tuple[str, str]:
    """("Read as 7", "93% sure") as the page shows them."""
    read = lp.page.get_by_text(READ_AS)
    expect(read).to_have_count(1)
    sure = lp.page.locator('[data-testid="stCaptionContainer"]').filter(has_text=SURE)
    expect(sure).to_have_count(1)
    return read.inner_text().strip(), SURE.match(sure.inner_text().strip()).group(0)


def label_box(page: Page):
    return page.get_by_label("This drawing is a", exact=True)


def test_the_label_starts_at_the_reading_and_the_reading_is_renewed_after_retraining(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-draw")
    lp.quick_model()
    expect(label_box(page)).to_have_value("")  # nothing drawn: nothing read, nothing chosen
    draw(lp, CROSSED_SEVEN)
    before = reading(lp)
    read_as = READ_AS.match(before[0]).group(1)
    expect(label_box(page)).to_have_value(read_as)  # the network's reading, not 0

    if read_as != "7":
        lp.choose("This drawing is a", "7")
    lp.press("Add to my training set")
    expect(page.get_by_text("Your drawings: 7: 1", exact=True)).to_be_visible()
    lp.press("Retrain with my drawings", timeout=120_000)
    expect(lp.alert("Success")).to_contain_text(re.compile(r"^Now [01] of 1 of your drawings are read correctly"))
    after = reading(lp)
    assert after != before  # the retrained network's reading, at once
    expect(label_box(page)).to_have_value(READ_AS.match(after[0]).group(1))  # and the box starts at it
    screenshot(page, "first-hour-retrained")

    lp.press("Clear")
    draw(lp, CROSSED_SEVEN)  # the same strokes again: the same reading as shown after retraining
    assert reading(lp) == after
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ look inside

_AXIS_LABELS = """(svg, role) => Array.from(svg.querySelectorAll(`g.role-axis`))
  .filter(axis => axis.getAttribute('aria-label')?.startsWith(role))
  .flatMap(axis => Array.from(axis.querySelectorAll('g.role-axis-label text')).map(t => t.textContent))"""
_BARS_AND_PLOT = """svg => {
  const bars = Array.from(svg.querySelectorAll('g.role-mark path')).map(p => p.getBoundingClientRect());
  const grid = Array.from(svg.querySelectorAll('g.role-axis-grid line, g.role-axis-domain line'))
    .map(l => l.getBoundingClientRect());
  return {right: Math.max(...bars.map(b => b.right)), plotRight: Math.max(...grid.map(g => g.right)),
          bars: bars.length};
}"""


def test_look_inside_labels_every_class_and_keeps_bars_in_the_plot(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-inside")
    lp.quick_model()

    # the logits strip: a cell per class with the class's name under it, shown at its own size
    logits = page.locator('[data-testid="stMain"] [data-testid="stImage"] img').nth(2)
    expect(page.get_by_text("logits — 10 numbers (blue positive, orange negative)")).to_be_visible()
    size = logits.evaluate("i => [i.naturalWidth, i.naturalHeight, i.clientWidth]")
    expected = class_strip([0.0] * 10, [str(i) for i in range(10)], cell=24).shape
    assert size == [expected[1], expected[0], expected[1]], size
    assert expected[0] > 24  # a row of names under the cells

    lp.segment("Mistakes")
    lp.commit_guess("most-confused-", "4")  # predict, then check: the charts show after a guess
    chart = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').nth(1)
    svg = chart.locator("svg").first
    expect(svg.locator('g.role-mark path')).to_have_count(10, timeout=15_000)
    assert svg.evaluate(_AXIS_LABELS, "Y-axis") == [str(i) for i in range(10)]  # every class named
    assert svg.evaluate(_AXIS_LABELS, "X-axis") == ["0%", "20%", "40%", "60%", "80%", "100%"]
    geometry = svg.evaluate(_BARS_AND_PLOT)
    assert geometry["bars"] == 10 and geometry["right"] <= geometry["plotRight"] + 0.5, geometry
    screenshot(page, "first-hour-mistakes")
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ screenshots


@pytest.mark.parametrize("size", [(1400, 1000), (1280, 720)])
def test_the_three_pages_with_a_trained_network(app_server, browser, size) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        lp = LessonPage(context.new_page(), app_server.url, "mnist").open("mnist-draw")
        lp.quick_model()
        draw(lp, CROSSED_SEVEN)
        reading(lp)
        screenshot(lp.page, f"first-hour-draw-{width}x{height}")
        lp.nav("Look inside the digit network")
        screenshot(lp.page, f"first-hour-inside-{width}x{height}")
        lp.segment("Test predictions")
        screenshot(lp.page, f"first-hour-predictions-{width}x{height}")
        lp.nav("Train a digit recogniser")
        expect(train_button(lp)).to_have_text(re.compile(r"Train again$"))
        screenshot(lp.page, f"first-hour-train-{width}x{height}")
        assert page_errors(lp.page) == []
    finally:
        context.close()
