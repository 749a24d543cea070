"""Browser tests of the Embeddings lesson for a newcomer's first hour (issue 14): the layers side by side fit
the page (in rows of at most three, each as wide as its column) at 1400×1000 and 1280×720, the first UMAP
says what it is doing while it works, and the 'Try this' set-ups put the page in the state they describe.

Each test is a fresh browser context (a new learner), with a quick digit network trained on the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.app_server import AppServer
from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

SIZES = [(1400, 1000), (1280, 720)]


@pytest.fixture
def lp(app_server, page) -> LessonPage:
    """The lesson with a quick digit network (one epoch of the default MLP)."""
    lesson = LessonPage(page, app_server.url, "embeddings").open("embeddings")
    lesson.quick_model()
    lesson.caption_matching(r"^MLP 784 → 256 → 10, 1\.00 epochs · 1,000 test digits$")
    return lesson


@pytest.fixture(scope="module")
def fresh_server():
    """A server of its own: the session's server has already run a UMAP (another test file), so there
    the next one is quick and says nothing; the message is for the first UMAP on a server."""
    server = AppServer()
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def charts(lp: LessonPage):
    return lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')


def set_up(lp: LessonPage, key: str) -> None:
    """Open 'Try this' and press the tryout's 'Set this up'."""
    expander = lp.page.locator('[data-testid="stExpander"]').filter(has_text="Try this").first
    button = lp.key(f"tryout-{key}").get_by_role("button", name="Set this up")
    if not button.is_visible():
        expander.locator("summary").click()
    expect(button).to_be_visible()
    lp.after(button.click, timeout=120_000)


def assert_within_the_page(lp: LessonPage, expected: int) -> None:
    """Every chart lies inside the main area, none past its right edge (nor the window's)."""
    expect(charts(lp)).to_have_count(expected)
    lp.idle()
    main = lp.page.locator('[data-testid="stMain"]').bounding_box()
    right = min(main["x"] + main["width"], lp.page.viewport_size["width"])
    for n in range(expected):
        chart = charts(lp).nth(n)
        expect(chart.locator("svg, canvas").first).to_be_attached()
        box = chart.locator("svg, canvas").first.bounding_box()
        assert box["x"] >= main["x"] and box["x"] + box["width"] <= right + 1, (n, box, right)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_layers_side_by_side_fit_the_page(lp: LessonPage, width: int, height: int) -> None:
    lp.page.set_viewport_size({"width": width, "height": height})
    lp.segment("Layers side by side")
    assert_within_the_page(lp, 3)
    tops = [charts(lp).nth(n).bounding_box()["y"] for n in range(3)]
    assert max(tops) - min(tops) < 2  # three layers: one row
    assert page_errors(lp.page) == []
    screenshot(lp.page, f"embeddings-first-hour-side-by-side-{width}x{height}")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_five_layers_wrap_into_two_rows(app_server, page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    lp = LessonPage(page, app_server.url, "embeddings").open("embeddings")
    lp.radio("Network", "Your 2D Playground network", timeout=90_000)
    lp.segment("Layers side by side")
    assert_within_the_page(lp, 5)
    tops = [charts(lp).nth(n).bounding_box()["y"] for n in range(5)]
    assert tops[0] == pytest.approx(tops[2], abs=2) and tops[3] > tops[0] + 100  # rows of three
    assert page_errors(page) == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_projection_fits_its_column(lp: LessonPage, width: int, height: int) -> None:
    lp.page.set_viewport_size({"width": width, "height": height})
    lp.idle()
    chart = charts(lp).first.locator("svg, canvas").first
    expect(chart).to_be_attached()
    neighbours = lp.page.get_by_text("Click a point to see its nearest neighbours in this layer's space.")
    assert chart.bounding_box()["x"] + chart.bounding_box()["width"] <= neighbours.bounding_box()["x"]
    assert page_errors(lp.page) == []
    screenshot(lp.page, f"embeddings-first-hour-project-{width}x{height}")


def test_umap_says_what_it_is_doing(fresh_server, page) -> None:
    lp = LessonPage(page, fresh_server.url, "embeddings").open("embeddings")
    lp.quick_model()
    lp.radio("Projection", "UMAP", wait=False)  # the first UMAP on a server takes ~15 s: no silent wait
    status = page.locator('[data-testid="stSpinner"]').filter(has_text=re.compile(r"^Computing UMAP… \(the first one"))
    expect(status).to_be_visible(timeout=30_000)
    lp.idle(timeout=120_000)
    expect(status).to_have_count(0)
    expect(charts(lp).first.locator('path[aria-roledescription="circle"]')).to_have_count(1000)
    assert page_errors(page) == []


def test_the_try_this_set_ups(lp: LessonPage) -> None:
    page = lp.page
    set_up(lp, "tsne-perplexity")
    expect(page.get_by_role("radiogroup", name="Projection").get_by_role("radio", name="t-SNE")).to_be_checked()
    expect(lp.slider("perplexity")).to_have_attribute("aria-valuetext", "2")
    lp.idle(timeout=120_000)

    set_up(lp, "wrong-neighbours")
    expect(page.get_by_role("radiogroup", name="Projection").get_by_role("radio", name="PCA")).to_be_checked()
    expect(page.get_by_role("radiogroup", name="Colour by").get_by_role("radio", name="right/wrong")).to_be_checked()

    set_up(lp, "layers-knn")
    expect(page.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name="Layers side by side",
                                                                    exact=True)).to_have_attribute("aria-checked", "true")
    expect(charts(lp)).to_have_count(3)
    expect(page.get_by_role("radiogroup", name="Colour by").get_by_role("radio", name="right/wrong")).to_be_checked()

    set_up(lp, "across-training")
    expect(page.get_by_text("Nothing recorded yet.")).to_be_visible()
    expect(page.get_by_label("Epochs", exact=True)).to_have_value("3")
    assert lp.slider_value("rec-per-epoch") == "4"
    assert page_errors(page) == []
