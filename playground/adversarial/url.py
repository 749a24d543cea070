"""The Adversarial examples lesson's link (?digit=…&attack=pgd&eps=0.1&steps=10&target=3), read from a
shared link or a class preset and written for the attack on screen: a table of fields (playground.url_table),
every value bounded, a bad one named as literal text in a notice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playground.adversarial.lesson import MAX_DIGIT, MAX_EPS, MAX_STEPS, AdversarialLesson
from playground.url_table import Field, choice, markdown, number_in, read_table, whole_in, write

ATTACKS = ("fgsm", "pgd")
QUOTING = markdown(20)  # a notice quotes a link's value as literal Markdown text, 20 characters at most
_DEFAULTS = AdversarialLesson()
FIELDS = (  # in the link's order; attack, ε and steps are always written
    Field("attack", choice(ATTACKS), "fgsm or pgd", _DEFAULTS.attack, always=True),
    Field("eps", number_in(0, MAX_EPS, digits=2), f"a number from 0 to {MAX_EPS:g}", _DEFAULTS.eps,
          write=lambda eps: f"{eps:g}", always=True),
    Field("steps", whole_in(range(1, MAX_STEPS + 1)), f"a whole number from 1 to {MAX_STEPS}", _DEFAULTS.steps,
          always=True),
    Field("digit", whole_in(range(MAX_DIGIT + 1)), "a test digit number", None),  # None: the page's first 7
    Field("target", whole_in(range(10)), "a digit from 0 to 9", _DEFAULTS.target),  # None: any wrong class
)
KEYS = tuple(field.key for field in FIELDS)


def parse_link(query: Mapping[str, Any]) -> tuple[AdversarialLesson, int | None, list[str]]:
    """(lesson, test digit or None, notices) from a link or a class preset: a bad value keeps the default,
    with a notice that quotes it as literal text; unknown keys are named."""
    values, notices = read_table(query, FIELDS, QUOTING)
    lesson = AdversarialLesson(attack=values["attack"], eps=values["eps"], steps=values["steps"],
                               target=values["target"])
    return lesson, values["digit"], notices


def link_query(lesson: AdversarialLesson, digit: int | None = None) -> dict[str, str]:
    """The link of the attack on screen: attack, ε, PGD's steps, the test digit (when one is attacked) and
    the target class (when there is one)."""
    return write(FIELDS, {"attack": lesson.attack, "eps": lesson.eps, "steps": lesson.steps, "digit": digit,
                          "target": lesson.target})
