"""A learner's work survives a reload, in Chromium: a trained digit network is there again after F5 (on a
laptop without a class: the browser's id is signed with the store's local secret), the nickname on a class
server too (signed with the server's secret); 'Download this network' gives a file that opens in another
browser; a hostile file gets a message; a forged or unsigned identity cookie gets nothing of anyone's."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.app_server import SCREENSHOTS, AppServer
from harness.browser import page_errors, screenshot, wait_idle, wait_rerun
from harness.lesson_page import LessonPage
from playground.classroom.access import hash_password

pytestmark = pytest.mark.browser

RESTORED = "Your network from before was restored."
NO_NETWORK = "No network yet: press Train."


def train_page(url: str, page: Page) -> LessonPage:
    return LessonPage(page, url, "mnist").open("mnist-train")


def train_one_epoch(lp: LessonPage) -> None:
    lp.set_number("Epochs", 1)
    lp.after(lp.key("train").get_by_role("button").click, timeout=120_000)
    expect(lp.page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 1.00 of 1", timeout=120_000)
    lp.idle(timeout=120_000)


def toasts(page: Page):
    return page.locator('[data-testid="stToast"]')


def open_save_block(lp: LessonPage) -> None:
    summary = lp.page.get_by_text("Save and open this network", exact=True)
    summary.scroll_into_view_if_needed()
    if lp.page.get_by_role("button", name=re.compile("Download this network")).count() == 0 \
            and lp.page.get_by_text("Open a network", exact=True).is_hidden():
        summary.click()
    expect(lp.page.get_by_text("Open a network", exact=True)).to_be_visible()


def shoot_block(page: Page, name: str) -> None:
    """The whole page, and the 'Save and open' block alone (tests/screenshots/<name>[-block].png)."""
    screenshot(page, name)
    block = page.locator('[data-testid="stExpander"]').filter(has_text="Save and open this network")
    block.scroll_into_view_if_needed()
    block.screenshot(path=str(SCREENSHOTS / f"{name}-block.png"))


def browser_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "np_browser" and c["value"]), None)


def test_a_trained_network_survives_a_reload(app_server, page: Page) -> None:
    lp = train_page(app_server.url, page)
    expect(page.get_by_text(NO_NETWORK)).to_be_visible()
    train_one_epoch(lp)
    accuracy, seen = lp.metric("Test accuracy"), lp.metric("Examples seen")
    assert browser_cookie(page.context)  # a signed id, made on the first page run
    cookie = browser_cookie(page.context)
    assert cookie.startswith("v2.browser.")

    page.reload()
    wait_idle(page, timeout=120_000)
    expect(toasts(page).filter(has_text=RESTORED)).to_be_visible(timeout=30_000)
    assert lp.progress_text() == "Epoch 1.00 of 1"
    assert lp.metric("Test accuracy") == accuracy and lp.metric("Examples seen") == seen
    expect(lp.key("train").get_by_role("button")).to_have_text(re.compile(r"Train again$"))
    assert browser_cookie(page.context) == cookie  # the same learner

    lp.nav("Look inside the digit network")  # the other lessons have it too, without training
    expect(page.get_by_text("There is no trained digit network yet")).to_have_count(0)
    lp.caption_matching(rf"^MLP 784 → 256 → 10 · 1\.00 epochs on MNIST-5k · test accuracy {re.escape(accuracy)}")

    # a later visit (a new tab, the page's plain address): still there
    other = page.context.new_page()
    lp2 = train_page(app_server.url, other)
    expect(toasts(other).filter(has_text=RESTORED)).to_be_visible(timeout=30_000)
    assert lp2.metric("Test accuracy") == accuracy
    assert page_errors(page) == [] and page_errors(other) == []
    other.close()


def test_download_and_open_in_another_browser(app_server, browser) -> None:
    first, second = browser.new_context(viewport={"width": 1400, "height": 1000}), \
        browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = first.new_page()
        lp = train_page(app_server.url, page)
        train_one_epoch(lp)
        accuracy = lp.metric("Test accuracy")
        open_save_block(lp)
        shoot_block(page, "digits-save-open-1400")
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile("Download this network")).click()
        assert info.value.suggested_filename == "digit-network-mlp.npdigits"
        data = Path(info.value.path()).read_bytes()
        assert 500_000 < len(data) <= 2 * 1024 * 1024  # the default MLP fits the server's 2 MB uploads

        fresh = second.new_page()  # another learner, another computer
        lp2 = train_page(app_server.url, fresh)
        expect(fresh.get_by_text(NO_NETWORK)).to_be_visible()
        open_save_block(lp2)
        uploader = fresh.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.set_input_files({"name": "broken.npdigits", "mimeType": "application/octet-stream",
                                  "buffer": data[: len(data) // 2]})
        expect(fresh.locator('[data-testid="stAlertContentError"]')).to_contain_text(
            "broken.npdigits was not opened: it is not a saved digit network", timeout=30_000)
        expect(fresh.get_by_text(NO_NETWORK)).to_be_visible()
        uploader = fresh.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.set_input_files({"name": "mine.npdigits", "mimeType": "application/octet-stream", "buffer": data})
        expect(fresh.get_by_text(re.compile(r"Opened mine\.npdigits: MLP 784 → 256 → 10 · 1\.00 epochs"))) \
            .to_be_visible(timeout=60_000)
        lp2.idle()
        assert lp2.progress_text() == "Epoch 1.00 of 1" and lp2.metric("Test accuracy") == accuracy
        expect(lp2.key("train").get_by_role("button")).to_have_text(re.compile(r"Train again$"))
        shoot_block(fresh, "digits-save-open-1280")
        assert page_errors(fresh) == []

        fresh.reload()  # what was opened is kept for this learner too
        wait_idle(fresh, timeout=120_000)
        expect(toasts(fresh).filter(has_text=RESTORED)).to_be_visible(timeout=30_000)
        assert lp2.metric("Test accuracy") == accuracy
    finally:
        first.close()
        second.close()


def test_a_forged_or_unsigned_identity_cookie_gets_nothing(app_server, browser) -> None:
    owner = browser.new_context()
    try:
        page = owner.new_page()
        train_one_epoch(train_page(app_server.url, page))
        page.reload()  # the owner's work is kept
        wait_idle(page, timeout=120_000)
        expect(toasts(page).filter(has_text=RESTORED)).to_be_visible(timeout=30_000)
        real = browser_cookie(owner)
        _, kind, subject, token_id, until, mac = real.split(".")
        forgeries = [
            f"v2.{kind}.{subject}.{token_id}.{until}.{'0' * 64}",  # the owner's id, a made-up signature
            f"v2.{kind}.{subject}.{token_id}.{int(until) + 1}.{mac}",  # a longer life, the old signature
            subject,  # the bare id
            f"v2.role.{subject}.{token_id}.{until}.{mac}",  # another kind of token
        ]
        for value in forgeries:
            thief = browser.new_context()
            try:
                thief.add_cookies([{"name": "np_browser", "value": value, "url": app_server.url}])
                stolen = thief.new_page()
                lp = train_page(app_server.url, stolen)
                expect(stolen.get_by_text(NO_NETWORK)).to_be_visible()
                assert toasts(stolen).filter(has_text=RESTORED).count() == 0
                lp.set_number("Epochs", 2)  # a rerun: the fresh identity's cookie is written
                fresh = browser_cookie(thief)
                assert fresh and fresh != value and f".{subject}." not in fresh  # a new identity of its own
            finally:
                thief.close()
    finally:
        owner.close()


# ------------------------------------------------------------------------------------------------ a class server

CONFIG = """
[class]
title = "Saved work lab"
lessons = ["playground", "mnist-train"]

[access]
mode = "password"
"""


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    (root / "classroom.toml").write_text(CONFIG)
    (root / "secrets.toml").write_text(f'[classroom]\npassword_hash = "{hash_password("learn-2026")}"\n')
    server = AppServer(env={"NP_CLASSROOM": str(root / "classroom.toml"),
                            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)},
                       extra_args=["--secrets.files", str(root / "secrets.toml")])
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page, timeout=60_000)
    page.get_by_label("Class password").fill("learn-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNav"], [data-testid="stAlert"]', timeout=60_000)
    wait_idle(page, timeout=60_000)


def check_spiral(page: Page, url: str) -> None:
    page.goto(url + "/playground?dataset=spiral&networkShape=4,4")
    wait_idle(page, timeout=60_000)
    page.get_by_text("Challenge: A small spiral solver").click()
    page.get_by_role("button", name="Check my network").click()
    wait_rerun(page)
    expect(page.get_by_text("Not yet:")).to_be_visible(timeout=60_000)


def test_the_nickname_survives_a_reload_on_a_class_server(class_server, browser) -> None:
    learner, other = browser.new_context(), browser.new_context()
    try:
        page = learner.new_page()
        sign_in(page, class_server.url)
        check_spiral(page, class_server.url)
        expect(page.get_by_label("Nickname")).to_have_value("")
        page.get_by_label("Nickname").fill("Ada <b>L</b>")
        page.get_by_role("button", name="Submit").click()
        wait_rerun(page)
        expect(page.get_by_text("Submitted.")).to_be_visible(timeout=60_000)

        page.reload()  # the signed cookies: still signed in, still this learner
        wait_idle(page, timeout=60_000)
        check_spiral(page, class_server.url)
        expect(page.get_by_label("Nickname")).to_have_value("Ada <b>L</b>")

        stranger = other.new_page()  # another learner of the class: not that nickname
        sign_in(stranger, class_server.url)
        check_spiral(stranger, class_server.url)
        expect(stranger.get_by_label("Nickname")).to_have_value("")
        assert page_errors(page) == [] and page_errors(stranger) == []
    finally:
        learner.close()
        other.close()


def test_a_network_survives_a_reload_on_a_class_server(class_server, page: Page) -> None:
    sign_in(page, class_server.url)
    lp = train_page(class_server.url, page)
    train_one_epoch(lp)
    accuracy = lp.metric("Test accuracy")
    page.reload()
    wait_idle(page, timeout=120_000)
    expect(toasts(page).filter(has_text=RESTORED)).to_be_visible(timeout=30_000)
    assert lp.metric("Test accuracy") == accuracy
    assert page_errors(page) == []
