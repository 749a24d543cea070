"""The digit lessons' settings in the page's query string (the dataset, the network, the training), so a
link — a shared one, a class preset, a challenge submission — opens the same set-up. A table of fields
(playground.url_table): bad values fall back to the defaults with a notice, unknown keys are named, and
limits from a class configuration apply to values from a link too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SPECS
from playground.digits.models import ACTIVATIONS, KERNEL_SIZES, KINDS, POOLS, ModelSpec, SizeLimits
from playground.digits.training import MAX_EPOCHS, OPTIMIZERS, TrainConfig
from playground.url_table import Field, LinkReader, choice, markdown, number_among, whole_in, write

LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
BATCH_SIZES = (16, 32, 64, 128, 256)
SOURCES = ("mnist5k", "mnist", "fashion-mnist")
MAX_SEED = 2**31 - 1
QUOTING = markdown(40)  # a notice quotes a link's value as literal Markdown text, 40 characters at most
# the spec's and the config's field names, by query key (kind and source are read first)
SPEC_KEYS = {"hidden": "hidden", "filters": "filters", "kernel": "kernel", "pool": "pool",
             "activation": "activation"}
CONFIG_KEYS = {"optimizer": "optimizer", "lr": "learning_rate", "batch": "batch_size", "epochs": "epochs",
               "seed": "seed"}
KEYS = ("kind", "source", *SPEC_KEYS, *CONFIG_KEYS)
CNN_ONLY = ("kernel", "pool")  # read for either kind (as ever), written for a CNN only


def _ints(text: str, low: int, high: int, most: int) -> tuple[int, ...] | None:
    """1 to `most` whole numbers from `low` to `high`, separated by commas or semicolons (None if not)."""
    parts = str(text).replace(";", ",").split(",")
    if len(parts) > most + 1 or len(text) > 12 * (most + 1):  # a long list is refused before any int()
        return None
    try:
        values = tuple(int(v) for v in parts if v.strip())
    except ValueError:
        return None
    return values if values and len(values) <= most and all(low <= v <= high for v in values) else None


def hidden_rule(sizes: SizeLimits) -> str:
    """What a hidden-layers text must be within `sizes` (the end of "… is not ___")."""
    return f"1 to {sizes.mlp_layers} layer sizes from 1 to {sizes.mlp_width}"


def parse_hidden(text: str, sizes: SizeLimits = SizeLimits()) -> tuple[int, ...] | None:
    """An MLP's hidden layers typed by a learner ("256" or "128, 64"), within the limits (None if not)."""
    return _ints(text, 1, sizes.mlp_width, sizes.mlp_layers)


def _one_of(options: tuple) -> str:
    return "one of " + ", ".join(map(str, options))


KIND = Field("kind", choice(KINDS), "mlp or cnn", "mlp", always=True)
SOURCE = Field("source", choice(SOURCES), "mnist5k, mnist or fashion-mnist", "mnist5k")


def fields(kind: str, sizes: SizeLimits = SizeLimits(), max_epochs: int | None = None) -> tuple[Field, ...]:
    """The table of a `kind` of network after kind and source, in reading and writing order; the defaults
    are the kind's (its network capped by `sizes`). An MLP has hidden layers, a CNN filters; kernel and
    pool are read for both."""
    spec, config = sizes.cap(DEFAULT_SPECS[kind]), DEFAULT_CONFIGS[kind]
    top = min(MAX_EPOCHS, max_epochs) if max_epochs else MAX_EPOCHS
    if kind == "mlp":
        network = (Field("hidden", lambda text: parse_hidden(text, sizes), hidden_rule(sizes), spec.hidden),)
    else:
        network = (Field("filters", lambda text: _ints(text, 1, sizes.filters, sizes.conv_layers),
                         f"1 to {sizes.conv_layers} filter counts from 1 to {sizes.filters}", spec.filters),)
    return (
        *network,
        Field("kernel", whole_in(KERNEL_SIZES), _one_of(KERNEL_SIZES), spec.kernel),
        Field("pool", choice(POOLS), _one_of(POOLS), spec.pool),
        Field("activation", choice(tuple(ACTIVATIONS)), _one_of(tuple(ACTIVATIONS)), spec.activation),
        Field("optimizer", choice(OPTIMIZERS), "adam, sgd or momentum", config.optimizer),
        Field("lr", number_among(LEARNING_RATES), "one of " + ", ".join(f"{r:g}" for r in LEARNING_RATES),
              config.learning_rate, write=lambda rate: f"{rate:g}"),
        Field("batch", whole_in(BATCH_SIZES), _one_of(BATCH_SIZES), config.batch_size),
        Field("epochs", whole_in(range(1, top + 1)), f"a whole number from 1 to {top}", config.epochs),
        Field("seed", whole_in(range(MAX_SEED + 1)), f"a whole number from 0 to {MAX_SEED}", config.seed,
              always=True),
    )


def parse_digit_query(params: Mapping[str, str | list[str]], max_epochs: int | None = None,
                      sizes: SizeLimits = SizeLimits()) -> tuple[str, ModelSpec, TrainConfig, list[str]]:
    """(source, spec, config, notices) from query parameters (a key may map to a list: the last wins).
    The network stays within `sizes` (a class's limits) and the epochs within `max_epochs`; the notices
    quote a link's values as Markdown-escaped text."""
    reader = LinkReader(params, QUOTING)
    kind, source = reader.read(KIND), reader.read(SOURCE)
    values = reader.read_all(fields(kind, sizes, max_epochs))
    reader.name_unknown(reader.unknown(KEYS))
    spec = replace(sizes.cap(DEFAULT_SPECS[kind]), **{SPEC_KEYS[k]: v for k, v in values.items() if k in SPEC_KEYS})
    config = replace(DEFAULT_CONFIGS[kind], **{CONFIG_KEYS[k]: v for k, v in values.items() if k in CONFIG_KEYS})
    if max_epochs and config.epochs > max_epochs:
        config = replace(config, epochs=max_epochs)
    return source, spec, config, reader.notices


def digit_query(source: str, spec: ModelSpec, config: TrainConfig) -> dict[str, str]:
    """The query string of a set-up (only what differs from the kind's defaults, plus kind and seed). An
    MLP's link leaves out kernel and pool, which only a CNN uses."""
    table = (KIND, SOURCE, *(f for f in fields(spec.kind) if spec.kind == "cnn" or f.key not in CNN_ONLY))
    values: dict[str, Any] = {"kind": spec.kind, "source": source}
    values |= {key: getattr(spec, name) for key, name in SPEC_KEYS.items()}
    values |= {key: getattr(config, name) for key, name in CONFIG_KEYS.items()}
    return write(table, values)
