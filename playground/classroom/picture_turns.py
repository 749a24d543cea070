"""Turns at drawing a picture, shared by every learner who plays (process-wide, no Streamlit here): each
play loop takes a turn before it trains and draws a frame, so that the work per second is bounded whatever
the class's size and every player is served in the order it asked, with room left for clicks and new pages.

Without turns, every play loop trained and drew on its own timer against a fixed budget of pictures a
second: nothing slowed them down when the machine could not keep up (a crowd, or other work on it), and
the event loop that sends the pictures and answers clicks got what the loops left of the interpreter lock
(measured on 2 shared cores, 60 learners: clicks answered at p95 0.4-2.7 s; with turns 0.13-0.3 s). With
turns, at most `concurrency` pictures are drawn at once, a waiting loop blocks (it costs nothing), and after
each picture the interpreter is left to everything else for a while in proportion to the picture's
processor time (`duty`): on a slow or crowded machine the pictures slow down for everyone alike, and
clicks, page starts and the sending of pictures keep their share.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)
LOG_EVERY = 10.0  # seconds between lines in the server's log on how the turns go
AWAY_SECONDS = 2.0  # a player that has not asked again for this long (its tab closed) loses its place
HOLD_SECONDS = 10.0  # a turn never handed back (a play loop hands it back in a `finally`) is freed after this
BUSY_WAIT, CALM_WAIT = 1.0, 0.5  # a turn that takes this long to come means busy; this short, not any more


@dataclass
class _Asker:
    number: int  # its place in the queue: lower goes first
    seen: float  # when it last asked
    since: float  # when it started waiting for this turn
    wake: threading.Event


class PictureTurns:
    """Who draws the next picture: first come, first served, `concurrency` at a time, at most `rate(players)`
    pictures a second in all, and after each picture a rest of (1 / duty - 1) times its processor time."""

    def __init__(self, concurrency: int = 1, duty: float = 0.5, rate: Callable[[int], float] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 cpu_clock: Callable[[], float] = time.thread_time) -> None:
        self.concurrency, self.duty = concurrency, duty
        self._rate = rate or (lambda players: float("inf"))
        self._clock, self._cpu_clock = clock, cpu_clock
        self._lock = threading.Lock()
        self._askers: dict[str, _Asker] = {}
        self._holders: dict[str, float] = {}  # session -> when its turn began
        self._cpu_at_start: dict[str, float] = {}  # session -> its thread's processor time then
        self._returning: dict[str, tuple[int, float]] = {}  # left to answer a click: its place, kept a while
        self._next_number = 0
        self._rest_until = 0.0  # no turn begins before this: the rest after the last picture
        # the rate's clock: a turn may begin once it is past; each turn moves it on by 1 / rate from where it
        # was (not from when the turn began), so a turn that began late does not lower the rate
        self._paced = 0.0
        self._wait = 0.0  # how long turns take to come, smoothed
        self._busy = False
        self._players = 1  # how many play (the last asker said): the rate depends on it
        self._logged, self._turns, self._work = clock(), 0, 0.0  # for the log: turns and their work since

    def take(self, session: str, timeout: float, players: int = 1) -> bool:
        """Wait up to `timeout` seconds for `session`'s turn; True means draw now, then call `done`.
        False keeps its place in the queue: call again (after checking for a click), or `leave`."""
        deadline = self._clock() + timeout
        while True:
            with self._lock:
                now = self._clock()
                self._players = max(1, players)
                if session in self._holders:
                    return True
                asker = self._enqueue(session, now)
                pause = self._grant(session, now)
                if pause is None:
                    return True
                if now >= deadline:
                    return False
                asker.wake.clear()
            asker.wake.wait(max(0.0, min(pause, deadline - now)))

    def done(self, session: str) -> None:
        """The picture is drawn: the next in line may start after a rest as long as this picture's share."""
        with self._lock:
            began = self._holders.pop(session, None)
            cpu = self._cpu_clock() - self._cpu_at_start.pop(session, self._cpu_clock())
            if began is not None:
                now = self._clock()
                work = now - began
                # the rest is in proportion to the processor time the picture took, not its wall time: on a
                # machine shared with other work a picture lasts longer but costs this process no more
                self._rest_until = max(self._rest_until, now + cpu * (1 - self.duty) / self.duty)
                self._wake_first()
                self._turns, self._work = self._turns + 1, self._work + work
                if now - self._logged >= LOG_EVERY:
                    log.info("pictures: %.1f/s for %d players, %.1f ms each, a turn comes in %.2f s%s",
                             self._turns / (now - self._logged), self._players, 1000 * self._work / self._turns,
                             self._wait, " (busy)" if self._busy else "")
                    self._logged, self._turns, self._work = now, 0, 0.0

    def leave(self, session: str) -> None:
        """`session` stops asking for now (it answers a click, or stopped playing); back soon, it keeps its place."""
        with self._lock:
            asker = self._askers.pop(session, None)
            if asker is not None:
                self._returning[session] = (asker.number, self._clock())
            self._cpu_at_start.pop(session, None)
            self._holders.pop(session, None)
            self._wake_first()

    def busy(self) -> bool:
        """Whether the pictures come slower than players ask for them (a turn takes over a second to come)."""
        with self._lock:
            return self._busy

    def waiting(self) -> int:
        with self._lock:
            return len(self._askers)

    # --- under the lock
    def _enqueue(self, session: str, now: float) -> _Asker:
        asker = self._askers.get(session)
        if asker is None:
            number, left = self._returning.pop(session, (None, 0.0))
            if number is None or now - left > AWAY_SECONDS:
                number, self._next_number = self._next_number, self._next_number + 1
            asker = self._askers[session] = _Asker(number, now, now, threading.Event())
        asker.seen = now
        return asker

    def _first(self, now: float) -> str | None:
        for session, asker in list(self._askers.items()):
            if now - asker.seen > AWAY_SECONDS:
                del self._askers[session]
        for session, began in list(self._holders.items()):
            if now - began > HOLD_SECONDS:
                del self._holders[session]
                self._cpu_at_start.pop(session, None)
        for session, (_, left) in list(self._returning.items()):
            if now - left > AWAY_SECONDS:
                del self._returning[session]
        return min(self._askers, key=lambda s: self._askers[s].number, default=None)

    def _grant(self, session: str, now: float) -> float | None:
        """None: `session`'s turn begins now. Else how long until something may change for it."""
        if self._first(now) != session or len(self._holders) >= self.concurrency:
            return AWAY_SECONDS / 4  # woken when the first one's turn begins; look again now and then anyway
        start = max(self._rest_until, self._paced)
        if now < start:
            return start - now
        asker = self._askers.pop(session)
        self._holders[session] = now
        self._cpu_at_start[session] = self._cpu_clock()  # (`take` runs in the thread that will draw)
        interval = 1.0 / max(1e-6, self._rate(self._players))
        self._paced = max(self._paced, now - interval) + interval  # (at most one turn's credit saved up)
        self._wait = 0.8 * self._wait + 0.2 * (now - asker.since)
        self._busy = self._wait > (CALM_WAIT if self._busy else BUSY_WAIT)
        self._wake_first()
        return None

    def _wake_first(self) -> None:
        first = min(self._askers.values(), key=lambda a: a.number, default=None)
        if first is not None:
            first.wake.set()
