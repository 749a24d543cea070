"""How busy this server is, shared by every learner's session (process-wide, no Streamlit here):
slots for heavy PyTorch training, so that a class's trainings queue instead of starving everyone, and
the count of learners playing, so that the Playground can share the pictures fairly and say so.
"""

from __future__ import annotations

import os
import threading
import time

STALE_SECONDS = 30.0  # a holder not heard from for this long has gone (its tab was closed)
PLAYER_STALE_SECONDS = 5.0  # a player reports every picture (at least every ~2 s, even on a crowded server)
# Pictures per second one server process sends to all its players together, up to a class of this size.
# Each session served costs the server's one event loop some time too, so past it the total goes down
# (measured on 2 cores: 54 players at 60 pictures/s in all got 0.2-0.6/s each and clicks waited for
# seconds; at 33/s in all, each got what it was sent and clicks were answered).
SERVER_FRAMES_PER_SECOND = float(os.environ.get("NP_SERVER_FPS", "60"))
COMFORTABLE_PLAYERS = 30
BUSY_PLAYERS = 24  # above this many players, the Playground says it shares the server


def frame_interval(players: int, own_seconds: float) -> float:
    """Seconds between one player's pictures: the pace of their own speed setting, or their fair share
    of the server's pictures when many play, whichever is longer."""
    players = max(1, players)
    total = SERVER_FRAMES_PER_SECOND * max(0.5, min(1.0, COMFORTABLE_PLAYERS / players))
    return max(own_seconds, players / total)


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


TRAINING_SLOTS = TrainingSlots()
PLAYERS = Players()
