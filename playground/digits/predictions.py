"""*Look inside*'s 'predict, then check' question (playground/predictions.py), asked on the *Mistakes* view
before it shows the confusion matrix: which digit does this network confuse most often with another one? The
answer is the true label of the matrix's largest cell off the diagonal, worked out from the network's own
test predictions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.predictions import Prediction

QUESTION = "Which digit does this network confuse most often with another one?"


def most_confused_prediction(key: str, class_names: Sequence[str]) -> Prediction:
    """The question for one network (`key` names it: a new network is asked afresh), one choice per class."""
    return Prediction(key=f"most-confused-{key}", question=QUESTION, choices=tuple(class_names))


@dataclass(frozen=True)
class MostConfused:
    """The largest count off the confusion matrix's diagonal and every (true, read as) cell that has it."""

    count: int
    cells: tuple[tuple[int, int], ...]  # (true label, read as), in row order

    @property
    def labels(self) -> tuple[int, ...]:
        """The true labels of those cells, each once: any of them is a right answer."""
        return tuple(dict.fromkeys(t for t, _ in self.cells))

    def answer(self, class_names: Sequence[str], guess: str | None = None) -> str:
        """The answer as one of the choices: the guess when it is one of several that tie, else the first."""
        right = [class_names[t] for t in self.labels]
        return guess if guess in right else right[0]

    def detail(self, class_names: Sequence[str]) -> str:
        """What the matrix says (Markdown)."""
        cells = "; ".join(f"labelled **{class_names[t]}** read as **{class_names[p]}**" for t, p in self.cells)
        digits = "test digit" if self.count == 1 else "test digits"
        tie = " (a tie: each of these is a right answer)" if len(self.labels) > 1 else ""
        return (f"The largest cell off the diagonal of the confusion matrix below: {self.count} {digits} {cells}"
                f"{tie}. Click that cell to see those digits: do they look a little like the digit they were "
                "read as?")


def most_confused(confusion: np.ndarray) -> MostConfused | None:
    """The largest off-diagonal cell(s) of a (true, predicted) confusion matrix; None when there is no mistake."""
    off = np.array(confusion, dtype=np.int64)
    np.fill_diagonal(off, 0)
    top = int(off.max(initial=0))
    if top == 0:
        return None
    cells = tuple((int(t), int(p)) for t, p in np.argwhere(off == top))
    return MostConfused(count=top, cells=cells)
