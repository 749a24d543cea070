"""How busy this server is, shared by every learner's session (process-wide, no Streamlit here):
slots for heavy PyTorch training, so that a class's trainings queue instead of starving everyone, the
count of learners playing, and turns at drawing their pictures, so that the Playground shares the pictures
fairly and says so.
"""

from __future__ import annotations

import os
import threading
import time

from playground.classroom.picture_turns import PictureTurns

STALE_SECONDS = 30.0  # a holder not heard from for this long has gone (its tab was closed)
PLAYER_STALE_SECONDS = 5.0  # a player reports at least 4 times a second, even while it waits for its turn
# Pictures per second one server process sends to all its players together, up to a class of this size.
# Each session served costs the server's one event loop some time too, so past it the total goes down
# (measured on 2 cores: 54 players at 60 pictures/s in all got 0.2-0.6/s each and clicks waited for
# seconds; at 33/s in all, each got what it was sent and clicks were answered). A ceiling: a slow or
# shared machine gets fewer: after each picture, turns (picture_turns) leave the interpreter to clicks and
# new pages for as long as the picture took of processor time.
SERVER_FRAMES_PER_SECOND = float(os.environ.get("NP_SERVER_FPS", "60"))
COMFORTABLE_PLAYERS = 30
BUSY_PLAYERS = 24  # above this many players, the Playground says it shares the server
# Pictures drawn at once: two, so that one's compiled training and PNG encoding (which let go of the
# interpreter lock) overlap with the other's Python, and a player woken late for its turn (a loaded machine)
# does not hold up the next. Measured on 2 cores shared with other work (load average 10-15), 54 players:
# two at once 0.55-0.60 pictures/s each (the ceiling: 0.62), four 0.60; the rest after each
# picture (PICTURE_DUTY), not this number, is what keeps the interpreter free for clicks and new pages.
PICTURES_AT_ONCE = int(os.environ.get("NP_PICTURES_AT_ONCE", max(1, min(2, os.cpu_count() or 1))))
# The share of time pictures may take: after each, the rest is left to clicks, new pages and sending.
PICTURE_DUTY = float(os.environ.get("NP_PICTURE_DUTY", "0.5"))


def pictures_per_second(players: int) -> float:
    """The most pictures a second the server draws for all its players together."""
    return SERVER_FRAMES_PER_SECOND * max(0.5, min(1.0, COMFORTABLE_PLAYERS / max(1, players)))


class TrainingSlots:
    """At most `capacity` heavy trainings at once; a session holds its slot while it trains."""

    def __init__(self, capacity: int | None = None) -> None:
        self._lock = threading.Lock()
        self.capacity = capacity or max(1, (os.cpu_count() or 2) - 1)
        self._holders: dict[str, float] = {}  # session -> last time it was heard from
        self._waiting: dict[str, float] = {}

    def set_capacity(self, capacity: int | None) -> None:
        with self._lock:
            self.capacity = capacity or max(1, (os.cpu_count() or 2) - 1)

    def _forget_stale(self, now: float) -> None:
        for table in (self._holders, self._waiting):
            for session, seen in list(table.items()):
                if now - seen > STALE_SECONDS:
                    del table[session]

    def acquire(self, session: str) -> bool:
        """Take (or keep) a slot; False means wait: the caller shows that it is waiting and tries again."""
        now = time.monotonic()
        with self._lock:
            self._forget_stale(now)
            if session in self._holders or len(self._holders) < self.capacity:
                self._holders[session] = now
                self._waiting.pop(session, None)
                return True
            self._waiting[session] = now
            return False

    def release(self, session: str) -> None:
        with self._lock:
            self._holders.pop(session, None)
            self._waiting.pop(session, None)

    def status(self) -> tuple[int, int, int]:
        """(trainings running, learners waiting, capacity)."""
        with self._lock:
            self._forget_stale(time.monotonic())
            return len(self._holders), len(self._waiting), self.capacity


class Players:
    """Sessions currently playing the Playground (each reports every frame)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}

    def playing(self, session: str) -> int:
        """Note that `session` plays; returns how many sessions play now."""
        now = time.monotonic()
        with self._lock:
            self._seen[session] = now
            for other, seen in list(self._seen.items()):
                if now - seen > PLAYER_STALE_SECONDS:
                    del self._seen[other]
            return len(self._seen)

    def stopped(self, session: str) -> None:
        with self._lock:
            self._seen.pop(session, None)

    def count(self) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(1 for seen in self._seen.values() if now - seen <= PLAYER_STALE_SECONDS)


def server_busy(players: int) -> bool:
    """Whether a player's page says it shares a busy server: many play, or turns are slow to come."""
    return players > BUSY_PLAYERS or PICTURE_TURNS.busy()


TRAINING_SLOTS = TrainingSlots()
PLAYERS = Players()
PICTURE_TURNS = PictureTurns(PICTURES_AT_ONCE, PICTURE_DUTY, pictures_per_second)
