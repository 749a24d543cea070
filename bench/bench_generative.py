"""Generative models lesson (issue 16). GAN part: training speed at GAN Lab's default sizes (ours, NumPy
float64, beside the same networks in an idiomatic PyTorch loop), a frame of the layered view, and the seconds
each GAN Lab recipe takes to converge, beside GAN Lab's iteration counts. (A VAE part may follow below.)"""

from __future__ import annotations

import statistics
import time

from bench.report import best_rate, header, line
from playground.generative.gan import Gan, GanSettings
from playground.generative.recipes import CONVERGED_JS, GANLAB_RECIPES, iterations_to_converge
from playground.torch_runtime import torch

# ---------------------------------------------------------------------------------------------- GAN part
GAN_RATE_TARGET = 300.0  # iterations/s at GAN Lab's defaults (issue 16)
VIEW_TARGET_MS = 5.0  # one frame's arrays (the picture itself is drawn by pictures.layered_png)
CONVERGE_TARGET_S = 3.0  # each recipe (issue 16)
CONVERGE_MOST = 6_000
GANLAB_RATE = "GAN Lab (TF.js, WebGL): no published rate; it draws every 50 iterations"


class TorchGan:
    """The same G and D as GAN Lab's defaults in an idiomatic PyTorch loop (nn.Sequential, optim.SGD)."""

    def __init__(self, settings: GanSettings) -> None:
        s, gen = settings, torch.Generator().manual_seed(settings.seed)
        self.s, self.gen = s, gen

        def mlp(sizes: list[int], last: torch.nn.Module) -> torch.nn.Sequential:
            layers: list[torch.nn.Module] = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
                layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
            return torch.nn.Sequential(*layers[:-1], last)

        self.g = mlp([2] + [s.g.neurons] * s.g.layers + [2], torch.nn.Tanh())
        self.d = mlp([2] + [s.d.neurons] * s.d.layers + [1], torch.nn.Sigmoid())
        self.g_opt = torch.optim.SGD(self.g.parameters(), lr=s.g.lr)
        self.d_opt = torch.optim.SGD(self.d.parameters(), lr=s.d.lr)

    def step(self) -> None:
        n = self.s.batch
        for _ in range(self.s.k_d):
            real = torch.rand(n, 2, generator=self.gen) * 0.1 + 0.3
            fake = self.g(torch.rand(n, 2, generator=self.gen)).detach()
            loss = -(0.95 * torch.log(self.d(real)).mean() + torch.log(1 - self.d(fake)).mean())
            self.d_opt.zero_grad()
            loss.backward()
            self.d_opt.step()
        for _ in range(self.s.k_g):
            loss = -torch.log(self.d(self.g(torch.rand(n, 2, generator=self.gen)))).mean()
            self.g_opt.zero_grad()
            loss.backward()
            self.g_opt.step()


def bench_gan() -> None:
    header("Generative: a GAN on 2D data (GAN Lab's defaults: G and D 2×8 ReLU, k_D 2, k_G 1, batch 150, SGD)")
    gan = Gan(GanSettings())

    def train_ours() -> int:
        gan.train(50)
        return 50

    ours = best_rate(train_ours)
    twin = TorchGan(GanSettings())

    def train_torch() -> int:
        for _ in range(10):
            twin.step()
        return 10

    theirs = best_rate(train_torch)
    line("GAN iterations/s, NumPy engine", ours, "it/s", target=GAN_RATE_TARGET,
         reference=f"PyTorch loop of the same nets: {theirs:,.0f} it/s; {GANLAB_RATE}")

    def train_and_view() -> int:
        gan.train(10)
        gan.view()
        return 10

    line("GAN iterations/s with a view every 10 iterations", best_rate(train_and_view), "it/s",
         target=GAN_RATE_TARGET, reference="GAN Lab redraws every 50 iterations")
    start, frames = time.perf_counter(), 200
    for _ in range(frames):
        gan.view()
    line("GAN view arrays for one frame", (time.perf_counter() - start) / frames * 1000, "ms",
         target=VIEW_TARGET_MS, higher_is_better=False, reference="heatmap 30×30, manifold 21×21, 150 arrows")
    for key, recipe in GANLAB_RECIPES.items():
        start = time.perf_counter()
        done = iterations_to_converge(recipe.settings, CONVERGED_JS[key], CONVERGE_MOST)
        seconds = time.perf_counter() - start
        count = f"{done:,} iterations" if done is not None else f"not within {CONVERGE_MOST:,}"
        line(f"GAN recipe '{key}' (seed {recipe.settings.seed}): seconds to JS ≤ {CONVERGED_JS[key]}", seconds, "s",
             target=CONVERGE_TARGET_S, higher_is_better=False,
             reference=f"ours {count}; GAN Lab's saved model: {recipe.ganlab_iterations:,} iterations")


VAE_EPOCH_TARGET = 2.0  # seconds per epoch of MNIST-5k


def bench_vae() -> None:
    """One epoch of MNIST-5k for the VAE and the autoencoder (median of 3 epochs, the worst beside it)."""
    from playground.digits.mnist import load_mnist5k
    from playground.digits.training import DigitTensors
    from playground.generative.vae import KIND_LABELS, LatentTrainer

    header("Generative: a VAE and an autoencoder with a 2D latent space, MNIST-5k (4,000 training digits)")
    d = load_mnist5k()
    data = DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)
    for kind in ("vae", "ae"):
        trainer, times = LatentTrainer(kind, data, epochs=3), []
        while not trainer.finished:
            start, epoch = time.perf_counter(), trainer.epoch
            trainer.train_slice(30.0, until_epoch=int(epoch) + 1)
            times.append(time.perf_counter() - start)
        line(f"one epoch, {KIND_LABELS[kind]}, median of 3", statistics.median(times), "s",
             target=VAE_EPOCH_TARGET, higher_is_better=False,
             reference=f"worst {max(times):.2f} s; ConvNetJS's autoencoder demo trains for minutes in the page")


def main() -> None:
    from bench import bench_generative_browser

    bench_gan()
    bench_vae()
    bench_generative_browser.main()


if __name__ == "__main__":
    main()
