"""Browser tests: a newcomer opens every page from the sidebar in Chromium; no exception, no traceback."""

from __future__ import annotations

import pytest

from harness.browser import page_errors, screenshot, wait_idle
from playground.catalog import LESSONS

pytestmark = pytest.mark.browser


def test_every_page_opens_from_the_sidebar(app_server, page) -> None:
    page.goto(app_server.url)
    wait_idle(page, timeout=60_000)
    assert page_errors(page) == []
    assert page.get_by_text("Neural Playground").first.is_visible()
    screenshot(page, "home")
    nav = page.locator('[data-testid="stSidebarNav"]')
    for lesson in LESSONS:
        nav.get_by_text(lesson.title, exact=True).click()
        page.wait_for_url(f"**/{lesson.key}**")
        wait_idle(page, timeout=120_000)
        assert page_errors(page) == [], lesson.key
        assert page.locator("h1").first.inner_text().strip() == lesson.title
        screenshot(page, f"page-{lesson.key}")


def test_home_cards_link_into_the_lessons(app_server, page) -> None:
    page.goto(app_server.url)
    wait_idle(page, timeout=60_000)
    assert page.get_by_text("Start here").count() == 1
    cards = page.locator('[data-testid="stPageLink"]')
    assert cards.count() == len(LESSONS)
    # every card shows a picture the app drew itself
    assert page.locator('[data-testid="stImage"] img').count() >= len(LESSONS)
    cards.first.click()
    page.wait_for_url(f"**/{LESSONS[0].key}**")
    wait_idle(page, timeout=120_000)
    assert page_errors(page) == []


def test_no_page_asks_another_host_for_anything(app_server, browser) -> None:
    """Offline after install: every request of every page (and of a quick digit network's pages) goes to
    this server. Requests elsewhere are blocked and listed; there must be none."""
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    elsewhere: list[str] = []
    own = urlparse(app_server.url).netloc

    def only_this_server(route) -> None:
        url = route.request.url
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != own:
            elsewhere.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_this_server)
    page = context.new_page()
    try:
        for path in ["", *(lesson.key for lesson in LESSONS)]:
            page.goto(f"{app_server.url}/{path}")
            wait_idle(page, timeout=120_000)
            assert page_errors(page) == [], path
        page.wait_for_timeout(1000)  # the favicon is asked for after the page
    finally:
        context.close()
    assert elsewhere == []


def test_a_restarted_server_shows_the_home_cards_at_once(browser, tmp_path) -> None:
    """Cards drawn by an earlier start are read from the disk: the first home page has every picture and
    no 'Drawing this picture…'."""
    from harness.app_server import running_app
    from playground import cards

    for lesson in LESSONS:  # what an earlier start (or python -m playground.cards) left on the disk
        cards.card_png(lesson.key, tmp_path)
    with running_app(env={"NP_CACHE_DIR": str(tmp_path)}) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        wait_idle(page, timeout=60_000)
        assert page.get_by_text("Drawing this picture").count() == 0
        assert page.locator('[data-testid="stImage"] img').count() >= len(LESSONS)
        page.close()
