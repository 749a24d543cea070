"""The Playground's play loop without a server: epochs per picture at each speed, the stop rules, its own pace
at slow speeds, the turns at drawing pictures and the busy notice (a fake clock, turns and players)."""

from __future__ import annotations

import pytest

from playground.tfplayground import hidden_space
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.player import (
    BUSY_STEP,
    CLICK_POLL,
    CROWDED_FRAME,
    FASTEST_FIRST,
    FASTEST_MOST,
    FASTEST_SHARE,
    SPEED_PLAN,
    BusyNotice,
    Player,
    epochs_this_frame,
    fastest_epochs,
    goal_message,
)
from playground.tfplayground.settings import SPEEDS
from playground.tfplayground.view import CHANNEL
from playground.training_driver import Outcome


class Clock:
    """Time that passes only when the player sleeps (or trains, see `slow_training`)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.naps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += max(seconds, 1e-6)  # as a real clock, it moves on (a float sum may not: now + 1e-17 == now)


class Turns:
    def __init__(self, granted: bool = True) -> None:
        self.granted, self.log = granted, []

    def take(self, session: str, timeout: float, players: int = 1) -> bool:
        self.log.append("take")
        return self.granted

    def done(self, session: str) -> None:
        self.log.append("done")

    def leave(self, session: str) -> None:
        self.log.append("leave")


class Players:
    def __init__(self, counts: list[int] | None = None) -> None:
        self.counts, self.playing_now = list(counts or [1]), False

    def playing(self, session: str) -> int:
        self.playing_now = True
        return self.counts.pop(0) if len(self.counts) > 1 else self.counts[0]

    def stopped(self, session: str) -> None:
        self.playing_now = False


def lesson_at(speed: str) -> PlaygroundLesson:
    lesson = PlaygroundLesson.from_query({})
    lesson.apply_settings(speed=speed)
    lesson.playing = True
    return lesson


def play(lesson: PlaygroundLesson, frames: int | None = None, *, clock: Clock | None = None, turns: Turns | None = None,
         players: Players | None = None, busy=lambda players: False, space_shown: bool = False,
         should_stop=None, told: list | None = None):
    """Play until `frames` pictures are sent (then a click), or until the lesson's goal; returns
    (outcome, the frames sent, the player's turns)."""
    clock, turns, sent = clock or Clock(), turns or Turns(), []
    player = Player(lesson, "me", turns=turns, players=players or Players(), busy=busy, clock=clock, sleep=clock.sleep)
    stop = should_stop or (lambda: frames is not None and len(sent) >= frames)
    outcome = player.play(sent.append, stop, (told if told is not None else []).append, space_shown=space_shown)
    return outcome, sent, turns


def slow_training(lesson: PlaygroundLesson, clock: Clock, seconds_per_epoch: float) -> None:
    """Each epoch the run trains takes this long on the fake clock."""
    train = lesson.run.train

    def timed(epochs: int = 1, loss_every_epoch: bool = True) -> None:
        train(epochs, loss_every_epoch)
        clock.now += epochs * seconds_per_epoch

    lesson.run.train = timed


# ------------------------------------------------------------------------------------------------ the schedule


def test_each_speed_trains_its_epochs_per_picture() -> None:
    assert set(SPEED_PLAN) == set(SPEEDS)
    for speed in ("slow-motion", "slow", "normal", "fast"):
        lesson = lesson_at(speed)
        outcome, sent, _ = play(lesson, frames=3)
        per_frame = SPEED_PLAN[speed].epochs
        assert outcome is Outcome.STOPPED and lesson.playing  # a click: this page run ends, play goes on
        assert [frame[CHANNEL]["epoch"] for frame in sent] == [per_frame, 2 * per_frame, 3 * per_frame]
        seqs = [frame[CHANNEL]["seq"] for frame in sent]
        assert seqs == sorted(seqs) and len(set(seqs)) == 3  # numbered: a late picture is ignored by the view


def test_fastest_fills_most_of_its_frame_with_training() -> None:
    frame = SPEED_PLAN["fastest"].seconds
    # 5 epochs took 1 ms: as many as fill FASTEST_SHARE of the frame (rounded down)
    assert fastest_epochs(5, train_seconds=0.001, frame_seconds=frame, crowded=False) == pytest.approx(
        5 * FASTEST_SHARE * frame / 0.001, abs=1)
    # a crowded server: a short turn
    assert fastest_epochs(5, 0.001, frame, crowded=True) == pytest.approx(5 * FASTEST_SHARE * CROWDED_FRAME / 0.001, abs=1)
    assert fastest_epochs(5, 0.0, frame, False) == FASTEST_MOST  # however quick the training
    assert fastest_epochs(5, 10.0, frame, False) == 1  # however slow

    lesson, clock = lesson_at("fastest"), Clock()
    slow_training(lesson, clock, seconds_per_epoch=0.001)
    _, sent, _ = play(lesson, frames=3, clock=clock)
    epochs = [picture[CHANNEL]["epoch"] for picture in sent]
    steady = epochs[1] - epochs[0]  # then the same number each picture: the frame's share at 1 ms an epoch
    assert epochs[0] == FASTEST_FIRST and steady == pytest.approx(FASTEST_SHARE * frame / 0.001, abs=1)
    assert epochs[2] - epochs[1] == steady


def test_epochs_per_picture_stop_at_the_learners_epoch() -> None:
    assert epochs_this_frame(12, 0, None) == 12
    assert epochs_this_frame(12, 24, 30) == 6
    assert epochs_this_frame(12, 30, 30) == 0
    assert epochs_this_frame(12, 31, 30) == 0


# ------------------------------------------------------------------------------------------------ stop rules


def test_run_this_many_epochs_stops_on_the_epoch() -> None:
    lesson = lesson_at("fast")
    lesson.run_epochs(30)
    outcome, sent, _ = play(lesson)
    assert outcome is Outcome.REACHED
    assert [frame[CHANNEL]["epoch"] for frame in sent] == [12, 24, 30]
    assert not lesson.playing and lesson.stop_epoch is None and lesson.run.epoch == 30
    assert lesson.message == "Ran to epoch 30."


def test_a_loss_target_stops_play_when_the_test_loss_reaches_it() -> None:
    lesson = lesson_at("fast")
    lesson.stop_loss = 10.0  # any loss of this network is below
    outcome, sent, _ = play(lesson)
    assert outcome is Outcome.REACHED and len(sent) == 1 and not lesson.playing
    assert lesson.message == "Stopped at epoch 12: the test loss reached 10."

    lesson = lesson_at("fast")
    lesson.stop_loss = 0.0  # never: play goes on until a click
    outcome, sent, _ = play(lesson, frames=4)
    assert outcome is Outcome.STOPPED and len(sent) == 4 and lesson.playing and lesson.message == ""


def test_the_loss_target_is_told_when_both_goals_are_met() -> None:
    lesson = lesson_at("fast")
    assert goal_message(lesson) is None
    lesson.run.train(5)
    lesson.stop_epoch, lesson.stop_loss = 5, 10.0
    assert goal_message(lesson) == "Stopped at epoch 5: the test loss reached 10."
    lesson.stop_loss = None
    assert goal_message(lesson) == "Ran to epoch 5."


# ------------------------------------------------------------------------------------------------ pace, turns


def test_slow_motion_keeps_its_pace_and_answers_a_click_at_once() -> None:
    lesson, clock, sent_at = lesson_at("slow-motion"), Clock(), []
    player = Player(lesson, "me", turns=Turns(), players=Players(), busy=lambda players: False, clock=clock,
                    sleep=clock.sleep)
    outcome = player.play(lambda events: sent_at.append(clock.now), lambda: len(sent_at) >= 3, lambda players: None)
    assert outcome is Outcome.STOPPED
    assert sent_at == pytest.approx([0.0, 0.6, 1.2])
    assert max(clock.naps) <= CLICK_POLL  # it looks for a click while it waits

    lesson, clock = lesson_at("slow-motion"), Clock()
    outcome, sent, _ = play(lesson, clock=clock, should_stop=lambda: clock.now >= 0.3)  # a click mid-wait
    assert outcome is Outcome.STOPPED and len(sent) == 1
    assert clock.now == pytest.approx(0.3, abs=CLICK_POLL)


def test_a_click_while_waiting_for_a_turn_ends_the_run_and_gives_up_the_place() -> None:
    lesson, players, looks = lesson_at("fast"), Players(), []
    outcome, sent, turns = play(lesson, turns=Turns(granted=False), players=players,
                                should_stop=lambda: looks.append(1) or len(looks) >= 2)
    assert outcome is Outcome.STOPPED and sent == [] and lesson.run.epoch == 0
    assert turns.log == ["take", "take", "leave"] and not players.playing_now


def test_every_turn_is_handed_back_even_when_a_picture_fails() -> None:
    lesson, players, turns = lesson_at("fast"), Players(), Turns()

    def broken(events: dict) -> None:
        raise RuntimeError("the page went away")

    player = Player(lesson, "me", turns=turns, players=players, busy=lambda players: False, clock=Clock(),
                    sleep=Clock().sleep)
    with pytest.raises(RuntimeError):
        player.play(broken, lambda: False, lambda players: None)
    assert turns.log == ["take", "done", "leave"] and not players.playing_now


def test_the_hidden_space_comes_with_every_third_picture_when_its_panel_is_open() -> None:
    _, sent, _ = play(lesson_at("fast"), frames=6, space_shown=True)
    assert [hidden_space.CHANNEL in frame for frame in sent] == [False, False, True, False, False, True]
    assert sent[2][hidden_space.CHANNEL]["src"].startswith("data:image/png;base64,")
    _, sent, _ = play(lesson_at("fast"), frames=6)
    assert not any(hidden_space.CHANNEL in frame for frame in sent)


# ------------------------------------------------------------------------------------------------ busy notice


def test_the_busy_notice_is_said_when_it_changes_and_not_every_picture() -> None:
    notice = BusyNotice()
    assert notice.due(False, 1)  # before the first picture: say it (here: clear it)
    assert not notice.due(False, 3)
    assert notice.due(True, 30)
    assert not notice.due(True, 30 + BUSY_STEP - 1)
    assert notice.due(True, 30 + BUSY_STEP)
    assert notice.due(False, 30 + BUSY_STEP)


def test_a_player_is_told_the_server_is_busy_before_any_picture() -> None:
    told, looks = [], []
    players = Players([3, 40, 40])
    outcome, sent, _ = play(lesson_at("fast"), turns=Turns(granted=False), players=players,
                            busy=lambda n: n > 24, told=told, should_stop=lambda: looks.append(1) or len(looks) >= 3)
    assert outcome is Outcome.STOPPED and sent == []
    assert told == [None, 40]  # not busy (the notice cleared), then busy with 40 players
