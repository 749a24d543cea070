"""The Playground's model without the UI: TF's reset and data semantics, history, pictures, payloads."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from playground.tfplayground.frames import DENSITY, grid_points, render_frame
from playground.tfplayground.hidden_space import axis_label, hidden_space_pixels, layer_choices, shown_layer
from playground.tfplayground.run import LossHistory, PlaygroundRun
from playground.tfplayground.settings import (
    ACTIVATION_CHOICES,
    LEARNING_RATES,
    NOISE_SLIDER_TOP,
    PlaygroundSettings,
    dataset_choices,
    with_current,
)
from playground.tfplayground.url import parse_query, to_query
from playground.tfplayground.view import frame_payload, mount_payload, valid_selection
from playground.toydata.generators import MULTICLASS_DATASETS, REGRESS_DATASETS, make_data
from playground.toydata.learner_csv import parse_learner_csv
from playground.toydata.seedrandom import SeedRandom

ALL = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")


def test_first_network_comes_from_the_seed_stream_right_after_the_data() -> None:
    run = PlaygroundRun(PlaygroundSettings(seed="0.81734"))
    _, rng = make_data("circle", 0, 50, "0.81734")
    first_weight = rng.random() - 0.5
    assert run.network.params[0] == first_weight
    assert np.all(run.network.biases(0) == 0.1)


def test_reset_continues_the_stream_and_a_link_rebuilds_the_same_network() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    first = run.network.params.copy()
    run.train(5)
    run.reset_network()
    assert run.epoch == 0 and run.history.table().shape[0] == 1
    assert not np.array_equal(first, run.network.params)
    assert run.settings.initDraws == int(run.network.is_weight.sum())
    # the URL carries initDraws: a learner opening the link gets the very same weights
    shared, notices = parse_query(to_query(run.settings))
    assert notices == []
    assert np.array_equal(PlaygroundRun(shared).network.params, run.network.params)


def test_data_change_draws_new_points_and_resets_the_stream_offset() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    run.reset_network()
    old_points = run.train_x.copy()
    outcome = run.with_settings(dataclasses.replace(run.settings, dataset="xor", seed="0.5"))
    assert outcome == "data" and run.settings.initDraws == 0
    assert not np.array_equal(old_points, run.train_x)
    assert run.with_settings(dataclasses.replace(run.settings, learningRate=0.3)) == "live"
    assert run.with_settings(dataclasses.replace(run.settings, activation="relu")) == "reset"


def test_same_settings_train_the_same_way() -> None:
    a = PlaygroundRun(PlaygroundSettings(dataset="spiral", networkShape=[8, 8], features=ALL))
    b = PlaygroundRun(PlaygroundSettings(dataset="spiral", networkShape=[8, 8], features=ALL))
    a.train(30)
    b.train(30)
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.history.table(), b.history.table())


def test_default_network_learns_the_circle() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    run.train(300, loss_every_epoch=False)
    scores = run.scores()
    assert scores.test_loss < 0.05 and scores.test_metric > 0.95


def test_multiclass_and_regression_runs() -> None:
    run = PlaygroundRun(PlaygroundSettings(dataset="blobs", numClasses=4, networkShape=[6]))
    assert run.network.head == "softmax-cross-entropy" and run.network.sizes[-1] == 4
    run.train(100, loss_every_epoch=False)
    assert run.scores().test_metric > 0.9
    reg = PlaygroundRun(PlaygroundSettings(problem="regression"))
    assert reg.network.head == "linear-squared"
    reg.train(50, loss_every_epoch=False)
    assert reg.scores().metric_name == "RMSE" and reg.scores().test_metric < 0.2


def test_added_and_cleared_points() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    n = len(run.train_y)
    run.add_point(1.0, 2.0, 1)
    assert len(run.train_y) == n + 1 and run.train_y[-1] == 1
    assert run.train_features.shape[0] == n + 1
    with pytest.raises(ValueError):
        run.add_point(1.0, 2.0, 7)
    with pytest.raises(ValueError):
        run.add_point(float("nan"), 2.0, 0)
    run.clear_points()
    assert len(run.train_y) == 0 and len(run.test_y) == 0
    run.train(2)  # training on nothing is a no-op, not an error
    run.add_point(-1.0, 0.0, 0)
    assert len(run.train_y) == 1
    run.restore_points()
    assert len(run.train_y) == n


def test_loss_history_stays_bounded_and_ordered() -> None:
    history = LossHistory(capacity=64)
    for epoch in range(10_000):
        history.append(epoch, 1.0 / (epoch + 1), 2.0 / (epoch + 1))
    table = history.table()
    assert len(table) <= 64
    assert np.all(np.diff(table[:, 0]) > 0) and table[-1, 0] >= 9_900 and table[0, 0] == 0


def test_frame_pictures_are_valid_and_follow_the_selection() -> None:
    run = PlaygroundRun(PlaygroundSettings(networkShape=[3, 2]))
    frame = render_frame(run.network, run.features, None, discretize=False)
    picked = render_frame(run.network, run.features, (1, 0), discretize=False)
    assert frame.sprite.startswith("data:image/png;base64,") and frame.main != picked.main
    assert grid_points().shape == (DENSITY * DENSITY, 2)
    assert grid_points()[0].tolist() == [-6.0, 6.0]  # top-left first, as TF's canvas


def test_selection_is_dropped_when_the_neuron_disappears() -> None:
    run = PlaygroundRun(PlaygroundSettings(networkShape=[4, 2]))
    assert valid_selection(run, (1, 3)) == (1, 3)
    run.with_settings(dataclasses.replace(run.settings, networkShape=[2]))
    assert valid_selection(run, (1, 3)) is None
    assert valid_selection(run, (2, 0)) is None  # the single output is the big map already


def test_payloads_are_json_and_carry_what_the_view_needs() -> None:
    run = PlaygroundRun(PlaygroundSettings(dataset="spiral3", numClasses=3))
    run.train(3)
    mount = mount_payload(run, selected=None, add_mode=1)
    text = json.dumps(mount)
    assert "NaN" not in text and "Infinity" not in text
    assert mount["sizes"] == [2, 4, 2, 3] and len(mount["features"]) == 7
    assert len(mount["points"]["train"]) == len(run.train_y)
    frame = frame_payload(run, None, history_from=2)
    assert frame["epoch"] == 3 and [row[0] for row in frame["history_tail"]] == [2, 3]
    assert len(frame["params"]) == run.network.n_params


def test_hidden_space_picture_for_every_layer() -> None:
    run = PlaygroundRun(PlaygroundSettings(dataset="blobs", networkShape=[3, 1]))
    layers = [layer for layer, _ in layer_choices(run)]
    assert layers == [0, 1, 2, 3]
    for layer in layers:
        pixels = hidden_space_pixels(run, layer, 0, 1 if run.network.sizes[layer] > 1 else 0, size=120)
        assert pixels.shape == (120, 120, 3) and pixels.std() > 0


def test_seed_stream_copy_is_independent() -> None:
    rng = SeedRandom("abc")
    import copy

    twin = copy.deepcopy(rng)
    assert [rng.random() for _ in range(5)] == [twin.random() for _ in range(5)]


def test_a_link_far_into_the_stream_builds_the_same_network_as_stepping_and_fast() -> None:
    # initDraws from a link: the build skips that many draws; it must equal drawing them one by one, and
    # the most a link may carry must cost what a normal link costs (other learners of the process wait).
    from playground.engine2d.network import Network2D
    from playground.tfplayground.settings import MAX_INIT_DRAWS

    settings = PlaygroundSettings(seed="0.66120", networkShape=[5, 3], initDraws=123_457)
    run = PlaygroundRun(settings)
    _, rng = make_data("circle", 0, 50, "0.66120")
    for _ in range(123_457):
        rng.random()
    slow = Network2D.build(len(run.features), [5, 3], ["tanh", "tanh"], run.network.head, 1, random=rng.random)
    assert np.array_equal(run.network.params, slow.params)

    far = dataclasses.replace(settings, initDraws=MAX_INIT_DRAWS)
    PlaygroundRun(far)  # compiled code loaded
    best = min(_timed(lambda: PlaygroundRun(far)) for _ in range(3))
    normal = min(_timed(lambda: PlaygroundRun(settings)) for _ in range(3))
    assert best < 0.05 + normal


def _timed(work) -> float:
    import time

    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def test_resets_past_the_bound_start_the_stream_over() -> None:
    from playground.tfplayground.settings import MAX_INIT_DRAWS

    first = PlaygroundRun(PlaygroundSettings(seed="0.3"))
    run = PlaygroundRun(PlaygroundSettings(seed="0.3", initDraws=MAX_INIT_DRAWS - 3))
    run.reset_network()  # another 18 weights would pass the bound
    assert run.settings.initDraws == 0
    assert np.array_equal(run.network.params, first.network.params)
    shared, notices = parse_query(to_query(run.settings))
    assert notices == [] and np.array_equal(PlaygroundRun(shared).network.params, run.network.params)


def test_the_controls_offer_tf_values_and_the_current_one() -> None:
    assert with_current(LEARNING_RATES, 0.03) == list(LEARNING_RATES)
    rates = with_current(LEARNING_RATES, 0.05)  # a link may carry a rate TF's list does not have
    assert len(rates) == len(LEARNING_RATES) + 1 and rates == sorted(rates) and 0.05 in rates
    assert ACTIVATION_CHOICES[:4] == ("relu", "tanh", "sigmoid", "linear") and len(set(ACTIVATION_CHOICES)) == 8
    assert dataset_choices("regression") == REGRESS_DATASETS
    assert dataset_choices("classification") == ("circle", "xor", "gauss", "spiral", *MULTICLASS_DATASETS)
    assert PlaygroundSettings(noise=10).noise_slider_top() == NOISE_SLIDER_TOP
    assert PlaygroundSettings(noise=80).noise_slider_top() == 80  # a link's noise stays on the slider


def test_which_data_and_loss_a_learner_may_choose() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    assert not run.class_count_adjustable and run.loss_adjustable
    run = PlaygroundRun(PlaygroundSettings(dataset="blobs"))
    assert run.class_count_adjustable and not run.loss_adjustable
    run.use_uploaded(parse_learner_csv(b"x,y,label\n1,2,0\n2,1,1\n3,3,2\n-1,-2,0\n", seed="1", max_bytes=1 << 20))
    assert not run.class_count_adjustable  # an upload's classes are its own
    run = PlaygroundRun(PlaygroundSettings(problem="regression", dataset="blobs"))
    assert not run.class_count_adjustable and not run.loss_adjustable


def test_the_points_download_holds_every_point_trained_and_tested_on() -> None:
    run = PlaygroundRun(PlaygroundSettings())
    run.add_point(1.0, 2.0, 1)
    back = parse_learner_csv(run.points_csv(), seed="1", max_bytes=1 << 20)
    assert len(back.train_y) + len(back.test_y) == len(run.train_y) + len(run.test_y)
    assert back.n_classes == run.n_classes and run.points_csv().decode().splitlines()[0] == "x,y,label"
    assert "1.0,2.0,+1" in run.points_csv().decode()  # the added point, in TF's class names


def test_the_hidden_space_view_falls_back_to_a_layer_the_network_has() -> None:
    run = PlaygroundRun(PlaygroundSettings(networkShape=[3, 2]))
    assert shown_layer(run, 2) == 2 and shown_layer(run, 0) == 0
    assert shown_layer(run, 9) == 1  # gone (a layer was removed): the first hidden layer
    assert shown_layer(PlaygroundRun(PlaygroundSettings(networkShape=[])), 1) == 0  # no hidden layer: the inputs
    assert axis_label(run, 0, 1) == run.features[1] and axis_label(run, 2, 0) == "neuron 1"


def test_fingerprint_follows_the_network_and_the_points() -> None:
    """Results kept per network state (the 2D attacks' distances, the explanations' arrows) use this key: the
    same state gives the same key; training, an edited weight or other points give a new one."""
    run = PlaygroundRun(PlaygroundSettings(dataset="circle"))
    first = run.fingerprint()
    assert run.fingerprint() == first
    run.train(1)
    trained = run.fingerprint()
    assert trained != first
    run.network.params[0] += 0.5  # an edited weight, the epoch unchanged
    assert run.fingerprint() != trained
    assert run.fingerprint(run.train_x[:10]) != run.fingerprint()
