"""The Playground's settings as a query string, with TensorFlow Playground's key names and formatting.

A shared link opens the same network on the same data, and the hash part of a TF Playground link works
as our query string (or pasted whole into `parse_link`). The settings are a table of fields read and
written by playground.url_table: reading never raises (a bad value falls back to its default and adds a
notice, a plain sentence for the learner); `to_query` always writes TF's keys (so the link also works in
TF) and our own keys only where they differ from the defaults.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
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
from playground.url_table import (
    PLAIN,
    Field,
    LinkReader,
    Parser,
    boolean,
    choice,
    js_number,
    number_in,
    whole_in,
    write,
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
# TF's keys in the order TF writes them (all always written, except regularization "none"), then ours
TF_ORDER = (
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate", "regularizationRate",
    "noise", "networkShape", "seed", "showTestData", "discretize", "percTrainData", "x", "y", "xTimesY",
    "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY", "collectStats", "problem", "initZero", "hideText",
)
OUR_ORDER = ("layerActivations", "optimizer", "loss", "numClasses", "speed", "advanced", "initDraws")

_LAYER_SIZE = re.compile(r"[0-9]{1,4}")
_TRUE_OR_FALSE = "true or false"


def effective_limits(advanced: bool, base_limits: Limits | None = None) -> Limits:
    """The basic or advanced limits, each capped by `base_limits` (default: the class's limits, if any)."""
    from playground.tfplayground import settings as playground_settings

    base = playground_settings.CLASS_LIMITS if base_limits is None else base_limits
    return capped(ADVANCED_LIMITS if advanced else BASIC_LIMITS, base)


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


def _shape_text(shape: list[int]) -> str:
    return ",".join(map(str, shape)) or "(no hidden layer)"


def _activation_list(layer_count: int) -> Parser:
    def parse(text: str) -> list[str] | None:
        names = [] if text == "" else [part.strip().lower() for part in text.split(",", layer_count)]
        return names if len(names) == layer_count and all(n in ACTIVATIONS for n in names) else None
    return parse


def _flag(key: str, default: bool) -> Field:
    return Field(key, boolean, _TRUE_OR_FALSE, default, always=key in TF_ORDER)


ADVANCED = _flag("advanced", PlaygroundSettings().advanced)  # read first: it sets the limits of the others
FEATURE_FIELDS = tuple(_flag(name, name in PlaygroundSettings().features) for name in FEATURES)
HIDE_FIELDS = {name + HIDE_SUFFIX: Field(name + HIDE_SUFFIX, boolean, _TRUE_OR_FALSE, False) for name in HIDABLE}
# TF keys written as false and never read as a setting: cos features (not offered) and TF's own switches
WRITTEN_FALSE = tuple(_flag(key, False) for key in (*COS_KEYS, "collectStats", "hideText"))


def layer_activations(layer_count: int, activation: str) -> Field:
    """One activation per hidden layer (read after networkShape; without it, `activation` for every layer)."""
    return Field("layerActivations", _activation_list(layer_count),
                 f"a list of {layer_count} activation names, one per hidden layer", None, write=",".join,
                 instead=f"{activation} for every layer")


def network_fields(limits: Limits) -> tuple[Field, ...]:
    """The settings that shape the data and the network, within `limits`, in reading (and notice) order."""
    defaults = PlaygroundSettings()
    table = [Field(key, choice(options), "one of " + ", ".join(options), getattr(defaults, key),
                   always=key in TF_ORDER and key != "regularization")  # TF skips regularization "none"
             for key, options in CHOICES.items()]
    lowest, highest = js_number(MIN_LEARNING_RATE), js_number(MAX_LEARNING_RATE)
    table += [
        Field("learningRate", number_in(MIN_LEARNING_RATE, MAX_LEARNING_RATE),
              f"a number from {lowest} to {highest}", defaults.learningRate, write=js_number, always=True),
        Field("regularizationRate", number_in(0.0, MAX_REGULARIZATION_RATE),
              f"a number from 0 to {js_number(MAX_REGULARIZATION_RATE)}", defaults.regularizationRate,
              write=js_number, always=True),
    ]
    for key, low, high in (("noise", 0, limits.max_noise), ("batchSize", 1, limits.max_batch),
                           ("numClasses", MIN_MULTICLASS, MAX_MULTICLASS), ("initDraws", 0, MAX_INIT_DRAWS)):
        table.append(Field(key, whole_in(range(low, high + 1)), f"a whole number from {low} to {high}",
                           min(getattr(defaults, key), high), write=str, always=key in TF_ORDER))
    default_shape = [min(size, limits.max_neurons) for size in defaults.networkShape[: limits.max_layers]]
    table += [
        Field("percTrainData", whole_in(PERC_TRAIN_CHOICES), "one of 10, 20, …, 90", defaults.percTrainData,
              write=str, always=True),
        Field("networkShape", _shape(limits),
              f"a list of up to {limits.max_layers} layer sizes from 1 to {limits.max_neurons}", default_shape,
              always=True, describe=_shape_text),
    ]
    return tuple(table)


def run_fields() -> tuple[Field, ...]:
    """The seed and the switches (read after layerActivations, in this order)."""
    defaults = PlaygroundSettings()
    return (Field("seed", _seed, f"1 to {MAX_SEED_LENGTH} printable characters", defaults.seed, strip=False,
                  always=True),
            *(_flag(key, getattr(defaults, key)) for key in BOOLEAN_KEYS))


def _link_fields() -> tuple[Field, ...]:
    """Every written field: TF's in TF's order, then ours."""
    by_key = {field.key: field for field in (*network_fields(ADVANCED_LIMITS), *run_fields(), *FEATURE_FIELDS,
                                             *WRITTEN_FALSE, ADVANCED, layer_activations(0, ""))}
    return tuple(by_key[key] for key in TF_ORDER + OUR_ORDER)


LINK_FIELDS = _link_fields()


def parse_query(
    params: Mapping[str, str | Sequence[str]], base_limits: Limits | None = None
) -> tuple[PlaygroundSettings, list[str]]:
    """Settings from a query string's keys and values (Streamlit's st.query_params), and the notices."""
    reader = LinkReader(params, PLAIN)
    advanced = reader.read(ADVANCED)
    settings = PlaygroundSettings(advanced=advanced, **reader.read_all(network_fields(
        effective_limits(advanced, base_limits))))
    settings.layerActivations = reader.read(layer_activations(len(settings.networkShape), settings.activation))
    for key, value in reader.read_all(run_fields()).items():
        setattr(settings, key, value)
    enabled = reader.read_all(FEATURE_FIELDS)
    settings.features = tuple(name for name in FEATURES if enabled[name])

    hidden: set[str] = set()
    unknown: list[str] = []
    for key, raw in reader.values.items():
        if key in HIDE_FIELDS:
            if reader.read(HIDE_FIELDS[key]):
                hidden.add(key[: -len(HIDE_SUFFIX)])
        elif key in COS_KEYS and boolean(raw.strip()):
            reader.notices.append(
                f"{key}: cos features are not offered here (sin(X₁), sin(X₂) are) — ignoring it.")
        elif key not in KNOWN_KEYS:
            unknown.append(key)
    settings.hidden = tuple(name for name in HIDABLE if name in hidden)
    reader.name_unknown(unknown)
    return settings, reader.notices


def parse_link(text: str, base_limits: Limits | None = None) -> tuple[PlaygroundSettings, list[str]]:
    """Settings from a pasted TF Playground link, its hash ('#activation=...') or a query string."""
    text = str(text).strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    elif text.startswith("?") or ("://" in text and "?" in text):
        text = text.split("?", 1)[1]
    return parse_query(dict(parse_qsl(text, keep_blank_values=True)), base_limits)


def to_query(settings: PlaygroundSettings) -> dict[str, str]:
    """The query string's keys and values: TF's keys in TF's order and format, then ours if not default."""
    values = {field.name: getattr(settings, field.name) for field in dataclasses.fields(settings)}
    values |= {name: name in settings.features for name in FEATURES}
    values |= {field.key: False for field in WRITTEN_FALSE}
    query = write(LINK_FIELDS, values)
    for name in settings.hidden:
        query[name + HIDE_SUFFIX] = "true"
    return query
