"""Browser tests of the digit lessons: training (short), stopping and continuing, coming back to a trained
model, the confusion-matrix drill-down and the other views of 'Look inside', drawing a digit (with mouse
events on the canvas) and teaching it, and one learner's network staying theirs.

Each test is a fresh browser context: a new learner with no digit network yet.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage, percent

pytestmark = pytest.mark.browser

EPOCH = re.compile(r"^Epoch (\d+\.\d\d) of (\d+)$")
NUMBER = re.compile(r"^\d{1,3}(,\d{3})*$")


def train_page(app_server, page: Page) -> LessonPage:
    return LessonPage(page, app_server.url, "mnist").open("mnist-train")


def epochs_done(lp: LessonPage) -> tuple[float, int]:
    match = EPOCH.match(lp.progress_text())
    assert match, lp.progress_text()
    return float(match.group(1)), int(match.group(2))


def train_button(lp: LessonPage):
    return lp.key("train").get_by_role("button")


def stop_button(lp: LessonPage):
    return lp.key("stop").get_by_role("button")  # a button with help has a hidden twin


def stop(lp: LessonPage) -> None:
    """Press Stop while the page trains (the run goes on into a new one: wait for the page to be idle)."""
    stop_button(lp).click()
    expect(stop_button(lp)).to_be_disabled(timeout=15_000)
    lp.idle()


def train_and_wait(lp: LessonPage, epochs: int) -> None:
    lp.set_number("Epochs", epochs)
    expect(train_button(lp)).to_have_text(re.compile(r"Train$"))
    lp.after(train_button(lp).click, timeout=120_000)
    expect(lp.page.locator('[data-testid="stProgress"]')).to_have_text(f"Epoch {epochs:.2f} of {epochs}",
                                                                       timeout=120_000)
    lp.idle(timeout=120_000)


# ------------------------------------------------------------------------------------------------ training


def test_short_training_shows_progress_metrics_and_curves(app_server, page) -> None:
    lp = train_page(app_server, page)
    expect(page.get_by_text("No network yet: press Train.")).to_be_visible()
    train_and_wait(lp, 2)

    assert epochs_done(lp) == (2.0, 2)
    assert percent(lp.metric("Test accuracy")) > 80
    assert percent(lp.metric("Training accuracy")) > 80
    assert NUMBER.match(lp.metric("Examples / second")), lp.metric("Examples / second")
    assert lp.metric("Examples seen") == "8,000"  # 2 epochs of the 4,000 MNIST-5k training digits
    curves = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')
    expect(curves).to_have_count(1)
    expect(curves.locator("svg, canvas").first).to_be_visible()
    expect(train_button(lp)).to_have_text(re.compile(r"Train again$"))
    expect(page.get_by_role("link", name="Look inside this network")).to_be_visible()
    assert page_errors(page) == []
    screenshot(page, "digits-trained")

    # the convolutional network: its parameter table counts each convolution's filters
    lp.segment("Convolutional network")
    expect(page.get_by_text("You changed the settings")).to_be_visible()
    table = lp.grid(lp.dataframes().first, until=lambda g: any(r[0] == "conv1" for r in g["rows"]))
    assert table["header"] == ["layer", "kind", "output", "parameters", "count"]
    rows = {row[0]: row for row in table["rows"]}
    assert rows["conv1"][1:] == ["convolution", "8×14×14", "8×5×5×1 + 8", "208"]
    assert rows["conv2"][3:] == ["16×5×5×8 + 16", "3216"]
    expect(page.get_by_text(re.compile(r"^11,274 parameters")).first).to_be_visible()
    expect(train_button(lp)).to_have_text(re.compile(r"Train$"))  # a new network with the new settings
    assert page_errors(page) == []


def test_switching_to_the_cnn_uses_its_default_batch_size(app_server, page) -> None:
    lp = train_page(app_server, page)
    expect(page.get_by_label("Batch size", exact=True)).to_have_value("128")
    lp.segment("Convolutional network")
    expect(page.get_by_label("Batch size", exact=True)).to_have_value("64", timeout=3_000)


def test_stop_keeps_the_model_and_continue_resumes(app_server, page) -> None:
    lp = train_page(app_server, page)
    lp.segment("Convolutional network")
    lp.set_number("Epochs", 10)
    train_button(lp).click()
    expect(stop_button(lp)).to_be_enabled(timeout=15_000)
    expect(page.locator('[data-testid="stProgress"]')).to_have_text(re.compile(r"Epoch (0\.[1-9]\d|[1-8]\.\d\d) of 10"),
                                                                  timeout=15_000)
    time.sleep(0.5)
    stop(lp)
    stopped, total = epochs_done(lp)
    assert total == 10 and 0 < stopped < 10
    expect(train_button(lp)).to_have_text(re.compile(r"Continue$"))
    assert percent(lp.metric("Test accuracy")) > 0
    time.sleep(1.0)
    assert epochs_done(lp)[0] == stopped  # it really stopped
    assert page_errors(page) == []
    screenshot(page, "digits-stopped")

    train_button(lp).click()  # Continue: the same network trains on
    expect(stop_button(lp)).to_be_enabled(timeout=15_000)
    time.sleep(1.5)
    stop(lp)
    resumed, total = epochs_done(lp)
    assert total == 10 and stopped < resumed < 10
    expect(train_button(lp)).to_have_text(re.compile(r"Continue$"))
    assert page_errors(page) == []


def test_coming_back_to_a_trained_model(app_server, page) -> None:
    lp = train_page(app_server, page)
    train_and_wait(lp, 1)
    accuracy = lp.metric("Test accuracy")
    seen = lp.metric("Examples seen")
    description = page.get_by_text(re.compile(r"parameters · ")).inner_text().split(" · ", 1)[1].strip()
    assert description == "MLP 784 → 256 → 10"

    lp.nav("Home", heading="Neural Playground")
    lp.nav("Train a digit recogniser")
    assert lp.progress_text() == "Epoch 1.00 of 1"
    assert lp.metric("Test accuracy") == accuracy
    assert lp.metric("Examples seen") == seen
    expect(train_button(lp)).to_have_text(re.compile(r"Train again$"))

    lp.nav("Look inside the digit network")  # the same network, not a new one
    lp.caption_matching(rf"^{re.escape(description)} · 1\.00 epochs on MNIST-5k · test accuracy "
                        rf"{re.escape(accuracy)} on 1,000 test images$")
    expect(page.get_by_text("There is no trained digit network yet")).to_have_count(0)
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ look inside


def confusion_cells(lp: LessonPage) -> list[tuple[int, int, int, object]]:
    """(true, predicted, count, locator) of the confusion matrix's 100 rectangles (from their labels)."""
    chart = lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').first
    rects = chart.locator('path[aria-roledescription="rect mark"]')
    expect(rects).to_have_count(100, timeout=15_000)
    cells = []
    for i, label in enumerate(rects.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label'))")):
        match = re.search(r"predicted: (\d); true label: (\d); count: (\d+)", label)
        assert match, label
        cells.append((int(match.group(2)), int(match.group(1)), int(match.group(3)), rects.nth(i)))
    return cells


def click_cell(lp: LessonPage, cell) -> None:
    box = cell.bounding_box()
    # near the rectangle's corner, off its number (a click on the number selects the cell too)
    lp.after(lambda: lp.page.mouse.click(box["x"] + 3, box["y"] + 3))


def test_confusion_matrix_drill_down_and_the_other_views(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-inside")
    lp.quick_model()
    caption = lp.caption_matching(r"^MLP 784 → 256 → 10 · 1\.00 epochs on MNIST-5k · test accuracy (\d+\.\d)%")
    accuracy = caption.group(1)

    lp.segment("Mistakes")
    lp.commit_guess("most-confused-", "4")  # predict, then check: the matrix shows after a guess
    expect(page.get_by_text("Confusion matrix", exact=True)).to_be_visible()
    cells = confusion_cells(lp)
    assert sum(c[2] for c in cells) == 1000
    assert sum(c[2] for c in cells if c[0] == c[1]) / 10 == pytest.approx(float(accuracy), abs=0.05)
    images = lp.images().count()  # the most confident mistakes

    true, predicted, count, cell = max((c for c in cells if c[0] != c[1]), key=lambda c: c[2])
    assert count > 0
    click_cell(lp, cell)
    expect(page.get_by_text(f"{count} test digits labelled {true}, read as {predicted}", exact=True)).to_be_visible()
    expect(lp.images()).to_have_count(images + 1)
    screenshot(page, "digits-confusion-cell")

    true, _, count, cell = next(c for c in cells if c[0] == c[1] == 3)
    click_cell(lp, cell)
    expect(page.get_by_text(re.compile(rf"^{count} test digits labelled 3, read correctly"))).to_be_visible()
    expect(lp.images()).to_have_count(images + 1)
    assert page_errors(page) == []

    lp.segment("One digit, layer by layer")
    number = page.get_by_label("Test digit number", exact=True)
    expect(number).to_have_value("0")
    expect(page.get_by_text("dense1 — 256 numbers (blue positive, orange negative)")).to_be_visible()
    expect(page.get_by_text("logits — 10 numbers (blue positive, orange negative)")).to_be_visible()
    expect(lp.images()).to_have_count(3)  # the digit, then one picture per layer
    lp.press("Next mistake")
    expect(number).not_to_have_value("0")
    first_mistake = int(number.input_value())
    label = page.locator('[data-testid="stImageCaption"]').first.inner_text()
    match = re.match(r"Label (\d) · read as (\d) \(\d+%\)", label)
    assert match and match.group(1) != match.group(2), label
    lp.press("Next mistake")
    expect(number).not_to_have_value(str(first_mistake))
    assert int(number.input_value()) > first_mistake

    lp.segment("Test predictions")
    expect(lp.images()).to_have_count(1)
    lp.caption_matching(rf"% of these 36 right \(the whole test set: {re.escape(accuracy)}%\)\.$")
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ drawing


def canvas(page: Page):
    return page.locator("canvas.npp-canvas").first


def ink_pixels(page: Page) -> int:
    """Bright pixels on the drawing pad (the strokes are white on black)."""
    return canvas(page).evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++;
                  return n; }""")


def draw(lp: LessonPage, points: list[tuple[float, float]]) -> None:
    """One stroke through `points` (canvas pixels, 0..280), with real mouse events."""
    box = canvas(lp.page).bounding_box()
    mouse = lp.page.mouse
    mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    mouse.down()
    for x, y in points[1:]:
        mouse.move(box["x"] + x, box["y"] + y, steps=12)
    lp.after(mouse.up)


def clear(lp: LessonPage) -> None:
    lp.press("Clear")
    expect(lp.page.get_by_text("Your network's reading appears here as soon as you draw.")).to_be_visible()
    expect(lp.page.get_by_text(re.compile(r"^Read as"))).to_have_count(0)
    assert ink_pixels(lp.page) == 0
    expect(lp.button("Clear")).to_be_disabled()


SEVEN = [(70, 60), (210, 60), (120, 230)]
ONE = [(140, 45), (140, 240)]


def test_drawing_a_digit_and_teaching_it(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-draw")
    lp.quick_model()
    expect(canvas(page)).to_be_visible()
    expect(page.get_by_text("Your network's reading appears here as soon as you draw.")).to_be_visible()
    expect(lp.button("Add to my training set")).to_be_disabled()

    draw(lp, SEVEN)
    assert ink_pixels(page) > 1000
    expect(page.get_by_text(re.compile(r"^Read as \d$"))).to_have_text("Read as 7")
    preview = page.locator('[data-testid="stImage"]').filter(has_text="As the network sees it (28×28)")
    expect(preview.locator("img")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+% sure"))).to_be_visible()
    expect(page.get_by_text("dense1: 256 numbers")).to_be_visible()
    screenshot(page, "digits-drawn-7")

    clear(lp)
    draw(lp, ONE)
    expect(page.get_by_text(re.compile(r"^Read as \d$"))).to_have_text("Read as 1")
    expect(preview.locator("img")).to_be_visible()

    # a second stroke adds ink (and a new reading); Undo takes it back
    one_ink = ink_pixels(page)
    draw(lp, [(90, 45), (140, 45)])
    assert ink_pixels(page) > one_ink + 500
    lp.press("Undo")
    expect(page.get_by_text(re.compile(r"^Read as \d$"))).to_have_text("Read as 1")
    assert ink_pixels(page) == one_ink

    # the drawing and its reading are still there after a visit to another lesson
    lp.nav("Look inside the digit network")
    lp.nav("Draw your own digit")
    expect(page.get_by_text(re.compile(r"^Read as \d$"))).to_have_text("Read as 1")
    expect(canvas(page)).to_be_visible()
    assert ink_pixels(page) == one_ink

    clear(lp)  # a single click leaves a dot: no reading
    box = canvas(page).bounding_box()
    lp.after(lambda: page.mouse.click(box["x"] + 140, box["y"] + 140))
    expect(lp.alert("Info")).to_contain_text(re.compile(r"only a dot|empty"))
    expect(page.get_by_text(re.compile(r"^Read as"))).to_have_count(0)
    expect(lp.button("Add to my training set")).to_be_disabled()
    assert page_errors(page) == []

    # teach it: this 7 goes into the training set, then two more epochs with it
    clear(lp)
    draw(lp, SEVEN)
    expect(page.get_by_text("Your drawings: none yet")).to_be_visible()
    lp.choose("This drawing is a", "7")
    lp.press("Add to my training set")
    expect(page.get_by_text("Your drawings: 7: 1", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Your latest drawings — the network reads [01] of 1 correctly now$")))\
        .to_be_visible()
    lp.press("Retrain with my drawings", timeout=120_000)
    expect(lp.alert("Success")).to_contain_text(
        re.compile(r"^Now [01] of 1 of your drawings are read correctly \(before: [01]\); test accuracy \d+\.\d%\.$"))
    assert page_errors(page) == []
    screenshot(page, "digits-retrained")


# ------------------------------------------------------------------------------------------------ two learners


def test_a_learners_network_is_their_own(app_server, browser) -> None:
    first = browser.new_context(viewport={"width": 1400, "height": 1000})
    second = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        a = LessonPage(first.new_page(), app_server.url, "mnist").open("mnist-train")
        train_and_wait(a, 1)
        a.nav("Look inside the digit network")
        a.caption_matching(r"^MLP 784 → 256 → 10 · 1\.00 epochs on MNIST-5k")

        b = LessonPage(second.new_page(), app_server.url, "mnist").open("mnist-inside")
        expect(b.page.get_by_text("There is no trained digit network yet")).to_be_visible()
        b.nav("Train a digit recogniser")
        expect(b.page.get_by_text("No network yet: press Train.")).to_be_visible()
        expect(train_button(b)).to_have_text(re.compile(r"Train$"))
        assert page_errors(a.page) == [] and page_errors(b.page) == []
    finally:
        first.close()
        second.close()
