"""A class server in Chromium: nothing before signing in, the class's lessons and limits, challenges
submitted and seen on the instructor's board (learner text shown as text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from playground.access import hash_password
from tests.harness import AppServer, page_errors, screenshot, wait_idle, wait_rerun

pytestmark = pytest.mark.browser

CONFIG = """
[class]
title = "Week 3 lab"
welcome = "Welcome! Start with the Playground."
lessons = ["playground", "mnist-train", "adversarial"]

[presets]
playground = "dataset=xor&networkShape=3"

[limits]
max_hidden_layers = 3
max_neurons = 6

[access]
mode = "password"
"""
NASTY = "<img src=x onerror=alert(1)>"
DROP = "'; DROP TABLE submissions; --"


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    (root / "classroom.toml").write_text(CONFIG)
    (root / "secrets.toml").write_text(
        f'[classroom]\npassword_hash = "{hash_password("learn-2026")}"\n'
        f'instructor_password_hash = "{hash_password("teach-2026")}"\n')
    server = AppServer(env={"NP_CLASSROOM": str(root / "classroom.toml")},
                       extra_args=["--secrets.files", str(root / "secrets.toml")])
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def sign_in(page, url: str, password: str) -> None:
    page.goto(url)
    wait_idle(page, timeout=60_000)
    page.get_by_label("Class password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_rerun(page, timeout=60_000)


def test_no_lesson_content_before_signing_in(class_server, page) -> None:
    for path in ("", "/playground", "/mnist-train", "/class-board"):
        page.goto(class_server.url + path)
        wait_idle(page, timeout=60_000)
        expect(page.get_by_label("Class password")).to_be_visible()
        assert page.locator(".npv").count() == 0  # no network view
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no lesson list
        body = page.locator("body").inner_text()
        assert "Train a digit recogniser" not in body and "Epoch" not in body
    sign_in(page, class_server.url, "wrong password")
    expect(page.get_by_text("That password is not right")).to_be_visible()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(page, "class-sign-in")


def test_signed_in_learners_see_the_class_lessons_in_order(class_server, page) -> None:
    sign_in(page, class_server.url, "learn-2026")
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav).to_be_visible()
    links = [t.strip().splitlines()[-1].strip() for t in nav.get_by_role("link").all_inner_texts()]  # no icons
    assert links == ["Home", "Playground", "Train a digit recogniser", "Adversarial examples"]
    expect(page.get_by_text("Welcome! Start with the Playground.")).to_be_visible()
    assert "Class board" not in links
    page.reload()  # the signed cookie keeps the learner in after a reload
    wait_idle(page, timeout=60_000)
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible()
    assert page_errors(page) == []


def test_the_preset_and_the_limits_apply(class_server, page) -> None:
    sign_in(page, class_server.url, "learn-2026")
    page.goto(class_server.url + "/playground")
    wait_idle(page, timeout=60_000)
    expect(page.locator('.npv-node[data-layer="1"]')).to_have_count(3)  # the preset's single layer of 3
    assert "dataset=xor" in page.url
    page.goto(class_server.url + "/playground?networkShape=8,8,8,8&x=true&y=true")
    wait_idle(page, timeout=60_000)
    expect(page.get_by_text("networkShape '8,8,8,8' is not")).to_be_visible()  # capped: 3 layers of 6
    add_layer = page.locator('button[aria-label="add a hidden layer"]')
    for _ in range(3):
        if add_layer.is_enabled():
            add_layer.click()
            wait_rerun(page)
    expect(add_layer).to_be_disabled()
    assert page.locator(".npv-colhead").count() == 3
    add_neuron = page.locator('button[aria-label="add a neuron to layer 1"]')
    while add_neuron.is_enabled():
        add_neuron.click()
        wait_rerun(page)
    expect(page.locator('.npv-node[data-layer="1"]')).to_have_count(6)


def submit(page, url: str, nickname: str) -> None:
    page.goto(url + "/playground?dataset=spiral&networkShape=4,4")
    wait_idle(page, timeout=60_000)
    page.get_by_text("Challenge: A small spiral solver").click()
    page.get_by_role("button", name="Check my network").click()
    wait_rerun(page)
    expect(page.get_by_text("Not yet:")).to_be_visible()
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("button", name="Submit").click()
    wait_rerun(page)
    expect(page.get_by_text("Submitted.")).to_be_visible()


def test_submissions_reach_the_instructors_board_as_text(class_server, browser) -> None:
    learner, instructor = browser.new_context(), browser.new_context()
    alerts: list[str] = []
    try:
        page = learner.new_page()
        page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        sign_in(page, class_server.url, "learn-2026")
        submit(page, class_server.url, NASTY)
        submit(page, class_server.url, DROP)

        board = instructor.new_page()
        board.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
        sign_in(board, class_server.url, "teach-2026")
        board.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Class board").click()
        wait_idle(board, timeout=60_000)
        expect(board.get_by_text(NASTY, exact=False)).to_be_visible()  # shown as the text it is
        expect(board.get_by_text(DROP, exact=False)).to_be_visible()  # and the table is still there
        assert board.locator("img[src='x']").count() == 0
        expect(board.get_by_text("2 submissions in")).to_be_visible()
        with board.expect_download() as download:
            board.get_by_role("button", name="Export as CSV").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "onerror=alert(1)" in exported and "DROP TABLE" in exported
        screenshot(board, "class-board")
        assert alerts == [] and page_errors(board) == []
    finally:
        learner.close()
        instructor.close()
