"""The Playground's 'Try this' list: each experiment with a one-click set-up (fixed settings and seed).

A set-up is written as a link's query string and read as a link is (`url.parse_query`, within the class's
limits), then opened as a new network on new data, as a pasted link opens. The learner's speed and the
controls an instructor hid stay as they were. `tests/test_tryouts_playground.py` runs every set-up and
asserts what its text promises (the numbers below are what that test checks, for these seeds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import parse_qsl

from playground.text import escape_markdown
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.settings import PlaygroundSettings
from playground.tfplayground.url import parse_query
from playground.tryouts import Tryout

ALL_INPUTS = "x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true"

# Each set-up as a query string: the keys it names, TF's defaults for the rest.
SPIRAL_QUERY = "dataset=spiral&networkShape=8&seed=0.601"
LEARNING_RATE_QUERY = "dataset=circle&learningRate=3&seed=0.616"
L1_QUERY = f"dataset=circle&regularization=L1&regularizationRate=0.01&{ALL_INPUTS}&seed=0.605"
XOR_QUERY = "dataset=xor&networkShape=1&seed=0.610"
OVERFIT_QUERY = f"dataset=circle&noise=50&percTrainData=10&networkShape=8,8&{ALL_INPUTS}&showTestData=true&seed=0.629"


def settings_of(query: str) -> tuple[PlaygroundSettings, list[str]]:
    """A set-up's settings and notices (a class's limits may refuse a value: then a notice says so)."""
    return parse_query(dict(parse_qsl(query, keep_blank_values=True)))


def open_set_up(lesson: PlaygroundLesson, query: str) -> None:
    """Open a set-up in the learner's Playground: its network and data, epoch 0, paused."""
    settings, notices = settings_of(query)
    kept = lesson.run.settings
    lesson.reset_to(dataclasses.replace(settings, speed=kept.speed, hidden=kept.hidden))
    lesson.notices = [escape_markdown(notice) for notice in notices]
    lesson.message = "Set up. Press **Play** and watch."


def _set_up(query: str) -> Callable[[PlaygroundLesson], None]:
    return lambda lesson: open_set_up(lesson, query)


TRYOUTS: list[Tryout[PlaygroundLesson]] = [
    Tryout(
        "spiral-layers",
        "Spiral with X₁ and X₂ only, one hidden layer of 8 neurons",
        "after 1,000 epochs it still gets a fifth or more of the test points wrong. Add a second layer of 8 "
        "(**+** next to *1 hidden layer*, then **+** over the new layer six times) and after another 1,000 it "
        "gets 9 in 10 right; or keep one layer and switch on sin(X₁) and sin(X₂): over 95% within 200 epochs.",
        _set_up(SPIRAL_QUERY),
    ),
    Tryout(
        "learning-rate-3",
        "Learning rate 3",
        "the steps are too big to land: the test loss jumps about from epoch to epoch (or sticks, when the "
        "neurons saturate) and stays far above the loss a rate of 0.03 reaches on the same data, near 0.",
        _set_up(LEARNING_RATE_QUERY),
    ),
    Tryout(
        "l1",
        "L1 regularization, rate 0.01, on Circle with all seven inputs",
        "links switch off one by one (dotted); by epoch 300 only X₁² and X₂² still feed the network, and it "
        "still gets every test point right: it keeps only what it needs.",
        _set_up(L1_QUERY),
    ),
    Tryout(
        "xor-neurons",
        "XOR with one hidden neuron, then two, then three (+ over the layer)",
        "after 300 epochs each, one neuron gets about two thirds of the test points right, two about 85% "
        "(each first-layer neuron draws one straight line), three over 90%. Then switch on X₁X₂ and remove "
        "every layer: that one input gets them all.",
        _set_up(XOR_QUERY),
    ),
    Tryout(
        "click-neuron",
        "Click a neuron",
        "its picture fills the big map (click it again for the output): see how later neurons combine "
        "earlier ones.",
    ),
    Tryout(
        "overfitting",
        "Noise 50, training ratio 10%, all seven inputs, two layers of 8",
        "within 100 epochs the test loss is at its lowest; then the training loss keeps falling while the "
        "test loss rises: overfitting, live.",
        _set_up(OVERFIT_QUERY),
    ),
]
