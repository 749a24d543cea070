"""Altair charts for the lessons (small mark counts only; heavy pictures are PNGs, see png.py)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.colors import CLASS_HEX, NEGATIVE_HEX, NEUTRAL_HEX, POSITIVE_HEX
from playground.point_pictures import EXTENT


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
