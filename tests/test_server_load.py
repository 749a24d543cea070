"""Sharing one server: training slots queue heavy trainings, players share the pictures fairly."""

from __future__ import annotations

import threading
import time

import pytest

from playground.classroom import picture_turns, server_load
from playground.classroom.picture_turns import PictureTurns
from playground.classroom.server_load import COMFORTABLE_PLAYERS, Players, TrainingSlots, pictures_per_second


def test_training_slots_queue_and_free(monkeypatch) -> None:
    slots = TrainingSlots(capacity=2)
    assert slots.acquire("a") and slots.acquire("b")
    assert not slots.acquire("c")  # full: c waits
    assert slots.status() == (2, 1, 2)
    assert slots.acquire("a")  # a holder keeps its slot
    slots.release("a")
    assert slots.acquire("c") and slots.status() == (2, 0, 2)

    now = [1000.0]
    monkeypatch.setattr(server_load.time, "monotonic", lambda: now[0])
    slots = TrainingSlots(capacity=1)
    assert slots.acquire("gone")
    now[0] += server_load.STALE_SECONDS + 1  # its tab was closed: the slot is freed
    assert slots.acquire("next")


def test_players_are_counted_until_they_stop_or_go_quiet(monkeypatch) -> None:
    now = [50.0]
    monkeypatch.setattr(server_load.time, "monotonic", lambda: now[0])
    players = Players()
    assert players.playing("a") == 1 and players.playing("b") == 2 and players.playing("a") == 2
    players.stopped("b")
    assert players.count() == 1
    now[0] += server_load.PLAYER_STALE_SECONDS + 0.1
    assert players.count() == 0 and players.playing("c") == 1


@pytest.mark.parametrize("players", [1, 10, 27, 30, 45, 54, 60, 120])
def test_the_servers_pictures_per_second(players: int) -> None:
    total = pictures_per_second(players)
    if players <= COMFORTABLE_PLAYERS:
        assert total == server_load.SERVER_FRAMES_PER_SECOND
    else:  # a crowd: fewer in all (the event loop has more sessions to serve), never under half
        assert server_load.SERVER_FRAMES_PER_SECOND / 2 <= total < server_load.SERVER_FRAMES_PER_SECOND
    assert pictures_per_second(players + 1) <= total
    if players <= 27:  # a class: two pictures a second each, at the ceiling
        assert total / players >= 2.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_turns_go_round_in_the_order_asked_one_at_a_time() -> None:
    clock = Clock()
    turns = PictureTurns(concurrency=1, duty=1.0, clock=clock)
    order = []
    for _ in range(4):  # everyone asks, in turn; each asks again right after its picture
        for session in "abc":
            if turns.take(session, timeout=0):
                order.append(session)
                assert not any(turns.take(other, timeout=0) for other in "abc" if other != session)  # one at once
                clock.now += 0.01
                turns.done(session)
    assert order[:6] == list("abcabc")
    assert {order.count(s) for s in "abc"} == {4}


def test_a_turn_leaves_the_interpreter_free_in_proportion_to_its_processor_time() -> None:
    clock = Clock()
    cpu = Clock()
    turns = PictureTurns(concurrency=1, duty=0.5, clock=clock, cpu_clock=cpu)
    assert turns.take("a", timeout=0)
    clock.now += 0.5  # a picture that took 0.2 s of processor time (and 0.5 s: the machine is shared)
    cpu.now += 0.2
    turns.done("a")
    clock.now += 0.19
    assert not turns.take("b", timeout=0)  # the next waits as long again: clicks and new pages go first
    clock.now += 0.02
    assert turns.take("b", timeout=0)


def test_the_rate_bounds_the_pictures_of_a_crowd_and_a_late_turn_does_not_lower_it() -> None:
    clock = Clock()
    turns = PictureTurns(concurrency=2, duty=1.0, rate=lambda players: 10.0, clock=clock)
    granted = 0
    for _ in range(100):  # 1 s of 60 players asking all the time
        for k in range(60):
            if turns.take(f"s{k}", timeout=0, players=60):
                granted += 1
                turns.done(f"s{k}")
        clock.now += 0.01
    assert 9 <= granted <= 12  # (one turn's credit may be saved up)

    turns = PictureTurns(concurrency=1, duty=1.0, rate=lambda players: 10.0, clock=clock)
    start = clock.now
    for at, granted in [(0.0, True), (0.0, True), (0.0, False), (0.13, True), (0.2, True), (0.2, False)]:
        clock.now = start + at  # (the first turn may use one saved up; at 0.13 a turn begins 0.03 s late...)
        assert turns.take("a", timeout=0) == granted, at
        turns.done("a")  # (...and the next may still begin at 0.2: ten a second)


def test_a_player_that_left_to_answer_a_click_keeps_its_place_a_while() -> None:
    clock = Clock()
    turns = PictureTurns(concurrency=1, duty=1.0, clock=clock)
    assert turns.take("a", timeout=0) and turns.take("a", timeout=0)  # a draws (asking again: still its turn)
    assert not turns.take("b", timeout=0) and not turns.take("c", timeout=0)  # b, then c, wait
    turns.leave("b")  # b answers a click
    turns.done("a")
    assert turns.take("b", timeout=0)  # back at once: its place was before c's
    turns.done("b")
    assert turns.take("c", timeout=0)
    assert not turns.take("b", timeout=0) and not turns.take("a", timeout=0)  # b, then a, wait
    turns.leave("b")
    clock.now += picture_turns.AWAY_SECONDS + 0.1  # b's tab was closed; a keeps asking
    assert not turns.take("a", timeout=0) and not turns.take("b", timeout=0)  # b is back, but behind a
    turns.done("c")
    assert not turns.take("b", timeout=0)
    assert turns.take("a", timeout=0)


def test_a_player_gone_quiet_does_not_hold_up_the_queue() -> None:
    clock = Clock()
    turns = PictureTurns(concurrency=1, duty=1.0, clock=clock)
    assert turns.take("a", timeout=0)
    assert not turns.take("gone", timeout=0)  # asks once, then its tab is closed
    clock.now += picture_turns.AWAY_SECONDS / 2
    assert not turns.take("b", timeout=0)
    turns.done("a")
    clock.now += picture_turns.AWAY_SECONDS / 2 + 0.1
    assert turns.take("b", timeout=0)
    assert turns.waiting() == 0
    clock.now += 0.1
    assert not turns.take("c", timeout=0)  # b never hands its turn back...
    clock.now += picture_turns.HOLD_SECONDS
    assert turns.take("c", timeout=0)  # ...until it has held it far too long


def test_many_threads_are_served_fairly_and_a_waiting_one_is_woken() -> None:
    turns = PictureTurns(concurrency=1, duty=0.5)
    counts = dict.fromkeys(range(12), 0)
    stop = threading.Event()

    ready = threading.Barrier(len(counts))

    def player(k: int) -> None:
        ready.wait()  # all ask from the same moment
        while not stop.is_set():
            if turns.take(str(k), timeout=0.25):
                counts[k] += 1
                began = time.thread_time()
                while time.thread_time() - began < 0.002:  # drawing: 2 ms of processor time
                    pass
                turns.done(str(k))
        turns.leave(str(k))

    threads = [threading.Thread(target=player, args=(k,)) for k in counts]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join()
    assert max(counts.values()) - min(counts.values()) <= 2 and min(counts.values()) > 0, counts  # round robin
    # one at a time, and after each as long again free: ~1.5 s / 4 ms, not more
    assert sum(counts.values()) <= 1.5 / 0.004 * 1.1


def test_busy_when_turns_are_slow_to_come_or_many_play(monkeypatch) -> None:
    clock = Clock()
    turns = PictureTurns(concurrency=1, duty=1.0, rate=lambda players: 4.0, clock=clock)
    assert not turns.busy()
    for _ in range(200):  # 8 players asking all the time at 4 pictures a second: ~2 s for each turn
        for k in range(8):
            if turns.take(f"s{k}", timeout=0, players=8):
                turns.done(f"s{k}")
        clock.now += 0.05
    assert turns.busy()
    for _ in range(100):  # now two: a turn comes at once
        for k in range(2):
            if turns.take(f"s{k}", timeout=0, players=2):
                turns.done(f"s{k}")
        clock.now += 0.3
    assert not turns.busy()

    monkeypatch.setattr(server_load, "PICTURE_TURNS", turns)
    assert server_load.server_busy(server_load.BUSY_PLAYERS + 1)  # many play: said before any picture
    assert not server_load.server_busy(server_load.BUSY_PLAYERS)


@pytest.mark.app
def test_the_playground_says_busy_as_soon_as_it_is_before_any_picture(monkeypatch) -> None:
    """A player waiting for its turn is told at once when the server becomes busy (no picture needed)."""
    from streamlit.testing.v1 import AppTest

    from playground import ui
    from playground.paths import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("lessons/playground.py")
    at.run()
    at.session_state["lesson-state:playground"].playing = True
    looks = []

    class NoTurnYet:  # a crowded server: this player's turn does not come during the test
        def take(self, session: str, timeout: float, players: int = 1) -> bool:
            return False

        def leave(self, session: str) -> None:
            pass

    monkeypatch.setattr(server_load, "PICTURE_TURNS", NoTurnYet())
    monkeypatch.setattr(server_load, "server_busy", lambda players: len(looks) >= 1)  # busy from the 2nd look on
    monkeypatch.setattr(ui, "rerun_requested", lambda: looks.append(1) or len(looks) >= 2)  # then a click
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(looks) == 2
    assert any("busy: sharing the server" in c.value for c in at.caption)


def _compiled_signatures() -> dict[str, int]:
    import numba

    from playground.engine2d import activations
    from playground.engine2d import kernels as mlp_kernels
    from playground.toydata import seedrandom

    return {f"{module.__name__}.{name}": len(function.signatures)
            for module in (activations, mlp_kernels, seedrandom) for name, function in vars(module).items()
            if isinstance(function, numba.core.registry.CPUDispatcher)}


def test_the_engine_is_compiled_before_any_learner_needs_it() -> None:
    """After `engine_cache.warm()` (run before a class server serves anyone), a Playground session compiles
    nothing: numba compiles for the whole process one function at a time, and under load every learner's
    first page waited for it."""
    from playground.tfplayground import warmup as engine_cache
    from playground.tfplayground.hidden_space import hidden_space_png
    from playground.tfplayground.lesson import PlaygroundLesson
    from playground.tfplayground.view import frame_payload, mount_payload, valid_selection

    engine_cache.warm()
    before = _compiled_signatures()
    assert before["playground.engine2d.kernels.all_node_outputs"] and before["playground.engine2d.kernels.train_epochs"]
    for query in [{"activation": "sigmoid", "dataset": "circle"}, {"problem": "regression", "activation": "linear"},
                  {"dataset": "blobs", "numClasses": "5", "networkShape": "3", "batchSize": "30"},
                  {"dataset": "spiral", "loss": "cross-entropy", "networkShape": "8,8,8,8", "noise": "35"}]:
        lesson = PlaygroundLesson.from_query(query)
        run = lesson.run
        mount_payload(run, selected=(1, 0), add_mode=None, seq=0)
        run.train(3, loss_every_epoch=True)
        run.train(7, loss_every_epoch=False)
        frame_payload(run, valid_selection(run, (1, 0)), history_from=0, seq=1)
        hidden_space_png(run, 1, 0, 0, size=40)
    assert _compiled_signatures() == before
