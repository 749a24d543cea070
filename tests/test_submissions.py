"""The class's submissions store on SQLite (WAL) and on a real PostgreSQL server: survives a restart, loses
nothing under concurrent writes, stores learner text as text."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from playground import submissions
from tests.services import postgres_server

NASTY = ["<img src=x onerror=alert(1)>", "'; DROP TABLE submissions; --", "Ünïcödé 🙂", "=1+2"]


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def make_engine(request, tmp_path, postgres_url):
    """A factory of engines to the same database (a second call is a 'restarted server')."""
    url = f"sqlite:///{tmp_path / 'class.sqlite'}" if request.param == "sqlite" else postgres_url
    engines = []

    def make() -> sa.Engine:
        engine = submissions.prepare(sa.create_engine(url))
        engines.append(engine)
        return engine

    yield make
    if request.param == "postgresql":  # leave the shared server clean for the next test
        with engines[0].begin() as connection:
            connection.execute(sa.delete(submissions.SUBMISSIONS))
            connection.execute(sa.delete(submissions.CLASS_SETTINGS))
    for engine in engines:
        engine.dispose()


def add(engine, nickname="ada", challenge="spiral-small", passed=True, score=0.03, session="lab"):
    return submissions.add_submission(engine, class_session=session, nickname=nickname, challenge=challenge,
                                      passed=passed, score=score, figures={"test_loss": score},
                                      url="/playground?dataset=spiral")


def test_submissions_survive_a_restart(make_engine) -> None:
    engine = make_engine()
    first = add(engine)
    engine.dispose()
    again = make_engine()  # a new server process with the same database
    rows = submissions.list_submissions(again, class_session="lab")
    assert [r.id for r in rows] == [first] and rows[0].figures == {"test_loss": 0.03}
    assert rows[0].url == "/playground?dataset=spiral"


def test_concurrent_submissions_lose_nothing(make_engine) -> None:
    engine = make_engine()
    errors: list[Exception] = []

    def learner(n: int) -> None:
        try:
            for k in range(10):
                add(engine, nickname=f"learner{n}", score=0.01 * k)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(submissions.list_submissions(engine, class_session="lab")) == 120


def test_learner_text_is_stored_as_text(make_engine) -> None:
    engine = make_engine()
    for name in NASTY:
        add(engine, nickname=name)
    stored = {r.nickname for r in submissions.list_submissions(engine)}
    assert stored == set(NASTY)  # the table is still there and every name came back verbatim
    csv_text = submissions.to_csv(submissions.list_submissions(engine)).decode()
    assert "'=1+2" in csv_text  # a spreadsheet would not run it as a formula


def test_leaderboard_sessions_and_clearing(make_engine) -> None:
    engine = make_engine()
    add(engine, "ada", score=0.04)
    add(engine, "ada", score=0.02)
    add(engine, "bob", score=0.03)
    add(engine, "cy", score=0.01, passed=False)
    add(engine, "dee", score=0.001, session="other")
    rows = submissions.list_submissions(engine, class_session="lab")
    board = submissions.leaderboard(rows, lower_is_better=True)
    assert [(b.nickname, b.score) for b in board] == [("ada", 0.02), ("bob", 0.03)]
    assert set(submissions.class_sessions(engine)) == {"lab", "other"}
    assert submissions.clear_class_session(engine, "lab") == 4
    assert submissions.list_submissions(engine, class_session="lab") == []
    assert len(submissions.list_submissions(engine, class_session="other")) == 1


def test_current_class_session_is_shared(make_engine) -> None:
    a, b = make_engine(), make_engine()  # two app processes
    assert submissions.current_class_session(a, "2026-11-22") == "2026-11-22"
    submissions.set_current_class_session(a, "Week 3 lab")
    assert submissions.current_class_session(b, "x") == "Week 3 lab"
    submissions.set_current_class_session(b, "Week 4")
    assert submissions.current_class_session(a, "x") == "Week 4"


def test_bad_nicknames_are_refused_clearly(make_engine) -> None:
    engine = make_engine()
    with pytest.raises(submissions.SubmissionError, match="nickname"):
        add(engine, nickname="   ")
    assert add(engine, nickname="x" * 200) > 0
    assert submissions.list_submissions(engine)[0].nickname == "x" * submissions.MAX_NICKNAME


def test_sqlite_uses_the_write_ahead_log(tmp_path) -> None:
    engine = submissions.prepare(sa.create_engine(f"sqlite:///{tmp_path / 'c.sqlite'}"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
