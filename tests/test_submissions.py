"""The class's submissions store on SQLite (WAL) and on a real PostgreSQL server: survives a restart, loses
nothing under concurrent writes, stores learner text as text; a nickname stays its first owner's (across
app processes), and one learner cannot flood the board."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from playground.classroom import submissions

NASTY = ["<img src=x onerror=alert(1)>", "'; DROP TABLE submissions; --", "Ünïcödé 🙂", "=1+2"]


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
            for name in ("SUBMISSIONS", "CLASS_SETTINGS", "NICKNAMES", "REFUSED"):
                if hasattr(submissions, name):
                    connection.execute(sa.delete(getattr(submissions, name)))
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


def test_a_nickname_cannot_be_taken_over(make_engine) -> None:
    a, b = make_engine(), make_engine()  # two app processes of the class
    submissions.claim_nickname(a, "lab", "Ada", "browser:first")
    submissions.claim_nickname(b, "lab", "Ada", "browser:first")  # the owner again, from the other process
    for imitation in ("Ada", "ada", " ADA ", "Ａｄａ"):
        with pytest.raises(submissions.NicknameTaken, match="Choose another nickname"):
            submissions.claim_nickname(b, "lab", imitation, "browser:second")
    submissions.claim_nickname(b, "other session", "Ada", "browser:second")  # another class session: free
    submissions.claim_nickname(a, "lab", "Ada Lovelace", "oidc:ada@school.edu")
    with pytest.raises(submissions.NicknameTaken):
        submissions.claim_nickname(a, "lab", "ada lovelace", "oidc:mallory@school.edu")
    submissions.clear_class_session(a, "lab")  # a cleared class session frees its nicknames
    submissions.claim_nickname(b, "lab", "Ada", "browser:second")


def test_simultaneous_claims_have_one_winner(make_engine) -> None:
    engines = [make_engine() for _ in range(4)]
    winners, errors = [], []

    def claim(n: int) -> None:
        try:
            submissions.claim_nickname(engines[n % 4], "lab", "Grace", f"browser:{n}")
            winners.append(n)
        except submissions.NicknameTaken:
            pass
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(winners) == 1


def test_the_rate_limit_and_the_refusals_count(make_engine) -> None:
    now = [0.0]
    limit = submissions.RateLimit(count=3, seconds=60, max_keys=100, clock=lambda: now[0])
    assert [limit.allow("browser:a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limit.allow("browser:a") == 60.0  # the fourth within a minute is refused
    assert limit.allow("browser:b") == 0.0  # another learner is not
    now[0] = 30.0
    assert limit.allow("browser:a") == 30.0
    now[0] = 60.0
    assert limit.allow("browser:a") == 0.0
    for i in range(500):
        limit.allow(f"browser:{i}")
    assert len(limit._events) == 100  # bounded memory
    engine = make_engine()
    assert submissions.refused_count(engine, "lab") == 0
    for _ in range(3):
        submissions.count_refused(engine, "lab")
    assert submissions.refused_count(engine, "lab") == 3 and submissions.refused_count(engine, "other") == 0
