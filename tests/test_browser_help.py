"""Help where a newcomer needs it, in Chromium: the Playground's and Meet the data's "What am I looking at?"
buttons open their panel's text, a control's help icon shows the glossary's sentence on hover, and the
buttons sit in one heading row without crowding the view (screenshots at 1400×1000 and 1280×720)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot, wait_idle
from playground.glossary import GLOSSARY
from playground.tfplayground.explainers import Part, explainer
from playground.tfplayground.lesson import Panel
from playground.toydata import explainers as data_explainers
from tests.playground_page import PlaygroundPage

pytestmark = pytest.mark.browser

LOOKING_AT = "What am I looking at?"
VIEWPORTS = {"1400x1000": (1400, 1000), "1280x720": (1280, 720)}


def first_sentence(text: str) -> str:
    """The text's first sentence as the page shows it (no Markdown stars)."""
    return text.replace("**", "").replace("*", "").split(". ")[0]


def popover_text(page) -> str:
    body = page.locator('[data-testid="stPopoverBody"]')
    expect(body).to_be_visible()
    return body.inner_text()


def close_popover(page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator('[data-testid="stPopoverBody"]')).to_have_count(0)


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request, browser):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield request.param, context.new_page()
    context.close()


def test_playground_explains_the_view_and_every_panel(app_server, page) -> None:
    pg = PlaygroundPage(page, app_server.url).open()
    assert page.get_by_role("button", name=LOOKING_AT).count() >= 2

    pg.key("explain-network").get_by_role("button", name=LOOKING_AT).click()
    text = popover_text(page)
    assert first_sentence(explainer(Part.NETWORK)) in text
    assert GLOSSARY["bias"] in text  # the view's own words, explained under the text
    close_popover(page)

    pg.key("explain-output").get_by_role("button", name=LOOKING_AT).click()
    text = popover_text(page)
    assert first_sentence(explainer(Part.OUTPUT)) in text and first_sentence(explainer(Part.LOSS_CHART)) in text
    close_popover(page)

    for panel in (Panel.STEP, Panel.OPTIONS):
        pg.open_panel(panel)
        pg.key("explain-panel").get_by_role("button", name=LOOKING_AT).click()
        assert first_sentence(explainer(panel)) in popover_text(page)
        close_popover(page)
    assert page_errors(page) == []


def test_hovering_the_learning_rate_help_shows_the_glossary(app_server, page) -> None:
    PlaygroundPage(page, app_server.url).open()
    page.get_by_role("button", name="Help for Learning rate").hover()
    tooltip = page.locator('[data-testid="stTooltipContent"]')
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(GLOSSARY["learning rate"])
    expect(tooltip).to_contain_text("learning rate —")


def test_the_heading_row_is_one_line_in_both_sizes(app_server, viewport) -> None:
    """The view's "What am I looking at?" buttons and the loss caption share one row, each on one line,
    inside the view's column; with a popover open, the page is shot at each size."""
    size, page = viewport
    pg = PlaygroundPage(page, app_server.url).open()
    row = pg.key("view-heading")
    boxes = [row.locator('[data-testid="stPopover"]').nth(i).bounding_box() for i in range(2)]
    caption = row.get_by_text("Test and training loss").bounding_box()
    heights = [b["height"] for b in boxes]
    assert max(heights) < 48, f"{size}: a button wraps or grows: {heights}"
    tops = [b["y"] for b in boxes] + [caption["y"] + caption["height"] / 2 - heights[0] / 2]
    assert max(tops) - min(tops) < 12, f"{size}: the heading row is not one row: {tops}"
    view = pg.view.bounding_box()
    assert boxes[0]["x"] >= view["x"] - 1 and boxes[1]["x"] + boxes[1]["width"] <= view["x"] + view["width"] + 40
    for button in row.get_by_role("button", name=LOOKING_AT).all():
        label = button.locator('[data-testid="stMarkdownContainer"] p')
        assert label.evaluate("p => p.scrollWidth <= p.clientWidth + 0.5"), f"{size}: a button's text is cut"
    pg.key("explain-output").get_by_role("button", name=LOOKING_AT).click()
    popover_text(page)
    screenshot(page, f"help-playground-{size}")
    close_popover(page)
    assert page_errors(page) == []


def test_meet_the_data_explains_each_part(app_server, viewport) -> None:
    size, page = viewport
    page.goto(f"{app_server.url}/data")
    wait_idle(page, timeout=120_000)
    toy = page.get_by_role("tabpanel").first
    buttons = toy.get_by_role("button", name=LOOKING_AT)
    expect(buttons).to_have_count(2)
    buttons.nth(0).click()
    assert first_sentence(data_explainers.explainer(data_explainers.Part.TOY)) in popover_text(page)
    close_popover(page)
    buttons.nth(1).click()
    assert first_sentence(data_explainers.explainer(data_explainers.Part.TOY_PICTURE)) in popover_text(page)
    screenshot(page, f"help-data-{size}")
    close_popover(page)
    page.get_by_role("button", name="Help for Noise").hover()
    expect(page.locator('[data-testid="stTooltipContent"]')).to_contain_text(GLOSSARY["noise"])
    for tab, part in (("Your own CSV", data_explainers.Part.CSV), ("Handwritten digits", data_explainers.Part.DIGITS)):
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel", name=tab)
        panel.get_by_role("button", name=LOOKING_AT).click()
        assert first_sentence(data_explainers.explainer(part)) in popover_text(page)
        close_popover(page)
    assert page_errors(page) == []
