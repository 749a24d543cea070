"""'Try this' experiments: what to do, what the learner will see, and a one-click set-up with a fixed seed.

A page lists a lesson's tryouts; "Set this up" applies one to the learner's lesson state. The claim in
`look_for` must be true for that set-up: `tests/test_tryouts_<lesson>.py` runs each set-up and asserts what
the text promises, so a page never teaches something its own settings do not show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

L = TypeVar("L")  # the lesson's state object (PlaygroundLesson, DigitLesson, …)


@dataclass(frozen=True)
class Tryout(Generic[L]):
    """One experiment of a lesson's 'Try this' list."""

    key: str  # stable name: widget keys and test ids ("xor-two-neurons")
    do: str  # what to do, Markdown ("XOR with two hidden neurons")
    look_for: str  # what the learner will see: the claim a test checks
    set_up: Callable[[L], None] | None = None  # applies it to the lesson state; None: done by hand (a click)


def by_key(tryouts: Sequence[Tryout[L]], key: str) -> Tryout[L]:
    """The tryout named `key` (KeyError if there is none)."""
    for tryout in tryouts:
        if tryout.key == key:
            return tryout
    raise KeyError(key)
