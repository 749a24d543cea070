""""Show me the code": the exported PyTorch script runs on its own and predicts what the playground shows."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.engine2d.export_code import pytorch_script
from playground.engine2d.features import FEATURES, feature_matrix
from playground.engine2d.network import Network2D, TrainSettings
from playground.toydata.generators import make_data
from playground.toydata.seedrandom import SeedRandom


def _random_net(n_inputs: int, hidden: list[int], activations: list[str], head: str, n_outputs: int = 1,
                seed: int = 0) -> Network2D:
    net = Network2D(n_inputs, hidden, activations, head, n_outputs)
    net.params[:] = np.random.default_rng(seed).normal(0.0, 0.6, net.n_params)
    return net


def _l1_trained_net() -> tuple[Network2D, tuple[str, ...]]:
    """TF's circle with every feature and strong L1: several links die on the way."""
    data, rng = make_data("circle", 0, 50, "dead-links")
    net = Network2D.build(len(FEATURES), [4, 2], ["tanh", "tanh"], random=rng.random)
    settings = TrainSettings(learning_rate=0.1, regularization="L1", regularization_rate=0.03)
    features, targets = feature_matrix(data.train_x, FEATURES), net.targets_for(data.train_y)
    for _ in range(30):
        net.train_epoch(features, targets, settings)
    assert np.any(net.alive == 0)
    return net, FEATURES


def _networks() -> dict[str, tuple[Network2D, tuple[str, ...], dict]]:
    all_activations = ["relu", "tanh", "sigmoid", "linear", "elu", "leakyrelu", "silu", "softplus"]
    return {
        "tf-default": (Network2D.build(2, [4, 2], ["tanh", "tanh"], random=SeedRandom("1").random),
                       ("x", "y"), {"class_names": ("-1", "+1")}),
        "every-activation": (_random_net(3, [3] * 8, all_activations, "tanh-squared", seed=1),
                             ("y", "x", "sinX"), {}),  # given out of order: TF's order decides
        "sigmoid-cross-entropy-relu": (_random_net(3, [5], ["relu"], "sigmoid-cross-entropy", seed=2),
                                       ("x", "y", "xTimesY"), {"class_names": ("cat", "dog")}),
        "softmax-4-classes": (_random_net(4, [6, 3], ["elu", "silu"], "softmax-cross-entropy", 4, seed=3),
                              ("x", "y", "xSquared", "ySquared"), {"class_names": ("0", "1", "2", "3")}),
        "regression": (_random_net(2, [4], ["leakyrelu"], "linear-squared", seed=4), ("x", "y"),
                       {"problem": "regression"}),
        "regression-softplus": (_random_net(2, [4, 4], ["softplus", "sigmoid"], "linear-squared", seed=5),
                                ("x", "y"), {"problem": "regression"}),
        "no-hidden-layer-all-features": (_random_net(7, [], [], "tanh-squared", seed=6), FEATURES, {}),
        "dead-l1-links": (*_l1_trained_net(), {"title": "circle, L1"}),
    }


NETWORKS = _networks()


def _playground_output(net: Network2D, features: tuple[str, ...], points: np.ndarray) -> np.ndarray:
    return net.display_output(net.node_outputs(feature_matrix(points, features)))


@pytest.mark.parametrize("name", list(NETWORKS))
def test_script_predicts_what_the_playground_shows(name: str, tmp_path: Path) -> None:
    net, features, options = NETWORKS[name]
    path = tmp_path / "network.py"
    path.write_text(pytorch_script(net, features, **options), encoding="utf-8")
    script = runpy.run_path(str(path))  # not as __main__: nothing printed
    points = np.random.default_rng(42).uniform(-6.0, 6.0, (200, 2))
    predicted = script["predict"](points).numpy()
    expected = _playground_output(net, features, points)
    assert predicted.shape == expected.shape
    np.testing.assert_allclose(predicted, expected, rtol=0, atol=1e-11)
    single = script["predict"]([1.0, -2.0]).numpy()  # one point as a plain list works too
    np.testing.assert_allclose(single, _playground_output(net, features, np.array([[1.0, -2.0]])), atol=1e-11)


def test_script_runs_standalone(tmp_path: Path) -> None:
    net, features, options = NETWORKS["softmax-4-classes"]
    path = tmp_path / "network.py"
    path.write_text(pytorch_script(net, features, **options), encoding="utf-8")
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120,
                            check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip().splitlines()
    assert len(printed) == 3 and printed[0].startswith("[0.0, 0.0] -> [")


def test_script_is_short_and_says_what_it_is() -> None:
    net, features, options = NETWORKS["tf-default"]
    source = pytorch_script(net, features, **options)
    lines = source.splitlines()
    assert 40 <= len(lines) <= 65
    assert lines[0].startswith('"""') and "PyTorch" in lines[0]
    assert "import torch" in lines and "from torch import nn" in lines
    assert "float64" in source and "nn.Tanh()" in source
    assert "torch.stack([x, y], dim=1)" in source and "torch.sin" not in source  # only the enabled features
    assert '"+1" where predict(points) > 0' in source
    assert all(len(line) <= 110 for line in lines)


@pytest.mark.parametrize(("name", "loss"), [
    ("tf-default", "0.5 * ((model(inputs)[:, 0] - targets) ** 2).mean()"),
    ("sigmoid-cross-entropy-relu", "nn.BCEWithLogitsLoss()"),
    ("softmax-4-classes", "nn.CrossEntropyLoss()"),
    ("regression", "0.5 * ((model(inputs)[:, 0] - targets) ** 2).mean()"),
])
def test_training_loop_comment_uses_the_heads_loss(name: str, loss: str) -> None:
    net, features, options = NETWORKS[name]
    source = pytorch_script(net, features, **options)
    assert f"#     loss = {loss}" in source
    assert sum(line.startswith("#     ") or line.startswith("# for") for line in source.splitlines()) == 5


def test_logit_heads_have_no_output_activation() -> None:
    net, features, options = NETWORKS["softmax-4-classes"]
    source = pytorch_script(net, features, **options)
    assert "nn.Linear(3, 4, dtype=DTYPE),\n)" in source
    assert "argmax(dim=1)" in source


def test_dead_links_are_explained_and_exported_as_zero() -> None:
    net, features, options = NETWORKS["dead-l1-links"]
    source = pytorch_script(net, features, **options)
    assert "switched off by L1 regularisation" in source and "circle, L1" in source


def test_feature_count_must_match_the_network() -> None:
    net, _, _ = NETWORKS["tf-default"]
    with pytest.raises(ValueError, match="2 inputs but 3 features"):
        pytorch_script(net, ("x", "y", "sinX"))
