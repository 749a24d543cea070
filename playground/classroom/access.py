"""Who may enter a class server, and who is its instructor: class passwords (only their salted scrypt hashes
are stored, in .streamlit/secrets.toml, and compared in constant time, with a growing delay after failed
tries, enforced per client address across its sessions) and, for OpenID Connect logins, the e-mail domains
allowed in; and which role a browser session has.

`python -m playground.classroom hash` turns a password into the line to paste into secrets.toml;
`python -m playground.classroom secret` prints a new random server secret for it.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import ipaddress
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_DELAY = 8.0  # seconds; the delay doubles with each failed try from one client, up to this
FORGET_AFTER = 15 * 60.0  # seconds after a client's last try its failures are forgotten
MAX_CLIENTS = 10_000  # clients remembered at once (the least recently seen are forgotten first)


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


class TooManyTries(Exception):
    """This client's next try is too far off to wait for in a page run; the message says how long to wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"Too many tries from this computer: wait {max(1, round(seconds))} seconds and try again.")


@dataclass
class _Record:
    failures: int = 0
    in_flight: int = 0  # tries that have their turn and are being checked
    next_turn: float = 0.0  # when the next try of this client may be checked
    seen: float = 0.0


class FailedTries:
    """Failed password tries per client (its address; see client_address). Each try takes a turn: the
    first at once, each later one `delay(failures so far, in flight included)` after the previous turn, so
    parallel sessions of one client queue up instead of guessing side by side. A turn more than MAX_DELAY
    away is refused outright (TooManyTries). A success forgives the client; a client unseen for FORGET_AFTER
    seconds is forgotten, and at most MAX_CLIENTS are remembered. One client's record never slows another."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._records: OrderedDict[str, _Record] = OrderedDict()  # least recently seen first

    @staticmethod
    def delay_after(failures: int) -> float:
        """The wait after `failures` failures: 0.5 s doubling up to MAX_DELAY (no float overflow)."""
        return 0.0 if failures <= 0 else min(MAX_DELAY, 0.5 * 2.0 ** min(failures - 1, 32))

    def _record(self, client: str, now: float) -> _Record:
        while self._records:  # forget clients unseen for a while (oldest first)
            oldest = next(iter(self._records.values()))
            if now - oldest.seen < FORGET_AFTER or oldest.in_flight:
                break
            self._records.popitem(last=False)
        record = self._records.pop(client, None) or _Record(next_turn=now)
        record.seen = now
        self._records[client] = record
        while len(self._records) > MAX_CLIENTS:
            self._records.popitem(last=False)
        return record

    def delay(self, client: str) -> float:
        """How long a try from this client would wait now."""
        with self._lock:
            record = self._records.get(client)
            now = self._clock()
            if record is None or now - record.seen >= FORGET_AFTER:
                return 0.0
            return max(0.0, record.next_turn - now)

    def take_turn(self, client: str) -> float:
        """Book this client's next turn; returns the seconds to wait for it (TooManyTries if over MAX_DELAY)."""
        with self._lock:
            now = self._clock()
            record = self._record(client, now)
            turn = max(now, record.next_turn)
            if turn - now > MAX_DELAY:
                raise TooManyTries(turn - now)
            record.in_flight += 1
            record.next_turn = turn + self.delay_after(record.failures + record.in_flight)
            return turn - now

    def finished(self, client: str, ok: bool) -> None:
        """A booked try's outcome."""
        with self._lock:
            record = self._records.get(client)
            if ok:
                self._records.pop(client, None)
                return
            if record is None:  # forgiven meanwhile by another session's success
                record = self._record(client, self._clock())
                record.next_turn = self._clock() + self.delay_after(1)
            else:
                record.in_flight = max(0, record.in_flight - 1)
            record.failures += 1

    def failed(self, client: str) -> None:
        """A failed try now (outside check_password): the next one waits its delay from now."""
        with self._lock:
            now = self._clock()
            record = self._record(client, now)
            record.failures += 1
            record.next_turn = max(record.next_turn, now + self.delay_after(record.failures))

    def succeeded(self, client: str) -> None:
        self.finished(client, ok=True)

    def __len__(self) -> int:
        return len(self._records)


def check_password(password: str, hashes: dict[str, str], client: str, tries: FailedTries,
                   sleep: Callable[[float], None] = time.sleep) -> str | None:
    """Wait for the client's turn, then check the password against each role's hash (e.g. 'instructor',
    'learner'); returns the matching role or None and records the outcome. TooManyTries when the client's
    turn is too far off (the password is then not checked at all)."""
    sleep(tries.take_turn(client))
    role = None
    try:
        for candidate, stored in hashes.items():
            if stored and verify_password(password, stored):
                role = candidate
                break
    finally:
        tries.finished(client, role is not None)
    return role


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text.strip(), strict=False)


def parse_trusted_proxies(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The proxies' addresses or networks ('127.0.0.1', '172.16.0.0/12'), checked; ValueError names a bad one."""
    for value in values:
        try:
            _network(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network (e.g. \"127.0.0.1\" or \"10.0.0.0/8\")") from None
    return tuple(v.strip() for v in values)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_address(peer: str | None, forwarded_for: list[str], trusted_proxies: tuple[str, ...]) -> str | None:
    """Who a request comes from, for the failed-try throttle: the connection's address, or, only when that is
    one of the trusted proxies, the nearest address in X-Forwarded-For that is not a trusted proxy (the one
    the proxy itself saw; anything further left could be forged by the client). An IPv6 client is its /64.
    None when the address is unknown."""
    networks = [_network(t) for t in trusted_proxies]

    def trusted(address) -> bool:
        return any(address.version == n.version and address in n for n in networks)

    address = _ip(peer) if peer else None
    if address is None:
        return None
    if trusted(address):
        hops = [h for value in forwarded_for for h in str(value).split(",")][-32:]
        for hop in reversed(hops):
            candidate = _ip(hop)
            if candidate is None:  # garbage from the proxy: stay with the proxy's own address
                break
            address = candidate
            if not trusted(candidate):
                break
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Signed:
    """Who this browser session is, once settled: its role, how (password token, OIDC, no access control),
    and the cookie token that carries it (for signing out)."""

    role: str  # "learner" or "instructor"
    via: str  # "token", "oidc", "open" (a class without access control) or "laptop" (no class)
    token_id: str | None = None
    until: int = 0


def resolve_role(*, has_class: bool, mode: str, held: Signed | None, signed_out: bool, cookie_role: str | None,
                 cookie_token_id: str | None, cookie_until: int, revoked: Callable[[str], bool],
                 oidc_email: str | None, allowed_domains: tuple[str, ...], instructors: tuple[str, ...]) -> Signed | None:
    """The session's role, from what it holds and what it brings. Without a class nobody is an instructor;
    with OpenID Connect only the identity counts (re-checked every time); otherwise the role this session
    signed in with, else a valid, unrevoked cookie token (not after this session signed out), else a learner
    when the class has no access control. None: sign in first."""
    if not has_class:
        return Signed("learner", "laptop")
    if mode == "oidc":
        email = (oidc_email or "").strip().lower()
        if email and email in instructors:
            return Signed("instructor", "oidc")
        if email_allowed(email, allowed_domains, instructors):
            return Signed("learner", "oidc")
        return None
    if held is not None and held.via == "token" and held.token_id and not revoked(held.token_id):
        return held
    if not signed_out and cookie_role in ("learner", "instructor") and cookie_token_id \
            and not revoked(cookie_token_id):
        return Signed(cookie_role, "token", cookie_token_id, cookie_until)
    return Signed("learner", "open") if mode == "none" else None


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
    """`hash [--instructor]`: a password's line for secrets.toml (asked twice, never echoed); `secret`: a new
    random server secret's line. `python -m playground.classroom --help` describes every command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["secret"]:
        from playground.classroom.tokens import new_secret

        print(f'token_secret = "{new_secret()}"')
        return 0
    if argv not in (["hash"], ["hash", "--instructor"]):
        print("usage: python -m playground.classroom hash [--instructor] | secret   (then paste the line printed "
              "under [classroom] in .streamlit/secrets.toml)", file=sys.stderr)
        return 2
    instructor = "--instructor" in argv
    password = getpass.getpass("Instructor password: " if instructor else "Class password: ")
    if len(password) < 8:
        print("Use at least 8 characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != password:
        print("The two passwords differ.", file=sys.stderr)
        return 1
    print(f'{"instructor_password_hash" if instructor else "password_hash"} = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
