"""A learner's kept work (playground.classroom.saved_work) on SQLite and on a real PostgreSQL server: saved,
replaced, opened and forgotten per identity and lesson; a cap per identity; expiry (expired rows are not
opened and are swept, a few per write); one random local secret shared by every app process."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from playground.classroom import saved_work, submissions

DAY = 86400.0
T0 = 1_700_000_000.0


@pytest.fixture(params=["sqlite", "postgresql"])
def make_engine(request, tmp_path, postgres_url):
    """A factory of engines to the same database (a second call is another app process)."""
    url = f"sqlite:///{tmp_path / 'class.sqlite'}" if request.param == "sqlite" else postgres_url
    engines = []

    def make() -> sa.Engine:
        engine = saved_work.prepare(submissions.prepare(sa.create_engine(url)))
        engines.append(engine)
        return engine

    yield make
    if request.param == "postgresql":  # leave the shared server clean for the next test
        with engines[0].begin() as connection:
            connection.execute(sa.delete(saved_work.SAVED_WORK))
            connection.execute(sa.delete(saved_work.SECRETS))
    for engine in engines:
        engine.dispose()


def test_work_is_saved_replaced_and_kept_per_identity_and_lesson(make_engine) -> None:
    engine = make_engine()
    saved_work.save(engine, "browser:aaa", "digits", b"first", now=T0)
    saved_work.save(engine, "browser:aaa", "nickname", b"Ada", now=T0)
    saved_work.save(engine, "browser:bbb", "digits", b"other learner", now=T0)
    saved_work.save(engine, "browser:aaa", "digits", b"second", now=T0 + 10)  # replaces
    again = make_engine()  # another process, or the server after a restart
    kept = saved_work.load(again, "browser:aaa", "digits", now=T0 + 20)
    assert kept is not None and kept.blob == b"second" and kept.updated_at == T0 + 10
    assert saved_work.load(again, "browser:aaa", "nickname", now=T0 + 20).blob == b"Ada"
    assert saved_work.load(again, "browser:bbb", "digits", now=T0 + 20).blob == b"other learner"
    assert saved_work.load(again, "browser:ccc", "digits", now=T0 + 20) is None
    assert saved_work.usage(again, "browser:aaa", now=T0 + 20) == len(b"second") + len(b"Ada")
    assert saved_work.delete(again, "browser:aaa", "digits") == 1
    assert saved_work.load(again, "browser:aaa", "digits", now=T0 + 20) is None
    assert saved_work.load(again, "browser:aaa", "nickname", now=T0 + 20) is not None
    assert saved_work.delete(again, "browser:aaa") == 1


def test_binary_blobs_round_trip_exactly(make_engine) -> None:
    engine = make_engine()
    blob = bytes(range(256)) * 4000 + b"\x00'; DROP TABLE saved_work; --"
    saved_work.save(engine, "oidc:ada@school.edu", "digits", blob, now=T0)
    assert saved_work.load(engine, "oidc:ada@school.edu", "digits", now=T0).blob == blob


def test_each_identity_keeps_at_most_the_cap(make_engine) -> None:
    engine = make_engine()
    cap = 1000
    saved_work.save(engine, "browser:aaa", "digits", b"x" * 900, now=T0, cap=cap)
    saved_work.save(engine, "browser:aaa", "digits", b"x" * 1000, now=T0, cap=cap)  # a replacement may fill it
    with pytest.raises(saved_work.TooBig, match="more than the"):
        saved_work.save(engine, "browser:aaa", "digits", b"x" * 1001, now=T0, cap=cap)
    with pytest.raises(saved_work.TooBig, match="with your other saved work"):
        saved_work.save(engine, "browser:aaa", "nickname", b"Ada", now=T0, cap=cap)
    saved_work.save(engine, "browser:bbb", "nickname", b"Ada", now=T0, cap=cap)  # another learner's own cap
    assert saved_work.load(engine, "browser:aaa", "digits", now=T0).blob == b"x" * 1000  # a refusal keeps the old
    assert saved_work.load(engine, "browser:aaa", "nickname", now=T0) is None
    assert saved_work.MAX_BYTES_PER_IDENTITY == 5_000_000 and saved_work.EXPIRY_DAYS == 30


def test_a_learner_keeps_work_for_a_bounded_number_of_lessons(make_engine) -> None:
    engine = make_engine()
    for i in range(saved_work.MAX_LESSONS_PER_IDENTITY):
        saved_work.save(engine, "browser:aaa", f"lesson-{i}", b"x", now=T0)
    with pytest.raises(saved_work.TooBig, match="at most"):
        saved_work.save(engine, "browser:aaa", "one-more", b"x", now=T0)
    saved_work.save(engine, "browser:aaa", "lesson-0", b"y", now=T0)  # replacing is fine


def test_untouched_work_expires_and_is_swept_a_few_rows_per_write(make_engine) -> None:
    engine = make_engine()
    for i in range(saved_work.SWEEP_ROWS + 5):
        saved_work.save(engine, f"browser:old{i}", "digits", b"x" * 10, now=T0)
    saved_work.save(engine, "browser:fresh", "digits", b"fresh", now=T0 + 29 * DAY)
    later = T0 + 31 * DAY
    assert saved_work.load(engine, "browser:old0", "digits", now=later) is None  # expired: not opened
    assert saved_work.load(engine, "browser:fresh", "digits", now=later).blob == b"fresh"

    def rows() -> int:
        with engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(saved_work.SAVED_WORK)).scalar()

    before = rows()
    saved_work.save(engine, "browser:new", "digits", b"new", now=later)  # one write sweeps SWEEP_ROWS at most
    assert rows() == before + 1 - saved_work.SWEEP_ROWS
    saved_work.save(engine, "browser:new", "digits", b"newer", now=later)
    assert rows() == 2  # the fresh one and the new one
    # expired work does not count against the cap either
    saved_work.save(engine, "browser:cap", "digits", b"x" * 900, now=T0, cap=1000)
    saved_work.save(engine, "browser:cap", "nickname", b"x" * 900, now=later, cap=1000)


def test_opening_touches_work_at_most_once_a_day(make_engine) -> None:
    engine = make_engine()
    saved_work.save(engine, "browser:aaa", "digits", b"x", now=T0)
    assert saved_work.load(engine, "browser:aaa", "digits", now=T0 + 3600).updated_at == T0  # not a write per load
    saved_work.load(engine, "browser:aaa", "digits", now=T0 + 20 * DAY)  # opened: its 30 days start again
    assert saved_work.load(engine, "browser:aaa", "digits", now=T0 + 49 * DAY) is not None  # and again
    assert saved_work.load(engine, "browser:aaa", "digits", now=T0 + 80 * DAY) is None  # 31 days untouched


def test_concurrent_saves_of_one_row_lose_nothing(make_engine) -> None:
    engines = [make_engine(), make_engine()]
    errors: list[Exception] = []

    def learner(n: int) -> None:
        try:
            for k in range(10):
                saved_work.save(engines[n % 2], "browser:same", "digits", f"{n}-{k}".encode())
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kept = saved_work.load(engines[0], "browser:same", "digits")
    assert kept is not None and kept.blob.decode().endswith("-9")


def test_identities_and_lesson_keys_are_checked(make_engine) -> None:
    engine = make_engine()
    for identity, lesson in [("", "digits"), ("no-colon", "digits"), ("browser:" + "x" * 300, "digits"),
                             ("browser:aaa", "Digits"), ("browser:aaa", "../x"), ("browser:aaa", "")]:
        with pytest.raises(ValueError):
            saved_work.save(engine, identity, lesson, b"x")


def test_the_local_secret_is_random_and_shared_by_every_process(make_engine) -> None:
    first, second = make_engine(), make_engine()
    secret = saved_work.local_secret(first)
    assert len(secret) >= 43 and saved_work.local_secret(second) == secret
    assert secret not in ("", "browser-ids")


def test_the_store_as_a_whole_has_a_cap_and_never_evicts_kept_work(tmp_path) -> None:
    """Many new identities cannot fill the server's disk: beyond the store's cap new work is refused with a
    message, and what others keep is still there."""
    import sqlalchemy as sa

    from playground.classroom import saved_work

    engine = saved_work.prepare(sa.create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}"))
    for n in range(3):
        saved_work.save(engine, f"browser:b{n}", "digits", b"x" * 300, now=1000.0, total_cap=1000)
    with pytest.raises(saved_work.TooBig, match="full"):
        saved_work.save(engine, "browser:late", "digits", b"x" * 400, now=1000.0, total_cap=1000)
    saved_work.save(engine, "browser:b0", "digits", b"y" * 300, now=1000.0, total_cap=1000)  # a replacement fits
    assert all(saved_work.load(engine, f"browser:b{n}", "digits", now=1000.0) for n in range(3))
