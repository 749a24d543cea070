"""Altair charts for the lessons (small mark counts only; heavy pictures are PNGs, see png.py)."""

from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from playground.render.colors import CLASS_HEX, MUTED_HEX, NEGATIVE_HEX, NEUTRAL_HEX, POSITIVE_HEX
from playground.render.points import EXTENT


def points_frame(
    points: np.ndarray, labels: np.ndarray, split: str, class_names: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Points as a tidy table: x, y, label (as text for classes), split."""
    labels = np.asarray(labels)
    if labels.dtype.kind in "iu":
        names = [class_names[i] if i < len(class_names) else str(i) for i in labels]
        label_col: list | np.ndarray = names
    else:
        label_col = labels.astype(np.float64)
    return pd.DataFrame({"x": points[:, 0], "y": points[:, 1], "label": label_col, "split": split})


def class_colour_scale(class_names: tuple[str, ...]) -> alt.Scale:
    return alt.Scale(domain=list(class_names), range=list(CLASS_HEX[: len(class_names)]))


def data_scatter(frame: pd.DataFrame, problem: str, class_names: tuple[str, ...], size: int = 420) -> alt.Chart:
    """Train points filled, test points with a dark outline, on the fixed [-6, 6]² square."""
    axis = alt.Scale(domain=[-EXTENT, EXTENT], nice=False)
    if problem == "regression":
        colour = alt.Color(
            "label:Q",
            scale=alt.Scale(domain=[-1, 0, 1], range=[NEGATIVE_HEX, NEUTRAL_HEX, POSITIVE_HEX], clamp=True),
            title="target",
        )
    else:
        colour = alt.Color("label:N", scale=class_colour_scale(class_names), title="class")
    return (
        alt.Chart(frame)
        .mark_point(filled=True, size=36)
        .encode(
            x=alt.X("x:Q", scale=axis, title="X₁"),
            y=alt.Y("y:Q", scale=axis, title="X₂"),
            color=colour,
            stroke=alt.Stroke(
                "split:N", scale=alt.Scale(domain=["train", "test"], range=["#ffffff", "#222222"]), title="split"
            ),
            strokeWidth=alt.value(1),
            tooltip=["x:Q", "y:Q", "label", "split:N"],
        )
        .properties(width=size, height=size)
    )


def training_curves(history: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Loss and accuracy by epoch, training and test, side by side; hover to read the values.

    (data, spec) for st.vega_lite_chart(data, spec). The spec carries no numbers and is the same for
    every redraw, so while a network trains the browser only swaps the numbers into the chart it has.
    """
    long = history.melt(id_vars=["epoch", "examples"],
                        value_vars=["train_loss", "test_loss", "train_accuracy", "test_accuracy"])
    long["metric"] = np.where(long["variable"].str.endswith("loss"), "loss", "accuracy")
    long["set"] = np.where(long["variable"].str.startswith("train"), "training", "test")
    return long[["epoch", "value", "metric", "set"]], copy.deepcopy(_training_curves_spec())


@lru_cache(maxsize=1)
def _training_curves_spec() -> dict:
    """training_curves' spec, built once through Altair (which checks it against the schema)."""
    colour = alt.Color("set:N", scale=alt.Scale(domain=["training", "test"], range=[MUTED_HEX, POSITIVE_HEX]),
                       title=None)

    def panel(metric: str, title: str) -> alt.Chart:
        hover = alt.selection_point(name=f"hover_{metric}", fields=["epoch"], nearest=True, on="pointerover",
                                    empty=False)
        base = alt.Chart().transform_filter(alt.datum.metric == metric).encode(
            x=alt.X("epoch:Q", title="epoch"), y=alt.Y("value:Q", title=title, scale=alt.Scale(zero=False)),
            color=colour,
        )
        line = base.mark_line(point=False, strokeWidth=2)
        points = base.mark_point(filled=True, size=40).encode(
            opacity=alt.condition(hover, alt.value(1), alt.value(0)),
            tooltip=[alt.Tooltip("epoch:Q", format=".2f"), "set:N", alt.Tooltip("value:Q", format=".4f", title=title)],
        ).add_params(hover)
        return alt.layer(line, points).properties(height=220, width=330)

    spec = alt.hconcat(panel("loss", "loss"), panel("accuracy", "accuracy")).to_dict(validate=True)
    return _without_data(spec)


def _without_data(spec: object) -> object:
    """A spec with every data reference (Altair's placeholder "empty" dataset) taken out, so that its
    views read the data st.vega_lite_chart is given."""
    if isinstance(spec, dict):
        return {k: _without_data(v) for k, v in spec.items() if k not in ("data", "datasets")}
    if isinstance(spec, list):
        return [_without_data(v) for v in spec]
    return spec
