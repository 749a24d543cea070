"""Every 'Try this' item of the Playground: its set-up applied to a fresh lesson, trained with the engine as
the text says, and what the text promises asserted in numbers (see playground/tfplayground/tryouts.py)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine2d.features import FEATURES
from playground.render.colors import DIVERGING_PALETTE, HEATMAP_STEPS, diverging_index
from playground.render.png import data_uri, encode_indexed_png
from playground.tfplayground import tryouts
from playground.tfplayground.frames import DENSITY, grid_features
from playground.tfplayground.lesson import PlaygroundLesson
from playground.tfplayground.view import mount_payload
from playground.tryouts import by_key


def set_up(key: str) -> PlaygroundLesson:
    """A fresh lesson (TF's defaults, another seed), then the tryout's set-up, as the button does."""
    lesson = PlaygroundLesson.from_query({"seed": "0.999", "activation": "relu", "networkShape": "3"})
    tryout = by_key(tryouts.TRYOUTS, key)
    assert tryout.set_up is not None
    tryout.set_up(lesson)
    assert lesson.notices == [] and lesson.run.epoch == 0 and not lesson.playing
    return lesson


def accuracy_after(lesson: PlaygroundLesson, epochs: int) -> float:
    lesson.run.train(epochs, loss_every_epoch=False)
    return lesson.run.scores().test_metric


def click(lesson: PlaygroundLesson, op: str, layer: int | None = None) -> None:
    """A + or − button of the network view."""
    lesson.view_event("shape", {"op": op} if layer is None else {"op": op, "layer": layer})


def test_every_tryout_has_a_set_up_but_the_click() -> None:
    keys = [t.key for t in tryouts.TRYOUTS]
    assert len(set(keys)) == len(keys)
    assert [t.key for t in tryouts.TRYOUTS if t.set_up is None] == ["click-neuron"]


def test_a_set_up_keeps_the_learners_speed_and_hidden_controls_and_is_the_same_each_time() -> None:
    lesson = PlaygroundLesson.from_query({"speed": "slow", "learningRate_hide": "true"})
    by_key(tryouts.TRYOUTS, "xor-neurons").set_up(lesson)
    s = lesson.run.settings
    assert (s.speed, s.hidden, s.dataset, s.networkShape, s.seed) == ("slow", ("learningRate",), "xor", [1], "0.610")
    assert lesson.sync_widgets  # the page's widgets show the new settings
    again = set_up("xor-neurons")
    assert np.array_equal(again.run.network.params, lesson.run.network.params)
    assert np.array_equal(again.run.train_x, lesson.run.train_x)


def test_spiral_needs_layers_or_sines() -> None:
    lesson = set_up("spiral-layers")
    s = lesson.run.settings
    assert (s.dataset, s.features, s.networkShape) == ("spiral", ("x", "y"), [8])
    assert accuracy_after(lesson, 1000) <= 0.8  # a fifth or more wrong
    click(lesson, "add_layer")
    for _ in range(6):
        click(lesson, "add_neuron", 2)
    assert lesson.run.settings.networkShape == [8, 8]
    assert accuracy_after(lesson, 1000) >= 0.9  # 9 in 10 right
    click(lesson, "remove_layer")
    lesson.view_event("toggle_feature", "sinX")
    lesson.view_event("toggle_feature", "sinY")
    assert lesson.run.settings.networkShape == [8] and lesson.run.features == ("x", "y", "sinX", "sinY")
    assert accuracy_after(lesson, 200) > 0.95
    straight = set_up("spiral-layers")  # the sines straight after the set-up, without a second layer first
    straight.view_event("toggle_feature", "sinX")
    straight.view_event("toggle_feature", "sinY")
    assert accuracy_after(straight, 200) > 0.95


def late_test_losses(lesson: PlaygroundLesson, epochs: int = 300, after: int = 100) -> np.ndarray:
    lesson.run.train(epochs)
    table = lesson.run.history.table()
    return table[table[:, 0] >= after, 2]


def test_learning_rate_3_jumps_about_and_stays_high() -> None:
    lesson = set_up("learning-rate-3")
    assert lesson.run.settings.learningRate == 3
    losses = late_test_losses(lesson)
    assert np.abs(np.diff(losses)).mean() > 0.02  # jumps about from epoch to epoch ...
    assert losses.max() - losses.min() > 0.3  # ... by a lot ...
    assert losses.min() > 0.25  # ... and never comes near 0
    for _ in range(3):  # new starting weights: jumping or stuck, the loss stays high
        lesson.reset_network()
        assert late_test_losses(lesson).min() > 0.2
    slow = set_up("learning-rate-3")
    slow.apply_settings(learningRate=0.03)  # the same data and starting weights, with 0.03
    assert late_test_losses(slow)[-1] < 0.05


def test_l1_switches_links_off_one_by_one_and_keeps_the_squares() -> None:
    lesson = set_up("l1")
    run, net = lesson.run, lesson.run.network
    assert run.features == FEATURES and run.settings.regularization == "L1"
    links = int(net.is_weight.sum())
    off = []
    for _ in range(300):
        run.train(1)
        off.append(int(((net.alive == 0) & (net.is_weight == 1)).sum()))
    steps = np.diff([0, *off])
    assert (steps >= 0).all()  # a link switched off stays off
    assert (steps > 0).sum() >= 10 and steps.max() <= 4  # one by one, not all at once
    assert off[-1] >= 0.7 * links
    first = net.params[: net.sizes[0] * net.sizes[1]].reshape(net.sizes[1], net.sizes[0])
    feeding = [f for j, f in enumerate(run.features) if np.any(first[:, j] != 0)]
    assert feeding == ["xSquared", "ySquared"]
    assert run.scores().test_metric == 1.0
    # the view draws the switched-off links dotted: it is told which are off
    assert mount_payload(run, selected=None, add_mode=None)["frame"]["alive"].count(0) == off[-1]


def test_xor_one_neuron_cannot_two_nearly_three_can_and_x1x2_alone_does() -> None:
    lesson = set_up("xor-neurons")
    s = lesson.run.settings
    assert (s.dataset, s.features, s.networkShape) == ("xor", ("x", "y"), [1])
    assert 0.6 <= accuracy_after(lesson, 300) <= 0.75  # about two thirds
    click(lesson, "add_neuron", 1)
    assert 0.8 <= accuracy_after(lesson, 300) <= 0.9  # about 85%
    click(lesson, "add_neuron", 1)
    assert lesson.run.settings.networkShape == [3]
    assert accuracy_after(lesson, 300) > 0.9
    lesson.view_event("toggle_feature", "xTimesY")
    click(lesson, "remove_layer")
    assert lesson.run.settings.networkShape == [] and "xTimesY" in lesson.run.features
    assert accuracy_after(lesson, 300) == 1.0


def test_clicking_a_neuron_shows_its_picture_in_the_big_map() -> None:
    lesson = PlaygroundLesson.from_query({})
    run = lesson.run
    run.train(20)
    output = mount_payload(run, selected=lesson.selected, add_mode=None)["frame"]
    for layer, index in ((1, 2), (2, 1)):
        lesson.view_event("select_node", [layer, index])
        frame = mount_payload(run, selected=lesson.selected, add_mode=None)["frame"]
        net = run.network
        values = net.node_outputs(grid_features(run.features))[int(net.node_off[layer]) + index]
        own = encode_indexed_png(diverging_index(values, steps=HEATMAP_STEPS).reshape(DENSITY, DENSITY),
                                 DIVERGING_PALETTE)
        assert frame["main"] == data_uri(own) != output["main"]
        assert frame["caption"].startswith(f"Showing neuron {index + 1} of hidden layer {layer}.")
        lesson.view_event("select_node", [layer, index])  # again: the output
        assert mount_payload(run, selected=lesson.selected, add_mode=None)["frame"]["main"] == output["main"]


def test_overfitting_training_loss_falls_while_test_loss_rises() -> None:
    lesson = set_up("overfitting")
    s = lesson.run.settings
    assert (s.noise, s.percTrainData, s.networkShape, lesson.run.features) == (50, 10, [8, 8], FEATURES)
    lesson.run.train(300)
    epoch, train, test = lesson.run.history.table().T
    best = int(np.argmin(test))
    assert epoch[best] <= 100  # the test loss is lowest early on
    assert test[-1] >= test[best] + 0.1  # then it rises
    assert train[-1] <= train[best] - 0.1  # while the training loss falls
    late = slice(best, None)
    assert np.corrcoef(epoch[late], train[late])[0, 1] < -0.5 < 0.5 < np.corrcoef(epoch[late], test[late])[0, 1]


@pytest.mark.parametrize("tryout", [t for t in tryouts.TRYOUTS if t.set_up is not None], ids=lambda t: t.key)
def test_a_class_limit_bounds_a_set_up_and_a_refused_value_gets_a_notice(tryout, monkeypatch) -> None:
    from playground.tfplayground import settings as playground_settings

    monkeypatch.setattr(playground_settings, "CLASS_LIMITS", playground_settings.Limits(max_layers=1, max_neurons=2))
    lesson = PlaygroundLesson.from_query({})
    tryout.set_up(lesson)
    shape = lesson.run.settings.networkShape
    assert len(shape) <= 1 and all(n <= 2 for n in shape)
    too_big = tryout.key in ("spiral-layers", "overfitting")  # they ask for layers of 8
    assert bool(lesson.notices) == too_big
    assert all("networkShape" in notice for notice in lesson.notices)
