"""The GAN's losses from the discriminator's logits, with their gradients: GAN Lab's log loss (one-sided
label smoothing 0.95 on real samples; the generator's side is the non-saturating loss), the original minimax
generator loss, and least squares (on D's sigmoid output, as GAN Lab)."""

from __future__ import annotations

import numpy as np

LOSSES = ("non-saturating", "minimax", "least-squares")
REAL_SMOOTHING = 0.95  # GAN Lab's one-sided label smoothing of D's log loss on real samples


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function, overflow-free."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def d_loss(loss: str, a_real: np.ndarray, a_fake: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """D's loss from its logits on real and fake samples, and dL/dlogit for each."""
    s_r, s_f = sigmoid(a_real), sigmoid(a_fake)
    n_r, n_f = len(a_real), len(a_fake)
    if loss == "least-squares":
        value = np.mean((s_r - 1.0) ** 2) + np.mean(s_f**2)
        return float(value), 2.0 * (s_r - 1.0) * s_r * (1.0 - s_r) / n_r, 2.0 * s_f * s_f * (1.0 - s_f) / n_f
    value = REAL_SMOOTHING * np.mean(np.logaddexp(0.0, -a_real)) + np.mean(np.logaddexp(0.0, a_fake))
    return float(value), -REAL_SMOOTHING * (1.0 - s_r) / n_r, s_f / n_f


def g_loss(loss: str, a_fake: np.ndarray, per_sample: bool = False) -> tuple[float, np.ndarray]:
    """G's loss from D's logits on fake samples and dL/dlogit (per sample, not averaged, if asked)."""
    s = sigmoid(a_fake)
    n = 1.0 if per_sample else len(a_fake)
    if loss == "minimax":  # minimise mean log(1 - D(fake)): the original, saturating loss
        return float(-np.mean(np.logaddexp(0.0, a_fake))), -s / n
    if loss == "least-squares":
        return float(np.mean((s - 1.0) ** 2)), 2.0 * (s - 1.0) * s * (1.0 - s) / n
    return float(np.mean(np.logaddexp(0.0, -a_fake))), -(1.0 - s) / n
