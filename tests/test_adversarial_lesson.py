"""The Adversarial examples lesson's link: every value bounded, bad ones named as literal text; and how
many digits a whole-test-set view attacks, so that PGD's steps cannot multiply the work."""

from __future__ import annotations

import time

import pytest

from playground.adversarial.lesson import MAX_STEPS, digits_to_attack, parse_link


def test_a_good_link_sets_the_attack() -> None:
    lesson, digit, notices = parse_link({"attack": "pgd", "eps": "0.123", "steps": "12", "target": "3", "digit": "42"})
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit, notices) == ("pgd", 0.12, 12, 3, 42, [])
    lesson, digit, notices = parse_link({})
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit, notices) == ("fgsm", 0.1, 10, None, None, [])


@pytest.mark.parametrize(("key", "value"), [
    ("attack", "cw"), ("eps", "0.31"), ("eps", "nan"), ("eps", "inf"), ("eps", "-0.1"), ("steps", "0"),
    ("steps", str(MAX_STEPS + 1)), ("steps", "1e9"), ("steps", "9" * 5000), ("target", "10"), ("target", "3.5"),
    ("digit", "60000"), ("digit", "-1"), ("digit", "x"),
])
def test_bad_values_keep_the_default_with_a_notice(key: str, value: str) -> None:
    start = time.perf_counter()
    lesson, digit, notices = parse_link({key: value})
    assert time.perf_counter() - start < 0.01
    assert (lesson.attack, lesson.eps, lesson.steps, lesson.target, digit) == ("fgsm", 0.1, 10, None, None)
    assert len(notices) == 1 and notices[0].startswith(f"{key} '") and notices[0].endswith("using the default.")
    assert len(notices[0]) < 120


def test_a_notice_quotes_the_link_as_literal_text() -> None:
    from playground.text import escape_markdown

    link = "[win](https://evil.example)"
    _, _, notices = parse_link({"attack": link})
    assert notices == [f"attack '{escape_markdown(link, 20)}' is not fgsm or pgd — using the default."]
    assert notices[0].startswith(r"attack '\[win\]\(https")


def test_pgd_steps_do_not_multiply_the_work_of_a_whole_test_set_view() -> None:
    assert digits_to_attack("fgsm", 40, 1000) == 1000 and digits_to_attack("fgsm", 40, 300) == 300
    assert digits_to_attack("pgd", 10, 1000) == 1000
    assert digits_to_attack("pgd", 40, 1000) == 250
    assert all(digits_to_attack("pgd", s, 10_000) * s <= 10_000 for s in range(1, MAX_STEPS + 1))
