"""Browser tests of the Adversarial examples lesson for a newcomer's first hour (issue 14): the digit's true
label beside what the network reads, 'Give me a 7', a failed attack shown as "not fooled" with a hint that
fits the attack, the curve's one legend, the 2D view's share crossed by distance to the boundary, the robust
twin saying what it measures, the gallery's cards, the 'Try this' set-ups, and the views at 1400×1000 and
1280×720.

Each test is a fresh browser context (a new learner); the digit views get a quick network trained on the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

NETWORK = re.compile(r"^Your network: MLP 784 → 256 → 10, 1\.00 epochs")
READING = re.compile(r"^Labelled (\d) · before the attack read as (\d) \(\d+%\) · after: (\d) \(\d+%\)$")


@pytest.fixture
def lp(app_server, page) -> LessonPage:
    """The lesson with a quick digit network, its 'predict, then check' answered once."""
    return LessonPage(page, app_server.url, "adversarial").quick_adversarial(NETWORK)


def reading(lp: LessonPage):
    return lp.page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"]').filter(has_text=READING)


def alerts(lp: LessonPage, kind: str):
    return lp.page.locator(f'[data-testid="stMain"] [data-testid="stAlertContent{kind}"]')


def digit_number(lp: LessonPage) -> int:
    return int(lp.page.get_by_label("Test digit number", exact=True).input_value())


def give_me_a(lp: LessonPage, digit: str) -> None:
    pill = lp.page.get_by_role("radiogroup", name="Give me a").get_by_role("radio", name=digit, exact=True)
    lp.after(pill.click)


def set_up(lp: LessonPage, key: str) -> None:
    """Open 'Try this' and press the tryout's 'Set this up'."""
    expander = lp.page.locator('[data-testid="stExpander"]').filter(has_text="Try this").first
    button = lp.key(f"tryout-{key}").get_by_role("button", name="Set this up")
    if not button.is_visible():
        expander.locator("summary").click()
    expect(button).to_be_visible()
    lp.after(button.click, timeout=120_000)


# ------------------------------------------------------------------------------------------------ fool one digit


def test_the_true_label_is_shown_and_give_me_a_seven(lp: LessonPage) -> None:
    page = lp.page
    assert digit_number(lp) == 10  # the first 7 of the test set
    expect(reading(lp)).to_have_count(1)
    label, before, _ = READING.match(reading(lp).inner_text()).groups()
    assert (label, before) == ("7", "7")

    give_me_a(lp, "1")  # the next 1 after digit 10
    expect(reading(lp)).to_have_text(re.compile(r"^Labelled 1 · before the attack read as \d"))
    first_one = digit_number(lp)
    assert first_one > 10

    give_me_a(lp, "7")
    expect(reading(lp)).to_have_text(re.compile(r"^Labelled 7 · "))
    seven = digit_number(lp)
    assert seven > first_one
    give_me_a(lp, "7")  # again: the next 7
    expect(page.get_by_label("Test digit number", exact=True)).not_to_have_value(str(seven))
    assert digit_number(lp) > seven
    expect(reading(lp)).to_have_text(re.compile(r"^Labelled 7 · "))
    # after picks (reruns of this view only), the views answer the first click
    lp.segment("Accuracy against ε")
    lp.segment("Fool one digit")
    expect(reading(lp)).to_have_text(re.compile(r"^Labelled 7 · "))
    assert page_errors(page) == []


def test_a_failed_attack_is_not_fooled_and_the_hint_fits_the_attack(lp: LessonPage) -> None:
    page = lp.page
    # FGSM at ε = 0.10 on the first 7: the quick network holds
    assert lp.slider_value("one-eps") == "0.10"
    expect(alerts(lp, "Success")).to_have_count(0)
    warning = lp.alert("Warning")
    expect(warning).to_have_text(re.compile(r"^Not fooled at ε = 0\.10: still read as 7 \(\d+%\)\. "
                                            r"Try a larger ε, or PGD\.$"))
    # PGD chosen: the hint no longer says "or PGD"
    lp.radio("Attack", "PGD (iterative)")
    lp.nudge("one-eps", "Home")
    assert lp.nudge("one-eps", "ArrowRight") == "0.01"
    expect(warning).to_have_text(re.compile(r"^Not fooled at ε = 0\.01: still read as 7 \(\d+%\)\. "
                                            r"Try a larger ε or more PGD steps\.$"))
    expect(alerts(lp, "Success")).to_have_count(0)
    # a successful attack is the learner's success
    lp.nudge("one-eps", "End")
    expect(lp.alert("Success")).to_have_text(re.compile(r"^Fooled at ε = 0\.30: the 7 is now read as \d"))
    expect(alerts(lp, "Warning")).to_have_count(0)
    assert page_errors(page) == []


def test_the_seven_to_three_set_up(lp: LessonPage) -> None:
    page = lp.page
    give_me_a(lp, "1")  # somewhere else first: the set-up brings back the first 7
    set_up(lp, "seven-to-three")
    expect(page.get_by_label("Test digit number", exact=True)).to_have_value("10")
    assert lp.slider_value("one-eps") == "0.16"
    expect(page.get_by_label("Make it read as", exact=True)).to_have_value("3")
    expect(lp.alert("Success")).to_have_text(re.compile(r"^Fooled at ε = 0\.16: the 7 is now read as 3 \(\d+%\), "
                                                        r"the target\.$"))
    lp.radio("Attack", "FGSM (one step)")  # the same ε is not enough for FGSM
    expect(lp.alert("Warning")).to_have_text(re.compile(r"^Not fooled at ε = 0\.16: .*, not as 3\. "
                                                        r"Try a larger ε, or PGD\.$"))
    assert lp.nudge("one-eps", "ArrowRight") == "0.17"
    expect(lp.alert("Success")).to_have_text(re.compile(r"^Fooled at ε = 0\.17: the 7 is now read as 3"))
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ the other views


def test_the_curve_has_one_legend_showing_colour_and_dash(lp: LessonPage) -> None:
    lp.segment("Accuracy against ε")
    expect(lp.page.get_by_text(re.compile(r"the grey dotted line is the PyTorch tutorial's"))).to_be_visible()
    chart = lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').first
    legend = chart.locator("g.role-legend")
    expect(legend).to_have_count(1)
    entries = legend.locator("g.role-legend-symbol path")
    expect(entries).to_have_count(2)
    dashes = entries.evaluate_all("ps => ps.map(p => [p.getAttribute('stroke'), p.getAttribute('stroke-dasharray')])")
    (mine_colour, mine_dash), (ref_colour, ref_dash) = dashes
    assert mine_colour != ref_colour and mine_dash in (None, "1,0") and ref_dash == "2,3"
    assert page_errors(lp.page) == []


def test_the_robust_twin_says_what_it_measures(lp: LessonPage) -> None:
    page = lp.page
    lp.segment("Defend it")
    lp.set_number("Epochs", 1)
    page.locator('[data-testid="stMain"]').get_by_role("button", name="Train the robust twin", exact=True).click()
    # after its epoch, the comparison takes a while: a progress bar says what is being measured
    measuring = page.locator('[data-testid="stProgress"]').filter(has_text="Measuring both networks under attack")
    expect(measuring).to_be_visible(timeout=180_000)
    expect(measuring).to_contain_text(re.compile(r"(your network|robust twin) under (FGSM|PGD)"))
    lp.idle(timeout=180_000)
    expect(measuring).to_have_count(0)
    assert lp.grid(lp.dataframes().first)["header"] == ["curve", "clean accuracy", "accuracy at ε = 0.1"]
    assert page_errors(page) == []


def test_the_gallery_cards_are_drawn_whole(lp: LessonPage) -> None:
    lp.segment("Gallery")
    lp.slide_to("gallery-eps", 0.2)
    image = lp.images().first
    expect(image).to_be_visible()
    width = image.evaluate("img => img.naturalWidth")
    assert width == 4 * 236  # four cards a row, each wide enough for a full bar and "100%"
    box, main = image.bounding_box(), lp.page.locator('[data-testid="stMain"]').bounding_box()
    assert box["x"] + box["width"] <= main["x"] + main["width"]
    assert page_errors(lp.page) == []


def test_on_2d_data_the_share_crossed_by_distance(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "adversarial").open("adversarial")
    lp.segment("On 2D data", timeout=120_000)
    summary = page.get_by_text(re.compile(r"^Nearest band \(0–0\.25 from the boundary\): \d+ of \d+ crossed"))
    expect(summary).to_be_visible()
    chart = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').filter(
        has=page.locator("text", has_text="Share of the points that crossed at ε = 0.50"))
    expect(chart).to_have_count(1)
    expect(chart.locator('path[aria-roledescription="bar"]')).to_have_count(5)
    for band in ("0–0.25", "0.25–0.5", "0.5–1", "1–2", "2 or more"):
        expect(chart.locator("text", has_text=band).first).to_be_attached()
    # the set-up: ε = 0.05, only the nearest band has crossed
    set_up(lp, "2d-slowly")
    assert lp.slider_value("eps2d") == "0.05"
    expect(page.get_by_text(re.compile(r"^Nearest band \(0–0\.25 from the boundary\): [1-9]\d* of \d+ crossed; "
                                       r"farthest \(2 or more\): 0 of \d+\. The nearer the boundary"))).to_be_visible()
    assert lp.nudge("eps2d", "ArrowRight") == "0.10"
    expect(page.locator("text", has_text="Share of the points that crossed at ε = 0.10").first).to_be_attached()
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ screenshots


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (1280, 720)])
def test_the_views_fit_the_page(lp: LessonPage, width: int, height: int) -> None:
    page = lp.page
    page.set_viewport_size({"width": width, "height": height})
    main = page.locator('[data-testid="stMain"]')
    for view in ("Fool one digit", "Accuracy against ε", "Gallery", "On 2D data"):
        lp.segment(view, timeout=120_000)
        right = main.bounding_box()["x"] + main.bounding_box()["width"]
        for element in main.locator('[data-testid="stVegaLiteChart"], [data-testid="stImage"] img').all():
            box = element.bounding_box()
            assert box is None or box["x"] + box["width"] <= right + 1, (view, box, right)
        assert page_errors(page) == []
        screenshot(page, f"adversarial-first-hour-{view.split()[0].lower()}-{width}x{height}")
