"""The mechanics of the 2D network for one point, with every number: what one neuron computes (each input
times its weight, the sum, the bias, the activation) and one gradient step (the error at the output, each
neuron's dLoss/dz by the chain rule from the output back, each weight's gradient and its update).

Plain records for the Playground's panels to print. The arithmetic follows the engine's kernels operation
for operation (kernels.forward_block, accumulate_block, and apply_update for plain SGD on one point with
TF's regularisation), so the numbers shown are the engine's own: tests check them against the kernels and
against PyTorch's autograd.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine2d import kernels as k
from playground.engine2d.activations import ACTIVATIONS, activate
from playground.engine2d.features import LABELS as FEATURE_LABELS
from playground.engine2d.features import feature_matrix, ordered
from playground.engine2d.network import REGULARIZATIONS, Network2D

ACTIVATION_NAMES = {code: name for name, code in ACTIVATIONS.items()}  # kernel code -> name
LOSS_NAMES = {k.LOSS_MSE: "squared error", k.LOSS_BCE: "cross-entropy", k.LOSS_CE: "softmax cross-entropy"}


# ------------------------------------------------------------------------------------------------ forward


@dataclass(frozen=True)
class Forward:
    """Every node's value for one point: per node layer (0 = the input features, last = the outputs)."""

    outputs: tuple[np.ndarray, ...]  # a = activation(z); layer 0 holds the features
    preactivations: tuple[np.ndarray, ...]  # z = bias + Σ w·a below (empty for layer 0)
    slopes: tuple[np.ndarray, ...]  # activation'(z) (empty for layer 0)


def inputs_of(features: Sequence[str], point: tuple[float, float]) -> np.ndarray:
    """The input nodes' values for a point (x₁, x₂): the enabled features, in TF's order."""
    return feature_matrix(np.asarray(point, dtype=np.float64).reshape(1, 2), tuple(features))[0]


def forward(net: Network2D, inputs: np.ndarray) -> Forward:
    """One point through the network, summing in the kernel's order (bias first, then each input's
    product in turn), so every value is the engine's to the last bit."""
    outputs, pre, slopes = [np.asarray(inputs, dtype=np.float64)], [np.zeros(0)], [np.zeros(0)]
    for layer in range(net.n_layers):
        w, b, below, code = net.weights(layer), net.biases(layer), outputs[-1], int(net.acts[layer])
        n_out = int(net.sizes[layer + 1])
        z, a, s = np.empty(n_out), np.empty(n_out), np.empty(n_out)
        for i in range(n_out):
            total = float(b[i])
            for j in range(below.shape[0]):
                total += float(w[i, j]) * float(below[j])
            z[i] = total
            a[i], s[i] = activate(code, total)
        outputs.append(a)
        pre.append(z)
        slopes.append(s)
    return Forward(tuple(outputs), tuple(pre), tuple(slopes))


def node_name(net: Network2D, features: Sequence[str], layer: int, index: int) -> str:
    """A node as the page names it: a feature ('X₁'), 'neuron 2 of layer 1', 'the output' or 'output 2'."""
    if layer == 0:
        return FEATURE_LABELS[ordered(tuple(features))[index]]
    if layer == net.n_layers:
        return "the output" if net.n_outputs == 1 else f"output {index + 1}"
    return f"neuron {index + 1} of layer {layer}"


def activation_name(net: Network2D, layer: int) -> str:
    """The activation (its ACTIVATIONS name) of node layer `layer` (1 = the first hidden layer)."""
    return ACTIVATION_NAMES[int(net.acts[layer - 1])]


# ------------------------------------------------------------------------------------------------ one neuron


@dataclass(frozen=True)
class Term:
    """One input of a neuron: its value times the weight of its link."""

    source: str  # the node it comes from ('X₁', 'neuron 2 of layer 1')
    value: float
    weight: float
    product: float
    weight_index: int  # in the network's params


@dataclass(frozen=True)
class NeuronArithmetic:
    """What one neuron computes for one point."""

    layer: int  # node layer: 1 = the first hidden layer, net.n_layers = the outputs
    neuron: int
    name: str
    point: tuple[float, float]
    terms: tuple[Term, ...]
    weighted_sum: float  # Σ value × weight, added in order
    bias: float
    bias_index: int
    preactivation: float  # z: the bias plus the products, as the engine adds them
    activation: str  # an ACTIVATIONS name
    output: float  # activation(z)
    slope: float  # activation'(z)


def neuron_arithmetic(net: Network2D, features: Sequence[str], layer: int, neuron: int,
                      point: tuple[float, float]) -> NeuronArithmetic:
    """Neuron `neuron` of node layer `layer` (1 = the first hidden layer) at the point (x₁, x₂)."""
    if not (1 <= layer <= net.n_layers and 0 <= neuron < net.sizes[layer]):
        raise IndexError(f"no neuron {neuron} in layer {layer}")
    ahead = forward(net, inputs_of(features, point))
    below = ahead.outputs[layer - 1]
    terms, total = [], 0.0
    for j in range(below.shape[0]):
        index = net.weight_index(layer - 1, neuron, j)
        value, weight = float(below[j]), float(net.params[index])
        terms.append(Term(node_name(net, features, layer - 1, j), value, weight, weight * value, index))
        total += weight * value
    bias_index = net.bias_index(layer, neuron)
    return NeuronArithmetic(
        layer=layer, neuron=neuron, name=node_name(net, features, layer, neuron),
        point=(float(point[0]), float(point[1])), terms=tuple(terms), weighted_sum=total,
        bias=float(net.params[bias_index]), bias_index=bias_index,
        preactivation=float(ahead.preactivations[layer][neuron]), activation=activation_name(net, layer),
        output=float(ahead.outputs[layer][neuron]), slope=float(ahead.slopes[layer][neuron]),
    )


# ------------------------------------------------------------------------------------------------ one step


@dataclass(frozen=True)
class ParamStep:
    """One weight or bias in one gradient step: its gradient and its update."""

    index: int  # in the network's params
    source: str  # the node the weight comes from, or 'bias'
    input: float  # what it multiplies (1 for a bias)
    gradient: float  # dLoss/dparam = the neuron's δ × input
    old: float
    stepped: float  # old − learning rate × gradient
    regularization: float  # learning rate × regularization rate × reg'(old), taken off after the step (weights)
    new: float
    frozen: bool  # L1 set this weight to 0 earlier: it no longer moves
    dies: bool  # L1 pushes it across zero now: it is set to 0 and frozen

    @property
    def is_bias(self) -> bool:
        return self.source == "bias"


@dataclass(frozen=True)
class FromAbove:
    """One link to a neuron of the layer above, in the chain rule's sum: weight × that neuron's δ."""

    to: str
    weight: float
    delta: float
    product: float


@dataclass(frozen=True)
class NeuronGradient:
    """One neuron in the backward pass: dLoss/d(its output), times its activation's slope, is its δ."""

    layer: int
    neuron: int
    name: str
    output: float
    preactivation: float
    d_output: float  # dLoss/d(output): from the loss at an output, Σ weight × δ above at a hidden neuron
    from_above: tuple[FromAbove, ...]  # empty at an output
    activation: str
    slope: float  # activation'(z)
    delta: float  # dLoss/dz = d_output × slope
    weights: tuple[ParamStep, ...]  # the links into this neuron
    bias: ParamStep


@dataclass(frozen=True)
class GradientStep:
    """One plain gradient step (SGD) for one training point, as the engine takes it with batch size 1."""

    point: tuple[float, float]
    inputs: tuple[float, ...]  # the input features' values
    target: float  # what the output should be (−1/+1 for TF's squared error, 0/1 for cross-entropy)
    loss_name: str  # "squared error", "cross-entropy", "softmax cross-entropy"
    outputs: tuple[float, ...]  # the output node(s): tanh or linear value, or the logit(s)
    probabilities: tuple[float, ...]  # sigmoid/softmax of the logit(s) for cross-entropy, else ()
    loss: float  # on this point, before the step
    output_error: tuple[float, ...]  # dLoss/d(output) of each output node
    learning_rate: float
    regularization: str  # "none", "L1" or "L2"
    regularization_rate: float
    layers: tuple[tuple[NeuronGradient, ...], ...]  # from the output layer back to the first hidden one
    params: np.ndarray  # every parameter after the step
    alive: np.ndarray  # which weights are alive after it (L1 may freeze some)
    loss_after: float  # on this point, after the step

    def gradient(self) -> np.ndarray:
        """dLoss/dparam for this point in the engine's flat layout (the data term, as Network2D.gradient)."""
        grad = np.zeros(self.params.shape[0])
        for layer in self.layers:
            for neuron in layer:
                for step in (*neuron.weights, neuron.bias):
                    grad[step.index] = step.gradient
        return grad


def _sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _output_error(net: Network2D, outputs: np.ndarray, target: float) -> tuple[list[float], list[float], float]:
    """(dLoss/d(output) per output node, probabilities for cross-entropy, the loss) as the kernels compute them."""
    if net.loss_code == k.LOSS_MSE:  # 0.5 (o − t)²: dL/do = o − t
        error = float(outputs[0]) - target
        return [error], [], 0.5 * error * error
    if net.loss_code == k.LOSS_BCE:  # the output is a logit z; p = sigmoid(z), dL/dz = p − t
        z = float(outputs[0])
        p = _sigmoid(z)
        return [p - target], [p], max(z, 0.0) - z * target + math.log1p(math.exp(-abs(z)))
    logits = [float(v) for v in outputs]  # softmax cross-entropy: dL/dz_k = softmax_k − onehot_k
    m = max(logits)
    s = sum(math.exp(v - m) for v in logits)
    probs = [math.exp(v - m) / s for v in logits]
    errors = [p - (1.0 if kk == int(target) else 0.0) for kk, p in enumerate(probs)]
    return errors, probs, m + math.log(s) - logits[int(target)]


def _param_step(net: Network2D, index: int, source: str, value: float, gradient: float, lr: float, reg: int,
                rate: float) -> ParamStep:
    """kernels.apply_update for plain SGD with one accumulated example, for one parameter."""
    old = float(net.params[index])
    if net.alive[index] == 0:
        return ParamStep(index, source, value, gradient, old, old, 0.0, old, frozen=True, dies=False)
    stepped = old - lr * gradient
    if not net.is_weight[index] or reg == k.REG_NONE:
        return ParamStep(index, source, value, gradient, old, stepped, 0.0, stepped, frozen=False, dies=False)
    derivative = (1.0 if old > 0.0 else (-1.0 if old < 0.0 else 0.0)) if reg == k.REG_L1 else old
    shrink = lr * rate * derivative
    new = stepped - shrink
    dies = reg == k.REG_L1 and stepped * new < 0.0
    return ParamStep(index, source, value, gradient, old, stepped, shrink, 0.0 if dies else new,
                     frozen=False, dies=dies)


def gradient_step(net: Network2D, features: Sequence[str], point: tuple[float, float], label: float,
                  learning_rate: float, regularization: str = "none",
                  regularization_rate: float = 0.0) -> GradientStep:
    """One gradient step for the training point (x₁, x₂) of class (or value) `label`: the loss of the
    network's head (TF's squared error, or cross-entropy), backpropagated layer by layer from the output,
    then each parameter moved by −learning rate × its gradient, and TF's regularisation as set. The network
    is not changed (apply_step does that)."""
    reg = REGULARIZATIONS[regularization]
    rate = float(regularization_rate) if reg != k.REG_NONE else 0.0
    lr = float(learning_rate)
    target = float(net.targets_for(np.array([label]))[0])
    inputs = inputs_of(features, point)
    ahead = forward(net, inputs)
    top = net.n_layers
    errors, probabilities, loss = _output_error(net, ahead.outputs[top], target)
    new_params, new_alive = net.params.copy(), net.alive.copy()
    layers: list[tuple[NeuronGradient, ...]] = []
    deltas_above: np.ndarray | None = None
    for layer in range(top, 0, -1):  # node layers, from the output back
        n_nodes, below = int(net.sizes[layer]), ahead.outputs[layer - 1]
        deltas = np.empty(n_nodes)
        neurons = []
        for i in range(n_nodes):
            slope = float(ahead.slopes[layer][i])
            above: list[FromAbove] = []
            if layer == top:
                d_output = errors[i]  # (a cross-entropy head's output is linear: its slope is 1)
            else:  # Σ over the layer above of W[up, i] × δ_up, in the kernel's order
                d_output = 0.0
                for up in range(int(net.sizes[layer + 1])):
                    weight = float(net.params[net.weight_index(layer, up, i)])
                    product = weight * float(deltas_above[up])
                    above.append(FromAbove(node_name(net, features, layer + 1, up), weight, float(deltas_above[up]),
                                           product))
                    d_output += product
            delta = d_output * slope
            deltas[i] = delta
            weights = []
            for j in range(below.shape[0]):
                index = net.weight_index(layer - 1, i, j)
                weights.append(_param_step(net, index, node_name(net, features, layer - 1, j), float(below[j]),
                                           delta * float(below[j]), lr, reg, rate))
            bias = _param_step(net, net.bias_index(layer, i), "bias", 1.0, delta, lr, reg, rate)
            for step in (*weights, bias):
                new_params[step.index] = step.new
                if step.dies:
                    new_alive[step.index] = 0
            neurons.append(NeuronGradient(
                layer=layer, neuron=i, name=node_name(net, features, layer, i), output=float(ahead.outputs[layer][i]),
                preactivation=float(ahead.preactivations[layer][i]), d_output=d_output, from_above=tuple(above),
                activation=activation_name(net, layer), slope=slope, delta=delta, weights=tuple(weights), bias=bias,
            ))
        layers.append(tuple(neurons))
        deltas_above = deltas
    row = np.ascontiguousarray(inputs.reshape(1, -1))
    loss_after = float(k.mean_loss(new_params, net.sizes, net.w_off, net.b_off, net.node_off, net.acts,
                                   net.loss_code, row, np.array([target])))
    return GradientStep(
        point=(float(point[0]), float(point[1])), inputs=tuple(float(v) for v in inputs), target=target,
        loss_name=LOSS_NAMES[net.loss_code], outputs=tuple(float(v) for v in ahead.outputs[top]),
        probabilities=tuple(probabilities), loss=loss, output_error=tuple(errors), learning_rate=lr,
        regularization=regularization, regularization_rate=rate, layers=tuple(layers), params=new_params,
        alive=new_alive, loss_after=loss_after,
    )


def apply_step(net: Network2D, step: GradientStep) -> None:
    """Give the network the parameters after `step` (its optimiser's state and any batch it was
    accumulating are left as they were)."""
    if step.params.shape != net.params.shape:
        raise ValueError("that step was taken on another network")
    net.params[:] = step.params
    net.alive[:] = step.alive
