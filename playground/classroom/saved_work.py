"""A learner's work kept across reloads and later visits: one row per (identity, lesson) in the class's
database (the same engine as the submissions: SQLite by default, PostgreSQL on a class server), holding
opaque bytes the lesson wrote (a digit network, a nickname).

The identity is "oidc:<e-mail>" or "browser:<id>" (a signed cookie's random id, see ui.access), never
anything a browser can choose. Each identity keeps at most MAX_BYTES_PER_IDENTITY in all, the store at most
MAX_BYTES_TOTAL (many new identities cannot fill the server's disk; what is kept is never evicted), and a row that
nobody saved or opened for EXPIRY_DAYS is deleted (on a later write, a few at a time: every call does a
bounded amount of work). Every statement is parameterised.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa

from playground.text import escape_markdown

METADATA = sa.MetaData()
SAVED_WORK = sa.Table(
    "saved_work",
    METADATA,
    sa.Column("identity", sa.String(200), primary_key=True),  # "oidc:<e-mail>" or "browser:<id>"
    sa.Column("lesson", sa.String(40), primary_key=True),  # what the blob is: "digits", "nickname", …
    sa.Column("blob", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),  # len(blob), summed for the cap without reading blobs
    sa.Column("updated_at", sa.Float, nullable=False, index=True),  # seconds since the epoch: saved or opened
)
SECRETS = sa.Table(  # a random secret this store's app processes share (see local_secret)
    "saved_work_secrets",
    METADATA,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

MAX_BYTES_PER_IDENTITY = 5_000_000  # 5 MB per learner in all (the default digit network with Adam: 2.4 MB)
MAX_BYTES_TOTAL = 2_000_000_000  # 2 GB for all learners: beyond it new work is refused, kept work stays
MAX_LESSONS_PER_IDENTITY = 20  # rows per learner (the app writes three kinds)
EXPIRY_DAYS = 30  # a learner's work nobody saved or opened for this long is deleted
EXPIRY_SECONDS = EXPIRY_DAYS * 86400
SWEEP_ROWS = 20  # expired rows deleted per write, at most (bounded work per call)
TOUCH_AFTER = 86400  # opening refreshes a row's time at most once a day (not a write per page load)
_LESSON = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class SavedWorkError(ValueError):
    """Work that cannot be kept; the message says why, for a learner."""


class TooBig(SavedWorkError):
    """The work is larger than what a learner may keep."""


@dataclass(frozen=True)
class Saved:
    blob: bytes
    updated_at: float


def prepare(engine: sa.Engine) -> sa.Engine:
    """Create the tables if they are missing (the engine is the submissions', already prepared)."""
    METADATA.create_all(engine, checkfirst=True)
    return engine


def _identity(identity: str) -> str:
    identity = str(identity)
    if not identity or len(identity) > 200 or ":" not in identity:
        raise ValueError(f"not an identity: {identity[:40]!r}")
    return identity


def _check(identity: str, lesson: str) -> tuple[str, str]:
    if not _LESSON.fullmatch(str(lesson)):
        raise ValueError(f"not a lesson key: {str(lesson)[:40]!r}")
    return _identity(identity), str(lesson)


def _key(identity: str, lesson: str):
    return (SAVED_WORK.c.identity == identity) & (SAVED_WORK.c.lesson == lesson)


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def sweep_expired(connection: sa.Connection, now: float, limit: int = SWEEP_ROWS) -> int:
    """Delete at most `limit` rows untouched for EXPIRY_DAYS (the oldest first); returns how many."""
    cutoff = now - EXPIRY_SECONDS
    rows = connection.execute(sa.select(SAVED_WORK.c.identity, SAVED_WORK.c.lesson)
                              .where(SAVED_WORK.c.updated_at < cutoff)
                              .order_by(SAVED_WORK.c.updated_at).limit(limit)).all()
    for identity, lesson in rows:
        connection.execute(sa.delete(SAVED_WORK).where(_key(identity, lesson) & (SAVED_WORK.c.updated_at < cutoff)))
    return len(rows)


def save(engine: sa.Engine, identity: str, lesson: str, blob: bytes, now: float | None = None,
         cap: int = MAX_BYTES_PER_IDENTITY, total_cap: int = MAX_BYTES_TOTAL) -> None:
    """Keep `blob` as this identity's work for `lesson` (replacing what was kept), or raise TooBig when it
    and the identity's other (unexpired) work would exceed `cap` bytes. Sweeps a few expired rows first."""
    identity, lesson = _check(identity, lesson)
    blob = bytes(blob)
    if len(blob) > cap:
        raise TooBig(f"it is {_megabytes(len(blob))}, more than the {_megabytes(cap)} kept for each learner.")
    now = time.time() if now is None else now
    for attempt in range(2):
        try:
            with engine.begin() as connection:
                sweep_expired(connection, now)
                others = connection.execute(
                    sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(SAVED_WORK.c.size), 0))
                    .where((SAVED_WORK.c.identity == identity) & (SAVED_WORK.c.lesson != lesson)
                           & (SAVED_WORK.c.updated_at >= now - EXPIRY_SECONDS))).one()
                count, used = int(others[0]), int(others[1])
                if used + len(blob) > cap:
                    raise TooBig(f"with your other saved work ({_megabytes(used)}) it would be more than the "
                                 f"{_megabytes(cap)} kept for each learner.")
                everyone = connection.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(SAVED_WORK.c.size), 0))
                    .where(~_key(identity, lesson) & (SAVED_WORK.c.updated_at >= now - EXPIRY_SECONDS))).scalar()
                if int(everyone) + len(blob) > total_cap:
                    raise TooBig(f"the server keeps at most {_megabytes(total_cap)} for all its learners, and it "
                                 "is full: download your network to keep it.")
                values = {"blob": blob, "size": len(blob), "updated_at": float(now)}
                updated = connection.execute(sa.update(SAVED_WORK).where(_key(identity, lesson)).values(**values))
                if not updated.rowcount:
                    if count >= MAX_LESSONS_PER_IDENTITY:
                        raise TooBig(f"a learner keeps work for at most {MAX_LESSONS_PER_IDENTITY} lessons.")
                    connection.execute(sa.insert(SAVED_WORK).values(identity=identity, lesson=lesson, **values))
            return
        except sa.exc.IntegrityError:  # another process inserted the same row a moment ago: update it
            if attempt:
                raise


def load(engine: sa.Engine, identity: str, lesson: str, now: float | None = None) -> Saved | None:
    """This identity's kept work for `lesson` (None if nothing, or only expired work, is kept). Opening
    counts as touching it: its time is refreshed (at most once a day)."""
    identity, lesson = _check(identity, lesson)
    now = time.time() if now is None else now
    with engine.connect() as connection:
        row = connection.execute(sa.select(SAVED_WORK.c.blob, SAVED_WORK.c.updated_at)
                                 .where(_key(identity, lesson))).first()
    if row is None or row.updated_at < now - EXPIRY_SECONDS:
        return None
    if row.updated_at < now - TOUCH_AFTER:
        with engine.begin() as connection:
            connection.execute(sa.update(SAVED_WORK).where(_key(identity, lesson)).values(updated_at=float(now)))
    return Saved(bytes(row.blob), float(row.updated_at))


def delete(engine: sa.Engine, identity: str, lesson: str | None = None) -> int:
    """Forget this identity's work for one lesson (or all of it); returns how many rows."""
    where = SAVED_WORK.c.identity == _identity(identity)
    if lesson is not None:
        where = _key(*_check(identity, lesson))
    with engine.begin() as connection:
        return int(connection.execute(sa.delete(SAVED_WORK).where(where)).rowcount or 0)


def usage(engine: sa.Engine, identity: str, now: float | None = None) -> int:
    """Bytes this identity keeps (unexpired rows)."""
    now, identity = time.time() if now is None else now, _identity(identity)
    with engine.connect() as connection:
        return int(connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(SAVED_WORK.c.size), 0))
            .where((SAVED_WORK.c.identity == identity) & (SAVED_WORK.c.updated_at >= now - EXPIRY_SECONDS))).scalar())


def local_secret(engine: sa.Engine) -> str:
    """A random secret kept in this store, made on first use (secrets.token_urlsafe(32), never derived
    from anything public): it signs browser ids when the server has no secret of its own (a learner's
    laptop), and is the same for every app process on this database."""
    where = SECRETS.c.name == "browser-ids"
    for _ in range(2):
        with engine.connect() as connection:
            value = connection.execute(sa.select(SECRETS.c.value).where(where)).scalar()
        if value:
            return value
        try:
            with engine.begin() as connection:
                connection.execute(sa.insert(SECRETS).values(name="browser-ids", value=secrets.token_urlsafe(32)))
        except sa.exc.IntegrityError:  # another process made it a moment ago: read it
            continue
    with engine.connect() as connection:
        return str(connection.execute(sa.select(SECRETS.c.value).where(where)).scalar())


def describe_limits() -> str:
    """What is kept and for how long, for a page's caption."""
    return escape_markdown(f"up to {MAX_BYTES_PER_IDENTITY / 1e6:g} MB per learner, for {EXPIRY_DAYS} days "
                           "after it was last saved or opened")
