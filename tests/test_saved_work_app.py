"""Where the app keeps a learner's digit work (ui.saved), through the app itself (AppTest, no browser): once
after a change (a quick network, 'New model'), never on a run that changed nothing, and forgotten by 'Reset
this lesson'. The browser test (test_browser_saved_work.py) reloads the page and finds the network again."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.classroom import saved_work
from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def store_calls(monkeypatch) -> list[tuple[str, str, str]]:
    """(call, identity, lesson) of every save and delete the app makes."""
    calls: list[tuple[str, str, str]] = []
    save, delete = saved_work.save, saved_work.delete

    def saving(engine, identity, lesson, blob, **kwargs):
        calls.append(("save", identity, lesson))
        return save(engine, identity, lesson, blob, **kwargs)

    def deleting(engine, identity, lesson=None):
        calls.append(("delete", identity, lesson))
        return delete(engine, identity, lesson)

    monkeypatch.setattr(saved_work, "save", saving)
    monkeypatch.setattr(saved_work, "delete", deleting)
    return calls


def test_digit_work_is_kept_after_a_change_and_not_on_every_run(store_calls) -> None:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    rerun(at)
    at.switch_page("lessons/mnist_draw.py")
    rerun(at)
    assert store_calls == []  # a session that never had a network keeps nothing
    next(b for b in at.button if b.label == "Train a quick network here").click()
    rerun(at)
    assert [c[0] for c in store_calls] == ["save"]
    identity = store_calls[0][1]
    assert identity.startswith("browser:") and store_calls[0][2] == "digits"
    for _ in range(2):
        rerun(at)  # nothing changed: nothing written
    at.switch_page("lessons/mnist_train.py")
    rerun(at)
    assert len(store_calls) == 1
    next(b for b in at.button if b.label == "New model").click()
    rerun(at)
    assert store_calls[1:] == [("save", identity, "digits")]  # forgetting the network is kept too
    next(b for b in at.sidebar.button if b.label == "Reset this lesson").click()
    rerun(at)
    assert ("delete", identity, "digits") in store_calls[2:]
    assert all(call[0] != "save" for call in store_calls[2:])
