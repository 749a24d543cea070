"""A small dense network in NumPy (float64), each layer's backward written beside its forward, and the two
optimisers (SGD, Adam). At GAN Lab's sizes (a batch of 150, 8 neurons) NumPy's per-call cost is a few µs
where PyTorch's is tens, so the parameters live in one flat array (views per layer) and an optimiser step is
a handful of whole-array operations."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
from threadpoolctl import threadpool_limits

F = TypeVar("F", bound=Callable)
_LIMITED = threading.local()  # whether this thread is inside a one_thread call


def one_thread(work: F) -> F:
    """Run `work` with NumPy's BLAS on one thread. These networks' matrices are small: OpenBLAS's threads only
    wait for each other, and on a busy 2-core server they fight every learner's work (measured: 3 layers of
    64, 111 ms an iteration with 2 threads on a loaded machine, 8.6 ms with one). About 0.1 ms a call, so it
    wraps whole trainings and frames, not single steps."""
    @functools.wraps(work)
    def call(*args, **kwargs):
        if getattr(_LIMITED, "on", False):  # already inside a limited call (train -> step -> record)
            return work(*args, **kwargs)
        _LIMITED.on = True
        try:
            with threadpool_limits(1, user_api="blas"):
                return work(*args, **kwargs)
        finally:
            _LIMITED.on = False
    return call  # type: ignore[return-value]

ACTIVATIONS = ("relu", "leaky-relu", "tanh", "sigmoid", "linear")
LEAKY_SLOPE = 0.2  # leaky ReLU's slope for negative inputs (the usual GAN choice)
OPTIMISERS = ("sgd", "adam")
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """The activation applied to pre-activations z (a new array)."""
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "leaky-relu":
        return np.where(z > 0.0, z, LEAKY_SLOPE * z)
    if name == "tanh":
        return np.tanh(z)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free logistic
    return z


def _activation_backward(name: str, z: np.ndarray, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """dL/dz from dL/da, given pre-activation z and activation a."""
    if name == "relu":
        return grad * (z > 0.0)
    if name == "leaky-relu":
        return grad * np.where(z > 0.0, 1.0, LEAKY_SLOPE)
    if name == "tanh":
        return grad * (1.0 - a * a)
    if name == "sigmoid":
        return grad * (a * (1.0 - a))
    return grad


class MLP:
    """Dense layers sizes[0] → … → sizes[-1]: `hidden` after every layer but the last, `output` after it.

    GAN Lab's initialisation: the first layer's weights N(0, 1/√2), every later layer's N(0, 1/√fan_in),
    biases 0. `params` is [W0, b0, W1, b1, ...] (W: (fan_in, fan_out)), all views into `flat`.
    """

    def __init__(self, sizes: Sequence[int], hidden: str, output: str, rng: np.random.Generator) -> None:
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"an MLP needs at least two positive sizes, got {list(sizes)}")
        if hidden not in ACTIVATIONS or output not in ACTIVATIONS:
            raise ValueError(f"activations are {ACTIVATIONS}, got {hidden!r} / {output!r}")
        self.sizes = [int(s) for s in sizes]
        self.hidden, self.output = hidden, output
        shapes = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            shapes += [(fan_in, fan_out), (fan_out,)]
        total = sum(int(np.prod(s)) for s in shapes)
        self.flat = np.zeros(total)
        self.grad_flat = np.zeros(total)
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        start = 0
        for shape in shapes:
            size = int(np.prod(shape))
            self.params.append(self.flat[start : start + size].reshape(shape))
            self.grads.append(self.grad_flat[start : start + size].reshape(shape))
            start += size
        for i, w in enumerate(self.params[0::2]):
            w[...] = rng.normal(0.0, 1.0 / np.sqrt(2.0 if i == 0 else w.shape[0]), w.shape)
        self._kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (input, pre-activation, output)

    @property
    def layer_count(self) -> int:
        """How many dense layers (hidden ones plus the output one)."""
        return len(self.sizes) - 1

    def activation_of(self, layer: int) -> str:
        """The activation after dense layer `layer`."""
        return self.output if layer == self.layer_count - 1 else self.hidden

    def forward(self, x: np.ndarray, keep: bool = True) -> np.ndarray:
        """The network's output for x (n, sizes[0]); keeps what backward needs unless keep is False."""
        kept = []
        a = x
        for i in range(self.layer_count):
            z = a @ self.params[2 * i]
            z += self.params[2 * i + 1]
            out = _activate(self.activation_of(i), z)
            kept.append((a, z, out))
            a = out
        if keep:
            self._kept = kept
        return a

    def backward(self, grad_out: np.ndarray, param_grads: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
        """(dL/dparams, dL/dx) for the last forward, given dL/doutput; the parameter gradients are written
        into `grads` (views of `grad_flat`) and returned; with param_grads False only dL/dx is computed."""
        grad = grad_out
        for i in reversed(range(self.layer_count)):
            a_in, z, out = self._kept[i]
            delta = _activation_backward(self.activation_of(i), z, out, grad)
            if param_grads:
                np.dot(a_in.T, delta, out=self.grads[2 * i])
                np.sum(delta, axis=0, out=self.grads[2 * i + 1])
            grad = delta @ self.params[2 * i].T
        return self.grads, grad

    def size(self) -> int:
        """Number of parameters."""
        return int(self.flat.size)


class Optimizer:
    """SGD or Adam (PyTorch's update: bias-corrected moments, ε outside the square root) over flat arrays."""

    def __init__(self, kind: str, lr: float) -> None:
        if kind not in OPTIMISERS:
            raise ValueError(f"optimisers are {OPTIMISERS}, got {kind!r}")
        self.kind, self.lr = kind, float(lr)
        self.t = 0
        self._m: list[np.ndarray] = []
        self._v: list[np.ndarray] = []

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of each parameter array in place from its gradient."""
        if self.kind == "sgd":
            for p, g in zip(params, grads, strict=True):
                p -= self.lr * g
            return
        b1, b2 = ADAM_BETAS
        if not self._m:
            self._m = [np.zeros_like(p) for p in params]
            self._v = [np.zeros_like(p) for p in params]
        self.t += 1
        step_size = self.lr / (1.0 - b1**self.t)
        root_correction = np.sqrt(1.0 - b2**self.t)
        for p, g, m, v in zip(params, grads, self._m, self._v, strict=True):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            p -= step_size * m / (np.sqrt(v) / root_correction + ADAM_EPS)
