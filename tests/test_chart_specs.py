"""Charts redrawn while a learner works: their Vega-Lite specs carry no numbers (so the browser keeps the
chart and swaps the numbers) and are checked against Altair's schema."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from playground.render.charts import training_curves
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
