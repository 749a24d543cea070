"""A class server's access through the app itself (AppTest, no browser): no start without a server secret,
a wrong password opens nothing (and says so), nothing but a signed role opens the class board, nobody is an
instructor on a learner's laptop, and signing out ends the role at once (the browser tests show the cookie
side of it)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from playground.catalog import lesson_by_key
from playground.classroom.access import hash_password
from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app
CLASS = '[class]\ntitle = "Week 3 lab"\nlessons = ["playground", "mnist-train"]\n\n[access]\nmode = "password"\n'
SECRET = "s" * 43


@pytest.fixture
def class_file(tmp_path, monkeypatch):
    """A classroom.toml for the app (the per-server caches are emptied before and after)."""
    path = tmp_path / "classroom.toml"
    path.write_text(CLASS)
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def app(class_secrets: dict, **state) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.secrets["classroom"] = class_secrets
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    return [w.label for w in at.text_input]


def test_a_class_without_a_server_secret_does_not_start(class_file) -> None:
    at = app({"password_hash": hash_password("learn-2026"), "instructor_password_hash": hash_password("teach")})
    assert "Class password" not in labels(at)
    assert any("playground.classroom secret" in e.value for e in at.error)


def test_a_role_written_into_session_state_opens_nothing(class_file) -> None:
    at = app({"password_hash": "x", "instructor_password_hash": "y", "token_secret": SECRET}, _np_role="instructor")
    assert "Class password" in labels(at)  # still the sign-in page
    assert not any(t.value == "Class board" for t in at.title)


def test_no_instructor_on_a_learners_laptop(monkeypatch) -> None:
    """Without a classroom.toml a secrets file with an instructor password opens no instructor sign-in."""
    monkeypatch.delenv("NP_CLASSROOM", raising=False)
    st.cache_resource.clear()
    try:
        if (REPO_ROOT / "classroom.toml").exists():
            pytest.skip("a classroom.toml sits in the repository")
        at = app({"password_hash": hash_password("learn-2026"), "instructor_password_hash": hash_password("teach"),
                  "token_secret": SECRET})
        assert "Instructor password" not in [w.label for w in at.sidebar.text_input]
        assert "Class password" not in labels(at)
    finally:
        st.cache_resource.clear()


def test_signing_out_ends_the_role_at_once(class_file) -> None:
    at = app({"password_hash": hash_password("learn-2026"), "token_secret": SECRET})
    at.text_input[0].input("learn-2026")
    at.button[0].click()
    at.run()
    assert "Class password" not in labels(at)
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert "Class password" in labels(at)
    assert not any(b.label == "Sign out" for b in at.sidebar.button)


def test_a_wrong_password_opens_nothing_and_says_so(class_file) -> None:
    at = app({"password_hash": hash_password("learn-2026"), "token_secret": SECRET})
    at.text_input[0].input("learn-2025")
    at.button[0].click()
    at.run()
    assert "Class password" in labels(at)  # still the sign-in page
    assert any("That password is not right" in e.value for e in at.error)
    assert not any(b.label == "Sign out" for b in at.sidebar.button)
    at.text_input[0].input("learn-2026")  # the right one still works after a failure
    at.button[0].click()
    at.run()
    assert "Class password" not in labels(at)


# ------------------------------------------------------------------ the class board and the challenge panel

BOARD_CLASS = ('[class]\ntitle = "Week 3 lab"\nlessons = ["playground", "data", "mnist-train"]\n'
               'base_url = "https://class.school.edu"\n\n[access]\nmode = "password"\n\n'
               '[storage]\nurl = "sqlite:///{db}"\n')
BOARD_SECRETS = {"password_hash": hash_password("learn-2026"), "instructor_password_hash": hash_password("teach-2026"),
                 "token_secret": SECRET}


@pytest.fixture
def board_class(tmp_path, monkeypatch):
    """A password class with its own SQLite database, and that database's engine for the test."""
    import sqlalchemy as sa

    from playground.classroom import submissions

    db = tmp_path / "class.sqlite"
    path = tmp_path / "classroom.toml"
    path.write_text(BOARD_CLASS.format(db=db))
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    monkeypatch.delenv("NP_STORAGE_URL", raising=False)
    monkeypatch.delenv("STREAMLIT_SERVER_COOKIE_SECRET", raising=False)
    st.cache_resource.clear()
    engine = submissions.prepare(sa.create_engine(f"sqlite:///{db}"))
    submissions.set_current_class_session(engine, "Week 3 lab")
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def signed_in(password: str, page: str | None = None) -> AppTest:
    at = app(BOARD_SECRETS)
    at.text_input[0].input(password)
    at.button[0].click()
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "caption", "text", "info", "success", "error", "warning")
             for e in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    return "\n".join(str(p) for p in parts)


def test_the_board_shows_progress_and_readable_results_and_deletes_one(board_class) -> None:
    from playground.classroom import submissions

    engine = board_class
    submissions.record_lesson_open(engine, "Week 3 lab", "browser:ada", "playground")
    submissions.record_lesson_open(engine, "Week 3 lab", "browser:ada", "data")
    submissions.record_lesson_open(engine, "Week 3 lab", "browser:bob", "data")
    submissions.claim_nickname(engine, "Week 3 lab", "Ada", "browser:ada")
    figures = {"test_loss": 0.036, "hidden_neurons": 6, "epochs": 6744, "layers": "4, 2", "inputs": "X₁, X₂"}
    submissions.add_submission(engine, class_session="Week 3 lab", nickname="Ada", challenge="spiral-small",
                               passed=True, score=0.036, figures=figures, url="/playground?seed=1", medal="silver")
    doomed = submissions.add_submission(engine, class_session="Week 3 lab", nickname="Ada", challenge="spiral-small",
                                        passed=False, score=0.2, figures={**figures, "test_loss": 0.2},
                                        url="/playground?seed=2")
    at = signed_in("teach-2026", "lessons/dashboard.py")
    text = all_text(at)
    assert "Class board" in text and "**class session** is one sitting" in text  # the board says what a class session is
    assert "test loss 0.036 · 6 hidden neurons · 6,744 epochs" in text  # readable, not a dict
    assert "A small spiral solver" in text and "spiral-small" not in text and "test_loss" not in text
    progress = at.dataframe[0].value
    titles = [lesson_by_key(key).title for key in ("playground", "data", "mnist-train")]
    assert list(progress.columns[:4]) == ["learner", *titles]
    ada = progress[progress.learner == "Ada"].iloc[0]
    assert ada[titles[0]] == "opened · silver" and ada[titles[1]] == "opened"
    assert ada[titles[2]] == "—"
    assert "no nickname yet 1" in set(progress.learner)  # Bob opened a lesson, never submitted

    chosen = at.selectbox(key="board:delete-one")
    assert "A small spiral solver" in chosen.format_func(doomed)
    chosen.set_value(doomed)
    at.button(key="board:delete-one-button").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    left = submissions.list_submissions(engine, class_session="Week 3 lab")
    assert [r.score for r in left] == [0.036]  # only the chosen one is gone
    assert any("Deleted Ada" in s.value for s in at.success)


def test_a_learner_opening_a_lesson_shows_on_the_board(board_class) -> None:
    from playground.classroom import submissions

    at = signed_in("learn-2026", "lessons/data.py")
    at.run()  # another run of the same page: still one opening of this session
    [learner] = submissions.progress(board_class, "Week 3 lab")
    assert learner.opened == {"data": 1} and learner.name == "no nickname yet 1"


def test_the_challenge_panel_grades_tiers_and_refuses_a_duplicate(board_class) -> None:
    from playground.classroom import submissions

    at = signed_in("learn-2026", "lessons/playground.py")
    at.button(key="challenge:spiral-small:check").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    for medal in ("Bronze", "Silver", "Gold"):
        assert f"**{medal}**: not yet" in text
    nickname = next(t for t in at.text_input if t.label == "Nickname")
    nickname.input("Ada")
    submit = next(b for b in at.button if b.label == "Submit")
    submit.click()
    at.run()
    assert any("Submitted." in s.value for s in at.success)
    next(b for b in at.button if b.label == "Submit").click()  # Enter, then a click: the same result again
    at.run()
    assert any("Already on the board" in i.value for i in at.info)
    rows = submissions.list_submissions(board_class, class_session="Week 3 lab")
    assert len(rows) == 1 and rows[0].challenge == "spiral-small" and rows[0].medal is None
