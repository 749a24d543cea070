"""Sharing one server: training slots queue heavy trainings, players share the pictures fairly."""

from __future__ import annotations

import pytest

from playground import server_load
from playground.server_load import COMFORTABLE_PLAYERS, Players, TrainingSlots, frame_interval


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
def test_frame_interval_shares_the_servers_pictures(players: int) -> None:
    interval = frame_interval(players, own_seconds=1 / 60)
    total = players / interval  # pictures per second the server sends in all
    if players <= COMFORTABLE_PLAYERS:
        assert total == pytest.approx(min(players * 60, server_load.SERVER_FRAMES_PER_SECOND))
    else:  # a crowd: fewer in all, never under half
        assert server_load.SERVER_FRAMES_PER_SECOND / 2 <= total < server_load.SERVER_FRAMES_PER_SECOND
    assert frame_interval(players, own_seconds=5.0) == max(5.0, interval)  # slow motion keeps its pace
    assert frame_interval(players + 1, 1 / 60) >= interval  # more players: no one gets more


def test_thirty_learners_get_two_pictures_a_second() -> None:
    assert 1 / frame_interval(27, 1 / 60) >= 2.0
