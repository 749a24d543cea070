"""Where a class's challenge submissions are kept: one SQL table, through SQLAlchemy, so that a class runs on
SQLite in a file (WAL mode: many readers, one writer at a time, no lost writes) or on PostgreSQL shared by
several app processes. Every statement is parameterised; learner text is stored as text, never as SQL.
A nickname belongs to whoever used it first in a class session (a signed-in identity or a browser), and one
learner's submissions are rate-limited, so nobody can post as another or flood the board.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import unicodedata
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

METADATA = sa.MetaData()
SUBMISSIONS = sa.Table(
    "submissions",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("class_session", sa.String(80), nullable=False, index=True),  # e.g. "Week 3 lab"
    sa.Column("nickname", sa.String(40), nullable=False),
    sa.Column("challenge", sa.String(40), nullable=False, index=True),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=True),  # the challenge's score figure, for the leaderboard
    sa.Column("figures", sa.Text, nullable=False),  # JSON of everything measured
    sa.Column("url", sa.Text, nullable=False),  # the link that reproduces the result
)
CLASS_SETTINGS = sa.Table(  # a few values every app process of a class must agree on
    "class_settings",
    METADATA,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)
NICKNAMES = sa.Table(  # who owns each nickname of a class session
    "nicknames",
    METADATA,
    sa.Column("class_session", sa.String(80), primary_key=True),
    sa.Column("nickname_key", sa.String(160), primary_key=True),  # the nickname as compared (see nickname_key)
    sa.Column("owner", sa.String(200), nullable=False),  # "oidc:<e-mail>", "browser:<id>" or "session:<id>"
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
REFUSED = sa.Table(  # submissions refused by the rate limit, per class session (shown on the board)
    "refused_submissions",
    METADATA,
    sa.Column("class_session", sa.String(80), primary_key=True),
    sa.Column("refused", sa.Integer, nullable=False),
)
REVOKED_TOKENS = sa.Table(  # signed-out cookie tokens (playground.classroom.tokens), until they would expire anyway
    "revoked_tokens",
    METADATA,
    sa.Column("token_id", sa.String(64), primary_key=True),
    sa.Column("expires", sa.Float, nullable=False),  # seconds since the epoch
)
MAX_NICKNAME = 40


class SubmissionError(ValueError):
    """A submission that cannot be stored (for example an empty nickname); the message says why."""


def sqlite_on_connect(dbapi_connection, _record) -> None:
    """SQLite settings for a class: write-ahead log and a busy timeout, so concurrent writes wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def prepare(engine: sa.Engine) -> sa.Engine:
    """Set SQLite's pragmas on every new connection and create the table if it is missing."""
    if engine.dialect.name == "sqlite" and not sa.event.contains(engine, "connect", sqlite_on_connect):
        sa.event.listen(engine, "connect", sqlite_on_connect)
    METADATA.create_all(engine, checkfirst=True)
    return engine


def clean_nickname(nickname: str) -> str:
    """A nickname as stored: trimmed, control characters removed, at most 40 characters; never empty."""
    text = "".join(ch for ch in str(nickname) if ch.isprintable()).strip()
    if not text:
        raise SubmissionError("Choose a nickname first.")
    return text[:MAX_NICKNAME]


def nickname_key(nickname: str) -> str:
    """A nickname as compared for ownership: 'Ada', 'ada ' and 'ＡＤＡ' are one nickname."""
    return " ".join(unicodedata.normalize("NFKC", clean_nickname(nickname)).casefold().split())[:160]


class NicknameTaken(SubmissionError):
    """Another learner submits under this nickname in this class session."""


def claim_nickname(engine: sa.Engine, class_session: str, nickname: str, owner: str,
                   now: datetime | None = None) -> None:
    """Make the nickname this owner's in the class session, or raise NicknameTaken if it is someone else's
    (safe when several app processes claim at once: the table's key decides)."""
    key, session = nickname_key(nickname), (class_session or "default")[:80]
    owner = str(owner)[:200]
    where = (NICKNAMES.c.class_session == session) & (NICKNAMES.c.nickname_key == key)
    for _ in range(2):
        with engine.connect() as connection:
            current = connection.execute(sa.select(NICKNAMES.c.owner).where(where)).scalar()
        if current is not None:
            if current != owner:
                raise NicknameTaken(f"Another learner already submits as '{clean_nickname(nickname)}' in this "
                                    "class session. Choose another nickname.")
            return
        try:
            with engine.begin() as connection:
                connection.execute(sa.insert(NICKNAMES).values(class_session=session, nickname_key=key, owner=owner,
                                                               created_at=now or datetime.now(UTC)))
            return
        except sa.exc.IntegrityError:  # claimed by someone else a moment ago: read who
            continue
    raise NicknameTaken("That nickname was just taken. Choose another nickname.")


class RateLimit:
    """At most `count` events per `seconds` for each key (a learner), in this process; remembers at most
    `max_keys` keys (the least recently seen are forgotten first)."""

    def __init__(self, count: int = 6, seconds: float = 60.0, max_keys: int = 10_000, clock=time.monotonic) -> None:
        self.count, self.seconds, self.max_keys, self._clock = count, seconds, max_keys, clock
        self._lock = threading.Lock()
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> float:
        """0.0 if the event may happen now (and it is counted), else the seconds until it may."""
        with self._lock:
            now = self._clock()
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            wait = 0.0
            if len(events) >= self.count:
                wait = events[0] + self.seconds - now
            else:
                events.append(now)
            self._events[key] = events  # most recently seen last
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return wait


def count_refused(engine: sa.Engine, class_session: str) -> None:
    """One more submission refused by the rate limit in this class session."""
    session = (class_session or "default")[:80]
    with engine.begin() as connection:
        updated = connection.execute(sa.update(REFUSED).where(REFUSED.c.class_session == session)
                                     .values(refused=REFUSED.c.refused + 1)).rowcount
        if not updated:
            connection.execute(sa.insert(REFUSED).values(class_session=session, refused=1))


def refused_count(engine: sa.Engine, class_session: str) -> int:
    with engine.connect() as connection:
        value = connection.execute(sa.select(REFUSED.c.refused).where(REFUSED.c.class_session == class_session)).scalar()
    return int(value or 0)


@dataclass(frozen=True)
class Submission:
    id: int
    created_at: datetime
    class_session: str
    nickname: str
    challenge: str
    passed: bool
    score: float | None
    figures: dict
    url: str


def add_submission(engine: sa.Engine, *, class_session: str, nickname: str, challenge: str, passed: bool,
                   score: float | None, figures: dict, url: str, now: datetime | None = None) -> int:
    """Store one submission (in its own transaction); returns its id."""
    row = {
        "created_at": now or datetime.now(UTC),
        "class_session": (class_session or "default")[:80],
        "nickname": clean_nickname(nickname),
        "challenge": challenge[:40],
        "passed": bool(passed),
        "score": None if score is None else float(score),
        "figures": json.dumps(figures, sort_keys=True, default=str),
        "url": str(url)[:4000],
    }
    with engine.begin() as connection:
        result = connection.execute(sa.insert(SUBMISSIONS).values(**row))
        return int(result.inserted_primary_key[0])


def list_submissions(engine: sa.Engine, class_session: str | None = None,
                     challenge: str | None = None) -> list[Submission]:
    """Submissions, newest first, optionally of one class session and one challenge."""
    query = sa.select(SUBMISSIONS).order_by(SUBMISSIONS.c.created_at.desc(), SUBMISSIONS.c.id.desc())
    if class_session is not None:
        query = query.where(SUBMISSIONS.c.class_session == class_session)
    if challenge is not None:
        query = query.where(SUBMISSIONS.c.challenge == challenge)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [Submission(r["id"], r["created_at"], r["class_session"], r["nickname"], r["challenge"], r["passed"],
                       r["score"], json.loads(r["figures"]), r["url"]) for r in rows]


def leaderboard(submissions: list[Submission], lower_is_better: bool) -> list[Submission]:
    """Each nickname's best passed submission, best first (earlier wins a tie)."""
    best: dict[str, Submission] = {}
    for s in sorted(submissions, key=lambda s: (s.created_at, s.id)):
        if not s.passed or s.score is None:
            continue
        current = best.get(s.nickname)
        better = current is None or (s.score < current.score if lower_is_better else s.score > current.score)
        if better:
            best[s.nickname] = s
    return sorted(best.values(), key=lambda s: (s.score if lower_is_better else -s.score, s.created_at))


def class_sessions(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(SUBMISSIONS.c.class_session).distinct()).scalars().all()
    return sorted(rows)


def clear_class_session(engine: sa.Engine, class_session: str) -> int:
    """Delete one class session's submissions; returns how many."""
    with engine.begin() as connection:
        result = connection.execute(sa.delete(SUBMISSIONS).where(SUBMISSIONS.c.class_session == class_session))
        connection.execute(sa.delete(NICKNAMES).where(NICKNAMES.c.class_session == class_session))
        connection.execute(sa.delete(REFUSED).where(REFUSED.c.class_session == class_session))
        return int(result.rowcount or 0)


def to_csv(submissions: list[Submission]) -> bytes:
    """The submissions as CSV (text cells that could start a spreadsheet formula are quoted with ')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "created_at", "class_session", "nickname", "challenge", "passed", "score", "figures", "url"])

    def safe(cell: str) -> str:
        return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell

    for s in submissions:
        writer.writerow([s.id, s.created_at.isoformat(), safe(s.class_session), safe(s.nickname), s.challenge,
                         s.passed, "" if s.score is None else s.score, json.dumps(s.figures), safe(s.url)])
    return buffer.getvalue().encode("utf-8")


def current_class_session(engine: sa.Engine, default: str) -> str:
    """The class session submissions go to now (the instructor names it; shared by every app process)."""
    with engine.connect() as connection:
        value = connection.execute(
            sa.select(CLASS_SETTINGS.c.value).where(CLASS_SETTINGS.c.name == "class_session")).scalar()
    return value or default


def set_current_class_session(engine: sa.Engine, name: str) -> str:
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:80]
    if not name:
        raise SubmissionError("Name the class session, e.g. 'Week 3 lab'.")
    with engine.begin() as connection:
        updated = connection.execute(sa.update(CLASS_SETTINGS).where(CLASS_SETTINGS.c.name == "class_session")
                                     .values(value=name)).rowcount
        if not updated:
            connection.execute(sa.insert(CLASS_SETTINGS).values(name="class_session", value=name))
    return name
