"""Cookie tokens of a class server: keyed only by a random server secret (never a constant, never derived
from the password hashes), forged or old-style tokens rejected, revocation seen by every app process, the
cookie Secure over HTTPS; and the Streamlit glue (playground.ui) refusing without a secret."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
import sqlalchemy as sa

from playground.classroom import submissions

SECRET = "k" * 20 + "-random-enough-for-a-test"
HASHES = {"password_hash": "scrypt$16384$8$1$c2FsdA==$aGFzaA==",
          "instructor_password_hash": "scrypt$16384$8$1$c2FsdDI=$aGFzaDI="}


def old_style_token(role: str, material: str) -> str:
    """A token as the old code minted it (its key derived from a constant and the password hashes)."""
    key = hashlib.sha256(("neural-playground-access|" + material).encode()).digest()
    until = int(time.time() + 86400)
    return f"{role}.{until}.{hmac.new(key, f'{role}.{until}'.encode(), hashlib.sha256).hexdigest()}"


def test_the_key_needs_a_random_secret() -> None:
    from playground.classroom import tokens

    for missing in (None, "", "short", " " * 40):
        with pytest.raises(tokens.MissingSecret):
            tokens.token_key(missing)
    assert tokens.token_key(SECRET) != tokens.token_key(SECRET + "x")
    assert tokens.server_secret(HASHES, None) is None  # never derived from the password hashes
    assert tokens.server_secret({**HASHES, "token_secret": SECRET}, None) == SECRET
    assert tokens.server_secret({}, "c" * 32) == "c" * 32  # an explicitly set server.cookieSecret
    assert tokens.server_secret({"token_secret": "short"}, None) is None


def test_tokens_round_trip_and_forgeries_fail() -> None:
    from playground.classroom import tokens

    key = tokens.token_key(SECRET)
    value, token = tokens.issue(key, "role", "instructor")
    assert tokens.read(key, value, "role") == token and token.subject == "instructor"
    assert tokens.read(key, value, "browser") is None  # a role token is not a browser id
    assert tokens.read(tokens.token_key(SECRET + "x"), value, "role") is None  # another server's
    body, mac = value.rsplit(".", 1)
    assert tokens.read(key, body.replace("instructor", "learner") + "." + mac, "role") is None
    assert tokens.read(key, value[:-1] + ("0" if value[-1] != "0" else "1"), "role") is None
    expired, _ = tokens.issue(key, "role", "learner", seconds=-1)
    assert tokens.read(key, expired, "role") is None
    for material in ("", HASHES["password_hash"] + "|" + HASHES["instructor_password_hash"], SECRET):
        assert tokens.read(key, old_style_token("instructor", material), "role") is None
    for junk in (None, 7, "", "a.b.c", "v2.role.instructor.x.99999999999.00", "x" * 10_000):
        assert tokens.read(key, junk, "role") is None
    browser, browser_token = tokens.issue(key, "browser")
    assert tokens.read(key, browser, "browser").subject == browser_token.subject == browser_token.id


def test_the_cookie_is_secure_over_https() -> None:
    from playground.classroom import tokens

    assert tokens.served_over_https("https://class.school.edu/playground", None)
    assert tokens.served_over_https(None, "https://class.school.edu")
    assert not tokens.served_over_https("http://127.0.0.1:8501/", "http://127.0.0.1:8501")
    secure = tokens.cookie("np_class_access", "v", 86400, https=True)
    plain = tokens.cookie("np_class_access", "v", 86400, https=False)
    assert "; Secure" in secure and "Secure" not in plain
    assert "SameSite=Strict" in secure and "Path=/" in secure
    assert "Max-Age=0" in tokens.cookie("np_class_access", "", 0, https=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def two_processes(request, tmp_path, postgres_url):
    """Two engines on one database: two app processes of a class."""
    url = f"sqlite:///{tmp_path / 'class.sqlite'}" if request.param == "sqlite" else postgres_url
    engines = [submissions.prepare(sa.create_engine(url)) for _ in range(2)]
    yield engines
    with engines[0].begin() as connection:
        connection.execute(sa.delete(submissions.REVOKED_TOKENS))
    for engine in engines:
        engine.dispose()


def test_a_revoked_token_is_revoked_in_every_process(two_processes) -> None:
    from playground.classroom import tokens

    first, second = two_processes
    key = tokens.token_key(SECRET)
    _, token = tokens.issue(key, "role", "instructor")
    _, other = tokens.issue(key, "role", "learner")
    clock = [0.0]
    cache = tokens.RevokedCache(lambda: second, refresh=5.0, clock=lambda: clock[0])
    assert token.id not in cache and not tokens.is_revoked(second, token.id)
    tokens.revoke(first, token)  # signed out on the first process
    tokens.revoke(first, token)  # twice is harmless
    assert tokens.is_revoked(second, token.id) and not tokens.is_revoked(second, other.id)
    clock[0] += 5.0
    assert token.id in cache and other.id not in cache
    _, old = tokens.issue(key, "role", "learner", seconds=-10)
    tokens.revoke(first, old)
    tokens.revoke(first, other)  # expired entries are swept on the next revocation
    assert not tokens.is_revoked(second, old.id) and tokens.is_revoked(second, other.id)


def test_the_streamlit_glue_has_no_fallback_key(monkeypatch) -> None:
    """ui's key: None (no tokens at all) without a secret, whatever the password hashes are."""
    from playground.ui import access as ui

    monkeypatch.setattr(ui, "_class_secrets", lambda: dict(HASHES))
    monkeypatch.setattr(ui, "_cookie_secret", lambda: None, raising=False)
    assert ui._token_key() is None
    for material in ("", HASHES["password_hash"] + "|" + HASHES["instructor_password_hash"]):
        assert ui._role_from_token(old_style_token("instructor", material)) is None
    from playground.classroom import tokens

    monkeypatch.setattr(ui, "_class_secrets", lambda: {**HASHES, "token_secret": SECRET})
    assert ui._token_key() == tokens.token_key(SECRET)
    forged = old_style_token("instructor", HASHES["password_hash"] + "|" + HASHES["instructor_password_hash"])
    assert ui._role_from_token(forged) is None
