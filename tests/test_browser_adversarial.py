"""Browser tests of the Adversarial examples lesson: the ε slider, each attack, the targeted attack, the
accuracy-against-ε curve, adversarial training (short), the gallery, the 2D view and 'Why is it so easy?'.

Each test is a fresh browser context (a new learner); the digit views get a quick network trained on the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

EPS = "one-eps"  # the ε slider of 'Fool one digit'
NETWORK = re.compile(r"^Your network: MLP 784 → 256 → 10, 1\.00 epochs, test accuracy (\d+\.\d)%$")


@pytest.fixture
def lp(app_server, page) -> LessonPage:
    """The lesson with a quick digit network, its 'predict, then check' answered once."""
    return LessonPage(page, app_server.url, "adversarial").quick_adversarial(NETWORK)


def verdict(lp: LessonPage):
    """'Fooled' (a success box: the attacker's goal) or 'Not fooled' (a warning box)."""
    return lp.page.locator('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]')\
        .locator('[data-testid="stMarkdownContainer"]')


def adversarial_probability(lp: LessonPage, digit: str) -> float:
    """The height of the 'adversarial' bar of one class in the probability chart (from its label)."""
    chart = lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').first
    bars = chart.locator('path[aria-roledescription="bar"]')
    expect(bars).to_have_count(20)
    for label in bars.evaluate_all("ps => ps.map(p => p.getAttribute('aria-label'))"):
        if f"class: {digit};" in label and "image: adversarial" in label:
            return float(re.search(r"probability: ([\d.]+)", label).group(1))
    raise AssertionError(f"no adversarial bar for {digit}")


def test_the_eps_slider_and_each_attack(lp: LessonPage) -> None:
    page = lp.page
    expect(page.get_by_label("Test digit number", exact=True)).to_have_value("10")  # the first 7 of the test set
    assert lp.slider_value(EPS) == "0.10"
    assert lp.nudge(EPS, "ArrowLeft") == "0.09"
    lp.caption_matching(r"every pixel changes by at most ε = 0\.09\) · adversarial$")
    assert lp.nudge(EPS, "Home") == "0.00"
    expect(verdict(lp)).to_have_text(re.compile(r"^Not fooled at ε = 0\.00: still read as 7 \(\d+%\)"))
    lp.caption_matching(r"^Original · perturbation \(no change: ")
    clean = adversarial_probability(lp, "7")

    assert lp.nudge(EPS, "End") == "0.30"
    expect(verdict(lp)).to_have_text(re.compile(r"^Fooled at ε = 0\.30: the 7 is now read as [0-689] \(\d+%\)\.$"))
    lp.caption_matching(r"magnified ×\d+: .* at most ε = 0\.30\) · adversarial$")
    assert adversarial_probability(lp, "7") < clean / 2
    expect(lp.images()).to_have_count(1)  # original · perturbation · adversarial
    screenshot(page, "adversarial-fgsm")

    # PGD: its steps appear; at ε = 0.30 it fools the network too
    expect(lp.slider("one-steps")).to_have_count(0)
    lp.radio("Attack", "PGD (iterative)")
    expect(lp.slider("one-steps")).to_have_attribute("aria-valuetext", "10")
    expect(verdict(lp)).to_have_text(re.compile(r"^Fooled at ε = 0\.30: the 7 is now read as \d \(\d+%\)"))
    expect(lp.images()).to_have_count(1)
    assert lp.nudge("one-steps", "ArrowLeft") == "9"
    expect(verdict(lp)).to_have_text(re.compile(r"^Fooled at "))

    # targeted: make the 7 read as a 3
    lp.choose("Make it read as", "3")
    expect(verdict(lp)).to_have_text(re.compile(r"^Fooled at ε = 0\.30: the 7 is now read as 3 \(\d+%\), the target\.$"))
    assert adversarial_probability(lp, "3") > 0.5
    assert page_errors(page) == []
    screenshot(page, "adversarial-targeted")

    lp.choose("Make it read as", "7")  # the digit it already is
    expect(lp.alert("Info")).to_have_text(re.compile(r"It already reads as 7: choose another target\."))
    assert page_errors(page) == []


def test_accuracy_against_eps_and_the_pgd_curve(lp: LessonPage) -> None:
    page = lp.page
    clean = lp.caption_matching(NETWORK).group(1)
    lp.segment("Accuracy against ε")
    charts = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(1)
    expect(charts.first.locator('path[aria-roledescription="line mark"]').first).to_be_attached()

    table = lp.grid(lp.dataframes().first)
    assert table["header"] == ["eps", "your network, FGSM"]
    eps = [float(row[0]) for row in table["rows"]]
    assert eps == [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
    fgsm = [float(row[1]) for row in table["rows"]]
    assert f"{fgsm[0]:.1%}" == f"{clean}%"  # no attack: the clean accuracy
    assert fgsm == sorted(fgsm, reverse=True) and fgsm[-1] < 0.2

    lp.press("Add the PGD curve (10 steps)", timeout=120_000)
    table = lp.grid(lp.dataframes().first, until=lambda g: len(g["header"]) == 3)
    assert table["header"] == ["eps", "your network, FGSM", "your network, PGD"]
    pgd = [float(row[2]) for row in table["rows"]]
    assert f"{pgd[0]:.1%}" == f"{clean}%"
    assert all(p <= f + 0.01 for p, f in zip(pgd, fgsm, strict=True))  # PGD is the stronger attack
    assert page_errors(page) == []
    screenshot(page, "adversarial-curve")


def test_defend_it_with_a_robust_twin(lp: LessonPage) -> None:
    page = lp.page
    lp.segment("Defend it")
    expect(page.get_by_text("No robust twin yet.")).to_be_visible()
    lp.set_number("Epochs", 1)
    lp.press("Train the robust twin", timeout=180_000)
    expect(page.get_by_text("No robust twin yet.")).to_have_count(0)
    table = lp.grid(lp.dataframes().first)
    assert table["header"] == ["curve", "clean accuracy", "accuracy at ε = 0.1"]
    rows = {row[0]: [float(v) for v in row[1:]] for row in table["rows"]}
    assert set(rows) == {"your network, FGSM", "your network, PGD", "robust twin, FGSM", "robust twin, PGD"}
    for clean, attacked in rows.values():
        assert 0.5 < clean <= 1 and 0 <= attacked <= clean
    assert rows["robust twin, FGSM"][1] > rows["your network, FGSM"][1]  # it held out better
    expect(page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')).to_have_count(1)
    assert page_errors(page) == []
    screenshot(page, "adversarial-defended")


def test_gallery_at_eps_0_2(lp: LessonPage) -> None:
    page = lp.page
    lp.segment("Gallery")
    lp.slide_to("gallery-eps", 0.2)
    expect(page.get_by_text(re.compile(r"^\d+ adversarial digits that fooled your network"))).to_be_visible()
    count = int(page.get_by_text(re.compile(r"^\d+ adversarial digits")).inner_text().split()[0])
    assert 0 < count <= 18
    expect(lp.images()).to_have_count(1)
    assert lp.slider_value("gallery-eps") == "0.20"
    assert page_errors(page) == []

    lp.nudge("gallery-eps", "Home")  # ε = 0: nothing changes, nothing is fooled
    expect(lp.alert("Info")).to_have_text("No test digit fooled the network at ε = 0.00. Raise ε.")
    expect(lp.images()).to_have_count(0)
    assert page_errors(page) == []


def test_on_2d_data_and_why_it_is_so_easy(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "adversarial").open("adversarial")
    lp.segment("On 2D data", timeout=120_000)
    expect(page.get_by_text("There is no trained digit network yet")).to_have_count(0)  # no digits needed
    caption = page.locator('[data-testid="stImageCaption"]')
    crossed = re.compile(r"^ε = (\d\.\d\d): (\d+) of 250 points crossed")
    expect(caption).to_have_text(crossed)
    eps, before = crossed.match(caption.inner_text()).groups()
    assert eps == "0.50"
    # the share crossed by distance to the boundary, and the accuracy against ε
    expect(page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')).to_have_count(2)

    lp.nudge("eps2d", "ArrowRight")
    assert lp.nudge("eps2d", "ArrowRight") == "0.60"
    expect(caption).to_have_text(re.compile(r"^ε = 0\.60: \d+ of 250 points crossed"))
    after = crossed.match(caption.inner_text()).group(2)
    assert int(after) > int(before)  # a larger step: more points cross the boundary
    assert page_errors(page) == []
    screenshot(page, "adversarial-2d")

    lp.segment("Why is it so easy?")
    chart = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')
    expect(chart).to_have_count(1)
    expect(chart.locator("text", has_text="A linear model, each input changed by at most ε").first).to_be_attached()
    expect(page.get_by_text(re.compile(r"the output moves by ε·‖w‖₁"))).to_be_visible()
    assert page_errors(page) == []
