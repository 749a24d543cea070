"""GAN Lab's training, re-implemented faithfully in PyTorch (float32, as TF.js), to compare our engine's
convergence with: `ganlab_models.ts` (G: first layer + `layers` more ReLU layers, Linear → 2, tanh; D: the
same, Linear → 1, sigmoid; weights N(0, 1/√2) for the first layer and N(0, 1/√fan_in) later, biases 0; log
loss with the real term × 0.95, computed as log of the sigmoid as TF.js does; tf.train.sgd), and
`ganlab_input_providers.ts` / `ganlab.ts` (an atlas of 12,000 real samples and one of 12,000 noise samples,
each drawn once and sliced in order, 150 at a time, wrapping around; k_D D updates then k_G G updates per
iteration). "Same seed" means the same start as our engine: the initial weights (drawn by GAN Lab's rule), the
two atlases and the metric's fixed samples are taken from `Gan(settings with that seed)`, so a comparison
differs only in the arithmetic (float32 and the log of the sigmoid here, float64 and logits in ours). The metric is ours (`divergence.js` on 12,000 real samples and 3,000 noise samples
through G): GAN Lab's own true-density grid is built from 450 samples with a `splice` slip.

`layers` here is OUR count of hidden layers (GAN Lab's "hidden layers" + 1), so a recipe's `Net` is used as is.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from playground.generative import divergence
from playground.generative.gan import Gan, GanSettings
from playground.torch_runtime import torch

ATLAS = 12_000


class GanLabRun:
    """One GAN Lab run of `settings` (SGD, log loss only: GAN Lab's recipes), seeded."""

    def __init__(self, settings: GanSettings, seed: int) -> None:
        s = settings
        assert s.loss == "non-saturating" and s.g.optimiser == s.d.optimiser == "sgd"
        assert s.g.activation == s.d.activation == "relu"
        self.s = s
        ours = Gan(replace(s, seed=seed))
        self.g_params = self._copy(ours.g.params)
        self.d_params = self._copy(ours.d.params)
        self.real_atlas = torch.tensor(ours.real_stream.pool, dtype=torch.float32)
        self.noise_atlas = torch.tensor(ours.noise_stream.pool, dtype=torch.float32)
        self.real_counter = self.noise_counter = -1
        self.p = ours._p
        self.eval_noise = torch.tensor(ours._eval_noise, dtype=torch.float32)
        self.iteration = 0

    @staticmethod
    def _copy(arrays: list[np.ndarray]) -> list[torch.Tensor]:
        """GAN Lab's initial weights (first layer N(0, 1/√2), later N(0, 1/√fan_in), biases 0) as drawn by
        our engine for this seed, in float32."""
        return [torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in arrays]

    @staticmethod
    def _mlp(params: list[torch.Tensor], x: torch.Tensor, last) -> torch.Tensor:
        for i in range(0, len(params) - 2, 2):
            x = torch.relu(x @ params[i] + params[i + 1])
        return last(x @ params[-2] + params[-1])

    def generator(self, z: torch.Tensor) -> torch.Tensor:
        return self._mlp(self.g_params, z, torch.tanh)

    def discriminator(self, x: torch.Tensor) -> torch.Tensor:
        return self._mlp(self.d_params, x, torch.sigmoid).reshape(-1)

    def _next(self, atlas: torch.Tensor, which: str) -> torch.Tensor:
        counter = getattr(self, which) + 1
        setattr(self, which, counter)
        start = (counter * self.s.batch) % ATLAS
        return atlas[start : start + self.s.batch]

    @staticmethod
    def _sgd(params: list[torch.Tensor], loss: torch.Tensor, lr: float) -> None:
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p -= lr * g

    def step(self) -> None:
        """One GAN Lab iteration."""
        for _ in range(self.s.k_d):
            noise, real = self._next(self.noise_atlas, "noise_counter"), self._next(self.real_atlas, "real_counter")
            true_pred = self.discriminator(real)
            fake_pred = self.discriminator(self.generator(noise).detach())
            loss = -(torch.log(true_pred).mul(0.95).mean() + torch.log(1 - fake_pred).mean())
            self._sgd(self.d_params, loss, self.s.d.lr)
        for _ in range(self.s.k_g):
            noise = self._next(self.noise_atlas, "noise_counter")
            loss = -torch.log(self.discriminator(self.generator(noise))).mean()
            self._sgd(self.g_params, loss, self.s.g.lr)
        self.iteration += 1

    def train(self, iterations: int) -> None:
        for _ in range(iterations):
            self.step()

    def js(self) -> float:
        """JS (bits) between the real and generated grid densities, as our engine measures it."""
        with torch.no_grad():
            fake = self.generator(self.eval_noise).double().numpy()
        return divergence.js(self.p, divergence.grid_density(np.nan_to_num(fake, nan=0.5)))


def ganlab_js(settings: GanSettings, iterations: int, seeds: tuple[int, ...] = (0, 1, 2)) -> list[float]:
    """GAN Lab's JS after `iterations` for each seed."""
    results = []
    for seed in seeds:
        run = GanLabRun(settings, seed)
        run.train(iterations)
        results.append(run.js())
    return results
