"""Slow motion: one discriminator update then one generator update of a GAN, done for real and walked
through part by part (noise → generate → discriminate → loss → gradients → update), with the numbers of
each part and the view right after it, as GAN Lab's slow mode shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from playground.generative.losses import d_loss, g_loss, sigmoid
from playground.generative.view import GanView

if TYPE_CHECKING:
    from playground.generative.gan import Gan

PART_NAMES = ("noise", "generate", "discriminate", "loss", "gradients", "update")


@dataclass(frozen=True)
class StepPart:
    """One part of a slow-motion step: the network being updated ("D" or "G"), the part's name (one of
    PART_NAMES), its numbers (name → value), and the layered view right after it."""

    network: str
    name: str
    numbers: dict[str, float] = field(default_factory=dict)
    view: GanView | None = None


def _norm(grads: np.ndarray) -> float:
    return float(np.sqrt(np.sum(grads * grads)))


def walk(gan: Gan) -> list[StepPart]:
    """Perform one D update then one G update on `gan` (its iteration += 1) and return the 12 parts."""
    loss = gan.settings.loss
    parts: list[StepPart] = []
    with np.errstate(all="ignore"):
        before = gan.view()
        # the discriminator's update
        real, z = gan.real_stream.next(), gan.noise_stream.next()
        parts.append(StepPart("D", "noise", {"noise_samples": len(z), "noise_dim": z.shape[1]}, before))
        fake = gan.g.forward(z, keep=False)
        parts.append(StepPart("D", "generate", {"fake_samples": len(fake), "real_samples": len(real)}, before))
        logits = gan.d.forward(np.concatenate([real, fake]))
        n = len(real)
        beliefs = sigmoid(logits)
        parts.append(StepPart("D", "discriminate", {"d_real": float(beliefs[:n].mean()),
                                                    "d_fake": float(beliefs[n:].mean())}, before))
        value, g_real, g_fake = d_loss(loss, logits[:n], logits[n:])
        gan.d_loss_now = value
        parts.append(StepPart("D", "loss", {"d_loss": value}, before))
        gan.d.backward(np.concatenate([g_real, g_fake]))
        parts.append(StepPart("D", "gradients", {"grad_norm": _norm(gan.d.grad_flat)}, before))
        gan.d_opt.step([gan.d.flat], [gan.d.grad_flat])
        after = sigmoid(gan.d.forward(np.concatenate([real, fake]), keep=False))
        value_after = d_loss(loss, gan.d.forward(real, keep=False), gan.d.forward(fake, keep=False))[0]
        middle = gan.view()
        parts.append(StepPart("D", "update", {"lr": gan.d_opt.lr, "d_loss_after": value_after,
                                              "d_real_after": float(after[:n].mean()),
                                              "d_fake_after": float(after[n:].mean())}, middle))
        # the generator's update
        z = gan.noise_stream.next()
        parts.append(StepPart("G", "noise", {"noise_samples": len(z), "noise_dim": z.shape[1]}, middle))
        fake = gan.g.forward(z)
        parts.append(StepPart("G", "generate", {"fake_samples": len(fake)}, middle))
        logits = gan.d.forward(fake)
        parts.append(StepPart("G", "discriminate", {"d_fake": float(sigmoid(logits).mean())}, middle))
        value, grad = g_loss(loss, logits)
        gan.g_loss_now = value
        parts.append(StepPart("G", "loss", {"g_loss": value}, middle))
        _, grad_x = gan.d.backward(grad, param_grads=False)
        gan.g.backward(grad_x)
        parts.append(StepPart("G", "gradients", {"grad_norm": _norm(gan.g.grad_flat),
                                                 "sample_grad_mean": float(np.linalg.norm(grad_x * len(z),
                                                                                          axis=1).mean())},
                              middle))
        gan.g_opt.step([gan.g.flat], [gan.g.grad_flat])
        logits_after = gan.d.forward(gan.g.forward(z, keep=False), keep=False)
        gan.iteration += 1
        parts.append(StepPart("G", "update", {"lr": gan.g_opt.lr, "g_loss_after": g_loss(loss, logits_after)[0],
                                              "d_fake_after": float(sigmoid(logits_after).mean())}, gan.view()))
    if gan.iteration == 1 or gan.iteration % gan.record_every == 0:
        gan.record()
    return parts
