"""A class may show any subset of the lessons: with each lesson hidden in turn, every other page renders
without an exception (a link to a page outside the navigation raised StreamlitPageNotFoundError).

AppTest (no browser): one Streamlit process cannot change its class configuration, but AppTest runs the
app in this process, so clearing the cached configuration between cases is enough (~1 s a page).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground import ui
from playground.catalog import LESSONS
from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app
KEYS = [lesson.key for lesson in LESSONS]
SCRIPT = {lesson.key: lesson.script for lesson in LESSONS}


@pytest.fixture
def class_of(tmp_path, monkeypatch):
    """class_of(lessons) -> an AppTest of a class (no sign-in) that shows only these lessons."""

    def make(lessons: list[str]) -> AppTest:
        path = tmp_path / "classroom.toml"
        listed = ", ".join(f'"{key}"' for key in lessons)
        path.write_text(f'[class]\nlessons = [{listed}]\n\n[access]\nmode = "none"\n', encoding="utf-8")
        monkeypatch.setenv("NP_CLASSROOM", str(path))
        ui.class_config.clear()
        return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)

    yield make
    ui.class_config.clear()  # the next test reads its own (or no) classroom.toml


def _errors(at: AppTest) -> list[str]:
    """The exceptions the page showed, and 'no title' for a page that did not get as far as its title."""
    return [str(e.value) for e in at.exception] + ([] if at.title else ["no title"])


def _visit_every_page(at: AppTest, lessons: list[str]) -> dict[str, list[str]]:
    """Open home, then each shown lesson, in one session; the exceptions each page showed."""
    at.run()
    found = {"home": _errors(at)}
    for key in lessons:
        at.switch_page(SCRIPT[key])
        at.run()
        found[key] = _errors(at)
    return {page: errors for page, errors in found.items() if errors}


@pytest.mark.parametrize("hidden", KEYS)
def test_every_page_works_with_one_lesson_hidden(class_of, hidden: str) -> None:
    """For a learner who has trained nothing yet (the digit pages point to the training lesson)."""
    shown = [key for key in KEYS if key != hidden]
    assert _visit_every_page(class_of(shown), shown) == {}


@pytest.mark.parametrize("only", KEYS)
def test_a_class_of_one_lesson(class_of, only: str) -> None:
    """The other extreme: every lesson but one hidden."""
    assert _visit_every_page(class_of([only]), [only]) == {}


@pytest.mark.parametrize("hidden", ["mnist-train", "mnist-inside"])
def test_digit_pages_work_with_a_model_and_a_lesson_hidden(class_of, hidden: str) -> None:
    """With a network trained (the quick one of the Draw page), the pages show their links onward:
    'Train a digit recogniser' links to 'Look inside' once trained."""
    shown = [key for key in KEYS if key != hidden]
    at = class_of(shown)
    at.run()
    at.switch_page(SCRIPT["mnist-draw"])
    at.run()
    assert _errors(at) == []
    quick = [b for b in at.button if b.key and b.key.endswith(":quick-train")]
    assert quick, "the Draw page offers no quick network"
    quick[0].click().run()
    assert _errors(at) == []
    assert not [b for b in at.button if b.key and b.key.endswith(":quick-train")], "no network was trained"
    assert _visit_every_page(at, shown) == {}


def test_a_link_to_a_hidden_lesson_is_text() -> None:
    """lesson_link's decision, without Streamlit: a link to a hidden lesson is left out."""
    assert ui.lesson_link_target("mnist-train", ("playground", "mnist-train")) == "lessons/mnist_train.py"
    assert ui.lesson_link_target("mnist-train", ("playground",)) is None
    with pytest.raises(KeyError):
        ui.lesson_link_target("no-such-lesson", ("playground",))
