"""Saving and opening a trained network: an exact round trip, and a clear message for every broken file."""

from __future__ import annotations

import copy
import json
import random

import numpy as np
import pytest

from playground.engine2d.features import feature_matrix
from playground.engine2d.network import Network2D, TrainSettings
from playground.tfplayground.network_file import (
    FORMAT,
    LoadedNetwork,
    NetworkFileError,
    dump_network,
    load_network,
)
from playground.toydata.generators import make_data

FEATURES = ("x", "y", "xSquared", "sinY")
SETTINGS = {"dataset": "circle", "networkShape": "4,2", "learningRate": "0.1", "regularization": "L1"}


def _trained() -> tuple[Network2D, np.ndarray]:
    """A network trained with strong L1, so that some links are dead; and points to compare outputs on."""
    data, rng = make_data("circle", 10, 50, "file")
    net = Network2D.build(len(FEATURES), [4, 2], ["tanh", "relu"], random=rng.random)
    train = feature_matrix(data.train_x, FEATURES)
    settings = TrainSettings(learning_rate=0.1, regularization="L1", regularization_rate=0.03)
    for _ in range(25):
        net.train_epoch(train, net.targets_for(data.train_y), settings)
    assert np.any(net.alive == 0)
    return net, feature_matrix(np.random.default_rng(0).uniform(-6, 6, (300, 2)), FEATURES)


NET, POINTS = _trained()
VALID = dump_network(NET, FEATURES, SETTINGS, 25)


def _document() -> dict:
    return json.loads(VALID)


def _bytes(document: dict) -> bytes:
    return json.dumps(document).encode("utf-8")


def test_round_trip_is_exact() -> None:
    loaded = load_network(VALID)
    assert isinstance(loaded, LoadedNetwork)
    assert loaded.features == FEATURES and loaded.settings_query == SETTINGS and loaded.epoch == 25
    net = loaded.net
    assert (net.n_inputs, net.hidden, net.activations, net.head, net.n_outputs) == (
        NET.n_inputs, NET.hidden, NET.activations, NET.head, NET.n_outputs)
    assert net.params.tobytes() == NET.params.tobytes()
    np.testing.assert_array_equal(net.alive, NET.alive)
    assert np.array_equal(net.node_outputs(POINTS), NET.node_outputs(POINTS))


def test_round_trip_of_every_head() -> None:
    heads = [("sigmoid-cross-entropy", 1), ("softmax-cross-entropy", 5), ("linear-squared", 1)]
    for head, n_outputs in heads:
        net = Network2D(2, [3], ["silu"], head, n_outputs)
        net.params[:] = np.random.default_rng(1).normal(0, 1, net.n_params)
        loaded = load_network(dump_network(net, ("y", "x"), {}, 0))  # features given in any order
        assert loaded.features == ("x", "y")
        assert loaded.net.head == head and loaded.net.params.tobytes() == net.params.tobytes()


def test_the_file_is_readable_json_with_a_bom_too() -> None:
    text = VALID.decode("utf-8")
    assert text.startswith("{") and f'"format": "{FORMAT}"' in text
    assert load_network(b"\xef\xbb\xbf" + VALID).epoch == 25


def test_loaded_network_trains_on() -> None:
    net = load_network(VALID).net
    dead = np.flatnonzero(net.alive == 0)
    settings = TrainSettings(regularization="L1", regularization_rate=0.03)
    net.train_epoch(POINTS, np.sign(POINTS[:, 0]), settings)
    assert np.all(net.params[dead] == 0.0)


def _set(path: str, value) -> bytes:
    """The valid file with the value at a dotted path replaced (or deleted, for value=DELETE)."""
    document = _document()
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return _bytes(document)


DELETE = object()
N_PARAMS = NET.n_params
DEAD = int(np.flatnonzero(NET.alive == 0)[0])

BAD_FILES = {
    "too big": (VALID + b" " * 100, "larger than the 1,[0-9]+-byte limit", {"max_bytes": len(VALID)}),
    "empty": (b"  \n", "empty", {}),
    "not UTF-8": (b"\xff\xfe{\x00}", "not UTF-8", {}),
    "not JSON": (VALID[:-20], "not valid JSON", {}),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON", {}),
    "huge integer": (b'{"format": ' + b"9" * 5000 + b"}", "not valid JSON", {}),
    "JSON but a list": (b"[1, 2]", "not a saved Neural Playground network", {}),
    "wrong format": (_set("format", "tensorflow/model"), "not a saved Neural Playground network", {}),
    "no version": (_set("version", DELETE), '"version" is missing', {}),
    "newer version": (_set("version", 2), "newer Neural Playground", {}),
    "version as text": (_set("version", "1"), "not a whole number", {}),
    "missing network": (_set("network", DELETE), "lacks 'network'", {}),
    "missing epoch": (_set("epoch", DELETE), "lacks 'epoch'", {}),
    "missing params": (_set("network.params", DELETE), "lacks 'params'", {}),
    "settings a list": (_set("settings", ["a"]), '"settings" are not', {}),
    "setting not text": (_set("settings.learningRate", 0.1), "'learningRate' is not text", {}),
    "too many settings": (_set("settings", {f"k{i}": "1" for i in range(201)}), "201 settings", {}),
    "setting too long": (_set("settings.seed", "9" * 1001), "longer than 1000 characters", {}),
    "negative epoch": (_set("epoch", -3), "negative", {}),
    "epoch fraction": (_set("epoch", 2.5), '"epoch" is not a whole number', {}),
    "epoch boolean": (_set("epoch", True), '"epoch" is not a whole number', {}),
    "epoch huge": (_set("epoch", 10**400), "epoch.* larger than 1,000,000,000,000", {}),
    "epoch past the bound": (_set("epoch", 10**12 + 1), "epoch.* larger than 1,000,000,000,000", {}),
    "features not a list": (_set("features", "x,y"), '"features" are not a list', {}),
    "unknown feature": (_set("features.2", "cosX"), "unknown input feature 'cosX'", {}),
    "feature twice": (_set("features.1", "x"), "twice", {}),
    "features out of order": (_set("features", ["y", "x", "xSquared", "sinY"]), "out of order", {}),
    "network a list": (_set("network", []), '"network" is not a description', {}),
    "inputs vs features": (_set("network.n_inputs", 3), "3 inputs but 4 input features", {}),
    "hidden not a list": (_set("network.hidden", "4,2"), '"hidden" layer sizes', {}),
    "too many layers": (_set("network.hidden", [2] * 11), "11 hidden layers; at most 10", {}),
    "too many neurons": (_set("network.hidden", [4, 17]), "17 neurons; 1 to 16", {}),
    "empty layer": (_set("network.hidden", [4, 0]), "0 neurons", {}),
    "activations vs layers": (_set("network.activations", ["tanh"]), "one name per hidden layer", {}),
    "unknown activation": (_set("network.activations.1", "gelu"), "unknown activation 'gelu'", {}),
    "unknown head": (_set("network.head", "hinge"), "unknown output 'hinge'", {}),
    "outputs vs head": (_set("network.n_outputs", 2), "one output neuron, not 2", {}),
    "params too short": (_set("network.params", [0.1] * (N_PARAMS - 1)), "a network of this shape has", {}),
    "params not numbers": (_set(f"network.params.{N_PARAMS - 1}", "0.1"), "not a list of numbers", {}),
    "param boolean": (_set("network.params.0", True), "not a list of numbers", {}),
    "param absurd": (_set("network.params.3", 3e7), "larger than 1,000,000", {}),
    "param huge integer": (_set("network.params.3", 10**400), "larger than 1,000,000", {}),
    "alive wrong length": (_set("network.alive", [1] * 3), "zeros and ones", {}),
    "alive not 0/1": (_set("network.alive.0", 2), "zeros and ones", {}),
    "dead bias": (_set(f"network.alive.{NET.bias_index(1, 0)}", 0), "bias is marked as switched off", {}),
    "dead link with a weight": (_set(f"network.params.{DEAD}", 0.5), "weight other than 0", {}),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_every_broken_file_gets_its_own_message(case: str) -> None:
    data, message, options = BAD_FILES[case]
    with pytest.raises(NetworkFileError, match=message) as raised:
        load_network(data, **options)
    assert str(raised.value).strip()


def test_the_largest_network_fits_the_size_limit() -> None:
    net = Network2D(7, [16] * 10, ["sigmoid"] * 10, "softmax-cross-entropy", 10)
    net.params[:] = np.random.default_rng(1).normal(size=net.n_params) / 3
    features = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
    settings = {f"numNodes{k}_hide": "true" for k in range(1, 11)} | {"layerActivations": ",".join(["sigmoid"] * 10)}
    data = dump_network(net, features, settings, 10**12)
    assert load_network(data).net.n_params == net.n_params and len(data) < 250_000 / 2
    with pytest.raises(NetworkFileError, match="250,000-byte limit"):
        load_network(data + b" " * 250_000)


def test_the_largest_epoch_is_read() -> None:
    document = _document()
    document["epoch"] = 10**12
    assert load_network(_bytes(document)).epoch == 10**12


def test_not_a_number_and_infinity_are_refused() -> None:
    document = _document()
    for value in ("NaN", "Infinity", "-Infinity"):
        document["network"]["params"][0] = "PLACEHOLDER"
        data = _bytes(document).replace(b'"PLACEHOLDER"', value.encode())
        with pytest.raises(NetworkFileError, match="not a finite number"):
            load_network(data)


def test_softmax_class_count_is_checked() -> None:
    net = Network2D(2, [3], ["tanh"], "softmax-cross-entropy", 3)
    document = json.loads(dump_network(net, ("x", "y"), {}, 0))
    document["network"]["n_outputs"] = 11
    with pytest.raises(NetworkFileError, match="11 classes; 2 to 10"):
        load_network(_bytes(document))


def test_layer_and_neuron_limits_are_the_callers() -> None:
    with pytest.raises(NetworkFileError, match="2 hidden layers; at most 1"):
        load_network(VALID, max_layers=1)
    with pytest.raises(NetworkFileError, match="4 neurons; 1 to 3"):
        load_network(VALID, max_neurons=3)


JUNK = [None, True, -1, 0, 1, 17, 2.5, -1e300, 10**30, "", "tanh", "x", [], [1], {}, {"a": 1}, [[0.1]]]


def _mutate_structure(document: dict, rng: random.Random) -> None:
    """Replace, delete or duplicate one randomly chosen value anywhere in the document."""
    node, key = document, None
    path = []
    while True:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if not children:
            break
        key, child = rng.choice(children)
        path.append((node, key))
        if not isinstance(child, dict | list) or rng.random() < 0.3:
            break
        node = child
    if not path:
        return
    parent, key = path[-1]
    action = rng.random()
    if action < 0.15 and isinstance(parent, dict):
        del parent[key]
    elif action < 0.25 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[key]))
    else:
        parent[key] = copy.deepcopy(rng.choice(JUNK))


JSON_BYTES = b'{}[]",:0123456789-eE.tnfalsNI '


def test_fuzz_only_network_file_errors() -> None:
    rng = random.Random(1234)
    outcomes = {"opened": 0, "refused": 0}
    for trial in range(1500):
        if trial % 2:
            data = bytearray(VALID)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                kind = rng.random()
                if kind < 0.4:
                    data[at] = rng.randrange(256)
                elif kind < 0.7:
                    del data[at : at + rng.randint(1, 20)]
                else:
                    data[at:at] = bytes(rng.choices(JSON_BYTES, k=rng.randint(1, 5)))
            data = bytes(data)
        else:
            document = _document()
            for _ in range(rng.randint(1, 3)):
                _mutate_structure(document, rng)
            data = _bytes(document)
        try:
            loaded = load_network(data)
        except NetworkFileError as error:
            assert str(error)
            outcomes["refused"] += 1
        else:  # a harmless change (a digit of a weight, a setting): still a working network
            assert np.all(np.isfinite(loaded.net.node_outputs(POINTS[:5])))
            outcomes["opened"] += 1
    assert outcomes["refused"] > 500 and outcomes["opened"] > 20
