"""A class that hides lessons, in Chromium: the pages that link to a hidden lesson open without an
exception (st.page_link to a page outside the navigation raised StreamlitPageNotFoundError).

Two class servers (NP_CLASSROOM, no sign-in): one hides 'Train a digit recogniser', which the digit pages
point a learner without a network to; one hides 'Look inside', which the training page links to once a
network is trained. Every other subset is covered by AppTest in test_hidden_lessons.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from harness.app_server import running_app
from harness.browser import page_errors, wait_idle
from harness.lesson_page import LessonPage
from playground.catalog import LESSONS

pytestmark = pytest.mark.browser


def _class_server(tmp_path, hidden: str):
    shown = ", ".join(f'"{lesson.key}"' for lesson in LESSONS if lesson.key != hidden)
    path = tmp_path / "classroom.toml"
    path.write_text(f'[class]\ntitle = "Hidden {hidden}"\nlessons = [{shown}]\n\n[access]\nmode = "none"\n',
                    encoding="utf-8")
    return running_app(env={"NP_CLASSROOM": str(path)}, log_path=tmp_path / "server.log")


def _visit(page: Page, url: str) -> list[str]:
    page.goto(url)
    wait_idle(page, timeout=120_000)
    expect(page.locator("h1").first).to_be_visible()
    return page_errors(page)


def test_hiding_the_training_lesson(tmp_path, page: Page) -> None:
    with _class_server(tmp_path, "mnist-train") as server:
        errors = {key: _visit(page, f"{server.url}/{key}") for key in ["", *(lesson.key for lesson in LESSONS)]
                  if key != "mnist-train"}
        assert {key: e for key, e in errors.items() if e} == {}
        page.goto(f"{server.url}/mnist-draw")
        wait_idle(page, timeout=120_000)
        expect(page.get_by_text("There is no trained digit network yet")).to_be_visible()
        expect(page.get_by_role("link", name="Train a digit recogniser")).to_have_count(0)
        expect(page.get_by_text("Train one in")).to_have_count(0)  # no word of a lesson the class hides
        expect(page.get_by_role("button", name="Train a quick network here")).to_be_visible()


def test_hiding_look_inside_with_a_trained_network(tmp_path, page: Page) -> None:
    with _class_server(tmp_path, "mnist-inside") as server:
        lp = LessonPage(page, server.url, "mnist").open("/mnist-draw")
        lp.quick_model()
        assert page_errors(page) == []
        lp.nav("Train a digit recogniser")  # in the same session: the network is there, with its links
        expect(page.get_by_text("Look inside this network")).to_have_count(0)
        assert page_errors(page) == []
        for title in ("Embeddings", "Adversarial examples", "Draw your own digit"):
            lp.nav(title)
            assert page_errors(page) == [], title
