"""The class's submissions store on SQLite (WAL) and on a real PostgreSQL server: survives a restart, loses
nothing under concurrent writes, stores learner text as text; a nickname stays its first owner's (across
app processes), one learner cannot flood the board, the same result is stored once, an instructor deletes one
submission, each learner's progress (lessons opened, medals) is kept, exported links are absolute, and a
database made by an older version gets the new columns."""

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
            for name in ("SUBMISSIONS", "CLASS_SETTINGS", "NICKNAMES", "REFUSED", "LESSON_OPENS"):
                if hasattr(submissions, name):
                    connection.execute(sa.delete(getattr(submissions, name)))
    for engine in engines:
        engine.dispose()


def add(engine, nickname="ada", challenge="spiral-small", passed=True, score=0.03, session="lab", medal=None,
        url="/playground?dataset=spiral"):
    return submissions.add_submission(engine, class_session=session, nickname=nickname, challenge=challenge,
                                      passed=passed, score=score, figures={"test_loss": score}, url=url,
                                      medal=medal)


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
    with pytest.raises(submissions.DuplicateSubmission):  # the same nickname, as stored, and result
        add(engine, nickname="x" * 300)


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


def test_the_same_result_is_stored_once(make_engine) -> None:
    """Enter in the nickname field, then a click on Submit: one row, not two (also from another process)."""
    a, b = make_engine(), make_engine()
    first = add(a, "Ada", score=0.03)
    for engine, nickname in ((a, "Ada"), (b, "ada "), (b, "ＡＤＡ")):
        with pytest.raises(submissions.DuplicateSubmission, match="Already on the board"):
            add(engine, nickname, score=0.03)
    add(b, "Ada", score=0.02)  # another result
    add(b, "Ada", score=0.03, url="/playground?dataset=spiral&seed=1")  # the same figures from another set-up
    add(b, "Ada", score=0.03, challenge="mnist-compact")  # another challenge
    add(b, "Bob", score=0.03)  # another learner
    add(b, "Ada", score=0.03, session="other")  # another class session
    rows = submissions.list_submissions(a, class_session="lab")
    assert len(rows) == 5 and sum(r.id == first for r in rows) == 1
    assert submissions.delete_submission(a, first)  # deleted: it may be submitted again
    add(a, "Ada", score=0.03)


def test_simultaneous_identical_submissions_store_one(make_engine) -> None:
    engines = [make_engine() for _ in range(4)]
    stored, duplicates, errors = [], [], []

    def submit(n: int) -> None:
        try:
            stored.append(add(engines[n % 4], "Grace", score=0.01))
        except submissions.DuplicateSubmission:
            duplicates.append(n)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(stored) == 1 and len(duplicates) == 7


def test_an_instructor_deletes_one_submission(make_engine) -> None:
    engine = make_engine()
    keep, gone = add(engine, "ada", score=0.04), add(engine, "bob", score=0.02)
    other = add(engine, "cy", score=0.01, session="other")
    assert not submissions.delete_submission(engine, other, class_session="lab")  # not this session's
    assert submissions.delete_submission(engine, gone, class_session="lab")
    assert not submissions.delete_submission(engine, gone)  # already gone
    assert [r.id for r in submissions.list_submissions(engine, class_session="lab")] == [keep]
    assert [r.id for r in submissions.list_submissions(engine, class_session="other")] == [other]


def test_medals_rank_the_leaderboard(make_engine) -> None:
    engine = make_engine()
    add(engine, "ada", score=0.01, medal="bronze")
    add(engine, "ada", score=0.04, medal="silver")
    add(engine, "bob", score=0.02, medal="silver")
    add(engine, "cy", score=0.005, medal="bronze")
    add(engine, "dee", score=0.5, passed=False, medal=None)
    rows = submissions.list_submissions(engine, class_session="lab")
    assert {r.nickname: r.medal for r in rows if r.nickname != "ada"} == {"bob": "silver", "cy": "bronze",
                                                                         "dee": None}
    board = submissions.leaderboard(rows, lower_is_better=True)
    assert [(b.nickname, b.medal, b.score) for b in board] == [("bob", "silver", 0.02), ("ada", "silver", 0.04),
                                                               ("cy", "bronze", 0.005)]


def test_progress_lessons_opened_and_medals(make_engine) -> None:
    a, b = make_engine(), make_engine()
    submissions.record_lesson_open(a, "lab", "browser:1", "playground")
    submissions.record_lesson_open(b, "lab", "browser:1", "playground")  # again, from another process
    submissions.record_lesson_open(a, "lab", "browser:1", "mnist-train")
    submissions.record_lesson_open(a, "lab", "browser:2", "playground")
    submissions.record_lesson_open(a, "lab", "browser:3", "adversarial")
    submissions.record_lesson_open(a, "other", "browser:4", "playground")
    submissions.claim_nickname(a, "lab", "Ada", "browser:1")
    add(a, "Ada", score=0.04, medal="bronze")
    add(a, "Ada", score=0.02, medal="silver")
    add(a, "Ada", score=0.01, medal="bronze", url="/playground?x=1")  # a lower medal later: silver stays
    submissions.claim_nickname(a, "lab", "Ada again", "browser:1")  # the same learner, a second nickname
    add(a, "Ada again", challenge="mnist-compact", score=0.9, passed=False)
    submissions.claim_nickname(a, "lab", "Bob", "browser:2")
    add(a, "Bob", score=0.2, passed=False)
    learners = {p.name: p for p in submissions.progress(a, "lab")}
    assert set(learners) == {"Ada / Ada again", "Bob", "no nickname yet 1"}
    ada = learners["Ada / Ada again"]
    assert ada.opened == {"playground": 2, "mnist-train": 1}
    assert ada.medals == {"spiral-small": "silver", "mnist-compact": None}
    assert learners["Bob"].opened == {"playground": 1} and learners["Bob"].medals == {"spiral-small": None}
    assert learners["no nickname yet 1"].opened == {"adversarial": 1}
    assert all(p.last_seen is not None for p in learners.values())
    assert [p.name for p in submissions.progress(a, "other")] == ["no nickname yet 1"]
    submissions.clear_class_session(a, "lab")
    assert submissions.progress(a, "lab") == []
    assert len(submissions.progress(a, "other")) == 1


def test_simultaneous_first_opens_count_each(make_engine) -> None:
    engines = [make_engine() for _ in range(4)]
    errors = []

    def open_lesson(n: int) -> None:
        try:
            submissions.record_lesson_open(engines[n % 4], "lab", "browser:1", "playground")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=open_lesson, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert submissions.progress(engines[0], "lab")[0].opened == {"playground": 8}


def test_exported_links_are_absolute(make_engine) -> None:
    engine = make_engine()
    add(engine, "ada", url="/playground?dataset=spiral&networkShape=4,2")
    add(engine, "bob", url="https://elsewhere.example/playground?x=1")
    rows = submissions.list_submissions(engine, class_session="lab")
    text = submissions.to_csv(rows, "https://class.school.edu/np/").decode()
    assert "https://class.school.edu/np/playground?dataset=spiral&networkShape=4,2" in text
    assert "https://elsewhere.example/playground?x=1" in text
    assert ",challenge_name,passed,medal,score,result," in text.splitlines()[0]
    assert "A small spiral solver" in text and "test loss 0.030" in text
    assert submissions.absolute_url("/a?b=1", "") == "/a?b=1"  # no base known: as stored


OLD_SCHEMA = """
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY {auto}, created_at TIMESTAMP NOT NULL, class_session VARCHAR(80) NOT NULL,
    nickname VARCHAR(40) NOT NULL, challenge VARCHAR(40) NOT NULL, passed BOOLEAN NOT NULL, score FLOAT,
    figures TEXT NOT NULL, url TEXT NOT NULL)
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_of_an_older_version_gets_the_new_columns(kind, tmp_path, postgres_url) -> None:
    """A class's database made before medals and duplicate refusal: its rows stay, new ones get both."""
    if kind == "sqlite":
        url, options, auto = f"sqlite:///{tmp_path / 'old.sqlite'}", {}, "AUTOINCREMENT"
    else:
        url, options, auto = postgres_url, {"options": "-csearch_path=old_version"}, "GENERATED BY DEFAULT AS IDENTITY"
        with sa.create_engine(postgres_url).begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS old_version CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA old_version")
    old = sa.create_engine(url, connect_args=options)
    try:
        with old.begin() as connection:
            connection.exec_driver_sql(OLD_SCHEMA.format(auto=auto))
            connection.exec_driver_sql("INSERT INTO submissions (created_at, class_session, nickname, challenge, "
                                       "passed, score, figures, url) VALUES ('2026-01-01 10:00:00', 'lab', 'ada', "
                                       "'spiral-small', true, 0.03, '{}', '/playground')")
        engines = [submissions.prepare(sa.create_engine(url, connect_args=options)) for _ in range(2)]  # twice: no harm
        rows = submissions.list_submissions(engines[1], class_session="lab")
        assert [(r.nickname, r.medal) for r in rows] == [("ada", None)]
        add(engines[0], "ada", score=0.03, medal="gold")
        with pytest.raises(submissions.DuplicateSubmission):
            add(engines[1], "ada", score=0.03, medal="gold")
        assert {r.medal for r in submissions.list_submissions(engines[0])} == {None, "gold"}
        for engine in engines:
            engine.dispose()
    finally:
        old.dispose()
        if kind == "postgresql":
            with sa.create_engine(postgres_url).begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS old_version CASCADE")
