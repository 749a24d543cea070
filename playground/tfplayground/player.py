"""The Playground's play loop without Streamlit: the epochs each picture trains at each speed, when play
stops (the learner's epochs or test-loss target), its own pace at the slow speeds, a fair turn at drawing
each picture, and when the page says that the server is busy. The page keeps only the glue: its fragment,
sending a frame (ui.frame_pump), the check for a click (ui.rerun_requested) and the widgets.

How the Playground relates to the one training driver (playground.training_driver): the driver runs the
heavy PyTorch trainings, each holding one of the server's few training slots for seconds or minutes, under
the class's limits of seconds and epochs per run. A Playground picture is a few milliseconds of the compiled
2D engine, many times a second: it must not queue for a slot behind a digit training. Its share of the
server comes from the picture turns instead (classroom.picture_turns: first come, first served, at most so
many pictures a second for all players together, and a rest after each for clicks and new pages). The
class's epochs and seconds per run (ClassLimits.max_epochs, max_training_seconds) are the digit trainings'
(README, "Host a class") and are not applied here: a Playground epoch is one pass over a few hundred points,
so a class allowing 10 digit epochs a run would stop the Playground after its first picture. The class's
limits on the network's size do hold (max_hidden_layers, max_neurons: settings.CLASS_LIMITS). What play
shares with the driver is how a run ends: it returns the driver's Outcome, STOPPED when the page has a click
to answer (the next page run plays on) and REACHED when the learner's own goal is met.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from playground.classroom import server_load
from playground.render.png import data_uri
from playground.tfplayground import hidden_space
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.view import CHANNEL, frame_payload, valid_selection
from playground.training_driver import Outcome


@dataclass(frozen=True)
class Pace:
    """How one speed plays: epochs per picture (None: as many as fit in its frame) and its seconds per picture
    (a floor: with many players, the picture turns make them come less often)."""

    epochs: int | None
    seconds: float


SPEED_PLAN = {"slow-motion": Pace(1, 0.6), "slow": Pace(1, 0.1), "normal": Pace(1, 1 / 60),
              "fast": Pace(12, 1 / 30), "fastest": Pace(None, 1 / 25)}
FASTEST_FIRST = 5  # epochs of Fastest's first picture; then as many as fit in its frame
FASTEST_MOST = 500
FASTEST_SHARE = 0.7  # the share of its frame time that Fastest fills with training
CROWDED_FRAME = 0.01  # seconds: on a busy server, Fastest trains a short turn
TURN_WAIT = 0.25  # seconds a turn is waited for between looks for a click (a waiting loop costs nothing)
CLICK_POLL = 0.05  # seconds between looks for a click while a slow speed waits out its frame
SPACE_EVERY = 3  # with its panel open, the hidden-space picture comes with every third frame
BUSY_STEP = 5  # the busy notice is said again when the number of players has moved this much


def epochs_this_frame(per_frame: int, epoch: int, stop_epoch: int | None) -> int:
    """The next picture's epochs: `per_frame`, or fewer so as to stop at `stop_epoch` (Run this many epochs)."""
    return per_frame if stop_epoch is None else max(0, min(per_frame, stop_epoch - epoch))


def fastest_epochs(per_frame: int, train_seconds: float, frame_seconds: float, crowded: bool) -> int:
    """Fastest's epochs for the next picture, from the `train_seconds` that `per_frame` epochs took: most of
    its frame time (a short turn when the server is crowded), 1 to FASTEST_MOST."""
    budget = FASTEST_SHARE * (min(frame_seconds, CROWDED_FRAME) if crowded else frame_seconds)
    return max(1, min(FASTEST_MOST, int(per_frame * budget / max(train_seconds, 1e-4))))


def goal_message(lesson: PlaygroundLesson) -> str | None:
    """Why play stops now: the test loss reached the learner's target, or their epochs are done (None: go on)."""
    run = lesson.run
    if lesson.stop_loss is not None and run.scores().test_loss <= lesson.stop_loss:
        return f"Stopped at epoch {run.epoch:,}: the test loss reached {lesson.stop_loss:g}."
    if lesson.stop_epoch is not None and run.epoch >= lesson.stop_epoch:
        return f"Ran to epoch {run.epoch:,}."
    return None


class BusyNotice:
    """When the page says (again) whether the server is busy: before the first picture, when that changes,
    and while busy when the number of players has moved by BUSY_STEP."""

    def __init__(self) -> None:
        self._told: tuple[bool, int] | None = None

    def due(self, crowded: bool, players: int) -> bool:
        told = self._told
        if told is None or crowded != told[0] or (crowded and abs(players - told[1]) >= BUSY_STEP):
            self._told = (crowded, players)
            return True
        return False


class Turns(Protocol):
    """classroom.picture_turns.PictureTurns, or a test's stand-in."""

    def take(self, session: str, timeout: float, players: int = 1) -> bool: ...

    def done(self, session: str) -> None: ...

    def leave(self, session: str) -> None: ...


class Players(Protocol):
    """classroom.server_load.Players, or a test's stand-in."""

    def playing(self, session: str) -> int: ...

    def stopped(self, session: str) -> None: ...


class Player:
    """Plays one learner's Playground for one page run (the server's shared turns and players by default)."""

    def __init__(self, lesson: PlaygroundLesson, session: str, *, turns: Turns | None = None,
                 players: Players | None = None, busy: Callable[[int], bool] | None = None,
                 clock: Callable[[], float] = time.perf_counter, sleep: Callable[[float], None] = time.sleep) -> None:
        self.lesson, self.session = lesson, session
        self.turns = turns or server_load.PICTURE_TURNS
        self.players = players or server_load.PLAYERS
        self.busy = busy or server_load.server_busy
        self.clock, self.sleep = clock, sleep

    def play(self, send: Callable[[dict[str, dict]], None], should_stop: Callable[[], bool],
             tell_busy: Callable[[int | None], None], **options) -> Outcome:
        """Train and send pictures until the page has a click to answer (STOPPED: the next page run plays on,
        every state is in the lesson) or the learner's goal is met (REACHED: lesson.playing is off and
        lesson.message says why). `send({channel: frame})` sends one frame (with the hidden-space picture
        every SPACE_EVERY frames if `space_shown=True`); `tell_busy(players)` says that the server is busy,
        `tell_busy(None)` that it is not. On return this player leaves the turns and the players. Another
        lesson's player (generative.player) keeps all but `_play`, its own loop."""
        try:
            return self._play(send, should_stop, tell_busy, **options)
        finally:
            self.players.stopped(self.session)
            self.turns.leave(self.session)

    def _play(self, send: Callable[[dict[str, dict]], None], should_stop: Callable[[], bool],
              tell_busy: Callable[[int | None], None], space_shown: bool = False) -> Outcome:
        lesson, run, me = self.lesson, self.lesson.run, self.session
        pace = SPEED_PLAN[run.settings.speed]
        per_frame, sent, frames, notice = pace.epochs or FASTEST_FIRST, run.epoch, 0, BusyNotice()
        while True:
            crowded = self.turn(notice, tell_busy)
            if crowded is None:  # no turn yet: look for a click, then ask again
                if should_stop():
                    return Outcome.STOPPED
                continue
            start = self.clock()
            try:
                n = epochs_this_frame(per_frame, run.epoch, lesson.stop_epoch)
                run.train(n, loss_every_epoch=n <= 1)
                train_seconds = self.clock() - start
                events = {CHANNEL: frame_payload(run, valid_selection(run, lesson.selected), history_from=sent,
                                                 seq=lesson.next_frame())}
                sent, frames = run.epoch, frames + 1
                if space_shown and frames % SPACE_EVERY == 0:
                    events[hidden_space.CHANNEL] = {"src": data_uri(hidden_space.hidden_space_png(run, *lesson.space))}
                send(events)
            finally:
                self.turns.done(me)
            if should_stop():  # a click is waiting: end this page run so that it is answered (play goes on)
                return Outcome.STOPPED
            message = goal_message(lesson)
            if message is not None:
                lesson.playing, lesson.stop_epoch, lesson.message = False, None, message
                return Outcome.REACHED
            if pace.epochs is None:
                per_frame = fastest_epochs(per_frame, train_seconds, pace.seconds, crowded)
            if self.rest(start, pace.seconds, should_stop):  # its own pace (a slow speed)
                return Outcome.STOPPED

    def turn(self, notice: BusyNotice, tell_busy: Callable[[int | None], None]) -> bool | None:
        """Wait up to TURN_WAIT for this player's turn at drawing (saying when the server is busy): whether the
        server is crowded once the turn is taken, None when the wait ran out (the caller looks for a click)."""
        players = self.players.playing(self.session)
        crowded = self.busy(players)
        if notice.due(crowded, players):
            tell_busy(players if crowded else None)
        return crowded if self.turns.take(self.session, timeout=TURN_WAIT, players=players) else None

    def rest(self, start: float, seconds: float, should_stop: Callable[[], bool]) -> bool:
        """Wait until `seconds` after `start` (a speed's pace), answering a click at once: True if one came."""
        while self.clock() - start < seconds:
            if should_stop():
                return True
            self.sleep(min(CLICK_POLL, max(0.0, seconds - (self.clock() - start))))
        return False
