"""Who may enter a class server, and who is its instructor: class passwords (only their salted scrypt hashes
are stored, in .streamlit/secrets.toml, and compared in constant time, with a growing delay after failed
tries) and, for OpenID Connect logins, the e-mail domains allowed in.

`python -m playground.access hash` turns a password into the line to paste into secrets.toml.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys
import threading
import time

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_DELAY = 8.0  # seconds; the delay doubles with each failed try from one client, up to this


def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$salt$hash' (base64), for secrets.toml."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a stored hash; the comparison takes the same time either way."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(str(password).encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


class FailedTries:
    """Failed password tries per client (a browser session); each failure doubles the wait before the next
    try is even checked, so guessing is slow, while one mistyped password costs a second."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # client -> (count, time of the last failure)

    def delay(self, client: str) -> float:
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
        return 0.0 if count == 0 else min(MAX_DELAY, 0.5 * 2 ** (count - 1))

    def failed(self, client: str) -> None:
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
            self._failures[client] = (count + 1, time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def check_password(password: str, hashes: dict[str, str], client: str, tries: FailedTries,
                   sleep=time.sleep) -> str | None:
    """Wait out the client's delay, then check the password against each role's hash (e.g. 'instructor',
    'learner'); returns the matching role or None, and records the outcome for the client."""
    sleep(tries.delay(client))
    for role, stored in hashes.items():
        if stored and verify_password(password, stored):
            tries.succeeded(client)
            return role
    tries.failed(client)
    return None


def email_allowed(email: str | None, allowed_domains: tuple[str, ...], instructors: tuple[str, ...] = ()) -> bool:
    """Whether an OpenID Connect user may enter: an instructor, or an address in one of the domains."""
    if not email or "@" not in email:
        return False
    email = email.strip().lower()
    if email in instructors:
        return True
    domain = email.rsplit("@", 1)[1]
    return any(domain == d or domain.endswith("." + d) for d in allowed_domains)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["hash"]:
        print("usage: python -m playground.access hash   (then paste the line into .streamlit/secrets.toml)")
        return 2
    password = getpass.getpass("Password: ")
    if len(password) < 8:
        print("Use at least 8 characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != password:
        print("The two passwords differ.", file=sys.stderr)
        return 1
    print(f'password_hash = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
