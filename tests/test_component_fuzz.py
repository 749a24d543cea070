"""Hostile events from every custom component, at the Python level where they arrive: each event name of
the network view with every kind of wrong value, and random sequences of them; the drawing pad's value
with hostile dicts and pictures. No exception, no slow answer, and the page can still draw its frame.

(live_image, frame_pump and the cookie setter send nothing back; the dataset picker's one event is a name
that ui.dataset_picker checks against the list it offered.)
"""

from __future__ import annotations

import base64
import random
import time
from typing import Any

import numpy as np
import pytest

from playground.digits.drawing import (
    BadPicture,
    EmptyDrawing,
    mnist_from_canvas,
    pad_strokes,
    picture_from_data_url,
)
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.view import frame_payload, mount_payload

EVENTS = ("add_point", "edit", "toggle_feature", "select_node", "shape")  # ui._NETWORK_EVENTS
EVIL = "[x](https://evil.example)"
ATOMS: list[Any] = [
    None, True, False, 0, -1, 1, 2**31, 2**63, 10**400, -(10**400), 0.5, -0.0, 1e308, -1e308, 5e-324,
    float("inf"), float("-inf"), float("nan"), "", "0", "1", "x", "nan", "inf", "-1e999", "x" * 10_000,
    "ß٣𝟘\u202e\u0000", EVIL, "<img src=x onerror=alert(1)>", [], {}, [1], [1, 2], [1, 2, 3],
    [[1, 2]], ["1", "2"], [float("nan"), 0], [0, float("inf")], [10**400, 0], {"op": None},
]
OPS = ["add_layer", "remove_layer", "add_neuron", "remove_neuron", "", None, 1, "__class__"]
SLOW = 0.5  # seconds: an event the page answers (a normal one takes a few milliseconds)


def _values(name: str) -> list[Any]:
    """Every atom, and dicts shaped like the real event with each field hostile in turn."""
    fields = {"add_point": ("x", "y", "label"), "edit": ("index", "value"), "shape": ("op", "layer")}
    out = list(ATOMS)
    for field in fields.get(name, ()):
        for atom in ATOMS:
            value = {"x": 0.5, "y": 0.5, "label": 0, "index": 0, "value": 0.1, "op": "add_neuron", "layer": 1}
            value[field] = atom
            out.append(value)
    if name == "shape":
        out += [{"op": op, "layer": layer} for op in OPS for layer in (None, 0, 1, 99, -1, 10**400, 1.5)]
    if name == "select_node":
        out += [[a, b] for a in ATOMS[:20] for b in (0, 1, -1, 10**400, float("nan"))]
    return out


def _still_draws(lesson: PlaygroundLesson) -> None:
    run = lesson.run
    mount_payload(run, selected=lesson.selected, add_mode=lesson.add_mode)
    frame_payload(run, selected=lesson.selected, history_from=0)


@pytest.mark.parametrize("add_mode", [None, 0, 1])
@pytest.mark.parametrize("name", EVENTS)
def test_every_network_view_event_with_every_hostile_value(name: str, add_mode: int | None) -> None:
    lesson = PlaygroundLesson.from_query({})
    lesson.add_mode = add_mode
    for value in _values(name):
        start = time.perf_counter()
        lesson.view_event(name, value)
        assert time.perf_counter() - start < SLOW, (name, repr(value)[:80])
        assert lesson.run.network.params.size < 10_000  # no value grew the network past the limits
    assert all(np.isfinite(lesson.run.network.params))
    _still_draws(lesson)


def test_unknown_event_names_change_nothing() -> None:
    lesson = PlaygroundLesson.from_query({})
    before = lesson.run.network.params.copy()
    for name in ("", "__init__", "apply_settings", "x" * 1000, None, 5):
        for value in ATOMS[:12]:
            lesson.view_event(name, value)
    assert np.array_equal(lesson.run.network.params, before)


def test_random_sequences_of_view_events() -> None:
    """500 events in a seeded random order, mixing good and hostile values: still a network that draws."""
    rng = random.Random(12)
    lesson = PlaygroundLesson.from_query({})
    pools = {name: _values(name) for name in EVENTS}
    good = {"shape": [{"op": op} for op in ("add_layer", "remove_layer")]
            + [{"op": "add_neuron", "layer": k} for k in (1, 2, 3)],
            "add_point": [{"x": rng.uniform(-6, 6), "y": rng.uniform(-6, 6)} for _ in range(20)],
            "toggle_feature": ["x", "y", "xSquared", "sinX"], "select_node": [[1, 0], [2, 1], [0, 0]],
            "edit": [{"index": i, "value": 0.3} for i in range(5)]}
    for step in range(500):
        name = rng.choice(EVENTS)
        lesson.add_mode = rng.choice([None, 0, 1])
        value = rng.choice(good[name] if step % 2 else pools[name])
        start = time.perf_counter()
        lesson.view_event(name, value)
        assert time.perf_counter() - start < SLOW, (name, repr(value)[:80])
    assert all(np.isfinite(lesson.run.network.params))
    _still_draws(lesson)


PAD_VALUES: list[Any] = [*ATOMS, {"png": None, "strokes": None}, {"png": 5, "strokes": "x"},
                         {"png": "data:image/png;base64,", "strokes": [[["a", "b"]]]},
                         {"png": "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()},
                         {"png": "data:image/png;base64," + "A" * 3_000_000},
                         {"png": "data:text/html,<script>alert(1)</script>"},
                         {"png": ["data:image/png;base64,"]}, {"strokes": [[[1e308, -1e308]] * 5000]}]


@pytest.mark.parametrize("value", PAD_VALUES, ids=range(len(PAD_VALUES)))
def test_the_drawing_pads_hostile_values(value: Any) -> None:
    """What lessons/mnist_draw.py does with the pad's value (through ui.digit_pad): BadPicture or
    EmptyDrawing for the picture, [] or clamped strokes to draw back, nothing else."""
    start = time.perf_counter()
    drawing = value if isinstance(value, dict) else {"png": value, "strokes": value}
    strokes = pad_strokes(drawing.get("strokes"), side=280)
    assert all(0 <= v <= 280 for stroke in strokes for point in stroke for v in point)
    with pytest.raises((BadPicture, EmptyDrawing)):
        mnist_from_canvas(picture_from_data_url(drawing.get("png")))
    assert time.perf_counter() - start < SLOW
