"""The 2D engine's compiled inner loops: forward, backward and the weight update, one example at a time.

Why not NumPy: the Playground trains tiny networks (at most 16 neurons a layer) on batches of 1-30
points, where every NumPy call costs more than the arithmetic it does. These loops follow TensorFlow
Playground's nn.ts operation for operation (per-example backprop, gradients accumulated and averaged at
each batch end, regularisation applied after the gradient step), so the same settings learn the same
way, and Numba compiles them to run ~10x faster than hand-written NumPy.

Parameters live in one flat float64 vector. Layer l (0-based, mapping sizes[l] -> sizes[l+1]) has its
weights W[i, j] (to node i from node j, row-major) at w_off[l] and its biases at b_off[l]. Node values
of every layer (inputs first) live in a node-major buffer out[node, example], rows from node_off[l].

Examples that share the same weights (a batch, or any forward-only pass) go through a layer together:
the arithmetic is the same as one at a time, but independent examples keep the CPU busy while an
exp() is in flight, which makes the loops ~3x faster on tanh networks.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from playground.engine2d.activations import activate

LOSS_MSE, LOSS_BCE, LOSS_CE = 0, 1, 2  # squared error (TF), binary cross-entropy, softmax cross-entropy
REG_NONE, REG_L1, REG_L2 = 0, 1, 2
OPT_SGD, OPT_MOMENTUM, OPT_ADAM = 0, 1, 2


BLOCK = 64  # examples per block in forward-only passes


@njit(cache=True, nogil=True)
def forward_block(params, sizes, w_off, b_off, node_off, acts, x, first, count, out, dact):
    """Examples x[first:first+count] through the network: node outputs into out[:, :count] and
    activation slopes into dact[:, :count] (node-major, so the example loop is the inner one)."""
    n_layers = sizes.shape[0] - 1
    for j in range(sizes[0]):
        for n in range(count):
            out[j, n] = x[first + n, j]
    for layer in range(n_layers):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        src, dst, w, b = node_off[layer], node_off[layer + 1], w_off[layer], b_off[layer]
        code = acts[layer]
        for i in range(n_out):
            z = out[dst + i]
            bias = params[b + i]
            for n in range(count):
                z[n] = bias
            row = w + i * n_in
            for j in range(n_in):
                wij = params[row + j]
                prev = out[src + j]
                for n in range(count):
                    z[n] += wij * prev[n]
            slope = dact[dst + i]
            for n in range(count):
                a, d = activate(code, z[n])
                z[n] = a
                slope[n] = d


@njit(cache=True, nogil=True)
def example_loss(loss, out, first, n_out, target, n):
    """Loss of example n from the output rows out[first:first+n_out] (logits for BCE and CE)."""
    if loss == LOSS_MSE:  # 0.5 (o - t)^2, as TF
        e = out[first, n] - target
        return 0.5 * e * e
    if loss == LOSS_BCE:  # -[y log p + (1-y) log(1-p)], p = sigmoid(z), written stably in z
        z = out[first, n]
        return max(z, 0.0) - z * target + math.log1p(math.exp(-abs(z)))
    # LOSS_CE: logsumexp(z) - z[target]
    m, s = _max_and_exp_sum(out, first, n_out, n)
    return m + math.log(s) - out[first + int(target), n]


@njit(cache=True, nogil=True)
def _max_and_exp_sum(out, first, n_out, n):
    """(m, Σ exp(z_k - m)) over example n's logits, m = max z_k: softmax and logsumexp without overflow."""
    m = out[first, n]
    for k in range(1, n_out):
        m = max(m, out[first + k, n])
    s = 0.0
    for k in range(n_out):
        s += math.exp(out[first + k, n] - m)
    return m, s


@njit(cache=True, nogil=True)
def output_delta(loss, out, dact, first, n_out, target, delta, n):
    """dLoss/dz of example n's output nodes into delta[first:first+n_out, n]."""
    if loss == LOSS_MSE:  # dL/do = o - t, times the output activation's slope
        delta[first, n] = (out[first, n] - target) * dact[first, n]
    elif loss == LOSS_BCE:  # sigmoid(z) - y
        z = out[first, n]
        p = 1.0 / (1.0 + math.exp(-z)) if z >= 0.0 else math.exp(z) / (1.0 + math.exp(z))
        delta[first, n] = p - target
    else:  # softmax(z) - onehot(target)
        m, s = _max_and_exp_sum(out, first, n_out, n)
        for k in range(n_out):
            onehot = 1.0 if k == int(target) else 0.0
            delta[first + k, n] = math.exp(out[first + k, n] - m) / s - onehot


@njit(cache=True, nogil=True)
def accumulate_block(params, sizes, w_off, b_off, node_off, acts, loss, x, targets, first, count,
                     out, dact, delta, grad):
    """Forward and backward examples first..first+count-1 at the current weights, adding the sum of
    their dLoss/dparam into `grad` (TF accumulates the same per-example gradients one by one)."""
    forward_block(params, sizes, w_off, b_off, node_off, acts, x, first, count, out, dact)
    n_layers = sizes.shape[0] - 1
    last = node_off[n_layers]
    for n in range(count):
        output_delta(loss, out, dact, last, sizes[n_layers], targets[first + n], delta, n)
    for layer in range(n_layers - 1, -1, -1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        src, dst, w, b = node_off[layer], node_off[layer + 1], w_off[layer], b_off[layer]
        for i in range(n_out):
            d = delta[dst + i]
            s = 0.0
            for n in range(count):
                s += d[n]
            grad[b + i] += s
            row = w + i * n_in
            for j in range(n_in):
                prev = out[src + j]
                s = 0.0
                for n in range(count):
                    s += d[n] * prev[n]
                grad[row + j] += s
        if layer > 0:  # dLoss/dz of the layer below: slope * sum_i W[i, j] delta_i
            for j in range(n_in):
                below = delta[src + j]
                for n in range(count):
                    below[n] = 0.0
                for i in range(n_out):
                    wij = params[w + i * n_in + j]
                    d = delta[dst + i]
                    for n in range(count):
                        below[n] += wij * d[n]
                slope = dact[src + j]
                for n in range(count):
                    below[n] *= slope[n]


@njit(cache=True, nogil=True)
def apply_update(params, grad, count, alive, is_weight, lr, reg, reg_rate, optimizer, momentum,
                 velocity, adam_m, adam_v, adam_t):
    """One weight update from `count` accumulated examples (TF's updateWeights), then clear `grad`.

    Regularisation is TF's: its derivative is taken at the weight before the step and applied after
    it; with L1, a weight that the regularisation step pushes across zero is set to 0 and frozen.
    """
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    c1 = 1.0 - beta1**adam_t
    c2 = 1.0 - beta2**adam_t
    for p in range(params.shape[0]):
        if alive[p] == 0:
            grad[p] = 0.0
            continue
        acc = grad[p]
        g = acc / count
        grad[p] = 0.0
        w_old = params[p]
        if optimizer == OPT_SGD:
            step = g
        elif optimizer == OPT_MOMENTUM:
            velocity[p] = momentum * velocity[p] + g
            step = velocity[p]
        else:  # Adam, with bias correction
            adam_m[p] = beta1 * adam_m[p] + (1.0 - beta1) * g
            adam_v[p] = beta2 * adam_v[p] + (1.0 - beta2) * g * g
            step = (adam_m[p] / c1) / (math.sqrt(adam_v[p] / c2) + eps)
        w = w_old - lr * step
        if optimizer == OPT_SGD:  # TF's exact rounding: (lr / n) * acc for weights, lr * acc / n for biases
            w = w_old - (lr / count) * acc if is_weight[p] else w_old - lr * acc / count
        if is_weight[p] == 0 or reg == REG_NONE:
            params[p] = w
            continue
        if reg == REG_L1:
            reg_der = 1.0 if w_old > 0.0 else (-1.0 if w_old < 0.0 else 0.0)
        else:
            reg_der = w_old
        w_new = w - lr * reg_rate * reg_der
        if reg == REG_L1 and w * w_new < 0.0:  # crossed zero because of L1: the link dies
            params[p] = 0.0
            alive[p] = 0
        else:
            params[p] = w_new


@njit(cache=True, nogil=True)
def train_epoch(params, sizes, w_off, b_off, node_off, acts, loss, features, targets, batch_size,
                grad, count, alive, is_weight, lr, reg, reg_rate, optimizer, momentum,
                velocity, adam_m, adam_v, adam_t):
    """One pass over the training points in their fixed order; an update after every `batch_size`-th.

    As in TF, the update falls when (index + 1) % batch_size == 0, so a remainder of accumulated
    examples carries over into the next epoch. Returns (examples still accumulated, Adam step count).
    """
    total = node_off[node_off.shape[0] - 1]
    width = min(batch_size, features.shape[0])
    out = np.empty((total, width))
    dact = np.empty((total, width))
    delta = np.empty((total, width))
    n = 0
    n_points = features.shape[0]
    while n < n_points:
        # the examples up to the next update (or the end of the epoch) share the same weights
        boundary = (n // batch_size + 1) * batch_size
        end = min(boundary, n_points)
        accumulate_block(params, sizes, w_off, b_off, node_off, acts, loss, features, targets, n, end - n,
                         out, dact, delta, grad)
        count += end - n
        if end == boundary:
            adam_t += 1
            apply_update(params, grad, count, alive, is_weight, lr, reg, reg_rate, optimizer, momentum,
                         velocity, adam_m, adam_v, adam_t)
            count = 0
        n = end
    return count, adam_t


@njit(cache=True, nogil=True)
def mean_loss(params, sizes, w_off, b_off, node_off, acts, loss, features, targets):
    """Mean data loss over a set of points (TF's getLoss); 0 for an empty set."""
    n_points = features.shape[0]
    if n_points == 0:
        return 0.0
    total = node_off[node_off.shape[0] - 1]
    out = np.empty((total, BLOCK))
    dact = np.empty((total, BLOCK))
    last = node_off[sizes.shape[0] - 1]
    n_out = sizes[sizes.shape[0] - 1]
    s = 0.0
    for first in range(0, n_points, BLOCK):
        count = min(BLOCK, n_points - first)
        forward_block(params, sizes, w_off, b_off, node_off, acts, features, first, count, out, dact)
        for n in range(count):
            s += example_loss(loss, out, last, n_out, targets[first + n], n)
    return s / n_points


@njit(cache=True, nogil=True)
def all_node_outputs(params, sizes, w_off, b_off, node_off, acts, features):
    """Every node's output (inputs included) for every point: shape (total_nodes, n_points)."""
    total = node_off[node_off.shape[0] - 1]
    n_points = features.shape[0]
    result = np.empty((total, n_points))
    out = np.empty((total, BLOCK))
    dact = np.empty((total, BLOCK))
    for first in range(0, n_points, BLOCK):
        count = min(BLOCK, n_points - first)
        forward_block(params, sizes, w_off, b_off, node_off, acts, features, first, count, out, dact)
        result[:, first : first + count] = out[:, :count]
    return result


@njit(cache=True, nogil=True)
def gradient_sum(params, sizes, w_off, b_off, node_off, acts, loss, features, targets):
    """Sum over points of dLoss/dparam, through the same backward pass as training (for tests)."""
    total = node_off[node_off.shape[0] - 1]
    out = np.empty((total, BLOCK))
    dact = np.empty((total, BLOCK))
    delta = np.empty((total, BLOCK))
    grad = np.zeros(params.shape[0])
    for first in range(0, features.shape[0], BLOCK):
        count = min(BLOCK, features.shape[0] - first)
        accumulate_block(params, sizes, w_off, b_off, node_off, acts, loss, features, targets, first, count,
                         out, dact, delta, grad)
    return grad


@njit(cache=True, nogil=True)
def train_epochs(params, sizes, w_off, b_off, node_off, acts, loss, features, targets, batch_size,
                 grad, count, alive, is_weight, lr, reg, reg_rate, optimizer, momentum,
                 velocity, adam_m, adam_v, adam_t, epochs):
    """Several epochs in one call: when many learners share a server, each return to Python waits for
    the interpreter lock, so a frame's epochs are trained without coming back in between."""
    for _ in range(epochs):
        count, adam_t = train_epoch(params, sizes, w_off, b_off, node_off, acts, loss, features, targets,
                                    batch_size, grad, count, alive, is_weight, lr, reg, reg_rate, optimizer,
                                    momentum, velocity, adam_m, adam_v, adam_t)
    return count, adam_t
