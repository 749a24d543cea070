"""Adversarial attacks on the 2D Playground's network, where they can be seen: each point's FGSM step as an
arrow on the decision-boundary picture, which points cross the boundary, accuracy against ε; and the
numbers of Goodfellow et al.'s linearity argument for why the same attack is so strong on images.

The attack moves a point (x, y) in the plane, in the data's units. The network sees features of the point
(x, y, x², y², xy, sin x, sin y, the enabled ones in TF's order), so the gradient of the loss with respect
to (x, y) goes back through the network to the features, then through the feature map by the chain rule.
The backward pass is written here in NumPy, vectorised over points (the networks are tiny; the engine's
compiled kernels compute parameter gradients, not input gradients).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine2d import activations as act
from playground.engine2d.features import feature_matrix, ordered
from playground.engine2d.network import Network2D
from playground.render.points import EXTENT
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings

EPSILONS_2D: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)  # data units, on [-6, 6]²

Model2D = PlaygroundRun | Network2D


def _resolve(model: Model2D, features) -> tuple[Network2D, tuple[str, ...]]:
    """The network and its enabled features, from a PlaygroundRun or from a network plus feature names."""
    if isinstance(model, PlaygroundRun):
        return model.network, model.features if features is None else ordered(features)
    if features is None:
        raise ValueError("a bare Network2D needs the names of its enabled features")
    return model, ordered(features)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^−z), without overflow


def activation_slope(code: int, z: np.ndarray) -> np.ndarray:
    """d activation / dz at pre-activations z, for the engine's activation codes (activations.py)."""
    if code == act.TANH:
        return 1.0 - np.tanh(z) ** 2
    if code == act.RELU:  # 0 at z <= 0, as TF
        return (z > 0).astype(np.float64)
    if code == act.SIGMOID:
        s = _sigmoid(z)
        return s * (1.0 - s)
    if code == act.LINEAR:
        return np.ones_like(z)
    if code == act.ELU:
        return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))
    if code == act.LEAKY_RELU:
        return np.where(z > 0, 1.0, act.LEAKY_SLOPE)
    if code == act.SILU:  # d/dz z·s(z) = s + z·s·(1 − s)
        s = _sigmoid(z)
        return s + z * s * (1.0 - s)
    return _sigmoid(z)  # SOFTPLUS


def _output_delta(net: Network2D, z: np.ndarray, out: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """dLoss/dz of the output nodes (n_outputs, n), per point, for the network's head."""
    if net.head == "softmax-cross-entropy":  # softmax(z) − onehot(target)
        e = np.exp(z - z.max(axis=0, keepdims=True))
        delta = e / e.sum(axis=0, keepdims=True)
        delta[targets.astype(np.int64), np.arange(z.shape[1])] -= 1.0
        return delta
    if net.head == "sigmoid-cross-entropy":  # sigmoid(z) − y
        return _sigmoid(z) - targets
    # squared error 0.5·(o − t)²: (o − t) times the output activation's slope
    return (out - targets) * activation_slope(int(net.acts[-1]), z)


def feature_jacobian(points: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """(k, 2, n): d feature / d(x, y) for each enabled feature (TF's order) and point."""
    x, y = points[:, 0], points[:, 1]
    zero, one = np.zeros_like(x), np.ones_like(x)
    rows = {  # d/dx, d/dy
        "x": (one, zero), "y": (zero, one),
        "xSquared": (2 * x, zero), "ySquared": (zero, 2 * y),
        "xTimesY": (y, x),
        "sinX": (np.cos(x), zero), "sinY": (zero, np.cos(y)),
    }
    return np.array([rows[name] for name in ordered(features)]).reshape(len(features), 2, len(x))


def input_gradient(model: Model2D, features, points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n, 2): each point's dLoss/d(x, y) (its own loss, not the mean), through the features and network.

    `model` is a PlaygroundRun (features=None takes its enabled features) or a Network2D with the
    names of the features it was built for; labels are dataset labels (class ids, or regression targets).
    """
    net, names = _resolve(model, features)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    targets = net.targets_for(np.asarray(labels))
    outputs = net.node_outputs(feature_matrix(points, names))  # (total nodes, n)
    below = net.layer_nodes(outputs, net.n_layers - 1)
    z = net.weights(net.n_layers - 1) @ below + net.biases(net.n_layers - 1)[:, None]
    delta = _output_delta(net, z, net.layer_nodes(outputs, net.n_layers), targets)
    for layer in range(net.n_layers - 1, 0, -1):
        # back through weight layer `layer`, then through the activation of node layer `layer`
        upstream = net.weights(layer).T @ delta
        a_prev = net.layer_nodes(outputs, layer - 1)
        z = net.weights(layer - 1) @ a_prev + net.biases(layer - 1)[:, None]
        delta = upstream * activation_slope(int(net.acts[layer - 1]), z)
    d_features = net.weights(0).T @ delta  # (k, n)
    # chain rule through the feature map: dL/dx = Σ_f dL/df · df/dx (and the same for y)
    return np.einsum("fn,fcn->nc", d_features, feature_jacobian(points, names))


def fgsm_2d(model: Model2D, points: np.ndarray, labels: np.ndarray, eps: float, features=None) -> np.ndarray:
    """Each point moved by ε·sign(dLoss/d(x, y)): an L∞ step of exactly ε (a coordinate whose gradient is
    exactly 0, e.g. under a dead ReLU, stays put). The plane has no bounds, so no clipping."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return points + eps * np.sign(input_gradient(model, features, points, labels))


def predict_2d(model: Model2D, points: np.ndarray, features=None) -> tuple[np.ndarray, np.ndarray]:
    """(predicted class, confidence margin) per point: for two classes the margin is |output| in [0, 1]
    (the picture's colour strength), for softmax the top probability minus the second."""
    net, names = _resolve(model, features)
    if net.head == "linear-squared":
        raise ValueError("a regression network predicts numbers, not classes")
    shown = net.display_output(net.node_outputs(feature_matrix(points, names)))
    if shown.ndim == 2:
        top2 = np.sort(shown, axis=1)[:, -2:]
        return shown.argmax(axis=1), top2[:, 1] - top2[:, 0]
    return (shown >= 0).astype(np.int64), np.abs(shown)  # as PlaygroundRun's accuracy


@dataclass
class Step2D:
    """Every point's FGSM step at one ε, for arrows on the picture."""

    points: np.ndarray  # (n, 2)
    moved: np.ndarray  # (n, 2)
    labels: np.ndarray
    predicted_before: np.ndarray
    predicted_after: np.ndarray
    margin_before: np.ndarray  # how sure the network was before: small near the boundary
    eps: float

    @property
    def arrows(self) -> np.ndarray:
        return self.moved - self.points

    @property
    def crossed(self) -> np.ndarray:
        """Points whose predicted class changed: they crossed the decision boundary."""
        return self.predicted_before != self.predicted_after

    @property
    def fooled(self) -> np.ndarray:
        """Points read correctly before and wrongly after."""
        return (self.predicted_before == self.labels) & (self.predicted_after != self.labels)


def crossings(model: Model2D, points: np.ndarray, labels: np.ndarray, eps: float, features=None) -> Step2D:
    """FGSM at ε on every point, with which ones change predicted class."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    moved = fgsm_2d(model, points, labels, eps, features)
    before, margin = predict_2d(model, points, features)
    after, _ = predict_2d(model, moved, features)
    return Step2D(points, moved, np.asarray(labels), before, after, margin, float(eps))


def nearest_to_boundary(step: Step2D) -> int | None:
    """The point the network was least sure of before the attack (None when there are no points)."""
    return int(np.argmin(step.margin_before)) if len(step.margin_before) else None


BAND_EDGES: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0)  # distance bands' lower edges; the last is open
GRID_STEP = 0.04  # spacing of the grid the distance to the boundary is measured on (plane units)


def boundary_distances(model: Model2D, points: np.ndarray, features=None, step: float = GRID_STEP,
                       reach: float = max(EPSILONS_2D) + 0.5) -> np.ndarray:
    """Each point's distance to the decision boundary, measured as ε is (L∞): the half-width of the smallest
    square around the point that reaches a place the network reads as another class than the point. Found
    on a grid of spacing `step` over the plane and `reach` beyond it, so to within about a step; inf when
    the whole grid reads as the point's class. A point farther than ε cannot cross: its FGSM step stays
    inside that square."""
    from scipy.spatial import cKDTree

    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    axis = np.arange(-EXTENT - reach, EXTENT + reach + step / 2, step)
    gx, gy = np.meshgrid(axis, axis)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    grid_class, _ = predict_2d(model, grid, features)
    own, _ = predict_2d(model, points, features)
    distances = np.full(len(points), np.inf)
    for cls in np.unique(own):
        other = grid[grid_class != cls]
        mine = own == cls
        if len(other):
            distances[mine] = cKDTree(other).query(points[mine], p=np.inf)[0]
    return distances


@dataclass(frozen=True)
class Band:
    """The points at one range of distances to the boundary, and how many of them crossed."""

    low: float
    high: float  # inf for the last band
    points: int
    crossed: int

    @property
    def share(self) -> float:
        return self.crossed / self.points if self.points else float("nan")

    @property
    def label(self) -> str:
        return f"{self.low:g} or more" if np.isinf(self.high) else f"{self.low:g}–{self.high:g}"


def crossing_bands(step: Step2D, distances: np.ndarray, edges: tuple[float, ...] = BAND_EDGES) -> list[Band]:
    """The points the network read correctly before the attack (the ones FGSM pushes towards the boundary),
    in bands of distance to the boundary: how many are in each band and how many crossed."""
    distances = np.asarray(distances, dtype=np.float64)
    right = step.predicted_before == step.labels
    bands = []
    for low, high in zip(edges, (*edges[1:], np.inf), strict=True):
        inside = right & (distances >= low) & (distances < high)
        bands.append(Band(float(low), float(high), int(inside.sum()), int((inside & step.crossed).sum())))
    return bands


def nearer_cross_more(bands: list[Band]) -> bool:
    """Whether the share that crossed never grows with the distance (over the bands with points) and some
    crossed: the numbers show that points near the boundary fall first."""
    shares = [b.share for b in bands if b.points]
    return any(b.crossed for b in bands) and all(a >= b for a, b in zip(shares, shares[1:], strict=False))


def bands_summary(bands: list[Band], step: Step2D, distances: np.ndarray) -> str:
    """What the bands show, in words: only what the numbers say (Markdown)."""
    with_points = [b for b in bands if b.points]
    if not with_points:
        return "The network reads no point correctly: there is nothing to push across."
    if not any(b.crossed for b in bands):
        return f"At ε = {step.eps:.2f} no point crossed."
    near, far = with_points[0], with_points[-1]
    parts = [f"Nearest band ({near.label} from the boundary): **{near.crossed} of {near.points}** crossed"]
    if far is not near:
        parts.append(f"farthest ({far.label}): **{far.crossed} of {far.points}**")
    text = "; ".join(parts) + "."
    if nearer_cross_more(bands) and near.share > far.share:
        text += " The nearer the boundary a point was, the more likely it crossed."
    right = step.predicted_before == step.labels
    beyond = right & (np.asarray(distances) > step.eps + GRID_STEP)
    if beyond.any():
        text += (f" Of the {int(beyond.sum())} points farther than ε = {step.eps:.2f}, "
                 f"{int((beyond & step.crossed).sum())} crossed.")
    return text


def state_key(run: PlaygroundRun, points: np.ndarray) -> tuple:
    """What the distances to the boundary depend on: the network's weights and features, and the points (a
    reset network at epoch 0 again, or new data, gives a new key)."""
    return run.fingerprint(points)


def can_attack(run: PlaygroundRun) -> bool:
    """Whether the 2D view can attack this Playground network (a regression network has no classes to flip)."""
    return run.problem == "classification"


def default_run() -> PlaygroundRun:
    """The network attacked when the learner has none of their own: a small one trained on the circle (seeded)."""
    run = PlaygroundRun(PlaygroundSettings(dataset="circle", networkShape=[6, 4], noise=10))
    run.train(300, loss_every_epoch=False)
    return run


def accuracy_vs_eps_2d(model: Model2D, points: np.ndarray, labels: np.ndarray, epsilons=EPSILONS_2D,
                       features=None) -> list[tuple[float, float]]:
    """[(ε, accuracy after FGSM)]; the direction is computed once (it does not depend on ε)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    labels = np.asarray(labels)
    if len(points) == 0:
        return [(float(e), float("nan")) for e in epsilons]
    direction = np.sign(input_gradient(model, features, points, labels))
    return [(float(e), float(np.mean(predict_2d(model, points + e * direction, features)[0] == labels)))
            for e in epsilons]


def linf_ball(center, eps: float) -> np.ndarray:
    """The ε-ball (L∞) around a point: a square, as 5 corners (closed outline) to draw."""
    cx, cy = (float(c) for c in center)
    return np.array([[cx - eps, cy - eps], [cx + eps, cy - eps], [cx + eps, cy + eps], [cx - eps, cy + eps],
                     [cx - eps, cy - eps]])


@dataclass(frozen=True)
class LinearDemoRow:
    """How far one ε-sized perturbation moves a linear model's output w·x in `dims` dimensions."""

    dims: int
    eps: float
    adversarial_change: float  # w·η for η = ε·sign(w): exactly ε·‖w‖₁, grows like n
    random_change: float  # mean |w·η| for random η ∈ {−ε, +ε}ⁿ (same L∞ size): about ε·‖w‖₂, like √n
    l1_norm: float
    l2_norm: float


def linear_attack_demo(dims=(1, 10, 100, 1000, 10000), eps: float = 0.01, seed: int = 0,
                       random_trials: int = 200) -> list[LinearDemoRow]:
    """Goodfellow et al.'s argument in numbers: a change of at most ε per input moves w·x by ε·‖w‖₁ when it
    follows sign(w), which grows with the dimension (no single input changes noticeably, yet together
    they add up), while a random change of the same size mostly cancels out (≈ ε·‖w‖₂·√(2/π)).
    Weights are standard normal, one seeded draw per dimension."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in dims:
        w = rng.standard_normal(n)
        adversarial = float(w @ (eps * np.sign(w)))
        random_signs = rng.choice(np.array([-1.0, 1.0]), size=(random_trials, n))
        random_change = float(np.mean(np.abs(random_signs @ w))) * eps
        rows.append(LinearDemoRow(int(n), eps, adversarial, random_change, float(np.abs(w).sum()),
                                  float(np.linalg.norm(w))))
    return rows
