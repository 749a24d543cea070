"""Browser tests of 'Meet the data': uploads (good, bad, then good data kept), digits, private sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot, wait_idle
from playground.paths import DATASETS_DIR

pytestmark = pytest.mark.browser


def open_csv_tab(page, url: str) -> None:
    page.goto(f"{url}/data")
    wait_idle(page, timeout=60_000)
    page.get_by_role("tab", name="Your own CSV").click()


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    wait_idle(page)


def test_bad_upload_shows_a_message_and_keeps_the_good_data(app_server, page) -> None:
    open_csv_tab(page, app_server.url)
    upload(page, "two-moons.csv", (DATASETS_DIR / "samples" / "two-moons.csv").read_bytes())
    expect(page.get_by_text("two-moons.csv: 200 points in 2 classes")).to_be_visible()

    upload(page, "broken.csv", b"x,y,label\n1,2,0\n3,oops,1\n4,5,1\n6,7,0\n")
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_be_visible()
    assert "broken.csv" in error.inner_text() and "oops" in error.inner_text()
    expect(page.get_by_text("Still showing your previous data, two-moons.csv")).to_be_visible()
    expect(page.get_by_text("two-moons.csv: 200 points in 2 classes")).to_be_visible()
    assert page_errors(page) == []
    screenshot(page, "data-bad-upload")

    upload(page, "one-class.csv", b"x,y,label\n1,2,3\n3,4,3\n4,5,3\n6,7,3\n")
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("label 3")
    assert page_errors(page) == []


def test_each_learner_has_their_own_data(app_server, browser) -> None:
    """Two browser sessions: what one learner uploads is not seen by the other."""
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        open_csv_tab(a, app_server.url)
        upload(a, "three-blobs.csv", (DATASETS_DIR / "samples" / "three-blobs.csv").read_bytes())
        expect(a.get_by_text("three-blobs.csv: 300 points in 3 classes")).to_be_visible()
        open_csv_tab(b, app_server.url)
        expect(b.get_by_text("two-moons.csv").first).to_be_visible()  # the sample buttons are there
        assert b.get_by_text("three-blobs.csv:").count() == 0
        # the first learner leaves the lesson and comes back: the upload is still theirs
        a.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Home").click()
        wait_idle(a)
        a.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Meet the data").click()
        wait_idle(a)
        a.get_by_role("tab", name="Your own CSV").click()
        expect(a.get_by_text("three-blobs.csv: 300 points in 3 classes")).to_be_visible()
    finally:
        first.close()
        second.close()


def test_digits_tab_shows_samples_and_split_sizes(app_server, page) -> None:
    page.goto(f"{app_server.url}/data")
    wait_idle(page, timeout=60_000)
    page.get_by_role("tab", name="Handwritten digits").click()
    wait_idle(page, timeout=60_000)
    expect(page.get_by_text("4,000").first).to_be_visible()  # MNIST-5k training split
    expect(page.get_by_text("1,000").first).to_be_visible()
    page.get_by_text("Fashion-MNIST").first.click()
    wait_idle(page, timeout=120_000)
    expect(page.get_by_text("60,000").first).to_be_visible(timeout=60_000)
    assert page_errors(page) == []
    screenshot(page, "data-fashion")


def test_a_csv_of_only_commas_gets_a_message_and_its_name_is_text(app_server, page) -> None:
    open_csv_tab(page, app_server.url)
    upload(page, "[x](//evil.example).csv", b",,,,\n,,\n")  # a Markdown link (bare URLs: see the Playground's)
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text("[x](//evil.example).csv was not loaded")
    expect(error).to_contain_text("only separators")
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert [href for href in hrefs if "evil.example" in href] == []
    assert page_errors(page) == []
