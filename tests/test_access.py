"""Class passwords (salted scrypt, constant-time comparison, slower after failures) and OIDC domains."""

from __future__ import annotations

from playground.access import FailedTries, check_password, email_allowed, hash_password, verify_password


def test_hashes_verify_and_are_salted() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert verify_password("correct horse", a) and verify_password("correct horse", b)
    assert not verify_password("correct hors", a)
    assert not verify_password("x", "not a hash") and not verify_password("x", "")


def test_failed_tries_slow_down_the_next_ones() -> None:
    tries, waits = FailedTries(), []
    hashes = {"instructor": hash_password("teach"), "learner": hash_password("learn")}
    for _ in range(4):
        assert check_password("guess", hashes, "10.0.0.9", tries, sleep=waits.append) is None
    assert waits == [0.0, 0.5, 1.0, 2.0]
    assert check_password("learn", hashes, "10.0.0.9", tries, sleep=waits.append) == "learner"
    assert tries.delay("10.0.0.9") == 0.0  # a success forgives
    assert check_password("teach", hashes, "10.0.0.9", tries, sleep=waits.append) == "instructor"
    assert tries.delay("10.0.0.7") == 0.0  # other clients are not slowed by one guesser
    for _ in range(10):
        tries.failed("x")
    assert tries.delay("x") == 8.0  # capped


def test_email_domains() -> None:
    assert email_allowed("Ada@School.EDU", ("school.edu",))
    assert email_allowed("b@math.school.edu", ("school.edu",))
    assert not email_allowed("c@evilschool.edu", ("school.edu",))
    assert not email_allowed("d@gmail.com", ("school.edu",))
    assert email_allowed("teacher@gmail.com", ("school.edu",), instructors=("teacher@gmail.com",))
    assert not email_allowed(None, ("school.edu",)) and not email_allowed("nobody", ("school.edu",))
