"""What the training page shows of a digit trainer's progress: the bar, the numbers as text, the curves'
table, and how often the curves are redrawn."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from playground.digits.training import DigitTrainer, HistoryRow

NO_VALUE = "–"  # a number not measured yet


@dataclass(frozen=True)
class TrainingProgress:
    """A trainer's progress as the page shows it: how far along (0..1), the bar's text, and its numbers
    formatted for the metrics."""

    fraction: float
    text: str
    test_accuracy: str
    train_accuracy: str
    examples_per_second: str
    examples: str

    @classmethod
    def of(cls, trainer: DigitTrainer) -> TrainingProgress:
        epochs = trainer.config.epochs
        last = trainer.history[-1] if trainer.history else None
        return cls(
            fraction=trainer.fraction_done,
            text=f"Epoch {trainer.epoch:.2f} of {epochs}",
            test_accuracy=f"{last.test_accuracy:.1%}" if last else NO_VALUE,
            train_accuracy=f"{last.train_accuracy:.1%}" if last else NO_VALUE,
            examples_per_second=f"{trainer.examples_per_second:,.0f}",
            examples=f"{trainer.examples:,}",
        )


def history_frame(history: Sequence[HistoryRow]) -> pd.DataFrame:
    """A trainer's history as a table, one row per record (what render.charts.training_curves reads)."""
    return pd.DataFrame([asdict(row) for row in history])


@dataclass
class Throttle:
    """Lets a thing happen at most once every `seconds`: the first time at once, and always when forced.

    The training page redraws its curves at most once a second while a network trains (each redraw costs
    the browser a chart layout, taken from the core the training shares with it)."""

    seconds: float
    last: float | None = None

    def due(self, force: bool = False, now: float | None = None) -> bool:
        """Whether it is time (then the clock restarts from `now`)."""
        now = time.monotonic() if now is None else now
        if force or self.last is None or now - self.last >= self.seconds:
            self.last = now
            return True
        return False
