"""Show the mechanics: one neuron's arithmetic and one gradient step for one point (engine2d.mechanics) equal
the engine's forward pass, its backward pass, one engine training step and PyTorch's autograd; the panels'
text (tfplayground.mechanics) and the lesson's methods behind 'Inside one neuron' and 'One gradient step'."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from playground.engine2d.activations import ACTIVATIONS, LEAKY_SLOPE
from playground.engine2d.features import FEATURES, feature_matrix
from playground.engine2d.mechanics import apply_step, gradient_step, inputs_of, neuron_arithmetic
from playground.engine2d.network import Network2D, TrainSettings
from playground.tfplayground import mechanics
from playground.tfplayground.lesson import Panel, PlaygroundLesson

# (features, hidden, activations, head, outputs, point, label)
NETWORKS = {
    "tf-default": (("x", "y"), [4, 2], ["tanh", "tanh"], "tanh-squared", 1, (2.31, -1.05), 1),
    "relu-sigmoid": (("x", "y", "xTimesY"), [3, 3], ["relu", "sigmoid"], "tanh-squared", 1, (-1.5, 3.2), 0),
    "every-feature": (FEATURES, [5, 4, 3], ["elu", "leakyrelu", "silu"], "tanh-squared", 1, (0.7, -4.1), 1),
    "softplus-linear": (("x", "y", "sinX"), [4, 2], ["softplus", "linear"], "tanh-squared", 1, (3.3, 0.4), 0),
    "cross-entropy": (("x", "y"), [4, 2], ["tanh", "relu"], "sigmoid-cross-entropy", 1, (-2.2, -1.7), 1),
    "softmax": (("x", "y", "ySquared"), [6, 3], ["tanh", "tanh"], "softmax-cross-entropy", 3, (1.1, 2.9), 2),
    "regression": (("x", "y"), [3], ["tanh"], "linear-squared", 1, (-3.0, 1.5), 0.42),
    "no-hidden-layer": (("x", "y", "xSquared"), [], [], "tanh-squared", 1, (1.0, -2.0), 1),
}


def build(name: str, seed: int = 7) -> tuple[Network2D, tuple[str, ...], tuple[float, float], float]:
    features, hidden, acts, head, outputs, point, label = NETWORKS[name]
    rng = np.random.default_rng(seed)
    net = Network2D(len(features), hidden, acts, head, outputs)
    net.params[:] = rng.uniform(-1.0, 1.0, net.n_params)
    return net, features, point, label


def row_and_target(net: Network2D, features, point, label) -> tuple[np.ndarray, np.ndarray]:
    return feature_matrix(np.array([point]), features), net.targets_for(np.array([label]))


# ------------------------------------------------------------------------------------------------ PyTorch


TORCH_ACTIVATIONS = {
    "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z, "elu": F.elu,
    "leakyrelu": lambda z: F.leaky_relu(z, LEAKY_SLOPE), "silu": F.silu, "softplus": F.softplus,
}


def torch_gradient(net: Network2D, features, point, label) -> tuple[np.ndarray, float]:
    """dLoss/dparam in the engine's flat layout, and the loss, by PyTorch's autograd on the same network."""
    params = torch.tensor(net.params, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(feature_matrix(np.array([point]), features)[0], dtype=torch.float64)
    for layer in range(net.n_layers):
        n_in, n_out = int(net.sizes[layer]), int(net.sizes[layer + 1])
        w = params[net.w_off[layer] : net.w_off[layer] + n_in * n_out].reshape(n_out, n_in)
        b = params[net.b_off[layer] : net.b_off[layer] + n_out]
        z = w @ a + b
        if layer < net.n_layers - 1:
            a = TORCH_ACTIVATIONS[net.activations[layer]](z)
        else:
            a = z
    target = float(net.targets_for(np.array([label]))[0])
    if net.head == "tanh-squared":
        loss = 0.5 * (torch.tanh(a[0]) - target) ** 2
    elif net.head == "linear-squared":
        loss = 0.5 * (a[0] - target) ** 2
    elif net.head == "sigmoid-cross-entropy":
        loss = F.binary_cross_entropy_with_logits(a[0], torch.tensor(target, dtype=torch.float64))
    else:
        loss = F.cross_entropy(a.unsqueeze(0), torch.tensor([int(target)]))
    loss.backward()
    return params.grad.numpy(), float(loss.detach())


# ------------------------------------------------------------------------------------------------ one neuron


@pytest.mark.parametrize("name", NETWORKS)
def test_every_neurons_arithmetic_is_the_engines_forward_pass(name: str) -> None:
    net, features, point, _ = build(name)
    outputs = net.node_outputs(feature_matrix(np.array([point]), features))[:, 0]
    for layer in range(1, net.n_layers + 1):
        for neuron in range(int(net.sizes[layer])):
            n = neuron_arithmetic(net, features, layer, neuron, point)
            assert n.output == outputs[net.node_off[layer] + neuron]  # the engine's value, to the last bit
            below = outputs[net.node_off[layer - 1] : net.node_off[layer]]
            assert [t.value for t in n.terms] == pytest.approx(below.tolist(), abs=0, rel=0)
            assert [t.weight for t in n.terms] == net.weights(layer - 1)[neuron].tolist()
            assert all(t.product == t.value * t.weight for t in n.terms)
            assert n.bias == net.biases(layer - 1)[neuron] == net.params[n.bias_index]
            assert n.weighted_sum + n.bias == pytest.approx(n.preactivation, rel=1e-12, abs=1e-12)
            activation = n.activation
            assert activation == (net.activations[layer - 1] if layer < net.n_layers else
                                  ("tanh" if net.head == "tanh-squared" else "linear"))
            z = torch.tensor(n.preactivation, dtype=torch.float64, requires_grad=True)
            a = TORCH_ACTIVATIONS[activation](z)
            a.backward()
            assert n.output == pytest.approx(float(a.detach()), rel=1e-12, abs=1e-14)
            assert n.slope == pytest.approx(float(z.grad), rel=1e-12, abs=1e-14)


def test_the_first_layer_takes_the_points_features_by_name() -> None:
    net, features, point, _ = build("every-feature")
    n = neuron_arithmetic(net, features, 1, 2, point)
    assert [t.source for t in n.terms] == ["X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"]
    x, y = point
    assert [t.value for t in n.terms] == pytest.approx([x, y, x * x, y * y, x * y, np.sin(x), np.sin(y)])
    assert n.name == "neuron 3 of layer 1"
    assert neuron_arithmetic(net, features, 2, 0, point).terms[4].source == "neuron 5 of layer 1"
    assert neuron_arithmetic(net, features, 4, 0, point).name == "the output"
    with pytest.raises(IndexError):
        neuron_arithmetic(net, features, 1, 5, point)
    with pytest.raises(IndexError):
        neuron_arithmetic(net, features, 0, 0, point)


# ------------------------------------------------------------------------------------------------ one step


@pytest.mark.parametrize("name", NETWORKS)
def test_the_gradients_are_pytorchs_and_the_engines(name: str) -> None:
    net, features, point, label = build(name)
    step = gradient_step(net, features, point, label, learning_rate=0.03)
    expected, loss = torch_gradient(net, features, point, label)
    np.testing.assert_allclose(step.gradient(), expected, rtol=1e-10, atol=1e-12)
    assert step.loss == pytest.approx(loss, rel=1e-12)
    row, target = row_and_target(net, features, point, label)
    assert step.loss == pytest.approx(net.loss(row, target), rel=1e-14)
    # the engine's own backward pass for a batch of this one point gives the very same numbers
    np.testing.assert_array_equal(step.gradient(), net.gradient(row, target))


@pytest.mark.parametrize("name", NETWORKS)
def test_the_chain_rule_is_written_out_layer_by_layer(name: str) -> None:
    net, features, point, label = build(name)
    step = gradient_step(net, features, point, label, learning_rate=0.1)
    assert [layer[0].layer for layer in step.layers] == list(range(net.n_layers, 0, -1))
    outputs = step.layers[0]
    assert [n.d_output for n in outputs] == list(step.output_error)
    if net.head in ("tanh-squared", "linear-squared"):
        assert step.output_error[0] == step.outputs[0] - step.target
    for above, layer in zip(step.layers, step.layers[1:], strict=False):
        for n in layer:
            assert [a.delta for a in n.from_above] == [m.delta for m in above]
            assert n.d_output == pytest.approx(sum(a.weight * a.delta for a in n.from_above), rel=1e-12, abs=1e-15)
    for layer in step.layers:
        for n in layer:
            assert n.delta == n.d_output * n.slope
            assert n.bias.gradient == n.delta
            for p in n.weights:
                assert p.gradient == n.delta * p.input
                assert p.new == p.old - 0.1 * p.gradient


@pytest.mark.parametrize("name", NETWORKS)
@pytest.mark.parametrize(("regularization", "rate"), [("none", 0.0), ("L2", 0.03), ("L1", 0.01)])
def test_the_update_is_one_engine_training_step_with_batch_size_one(name: str, regularization: str, rate: float) -> None:
    net, features, point, label = build(name)
    step = gradient_step(net, features, point, label, 0.3, regularization, rate)
    engine = copy.deepcopy(net)
    row, target = row_and_target(net, features, point, label)
    engine.train_epoch(row, target, TrainSettings(learning_rate=0.3, batch_size=1, regularization=regularization,
                                                  regularization_rate=rate))
    np.testing.assert_array_equal(step.params, engine.params)
    np.testing.assert_array_equal(step.alive, engine.alive)
    before = net.params.copy()
    apply_step(net, step)
    np.testing.assert_array_equal(net.params, engine.params)
    assert not np.array_equal(before, net.params)
    if regularization == "none":
        assert step.loss_after < step.loss  # a small step downhill lowers the loss on this point


def test_l1_cuts_a_weight_that_crosses_zero_and_a_cut_one_stays_put() -> None:
    net, features, point, label = build("tf-default")
    near_zero = net.weight_index(1, 0, 1)
    net.params[near_zero] = 1e-4
    cut = net.weight_index(0, 2, 0)
    net.params[cut], net.alive[cut] = 0.0, 0
    step = gradient_step(net, features, point, label, 0.1, "L1", 1.0)
    engine = copy.deepcopy(net)
    row, target = row_and_target(net, features, point, label)
    engine.train_epoch(row, target, TrainSettings(0.1, 1, "L1", 1.0))
    np.testing.assert_array_equal(step.params, engine.params)
    np.testing.assert_array_equal(step.alive, engine.alive)
    steps = {p.index: p for layer in step.layers for n in layer for p in (*n.weights, n.bias)}
    assert steps[cut].frozen and steps[cut].new == 0.0
    changed = [i for i, p in steps.items() if p.dies]
    assert changed and all(step.alive[i] == 0 and step.params[i] == 0.0 for i in changed)
    assert not any(p.dies or p.regularization for p in steps.values() if p.is_bias)


def test_apply_step_leaves_a_batch_being_accumulated_alone() -> None:
    net, features, point, label = build("tf-default")
    row, target = row_and_target(net, features, point, label)
    net.train_epoch(np.repeat(row, 3, axis=0), np.repeat(target, 3), TrainSettings(batch_size=10))
    grad, count = net.grad.copy(), net.count
    assert count == 3
    apply_step(net, gradient_step(net, features, point, label, 0.03))
    assert net.count == count and np.array_equal(net.grad, grad)
    with pytest.raises(ValueError):
        apply_step(build("relu-sigmoid")[0], gradient_step(net, features, point, label, 0.03))


def test_inputs_of_a_point_are_its_features_in_tfs_order() -> None:
    assert inputs_of(("y", "x"), (2.0, 3.0)).tolist() == [2.0, 3.0]
    assert inputs_of(("xSquared", "x"), (2.0, 3.0)).tolist() == [2.0, 4.0]


# ------------------------------------------------------------------------------------------------ the panels' text


def test_numbers_are_written_to_three_significant_digits() -> None:
    assert mechanics.num(0.52) == "0.52"
    assert mechanics.num(-1.3) == "−1.3"
    assert mechanics.num(-0.67891) == "−0.679"
    assert mechanics.num(123456.0) == "1.23×10⁵"
    assert mechanics.num(-2.5e-5) == "−2.5×10⁻⁵"
    assert mechanics.num(0.0) == "0"
    assert mechanics.times(0.52, -1.3) == "0.52 × −1.3"
    assert mechanics.tex(-2.5e-5) == r"-2.5 \times 10^{-5}"
    assert mechanics.tex_sum([0.5, -0.25, 1.0]) == "0.5 - 0.25 + 1"
    assert mechanics.tex_factor(-2.0) == "(-2)"
    assert mechanics.num(float("nan")) == "NaN"


def test_the_neuron_view_writes_each_product_the_sum_and_the_activation() -> None:
    net, features, point, _ = build("tf-default")
    n = neuron_arithmetic(net, features, 1, 0, point)
    view = mechanics.neuron_view(n, "the point (2.31, −1.05)")
    t = n.terms[0]
    assert f"{mechanics.num(t.value)} × {mechanics.num(t.weight)} = {mechanics.num(t.product)}" in view.table
    assert view.table.splitlines()[0] == "| Input | Value | Weight | Value × weight |"
    assert "| X₁ |" in view.table and "| X₂ |" in view.table and "| bias |" in view.table
    assert "Tanh" in view.heading and "Neuron 1 of layer 1" in view.heading
    assert view.equations[0].endswith(f"= {mechanics.tex(n.preactivation)}")
    assert r"\tanh" in view.equations[1] and view.equations[1].endswith(mechanics.tex(n.output))
    wide = neuron_arithmetic(*build("every-feature")[:2], 1, 0, NETWORKS["every-feature"][5])
    assert "the 7 products" in mechanics.neuron_view(wide, "it").equations[0]
    for name in ACTIVATIONS:  # every activation can be written
        assert mechanics.activation_tex(name, -0.5)


@pytest.mark.parametrize("name", NETWORKS)
def test_the_step_view_writes_every_layer_from_the_output_back(name: str) -> None:
    net, features, point, label = build(name)
    step = gradient_step(net, features, point, label, 0.03, "L2", 0.01)
    view = mechanics.step_view(step, "the point", net.n_layers, chosen=(1, 0), batch_size=10, optimizer="adam")
    assert len(view.layers) == net.n_layers
    assert view.layers[0].title.startswith("Output layer")
    assert view.layers[0].expanded and view.layers[-1].expanded  # the output, and the chosen neuron's layer
    rows = sum(len(layer.params.splitlines()) - 2 for layer in view.layers)
    assert rows == net.n_params  # one row per weight and bias
    assert "Then L2" in view.layers[0].params
    assert len(view.loss) == 3 and mechanics.tex(step.loss) in view.loss[1]
    assert mechanics.num(step.loss) in view.outcome and mechanics.num(step.loss_after) in view.outcome
    assert len(view.notes) == 2  # the batch, and the optimiser
    first = step.layers[-1][0]
    assert f"**{first.name}**" in view.layers[-1].neurons
    p = first.weights[0]
    assert f"{mechanics.times(first.delta, p.input)} = {mechanics.num(p.gradient)}" in view.layers[-1].params


# ------------------------------------------------------------------------------------------------ the lesson


def _lesson(**query: str) -> PlaygroundLesson:
    return PlaygroundLesson.from_query(query)


def test_the_panels_show_the_clicked_neuron_else_the_first_hidden_one() -> None:
    lesson = _lesson()
    run = lesson.run
    n = lesson.neuron_mechanics()
    assert (n.layer, n.neuron) == (1, 0)
    assert n.point == tuple(run.train_x[0])  # the first training point by default
    lesson.view_event("select_node", [2, 1])
    n = lesson.neuron_mechanics()
    assert (n.layer, n.neuron) == (2, 1)
    outputs = run.network.node_outputs(run.train_features[:1])[:, 0]
    assert n.output == outputs[run.network.node_off[2] + 1]
    lesson.choose_mechanics_point(3)
    assert lesson.neuron_mechanics().point == tuple(run.train_x[3])
    for bad in (-1, 99, 1.5, "2", None, float("nan"), True):
        lesson.choose_mechanics_point(bad)
        assert lesson.mechanics_point == 3
    no_hidden = _lesson(networkShape="")
    n = no_hidden.neuron_mechanics()
    assert (n.layer, n.name) == (1, "the output")


def test_point_choices_name_the_class_and_escape_a_learners_class_names() -> None:
    lesson = _lesson()
    choices = mechanics.point_choices(lesson.run)
    assert len(choices) == mechanics.MAX_POINTS
    assert choices[0].text.startswith("Point 1: (") and choices[0].text.endswith(("class -1", "class +1"))
    lesson.run.base = dataclasses.replace(lesson.run.base, class_names=("[x](https://evil.example)", "b"))
    choice = mechanics.point_choices(lesson.run)[0]
    assert "](" not in choice.markdown and "](" in choice.text
    regression = mechanics.point_choices(_lesson(problem="regression").run)
    assert "value" in regression[0].text
    lesson.run.clear_points()
    assert mechanics.point_choices(lesson.run) == []
    assert lesson.neuron_mechanics() is None and lesson.gradient_mechanics() is None
    params = lesson.run.network.params.copy()
    lesson.apply_gradient_step()
    assert "no training point" in lesson.message and np.array_equal(params, lesson.run.network.params)


def test_apply_this_step_is_the_shown_step_and_lowers_the_loss_on_the_point() -> None:
    lesson = _lesson(learningRate="0.3")
    lesson.choose_mechanics_point(2)
    shown = lesson.gradient_mechanics()
    lesson.playing = True
    epoch = lesson.run.epoch
    lesson.apply_gradient_step()
    assert not lesson.playing and lesson.run.epoch == epoch
    np.testing.assert_array_equal(lesson.run.network.params, shown.params)
    run = lesson.run
    point = run.train_features[2:3]
    assert run.network.loss(point, run.targets(run.train_y[2:3])) == pytest.approx(shown.loss_after)
    assert shown.loss_after < shown.loss
    assert lesson.gradient_mechanics().loss == pytest.approx(shown.loss_after)


def test_an_open_panel_of_numbers_is_redrawn_when_its_numbers_change() -> None:
    lesson = _lesson()
    assert lesson.whole_page_outdated(Panel.NEURON) is False  # not drawn yet: nothing to redraw
    lesson.neuron_mechanics()  # the page draws the panel
    assert lesson.whole_page_outdated(Panel.NEURON) is False  # nothing changed
    lesson.view_event("select_node", [1, 2])  # a click in the network view (a fragment's rerun)
    assert lesson.whole_page_outdated(Panel.NEURON) is True
    assert lesson.whole_page_outdated(Panel.NEURON) is False  # answered once: the whole page draws it
    lesson.gradient_mechanics()
    lesson.step_once()  # an epoch of training changes every number
    assert lesson.whole_page_outdated(Panel.STEP) is True
    lesson.gradient_mechanics()
    lesson.apply_settings(learningRate=0.1)  # the step's size
    assert lesson.whole_page_outdated(Panel.STEP) is True
    lesson.gradient_mechanics()
    lesson.step_once()
    assert lesson.whole_page_outdated(Panel.CODE) is False  # another panel: no numbers to keep up to date
    assert lesson.numbers_shown is None
    lesson.gradient_mechanics()
    lesson.apply_gradient_step()  # a button of the panel: the whole page runs anyway, once
    assert lesson.whole_page_outdated(Panel.STEP) is False


def test_one_output_per_class_is_named_by_its_class_and_a_linear_output_is_written_once() -> None:
    lesson = _lesson(dataset="spiral3", networkShape="2")
    run = lesson.run
    names = mechanics.output_names(run)
    assert names == ["output 1 (class 0)", "output 2 (class 1)", "output 3 (class 2)"]
    lesson.view_event("select_node", [2, 1])
    n = lesson.neuron_mechanics()
    view = mechanics.neuron_view(n, "it", run.network.n_layers, names)
    assert view.heading.startswith("**Output 2 (class 1)**") and "Linear" in view.heading
    assert view.equations[1] == f"a = z = {mechanics.tex(n.output)}"
    step = lesson.gradient_mechanics()
    shown = mechanics.step_view(step, "it", run.network.n_layers, (2, 1), outputs=names)
    assert "**output 2 (class 1)**" in shown.layers[0].neurons and "output 3 (class 2)" in shown.layers[0].params
    assert mechanics.output_names(_lesson().run) is None
    run.base = dataclasses.replace(run.base, class_names=("*a*", "b", "c"))
    assert mechanics.output_names(run)[0] == r"output 1 (class \*a\*)"
    assert "The target is **output 2 (class 1)**" in shown.intro
