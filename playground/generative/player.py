"""The GAN's play loop without Streamlit: iterations per picture at each speed, a fair turn at drawing each
picture (the Playground's picture turns: a GAN iteration is a fraction of a millisecond of NumPy, so it shares
the server the way the Playground does, not through the PyTorch training slots), and when play stops: a click
to answer, a diverged run. The page keeps the glue: its fragment, sending a frame, looking for a click.

The class's limits that apply here are the network sizes (layers and neurons, in `GenerativeLesson.apply`);
the digit trainings' epochs and seconds per run are not a GAN's units (tfplayground.player says why)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playground.generative.lesson import GenerativeLesson
from playground.generative.pictures import layered_png
from playground.render.png import data_uri
from playground.tfplayground.player import BusyNotice, Player
from playground.training_driver import Outcome

CHANNEL = "gan-view"  # the layered view's live picture


@dataclass(frozen=True)
class Pace:
    """One speed: iterations per picture (None: as many as fit FILL of its frame) and seconds per picture."""

    iterations: int | None
    seconds: float


PACES = {"slow": Pace(1, 0.12), "normal": Pace(8, 1 / 20), "fast": Pace(None, 1 / 14)}
# The share of a fast frame spent training: the picture turns rest after each picture as long as it took
# (server_load.PICTURE_DUTY), so a frame of training plus drawing is followed by as long a rest; a third of
# the frame keeps ~12 pictures a second with several hundred iterations each second.
FILL = 0.35
CROWDED_SECONDS = 0.01  # on a busy server a fast frame trains this long
MOST_PER_FRAME = 2000


def frame(lesson: GenerativeLesson) -> dict[str, dict]:
    """The live picture of the layered view now, as the page's frame pump sends it."""
    return {CHANNEL: {"src": data_uri(layered_png(lesson.gan.view(), lesson.shown))}}


class GanPlayer(Player):
    """Plays one learner's GAN for one page run (the server's shared turns and players by default), as the
    Playground's Player does; `play(send, should_stop, tell_busy, on_frame=…)` runs until the page has a click
    to answer (STOPPED; the next page run plays on) or the run diverges (REACHED: play is off and
    lesson.message says why). `on_frame()` runs after each picture (the page updates its numbers there)."""

    lesson: GenerativeLesson  # type: ignore[assignment]

    def _play(self, send: Callable[[dict[str, dict]], None], should_stop: Callable[[], bool],  # type: ignore[override]
              tell_busy: Callable[[int | None], None], on_frame: Callable[[], None] = lambda: None) -> Outcome:
        lesson, me = self.lesson, self.session
        pace = PACES.get(lesson.speed, PACES["normal"])
        per_frame, notice = pace.iterations or 10, BusyNotice()
        while True:
            crowded = self.turn(notice, tell_busy)
            if crowded is None:
                if should_stop():
                    return Outcome.STOPPED
                continue
            start = self.clock()
            try:
                lesson.gan.train(per_frame)
                train_seconds = self.clock() - start
                send(frame(lesson))
                lesson.frames += 1
            finally:
                self.turns.done(me)
            on_frame()
            if lesson.diverged_message():
                return Outcome.REACHED
            if should_stop():
                return Outcome.STOPPED
            if pace.iterations is None:  # fast: fill most of the frame with training
                budget = FILL * (min(pace.seconds, CROWDED_SECONDS) if crowded else pace.seconds)
                per_frame = max(1, min(MOST_PER_FRAME, int(per_frame * budget / max(train_seconds, 1e-4))))
            if self.rest(start, pace.seconds, should_stop):
                return Outcome.STOPPED
