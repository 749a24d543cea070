"""Save a trained Playground network to a file, and open it again later.

The file is UTF-8 JSON that a learner can read: the Playground settings (as the URL's query-string
dict, opaque here), the epoch, the input features and the network with its weights. Weights are written
as JSON numbers, which Python reads back as the very same float64, so an opened network gives exactly the
outputs it gave when it was saved.

An uploaded file may be broken, truncated, hand-edited or hostile, so `load_network` checks everything
before it builds anything and, whatever is wrong, raises only :class:`NetworkFileError`, with one message
per problem. Messages continue the sentence "<file> was not opened: ...".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine2d.activations import ACTIVATIONS
from playground.engine2d.features import FEATURES, ordered
from playground.engine2d.network import HEADS, Network2D
from playground.toydata.learner_csv import MAX_CLASSES

FORMAT = "neural-playground/network"
VERSION = 1
MAX_ABS_PARAM = 1e6  # a trained playground weight is a few units; a million means a broken file
MAX_BYTES = 250_000  # the largest network (10 layers of 16, 10 classes) saves to ~85 KB; JSON is read whole
MAX_SETTINGS = 200  # the Playground writes ~30, and one per hidden control
MAX_SETTING_CHARS = 1000  # the longest a Playground writes is one activation name per layer
MAX_EPOCH = 10**12  # weeks of the fastest training; a float (the loss chart's axis) holds it exactly
TOP_KEYS = ("format", "version", "settings", "epoch", "network", "features")
NETWORK_KEYS = ("n_inputs", "hidden", "activations", "head", "n_outputs", "params", "alive")
SINGLE_OUTPUT_HEADS = ("tanh-squared", "sigmoid-cross-entropy", "linear-squared")


class NetworkFileError(ValueError):
    """A network file that cannot be opened; the message says why, for a learner."""


@dataclass(frozen=True)
class LoadedNetwork:
    """What a network file holds: the network, its input features, its settings and its epoch."""

    net: Network2D
    features: tuple[str, ...]
    settings_query: dict[str, str]
    epoch: int


# ------------------------------------------------------------------------------------------------ saving


def dump_network(net: Network2D, features: tuple[str, ...], settings_query: dict[str, str],
                 epoch: int) -> bytes:
    """The file's bytes for a network, its features (in TF's order), its settings and its epoch."""
    features = ordered(features)
    if len(features) != net.n_inputs:
        raise ValueError(f"the network has {net.n_inputs} inputs but {len(features)} features are on")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "settings": {str(key): str(value) for key, value in settings_query.items()},
        "epoch": int(epoch),
        "features": list(features),
        "network": {
            "n_inputs": int(net.n_inputs),
            "hidden": [int(n) for n in net.hidden],
            "activations": list(net.activations),
            "head": net.head,
            "n_outputs": int(net.n_outputs),
            "params": [float(p) for p in net.params],  # JSON numbers round-trip float64 exactly
            "alive": [int(a) for a in net.alive],
        },
    }
    return (json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------------ opening


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON true is not the number 1


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse(data: bytes, max_bytes: int) -> Any:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"load_network reads bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise NetworkFileError(f"it is {len(data):,} bytes, larger than the {max_bytes:,}-byte limit for a "
                               "saved network.")
    if not data.strip():
        raise NetworkFileError("it is empty.")
    try:
        text = data.decode("utf-8-sig")  # a BOM, as some editors add, is fine
    except UnicodeDecodeError:
        raise NetworkFileError("it is not a text file (not UTF-8), so not a saved network.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise NetworkFileError(
            f"it is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "was it edited or cut short?"
        ) from None
    except (ValueError, RecursionError):  # absurdly long integers, absurdly deep nesting
        raise NetworkFileError("it is not valid JSON that a saved network could contain.") from None


def _require_keys(document: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if key not in document]
    if missing:
        raise NetworkFileError(f"{where} lacks {', '.join(repr(k) for k in missing)}.")


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise NetworkFileError("it is not a saved Neural Playground network (its \"format\" is not "
                               f"{FORMAT!r}).")
    version = document.get("version")
    if not _is_int(version):
        raise NetworkFileError("its \"version\" is missing or not a whole number.")
    if version != VERSION:
        newer = " (made by a newer Neural Playground)" if version > VERSION else ""
        raise NetworkFileError(f"it is version {version} of the file format{newer}; this one reads "
                               f"version {VERSION}.")
    _require_keys(document, TOP_KEYS, "the file")


def _check_settings(settings: Any) -> dict[str, str]:
    if not isinstance(settings, dict):
        raise NetworkFileError("its \"settings\" are not a set of name: value pairs.")
    if len(settings) > MAX_SETTINGS:  # checked before each is read: a file of 100,000 names costs nothing
        raise NetworkFileError(f"it has {len(settings):,} settings; a saved network has fewer than {MAX_SETTINGS}.")
    if any(len(key) > MAX_SETTING_CHARS or len(value) > MAX_SETTING_CHARS for key, value in settings.items()
           if isinstance(value, str)):
        raise NetworkFileError(f"a setting's name or value is longer than {MAX_SETTING_CHARS} characters.")
    for key, value in settings.items():
        if not isinstance(value, str):
            raise NetworkFileError(f"its setting {key!r} is not text (settings are written as text).")
    return dict(settings)


def _check_epoch(epoch: Any) -> int:
    if not _is_int(epoch):
        raise NetworkFileError("its \"epoch\" is not a whole number.")
    if epoch < 0:
        raise NetworkFileError(f"its \"epoch\" is negative ({epoch}).")
    if epoch > MAX_EPOCH:
        raise NetworkFileError(f"its \"epoch\" is larger than {MAX_EPOCH:,}: no network has trained that long.")
    return epoch


def _check_features(features: Any) -> tuple[str, ...]:
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise NetworkFileError("its \"features\" are not a list of feature names.")
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise NetworkFileError(f"it uses the unknown input feature {unknown[0]!r}; "
                               f"known: {', '.join(FEATURES)}.")
    if len(set(features)) != len(features):
        raise NetworkFileError("it lists an input feature twice.")
    if tuple(features) != ordered(features):
        raise NetworkFileError(f"its input features are out of order (the order is {', '.join(FEATURES)}).")
    return tuple(features)


def _check_shape(network: dict, n_features: int, max_layers: int, max_neurons: int) -> None:
    """Sizes, names and counts of the network, before anything is allocated."""
    n_inputs, hidden, activations = network["n_inputs"], network["hidden"], network["activations"]
    head, n_outputs = network["head"], network["n_outputs"]
    if not _is_int(n_inputs) or n_inputs != n_features:
        raise NetworkFileError(f"its network has {n_inputs!r} inputs but {n_features} input features.")
    if not isinstance(hidden, list) or not all(_is_int(n) for n in hidden):
        raise NetworkFileError("its \"hidden\" layer sizes are not a list of whole numbers.")
    if len(hidden) > max_layers:
        raise NetworkFileError(f"its network has {len(hidden)} hidden layers; "
                               f"at most {max_layers} are allowed.")
    for n in hidden:
        if not 1 <= n <= max_neurons:
            raise NetworkFileError(f"a hidden layer has {n} neurons; 1 to {max_neurons} are allowed.")
    if not isinstance(activations, list) or len(activations) != len(hidden):
        raise NetworkFileError("its \"activations\" are not a list with one name per hidden layer.")
    unknown = [a for a in activations if not isinstance(a, str) or a not in ACTIVATIONS]
    if unknown:
        raise NetworkFileError(f"it uses the unknown activation {unknown[0]!r}; "
                               f"known: {', '.join(ACTIVATIONS)}.")
    if not isinstance(head, str) or head not in HEADS:
        raise NetworkFileError(f"it has the unknown output {head!r}; known: {', '.join(HEADS)}.")
    if head in SINGLE_OUTPUT_HEADS:
        if n_outputs != 1 or not _is_int(n_outputs):
            raise NetworkFileError(f"its output {head!r} has one output neuron, not {n_outputs!r}.")
    elif not _is_int(n_outputs) or not 2 <= n_outputs <= MAX_CLASSES:
        raise NetworkFileError(f"its softmax output has {n_outputs!r} classes; "
                               f"2 to {MAX_CLASSES} are allowed.")


def _check_params(network: dict, n_params: int) -> tuple[np.ndarray, np.ndarray]:
    params, alive = network["params"], network["alive"]
    if not isinstance(params, list) or not all(_is_number(p) for p in params):
        raise NetworkFileError("its \"params\" (the weights and biases) are not a list of numbers.")
    if len(params) != n_params:
        raise NetworkFileError(f"it has {len(params)} weights and biases, but a network of this shape has "
                               f"{n_params}.")
    if not all(math.isfinite(p) for p in params if isinstance(p, float)):  # JSON reads NaN and Infinity
        raise NetworkFileError("a weight or bias is not a finite number (NaN or infinity).")
    if any(abs(p) > MAX_ABS_PARAM for p in params):
        raise NetworkFileError(f"a weight or bias is larger than {MAX_ABS_PARAM:,.0f} in size.")
    marks_ok = isinstance(alive, list) and all(_is_int(a) and a in (0, 1) for a in alive)
    if not marks_ok or len(alive) != n_params:
        raise NetworkFileError(f"its \"alive\" marks are not a list of {n_params} zeros and ones.")
    return np.array(params, dtype=np.float64), np.array(alive, dtype=np.uint8)


def load_network(data: bytes, *, max_bytes: int = MAX_BYTES, max_layers: int = 10,
                 max_neurons: int = 16) -> LoadedNetwork:
    """Read a saved network; NetworkFileError (with a learner's message) for anything wrong with it."""
    document = _parse(data, max_bytes)
    _check_header(document)
    settings = _check_settings(document["settings"])
    epoch = _check_epoch(document["epoch"])
    features = _check_features(document["features"])
    network = document["network"]
    if not isinstance(network, dict):
        raise NetworkFileError("its \"network\" is not a description of a network.")
    _require_keys(network, NETWORK_KEYS, "its \"network\"")
    _check_shape(network, len(features), max_layers, max_neurons)
    sizes = [network["n_inputs"], *network["hidden"], network["n_outputs"]]
    n_params = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:], strict=False))
    params, alive = _check_params(network, n_params)
    net = Network2D(network["n_inputs"], list(network["hidden"]), list(network["activations"]),
                    network["head"], network["n_outputs"], params=params, alive=alive)
    if np.any(alive[net.is_weight == 0] == 0):
        raise NetworkFileError("a bias is marked as switched off; only links can be.")
    if np.any(params[alive == 0] != 0.0):
        raise NetworkFileError("a link switched off by L1 regularisation has a weight other than 0.")
    return LoadedNetwork(net=net, features=features, settings_query=settings, epoch=epoch)
