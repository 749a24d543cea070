"""'Predict, then check': a question the learner answers BEFORE the page shows what happens.

A lesson keeps its questions in the library (a `Prediction`: key, question, choices) beside a function that
works the answer out from the lesson's own results (None while it is not known yet, e.g. before the run has
reached the epoch the question is about). The page asks with `ui.predict_then_check(...)`: the learner picks
a choice and commits to it; only then, and only once the answer is known, does the page show it, with
whether the guess was right. `Guesses` holds one lesson's committed guesses (kept in the learner's session
by the ui; plain data here so that it is tested without a server).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prediction:
    """One 'predict, then check' question."""

    key: str  # stable name: widget keys and test ids ("overfitting-500")
    question: str  # Markdown, one sentence ending in '?'
    choices: tuple[str, ...]  # what the learner may answer; the answer is always one of them

    def __post_init__(self) -> None:
        if len(self.choices) < 2 or len(set(self.choices)) != len(self.choices):
            raise ValueError(f"{self.key}: a prediction needs two or more different choices")


@dataclass(frozen=True)
class Verdict:
    """A committed guess against the answer."""

    guess: str
    answer: str

    @property
    def right(self) -> bool:
        return self.guess == self.answer

    @property
    def text(self) -> str:
        """'You guessed X — the answer: Y. Right!' (Markdown)."""
        ending = "Right!" if self.right else "Not this time."
        return f"You guessed **{self.guess}** — the answer: **{self.answer}**. {ending}"


@dataclass
class Guesses:
    """One lesson's committed guesses, by prediction key, and how often each question was asked again (the
    choice widget of a new round starts empty)."""

    committed: dict[str, str] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)

    def guess(self, key: str) -> str | None:
        return self.committed.get(key)

    def commit(self, key: str, choice: object, choices: tuple[str, ...] | list[str]) -> bool:
        """Keep the learner's choice (only one of `choices`; anything else from a browser is ignored)."""
        if not isinstance(choice, str) or choice not in choices:
            return False
        self.committed[key] = choice
        return True

    def ask_again(self, key: str) -> None:
        """Forget the guess: the question is asked afresh, its choice widget empty."""
        self.committed.pop(key, None)
        self.rounds[key] = self.round(key) + 1

    def round(self, key: str) -> int:
        return self.rounds.get(key, 0)


def verdict(guess: str | None, answer: str | None) -> Verdict | None:
    """The verdict once the learner has committed AND the answer is known, else None (show no answer)."""
    if guess is None or answer is None:
        return None
    return Verdict(guess, answer)
