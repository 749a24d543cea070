"""Browser tests of the Explanations lesson (issue 15): with the quick network every view renders without an
exception; Explain one digit draws its rows of maps with the completeness numbers and LIME's R², explains
another class, finds a mistake, and renews its numbers when a method's setting changes; the sanity checks,
deletion curves, training examples and 2D views each run their experiment; a link out of bounds gives notices;
a CNN shows Grad-CAM. Screenshots of each view at 1400×1000 and 1280×720.

Each test is a fresh browser context (a new learner) with a quick digit network trained on the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot, screenshots_at_sizes
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

COMPLETENESS = re.compile(r"Integrated Gradients — attributions add up to (-?[\d.]+); the score's change")
R2 = re.compile(r"LIME — its local linear model fits the network's answers with weighted R² = -?[\d.]+")


@pytest.fixture
def lp(app_server, page) -> LessonPage:
    lesson = LessonPage(page, app_server.url, "explanations").open("explanations")
    lesson.quick_model()
    return lesson


def main(lp: LessonPage):
    return lp.page.locator('[data-testid="stMain"]')


def no_trouble(lp: LessonPage) -> None:
    lp.idle()
    expect(lp.page.locator('[data-testid="stException"]')).to_have_count(0)
    assert page_errors(lp.page) == []




def shoot(lp: LessonPage, name: str, lower=None) -> None:
    """The view at both sizes (and scrolled to `lower`, a locator further down, if given)."""
    screenshots_at_sizes(lp.page, f"explanations-{name}", lower)


def text(lp: LessonPage, pattern: re.Pattern):
    return main(lp).locator('[data-testid="stMarkdownContainer"]').filter(has_text=pattern)


def maps(lp: LessonPage):
    return main(lp).locator('[data-testid="stImage"]')


def charts(lp: LessonPage):
    return main(lp).locator('[data-testid="stVegaLiteChart"]')


# ------------------------------------------------------------------------------------------------ one digit
def test_explain_one_digit(lp: LessonPage) -> None:
    lp.segment("Explain one digit")
    no_trouble(lp)
    expect(maps(lp)).to_have_count(4)  # the digit and three rows of maps
    expect(text(lp, COMPLETENESS)).to_have_count(1)
    expect(text(lp, R2)).to_have_count(1)
    shoot(lp, "one", lower=text(lp, R2))
    before = text(lp, COMPLETENESS).inner_text()

    # a method's setting changes its numbers
    main(lp).locator('[data-testid="stExpander"] summary').filter(has_text="Method settings").click()
    slider = lp.key("steps").get_by_role("slider")
    slider.focus()
    lp.after(lambda: slider.press("Home"), timeout=120_000)  # 2 steps: completeness far off
    no_trouble(lp)
    expect(text(lp, COMPLETENESS)).not_to_have_text(before)

    # another class
    lp.radio("Explain the score of", "another class")
    lp.choose("Class", "3")
    expect(main(lp).get_by_text(re.compile(r"Explaining the score of 3 — "))).to_be_visible()
    expect(text(lp, COMPLETENESS)).to_have_count(1)
    no_trouble(lp)

    # the next digit it reads wrong
    lp.press("Next mistake", timeout=120_000)
    no_trouble(lp)
    expect(main(lp).get_by_text("The network reads this one wrong: which pixels led it astray?")).to_be_visible()


# ------------------------------------------------------------------------------------------------ other views
def test_per_class_and_sanity_checks(lp: LessonPage) -> None:
    lp.segment("Per class", timeout=120_000)
    no_trouble(lp)
    expect(maps(lp)).to_have_count(3)  # two rows of class maps, the average digits (in an expander)
    shoot(lp, "classes")

    lp.segment("Sanity checks")
    no_trouble(lp)
    lp.press("Randomise the layers", timeout=120_000)
    no_trouble(lp)
    expect(charts(lp)).to_have_count(1)
    lp.press("Train on shuffled labels", timeout=120_000)
    caption = main(lp).get_by_text(re.compile(r"^Trained [\d.]+ epochs on shuffled labels: test accuracy \d+%"))
    expect(caption).to_be_visible(timeout=120_000)
    no_trouble(lp)
    shoot(lp, "sanity", lower=caption)


def test_deletion_and_training_examples(lp: LessonPage) -> None:
    lp.segment("Deletion and insertion", timeout=120_000)
    no_trouble(lp)
    expect(charts(lp)).to_have_count(1)
    lp.press("Rank the methods over 100 digits", timeout=120_000)
    no_trouble(lp)
    expect(lp.dataframes()).to_have_count(2)
    grid = lp.grid(lp.dataframes().nth(1), until=lambda g: any("Random" in str(r) for r in g["rows"]))
    assert grid
    shoot(lp, "deletion", lower=lp.dataframes().nth(1))

    lp.segment("Training examples", timeout=120_000)
    no_trouble(lp)
    expect(main(lp).get_by_text("Nearest in the last hidden layer")).to_be_visible()
    expect(main(lp).get_by_text(re.compile("^Proponents"))).to_be_visible()
    lp.press("Train with flipped labels", timeout=120_000)
    expect(lp.dataframes()).to_have_count(1, timeout=120_000)
    no_trouble(lp)
    shoot(lp, "examples", lower=lp.dataframes().first)


def test_on_2d_data(lp: LessonPage) -> None:
    lp.segment("On 2D data", timeout=120_000)
    no_trouble(lp)
    expect(main(lp).locator('[data-testid="stVegaLiteChart"]')).to_have_count(1, timeout=60_000)
    expect(lp.dataframes()).to_have_count(1)
    shoot(lp, "plane", lower=lp.dataframes().first)


# ------------------------------------------------------------------------------------------------ bad link
def test_a_link_out_of_bounds_gives_notices(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "explanations").open("explanations?view=sanity&steps=999&target=x")
    no_trouble(lp)
    expect(main(lp).get_by_text("steps '999' is not a whole number from 2 to 200 — using the default.")).to_be_visible()
    expect(main(lp).get_by_text(re.compile(r"^target 'x' is not predicted, true or a digit"))).to_be_visible()
    screenshot(page, "explanations-bad-link")


# ------------------------------------------------------------------------------------------------ CNN, drawing
CROSSED_SEVEN = [[(70, 60), (210, 60), (120, 230)], [(90, 145), (210, 145)]]


def draw(lp: LessonPage, strokes: list[list[tuple[float, float]]]) -> None:
    """Each stroke with real mouse events on the pad (canvas pixels, 0..224), the pad in mid-window."""
    pad = lp.page.locator("canvas.npp-canvas").first
    mouse = lp.page.mouse
    for points in strokes:
        pad.evaluate("c => c.scrollIntoView({block: 'center'})")
        box = pad.bounding_box()
        scale = box["width"] / 280
        mouse.move(box["x"] + points[0][0] * scale, box["y"] + points[0][1] * scale)
        mouse.down()
        for x, y in points[1:]:
            mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=12)
        lp.after(mouse.up, timeout=120_000)


def test_a_cnn_shows_grad_cam_and_a_drawing_is_explained(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-train")
    lp.segment("Convolutional network")
    lp.set_number("Epochs", 1)
    train = lp.key("train").get_by_role("button")
    lp.after(train.click, timeout=120_000)
    expect(page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 1.00 of 1", timeout=120_000)
    lp.idle(timeout=120_000)
    lp.nav("Why did it say that?")
    lp.lesson = "explanations"
    lp.segment("Explain one digit", timeout=120_000)
    no_trouble(lp)
    expect(main(lp).get_by_text(re.compile(r"^Your network: CNN"))).to_be_visible()
    expect(maps(lp)).to_have_count(4)
    # the last row has Grad-CAM: three maps and the legend, as wide a picture as the first row
    widths = [maps(lp).nth(n).locator("img").evaluate("i => i.naturalWidth") for n in (1, 3)]
    assert abs(widths[0] - widths[1]) < 40, widths  # (the legends differ: numbers, or 'max' per map)
    main(lp).locator('[data-testid="stExpander"] summary').filter(has_text="Method settings").click()
    expect(main(lp).get_by_label("Grad-CAM layer", exact=True)).to_be_visible()
    shoot(lp, "cnn", lower=text(lp, R2))

    # my drawing: nothing drawn says so, then the pad's digit is explained
    lp.radio("Explain", "my drawing")
    no_trouble(lp)
    expect(main(lp).get_by_text(re.compile("^Draw a digit first"))).to_be_visible()
    main(lp).get_by_role("button", name=re.compile("Draw")).first.click()
    draw(lp, CROSSED_SEVEN)
    page.keyboard.press("Escape")
    lp.idle()
    no_trouble(lp)
    expect(main(lp).get_by_text(re.compile("^Draw a digit first"))).to_have_count(0)
    expect(text(lp, COMPLETENESS)).to_have_count(1)
    shoot(lp, "drawing")
