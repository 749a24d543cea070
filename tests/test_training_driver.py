"""The training driver without a server: one slot shared by two sessions, the class's limits on seconds,
epochs and examples per run, a stop request, and the slot released whatever happens."""

from __future__ import annotations

import threading
import time

import pytest

from playground.classroom.server_load import TrainingSlots
from playground.training_driver import Outcome, TrainingLimits, TrainingRun, limit_message, run_training


class FakeTrainer:
    """Trains `rate` epochs a second of slice time, on a training set of `size` examples."""

    def __init__(self, epochs: int = 2, rate: float = 10.0, size: int = 4000, fail_after: int | None = None) -> None:
        self.epochs, self.rate, self.size, self.fail_after = epochs, rate, size, fail_after
        self.epoch = 0.0
        self.slices = 0
        self.examples = 0

    @property
    def finished(self) -> bool:
        return self.epoch >= self.epochs

    def limit_examples(self, max_examples: int) -> None:
        self.size = min(self.size, max_examples)

    def train_slice(self, seconds: float, until_epoch: float | None = None) -> None:
        self.slices += 1
        if self.fail_after is not None and self.slices > self.fail_after:
            raise RuntimeError("out of memory")
        time.sleep(seconds)
        end = min(self.epochs, self.epoch + seconds * self.rate)
        if until_epoch is not None:
            end = min(end, until_epoch)
        self.examples += round((end - self.epoch) * self.size)
        self.epoch = end


def test_it_trains_to_the_end_and_releases_the_slot() -> None:
    slots, trainer, ticks = TrainingSlots(1), FakeTrainer(epochs=1, rate=20), []
    outcome = run_training(trainer, TrainingRun(), "a", TrainingLimits(), slots=slots, slice_seconds=0.01,
                           progress=lambda: ticks.append(trainer.epoch))
    assert outcome is Outcome.FINISHED and outcome.ends_run and trainer.finished
    assert ticks and ticks[-1] == 1.0
    assert slots.status() == (0, 0, 1)


def test_two_sessions_share_one_slot() -> None:
    slots = TrainingSlots(1)
    first, second = FakeTrainer(epochs=1, rate=5), FakeTrainer(epochs=1, rate=5)
    seen: list[tuple[int, int, int]] = []
    waited: list[float] = []
    thread = threading.Thread(target=run_training, args=(first, TrainingRun(), "first", TrainingLimits()),
                              kwargs={"slots": slots, "slice_seconds": 0.02})
    thread.start()
    while slots.status()[0] == 0:  # until the first holds the slot
        time.sleep(0.001)
    outcome = run_training(second, TrainingRun(), "second", TrainingLimits(), slots=slots, slice_seconds=0.02,
                           poll=0.01, waiting=lambda *status: seen.append(status),
                           waited=lambda: waited.append(first.epoch))
    thread.join()
    assert outcome is Outcome.FINISHED
    assert seen and seen[0] == (1, 1, 1)  # one running (the first), one waiting (this one), capacity 1
    assert waited == [1.0]  # the second started only once the first had finished
    assert slots.status() == (0, 0, 1)


def test_a_stop_request_while_waiting_returns_without_training() -> None:
    slots = TrainingSlots(1)
    assert slots.acquire("other")
    trainer = FakeTrainer()
    outcome = run_training(trainer, TrainingRun(), "me", TrainingLimits(), slots=slots, poll=0.01,
                           should_stop=lambda: True)
    assert outcome is Outcome.WAITING and not outcome.ends_run and trainer.slices == 0
    assert slots.status() == (1, 0, 1)  # no longer counted as waiting


def test_a_stop_request_ends_the_call_and_the_run_goes_on_later() -> None:
    slots, trainer, run = TrainingSlots(1), FakeTrainer(epochs=1, rate=1), TrainingRun()
    outcome = run_training(trainer, run, "me", TrainingLimits(), slots=slots, slice_seconds=0.02,
                           should_stop=lambda: trainer.slices >= 3)
    assert outcome is Outcome.STOPPED and not outcome.ends_run and trainer.slices == 3 and not trainer.finished
    assert slots.status() == (0, 0, 1)
    assert run.seconds == pytest.approx(0.06, abs=0.05)


def test_the_time_limit_counts_across_calls_of_one_run() -> None:
    slots, trainer, run = TrainingSlots(1), FakeTrainer(epochs=100, rate=1), TrainingRun()
    limits = TrainingLimits(max_seconds=0.2)
    started = time.monotonic()
    assert run_training(trainer, run, "me", limits, slots=slots, slice_seconds=0.05,
                        should_stop=lambda: trainer.slices == 2) is Outcome.STOPPED
    outcome = run_training(trainer, run, "me", limits, slots=slots, slice_seconds=0.05)
    assert outcome is Outcome.TIME_LIMIT and outcome.ends_run
    assert 0.2 <= run.seconds < 0.45 and time.monotonic() - started < 1.0
    assert "0.2 s" in limit_message(outcome, limits)


def test_waiting_for_a_slot_does_not_count_as_training_time() -> None:
    slots, trainer, run = TrainingSlots(1), FakeTrainer(epochs=100, rate=1), TrainingRun()
    assert slots.acquire("other")
    timer = threading.Timer(0.3, slots.release, args=("other",))
    timer.start()
    started = time.monotonic()
    outcome = run_training(trainer, run, "me", TrainingLimits(max_seconds=0.2), slots=slots, slice_seconds=0.05,
                           poll=0.01)
    timer.join()
    assert outcome is Outcome.TIME_LIMIT and trainer.slices >= 2
    assert 0.2 <= run.seconds < 0.45 and time.monotonic() - started >= 0.5


def test_the_epoch_limit_is_per_run() -> None:
    slots, trainer = TrainingSlots(1), FakeTrainer(epochs=10, rate=50)
    limits = TrainingLimits(max_epochs=2)
    assert run_training(trainer, TrainingRun.starting(trainer), "me", limits, slots=slots,
                        slice_seconds=0.01) is Outcome.EPOCH_LIMIT
    assert trainer.epoch == 2.0
    assert run_training(trainer, TrainingRun.starting(trainer), "me", limits, slots=slots,
                        slice_seconds=0.01) is Outcome.EPOCH_LIMIT
    assert trainer.epoch == 4.0
    assert "2 epochs" in limit_message(Outcome.EPOCH_LIMIT, limits)
    assert limits.epochs(20) == 2 and TrainingLimits().epochs(20) == 20


def test_until_epoch_is_reached_before_the_epoch_limit() -> None:
    slots, trainer = TrainingSlots(1), FakeTrainer(epochs=10, rate=50)
    run, limits = TrainingRun.starting(trainer), TrainingLimits(max_epochs=1)
    assert run_training(trainer, run, "me", limits, slots=slots, until_epoch=0.5, slice_seconds=0.01) is Outcome.REACHED
    assert trainer.epoch == 0.5
    assert run_training(trainer, run, "me", limits, slots=slots, until_epoch=1.5, slice_seconds=0.01) \
        is Outcome.EPOCH_LIMIT
    assert trainer.epoch == 1.0


def test_the_example_limit_applies() -> None:
    slots, trainer = TrainingSlots(1), FakeTrainer(epochs=1, rate=50, size=4000)
    limits = TrainingLimits(max_epochs=1, max_examples=500)
    assert run_training(trainer, TrainingRun(), "me", limits, slots=slots, slice_seconds=0.01) is Outcome.FINISHED
    assert trainer.size == 500 and trainer.examples == 500


def test_the_slot_is_released_on_an_exception() -> None:
    slots, trainer = TrainingSlots(1), FakeTrainer(epochs=5, rate=1, fail_after=2)
    with pytest.raises(RuntimeError):
        run_training(trainer, TrainingRun(), "me", TrainingLimits(), slots=slots, slice_seconds=0.01)
    assert slots.status() == (0, 0, 1)
    assert slots.acquire("someone else")


def test_class_limits_are_read_from_the_class_configuration() -> None:
    from playground.classroom.config import ClassLimits

    limits = TrainingLimits.of_class(ClassLimits(max_epochs=1, max_training_seconds=30.0, max_training_examples=500))
    assert limits == TrainingLimits(max_seconds=30.0, max_epochs=1, max_examples=500)


def test_no_page_trains_around_the_driver() -> None:
    """Every training a learner starts goes through run_training: no page (nor playground.ui) calls train_slice or
    holds a training slot itself. (thumbnails.py trains the home page's card at start-up, for the server.)"""
    from playground.paths import REPO_ROOT

    pages = sorted((REPO_ROOT / "lessons").glob("*.py")) + sorted((REPO_ROOT / "playground" / "ui").glob("*.py")) + [REPO_ROOT / "app.py"]
    offenders = [path.name for path in pages
                 if any(word in path.read_text() for word in ("train_slice(", "TRAINING_SLOTS.acquire"))]
    assert offenders == []
