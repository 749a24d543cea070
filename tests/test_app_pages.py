"""App tests: every page renders without an exception (streamlit.testing.v1.AppTest, no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.catalog import LESSONS
from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app
PAGES = ["lessons/home.py"] + [lesson.script for lesson in LESSONS]


def run_page(script: str) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    if script != "lessons/home.py":
        at.switch_page(script)
        at.run()
    return at


@pytest.mark.parametrize("script", PAGES)
def test_page_renders_without_exception(script: str) -> None:
    at = run_page(script)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{script} shows no title"


def test_home_has_a_card_per_lesson_in_order() -> None:
    at = run_page("lessons/home.py")
    text = " ".join(m.value for m in at.markdown)
    positions = [text.find(f"{i}. {lesson.title}") for i, lesson in enumerate(LESSONS, start=1)]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    assert "Start here" in text


def test_sidebar_offers_reset_and_shows_seed_on_a_lesson() -> None:
    at = run_page("lessons/data.py")
    assert any(b.label == "Reset this lesson" for b in at.sidebar.button)
    assert any("Seed in use" in c.value for c in at.sidebar.caption)
