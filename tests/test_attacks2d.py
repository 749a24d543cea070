"""Adversarial attacks on the 2D Playground network: the input gradient against PyTorch autograd, FGSM's
step in the plane, which points cross the boundary, the accuracy curve, and the linearity argument."""

from __future__ import annotations

import numpy as np
import pytest

from playground.adversarial import attacks2d as A  # noqa: N812 - the module under test, by one letter
from playground.engine2d.features import FEATURES, feature_matrix, ordered
from playground.engine2d.network import Network2D
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings
from playground.torch_runtime import torch

F = torch.nn.functional
TORCH_ACTIVATIONS = {
    "tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "linear": lambda z: z,
    "elu": F.elu, "leakyrelu": lambda z: F.leaky_relu(z, 0.01), "silu": F.silu, "softplus": F.softplus,
}


def torch_input_gradient(net: Network2D, features: tuple[str, ...], points: np.ndarray,
                         labels: np.ndarray) -> np.ndarray:
    """The same loss written in PyTorch (float64), differentiated by autograd."""
    p = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    x, y = p[:, 0], p[:, 1]
    columns = {"x": x, "y": y, "xSquared": x * x, "ySquared": y * y, "xTimesY": x * y,
               "sinX": torch.sin(x), "sinY": torch.sin(y)}
    a = torch.stack([columns[name] for name in ordered(features)], dim=1)
    output_activation = "tanh" if net.head == "tanh-squared" else "linear"
    for layer, name in enumerate([*net.activations, output_activation]):
        w = torch.tensor(net.weights(layer))
        b = torch.tensor(net.biases(layer))
        a = TORCH_ACTIVATIONS[name](a @ w.T + b)
    t = torch.tensor(net.targets_for(labels))
    if net.head == "softmax-cross-entropy":
        loss = F.cross_entropy(a, t.long(), reduction="sum")
    elif net.head == "sigmoid-cross-entropy":
        loss = F.binary_cross_entropy_with_logits(a[:, 0], t, reduction="sum")
    else:
        loss = (0.5 * (a[:, 0] - t) ** 2).sum()
    loss.backward()
    return p.grad.numpy()


CASES = [  # features, hidden layers, activations, head, outputs
    (("x", "y"), [4, 2], ["tanh", "tanh"], "tanh-squared", 1),
    (FEATURES, [5], ["relu"], "sigmoid-cross-entropy", 1),
    (("xSquared", "ySquared", "xTimesY"), [5, 3], ["sigmoid", "elu"], "softmax-cross-entropy", 3),
    (("sinY", "x", "sinX"), [4, 4], ["leakyrelu", "silu"], "linear-squared", 1),
    (("x", "y", "xTimesY"), [3], ["softplus"], "tanh-squared", 1),
    (("x", "y"), [], [], "tanh-squared", 1),  # a linear model
]


@pytest.mark.parametrize("case", CASES, ids=[c[3] + "-" + "-".join(c[2]) for c in CASES])
def test_input_gradient_matches_pytorch_autograd(case) -> None:
    features, hidden, activations, head, n_outputs = case
    rng = np.random.default_rng(len(hidden) + len(features))
    net = Network2D(len(features), hidden, activations, head, n_outputs)
    net.params[:] = rng.normal(0.0, 0.8, net.n_params)
    points = rng.uniform(-6, 6, (64, 2))
    if head == "linear-squared":
        labels = rng.normal(0, 1, 64)
    else:
        labels = rng.integers(0, max(2, n_outputs), 64)
    ours = A.input_gradient(net, features, points, labels)
    reference = torch_input_gradient(net, features, points, labels)
    assert ours.shape == (64, 2)
    np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=1e-9)


@pytest.fixture(scope="module")
def circle() -> PlaygroundRun:
    run = PlaygroundRun(PlaygroundSettings(dataset="circle", noise=10, networkShape=[6, 4]))
    run.train(150)
    assert run.scores().test_metric > 0.9
    return run


def test_fgsm_moves_every_point_by_exactly_eps(circle) -> None:
    for eps in (0.1, 0.5, 2.0):
        moved = A.fgsm_2d(circle, circle.test_x, circle.test_y, eps)
        np.testing.assert_allclose(np.abs(moved - circle.test_x).max(axis=1), eps, rtol=0, atol=1e-12)
    bare = A.fgsm_2d(circle.network, circle.test_x, circle.test_y, 0.3, features=circle.features)
    np.testing.assert_array_equal(bare, A.fgsm_2d(circle, circle.test_x, circle.test_y, 0.3))
    with pytest.raises(ValueError):
        A.fgsm_2d(circle.network, circle.test_x, circle.test_y, 0.3)


def test_fgsm_raises_each_points_loss(circle) -> None:
    net, features = circle.network, circle.features
    targets = net.targets_for(circle.test_y)

    def losses(points: np.ndarray) -> np.ndarray:
        rows = feature_matrix(points, features)
        return np.array([net.loss(rows[i : i + 1], targets[i : i + 1]) for i in range(len(rows))])

    moved = A.fgsm_2d(circle, circle.test_x, circle.test_y, 0.05)
    assert np.mean(losses(moved) > losses(circle.test_x)) > 0.95


def test_points_near_the_boundary_cross_first(circle) -> None:
    step = A.crossings(circle, circle.test_x, circle.test_y, 0.4)
    crossed = step.crossed
    assert 0 < crossed.sum() < len(crossed) / 2
    assert step.margin_before[crossed].mean() < step.margin_before[~crossed].mean()
    np.testing.assert_allclose(np.abs(step.arrows).max(axis=1), 0.4)
    assert np.all(step.fooled <= crossed)  # a fooled point crossed the boundary


def test_accuracy_at_eps_zero_is_clean_and_falls_with_eps(circle) -> None:
    curve = A.accuracy_vs_eps_2d(circle, circle.test_x, circle.test_y)
    assert curve[0] == (0.0, circle.scores().test_metric)
    accuracies = [a for _, a in curve]
    assert accuracies[-1] < accuracies[0] - 0.3
    assert all(b <= a + 0.02 for a, b in zip(accuracies, accuracies[1:], strict=False))


def test_multiclass_crossings_use_softmax_margins() -> None:
    run = PlaygroundRun(PlaygroundSettings(dataset="blobs", numClasses=3, networkShape=[6]))
    run.train(60)
    step = A.crossings(run, run.test_x, run.test_y, 1.0)
    assert step.predicted_before.max() <= 2 and np.all((step.margin_before >= 0) & (step.margin_before <= 1))
    assert A.accuracy_vs_eps_2d(run, run.test_x, run.test_y, (0.0,))[0][1] == run.scores().test_metric


def test_a_linear_models_arrows_are_parallel_within_each_class() -> None:
    run = PlaygroundRun(PlaygroundSettings(dataset="gauss", networkShape=[]))
    run.train(20)
    arrows = A.crossings(run, run.train_x, run.train_y, 0.5).arrows
    for label in (0, 1):
        assert len(np.unique(arrows[run.train_y == label], axis=0)) == 1  # sign(w), pointed away from the class


def test_linf_ball_is_the_square_around_the_point() -> None:
    square = A.linf_ball((1.0, -2.0), 0.5)
    assert square.shape == (5, 2) and np.array_equal(square[0], square[-1])
    assert square[:, 0].min() == 0.5 and square[:, 0].max() == 1.5 and square[:, 1].max() == -1.5


def test_linear_demo_grows_with_dimension_as_eps_times_l1() -> None:
    rows = A.linear_attack_demo(eps=0.01, seed=0)
    assert [r.dims for r in rows] == [1, 10, 100, 1000, 10000]
    for r in rows:
        assert r.adversarial_change == pytest.approx(r.eps * r.l1_norm, rel=1e-12)
        assert r.adversarial_change >= r.random_change * 0.999
    changes = [r.adversarial_change for r in rows]
    assert all(b > 5 * a for a, b in zip(changes, changes[1:], strict=False))  # ~10x per decade
    big = rows[-1]
    assert big.random_change == pytest.approx(big.eps * big.l2_norm * np.sqrt(2 / np.pi), rel=0.15)
    ratios = [r.adversarial_change / r.random_change for r in rows]
    assert ratios[-1] > 50 and ratios[-1] > ratios[1]  # the gap grows like √n
    assert A.linear_attack_demo(seed=0) == rows
