"""Class passwords (salted scrypt, constant-time comparison, slower after failures, per client address across
its sessions, never a lock-out of others), OIDC domains, and which role a browser session gets."""

from __future__ import annotations

import base64
import hashlib

import pytest

from playground.classroom.access import (
    FailedTries,
    check_password,
    email_allowed,
    hash_password,
    verify_password,
)


class Clock:
    """A fake clock; its sleep advances it (so waits are exact and tests are instant)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


def cheap_hash(password: str) -> str:
    """A scrypt hash in the stored format with tiny parameters, so thousands of checks take no time."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2, r=1, p=1, dklen=32)
    return f"scrypt$2$1$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


HASHES = {"instructor": cheap_hash("teach"), "learner": cheap_hash("learn")}


def test_hashes_verify_and_are_salted() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("correct horse", a) and verify_password("correct horse", b)
    assert not verify_password("correct hors", a)
    assert not verify_password("x", "not a hash") and not verify_password("x", "")


def test_failed_tries_slow_down_the_next_ones() -> None:
    clock = Clock()
    tries = FailedTries(clock=clock)
    for _ in range(4):
        assert check_password("guess", HASHES, "10.0.0.9", tries, sleep=clock.sleep) is None
    assert clock.waits == [0.0, 0.5, 1.0, 2.0]
    assert check_password("learn", HASHES, "10.0.0.9", tries, sleep=clock.sleep) == "learner"
    assert clock.waits[-1] == 4.0
    assert tries.delay("10.0.0.9") == 0.0  # a success forgives
    assert check_password("teach", HASHES, "10.0.0.9", tries, sleep=clock.sleep) == "instructor"
    assert tries.delay("10.0.0.7") == 0.0  # other clients are not slowed by one guesser
    for _ in range(10):
        tries.failed("x")
    assert tries.delay("x") == 8.0  # capped


def test_no_overflow_after_thousands_of_failures_and_the_right_password_still_works() -> None:
    from playground.classroom.access import MAX_DELAY

    clock = Clock()
    tries = FailedTries(clock=clock)
    for _ in range(2000):
        tries.failed("10.0.0.9")
    assert tries.delay("10.0.0.9") <= MAX_DELAY
    assert check_password("learn", HASHES, "10.0.0.9", tries, sleep=clock.sleep) == "learner"
    assert clock.waits == [MAX_DELAY]  # waited out the capped delay, then the password was checked
    # and thousands of wrong tries through the front door: never an exception but TooManyTries, never longer
    for _ in range(2000):
        try:
            check_password("guess", HASHES, "10.0.0.9", tries, sleep=clock.sleep)
        except Exception as error:  # noqa: BLE001
            assert type(error).__name__ == "TooManyTries"
            clock.now += 1.0
    assert max(clock.waits) <= MAX_DELAY
    assert check_password("teach", HASHES, "10.0.0.9", tries, sleep=clock.sleep) == "instructor"


def test_parallel_sessions_of_one_client_wait_their_turn() -> None:
    """Sixteen sessions of one client try at once (each starts while the others wait): they queue up, and
    the tries whose turn is further than the cap away are refused without checking the password."""
    from playground.classroom.access import MAX_DELAY, TooManyTries

    clock, tries = Clock(), FailedTries(clock=lambda: 1000.0)  # nobody's wait has passed yet
    waits, refused, checked = [], [], []

    def one_try(remaining: int) -> None:
        def sleep(seconds: float) -> None:
            waits.append(seconds)
            if remaining:  # the next session tries while this one waits for its turn
                one_try(remaining - 1)

        try:
            checked.append(check_password("guess", HASHES, "10.0.0.9", tries, sleep=sleep))
        except TooManyTries as error:
            refused.append(error.seconds)
            if remaining:
                one_try(remaining - 1)

    one_try(15)
    assert waits == [0.0, 0.5, 1.5, 3.5, 7.5]  # one at a time, each after a doubled wait
    assert len(refused) == 11 and all(s > MAX_DELAY for s in refused)
    assert checked == [None] * 5
    del clock


def test_failures_are_forgotten_and_few_clients_are_remembered() -> None:
    from playground.classroom import access

    clock = Clock()
    tries = FailedTries(clock=clock)
    for _ in range(5):
        tries.failed("10.0.0.9")
    assert tries.delay("10.0.0.9") == 8.0
    clock.now += access.FORGET_AFTER + 1
    assert tries.delay("10.0.0.9") == 0.0
    tries.failed("10.0.0.10")  # any later try sweeps the expired records away
    assert len(tries) == 1
    for i in range(access.MAX_CLIENTS + 50):
        tries.failed(f"client-{i}")
    assert len(tries) == access.MAX_CLIENTS


def test_x_forwarded_for_is_trusted_only_from_the_configured_proxy() -> None:
    from playground.classroom.access import client_address

    proxy = ("10.0.0.2",)
    assert client_address("10.0.0.2", ["203.0.113.5"], proxy) == "203.0.113.5"
    assert client_address("198.51.100.7", ["203.0.113.5"], proxy) == "198.51.100.7"  # not the proxy: ignored
    assert client_address("10.0.0.2", ["203.0.113.5"], ()) == "10.0.0.2"  # no proxy configured: ignored
    # a client's own X-Forwarded-For comes first; the proxy appends the address it saw: that one counts
    assert client_address("10.0.0.2", ["1.2.3.4, 203.0.113.5"], proxy) == "203.0.113.5"
    assert client_address("10.0.0.2", ["1.2.3.4", "203.0.113.5"], proxy) == "203.0.113.5"
    assert client_address("172.18.0.3", ["203.0.113.5, 172.18.0.9"], ("172.16.0.0/12",)) == "203.0.113.5"
    assert client_address("10.0.0.2", ["garbage"], proxy) == "10.0.0.2"
    assert client_address("10.0.0.2", [], proxy) == "10.0.0.2"
    assert client_address("2001:db8::1", [], ()) == client_address("2001:db8::ffff", [], ()) == "2001:db8::/64"
    assert client_address("::ffff:198.51.100.7", [], ()) == "198.51.100.7"
    assert client_address(None, ["203.0.113.5"], proxy) is None


def test_one_clients_failures_never_stop_another_from_signing_in() -> None:
    """Behind the class's proxy every learner arrives from its address; the throttle keys on the learner's."""
    from playground.classroom.access import MAX_CLIENTS, TooManyTries, client_address

    proxy = ("172.16.0.0/12",)
    attacker = client_address("172.18.0.3", ["203.0.113.5"], proxy)
    learner = client_address("172.18.0.3", ["198.51.100.7"], proxy)
    assert attacker != learner
    clock = Clock()
    tries = FailedTries(clock=clock)
    for _ in range(2000):
        with pytest.raises((AssertionError, TooManyTries)):
            assert check_password("guess", HASHES, attacker, tries, sleep=clock.sleep)
    for i in range(MAX_CLIENTS + 10):  # and an attacker with many addresses
        tries.failed(f"203.0.113.{i % 250}-{i}")
    before = len(clock.waits)
    assert check_password("learn", HASHES, learner, tries, sleep=clock.sleep) == "learner"
    assert clock.waits[before:] == [0.0]


def test_email_domains() -> None:
    assert email_allowed("Ada@School.EDU", ("school.edu",))
    assert email_allowed("b@math.school.edu", ("school.edu",))
    assert not email_allowed("c@evilschool.edu", ("school.edu",))
    assert not email_allowed("d@gmail.com", ("school.edu",))
    assert email_allowed("teacher@gmail.com", ("school.edu",), instructors=("teacher@gmail.com",))
    assert not email_allowed(None, ("school.edu",)) and not email_allowed("nobody", ("school.edu",))


def _resolve(**overrides):
    from playground.classroom.access import resolve_role

    arguments = dict(has_class=True, mode="password", held=None, signed_out=False, cookie_role=None,
                     cookie_token_id=None, cookie_until=0, revoked=lambda _id: False, oidc_email=None,
                     allowed_domains=("school.edu",), instructors=("teacher@school.edu",))
    arguments.update(overrides)
    return resolve_role(**arguments)


def test_without_a_class_no_cookie_makes_an_instructor() -> None:
    for mode in ("none", "password"):
        signed = _resolve(has_class=False, mode=mode, cookie_role="instructor", cookie_token_id="abc")
        assert signed.role == "learner"


def test_oidc_identity_outranks_any_cookie_and_is_checked_every_time() -> None:
    from playground.classroom.access import Signed

    held = Signed("instructor", "token", "abc", 2**40)
    student = _resolve(mode="oidc", held=held, cookie_role="instructor", cookie_token_id="abc",
                       oidc_email="student@school.edu")
    assert student.role == "learner" and student.via == "oidc"
    assert _resolve(mode="oidc", held=held, cookie_role="instructor", cookie_token_id="abc") is None  # logged out
    assert _resolve(mode="oidc", oidc_email="someone@gmail.com", cookie_role="instructor",
                    cookie_token_id="abc") is None
    assert _resolve(mode="oidc", oidc_email="Teacher@School.edu").role == "instructor"


def test_a_revoked_or_signed_out_token_gives_no_role() -> None:
    from playground.classroom.access import Signed

    held = Signed("instructor", "token", "abc", 2**40)
    assert _resolve(held=held).role == "instructor"
    assert _resolve(held=held, revoked=lambda i: i == "abc") is None
    assert _resolve(cookie_role="instructor", cookie_token_id="abc", revoked=lambda i: i == "abc") is None
    assert _resolve(cookie_role="learner", cookie_token_id="abc").role == "learner"
    assert _resolve(cookie_role="learner", cookie_token_id="abc", signed_out=True) is None  # at once, this tab
    assert _resolve(mode="none", held=held, revoked=lambda i: True).role == "learner"  # open class: a learner


def test_the_secret_command_prints_a_random_line(capsys) -> None:
    from playground.classroom.access import main

    assert main(["secret"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["secret"]) == 0
    second = capsys.readouterr().out.strip()
    assert first.startswith('token_secret = "') and first != second and len(first) > 50
