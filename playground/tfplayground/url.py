"""The Playground's settings as a query string, with TensorFlow Playground's key names and formatting.

A shared link opens the same network on the same data, and the hash part of a TF Playground link works
as our query string (or pasted whole into `parse_link`). Reading never raises: a bad value falls back
to its default and adds a notice, a plain sentence for the learner. `to_query` always writes TF's keys
(so the link also works in TF) and our own keys only where they differ from the defaults.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from playground.engine2d.activations import ACTIVATIONS
from playground.engine2d.features import FEATURES
from playground.tfplayground.settings import (
    ADVANCED_LIMITS,
    BASIC_LIMITS,
    LOSSES,
    MAX_INIT_DRAWS,
    OPTIMIZERS,
    PROBLEMS,
    REGULARIZATIONS,
    SPEEDS,
    Limits,
    PlaygroundSettings,
    capped,
)
from playground.toydata.generators import (
    CLASSIFY_DATASETS,
    MAX_MULTICLASS,
    MIN_MULTICLASS,
    MULTICLASS_DATASETS,
    REGRESS_DATASETS,
)

CHOICES: dict[str, tuple[str, ...]] = {
    "dataset": CLASSIFY_DATASETS + MULTICLASS_DATASETS,
    "regDataset": REGRESS_DATASETS,
    "problem": PROBLEMS,
    "activation": tuple(ACTIVATIONS),
    "regularization": REGULARIZATIONS,
    "optimizer": OPTIMIZERS,
    "loss": LOSSES,
    "speed": SPEEDS,
}
BOOLEAN_KEYS = ("showTestData", "discretize", "initZero")
IGNORED_KEYS = ("collectStats", "tutorial", "hideText")  # TF keys with nothing to do here
COS_KEYS = ("cosX", "cosY")  # TF URL keys without a feature node; not offered here
HIDABLE_CONTROLS = (
    "showTestData", "discretize", "playButton", "stepButton", "resetButton", "learningRate", "activation",
    "regularization", "regularizationRate", "problem", "dataset", "percTrainData", "noise", "batchSize",
    "numHiddenLayers",
)
LAYER_CONTROLS = tuple(f"numNodes{k}" for k in range(1, ADVANCED_LIMITS.max_layers + 1))  # layer k's +/-
HIDABLE = HIDABLE_CONTROLS + FEATURES + LAYER_CONTROLS  # all `<name>_hide=true` may hide, in `hidden`'s order
HIDE_SUFFIX = "_hide"
KNOWN_KEYS = frozenset(
    (*CHOICES, *BOOLEAN_KEYS, *IGNORED_KEYS, *COS_KEYS, *FEATURES, "learningRate", "regularizationRate",
     "noise", "networkShape", "batchSize", "percTrainData", "seed", "layerActivations", "numClasses",
     "advanced", "initDraws")
)
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 0.00001, 10.0
MAX_REGULARIZATION_RATE = 10.0
PERC_TRAIN_CHOICES = tuple(range(10, 100, 10))
MAX_SEED_LENGTH = 64
MAX_SHOWN_CHARS = 40  # a notice quotes at most this much of a bad value or an unknown key
MAX_UNKNOWN_NAMED = 5
MAX_KEYS = 200  # settings read from one link (ours has at most ~70: TF's keys, ours, hidden controls)

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LAYER_SIZE = re.compile(r"[0-9]{1,4}")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

Parser = Callable[[str], Any]  # returns the parsed value, or None when the text is not acceptable


def js_number(value: float) -> str:
    """A number as JavaScript's String(number) writes it: 0.03, 10, 0.00001, 1e-7, 1.5e+21."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else repr(value)
    _sign, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # value = 0.<digits> * 10**point
    if len(digits) <= point <= 21:
        text = digits + "0" * (point - len(digits))
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = f"{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"
    return ("-" if value < 0 else "") + text


def effective_limits(advanced: bool, base_limits: Limits | None = None) -> Limits:
    """The basic or advanced limits, each capped by `base_limits` (default: the class's limits, if any)."""
    from playground.tfplayground import settings as playground_settings

    base = playground_settings.CLASS_LIMITS if base_limits is None else base_limits
    return capped(ADVANCED_LIMITS if advanced else BASIC_LIMITS, base)


def _number(text: str) -> float | None:
    if len(text) > 50 or not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value + 0.0 if math.isfinite(value) else None  # + 0.0 turns -0.0 into 0.0


def _number_in(low: float, high: float) -> Parser:
    def parse(text: str) -> float | None:
        value = _number(text)
        return value if value is not None and low <= value <= high else None
    return parse


def _whole_in(choices: Sequence[int]) -> Parser:
    def parse(text: str) -> int | None:
        value = _number(text)
        return int(value) if value is not None and value.is_integer() and int(value) in choices else None
    return parse


def _choice(options: Sequence[str]) -> Parser:
    by_lower = {option.lower(): option for option in options}
    return lambda text: by_lower.get(text.lower())


def _boolean(text: str) -> bool | None:
    return _BOOLEANS.get(text.lower())


def _seed(text: str) -> str | None:
    return text if 0 < len(text) <= MAX_SEED_LENGTH and text.isprintable() else None


def _shape(limits: Limits) -> Parser:
    def parse(text: str) -> list[int] | None:
        if text == "":
            return []
        parts = text.split(",", limits.max_layers)
        if len(parts) > limits.max_layers or not all(_LAYER_SIZE.fullmatch(p.strip()) for p in parts):
            return None
        sizes = [int(part) for part in parts]
        return sizes if all(1 <= size <= limits.max_neurons for size in sizes) else None
    return parse


def _activation_list(layer_count: int) -> Parser:
    def parse(text: str) -> list[str] | None:
        names = [] if text == "" else [part.strip().lower() for part in text.split(",", layer_count)]
        return names if len(names) == layer_count and all(n in ACTIVATIONS for n in names) else None
    return parse


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value)) or "(no hidden layer)"
    return js_number(value) if isinstance(value, float) else str(value)


def _shown(text: str) -> str:
    """Part of a value or key, safe to quote in a notice."""
    clean = "".join(c if c.isprintable() else "?" for c in text[:MAX_SHOWN_CHARS])
    return clean + ("…" if len(text) > MAX_SHOWN_CHARS else "")


def _key_name(key: str) -> str:
    """A key without a pasted link's prefix: 'https://playground.tensorflow.org/#activation' -> activation."""
    if "#" in key:
        key = key.rsplit("#", 1)[1]
    elif "?" in key:
        key = key.rsplit("?", 1)[1]
    return key


def _last_values(params: Mapping[Any, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw_key in itertools.islice(params.keys(), MAX_KEYS):
        value = params[raw_key]
        if not isinstance(value, str) and isinstance(value, Sequence):
            value = value[-1] if len(value) else ""
        key = _key_name(str(raw_key))
        if key:
            values[key] = value if isinstance(value, str) else str(value)
    return values


def parse_query(
    params: Mapping[str, str | Sequence[str]], base_limits: Limits | None = None
) -> tuple[PlaygroundSettings, list[str]]:
    """Settings from a query string's keys and values (Streamlit's st.query_params), and the notices."""
    values = _last_values(params)
    notices: list[str] = []
    if len(params) > MAX_KEYS:
        notices.append(f"This link has {len(params):,} settings; only the first {MAX_KEYS} were read.")
    defaults = PlaygroundSettings()

    def read(key: str, parse: Parser, expected: str, default: Any) -> Any:
        if key not in values:
            return default
        raw = values[key]
        parsed = parse(raw if key == "seed" else raw.strip())
        if parsed is None:
            shown_default = _as_text(default)
            notices.append(f"{key} '{_shown(raw)}' is not {expected} — using the default {shown_default}.")
            return default
        return parsed

    advanced = read("advanced", _boolean, "true or false", defaults.advanced)
    limits = effective_limits(advanced, base_limits)
    settings = PlaygroundSettings(advanced=advanced)
    for key, options in CHOICES.items():
        expected = "one of " + ", ".join(options)
        setattr(settings, key, read(key, _choice(options), expected, getattr(defaults, key)))
    lowest, highest = js_number(MIN_LEARNING_RATE), js_number(MAX_LEARNING_RATE)
    settings.learningRate = read("learningRate", _number_in(MIN_LEARNING_RATE, MAX_LEARNING_RATE),
                                 f"a number from {lowest} to {highest}", defaults.learningRate)
    settings.regularizationRate = read(
        "regularizationRate", _number_in(0.0, MAX_REGULARIZATION_RATE),
        f"a number from 0 to {js_number(MAX_REGULARIZATION_RATE)}", defaults.regularizationRate)
    for key, low, high in (("noise", 0, limits.max_noise), ("batchSize", 1, limits.max_batch),
                           ("numClasses", MIN_MULTICLASS, MAX_MULTICLASS), ("initDraws", 0, MAX_INIT_DRAWS)):
        expected, default = f"a whole number from {low} to {high}", min(getattr(defaults, key), high)
        setattr(settings, key, read(key, _whole_in(range(low, high + 1)), expected, default))
    settings.percTrainData = read("percTrainData", _whole_in(PERC_TRAIN_CHOICES), "one of 10, 20, …, 90",
                                  defaults.percTrainData)
    default_shape = [min(size, limits.max_neurons) for size in defaults.networkShape[: limits.max_layers]]
    settings.networkShape = read(
        "networkShape", _shape(limits),
        f"a list of up to {limits.max_layers} layer sizes from 1 to {limits.max_neurons}", default_shape)
    if "layerActivations" in values:
        raw, layer_count = values["layerActivations"], len(settings.networkShape)
        settings.layerActivations = _activation_list(layer_count)(raw.strip())
        if settings.layerActivations is None:
            notices.append(f"layerActivations '{_shown(raw)}' is not a list of {layer_count} activation "
                           f"names, one per hidden layer — using {settings.activation} for every layer.")
    settings.seed = read("seed", _seed, f"1 to {MAX_SEED_LENGTH} printable characters", defaults.seed)
    for key in BOOLEAN_KEYS:
        setattr(settings, key, read(key, _boolean, "true or false", getattr(defaults, key)))
    enabled = {name: read(name, _boolean, "true or false", name in defaults.features) for name in FEATURES}
    settings.features = tuple(name for name in FEATURES if enabled[name])

    hidden: set[str] = set()
    unknown: list[str] = []
    for key, raw in values.items():
        if key.endswith(HIDE_SUFFIX) and key[: -len(HIDE_SUFFIX)] in HIDABLE:
            if read(key, _boolean, "true or false", False):
                hidden.add(key[: -len(HIDE_SUFFIX)])
        elif key in COS_KEYS and _boolean(raw.strip()):
            notices.append(f"{key}: cos features are not offered here (sin(X₁), sin(X₂) are) — ignoring it.")
        elif key not in KNOWN_KEYS:
            unknown.append(_shown(key))
    settings.hidden = tuple(name for name in HIDABLE if name in hidden)
    if unknown:
        more = len(unknown) - MAX_UNKNOWN_NAMED
        named = ", ".join(unknown[:MAX_UNKNOWN_NAMED]) + (f" and {more} more" if more > 0 else "")
        notices.append(f"Ignored settings this page does not know: {named}.")
    return settings, notices


def parse_link(text: str, base_limits: Limits | None = None) -> tuple[PlaygroundSettings, list[str]]:
    """Settings from a pasted TF Playground link, its hash ('#activation=...') or a query string."""
    text = str(text).strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    elif text.startswith("?") or ("://" in text and "?" in text):
        text = text.split("?", 1)[1]
    return parse_query(dict(parse_qsl(text, keep_blank_values=True)), base_limits)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def to_query(settings: PlaygroundSettings) -> dict[str, str]:
    """The query string's keys and values: TF's keys in TF's order and format, then ours if not default."""
    defaults = PlaygroundSettings()
    query = {"activation": settings.activation}
    if settings.regularization != "none":  # TF's map has none -> null, and it skips null values
        query["regularization"] = settings.regularization
    query |= {
        "batchSize": str(settings.batchSize),
        "dataset": settings.dataset,
        "regDataset": settings.regDataset,
        "learningRate": js_number(settings.learningRate),
        "regularizationRate": js_number(settings.regularizationRate),
        "noise": str(settings.noise),
        "networkShape": ",".join(map(str, settings.networkShape)),
        "seed": settings.seed,
        "showTestData": _flag(settings.showTestData),
        "discretize": _flag(settings.discretize),
        "percTrainData": str(settings.percTrainData),
    }
    for name in ("x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY"):
        query[name] = _flag(name in settings.features)
    query |= {"collectStats": "false", "problem": settings.problem, "initZero": _flag(settings.initZero),
              "hideText": "false"}
    if settings.layerActivations is not None:
        query["layerActivations"] = ",".join(settings.layerActivations)
    for key in ("optimizer", "loss", "numClasses", "speed", "advanced", "initDraws"):
        value = getattr(settings, key)
        if value != getattr(defaults, key):
            query[key] = _as_text(value)
    for name in settings.hidden:
        query[name + HIDE_SUFFIX] = "true"
    return query
