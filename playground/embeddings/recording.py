"""Across training: a fresh copy of the learner's digit network trained through the training driver, and a
snapshot of one layer at the start and at every scheduled fraction of an epoch (1, 2 or 4 an epoch)."""

from __future__ import annotations

import math
from collections.abc import Callable

from playground.embeddings.data import TrainingSnapshots
from playground.training_driver import EPOCH_TOLERANCE, Outcome, Trainable

SNAPSHOT_CAPACITY = 12  # snapshots kept of one recording (spread over the training; see TrainingSnapshots)
PER_EPOCH_CHOICES = (1, 2, 4)


def next_snapshot_epoch(epoch: float, per_epoch: int) -> float:
    """The next scheduled snapshot after `epoch`: the next multiple of 1/per_epoch (an epoch reached up to
    the driver's tolerance counts as reached, so the schedule always moves on)."""
    return (math.floor(epoch * per_epoch + EPOCH_TOLERANCE * per_epoch) + 1) / per_epoch


def record(recorder: Trainable, snapshots: TrainingSnapshots, per_epoch: int,
           train_until: Callable[[float], Outcome], progress: Callable[[], object] | None = None) -> Outcome:
    """Train `recorder` from snapshot to snapshot: `train_until(epoch)` runs the training driver up to the
    next scheduled epoch, and a snapshot is taken there, and where the run ends (its last epoch, or a
    class limit). Returns the first outcome that is not a scheduled epoch reached: the run ended, or the
    page has a click to answer (the recording goes on at its next run)."""
    while True:
        outcome = train_until(next_snapshot_epoch(recorder.epoch, per_epoch))
        if outcome is Outcome.REACHED or outcome.ends_run:
            snapshots.capture(recorder)
        if progress is not None:
            progress()
        if outcome is not Outcome.REACHED:
            return outcome
