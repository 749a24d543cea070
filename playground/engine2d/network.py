"""The 2D engine: a small fully connected network on 2D features, its training state and its settings.

Pure maths, no UI (like TensorFlow Playground's nn.ts). The compiled loops are in mlp_kernels.py;
this module owns the parameter layout, initialisation, and reading or editing single weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.engine2d import kernels as k
from playground.engine2d.activations import LINEAR, TANH, code_of

# How the output layer and the loss go together, per problem.
HEADS = {
    # name: (output activation, loss, targets)
    "tanh-squared": (TANH, k.LOSS_MSE),  # TF's classification: one tanh output, targets -1/+1
    "sigmoid-cross-entropy": (LINEAR, k.LOSS_BCE),  # one logit, targets 0/1
    "softmax-cross-entropy": (LINEAR, k.LOSS_CE),  # one logit per class, targets = class ids
    "linear-squared": (LINEAR, k.LOSS_MSE),  # TF's regression: one linear output
}
REGULARIZATIONS = {"none": k.REG_NONE, "L1": k.REG_L1, "L2": k.REG_L2}
OPTIMIZERS = {"sgd": k.OPT_SGD, "momentum": k.OPT_MOMENTUM, "adam": k.OPT_ADAM}


def head_for(problem: str, n_classes: int, loss: str) -> str:
    """The output head of a problem: TF's choices, plus cross-entropy and softmax."""
    if problem == "regression":
        return "linear-squared"
    if n_classes > 2:
        return "softmax-cross-entropy"
    return "sigmoid-cross-entropy" if loss == "cross-entropy" else "tanh-squared"


@dataclass
class TrainSettings:
    """What the learner can change without rebuilding the network (applied live)."""

    learning_rate: float = 0.03
    batch_size: int = 10
    regularization: str = "none"  # "none", "L1" or "L2"
    regularization_rate: float = 0.0
    optimizer: str = "sgd"  # "sgd", "momentum" or "adam"
    momentum: float = 0.9


@dataclass
class Network2D:
    """A network inputs -> hidden layers -> output, parameters in one flat vector (see mlp_kernels)."""

    n_inputs: int
    hidden: list[int]  # neurons per hidden layer
    activations: list[str]  # one activation name per hidden layer
    head: str = "tanh-squared"
    n_outputs: int = 1
    params: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]
    # ----- training state, kept with the network so an interrupted loop loses nothing
    alive: np.ndarray = field(default=None, repr=False)  # 0 where L1 has frozen a weight at zero
    grad: np.ndarray = field(default=None, repr=False)  # gradient sum since the last update
    count: int = 0  # examples accumulated in grad (a batch remainder carries over epochs)
    velocity: np.ndarray = field(default=None, repr=False)  # momentum buffer
    adam_m: np.ndarray = field(default=None, repr=False)
    adam_v: np.ndarray = field(default=None, repr=False)
    adam_t: int = 0

    def __post_init__(self) -> None:
        if len(self.activations) != len(self.hidden):
            raise ValueError("one activation per hidden layer")
        self.sizes = np.array([self.n_inputs, *self.hidden, self.n_outputs], dtype=np.int64)
        n_layers = len(self.sizes) - 1
        self.w_off = np.zeros(n_layers, dtype=np.int64)
        self.b_off = np.zeros(n_layers, dtype=np.int64)
        offset = 0
        for layer in range(n_layers):
            self.w_off[layer] = offset
            offset += self.sizes[layer] * self.sizes[layer + 1]
            self.b_off[layer] = offset
            offset += self.sizes[layer + 1]
        self.node_off = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        out_code, self.loss_code = HEADS[self.head]
        self.acts = np.array([code_of(a) for a in self.activations] + [out_code], dtype=np.int64)
        self.is_weight = np.ones(offset, dtype=np.uint8)
        for layer in range(n_layers):
            self.is_weight[self.b_off[layer] : self.b_off[layer] + self.sizes[layer + 1]] = 0
        if self.params is None:
            self.params = np.zeros(offset)
        for name in ("grad", "velocity", "adam_m", "adam_v"):
            if getattr(self, name) is None:
                setattr(self, name, np.zeros(offset))
        if self.alive is None:
            self.alive = np.ones(offset, dtype=np.uint8)

    # ------------------------------------------------------------------ construction

    @classmethod
    def build(cls, n_inputs: int, hidden: list[int], activations: list[str], head: str = "tanh-squared",
              n_outputs: int = 1, random=None, init_zero: bool = False) -> Network2D:
        """TF's buildNetwork: every weight random() - 0.5 drawn layer by layer, node by node, link by
        link (so the same seeded stream gives TF's very weights), every bias 0.1; or all 0 (initZero).

        `random` is a callable returning floats in [0, 1) (a SeedRandom's .random).
        """
        net = cls(n_inputs, list(hidden), list(activations), head, n_outputs)
        if init_zero:
            return net
        if random is None:
            raise ValueError("build needs a random source (e.g. SeedRandom(seed).random)")
        for layer in range(len(net.sizes) - 1):
            n_in, n_out = int(net.sizes[layer]), int(net.sizes[layer + 1])
            w = net.w_off[layer]
            for i in range(n_out):
                for j in range(n_in):
                    net.params[w + i * n_in + j] = random() - 0.5
            net.params[net.b_off[layer] : net.b_off[layer] + n_out] = 0.1
        return net

    # ------------------------------------------------------------------ training

    def _layout(self):
        return self.params, self.sizes, self.w_off, self.b_off, self.node_off, self.acts

    def train_epoch(self, features: np.ndarray, targets: np.ndarray, s: TrainSettings, epochs: int = 1) -> None:
        """`epochs` epochs: every training point once each, in order, updating after each batch."""
        if features.shape[0] == 0 or epochs < 1:
            return
        self.count, self.adam_t = k.train_epochs(
            *self._layout(), self.loss_code, features, targets, int(max(1, s.batch_size)),
            self.grad, self.count, self.alive, self.is_weight, float(s.learning_rate),
            REGULARIZATIONS[s.regularization], float(s.regularization_rate), OPTIMIZERS[s.optimizer],
            float(s.momentum), self.velocity, self.adam_m, self.adam_v, self.adam_t, int(epochs),
        )

    def loss(self, features: np.ndarray, targets: np.ndarray) -> float:
        """Mean loss over the points (0.5·(out−target)² for TF's heads)."""
        return float(k.mean_loss(*self._layout(), self.loss_code, features, targets))

    def gradient(self, features: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Mean dLoss/dparam over the points (the data term only; for tests)."""
        g = k.gradient_sum(*self._layout(), self.loss_code, features, targets)
        return g / max(1, features.shape[0])

    def node_outputs(self, features: np.ndarray) -> np.ndarray:
        """(total_nodes, n_points): every node's output, input nodes first, output nodes last."""
        return k.all_node_outputs(*self._layout(), np.ascontiguousarray(features, dtype=np.float64))

    # ------------------------------------------------------------------ reading outputs

    @property
    def n_layers(self) -> int:
        """Layers of weights (hidden layers + 1)."""
        return len(self.sizes) - 1

    def layer_nodes(self, outputs: np.ndarray, layer: int) -> np.ndarray:
        """Rows of node_outputs() for node layer `layer` (0 = inputs, last = outputs)."""
        return outputs[self.node_off[layer] : self.node_off[layer + 1]]

    def display_output(self, outputs: np.ndarray) -> np.ndarray:
        """The output as the pictures show it: in [-1, 1] for two classes (tanh, or 2·sigmoid − 1 for a
        logit), the raw value for regression, class probabilities (n, k) for softmax."""
        out = self.layer_nodes(outputs, self.n_layers)
        if self.head == "softmax-cross-entropy":
            z = out - out.max(axis=0, keepdims=True)
            e = np.exp(z)
            return (e / e.sum(axis=0, keepdims=True)).T
        if self.head == "sigmoid-cross-entropy":
            return np.tanh(out[0] / 2.0)  # = 2·sigmoid(z) − 1
        return out[0]

    def targets_for(self, labels: np.ndarray) -> np.ndarray:
        """Training targets from dataset labels (class ids, or real values for regression)."""
        labels = np.asarray(labels)
        if self.head == "tanh-squared":
            return np.where(labels > 0, 1.0, -1.0)
        return labels.astype(np.float64)

    # ------------------------------------------------------------------ single weights

    def weight_index(self, layer: int, to_node: int, from_node: int) -> int:
        """Index in params of W[to_node, from_node] of weight layer `layer`."""
        if not (0 <= from_node < self.sizes[layer] and 0 <= to_node < self.sizes[layer + 1]):
            raise IndexError(f"no link {from_node}->{to_node} in layer {layer}")
        return int(self.w_off[layer] + to_node * self.sizes[layer] + from_node)

    def bias_index(self, layer: int, node: int) -> int:
        """Index in params of the bias of node `node` in node layer `layer` (1 = first hidden)."""
        if not (1 <= layer <= self.n_layers and 0 <= node < self.sizes[layer]):
            raise IndexError(f"no node {node} in layer {layer}")
        return int(self.b_off[layer - 1] + node)

    def weights(self, layer: int) -> np.ndarray:
        """W of weight layer `layer` as a (to, from) view into params."""
        n_in, n_out = int(self.sizes[layer]), int(self.sizes[layer + 1])
        return self.params[self.w_off[layer] : self.w_off[layer] + n_in * n_out].reshape(n_out, n_in)

    def biases(self, layer: int) -> np.ndarray:
        """Biases of weight layer `layer` (the nodes of node layer layer + 1), a view into params."""
        return self.params[self.b_off[layer] : self.b_off[layer] + int(self.sizes[layer + 1])]

    def set_param(self, index: int, value: float) -> None:
        """Set one weight or bias (a learner's edit); an edited weight comes back to life."""
        if not np.isfinite(value):
            raise ValueError("a weight must be a finite number")
        self.params[index] = float(value)
        self.alive[index] = 1

    @property
    def n_params(self) -> int:
        return int(self.params.shape[0])
