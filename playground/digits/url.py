"""The digit lessons' settings in the page's query string (the dataset, the network, the training), so a
link — a shared one, a class preset, a challenge submission — opens the same set-up. Bad values fall back
to the defaults with a notice; limits from a class configuration apply to values from a link too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SPECS
from playground.digits.models import ACTIVATIONS, ModelSpec, SizeLimits
from playground.digits.training import TrainConfig
from playground.text import escape_markdown

LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
BATCH_SIZES = (16, 32, 64, 128, 256)
SOURCES = ("mnist5k", "mnist", "fashion-mnist")


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
    return f"1 to {sizes.mlp_layers} layer sizes from 1 to {sizes.mlp_width}"


def parse_hidden(text: str, sizes: SizeLimits = SizeLimits()) -> tuple[int, ...] | None:
    """An MLP's hidden layers typed by a learner ("256" or "128, 64"), within the limits (None if not)."""
    return _ints(text, 1, sizes.mlp_width, sizes.mlp_layers)


def parse_digit_query(params: Mapping[str, str | list[str]], max_epochs: int | None = None,
                      sizes: SizeLimits = SizeLimits()) -> tuple[str, ModelSpec, TrainConfig, list[str]]:
    """(source, spec, config, notices) from query parameters (a key may map to a list: the last wins).
    The network stays within `sizes` (a class's limits) and the epochs within `max_epochs`; the notices
    quote a link's values as Markdown-escaped text."""
    values = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items() if v not in ([], None)}
    notices: list[str] = []

    def bad(key: str, expected: str) -> None:
        notices.append(f"{escape_markdown(key, 20)} '{escape_markdown(values[key], 40)}' is not {expected} "
                       "— using the default.")

    kind = values.get("kind", "mlp")
    if kind not in DEFAULT_SPECS:
        bad("kind", "mlp or cnn")
        kind = "mlp"
    spec, config = sizes.cap(DEFAULT_SPECS[kind]), DEFAULT_CONFIGS[kind]
    source = values.get("source", "mnist5k")
    if source not in SOURCES:
        bad("source", "mnist5k, mnist or fashion-mnist")
        source = "mnist5k"
    if "hidden" in values and kind == "mlp":
        hidden = parse_hidden(values["hidden"], sizes)
        spec = replace(spec, hidden=hidden) if hidden else spec
        if hidden is None:
            bad("hidden", hidden_rule(sizes))
    if "filters" in values and kind == "cnn":
        filters = _ints(values["filters"], 1, sizes.filters, sizes.conv_layers)
        spec = replace(spec, filters=filters) if filters else spec
        if filters is None:
            bad("filters", f"1 to {sizes.conv_layers} filter counts from 1 to {sizes.filters}")
    choices = {"kernel": ("3", "5", "7"), "pool": ("max", "avg", "none"), "activation": tuple(ACTIVATIONS)}
    for key, allowed in choices.items():
        if key in values:
            if values[key] in allowed:
                spec = replace(spec, **{key: int(values[key]) if key == "kernel" else values[key]})
            else:
                bad(key, "one of " + ", ".join(allowed))
    if "optimizer" in values:
        if values["optimizer"] in ("adam", "sgd", "momentum"):
            config = replace(config, optimizer=values["optimizer"])
        else:
            bad("optimizer", "adam, sgd or momentum")
    numbers = {"lr": ("learning_rate", float, LEARNING_RATES), "batch": ("batch_size", int, BATCH_SIZES)}
    for key, (field_name, kind_, allowed) in numbers.items():
        if key in values:
            try:
                value = kind_(values[key])
                if value not in allowed:
                    raise ValueError
                config = replace(config, **{field_name: value})
            except ValueError:
                bad(key, "one of " + ", ".join(f"{a:g}" for a in allowed))
    top = min(50, max_epochs) if max_epochs else 50
    for key, field_name, low, high in (("epochs", "epochs", 1, top), ("seed", "seed", 0, 2**31 - 1)):
        if key in values:
            try:
                value = int(values[key])
                if not low <= value <= high:
                    raise ValueError
                config = replace(config, **{field_name: value})
            except ValueError:
                bad(key, f"a whole number from {low} to {high}")
    if max_epochs and config.epochs > max_epochs:
        config = replace(config, epochs=max_epochs)
    return source, spec, config, notices


def digit_query(source: str, spec: ModelSpec, config: TrainConfig) -> dict[str, str]:
    """The query string of a set-up (only what differs from the kind's defaults, plus kind and seed)."""
    query = {"kind": spec.kind}
    if source != "mnist5k":
        query["source"] = source
    base_spec, base_config = DEFAULT_SPECS[spec.kind], DEFAULT_CONFIGS[spec.kind]
    if spec.kind == "mlp" and spec.hidden != base_spec.hidden:
        query["hidden"] = ",".join(map(str, spec.hidden))
    if spec.kind == "cnn":
        for key in ("filters", "kernel", "pool"):
            if getattr(spec, key) != getattr(base_spec, key):
                value = getattr(spec, key)
                query[key] = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
    if spec.activation != base_spec.activation:
        query["activation"] = spec.activation
    if config.optimizer != base_config.optimizer:
        query["optimizer"] = config.optimizer
    if config.learning_rate != base_config.learning_rate:
        query["lr"] = f"{config.learning_rate:g}"
    if config.batch_size != base_config.batch_size:
        query["batch"] = str(config.batch_size)
    if config.epochs != base_config.epochs:
        query["epochs"] = str(config.epochs)
    query["seed"] = str(config.seed)
    return query
