"""Ground truth on 2D data: the learner's Playground network explained where the true rule is known.

On a digit nobody knows which pixels *should* matter; on the Playground's toy datasets we do, because we wrote
the rule that labels the points. The circle's label depends only on the distance from the centre, so the way
to make a point "more blue" fastest is straight towards the centre; XOR's label is the sign of x·y, whose
gradient at (x, y) is (y, x). This module explains the learner's Playground network at points of the plane with
the gradient methods of `methods.py` and measures how well each explanation points the way the rule does.

**The network as a PyTorch module.** `PlaneNet` takes the raw point (x, y), computes the enabled input features
inside (x, y, x², y², xy, sin x, sin y, in TF's order) and runs the network, so attributions come out with
respect to (x, y), the coordinates the learner sees, whatever features are on. It returns the output layer's
value *before* the output's squashing (tanh, or the sigmoid of cross-entropy): that value has the same sign
and the same level lines as the picture, hence the same gradient direction, and it does not flatten to an
exact zero gradient far from the boundary. For two classes the explained score grows towards class 1 (TF's
+1, blue); for a regression network it is the predicted value; with several classes it is one class's logit.

**What "agrees" means.** At a point we compare the method's attribution vector a = (how much x counted, how
much y counted) with the gradient g of the rule's score (a score that grows towards class 1 and is zero on the
rule's boundary). The agreement is the cosine of the angle between them, cos = a·g / (|a| |g|), from −1 to 1.
Only directions are compared: sizes depend on the score chosen, directions at the boundary do not. It is
*sign-aware*: an arrow pointing exactly backwards (cos = −1) claims that moving that way makes the point more
blue when the rule says it makes it less blue, which is the opposite of agreeing, not agreement.

- **agrees**: cos ≥ 0.9 (AGREE_COSINE): the arrow is within about 26° of the rule's direction, the same way;
- **disagrees**: −0.9 < cos < 0.9: the arrow points somewhere else (e.g. along the boundary instead of across);
- **points backwards**: cos ≤ −0.9: the arrow points against the rule;
- **no arrow**: the attribution is exactly zero (e.g. under dead ReLUs), so it points nowhere;
- **far from the boundary**: no verdict, see below; nor where the rule has no direction (XOR's origin).

**Why only near the boundary.** The labels fix the rule's boundary, and so, at the boundary, the direction in
which the class changes fastest: across it, the same for every score that has that boundary. Away from it
every label around a point is the same, so nothing in the data says which way the score should grow there: a
network that learned sign(x)·sign(y)·min(|x|, |y|) instead of x·y is just as right about XOR, and its arrows
far from the axes point elsewhere. So verdicts are given within BOUNDARY_BAND of the rule's boundary, and the
headline share is measured at the data points there. (A regression rule such as the plane's is the value
itself, which fixes the direction everywhere.)

**Which methods should agree.** Saliency and SmoothGrad *are* (averaged) gradients: they answer the rule's
question, which way the score grows, and on a network that learned the rule they agree near the boundary.
Gradient × input, Integrated Gradients and DeepLift answer another question: how much each coordinate
contributed to the change of the output from a baseline (the origin here) to the point. They need not point
across the boundary (gradient × input multiplies each component by its coordinate: on the circle, where the
gradient points to the centre, x·∂f/∂x and y·∂f/∂y are both negative, so its arrows mostly point to the lower
left); their disagreement shows what that other question's answer looks like. Guided backprop drops negative
gradients at ReLUs, so on a ReLU network its arrows stop following the network (on tanh it is saliency).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from playground.engine2d.activations import LEAKY_SLOPE
from playground.engine2d.features import LABELS as FEATURE_LABELS
from playground.engine2d.features import ordered
from playground.engine2d.network import Network2D
from playground.explanations.methods import VECTOR_METHODS, Method, Settings, attribute_many
from playground.render import charts
from playground.render.png import data_uri, encode_png
from playground.render.points import EXTENT
from playground.tfplayground.frames import DENSITY, grid_features, output_rgb
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings
from playground.torch_runtime import torch

nn = torch.nn

PLANE_METHODS: tuple[Method, ...] = VECTOR_METHODS  # the gradient methods that work on any (n, d) input
AGREE_COSINE = 0.9  # cos ≥ 0.9: within ~26° of the rule's direction
GRID = 15  # arrows per side of the field
MAX_GRID = 40
BOUNDARY_BAND = 1.0  # verdicts within this distance (plane units) of the rule's boundary
AGREES, DISAGREES, BACKWARDS = "agrees", "disagrees", "points backwards"
FAR, NO_DIRECTION = "far from the boundary", "rule has no direction"
NO_ARROW, NO_RULE = "no arrow", "no rule"
VERDICTS: tuple[str, ...] = (AGREES, DISAGREES, BACKWARDS, FAR, NO_DIRECTION, NO_ARROW, NO_RULE)
_TINY = 1e-12  # an attribution shorter than this points nowhere

# ------------------------------------------------------------------------------------------------ the network

# One module per activation, so DeepLift (Captum) finds the nonlinearities it has rules for: ReLU, ELU, Leaky
# ReLU, sigmoid, tanh and softplus. SiLU has none: DeepLift treats it (and the features) by its gradient.
_ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity, "elu": nn.ELU,
    "leakyrelu": lambda: nn.LeakyReLU(LEAKY_SLOPE), "silu": nn.SiLU, "softplus": nn.Softplus,
}


class PlaneFeatures(nn.Module):
    """(n, 2) points -> (n, k) the enabled input features, in TF's order (as engine2d.features)."""

    def __init__(self, features: tuple[str, ...] | list[str]) -> None:
        super().__init__()
        self.names = ordered(features)

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        x, y = points[:, 0], points[:, 1]
        columns = {"x": lambda: x, "y": lambda: y, "xSquared": lambda: x * x, "ySquared": lambda: y * y,
                   "xTimesY": lambda: x * y, "sinX": lambda: torch.sin(x), "sinY": lambda: torch.sin(y)}
        if not self.names:
            return points[:, :0] * 0.0
        return torch.stack([columns[name]() for name in self.names], dim=1)


class PlaneNet(nn.Module):
    """The learner's Playground network as a PyTorch module (float64) over the raw point (x, y).

    forward((n, 2) points) -> (n, outputs): the output layer's value before its squashing (see the module's
    text); `shown` gives what the Playground's picture shows (the engine's display_output)."""

    def __init__(self, net: Network2D, features: tuple[str, ...] | list[str]) -> None:
        super().__init__()
        names = ordered(features)
        if len(names) != net.n_inputs:
            raise ValueError(f"the network has {net.n_inputs} inputs but {len(names)} features are on")
        self.features = PlaneFeatures(names)
        self.head = net.head
        self.hidden_layers = len(net.hidden)
        layers: list[nn.Module] = []
        for layer in range(net.n_layers):
            n_in, n_out = int(net.sizes[layer]), int(net.sizes[layer + 1])
            linear = nn.Linear(n_in, n_out, dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(net.weights(layer).copy()))
                linear.bias.copy_(torch.from_numpy(net.biases(layer).copy()))
            layers.append(linear)
            if layer < len(net.hidden):
                layers.append(_ACTIVATION_MODULES[net.activations[layer]]())
        self.layers = nn.Sequential(*layers)
        self.requires_grad_(False)  # an explanation never trains it
        self.eval()

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.layers(self.features(points.to(torch.float64)))  # float32 points are computed in float64

    @torch.no_grad()
    def shown(self, points: torch.Tensor) -> torch.Tensor:
        """What the picture shows: tanh of the output (TF's head), 2·sigmoid − 1 of a logit, class
        probabilities (n, k) for softmax, the value for regression; (n,) except softmax."""
        z = self(points)
        if self.head == "softmax-cross-entropy":
            return torch.softmax(z, dim=1)
        if self.head == "tanh-squared":
            return torch.tanh(z[:, 0])
        if self.head == "sigmoid-cross-entropy":
            return torch.tanh(z[:, 0] / 2.0)
        return z[:, 0]


def plane_net(run: PlaygroundRun) -> PlaneNet:
    """The run's network now (a copy of its weights: training on does not change it)."""
    return PlaneNet(run.network, run.features)


# ------------------------------------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class Rule:
    """A dataset's true rule: a score that grows towards class 1 (blue, TF's +1) or the larger value, zero on the
    boundary; its gradient; and each point's distance to the boundary, near which the rule fixes the direction
    (0 everywhere for a regression rule, which fixes it everywhere)."""

    dataset: str
    text: str  # the rule in a sentence, for the page
    score: Callable[[np.ndarray], np.ndarray]  # (n, 2) -> (n,)
    gradient: Callable[[np.ndarray], np.ndarray]  # (n, 2) -> (n, 2)
    boundary_distance: Callable[[np.ndarray], np.ndarray]  # (n, 2) -> (n,)


CIRCLE_RADIUS = 3.0  # the circle's blue disc ends at 2.5, the orange ring starts at 3.5: the boundary between


def _radius(p: np.ndarray) -> np.ndarray:
    return np.hypot(p[:, 0], p[:, 1])


def _circle_gradient(p: np.ndarray) -> np.ndarray:
    r = _radius(p)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = -p / r[:, None]  # the score 3 − r grows straight towards the centre
    g[r == 0] = np.nan  # no direction at the centre
    return g


def _xor_gradient(p: np.ndarray) -> np.ndarray:
    g = np.stack([p[:, 1], p[:, 0]], axis=1)  # ∇(x·y) = (y, x)
    g[(p[:, 0] == 0) & (p[:, 1] == 0)] = np.nan
    return g


def _diagonal_gradient(p: np.ndarray) -> np.ndarray:
    return np.tile(np.array([1.0, 1.0]) / np.sqrt(2.0), (p.shape[0], 1))


RULES: dict[str, Rule] = {
    "circle": Rule(
        "circle", f"Blue inside the circle of radius {CIRCLE_RADIUS:g} around the centre, orange outside: the label "
        "depends only on the distance from the centre, so the rule's arrows point straight at the centre.",
        lambda p: CIRCLE_RADIUS - _radius(p), _circle_gradient, lambda p: np.abs(_radius(p) - CIRCLE_RADIUS)),
    "xor": Rule(
        "xor", "Blue where x and y have the same sign, orange where they differ: the sign of x·y, whose "
        "gradient at (x, y) is (y, x).",
        lambda p: p[:, 0] * p[:, 1], _xor_gradient, lambda p: np.minimum(np.abs(p[:, 0]), np.abs(p[:, 1]))),
    "gauss": Rule(
        "gauss", "Two equal round clouds around (2, 2) (blue) and (−2, −2) (orange): the best rule there can be "
        "is the line x + y = 0, so its arrows all point along (1, 1).",
        lambda p: p[:, 0] + p[:, 1], _diagonal_gradient, lambda p: np.abs(p[:, 0] + p[:, 1]) / np.sqrt(2.0)),
    "reg-plane": Rule(
        "reg-plane", "The value grows with x + y, at the same rate everywhere: the rule's arrows all point "
        "along (1, 1).",
        lambda p: p[:, 0] + p[:, 1], _diagonal_gradient, lambda p: np.zeros(p.shape[0])),
}
NO_RULE_REASONS: dict[str, str] = {
    "spiral": "The spiral's label says which of two arms a point lies on; there is no simple score to compare "
              "the arrows with.",
    "reg-gauss": "The bumps' value is made of six separate hills; there is no one direction to compare with.",
    "spiral3": "With several classes the arrows explain one class's score; the spirals have no simple rule.",
    "blobs": "With several classes the arrows explain one class's score; the blobs have no simple rule.",
}


def rule_of(run: PlaygroundRun) -> tuple[Rule | None, str]:
    """The run's dataset's true rule, or None; and a sentence for the page (why there is none, or a caveat)."""
    if run.uploaded is not None or run.base.name == "upload":
        return None, "Your own data has no known rule: the arrows show the explanation, with nothing to check it."
    if run.points_cleared:
        return None, "You drew these points yourself, so there is no known rule to check the arrows against."
    name = run.base.name
    rule = RULES.get(name)
    if rule is None:
        return None, NO_RULE_REASONS.get(name, f"The {name} dataset has no known rule to compare with.")
    notes = []
    if run.added.xy:
        notes.append("The rule is the dataset's; the points you added may not follow it.")
    if run.settings.noise and run.problem == "classification":
        notes.append("With noise some labels break the rule; the rule itself is unchanged.")
    return rule, " ".join(notes)


TRAINED_HERE = ("circle", "xor")  # the datasets the page trains a network on when the learner has none
TRAINED_EPOCHS = 300


def trained_run(dataset: str) -> PlaygroundRun:
    """The network the page explains when the learner brings none: TF Playground's default network (4-2,
    tanh) trained here on the circle or XOR for 300 epochs, seeded (about 99% test accuracy on both)."""
    if dataset not in TRAINED_HERE:
        raise ValueError(f"the page trains on {', '.join(TRAINED_HERE)}, not {dataset!r}")
    run = PlaygroundRun(PlaygroundSettings(dataset=dataset))
    run.train(TRAINED_EPOCHS, loss_every_epoch=False)
    return run


# ------------------------------------------------------------------------------------------------ attributions


class _PictureInput(nn.Module):
    """The model on (x, y, −EXTENT, +EXTENT): two fixed coordinates it ignores, so that what methods.py measures
    on "the input's range" (SmoothGrad's noise σ = a share of it, the "noise" baseline drawn within it) is the
    picture's width, 2·EXTENT, at every point of the picture, not the gap between one point's x and y. Their
    attributions are zero for every gradient method (the output does not depend on them) and are dropped."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, padded: torch.Tensor) -> torch.Tensor:
        return self.model(padded[:, :2])


def attribute_points(model: nn.Module, points: np.ndarray, method: Method, settings: Settings = Settings(),
                     target: int = 0) -> np.ndarray:
    """(n, 2) attributions of output `target` w.r.t. (x, y), one per point, in one batch
    (methods.attribute_many). IG's and DeepLift's baseline is the origin ("black" and "blur" alike) or, for
    "noise", a seeded random point of the picture; SmoothGrad's σ is `smooth_noise` × the picture's width."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if points.shape[0] == 0:
        return np.zeros((0, 2))
    padded = np.concatenate([points, np.tile([-EXTENT, EXTENT], (points.shape[0], 1))], axis=1)
    maps = attribute_many(_PictureInput(model), torch.from_numpy(padded), target, method, settings)
    return np.asarray(maps, dtype=np.float64)[:, :2]


def cosines(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(n,) cosine of the angle between each attribution and the rule's direction; NaN where either has no
    direction (a zero or NaN vector)."""
    a = np.asarray(vectors, dtype=np.float64).reshape(-1, 2)
    g = np.asarray(reference, dtype=np.float64).reshape(-1, 2)
    na, ng = np.linalg.norm(a, axis=1), np.linalg.norm(g, axis=1)
    ok = (na > _TINY) & (ng > _TINY) & np.isfinite(na) & np.isfinite(ng)
    out = np.full(a.shape[0], np.nan)
    out[ok] = np.clip(np.einsum("nc,nc->n", a[ok], g[ok]) / (na[ok] * ng[ok]), -1.0, 1.0)
    return out


def verdicts(vectors: np.ndarray, cosine: np.ndarray | None, near: np.ndarray | None = None) -> np.ndarray:
    """Each arrow's verdict (VERDICTS): agrees, disagrees or points backwards where `near` (the rule's boundary;
    None: everywhere), far from the boundary elsewhere; the rule has no direction here (a NaN cosine); no arrow
    for a zero attribution; no rule (`cosine` None) where the dataset has none."""
    lengths = np.linalg.norm(np.asarray(vectors, dtype=np.float64).reshape(-1, 2), axis=1)
    out = np.full(lengths.shape[0], NO_RULE, dtype=object)
    if cosine is not None:
        out[:] = NO_DIRECTION
        out[cosine >= AGREE_COSINE] = AGREES
        out[(cosine > -AGREE_COSINE) & (cosine < AGREE_COSINE)] = DISAGREES
        out[cosine <= -AGREE_COSINE] = BACKWARDS
        if near is not None:
            out[~np.asarray(near, dtype=bool) & (out != NO_DIRECTION)] = FAR
    out[~(lengths > _TINY)] = NO_ARROW
    return out


def agreeing_share(cosine: np.ndarray) -> float:
    """The share of arrows that agree (cos ≥ AGREE_COSINE); an undefined cosine (a zero arrow) counts as not
    agreeing. NaN for no arrows."""
    cosine = np.asarray(cosine, dtype=np.float64)
    return float(np.mean(np.nan_to_num(cosine, nan=-2.0) >= AGREE_COSINE)) if cosine.size else float("nan")


# ------------------------------------------------------------------------------------------------ one field


def grid_points(n: int = GRID) -> np.ndarray:
    """(n², 2) centres of an n×n grid over the picture, row by row from the top, left to right."""
    n = int(min(max(2, n), MAX_GRID))
    step = 2 * EXTENT / n
    axis = -EXTENT + step * (np.arange(n) + 0.5)
    xs, ys = np.meshgrid(axis, axis[::-1])
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


@dataclass
class PlaneField:
    """One method's attributions over the plane: at a grid's points (the arrows), then at the data's points
    (where agreement is measured), with the rule's direction and the agreement where the rule is known."""

    method: Method
    points: np.ndarray  # (n, 2): the grid's points, then the data's
    on_grid: np.ndarray  # (n,) bool
    labels: np.ndarray  # (n,) the data points' labels (-1 on the grid)
    vectors: np.ndarray  # (n, 2) the attribution: (how much x counted, how much y counted)
    rule: Rule | None
    rule_gradient: np.ndarray | None  # (n, 2), NaN where the rule has no direction
    cosine: np.ndarray | None  # (n,) agreement, NaN where undefined
    near: np.ndarray | None  # (n,) bool: within BOUNDARY_BAND of the rule's boundary
    target: int  # the output explained
    note: str = ""  # anything the page should say (no rule, no hidden layer, a method that does not apply)

    @property
    def verdicts(self) -> np.ndarray:
        return verdicts(self.vectors, self.cosine, self.near)

    def counted(self, where: str = "data", near: bool = True) -> np.ndarray:
        """(n,) bool: the points a share counts: at the data ("data") or on the grid ("grid"), near the rule's
        boundary (or anywhere), where the rule has a direction. All False without a rule."""
        if self.cosine is None or self.rule_gradient is None or self.near is None:
            return np.zeros(self.points.shape[0], dtype=bool)
        mask = (self.on_grid if where == "grid" else ~self.on_grid) & np.isfinite(self.rule_gradient).all(axis=1)
        return mask & self.near if near else mask

    def share(self, where: str = "data", near: bool = True) -> float | None:
        """The share of agreeing arrows (cos ≥ AGREE_COSINE; a zero arrow does not agree) among the points
        counted (see `counted`): by default at the data points near the rule's boundary. None without a rule
        or without such points."""
        mask = self.counted(where, near)
        return agreeing_share(self.cosine[mask]) if mask.any() else None

    def backwards_share(self, where: str = "data", near: bool = True) -> float | None:
        """The share of arrows that point backwards (cos ≤ −AGREE_COSINE) among the points counted."""
        mask = self.counted(where, near)
        return float(np.mean(np.nan_to_num(self.cosine[mask], nan=0.0) <= -AGREE_COSINE)) if mask.any() else None


def _network_note(net: Network2D, features: tuple[str, ...]) -> str:
    if not features:
        return "The network has no input features switched on: it gives every point the same answer."
    if not net.hidden:
        names = ", ".join(FEATURE_LABELS[f] for f in features)
        linear = set(features) <= {"x", "y"}
        return ("This network has no hidden layer: its output is a weighted sum of its features (" + names + ")"
                + (", a straight line's worth of answer, so every arrow points the same way." if linear else "."))
    return ""


def explain_plane(run: PlaygroundRun, method: Method, settings: Settings = Settings(), grid: int = GRID,
                  target: int | None = None, data: str = "all") -> PlaneField:
    """`method`'s attributions over the plane for the run's network, at a grid×grid grid of points and at the
    data's points (`data`: "all", "train", "test" or "none"), compared with the dataset's rule if it has one.

    `target`: the output explained; None = the only output (two classes: towards blue; regression), or class
    1 with several classes. Never raises for a learner's choice: a method that does not work on the plane, a
    network without features or hidden layer, or a dataset without a rule give a field with a `note`."""
    net, features = run.network, run.features
    if data == "train":
        dx, dy = run.train_x, run.train_y
    elif data == "test":
        dx, dy = run.test_x, run.test_y
    elif data == "none":
        dx, dy = np.zeros((0, 2)), np.zeros(0)
    else:
        dx, dy = np.concatenate([run.train_x, run.test_x]), np.concatenate([run.train_y, run.test_y])
    g = grid_points(grid)
    points = np.concatenate([g, np.asarray(dx, dtype=np.float64).reshape(-1, 2)])
    on_grid = np.arange(points.shape[0]) < g.shape[0]
    labels = np.concatenate([np.full(g.shape[0], -1.0), np.asarray(dy, dtype=np.float64)])
    n_out = int(net.sizes[-1])
    chosen = (1 if n_out > 1 else 0) if target is None else int(target)
    notes = [_network_note(net, features)]
    if not 0 <= chosen < n_out:
        notes.append(f"The network has {n_out} output{'s' if n_out > 1 else ''}; output {chosen} does not exist, "
                     f"so output {min(max(chosen, 0), n_out - 1)} is explained.")
        chosen = min(max(chosen, 0), n_out - 1)
    if method not in PLANE_METHODS:
        notes.append(f"{method} does not work on a point of the plane; choose one of "
                     + ", ".join(str(m) for m in PLANE_METHODS) + ".")
        vectors = np.zeros_like(points)
    elif not features:
        vectors = np.zeros_like(points)
    else:
        vectors = attribute_points(plane_net(run), points, method, settings, chosen)
        if not np.any(np.abs(vectors) > _TINY):
            notes.append("Every attribution is zero: this network's output is the same at every point "
                         "(untrained from all-zero weights, say), so its arrows point nowhere.")
    rule, rule_note = rule_of(run)
    if rule is not None and n_out > 1:
        rule, rule_note = None, "With several classes the arrows explain one class's score; there is no rule to compare."
    notes.append(rule_note)
    gradient = rule.gradient(points) if rule is not None else None
    cosine = cosines(vectors, gradient) if gradient is not None else None
    near = rule.boundary_distance(points) <= BOUNDARY_BAND if rule is not None else None
    return PlaneField(method=method, points=points, on_grid=on_grid, labels=labels, vectors=vectors, rule=rule,
                      rule_gradient=gradient, cosine=cosine, near=near, target=chosen,
                      note=" ".join(n for n in notes if n))


def explain_plane_all(run: PlaygroundRun, methods: tuple[Method, ...] = PLANE_METHODS,
                      settings: Settings = Settings(), grid: int = GRID, target: int | None = None,
                      data: str = "all") -> list[PlaneField]:
    """explain_plane for each method (the table's rows)."""
    return [explain_plane(run, m, settings, grid, target, data) for m in methods]


TABLE_COLUMNS = ("method", "agree near the boundary", "points near the boundary", "agree at all data points",
                 "point backwards near the boundary")


def agreement_table(fields: list[PlaneField]) -> pd.DataFrame:
    """Per method: the share of arrows that agree with the rule at the data points near its boundary (the
    headline), how many points that is, the share at all data points, and the share near the boundary that
    points backwards. Shares are None without a rule (or without points to count)."""
    rows = []
    for f in fields:
        rows.append(dict(zip(TABLE_COLUMNS, (
            str(f.method), f.share("data"), int(f.counted("data").sum()), f.share("data", near=False),
            f.backwards_share("data")), strict=True)))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


# ------------------------------------------------------------------------------------------------ the chart


def decision_map_uri(run: PlaygroundRun, lighten: float = 0.63) -> str:
    """The network's output over the plane as the Playground draws it (frames.output_rgb on its 100×100
    grid), lightened towards white so arrows stand out, as a PNG data URI."""
    net = run.network
    rgb = output_rgb(net, net.node_outputs(grid_features(run.features)), discretize=False)
    rgb = np.rint(255 - (255 - rgb.reshape(DENSITY, DENSITY, 3).astype(np.float64)) * lighten).astype(np.uint8)
    return data_uri(encode_png(rgb))


def field_frames(field: PlaneField, class_names: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(arrows, points) tables for charts.attribution_field: the grid's arrows (x, y, angle in degrees
    clockwise from up, strength in [0, 1] relative to the longest arrow, verdict, cosine, dx, dy) and the data
    points (x, y, label)."""
    grid = field.on_grid
    v = field.vectors[grid]
    length = np.linalg.norm(v, axis=1)
    longest = float(np.nanmax(length)) if length.size and np.isfinite(length).any() else 0.0
    strength = np.where(np.isfinite(length), length / longest, 0.0) if longest > 0 else np.zeros_like(length)
    angle = np.degrees(np.arctan2(v[:, 0], v[:, 1])) % 360.0  # Vega's arrow points up; angle turns it clockwise
    cosine = field.cosine[grid] if field.cosine is not None else np.full(v.shape[0], np.nan)
    arrows = pd.DataFrame({"x": field.points[grid, 0], "y": field.points[grid, 1], "angle": angle,
                           "strength": strength, "verdict": field.verdicts[grid], "cosine": cosine,
                           "dx": v[:, 0], "dy": v[:, 1]})
    arrows = arrows[arrows["verdict"] != NO_ARROW].reset_index(drop=True)
    labels = field.labels[~grid]
    if labels.size and np.all(labels == np.round(labels)) and class_names:
        names = [class_names[int(i)] if 0 <= int(i) < len(class_names) else str(int(i)) for i in labels]
    else:
        names = [f"{v:.2f}" for v in labels]
    points = pd.DataFrame({"x": field.points[~grid, 0], "y": field.points[~grid, 1], "label": names})
    return arrows, points


def field_chart(run: PlaygroundRun, field: PlaneField, size: int = 420):
    """The attribution field over the decision map: arrows coloured by agreement, the data points on top."""
    arrows, points = field_frames(field, run.class_names)
    return charts.attribution_field(arrows, points, decision_map_uri(run), run.class_names,
                                    title=str(field.method), size=size)
