"""Charts redrawn while a learner works: their Vega-Lite specs carry no numbers (so the browser keeps the
chart and swaps the numbers) and are checked against Altair's schema."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from playground.render import charts
from playground.render.charts import (
    CONFUSION_SELECTION,
    chosen_cell,
    class_accuracy_chart,
    confusion_chart,
    training_curves,
)
from playground.render.colors import INK_HEX, POSITIVE_HEX
from playground.render.probability_bars import probability_bars

NAMES = tuple(str(i) for i in range(10))


def as_altair(data, spec) -> alt.Chart:
    """Altair validates a spec against the Vega-Lite schema when it reads one (and raises if it is not)."""
    return alt.Chart.from_dict({**spec, "data": {"values": data.to_dict("records")}}, validate=True)


def test_one_set_of_bars_highlights_one_class() -> None:
    p = np.full(10, 0.02)
    p[7] = 0.82
    data, spec = probability_bars({"probability": p}, NAMES, highlight=7)
    as_altair(data, spec)
    assert list(data["class"]) == list(NAMES) and np.allclose(data["probability"], p)
    assert list(data["highlight"]) == [i == 7 for i in range(10)]
    assert "condition" in spec["encoding"]["color"] and "xOffset" not in spec["encoding"]


def test_two_sets_of_bars_stand_side_by_side_with_a_legend() -> None:
    before, after = np.eye(10)[7], np.eye(10)[3]
    data, spec = probability_bars({"original": before, "adversarial": after}, NAMES)
    as_altair(data, spec)
    assert len(data) == 20 and list(data["image"][:10]) == ["original"] * 10
    assert spec["encoding"]["xOffset"]["sort"] == ["original", "adversarial"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["original", "adversarial"]
    # the spec does not carry the numbers: the same spec for any reading, so the browser keeps its chart
    assert probability_bars({"original": after, "adversarial": before}, NAMES)[1] == spec


def test_a_wrong_number_of_probabilities_is_refused() -> None:
    with pytest.raises(ValueError, match="9 probabilities for 10 classes"):
        probability_bars({"probability": np.ones(9) / 9}, NAMES)


def test_training_curves_keep_one_spec_while_the_numbers_grow() -> None:
    history = pd.DataFrame({"epoch": [0.25, 0.5, 1.0], "examples": [1000, 2000, 4000],
                            "train_loss": [1.2, 0.6, 0.4], "test_loss": [1.3, 0.7, 0.5],
                            "train_accuracy": [0.6, 0.8, 0.9], "test_accuracy": [0.55, 0.75, 0.85]})
    data, spec = training_curves(history)
    assert len(data) == 12 and set(data["metric"]) == {"loss", "accuracy"} and set(data["set"]) == {"training", "test"}
    alt.HConcatChart.from_dict({**spec, "data": {"values": data.to_dict("records")}}, validate=True)
    assert '"data"' not in str(spec).replace("'", '"')  # every view reads the data the page gives it
    assert training_curves(history.iloc[:1])[1] == spec


def test_the_confusion_chart_has_a_cell_per_pair_and_a_click_selects_one() -> None:
    confusion = np.arange(100).reshape(10, 10)
    spec = confusion_chart(confusion, NAMES).to_dict(validate=True)
    cells = spec["datasets"][spec["data"]["name"]]
    assert len(cells) == 100
    assert {"true": "3", "predicted": "5", "count": 35, "t": 3, "p": 5} in cells
    heat, text = spec["layer"]
    assert heat["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    for axis, title in (("x", "predicted"), ("y", "true label")):
        assert heat["encoding"][axis]["sort"] == list(NAMES) and heat["encoding"][axis]["title"] == title
    assert heat["encoding"]["stroke"]["condition"] == {"param": CONFUSION_SELECTION, "value": INK_HEX}
    assert text["encoding"]["color"]["value"] == INK_HEX  # dark numbers on light cells, white on dark ones
    [param] = spec["params"]
    assert param["name"] == CONFUSION_SELECTION and param["select"] == {"type": "point", "fields": ["t", "p"],
                                                                        "on": "click"}
    # the browser's tooltip (and the browser test) reads "predicted: …; true label: …; count: …"
    assert [t["field"] for t in heat["encoding"]["tooltip"]] == ["true", "predicted", "count"]


def test_a_click_on_the_confusion_chart_reads_back_as_a_cell() -> None:
    assert chosen_cell({CONFUSION_SELECTION: [{"t": 4, "p": 9}]}) == (4, 9)
    assert chosen_cell({CONFUSION_SELECTION: [{"t": 2.0, "p": 2.0}, {"t": 1, "p": 0}]}) == (2, 2)
    for nothing in (None, {}, {CONFUSION_SELECTION: []}, {CONFUSION_SELECTION: None}, {"other": [{"t": 1, "p": 1}]},
                    {CONFUSION_SELECTION: [{}]}, {CONFUSION_SELECTION: [{"t": 1}]}, {CONFUSION_SELECTION: ["x"]}):
        assert chosen_cell(nothing) is None, nothing


def test_accuracy_per_class_is_a_bar_per_class_on_a_percent_axis() -> None:
    accuracy = np.linspace(0.5, 0.95, 10)
    spec = class_accuracy_chart(accuracy, NAMES).to_dict(validate=True)
    rows = spec["datasets"][spec["data"]["name"]]
    assert [r["class"] for r in rows] == list(NAMES) and np.allclose([r["accuracy"] for r in rows], accuracy)
    assert spec["mark"] == {"type": "bar", "color": POSITIVE_HEX} and spec["height"] == 260
    assert spec["encoding"]["x"]["scale"]["domain"] == [0, 1] and spec["encoding"]["x"]["axis"]["format"] == "%"
    assert spec["encoding"]["y"]["sort"] == list(NAMES)


# ------------------------------------------------------------------------- adversarial examples, embeddings


def test_accuracy_curves_one_legend_whose_marks_show_colour_and_dash() -> None:
    from playground.render.colors import MUTED_HEX, POSITIVE_HEX, RIGHT_HEX

    rows = [{"curve": f"{model}, {kind}", "model": model, "kind": kind, "eps": e, "accuracy": a}
            for model, kind in (("your network", "fgsm"), ("your network", "pgd"), ("robust twin", "fgsm"),
                                ("reference", "reference"))
            for e, a in ((0.0, 0.9), (0.1, 0.4))]
    spec = charts.accuracy_curves(rows).to_dict(validate=True)
    assert spec["mark"] == {"type": "line", "point": True} and spec["height"] == 320
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["x"]["title"]) == ("eps", "ε")
    assert encoding["y"]["scale"] == {"domain": [0, 1]} and encoding["y"]["axis"] == {"format": "%"}
    # colour and dash encode the same field with the same legend: Vega-Lite draws one legend showing both
    colour, dash = encoding["color"], encoding["strokeDash"]
    assert colour["field"] == dash["field"] == "curve" and colour["legend"] == dash["legend"]
    assert colour["legend"]["symbolType"] == "stroke"
    names = ["your network, fgsm", "your network, pgd", "robust twin, fgsm", "reference, reference"]
    assert colour["scale"] == {"domain": names, "range": [POSITIVE_HEX, POSITIVE_HEX, RIGHT_HEX, MUTED_HEX]}
    assert dash["scale"] == {"domain": names, "range": [[1, 0], [7, 4], [1, 0], [2, 3]]}  # solid, dashed, dotted
    assert len(spec["datasets"][spec["data"]["name"]]) == 8


def test_the_share_crossed_by_distance_to_the_boundary() -> None:
    from playground.render.colors import WRONG_HEX

    spec = charts.crossed_by_distance(["0–0.25", "0.25–0.5", "2 or more"], [15, 24, 0], [15, 6, 0], 0.3
                                      ).to_dict(validate=True)
    assert spec["title"] == "Share of the points that crossed at ε = 0.30"
    bars, counts = spec["layer"]
    assert bars["mark"] == {"type": "bar", "color": WRONG_HEX} and counts["encoding"]["text"]["field"] == "count"
    assert bars["encoding"]["x"]["sort"] == ["0–0.25", "0.25–0.5", "2 or more"]  # nearest first, not by name
    values = spec["datasets"][spec["data"]["name"]]
    assert [(v["share"], v["count"]) for v in values] == [(1.0, "15 of 15"), (0.25, "6 of 24"), (0.0, "0 of 0")]


def test_one_accuracy_curve_with_its_title() -> None:
    spec = charts.accuracy_curve([(0.0, 1.0), (0.5, 0.75)], "Training accuracy after FGSM").to_dict(validate=True)
    assert spec["title"] == "Training accuracy after FGSM" and spec["height"] == 260
    assert spec["datasets"][spec["data"]["name"]] == [{"eps": 0.0, "accuracy": 1.0}, {"eps": 0.5, "accuracy": 0.75}]
    assert spec["encoding"]["y"]["scale"] == {"domain": [0, 1]}


def test_the_linear_attack_grows_on_log_scales_in_the_colours_module() -> None:
    from playground.render.colors import MUTED_HEX, WRONG_HEX

    spec = charts.linear_attack_growth([1, 10, 100], [0.01, 0.1, 1.0], [0.01, 0.03, 0.1], 0.01).to_dict(validate=True)
    assert spec["title"] == "A linear model, each input changed by at most ε = 0.01"
    assert spec["encoding"]["x"]["scale"] == {"type": "log"} and spec["encoding"]["y"]["scale"] == {"type": "log"}
    # the adversarial line red, the random one grey (Vega-Lite would sort "random" first without a domain)
    assert spec["encoding"]["color"]["scale"] == {"domain": ["ε·sign(w), adversarial", "random ±ε"],
                                                  "range": [WRONG_HEX, MUTED_HEX]}
    values = spec["datasets"][spec["data"]["name"]]
    assert len(values) == 6 and values[0] == {"dimensions": 1, "change of the output": 0.01,
                                              "perturbation": "ε·sign(w), adversarial"}
    assert values[3]["perturbation"] == "random ±ε"


def test_a_projection_is_coloured_by_class_or_by_right_and_wrong() -> None:
    from playground.render.colors import CLASS_HEX, MUTED_HEX, WRONG_HEX

    assert charts.projection_colours("right", NAMES) == (["right", "wrong"], [MUTED_HEX, WRONG_HEX])
    assert charts.projection_colours("label", ("a", "b", "c")) == (["a", "b", "c"], list(CLASS_HEX[:3]))
    assert charts.projection_colours("read as", NAMES)[1] == list(CLASS_HEX)


def test_the_projection_scatter_selects_a_point_and_shows_the_digit_on_hover() -> None:
    frame = pd.DataFrame({"x": [0.0, 1.0], "y": [1.0, 0.0], "idx": [0, 1], "label": ["3", "5"],
                          "read as": ["3", "3"], "right": ["right", "wrong"], "image": ["data:a", "data:b"]})
    spec = charts.projection_scatter(frame, "label", "true label", NAMES, title="Hidden", size=520).to_dict(validate=True)
    assert (spec["width"], spec["height"], spec["title"]) == (520, 520, "Hidden")
    assert spec["mark"] == {"type": "circle", "opacity": 0.85, "size": 28}
    colour = spec["encoding"]["color"]
    assert colour["field"] == "label" and colour["title"] == "true label" and colour["scale"]["domain"] == list(NAMES)
    assert colour["legend"] == {}  # a large chart keeps its legend
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["idx", "label", "read as", "image"]
    [pick] = spec["params"]
    assert pick["name"] == "pick" and pick["select"] == {"type": "point", "fields": ["idx"], "on": "click"}

    small = charts.projection_scatter(frame.drop(columns="image"), "right", "right/wrong", NAMES, size=260,
                                      selectable=False).to_dict(validate=True)
    colour = small["encoding"]["color"]
    assert colour["legend"] is None and colour.get("title") is None  # side by side: one key above the charts
    assert colour["scale"]["domain"] == ["right", "wrong"] and "params" not in small
    assert [t["field"] for t in small["encoding"]["tooltip"]] == ["idx", "label", "read as"]
    fitted = charts.projection_scatter(frame, "label", "true label", NAMES, size=240, fit_width=True).to_dict()
    assert (fitted["width"], fitted["height"]) == ("container", 240)  # as wide as its column: never past it


# ------------------------------------------------------------------------------------------------ toy data


def test_a_datasets_points_chart_outlines_its_test_points() -> None:
    from playground.render.charts import data_scatter, train_test_frame
    from playground.render.colors import CLASS_HEX, TEST_OUTLINE_HEX, TRAIN_OUTLINE_HEX

    train_x, test_x = np.array([[0.0, 1.0], [2.0, -3.0]]), np.array([[-1.0, 5.0]])
    frame = train_test_frame(train_x, np.array([0, 1]), test_x, np.array([1]), ("-1", "+1"))
    assert list(frame["split"]) == ["train", "train", "test"] and list(frame["label"]) == ["-1", "+1", "+1"]
    spec = data_scatter(frame, "classification", ("-1", "+1")).to_dict(validate=True)
    assert spec["encoding"]["stroke"]["scale"]["range"] == [TRAIN_OUTLINE_HEX, TEST_OUTLINE_HEX]
    assert spec["encoding"]["color"]["scale"]["range"] == list(CLASS_HEX[:2])
    targets = train_test_frame(train_x, np.array([0.5, -0.25]), test_x, np.array([1.0]))
    assert targets["label"].dtype == np.float64  # regression: the colour is the target value
    data_scatter(targets, "regression", ()).to_dict(validate=True)
