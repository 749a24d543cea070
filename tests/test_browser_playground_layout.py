"""The Playground's layout at 1400×1000 and 1280×720: the network view's headings never cover each other or
a button (with no hidden layer, "add a layer" is there to click), the view stays in its column, and the
controls show their whole text (the problem type, the run buttons)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from tests.playground_page import PlaygroundPage

pytestmark = pytest.mark.browser

VIEWPORTS = {"1400x1000": (1400, 1000), "1280x720": (1280, 720)}

# Every heading of the network view (and the output panel's), each a box on the page.
HEADINGS = """(el) => {
  const root = el.getRootNode();
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {name: e.textContent.trim() || e.getAttribute('aria-label'),
                               left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const headings = [...root.querySelectorAll('.npv-headers .npv-title, .npv-colhead, .npv-outtitle, .npv-epoch')];
  const nodes = [...root.querySelectorAll('.npv-node')];
  return {headings: headings.map(box), nodes: nodes.map(box), view: box(root.querySelector('.npv')),
          out: box(root.querySelector('.npv-out')), net: box(root.querySelector('.npv-net')),
          overflow: root.querySelector('.npv').scrollWidth - root.querySelector('.npv').clientWidth};
}"""

# A text box's or a label's text cut short: the text is wider than the room it has.
CUT_TEXT = """(e) => {
  if (e.tagName === 'INPUT') {
    const style = getComputedStyle(e), g = document.createElement('canvas').getContext('2d');
    g.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {text: e.value, cut: e.scrollWidth > e.clientWidth || g.measureText(e.value).width > room + 0.5};
  }
  const cut = [e, ...e.querySelectorAll('*')].some((x) => x.scrollWidth > x.clientWidth + 0.5);
  return {text: e.innerText, cut};
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request, browser):
    width, height = VIEWPORTS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield request.param, context.new_page()
    context.close()


def overlaps(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and \
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5


def assert_headings_apart(pg: PlaygroundPage, what: str) -> None:
    seen = pg.view.evaluate(HEADINGS)
    headings = seen["headings"]
    for i, a in enumerate(headings):
        for b in headings[i + 1:]:
            assert not overlaps(a, b), f"{what}: '{a['name']}' overlaps '{b['name']}'"
        for node in seen["nodes"]:
            assert not overlaps(a, node), f"{what}: '{a['name']}' covers a node"
    view = seen["view"]
    assert seen["overflow"] <= 0, f"{what}: the view is wider than its column"
    for part in (seen["net"], seen["out"]):
        assert view["left"] - 0.5 <= part["left"] and part["right"] <= view["right"] + 0.5, what


@pytest.mark.parametrize("query", ["?networkShape=", "?networkShape=1", "", "?networkShape=8,8,8,8,8,8&activation=silu",
                                   "?networkShape=8,1,8&layerActivations=leakyrelu,sigmoid,linear"])
def test_headings_never_overlap(app_server, viewport, query) -> None:
    size, page = viewport
    pg = PlaygroundPage(page, app_server.url).open(query)
    assert_headings_apart(pg, f"{size} {query or 'default'}")
    assert page_errors(page) == []
    if query in ("", "?networkShape="):
        screenshot(page, f"playground-layout-{size}-{'no-layers' if query else 'default'}")


def test_with_no_hidden_layer_the_add_button_is_there_to_click(app_server, viewport) -> None:
    size, page = viewport
    pg = PlaygroundPage(page, app_server.url).open()
    for shape in ("4", ""):
        pg.view_button("remove the last hidden layer").click()
        pg.expect_query(networkShape=shape)
        pg.wait_idle()
    expect(pg.nodes(1)).to_have_count(1)  # the output, straight after the inputs
    expect(pg.view_button("remove the last hidden layer")).to_be_disabled()
    assert_headings_apart(pg, f"{size} no hidden layer")

    add = pg.view_button("add a hidden layer")
    add.scroll_into_view_if_needed()
    box = add.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_top = add.evaluate("(b, p) => b.getRootNode().elementFromPoint(p[0], p[1]) === b", [x, y])
    assert on_top, "something covers the centre of the add-a-layer button"
    page.mouse.click(x, y)  # a real click, where a learner clicks
    expect(pg.nodes(2)).to_have_count(1)  # a hidden layer came back: the output moved right
    expect(pg.nodes(1)).to_have_count(2)  # TF's new layer has two neurons
    pg.expect_query(networkShape="2")
    assert page_errors(page) == []


def test_controls_show_their_whole_text(app_server, viewport) -> None:
    size, page = viewport
    pg = PlaygroundPage(page, app_server.url).open()
    problem = page.locator('input[role="combobox"][aria-label="Problem type"]')
    expect(problem).to_have_value("Classification")
    for label in ("Problem type", "Learning rate", "Activation", "Regularization", "Regularization rate"):
        shown = page.locator(f'input[role="combobox"][aria-label="{label}"]').evaluate(CUT_TEXT)
        assert not shown["cut"], f"{size}: {label} shows '{shown['text']}' cut short"
    for key in ("reset", "play", "step"):
        shown = pg.button(key).locator("visible=true").first.evaluate(CUT_TEXT)
        assert not shown["cut"], f"{size}: the {key} button's text is cut short: {shown['text']!r}"
    pg.choose("Activation", "SiLU (Swish)")  # the longest activation name
    pg.expect_query(activation="silu")
    shown = page.locator('input[role="combobox"][aria-label="Activation"]').evaluate(CUT_TEXT)
    assert not shown["cut"], f"{size}: Activation shows '{shown['text']}' cut short"
    pg.choose("Problem type", "Regression")
    pg.expect_query(problem="regression")
    assert not problem.evaluate(CUT_TEXT)["cut"]
    screenshot(page, f"playground-controls-{size}")
    assert page_errors(page) == []
