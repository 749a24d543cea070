"""Where a class's challenge submissions are kept: SQL tables, through SQLAlchemy, so that a class runs on
SQLite in a file (WAL mode: many readers, one writer at a time, no lost writes) or on PostgreSQL shared by
several app processes. Every statement is parameterised; learner text is stored as text, never as SQL.
A nickname belongs to whoever used it first in a class session (a signed-in identity or a browser), one
learner's submissions are rate-limited, and the very same result is stored once, so nobody can post as
another or flood the board. Which lessons each learner opened is kept too (the board's progress table).

A *class session* is one sitting of a class (e.g. "Week 3 lab"): the instructor names it on the board; new
submissions and lesson opens go to it, nicknames are claimed per session, and clearing it starts afresh.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import threading
import time
import unicodedata
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

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
    sa.Column("medal", sa.String(10), nullable=True),  # the best tier met: bronze, silver, gold (None: not yet)
    sa.Column("fingerprint", sa.String(64), nullable=True),  # of (nickname, challenge, figures, url): no duplicates
)
# the same result once per class session (NULL fingerprints, of rows stored before it existed, never clash)
SUBMITTED_ONCE = sa.Index("submissions_once", SUBMISSIONS.c.class_session, SUBMISSIONS.c.fingerprint, unique=True)
ADDED_COLUMNS = ("medal", "fingerprint")  # added to a table made by an older version (see prepare)
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
LESSON_OPENS = sa.Table(  # which lessons each learner opened, per class session (the board's progress table)
    "lesson_opens",
    METADATA,
    sa.Column("class_session", sa.String(80), primary_key=True),
    sa.Column("learner", sa.String(200), primary_key=True),  # the owner of nicknames (see claim_nickname)
    sa.Column("lesson", sa.String(40), primary_key=True),
    sa.Column("first_opened", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_opened", sa.DateTime(timezone=True), nullable=False),
    sa.Column("opens", sa.Integer, nullable=False),
)
MAX_NICKNAME = 40


class SubmissionError(ValueError):
    """A submission that cannot be stored (for example an empty nickname); the message says why."""


class DuplicateSubmission(SubmissionError):
    """This learner already submitted this very result in this class session."""


def sqlite_on_connect(dbapi_connection, _record) -> None:
    """SQLite settings for a class: write-ahead log and a busy timeout, so concurrent writes wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def prepare(engine: sa.Engine) -> sa.Engine:
    """Set SQLite's pragmas on every new connection, create the tables that are missing, and add the
    columns a table made by an older version lacks (a class's database outlives an upgrade)."""
    if engine.dialect.name == "sqlite" and not sa.event.contains(engine, "connect", sqlite_on_connect):
        sa.event.listen(engine, "connect", sqlite_on_connect)
    METADATA.create_all(engine, checkfirst=True)
    _add_missing_columns(engine)
    return engine


def _add_missing_columns(engine: sa.Engine) -> None:
    for _ in range(2):  # another app process may add them at the same moment: look again
        present = {c["name"] for c in sa.inspect(engine).get_columns("submissions")}
        missing = [name for name in ADDED_COLUMNS if name not in present]
        if not missing:
            break
        try:
            with engine.begin() as connection:
                for name in missing:
                    column = SUBMISSIONS.c[name]
                    kind = column.type.compile(dialect=engine.dialect)
                    connection.exec_driver_sql(f"ALTER TABLE submissions ADD COLUMN {name} {kind}")
        except sa.exc.DBAPIError:
            continue
    with contextlib.suppress(sa.exc.DBAPIError):  # made by another process a moment ago
        SUBMITTED_ONCE.create(engine, checkfirst=True)


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
    medal: str | None = None


def fingerprint(nickname: str, challenge: str, figures: dict, url: str) -> str:
    """What makes two submissions the same result: one learner's nickname, challenge, figures and link."""
    text = json.dumps([nickname_key(nickname), challenge, figures, str(url)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def add_submission(engine: sa.Engine, *, class_session: str, nickname: str, challenge: str, passed: bool,
                   score: float | None, figures: dict, url: str, medal: str | None = None,
                   now: datetime | None = None) -> int:
    """Store one submission (in its own transaction); returns its id. DuplicateSubmission when this
    nickname already submitted the very same result (figures and link) in this class session: pressing
    Enter and then clicking Submit, or submitting again after a reload, stores it once."""
    row = {
        "created_at": now or datetime.now(UTC),
        "class_session": (class_session or "default")[:80],
        "nickname": clean_nickname(nickname),
        "challenge": challenge[:40],
        "passed": bool(passed),
        "score": None if score is None else float(score),
        "figures": json.dumps(figures, sort_keys=True, default=str),
        "url": str(url)[:4000],
        "medal": medal if medal in ("bronze", "silver", "gold") else None,
        "fingerprint": fingerprint(nickname, challenge, figures, str(url)[:4000]),
    }
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.insert(SUBMISSIONS).values(**row))
            return int(result.inserted_primary_key[0])
    except sa.exc.IntegrityError:
        raise DuplicateSubmission("Already on the board: you submitted this very result. Change something "
                                  "and check again to submit a new one.") from None


def delete_submission(engine: sa.Engine, submission_id: int, class_session: str | None = None) -> bool:
    """Delete one submission (of `class_session`, when given); whether there was one."""
    where = SUBMISSIONS.c.id == int(submission_id)
    if class_session is not None:
        where &= SUBMISSIONS.c.class_session == class_session
    with engine.begin() as connection:
        return bool(connection.execute(sa.delete(SUBMISSIONS).where(where)).rowcount)


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
                       r["score"], json.loads(r["figures"]), r["url"], r["medal"]) for r in rows]


MEDAL_RANK = {None: 0, "bronze": 1, "silver": 2, "gold": 3}


def leaderboard(submissions: list[Submission], lower_is_better: bool) -> list[Submission]:
    """Each nickname's best passed submission — the best medal, then the best score — best first (earlier
    wins a tie)."""
    def rank(s: Submission) -> tuple:
        return (-MEDAL_RANK.get(s.medal, 0), s.score if lower_is_better else -s.score)

    best: dict[str, Submission] = {}
    for s in sorted(submissions, key=lambda s: (s.created_at, s.id)):
        if not s.passed or s.score is None:
            continue
        current = best.get(s.nickname)
        if current is None or rank(s) < rank(current):
            best[s.nickname] = s
    return sorted(best.values(), key=lambda s: (*rank(s), s.created_at))


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
        connection.execute(sa.delete(LESSON_OPENS).where(LESSON_OPENS.c.class_session == class_session))
        return int(result.rowcount or 0)


def absolute_url(url: str, base_url: str) -> str:
    """A stored link ('/playground?…') as an absolute URL on `base_url` ('https://host/prefix'); a link that
    already is absolute, or no base, is left as it is."""
    if not base_url or urlsplit(url).scheme:
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def to_csv(submissions: list[Submission], base_url: str = "") -> bytes:
    """The submissions as CSV: the challenge's key and name, the result as readable text and as JSON, links
    absolute on `base_url` (text cells that could start a spreadsheet formula are quoted with ')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    from playground.classroom.challenges import challenge_title, describe

    writer.writerow(["id", "created_at", "class_session", "nickname", "challenge", "challenge_name", "passed",
                     "medal", "score", "result", "figures", "url"])

    def safe(cell: str) -> str:
        return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell

    for s in submissions:
        writer.writerow([s.id, s.created_at.isoformat(), safe(s.class_session), safe(s.nickname), s.challenge,
                         challenge_title(s.challenge), s.passed, s.medal or "", "" if s.score is None else s.score,
                         safe(describe(s.figures)), json.dumps(s.figures), safe(absolute_url(s.url, base_url))])
    return buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------ who opened which lesson


def record_lesson_open(engine: sa.Engine, class_session: str, learner: str, lesson: str,
                       now: datetime | None = None) -> None:
    """One more opening of `lesson` by `learner` (an owner id, as for nicknames) in the class session."""
    session, learner, lesson = (class_session or "default")[:80], str(learner)[:200], str(lesson)[:40]
    now = now or datetime.now(UTC)
    where = ((LESSON_OPENS.c.class_session == session) & (LESSON_OPENS.c.learner == learner)
             & (LESSON_OPENS.c.lesson == lesson))
    for _ in range(2):
        with engine.begin() as connection:
            if connection.execute(sa.update(LESSON_OPENS).where(where)
                                  .values(last_opened=now, opens=LESSON_OPENS.c.opens + 1)).rowcount:
                return
        try:
            with engine.begin() as connection:
                connection.execute(sa.insert(LESSON_OPENS).values(class_session=session, learner=learner,
                                                                   lesson=lesson, first_opened=now,
                                                                   last_opened=now, opens=1))
            return
        except sa.exc.IntegrityError:  # the same learner's other tab inserted it a moment ago: update it
            continue


@dataclass
class LearnerProgress:
    """One learner of a class session on the board: the name shown, the lessons opened (how often), the
    best medal per challenge, and when last seen."""

    name: str
    opened: dict[str, int]
    medals: dict[str, str | None]
    last_seen: datetime | None = None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def progress(engine: sa.Engine, class_session: str) -> list[LearnerProgress]:
    """Every learner of a class session: who opened which lesson and passed which challenge's tiers. A
    learner is known by their nicknames (several joined with ' / '); one who opened lessons but never
    submitted is 'no nickname yet 1', 2, … (in the order they arrived)."""
    with engine.connect() as connection:
        opens = connection.execute(sa.select(LESSON_OPENS).where(LESSON_OPENS.c.class_session == class_session)
                                   .order_by(LESSON_OPENS.c.first_opened)).mappings().all()
        owners = connection.execute(sa.select(NICKNAMES.c.nickname_key, NICKNAMES.c.owner)
                                    .where(NICKNAMES.c.class_session == class_session)).all()
    rows = list_submissions(engine, class_session=class_session)
    owner_of = {key: owner for key, owner in owners}
    learners: dict[str, LearnerProgress] = {}
    names: dict[str, list[str]] = {}

    def learner_for(owner: str) -> LearnerProgress:
        return learners.setdefault(owner, LearnerProgress("", {}, {}))

    for r in reversed(rows):  # oldest first: a learner's first nickname first
        key = nickname_key(r.nickname)
        owner = owner_of.get(key, "nickname:" + key)
        entry = learner_for(owner)
        shown = names.setdefault(owner, [])
        if r.nickname not in shown:
            shown.append(r.nickname)
        if r.challenge not in entry.medals or MEDAL_RANK.get(r.medal, 0) > MEDAL_RANK.get(entry.medals[r.challenge], 0):
            entry.medals[r.challenge] = r.medal
        created = _aware(r.created_at)
        entry.last_seen = max(filter(None, (entry.last_seen, created)), default=None)
    for o in opens:
        entry = learner_for(o["learner"])
        entry.opened[o["lesson"]] = int(o["opens"])
        last = _aware(o["last_opened"])
        entry.last_seen = max(filter(None, (entry.last_seen, last)), default=None)
    named, unnamed = [], []
    for owner, entry in learners.items():
        if names.get(owner):
            entry.name = " / ".join(names[owner])
            named.append(entry)
        else:
            unnamed.append(entry)
            entry.name = f"no nickname yet {len(unnamed)}"
    return sorted(named, key=lambda e: e.name.casefold()) + unnamed


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
