"""TensorFlow Playground's nn.ts (and the training step of playground.ts), transcribed literally to Python.

This is the yardstick for the fast engine (playground/engine2d/network.py + mlp_kernels.py): slow on purpose, one
object per node and per link, every loop and every operation in the TypeScript's order, so that a test
can say "the same settings learn the same way as TF" and mean it. Do not optimise it.

Only what TF has: activations tanh, relu, sigmoid, linear; the squared error; L1/L2 regularisation;
plain SGD with TF's batching (update when (i + 1) % batchSize == 0, the remainder carrying over).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# ----------------------------------------------------------------------------- nn.ts: functions


@dataclass(frozen=True)
class ActivationFunction:
    output: Callable[[float], float]
    der: Callable[[float], float]


def _tanh_der(x: float) -> float:
    output = math.tanh(x)  # Math.tanh
    return 1 - output * output


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _sigmoid_der(x: float) -> float:
    output = _sigmoid(x)
    return output * (1 - output)


class Activations:
    TANH = ActivationFunction(output=math.tanh, der=_tanh_der)
    RELU = ActivationFunction(output=lambda x: max(0.0, x), der=lambda x: 0.0 if x <= 0 else 1.0)
    SIGMOID = ActivationFunction(output=_sigmoid, der=_sigmoid_der)
    LINEAR = ActivationFunction(output=lambda x: x, der=lambda x: 1.0)


ACTIVATIONS_BY_NAME = {
    "tanh": Activations.TANH,
    "relu": Activations.RELU,
    "sigmoid": Activations.SIGMOID,
    "linear": Activations.LINEAR,
}


@dataclass(frozen=True)
class ErrorFunction:
    error: Callable[[float, float], float]
    der: Callable[[float, float], float]


class Errors:
    SQUARE = ErrorFunction(error=lambda output, target: 0.5 * (output - target) ** 2,
                           der=lambda output, target: output - target)


@dataclass(frozen=True)
class RegularizationFunction:
    output: Callable[[float], float]
    der: Callable[[float], float]


class RegularizationFunctions:
    L1 = RegularizationFunction(output=abs, der=lambda w: -1.0 if w < 0 else (1.0 if w > 0 else 0.0))
    L2 = RegularizationFunction(output=lambda w: 0.5 * w * w, der=lambda w: w)


REGULARIZATIONS_BY_NAME = {"none": None, "L1": RegularizationFunctions.L1, "L2": RegularizationFunctions.L2}

# ----------------------------------------------------------------------------- nn.ts: Node and Link


class Node:
    """A node of the network: its bias, the links into and out of it, and its values during a step."""

    def __init__(self, node_id: str, activation: ActivationFunction, init_zero: bool = False) -> None:
        self.id = node_id
        self.input_links: list[Link] = []
        self.bias = 0.0 if init_zero else 0.1
        self.outputs: list[Link] = []
        self.total_input = 0.0
        self.output = 0.0
        self.output_der = 0.0  # error derivative with respect to this node's output
        self.input_der = 0.0  # ... with respect to its total input
        self.acc_input_der = 0.0  # accumulated input_der since the last update
        self.num_accumulated_ders = 0
        self.activation = activation

    def update_output(self) -> float:
        self.total_input = self.bias
        for link in self.input_links:
            self.total_input += link.weight * link.source.output
        self.output = self.activation.output(self.total_input)
        return self.output


class Link:
    """A weighted link between two nodes; `random` plays the role of the seeded Math.random."""

    def __init__(self, source: Node, dest: Node, regularization: RegularizationFunction | None,
                 random: Callable[[], float] | None, init_zero: bool = False) -> None:
        self.id = source.id + "-" + dest.id
        self.source = source
        self.dest = dest
        self.weight = 0.0 if init_zero else random() - 0.5
        self.is_dead = False
        self.error_der = 0.0
        self.acc_error_der = 0.0
        self.num_accumulated_ders = 0
        self.regularization = regularization


# ----------------------------------------------------------------------------- nn.ts: the algorithms


def build_network(network_shape: list[int], activation: ActivationFunction,
                  output_activation: ActivationFunction, regularization: RegularizationFunction | None,
                  input_ids: list[str], random: Callable[[], float] | None,
                  init_zero: bool = False) -> list[list[Node]]:
    num_layers = len(network_shape)
    node_counter = 1
    network: list[list[Node]] = []
    for layer_idx in range(num_layers):
        is_output_layer = layer_idx == num_layers - 1
        is_input_layer = layer_idx == 0
        current_layer: list[Node] = []
        network.append(current_layer)
        for i in range(network_shape[layer_idx]):
            if is_input_layer:
                node_id = input_ids[i]
            else:
                node_id = str(node_counter)
                node_counter += 1
            node = Node(node_id, output_activation if is_output_layer else activation, init_zero)
            current_layer.append(node)
            if layer_idx >= 1:
                for prev_node in network[layer_idx - 1]:
                    link = Link(prev_node, node, regularization, random, init_zero)
                    prev_node.outputs.append(link)
                    node.input_links.append(link)
    return network


def forward_prop(network: list[list[Node]], inputs: list[float]) -> float:
    input_layer = network[0]
    if len(inputs) != len(input_layer):
        raise ValueError("The number of inputs must match the number of nodes in the input layer")
    for node, value in zip(input_layer, inputs, strict=True):
        node.output = value
    for layer_idx in range(1, len(network)):
        for node in network[layer_idx]:
            node.update_output()
    return network[-1][0].output


def back_prop(network: list[list[Node]], target: float, error_func: ErrorFunction) -> None:
    output_node = network[-1][0]
    output_node.output_der = error_func.der(output_node.output, target)
    for layer_idx in range(len(network) - 1, 0, -1):
        current_layer = network[layer_idx]
        # dE/d(total input) of each node
        for node in current_layer:
            node.input_der = node.output_der * node.activation.der(node.total_input)
            node.acc_input_der += node.input_der
            node.num_accumulated_ders += 1
        # dE/d(weight) of each link into the layer
        for node in current_layer:
            for link in node.input_links:
                if link.is_dead:
                    continue
                link.error_der = node.input_der * link.source.output
                link.acc_error_der += link.error_der
                link.num_accumulated_ders += 1
        if layer_idx == 1:
            continue
        for node in network[layer_idx - 1]:
            node.output_der = 0.0
            for output in node.outputs:
                node.output_der += output.weight * output.dest.input_der


def update_weights(network: list[list[Node]], learning_rate: float, regularization_rate: float) -> None:
    for layer_idx in range(1, len(network)):
        for node in network[layer_idx]:
            if node.num_accumulated_ders > 0:
                node.bias -= learning_rate * node.acc_input_der / node.num_accumulated_ders
                node.acc_input_der = 0.0
                node.num_accumulated_ders = 0
            for link in node.input_links:
                if link.is_dead:
                    continue
                regul_der = link.regularization.der(link.weight) if link.regularization else 0.0
                if link.num_accumulated_ders > 0:
                    link.weight = (link.weight
                                   - (learning_rate / link.num_accumulated_ders) * link.acc_error_der)
                    new_link_weight = link.weight - (learning_rate * regularization_rate) * regul_der
                    if (link.regularization is RegularizationFunctions.L1
                            and link.weight * new_link_weight < 0):
                        # the weight crossed 0 because of the regularisation term: set it to 0
                        link.weight = 0.0
                        link.is_dead = True
                    else:
                        link.weight = new_link_weight
                    link.acc_error_der = 0.0
                    link.num_accumulated_ders = 0


# ----------------------------------------------------------------------------- playground.ts


class Playground:
    """playground.ts's training state: the network, the data as feature rows, and oneStep / getLoss."""

    def __init__(self, network_shape: list[int], activation: str, problem: str, regularization: str,
                 input_ids: list[str], random: Callable[[], float] | None, init_zero: bool = False) -> None:
        output_activation = Activations.LINEAR if problem == "regression" else Activations.TANH
        shape = [len(input_ids), *network_shape, 1]
        self.network = build_network(shape, ACTIVATIONS_BY_NAME[activation], output_activation,
                                     REGULARIZATIONS_BY_NAME[regularization], input_ids, random, init_zero)
        self.iter = 0

    def one_step(self, train_inputs: list[list[float]], train_labels: list[float], batch_size: int,
                 learning_rate: float, regularization_rate: float) -> None:
        self.iter += 1
        for i, (inputs, label) in enumerate(zip(train_inputs, train_labels, strict=True)):
            forward_prop(self.network, inputs)
            back_prop(self.network, label, Errors.SQUARE)
            if (i + 1) % batch_size == 0:
                update_weights(self.network, learning_rate, regularization_rate)

    def get_loss(self, inputs: list[list[float]], labels: list[float]) -> float:
        loss = 0.0
        for row, label in zip(inputs, labels, strict=True):
            output = forward_prop(self.network, row)
            loss += Errors.SQUARE.error(output, label)
        return loss / len(inputs)

    # ----- reading the state out in the engine's layout, for comparisons

    def weight_layers(self) -> list[list[list[float]]]:
        """W[layer][to][from], as the engine stores it."""
        return [[[link.weight for link in node.input_links] for node in layer] for layer in self.network[1:]]

    def bias_layers(self) -> list[list[float]]:
        return [[node.bias for node in layer] for layer in self.network[1:]]

    def dead_layers(self) -> list[list[list[bool]]]:
        return [[[link.is_dead for link in node.input_links] for node in layer] for layer in self.network[1:]]
