"""The Playground's query string: TF Playground's keys and links, our keys, limits, round trips, fuzzing."""

from __future__ import annotations

import random
from typing import Any

import pytest

from playground.engine2d.activations import ACTIVATIONS
from playground.engine2d.features import FEATURES
from playground.tfplayground.settings import (
    ADVANCED_LIMITS,
    BASIC_LIMITS,
    LEARNING_RATES,
    REGULARIZATION_RATES,
    Limits,
    PlaygroundSettings,
)
from playground.tfplayground.url import (
    CHOICES,
    HIDABLE,
    effective_limits,
    js_number,
    parse_link,
    parse_query,
    to_query,
)

TF_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.81734&showTestData=false&discretize=false&percTrainData=50"
    "&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=classification&initZero=false&hideText=false"
)
TF_HASH_2 = TF_HASH.replace("activation=tanh", "activation=relu&regularization=L1").replace(
    "regularizationRate=0&", "regularizationRate=0.003&").replace("4,2", "8,8,5").replace(
    "dataset=circle", "dataset=spiral").replace("sinX=false", "sinX=true")


def validate(settings: PlaygroundSettings, limits: Limits) -> None:
    """Every value of `settings` is one the page accepts within `limits`."""
    for key, options in CHOICES.items():
        assert getattr(settings, key) in options, key
    assert isinstance(settings.learningRate, float) and 0.00001 <= settings.learningRate <= 10
    assert isinstance(settings.regularizationRate, float) and 0 <= settings.regularizationRate <= 10
    assert type(settings.noise) is int and 0 <= settings.noise <= limits.max_noise
    assert type(settings.batchSize) is int and 1 <= settings.batchSize <= limits.max_batch
    assert settings.percTrainData in range(10, 100, 10)
    assert type(settings.numClasses) is int and 2 <= settings.numClasses <= 6
    assert len(settings.networkShape) <= limits.max_layers
    assert all(type(n) is int and 1 <= n <= limits.max_neurons for n in settings.networkShape)
    if settings.layerActivations is not None:
        assert len(settings.layerActivations) == len(settings.networkShape)
        assert all(name in ACTIVATIONS for name in settings.layerActivations)
    assert settings.features == tuple(f for f in FEATURES if f in settings.features)
    assert isinstance(settings.seed, str) and 0 < len(settings.seed) <= 64 and settings.seed.isprintable()
    for flag in (settings.showTestData, settings.discretize, settings.initZero, settings.advanced):
        assert isinstance(flag, bool)
    assert settings.hidden == tuple(name for name in HIDABLE if name in settings.hidden)


def random_settings(rng: random.Random) -> PlaygroundSettings:
    advanced = rng.random() < 0.3
    limits = ADVANCED_LIMITS if advanced else BASIC_LIMITS
    shape = [rng.randint(1, limits.max_neurons) for _ in range(rng.randint(0, limits.max_layers))]
    return PlaygroundSettings(
        **{key: rng.choice(options) for key, options in CHOICES.items()},
        learningRate=rng.choice([*LEARNING_RATES, rng.uniform(0.00001, 10), 0.0007]),
        regularizationRate=rng.choice([*REGULARIZATION_RATES, rng.uniform(0, 10)]),
        noise=rng.randint(0, limits.max_noise), networkShape=shape,
        batchSize=rng.randint(1, limits.max_batch), percTrainData=rng.randrange(10, 100, 10),
        features=tuple(f for f in FEATURES if rng.random() < 0.5),
        seed=rng.choice([f"{rng.random():.5f}", "my seed ü", "x" * 64, "a&b=c#d?e+f%20"]),
        showTestData=rng.random() < 0.5, discretize=rng.random() < 0.5, initZero=rng.random() < 0.5,
        layerActivations=rng.choice([None, [rng.choice(list(ACTIVATIONS)) for _ in shape]]),
        numClasses=rng.randint(2, 6), advanced=advanced,
        hidden=tuple(name for name in HIDABLE if rng.random() < 0.1),
    )


def test_no_keys_gives_the_defaults() -> None:
    assert parse_query({}) == (PlaygroundSettings(), [])


def test_real_tf_links_parse_without_notices() -> None:
    settings, notices = parse_query(dict(pair.split("=") for pair in TF_HASH.split("&")))
    assert notices == []
    assert settings == PlaygroundSettings(seed="0.81734")
    settings, notices = parse_link("https://playground.tensorflow.org/#" + TF_HASH_2)
    assert notices == []
    assert (settings.activation, settings.regularization) == ("relu", "L1")
    assert settings.regularizationRate == 0.003
    assert (settings.networkShape, settings.dataset) == ([8, 8, 5], "spiral")
    assert settings.features == ("x", "y", "sinX")


TF_SITE = "https://playground.tensorflow.org/"


@pytest.mark.parametrize("text", [TF_HASH, "#" + TF_HASH, "?" + TF_HASH, TF_SITE + "#" + TF_HASH,
                                  "?" + TF_SITE + "#" + TF_HASH, "http://x.org/page?" + TF_HASH])
def test_parse_link_takes_urls_hashes_and_query_strings(text: str) -> None:
    assert parse_link(text) == (PlaygroundSettings(seed="0.81734"), [])


@pytest.mark.parametrize("key", [TF_SITE + "#activation", "#activation", "?activation"])
def test_a_pasted_links_prefix_on_the_first_key_is_dropped(key: str) -> None:
    expected = PlaygroundSettings(activation="relu", batchSize=5)
    assert parse_query({key: "relu", "batchSize": "5"}) == (expected, [])


def test_a_list_value_uses_the_last_one() -> None:
    settings, notices = parse_query({"noise": ["5", "10"], "x": ["true", "false"]})
    assert (settings, notices) == (PlaygroundSettings(noise=10, features=("y",)), [])
    assert parse_query({"x": []})[1] == ["x '' is not true or false — using the default true."]


@pytest.mark.parametrize(("key", "text", "expected"), [
    ("dataset", "spiral3", "spiral3"), ("dataset", "XOR", "xor"), ("regDataset", "reg-gauss", "reg-gauss"),
    ("problem", "regression", "regression"), ("activation", "leakyrelu", "leakyrelu"),
    ("regularization", "L2", "L2"), ("regularization", "none", "none"), ("optimizer", "adam", "adam"),
    ("loss", "cross-entropy", "cross-entropy"), ("speed", "slow-motion", "slow-motion"),
    ("learningRate", "3e-2", 0.03), ("learningRate", "0.0007", 0.0007), ("learningRate", "10", 10.0),
    ("learningRate", "0.00001", 0.00001), ("regularizationRate", "0", 0.0), ("regularizationRate", "1", 1.0),
    ("noise", "80", 80), ("noise", " 35 ", 35), ("batchSize", "30", 30), ("batchSize", "1.0", 1),
    ("percTrainData", "90", 90), ("numClasses", "6", 6), ("networkShape", "", []),
    ("networkShape", "8,1,8,1,8,1", [8, 1, 8, 1, 8, 1]), ("networkShape", " 3 , 2", [3, 2]),
    ("seed", "hello world", "hello world"), ("showTestData", "TRUE", True), ("discretize", "1", True),
    ("initZero", "true", True), ("advanced", "0", False),
])
def test_good_values(key: str, text: str, expected: Any) -> None:
    settings, notices = parse_query({key: text})
    assert (getattr(settings, key), notices) == (expected, [])


@pytest.mark.parametrize(("key", "text", "notice"), [
    ("dataset", "reg-plane", "dataset 'reg-plane' is not one of circle, xor, gauss, spiral, spiral3, blobs"
                             " — using the default circle."),
    ("regDataset", "", "regDataset '' is not one of reg-plane, reg-gauss — using the default reg-plane."),
    ("problem", "clustering", "is not one of classification, regression — using the default classification."),
    ("activation", "swish", "activation 'swish' is not one of relu, tanh, sigmoid, linear, elu, leakyrelu"),
    ("regularization", "L3", "is not one of none, L1, L2 — using the default none."),
    ("optimizer", "rmsprop", "'rmsprop' is not one of sgd, momentum, adam — using the default sgd."),
    ("loss", "hinge", "is not one of squared, cross-entropy — using the default squared."),
    ("speed", "warp", "is not one of slow-motion, slow, normal, fast, fastest — using the default fast."),
    ("learningRate", "50", "learningRate '50' is not a number from 0.00001 to 10 — using the default 0.03."),
    ("learningRate", "0", "is not a number from 0.00001 to 10"), ("learningRate", "NaN", "'NaN' is not a"),
    ("learningRate", "Infinity", "is not a number"), ("learningRate", "1e400", "is not a number"),
    ("learningRate", "0x10", "is not a number"), ("learningRate", "1_0", "is not a number"),
    ("regularizationRate", "-1", "'-1' is not a number from 0 to 10 — using the default 0."),
    ("noise", "81", "noise '81' is not a whole number from 0 to 80 — using the default 0."),
    ("noise", "2.5", "is not a whole number from 0 to 80"),
    ("batchSize", "31", "batchSize '31' is not a whole number from 1 to 30 — using the default 10."),
    ("batchSize", "0", "is not a whole number from 1 to 30"),
    ("percTrainData", "55", "percTrainData '55' is not one of 10, 20, …, 90 — using the default 50."),
    ("numClasses", "7", "numClasses '7' is not a whole number from 2 to 6 — using the default 3."),
    ("networkShape", "4,x", "networkShape '4,x' is not a list of up to 6 layer sizes from 1 to 8"
                            " — using the default 4,2."),
    ("networkShape", "4,,2", "is not a list"), ("networkShape", "9", "is not a list"),
    ("networkShape", "0,2", "is not a list"), ("networkShape", "1,1,1,1,1,1,1", "is not a list"),
    ("networkShape", "٤,2", "is not a list"),
    ("seed", "", "seed '' is not 1 to 64 printable characters — using the default 0.12345."),
    ("seed", "x" * 65, f"seed '{'x' * 40}…' is not 1 to 64 printable characters"),
    ("seed", "a\nb", "seed 'a?b' is not"), ("showTestData", "yes", "showTestData 'yes' is not true or false"
                                                                   " — using the default false."),
    ("x", "no", "x 'no' is not true or false — using the default true."),
    ("advanced", "on", "advanced 'on' is not true or false — using the default false."),
    ("dataset_hide", "maybe", "dataset_hide 'maybe' is not true or false — using the default false."),
])
def test_bad_values_fall_back_to_the_default_with_a_notice(key: str, text: str, notice: str) -> None:
    settings, notices = parse_query({key: text})
    assert len(notices) == 1 and notice in notices[0]
    assert settings == PlaygroundSettings()


def test_layer_activations_must_match_the_hidden_layers() -> None:
    settings, notices = parse_query({"networkShape": "3,2", "layerActivations": "relu,ELU"})
    assert (settings.layerActivations, notices) == (["relu", "elu"], [])
    assert parse_query({"networkShape": "", "layerActivations": ""})[0].layerActivations == []
    for text in ("relu", "relu,tanh,relu", "relu,swish", ""):
        settings, notices = parse_query({"activation": "relu", "layerActivations": text})
        assert settings.layerActivations is None
        assert notices == [f"layerActivations '{text}' is not a list of 2 activation names, one per hidden"
                           " layer — using relu for every layer."]


def test_features_follow_the_tf_keys_in_tf_order() -> None:
    query = {"sinY": "true", "x": "false", "xTimesY": "true", "xSquared": "1"}
    assert parse_query(query)[0].features == ("y", "xSquared", "xTimesY", "sinY")


def test_ignored_tf_keys_cos_features_and_unknown_keys() -> None:
    quiet = {"collectStats": "true", "tutorial": "dp", "hideText": "true", "cosX": "false", "cosY": "junk"}
    assert parse_query(quiet) == (PlaygroundSettings(), [])
    assert parse_query({"cosY": "true"})[1] == [
        "cosY: cos features are not offered here (sin(X₁), sin(X₂) are) — ignoring it."]
    unknown = {f"key{i}": "1" for i in range(8)} | {"numNodes11_hide": "true", "cosX_hide": "true"}
    assert parse_query(unknown) == (PlaygroundSettings(), [
        "Ignored settings this page does not know: key0, key1, key2, key3, key4 and 5 more."])


def test_hidden_controls_are_read_in_order_and_written_back() -> None:
    query = {"numNodes2_hide": "true", "sinX_hide": "true", "playButton_hide": "true", "noise_hide": "false"}
    settings, notices = parse_query(query)
    assert (settings.hidden, notices) == (("playButton", "sinX", "numNodes2"), [])
    written = to_query(settings)
    hide_keys = [key for key in written if key.endswith("_hide")]
    assert hide_keys == ["playButton_hide", "sinX_hide", "numNodes2_hide"]
    assert {written[key] for key in written if key.endswith("_hide")} == {"true"}


def test_advanced_raises_the_limits() -> None:
    query = {"networkShape": ",".join(["16"] * 10), "batchSize": "100", "noise": "80"}
    settings, notices = parse_query(query | {"advanced": "true"})
    assert (settings.networkShape, settings.batchSize, settings.noise, notices) == ([16] * 10, 100, 80, [])
    settings, notices = parse_query(query)
    assert (settings.networkShape, settings.batchSize, settings.noise) == ([4, 2], 10, 80)
    assert len(notices) == 2
    notices = parse_query({"advanced": "1", "networkShape": "17"})[1]
    assert "is not a list of up to 10 layer sizes from 1 to 16" in notices[0]


def test_base_limits_cap_both_basic_and_advanced() -> None:
    base = Limits(max_layers=3, max_neurons=3, max_batch=5, max_noise=50)
    assert effective_limits(True, base) == Limits(3, 3, 5, 50)
    assert effective_limits(False, Limits(20, 20, 200, 100)) == BASIC_LIMITS
    settings, notices = parse_query({"advanced": "true", "networkShape": "3,3,3,3", "batchSize": "6",
                                     "noise": "55"}, base)
    assert (settings.networkShape, settings.batchSize, settings.noise) == ([3, 2], 5, 0)
    assert notices[0] == "noise '55' is not a whole number from 0 to 50 — using the default 0."
    assert notices[1] == "batchSize '6' is not a whole number from 1 to 5 — using the default 5."
    assert notices[2].endswith("is not a list of up to 3 layer sizes from 1 to 3 — using the default 3,2.")
    validate(parse_query({}, Limits(0, 1, 1, 0))[0], Limits(0, 1, 1, 0))


def test_to_query_writes_tf_keys_in_tf_format() -> None:
    written = to_query(PlaygroundSettings(seed="0.81734"))
    assert "&".join(f"{key}={value}" for key, value in written.items()) == TF_HASH
    written = to_query(PlaygroundSettings(learningRate=0.00001, regularization="L1", regularizationRate=10.0,
                                          networkShape=[], optimizer="adam", advanced=True))
    assert (written["learningRate"], written["regularization"], written["regularizationRate"]) == (
        "0.00001", "L1", "10")
    assert (written["networkShape"], written["optimizer"], written["advanced"]) == ("", "adam", "true")
    assert "loss" not in written and "speed" not in written and "layerActivations" not in written


@pytest.mark.parametrize(("value", "text"), [
    (0.03, "0.03"), (10.0, "10"), (1e-05, "0.00001"), (1e-06, "0.000001"), (1e-07, "1e-7"), (0.0, "0"),
    (123.456, "123.456"), (1e20, "100000000000000000000"), (1e21, "1e+21"), (1.5e-9, "1.5e-9"),
    (-2.5, "-2.5"),
])
def test_js_number_writes_numbers_like_javascript(value: float, text: str) -> None:
    assert js_number(value) == text


def test_round_trip_of_random_settings() -> None:
    rng = random.Random(1234)
    for _ in range(400):
        settings = random_settings(rng)
        validate(settings, settings.limits())
        assert parse_query(to_query(settings)) == (settings, [])
        text = "&".join(f"{key}={value}" for key, value in to_query(settings).items())
        if not set("&#?+%") & set(settings.seed):  # TF writes seeds unescaped
            assert parse_link("https://playground.tensorflow.org/#" + text) == (settings, [])


def random_text(rng: random.Random) -> str:
    pieces = ["", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "true", "FALSE", "0", "1",
              "-0",
              "4,2", ",", "8,8,8,8,8,8,8", "9" * 5000, "x" * 10_000, "ü€😀\u202e\x00", " ", "relu,tanh", "5e1",
              "0.1", "%20", "#", "?", "&", "=", "\n", "+1", ".5", "5.", "1e-5", "٣"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))


def test_fuzz_never_raises_and_stays_within_limits() -> None:
    rng = random.Random(99)
    keys = [*PlaygroundSettings.__dataclass_fields__, *FEATURES, "cosX", "cosY", "collectStats", "tutorial",
            "hideText", *(f"{name}_hide" for name in HIDABLE[:20]), "#seed", "https://a.b/#noise", "", "ö"]
    for _ in range(600):
        params: dict[Any, Any] = {}
        for _ in range(rng.randint(0, 12)):
            key = rng.choice(keys) if rng.random() < 0.85 else random_text(rng)
            params[key] = random_text(rng) if rng.random() < 0.8 else [random_text(rng) for _ in range(2)]
        base = rng.choice([None, Limits(rng.randint(0, 12), rng.randint(0, 20), rng.randint(0, 120), 40)])
        settings, notices = parse_query(params, base)
        validate(settings, effective_limits(settings.advanced, base))
        assert all(isinstance(notice, str) and notice for notice in notices)
        link_settings, _ = parse_link("&".join(f"{k}={v}" for k, v in params.items() if isinstance(v, str)))
        validate(link_settings, link_settings.limits())


def test_a_link_with_thousands_of_keys_is_read_only_so_far() -> None:
    import time

    huge = {f"k{i}": "1" for i in range(6_000)} | {"activation": "relu"}  # ~64 KB: a request line's limit
    start = time.perf_counter()
    settings, notices = parse_query(huge)
    assert time.perf_counter() - start < 0.05
    assert "6,001 settings; only the first 200 were read" in notices[0]
    assert settings.activation == "tanh"  # past the first 200: not read
    every_key = to_query(PlaygroundSettings(hidden=HIDABLE, layerActivations=["relu", "tanh"], advanced=True,
                                            optimizer="adam", initDraws=5))
    assert len(every_key) < 100 and parse_query(every_key)[1] == []
