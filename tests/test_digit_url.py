"""The digit lessons' settings from a link, a class preset or the hidden-layers box: bounded by the app and
by a class's limits, bad values named in a notice as literal text."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from playground.classroom.config import ClassLimits
from playground.digits.models import ModelSpec, SizeLimits
from playground.digits.url import digit_query, parse_digit_query, parse_hidden

CLASS = SizeLimits.of_class(ClassLimits(max_hidden_layers=2, max_neurons=32))


def test_hidden_layers_typed_by_a_learner() -> None:
    assert parse_hidden("256") == (256,)
    assert parse_hidden("128, 64") == (128, 64) == parse_hidden("128; 64")
    assert parse_hidden("1,2,3,4") == (1, 2, 3, 4)
    for bad in ("", "0", "1025", "1,2,3,4,5", "12a", "-3", "1e3", "9" * 5000, ",".join(["1"] * 100_000)):
        assert parse_hidden(bad) is None, bad


def test_hidden_layers_honour_the_class_limits() -> None:
    assert parse_hidden("32, 16", CLASS) == (32, 16)
    assert parse_hidden("33", CLASS) is None and parse_hidden("8, 8, 8", CLASS) is None
    assert parse_hidden("256", SizeLimits(max_layers=0, max_width=8)) is None
    assert parse_hidden("8", SizeLimits(max_layers=0, max_width=8)) == (8,)  # a digit network keeps one layer


def test_a_link_cannot_exceed_the_class_limits() -> None:
    _, spec, _, notices = parse_digit_query({"kind": "mlp", "hidden": "512,512,512"}, sizes=CLASS)
    assert spec.hidden == (32,)  # the default (256), capped by the class
    assert notices == [r"hidden '512\,512\,512' is not 1 to 2 layer sizes from 1 to 32 — using the default."]
    _, spec, _, notices = parse_digit_query({"kind": "cnn", "filters": "64,64,64"}, sizes=CLASS)
    assert spec.filters == (8, 16) and notices and "1 to 2 filter counts from 1 to 32" in notices[0]
    _, spec, _, _ = parse_digit_query({"kind": "cnn", "filters": "32,4"}, sizes=CLASS)
    assert spec.filters == (32, 4)
    _, spec, _, _ = parse_digit_query({"kind": "cnn"}, sizes=SizeLimits(max_layers=1, max_width=6))
    assert spec.filters == (6,)
    _, _, config, notices = parse_digit_query({"epochs": "40"}, max_epochs=3)
    assert config.epochs == 3 and notices == ["epochs '40' is not a whole number from 1 to 3 — using the default."]
    _, _, config, notices = parse_digit_query({}, max_epochs=3)
    assert config.epochs == 3 and notices == []


def test_a_links_values_are_quoted_as_literal_text() -> None:
    from playground.text import escape_markdown

    link = "[click](https://evil.example)"
    _, _, _, notices = parse_digit_query({"kind": link, "seed": "**1**"})
    assert notices[0] == f"kind '{escape_markdown(link, 40)}' is not mlp or cnn — using the default."
    assert notices[0].startswith(r"kind '\[click\]\(https")
    assert notices[1].startswith(r"seed '\*\*1\*\*' is not")


@pytest.mark.parametrize("value", ["9" * 4400, "1," * 50_000, "x" * 100_000, "nan", "inf", "-1", "1e999"])
def test_hostile_values_answer_quickly(value: str) -> None:
    query = {key: value for key in ("kind", "source", "hidden", "filters", "kernel", "pool", "activation",
                                    "optimizer", "lr", "batch", "epochs", "seed")}
    start = time.perf_counter()
    source, spec, config, notices = parse_digit_query(query, sizes=CLASS)
    assert time.perf_counter() - start < 0.05
    assert source == "mnist5k" and spec == CLASS.cap(spec) and len(notices) == len(query) - 1  # hidden: not a cnn
    assert all(len(n) < 200 for n in notices)


def test_a_set_up_goes_round_a_link() -> None:
    spec = ModelSpec(kind="mlp", hidden=(32, 16), activation="tanh")
    source, parsed, _, notices = parse_digit_query(digit_query("mnist5k", spec, parse_digit_query({})[2]), sizes=CLASS)
    assert parsed == spec and notices == [] and source == "mnist5k"


def test_size_limits_cap_a_spec() -> None:
    assert CLASS.cap(ModelSpec(hidden=(256, 128, 64))) == ModelSpec(hidden=(32, 32))
    assert CLASS.cap(ModelSpec(kind="cnn", filters=(8, 64, 64))) == ModelSpec(kind="cnn", filters=(8, 32))
    assert SizeLimits().cap(ModelSpec(hidden=(256,))) == ModelSpec(hidden=(256,))
    assert (SizeLimits().mlp_layers, SizeLimits().mlp_width, SizeLimits().conv_layers, SizeLimits().filters) \
        == (4, 1024, 3, 64)


def test_a_class_may_allow_wide_digit_layers_while_the_playground_keeps_its_own_cap() -> None:
    from playground.classroom.config import parse_class_config
    from playground.tfplayground.settings import ADVANCED_LIMITS, Limits, capped

    limits = parse_class_config("[limits]\nmax_neurons = 512\nmax_hidden_layers = 2\n").limits
    assert SizeLimits.of_class(limits).mlp_width == 512
    class_caps = Limits(max_layers=2, max_neurons=512, max_batch=ADVANCED_LIMITS.max_batch,
                        max_noise=ADVANCED_LIMITS.max_noise)
    assert capped(ADVANCED_LIMITS, class_caps).max_neurons == ADVANCED_LIMITS.max_neurons == 16


def test_a_link_is_read_like_every_lessons() -> None:
    """The url_table reader: unknown keys named (not the other kind's), a repeated key's last value wins,
    numbers written as the Playground's are."""
    _, spec, config, notices = parse_digit_query({"kind": "cnn", "hidden": "64", "hiden": "32",
                                                  "lr": ["0.1", "1e-3"], "batch": "32.0", "kernel": " 3 "})
    assert (spec.kind, spec.kernel, config.learning_rate, config.batch_size) == ("cnn", 3, 0.001, 32)
    assert notices == ["Ignored settings this page does not know: hiden."]


def test_a_cnn_set_up_goes_round_a_link() -> None:
    spec = ModelSpec(kind="cnn", filters=(16, 32), kernel=3, pool="avg", activation="elu")
    config = replace(parse_digit_query({"kind": "cnn"})[2], learning_rate=0.003, batch_size=256, epochs=4, seed=9)
    query = digit_query("fashion-mnist", spec, config)
    assert list(query) == ["kind", "source", "filters", "kernel", "pool", "activation", "lr", "batch", "epochs",
                           "seed"]
    assert (query["filters"], query["lr"]) == ("16,32", "0.003")
    assert parse_digit_query(query) == ("fashion-mnist", spec, config, [])
