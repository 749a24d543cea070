"""The one way a learner's training runs: it holds a shared training slot (a class server runs only so
many PyTorch trainings at once), applies the class's limits on seconds, epochs and examples per run, and
pauses briefly between slices so that other learners get through (no Streamlit here).

Every training a learner starts goes through `run_training`, so a class's limits hold for each training
path by construction: train a digit recogniser, the quick network of the other digit lessons, the robust
twin, the retrain with drawings, the embeddings recorder, and any lesson to come. The Playground's play is
the one loop outside it, by design: its milliseconds of 2D training take picture turns, not slots, and the
class's epochs and seconds per run are not its units (tfplayground.player says how it relates; it returns
this module's Outcome).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

EPOCH_TOLERANCE = 1e-9


class Trainable(Protocol):
    """What the driver trains: a DigitTrainer, an AdversarialTrainer, or anything alike."""

    @property
    def finished(self) -> bool: ...

    @property
    def epoch(self) -> float: ...  # fractional epochs trained so far

    def train_slice(self, seconds: float, until_epoch: float | None = None) -> object: ...

    def limit_examples(self, max_examples: int) -> None: ...  # train on at most this many examples


class Slots(Protocol):
    def acquire(self, session: str) -> bool: ...

    def release(self, session: str) -> None: ...

    def status(self) -> tuple[int, int, int]: ...


@dataclass(frozen=True)
class TrainingLimits:
    """A class's limits for one training run (None: no limit)."""

    max_seconds: float | None = None  # seconds spent training (waiting for a slot does not count)
    max_epochs: int | None = None
    max_examples: int | None = None  # training examples the network may learn from

    @classmethod
    def of_class(cls, limits: object) -> TrainingLimits:
        """From a classroom.ClassLimits."""
        return cls(getattr(limits, "max_training_seconds", None), getattr(limits, "max_epochs", None),
                   getattr(limits, "max_training_examples", None))

    def epochs(self, wanted: int) -> int:
        """`wanted` epochs, at most the class's limit (at least 1)."""
        return max(1, min(int(wanted), self.max_epochs or int(wanted)))


@dataclass
class TrainingRun:
    """One run's bookkeeping, kept by the page across its reruns: where it started and its seconds so far."""

    start_epoch: float = 0.0
    seconds: float = 0.0

    @classmethod
    def starting(cls, trainer: Trainable) -> TrainingRun:
        return cls(start_epoch=float(trainer.epoch))


class Outcome(enum.Enum):
    """Why run_training returned."""

    FINISHED = "finished"  # the trainer trained all its epochs
    REACHED = "reached"  # it reached the caller's until_epoch (the Playground: the learner's epochs or loss target)
    STOPPED = "stopped"  # should_stop(): the page has a click to answer (the run may go on afterwards)
    WAITING = "waiting"  # should_stop() while still waiting for a slot: nothing trained
    TIME_LIMIT = "time limit"  # the class's seconds per run are used up
    EPOCH_LIMIT = "epoch limit"  # the class's epochs per run are done

    @property
    def ends_run(self) -> bool:
        """The run is over (done, or a limit reached); else the page may call again to go on."""
        return self in (Outcome.FINISHED, Outcome.TIME_LIMIT, Outcome.EPOCH_LIMIT)


def waiting_message(running: int, queued: int, capacity: int) -> str:
    return (f"Waiting for a free training slot: {running} of {capacity} trainings are running on this server, "
            f"{queued} waiting. Yours starts by itself.")


def limit_message(outcome: Outcome, limits: TrainingLimits) -> str | None:
    """What to tell a learner whose run a class limit ended (None for other outcomes)."""
    if outcome is Outcome.TIME_LIMIT:
        return f"Stopped after {limits.max_seconds:g} s of training, this class's limit for one run."
    if outcome is Outcome.EPOCH_LIMIT:
        return f"Stopped after {limits.max_epochs} epochs, this class's limit for one run."
    return None


def _default_slots() -> Slots:
    from playground.classroom.server_load import TRAINING_SLOTS

    return TRAINING_SLOTS


def run_training(trainer: Trainable, run: TrainingRun, session: str, limits: TrainingLimits, *,
                 progress: Callable[[], object] | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 waiting: Callable[[int, int, int], object] | None = None,
                 waited: Callable[[], object] | None = None,
                 until_epoch: float | None = None, slots: Slots | None = None,
                 slice_seconds: float = 0.3, pause: float = 0.005, poll: float = 0.5) -> Outcome:
    """Train `trainer` slice by slice under `session`'s training slot until it finishes, reaches
    `until_epoch`, a class limit ends the run, or `should_stop()` says the page has a click to answer.

    `progress()` follows every slice; `waiting(running, queued, capacity)` every poll while the slot is
    taken by others, `waited()` once when the slot is free at last. The slot is released on return
    (and on an exception). `run` carries the seconds and the starting epoch across calls, so a run that
    the page resumes after answering a click keeps its limits.
    """
    slots = slots or _default_slots()
    if limits.max_examples:
        trainer.limit_examples(int(limits.max_examples))
    epoch_cap = run.start_epoch + limits.max_epochs if limits.max_epochs else None
    stop_at = min((e for e in (until_epoch, epoch_cap) if e is not None), default=None)

    def over() -> Outcome | None:
        if trainer.finished:
            return Outcome.FINISHED
        if stop_at is not None and trainer.epoch >= stop_at - EPOCH_TOLERANCE:
            reached_own = until_epoch is not None and trainer.epoch >= until_epoch - EPOCH_TOLERANCE
            return Outcome.REACHED if reached_own else Outcome.EPOCH_LIMIT
        if limits.max_seconds and run.seconds >= limits.max_seconds:
            return Outcome.TIME_LIMIT
        return None

    queued = False
    try:
        while True:
            outcome = over()
            if outcome is not None:
                return outcome
            if not slots.acquire(session):
                queued = True
                if waiting is not None:
                    waiting(*slots.status())
                if should_stop is not None and should_stop():
                    return Outcome.WAITING
                time.sleep(poll)
                continue
            if queued:
                queued = False
                if waited is not None:
                    waited()
            budget = slice_seconds
            if limits.max_seconds:
                budget = max(0.01, min(budget, limits.max_seconds - run.seconds))
            started = time.monotonic()
            trainer.train_slice(budget, until_epoch=stop_at)
            run.seconds += time.monotonic() - started
            if progress is not None:
                progress()
            outcome = over()
            if outcome is not None:
                return outcome
            if should_stop is not None and should_stop():
                return Outcome.STOPPED
            time.sleep(pause)  # let other learners' work through between slices
    finally:
        slots.release(session)
