"""Signed tokens for a class server's cookies (a learner's or the instructor's role; a browser's own id for
its nickname), keyed by a random server secret that is never derived from anything public, and revocable:
signing out puts a token's id on a list every app process reads from the class's database.

The secret is `token_secret` under `[classroom]` in .streamlit/secrets.toml (`python -m playground.classroom.access
secret` prints one) or else Streamlit's `server.cookieSecret` when it is set explicitly (the same for every
process of a class). Without it there are no tokens at all: `token_key` refuses.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from playground.classroom.submissions import REVOKED_TOKENS

MIN_SECRET_CHARS = 32  # secrets.token_urlsafe(32) has 43; Streamlit's token_hex(16) has 32
KINDS = ("role", "browser")
ROLES = ("learner", "instructor")
_FIELD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTEXT = b"neural-playground/cookie-token/v2"


MISSING_SECRET = (
    "a class with passwords, OpenID Connect or an instructor needs a random server secret: run "
    "`python -m playground.classroom secret` and put the line it prints under [classroom] in "
    f".streamlit/secrets.toml (or set server.cookieSecret, at least {MIN_SECRET_CHARS} characters, the same for "
    "every app process of the class)")


class MissingSecret(RuntimeError):
    """No server secret (or one too short to be random): tokens can be neither made nor trusted."""


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_key(secret: str | None) -> bytes:
    """The HMAC key for tokens, from the server secret (MissingSecret when there is none or it is short)."""
    secret = (secret or "").strip()
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(MISSING_SECRET)
    return hmac.new(secret.encode("utf-8"), _CONTEXT, hashlib.sha256).digest()


def server_secret(class_secrets: Mapping, cookie_secret: str | None) -> str | None:
    """The secret to key tokens with: secrets.toml's [classroom] token_secret, else an explicitly set
    server.cookieSecret (pass None when Streamlit made that up itself); None when neither is long enough."""
    for candidate in (class_secrets.get("token_secret"), cookie_secret):
        if isinstance(candidate, str) and len(candidate.strip()) >= MIN_SECRET_CHARS:
            return candidate.strip()
    return None


@dataclass(frozen=True)
class Token:
    kind: str  # "role" or "browser"
    subject: str  # the role, or the browser's id
    id: str  # random; what a revocation names
    until: int  # expiry, seconds since the epoch


def issue(key: bytes, kind: str, subject: str | None = None, seconds: float = 86400.0,
          now: float | None = None) -> tuple[str, Token]:
    """A new signed token and what it says (a browser token's subject is a new random id)."""
    token_id = secrets.token_urlsafe(12)
    subject = token_id if subject is None else subject
    if kind not in KINDS or (kind == "role" and subject not in ROLES) or not _FIELD.fullmatch(subject):
        raise ValueError(f"cannot sign {kind}:{subject}")
    until = int((time.time() if now is None else now) + seconds)
    body = f"v2.{kind}.{subject}.{token_id}.{until}"
    return f"{body}.{_mac(key, body)}", Token(kind, subject, token_id, until)


def read(key: bytes, token: object, kind: str, now: float | None = None) -> Token | None:
    """What a token says, if this server signed it, it is of this kind and it has not expired; else None."""
    if not isinstance(token, str) or len(token) > 300:
        return None
    parts = token.split(".")
    if len(parts) != 6 or parts[0] != "v2" or parts[1] != kind:
        return None
    _, _, subject, token_id, until, mac = parts
    if not all(_FIELD.fullmatch(p) for p in (subject, token_id)) or not until.isdigit():
        return None
    if not hmac.compare_digest(mac, _mac(key, ".".join(parts[:5]))):
        return None
    if int(until) <= (time.time() if now is None else now) or (kind == "role" and subject not in ROLES):
        return None
    return Token(kind, subject, token_id, int(until))


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def cookie(name: str, value: str, max_age: int, https: bool) -> str:
    """A `document.cookie` assignment: this site only, never sent cross-site, Secure over HTTPS
    (max_age 0 deletes it)."""
    return f"{name}={value}; Max-Age={max(0, int(max_age))}; Path=/; SameSite=Strict" + ("; Secure" if https else "")


def served_over_https(url: str | None, origin: str | None) -> bool:
    """Whether the browser sees the page over HTTPS (its URL, or the Origin of its WebSocket)."""
    return any(str(v or "").lower().startswith("https://") for v in (url, origin))


# ---------------------------------------------------------------- revocation, shared by every app process


def revoke(engine: sa.Engine, token: Token, now: float | None = None) -> None:
    """Put a token on the revoked list (until it would have expired anyway); forget expired entries."""
    now = time.time() if now is None else now
    with engine.begin() as connection:
        connection.execute(sa.delete(REVOKED_TOKENS).where(REVOKED_TOKENS.c.expires < now))
        exists = connection.execute(sa.select(REVOKED_TOKENS.c.token_id)
                                    .where(REVOKED_TOKENS.c.token_id == token.id)).first()
        if exists is None:
            connection.execute(sa.insert(REVOKED_TOKENS).values(token_id=token.id, expires=float(token.until)))


def is_revoked(engine: sa.Engine, token_id: str) -> bool:
    with engine.connect() as connection:
        return connection.execute(sa.select(REVOKED_TOKENS.c.token_id)
                                  .where(REVOKED_TOKENS.c.token_id == token_id)).first() is not None


class RevokedCache:
    """This process's copy of the revoked list, re-read at most every `refresh` seconds: cheap enough to
    ask on every page run, so a token signed out in another tab or process stops working soon after."""

    def __init__(self, engine_of: Callable[[], sa.Engine], refresh: float = 5.0, clock=time.monotonic) -> None:
        self._engine_of, self._refresh, self._clock = engine_of, refresh, clock
        self._lock = threading.Lock()
        self._ids: set[str] = set()
        self._read_at = float("-inf")

    def add(self, token_id: str) -> None:
        with self._lock:
            self._ids.add(token_id)

    def __contains__(self, token_id: object) -> bool:
        with self._lock:
            stale = self._clock() - self._read_at >= self._refresh
        if stale:
            with self._engine_of().connect() as connection:
                ids = set(connection.execute(sa.select(REVOKED_TOKENS.c.token_id)
                                             .where(REVOKED_TOKENS.c.expires >= time.time())).scalars())
            with self._lock:
                self._ids |= ids
                self._read_at = self._clock()
        with self._lock:
            return token_id in self._ids


# ---------------------------------------------------------------- the secret as `classroom check` finds it


def read_outside_streamlit(environ: Mapping[str, str], secrets_files: list[Path],
                           config_files: list[Path]) -> tuple[dict, str | None]:
    """What the class server will see, read without Streamlit (for `classroom check`): the [classroom]
    secrets from the secrets files, and server.cookieSecret from STREAMLIT_SERVER_COOKIE_SECRET or the
    config files (None when neither sets it)."""
    import tomllib

    def read_toml(path: Path) -> dict:
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return {}

    class_secrets: dict = {}
    for path in secrets_files:
        section = read_toml(path).get("classroom", {})
        class_secrets.update(section if isinstance(section, dict) else {})
    cookie_secret = environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or None
    if cookie_secret is None:
        for path in config_files:
            server = read_toml(path).get("server", {})
            if isinstance(server, dict) and isinstance(server.get("cookieSecret"), str):
                cookie_secret = server["cookieSecret"]
    return class_secrets, cookie_secret
