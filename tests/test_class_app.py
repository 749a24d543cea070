"""A class server's access through the app itself (AppTest, no browser): no start without a server secret,
a wrong password opens nothing (and says so), nothing but a signed role opens the class board, nobody is an
instructor on a learner's laptop, and signing out ends the role at once (the browser tests show the cookie
side of it)."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

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
