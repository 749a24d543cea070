"""What a learner chooses from on the digit training page: each setting's options within a class's sizes,
and where each of its widgets starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from playground.digits.models import FILTER_COUNTS, ModelSpec, SizeLimits
from playground.digits.training import MAX_EPOCHS

T = TypeVar("T")


def option_index(options: Sequence[T], value: T, default: int = 0) -> int:
    """Where `value` stands among a widget's `options` (`default` when it is not one of them)."""
    return list(options).index(value) if value in options else default


def hidden_text(hidden: Sequence[int]) -> str:
    """An MLP's hidden layers as a learner types them: "128, 64"."""
    return ", ".join(map(str, hidden))


def hidden_examples(sizes: SizeLimits) -> tuple[str, str]:
    """Two hidden-layer texts allowed within `sizes`: one layer of the widest size, then two layers."""
    width = sizes.mlp_width
    return str(width), hidden_text((width, max(1, width // 2)))


def conv_layer_counts(sizes: SizeLimits) -> list[int]:
    """How many convolution layers a learner may choose: 1 up to the class's limit."""
    return list(range(1, sizes.conv_layers + 1))


def conv_layers_index(spec: ModelSpec, sizes: SizeLimits) -> int:
    """The chosen number of convolution layers as an index into conv_layer_counts (capped by `sizes`)."""
    return min(len(spec.filters), sizes.conv_layers) - 1


def filter_choices(sizes: SizeLimits) -> list[int]:
    """The filter counts a convolution layer offers within `sizes` (the class's width when all are wider)."""
    return [f for f in FILTER_COUNTS if f <= sizes.filters] or [sizes.filters]


def layer_filters(spec: ModelSpec, layer: int, choices: Sequence[int]) -> int:
    """Where the filter count of convolution layer `layer` (from 0) starts: the spec's count (twice its last
    layer's for a layer it does not have), rounded down to one of `choices` (the smallest if none is lower)."""
    base = spec.filters + (spec.filters[-1] * 2,) * 3
    return max([c for c in choices if c <= base[layer]] or list(choices[:1]))


def epoch_limit(max_epochs: int | None) -> int:
    """The most epochs a learner may choose: the class's limit, or the app's own without one."""
    return max_epochs or MAX_EPOCHS
