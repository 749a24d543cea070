"""Altair charts for the lessons (small mark counts only; heavy pictures are PNGs, see png.py)."""

from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from playground.render.colors import (
    CLASS_HEX,
    DISCRIMINATOR_HEX,
    GENERATOR_HEX,
    INK_HEX,
    MUTED_HEX,
    NEGATIVE_HEX,
    NEUTRAL_HEX,
    POSITIVE_HEX,
    RIGHT_HEX,
    TEST_OUTLINE_HEX,
    TRAIN_OUTLINE_HEX,
    WRONG_HEX,
)
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


def train_test_frame(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray,
                     class_names: tuple[str, ...] = ()) -> pd.DataFrame:
    """A dataset's training points, then its test points, as one table for data_scatter."""
    return pd.concat([points_frame(train_x, train_y, "train", class_names),
                      points_frame(test_x, test_y, "test", class_names)])


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
                "split:N", scale=alt.Scale(domain=["train", "test"], range=[TRAIN_OUTLINE_HEX, TEST_OUTLINE_HEX]), title="split"
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
    # the key above the panels: beside them it would run past the page's edge at 1280 pixels
    colour = alt.Color("set:N", scale=alt.Scale(domain=["training", "test"], range=[MUTED_HEX, POSITIVE_HEX]),
                       title=None, legend=alt.Legend(orient="top"))

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


# ------------------------------------------------------------------------------ adversarial examples


# each curve's colour is the network it measures, its dash the attack: one legend shows both
CURVE_COLOURS = {"your network": POSITIVE_HEX, "robust twin": RIGHT_HEX, "reference": MUTED_HEX}
CURVE_DASHES = {"fgsm": [1, 0], "pgd": [7, 4], "reference": [2, 3]}  # solid, dashed, dotted


def accuracy_curves(rows: list[dict]) -> alt.Chart:
    """Accuracy against ε, one line per curve (rows: curve, model, kind, eps, accuracy): coloured by the
    network measured (your network blue, the robust twin green, the reference grey) and dashed by the attack
    (FGSM solid, PGD dashed, the reference dotted). Colour and dash encode the curve alike, so Vega-Lite
    draws one legend whose marks show both."""
    frame = pd.DataFrame(rows)
    styles = frame.drop_duplicates("curve")
    names = list(styles["curve"])
    legend = alt.Legend(title=None, orient="bottom", direction="vertical", symbolType="stroke",
                        symbolStrokeWidth=2.5, symbolSize=500, labelLimit=400)
    colour = alt.Scale(domain=names, range=[CURVE_COLOURS.get(m, INK_HEX) for m in styles["model"]])
    dash = alt.Scale(domain=names, range=[CURVE_DASHES.get(k, [1, 0]) for k in styles["kind"]])
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("eps:Q", title="ε"), y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("curve:N", scale=colour, legend=legend),
        strokeDash=alt.StrokeDash("curve:N", scale=dash, legend=legend),
        tooltip=["curve", alt.Tooltip("eps:Q", format=".2f"), alt.Tooltip("accuracy:Q", format=".1%")],
    ).properties(height=320)


def crossed_by_distance(bands: list[str], points: list[int], crossed: list[int], eps: float) -> alt.LayerChart:
    """The 2D attack's evidence: for each band of distance to the boundary (nearest first), the share of its
    points that crossed at ε, as red bars (the crossed arrows' colour), each labelled "crossed of points"."""
    frame = pd.DataFrame({"distance": bands, "points": points, "crossed": crossed})
    frame["share"] = np.where(frame["points"] > 0, frame["crossed"] / frame["points"].clip(lower=1), 0.0)
    frame["count"] = [f"{c} of {n}" for c, n in zip(crossed, points, strict=True)]
    base = alt.Chart(frame).encode(
        x=alt.X("distance:N", sort=list(bands), title="distance to the boundary", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="crossed"),
        tooltip=["distance", "points", "crossed", alt.Tooltip("share:Q", format=".0%")],
    )
    bars = base.mark_bar(color=WRONG_HEX)
    counts = base.mark_text(dy=-7, color=INK_HEX, fontSize=11).encode(text="count:N")
    return (bars + counts).properties(height=220, title=f"Share of the points that crossed at ε = {eps:.2f}")


def accuracy_curve(curve: list[tuple[float, float]], title: str, height: int = 260) -> alt.Chart:
    """One accuracy-against-ε curve, [(ε, accuracy)]."""
    frame = pd.DataFrame(curve, columns=["eps", "accuracy"])
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("eps:Q", title="ε"), y=alt.Y("accuracy:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("eps:Q", format=".2f"), alt.Tooltip("accuracy:Q", format=".1%")],
    ).properties(height=height, title=title)


LINEAR_ATTACK_LINES = ("ε·sign(w), adversarial", "random ±ε")  # red, grey


def linear_attack_growth(dims: list[int], adversarial: list[float], random: list[float], eps: float) -> alt.Chart:
    """How far a change of at most ε per input moves a linear model's output, against the number of inputs:
    along sign(w) and at random (log-log)."""
    frame = pd.DataFrame(
        [{"dimensions": n, "change of the output": a, "perturbation": LINEAR_ATTACK_LINES[0]}
         for n, a in zip(dims, adversarial, strict=True)]
        + [{"dimensions": n, "change of the output": r, "perturbation": LINEAR_ATTACK_LINES[1]}
           for n, r in zip(dims, random, strict=True)]
    )
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("dimensions:Q", scale=alt.Scale(type="log")),
        y=alt.Y("change of the output:Q", scale=alt.Scale(type="log")),
        # the domain named: sorted by name, "random" would come first and take the adversarial red
        color=alt.Color("perturbation:N", scale=alt.Scale(domain=list(LINEAR_ATTACK_LINES),
                                                          range=[WRONG_HEX, MUTED_HEX]), title=None),
        tooltip=["dimensions", "perturbation", alt.Tooltip("change of the output:Q", format=".3f")],
    ).properties(height=300, title=f"A linear model, each input changed by at most ε = {eps}")


# ------------------------------------------------------------------------------------- embeddings

RIGHT_WRONG = ("right", "wrong")


def projection_colours(field: str, class_names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(domain, colours) of a projection coloured by `field`: "right" (right/wrong), or a class column."""
    if field == "right":
        return list(RIGHT_WRONG), [MUTED_HEX, WRONG_HEX]
    return list(class_names), list(CLASS_HEX[: len(class_names)])


def projection_scatter(frame: pd.DataFrame, field: str, legend_title: str | None, class_names: tuple[str, ...],
                       title: str = "", size: int = 520, selectable: bool = True,
                       fit_width: bool = False) -> alt.Chart:
    """Projected points (columns x, y, idx, label, read as, right, and optionally image: a digit's picture
    on hover) coloured by `field` (right/wrong needs no legend title); a click selects a point ("pick") when
    `selectable`. `size` pixels square, or with `fit_width` `size` high and as wide as its container (side by
    side, so that a row of panels never spills past the page). Charts smaller than 400 px have no legend (side
    by side, they share one key above them)."""
    domain, colours = projection_colours(field, class_names)
    legend = None if size < 400 else alt.Legend()
    colour = alt.Color(f"{field}:N", scale=alt.Scale(domain=domain, range=colours),
                       title=None if field == "right" else legend_title, legend=legend)
    tooltip = ["idx:Q", "label:N", "read as:N"] + (["image:N"] if "image" in frame.columns else [])
    chart = alt.Chart(frame).mark_circle(size=28, opacity=0.85).encode(
        x=alt.X("x:Q", axis=None), y=alt.Y("y:Q", axis=None), color=colour, tooltip=tooltip,
    ).properties(width="container" if fit_width else size, height=size, title=title)
    if selectable:
        chart = chart.add_params(alt.selection_point(name="pick", fields=["idx"], on="click"))
    return chart


# ------------------------------------------------------------------------------------ digit networks

CONFUSION_SELECTION = "cell"  # the confusion chart's click selection, by the name its event gives it


def confusion_chart(confusion: np.ndarray, class_names: tuple[str, ...]) -> alt.LayerChart:
    """A confusion matrix (true, predicted) as a heatmap of counts, true labels down and predictions across,
    each count written in its cell; a click selects a cell (read it back with chosen_cell)."""
    names = list(class_names)
    cells = pd.DataFrame([{"true": names[t], "predicted": names[p], "count": int(confusion[t, p]), "t": t, "p": p}
                          for t in range(len(names)) for p in range(len(names))])
    pick = alt.selection_point(name=CONFUSION_SELECTION, fields=["t", "p"], on="click")
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("predicted:N", sort=names, title="predicted"),
        y=alt.Y("true:N", sort=names, title="true label"),
        color=alt.Color("count:Q", scale=alt.Scale(scheme="blues", type="symlog"), legend=None),
        stroke=alt.condition(pick, alt.value(INK_HEX), alt.value(None)),
        tooltip=["true", "predicted", "count"],
    ).add_params(pick)
    text = alt.Chart(cells).mark_text(fontSize=11).encode(
        x=alt.X("predicted:N", sort=names), y=alt.Y("true:N", sort=names), text="count:Q",
        color=alt.condition("datum.count > 50", alt.value("white"), alt.value(INK_HEX)))
    return heat + text


def chosen_cell(selection: dict | None) -> tuple[int, int] | None:
    """The (true, predicted) cell of confusion_chart a learner clicked, from the chart's selection
    (st.altair_chart's event.selection); None before a click, or after one beside the cells."""
    points = (selection or {}).get(CONFUSION_SELECTION) or []
    point = points[0] if points else None
    if not isinstance(point, dict) or "t" not in point or "p" not in point:
        return None
    return int(point["t"]), int(point["p"])


def class_accuracy_chart(accuracy: np.ndarray, class_names: tuple[str, ...]) -> alt.Chart:
    """Accuracy per class as horizontal bars on a 0–100% axis (exactly: no bar runs past 100%), classes in
    their order, every class named (the axis would otherwise drop labels it finds too close together)."""
    names = list(class_names)
    frame = pd.DataFrame({"class": names, "accuracy": np.clip(np.asarray(accuracy, dtype=float), 0.0, 1.0)})
    return alt.Chart(frame).mark_bar(color=POSITIVE_HEX).encode(
        x=alt.X("accuracy:Q", scale=alt.Scale(domain=[0, 1], nice=False, clamp=True),
                axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0])),
        y=alt.Y("class:N", sort=names, title="class",
                axis=alt.Axis(labelOverlap=False, labelLimit=120, labelPadding=4)),
        tooltip=["class", alt.Tooltip("accuracy:Q", format=".1%")],
    ).properties(height=260)


# ------------------------------------------------------------------------------ explanations on the plane

# An arrow's verdict against the true rule (explanations.plane.VERDICTS) and its colour.
ATTRIBUTION_VERDICTS = ("agrees", "disagrees", "points backwards", "far from the boundary", "rule has no direction",
                        "no rule")
ATTRIBUTION_COLOURS = (RIGHT_HEX, WRONG_HEX, "#82071e", MUTED_HEX, MUTED_HEX, INK_HEX)


def attribution_field(arrows: pd.DataFrame, points: pd.DataFrame, background: str, class_names: tuple[str, ...],
                      title: str = "", size: int = 420) -> alt.LayerChart:
    """Arrows over a picture of the plane [-EXTENT, EXTENT]²: `background` (a PNG data URI, e.g. the decision
    map) stretched over the square, one arrow per row of `arrows` (x, y, angle in degrees clockwise from up,
    strength in [0, 1] for its length, verdict for its colour, cosine, dx, dy for the tooltip), and the data
    `points` (x, y, label: a class name, coloured as the data) as small dots on top."""
    axis = alt.Scale(domain=[-EXTENT, EXTENT], nice=False)
    present = set(arrows["verdict"]) if len(arrows) else set()
    shown = [(v, c) for v, c in zip(ATTRIBUTION_VERDICTS, ATTRIBUTION_COLOURS, strict=True) if v in present]
    picture = alt.Chart(pd.DataFrame({"url": [background], "x": [-EXTENT], "x2": [EXTENT], "y": [-EXTENT],
                                      "y2": [EXTENT]})).mark_image(aspect=False).encode(
        x=alt.X("x:Q", scale=axis, title="X₁"), x2="x2:Q", y=alt.Y("y:Q", scale=axis, title="X₂"), y2="y2:Q",
        url="url:N")
    dots = alt.Chart(points).mark_circle(size=14, opacity=0.8, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x:Q", scale=axis), y=alt.Y("y:Q", scale=axis),
        color=alt.Color("label:N", scale=class_colour_scale(class_names), title="class")
        if class_names else alt.value(INK_HEX),
        tooltip=["x:Q", "y:Q", "label:N"])
    shafts = alt.Chart(arrows).mark_point(shape="arrow", filled=True, opacity=0.9).encode(
        x=alt.X("x:Q", scale=axis), y=alt.Y("y:Q", scale=axis),
        angle=alt.Angle("angle:Q", scale=alt.Scale(domain=[0, 360], range=[0, 360])),
        size=alt.Size("strength:Q", scale=alt.Scale(domain=[0, 1], range=[40, 700]), legend=None),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=[v for v, _ in shown], range=[c for _, c in shown]),
                        title="arrow"),
        tooltip=[alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f"), "verdict:N",
                 alt.Tooltip("cosine:Q", format=".2f", title="cos with the rule"),
                 alt.Tooltip("dx:Q", format=".3g", title="x counted"),
                 alt.Tooltip("dy:Q", format=".3g", title="y counted")])
    return alt.layer(picture, shafts, dots).resolve_scale(color="independent").properties(
        width=size, height=size, title=title)


# ------------------------------------------------------------------------------------- explanations

EXPLANATION_BASELINE = "Random"  # the random order's name in the deletion and insertion curves (dashed, grey)
# a method's line colour: the class colours in order without their grey, which is the random baseline's
METHOD_HEX = CLASS_HEX[:8] + CLASS_HEX[9:]


def method_colours(methods: list[str], baseline: str = EXPLANATION_BASELINE) -> list[str]:
    """One colour per method in order (the baseline grey), the same for a method wherever it is drawn."""
    colours, k = [], 0
    for m in methods:
        if m == baseline:
            colours.append(MUTED_HEX)
        else:
            colours.append(METHOD_HEX[k % len(METHOD_HEX)])
            k += 1
    return colours


def similarity_per_layer(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The cascading randomisation test as two panels, Spearman and SSIM with the original map against the
    layers randomised from the top (columns method, step, layer, measure "Spearman"/"SSIM", value; as
    explanations.sanity.similarity_rows gives), one line per method. (data, spec) for st.vega_lite_chart;
    the spec names the methods, never the numbers."""
    data = frame[["method", "step", "layer", "measure", "value"]]
    return data, copy.deepcopy(_similarity_spec(tuple(dict.fromkeys(data["method"]))))


@lru_cache(maxsize=16)
def _similarity_spec(methods: tuple[str, ...]) -> dict:
    colour = alt.Color("method:N", scale=alt.Scale(domain=list(methods), range=method_colours(list(methods))),
                       title=None, legend=alt.Legend(orient="top", columns=4, labelLimit=180))

    def panel(measure: str, title: str) -> alt.LayerChart:
        base = alt.Chart().transform_filter(alt.datum.measure == measure).encode(
            x=alt.X("layer:N", sort=alt.EncodingSortField(field="step", op="min"),
                    title="randomised from the top down to", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=title, scale=alt.Scale(domainMax=1, zero=True)),
            color=colour,
            tooltip=["method:N", alt.Tooltip("layer:N", title="randomised down to"),
                     alt.Tooltip("value:Q", format=".3f", title=measure)],
        )
        return alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40)).properties(
            height=220, width=300)

    spec = alt.hconcat(panel("Spearman", "Spearman rank correlation"),
                       panel("SSIM", "SSIM")).to_dict(validate=True)
    return _without_data(spec)


def deletion_insertion_curves(frame: pd.DataFrame, baseline: str = EXPLANATION_BASELINE) -> tuple[pd.DataFrame, dict]:
    """Deletion and insertion curves side by side: the class's probability against the share of pixels
    removed (or inserted onto black) in each method's order (columns method, mode "deletion"/"insertion",
    share 0…1, probability; as explanations.faithfulness.digit_curves gives), one line per method, the
    `baseline` (the random order) grey and dashed. (data, spec) for st.vega_lite_chart; the spec names the
    methods, never the numbers."""
    data = frame[["method", "mode", "share", "probability"]]
    return data, copy.deepcopy(_curves_spec(tuple(dict.fromkeys(data["method"])), baseline))


@lru_cache(maxsize=16)
def _curves_spec(methods: tuple[str, ...], baseline: str) -> dict:
    names = list(methods)
    legend = alt.Legend(orient="top", columns=4, symbolType="stroke", symbolStrokeWidth=2.5, labelLimit=180)
    colour = alt.Color("method:N", scale=alt.Scale(domain=names, range=method_colours(names, baseline)),
                       title=None, legend=legend)
    dash = alt.StrokeDash("method:N", title=None, legend=legend, scale=alt.Scale(
        domain=names, range=[[6, 4] if m == baseline else [1, 0] for m in names]))

    def panel(mode: str, title: str, x_title: str) -> alt.Chart:
        return alt.Chart().transform_filter(alt.datum.mode == mode).mark_line(strokeWidth=2).encode(
            x=alt.X("share:Q", title=x_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("probability:Q", title="probability of the class", scale=alt.Scale(domain=[0, 1])),
            color=colour, strokeDash=dash,
            tooltip=["method:N", alt.Tooltip("share:Q", format=".0%", title="pixels"),
                     alt.Tooltip("probability:Q", format=".3f")],
        ).properties(height=220, width=300, title=title)

    spec = alt.hconcat(
        panel("deletion", "Deletion: most important pixels set to black first", "pixels removed"),
        panel("insertion", "Insertion: most important pixels put on black first", "pixels inserted"),
    ).to_dict(validate=True)
    return _without_data(spec)


# ------------------------------------------------------------------------------------------- GANs

GAN_LOSS_LINES = {"d_loss": "discriminator", "g_loss": "generator"}
GAN_DIVERGENCES = {"kl": "KL(real ‖ generated)", "js": "JS divergence"}
_ITERATION_AXIS = alt.Axis(format="d", tickMinStep=1, title="iteration")


def _history_frame(history: list[dict], columns: dict[str, str], name: str) -> pd.DataFrame:
    """History rows {"iteration", "d_loss", "g_loss", "kl", "js"} -> a long table (iteration, `name`, value),
    leaving out values that are missing or not finite (a diverged run)."""
    rows = [{"iteration": int(r["iteration"]), name: label, "value": float(r[key])}
            for r in history for key, label in columns.items()
            if r.get(key) is not None and np.isfinite(float(r[key]))]
    return pd.DataFrame(rows, columns=["iteration", name, "value"])


def gan_losses(history: list[dict], height: int = 160, width: int | None = None) -> alt.VConcatChart:
    """The discriminator's and the generator's losses over the iterations (GAN Lab's blue and purple). One
    panel in a concat, as gan_divergences: Streamlit fits a single view's height around its title and legend
    and squeezes the plot, while a concat's panel keeps `height`."""
    frame = _history_frame(history, GAN_LOSS_LINES, "network")
    names = list(GAN_LOSS_LINES.values())
    panel = alt.Chart(frame).mark_line(strokeWidth=2).encode(
        x=alt.X("iteration:Q", axis=_ITERATION_AXIS),
        y=alt.Y("value:Q", title="loss", scale=alt.Scale(zero=False)),
        color=alt.Color("network:N", scale=alt.Scale(domain=names, range=[DISCRIMINATOR_HEX, GENERATOR_HEX]),
                        title=None, legend=alt.Legend(orient="top")),
        tooltip=["iteration:Q", "network:N", alt.Tooltip("value:Q", format=".4f", title="loss")],
    ).properties(height=height, **({} if width is None else {"width": width}))
    return alt.vconcat(panel)


def gan_divergences(history: list[dict], floor: float | dict[str, float] | None = None,
                    height: int = 130, width: int | None = None) -> alt.VConcatChart:
    """KL and JS divergence (bits) between the real and the generated densities on the grid, one panel each
    (KL runs far higher than JS); `floor` (a number for JS, or {"kl": …, "js": …}) is what a perfect generator
    scores with these samples, drawn as a dashed rule."""
    frame = _history_frame(history, GAN_DIVERGENCES, "divergence")
    floors = floor if isinstance(floor, dict) else ({} if floor is None else {"js": float(floor)})
    colours = {"kl": NEGATIVE_HEX, "js": INK_HEX}
    panels = []
    for key, label in GAN_DIVERGENCES.items():
        part = frame[frame["divergence"] == label]
        line = alt.Chart(part).mark_line(strokeWidth=2, color=colours[key]).encode(
            x=alt.X("iteration:Q", axis=_ITERATION_AXIS),
            y=alt.Y("value:Q", title="bits", scale=alt.Scale(zero=True)),
            tooltip=["iteration:Q", alt.Tooltip("value:Q", format=".4f", title=label)],
        )
        layers: list[alt.Chart] = [line]
        if key in floors and np.isfinite(floors[key]):
            rule = pd.DataFrame({"value": [floors[key]], "text": [f"a perfect generator ≈ {floors[key]:.3f}"]})
            base = alt.Chart(rule).encode(y="value:Q")
            layers.append(base.mark_rule(color=MUTED_HEX, strokeDash=[5, 4]))
            layers.append(base.mark_text(align="left", dx=4, dy=-6, x=0, color=MUTED_HEX, fontSize=11).encode(
                text="text:N"))
        panels.append(alt.layer(*layers).properties(height=height, title=label,
                                                    **({} if width is None else {"width": width})))
    return alt.vconcat(*panels)


VAE_TERMS = {"reconstruction": "reconstruction", "kl": "KL term"}


def vae_curves(curves: list[dict], height: int = 120, width: int = 300) -> alt.VConcatChart:
    """A VAE's (or autoencoder's) loss while it trains, its two terms in their own panels (the KL term is tens
    of times smaller), training and test lines (rows {"epoch", "set", "reconstruction", "kl", "total"})."""
    rows = [{"epoch": float(r["epoch"]), "set": r["set"], "term": label, "value": float(r[key])}
            for r in curves for key, label in VAE_TERMS.items()
            if r.get(key) is not None and np.isfinite(float(r[key]))]
    frame = pd.DataFrame(rows, columns=["epoch", "set", "term", "value"])
    panels = []
    for label in VAE_TERMS.values():
        panels.append(alt.Chart(frame[frame["term"] == label]).mark_line(strokeWidth=2).encode(
            x=alt.X("epoch:Q", title="epoch", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title="per digit", scale=alt.Scale(zero=False)),
            strokeDash=alt.StrokeDash("set:N", title=None, sort=["train", "test"], legend=alt.Legend(orient="top")),
            color=alt.value(INK_HEX if label == "reconstruction" else NEGATIVE_HEX),
            tooltip=["epoch:Q", "set:N", alt.Tooltip("value:Q", format=".2f", title=label)],
        ).properties(height=height, width=width, title=label))
    return alt.vconcat(*panels)
