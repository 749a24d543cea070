"""The Playground's 'predict, then check' question (playground/predictions.py): with few training points and
much noise, will the test loss have risen from its lowest point by epoch 500? The answer comes from the run's
own loss history, once the run has passed that epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.predictions import Prediction
from playground.tfplayground.run import PlaygroundRun

CHECK_EPOCH = 500
MAX_TRAIN_PERCENT = 20  # the question is asked with at most this share of training points…
MIN_NOISE = 30  # …and at least this much noise (the overfitting tryout has 10% and 50)
# "Higher" is a rise of more than 5% of the lowest test loss and more than 0.005; a smaller one is "about the same".
RISE_SHARE, RISE_MIN = 0.05, 0.005

YES, SAME, NO = "Yes, higher", "About the same", "No, it is still at its lowest"
OVERFITTING = Prediction(
    key="overfitting-500",
    question=f"After {CHECK_EPOCH} epochs, will the test loss be higher than at its lowest point?",
    choices=(YES, SAME, NO),
)


def asks_overfitting(run: PlaygroundRun) -> bool:
    """Whether the page asks the question: generated data with few training points and much noise."""
    s = run.settings
    return run.uploaded is None and s.percTrainData <= MAX_TRAIN_PERCENT and s.noise >= MIN_NOISE


@dataclass(frozen=True)
class OverfittingCheck:
    """The test loss at the first recorded epoch at or past CHECK_EPOCH against its lowest before then."""

    epoch: int  # the recorded epoch the answer is about (CHECK_EPOCH, or the first recorded after it)
    test_loss: float
    train_loss: float
    lowest_epoch: int
    lowest_test_loss: float
    train_loss_at_lowest: float

    @property
    def answer(self) -> str:
        rise = self.test_loss - self.lowest_test_loss
        if rise <= 0:
            return NO
        return YES if rise > max(RISE_MIN, RISE_SHARE * self.lowest_test_loss) else SAME

    @property
    def detail(self) -> str:
        """What the numbers were (Markdown), and what they mean."""
        text = (f"The test loss was lowest at epoch {self.lowest_epoch:,} ({self.lowest_test_loss:.3f}); at epoch "
                f"{self.epoch:,} it was {self.test_loss:.3f}.")
        if self.answer == YES and self.train_loss < self.train_loss_at_lowest:
            text += (f" Meanwhile the training loss fell from {self.train_loss_at_lowest:.3f} to "
                     f"{self.train_loss:.3f}: the network learned its few, noisy training points by heart and "
                     "does worse on new ones. That is **overfitting**.")
        elif self.answer == NO:
            text += " It is still falling: this network has not started to overfit yet."
        return text


def overfitting_check(run: PlaygroundRun) -> OverfittingCheck | None:
    """The check once the run's history has passed CHECK_EPOCH, else None (no answer yet)."""
    rows = run.history.table()
    past = np.flatnonzero(rows[:, 0] >= CHECK_EPOCH) if len(rows) else np.array([], dtype=np.int64)
    if past.size == 0:
        return None
    until = rows[: past[0] + 1]
    test = np.where(np.isfinite(until[:, 2]), until[:, 2], np.inf)  # a loss that blew up is higher than any
    if not np.isfinite(test).any():
        return None
    low = int(np.argmin(test))
    last = until[-1]
    return OverfittingCheck(epoch=int(last[0]), test_loss=float(test[-1]), train_loss=float(last[1]),
                            lowest_epoch=int(until[low, 0]), lowest_test_loss=float(test[low]),
                            train_loss_at_lowest=float(until[low, 1]))


def overfitting_answer(run: PlaygroundRun) -> str | None:
    check = overfitting_check(run)
    return None if check is None else check.answer
