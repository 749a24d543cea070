"""A GAN on 2D data as GAN Lab trains it (G: ReLU layers then tanh, D: ReLU layers then sigmoid; log loss
with one-sided smoothing 0.95; k_D discriminator updates then k_G generator updates per iteration), on the
NumPy engine in `mlp`, with its metrics, its layered view and a slow-motion walk through one step."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from playground.generative import divergence, targets
from playground.generative.losses import LOSSES, d_loss, g_loss, sigmoid
from playground.generative.mlp import ACTIVATIONS, MLP, OPTIMISERS, Optimizer, one_thread
from playground.generative.slowmotion import StepPart, walk
from playground.generative.view import GRID_CELLS, MANIFOLD_CELLS, SHOWN_FAKE, SHOWN_REAL, GanView

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
ATLAS = 12_000  # GAN Lab's training samples: one set of real and one of noise, drawn per run, used in order
EVAL_REAL, EVAL_FAKE = 12_000, 3_000  # fixed samples behind the KL/JS densities
ARROW_UNIT = 0.3  # plane units per unit of -dL/dx: a fixed scale, so vanishing gradients look tiny
ARROW_MAX = 0.15  # the longest arrow drawn (longer ones are cut to this length)
LIMITS = {"layers": (0, 5), "neurons": (1, 100), "k": (0, 10), "batch": (10, 500), "seed": (0, 2**31 - 1)}


@dataclass(frozen=True)
class Net:
    """One network's settings: hidden layers (0 = straight to the output), neurons per layer, activation,
    optimiser and learning rate."""

    layers: int = 2
    neurons: int = 8
    activation: str = "relu"
    optimiser: str = "sgd"
    lr: float = 0.1


def _whole(value: object, default: int, low: int, high: int) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if not math.isfinite(number) else int(min(max(round(number), low), high))


def _rate(value: object, default: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    if not math.isfinite(number) or number <= 0:
        return default
    return min(LEARNING_RATES, key=lambda lr: abs(math.log(lr / number)))


def _bounded_net(net: Net, default: Net, top_layers: int, top_neurons: int) -> Net:
    return Net(layers=_whole(net.layers, min(default.layers, top_layers), 0, top_layers),
               neurons=_whole(net.neurons, min(default.neurons, top_neurons), 1, top_neurons),
               activation=net.activation if net.activation in ACTIVATIONS else default.activation,
               optimiser=net.optimiser if net.optimiser in OPTIMISERS else default.optimiser,
               lr=_rate(net.lr, default.lr))


@dataclass(frozen=True)
class GanSettings:
    """Everything that defines a run (GAN Lab's controls, plus the seed)."""

    shape: str = "gaussians"
    noise: str = "2d-uniform"
    g: Net = Net(lr=0.1)
    d: Net = Net(lr=0.1)
    loss: str = "non-saturating"
    k_d: int = 2
    k_g: int = 1
    batch: int = 150
    seed: int = 0

    def bounded(self, max_layers: int | None = None, max_neurons: int | None = None) -> GanSettings:
        """Every field clamped into its range (names not known → the default); a class's limits cap the
        layers and neurons."""
        base = GanSettings()
        top_layers = LIMITS["layers"][1] if max_layers is None else _whole(max_layers, 5, 0, 5)
        top_neurons = LIMITS["neurons"][1] if max_neurons is None else _whole(max_neurons, 100, 1, 100)
        g = self.g if isinstance(self.g, Net) else base.g
        d = self.d if isinstance(self.d, Net) else base.d
        return replace(
            self, shape=self.shape if self.shape in targets.SHAPES else base.shape,
            noise=self.noise if self.noise in targets.NOISES else base.noise,
            g=_bounded_net(g, base.g, top_layers, top_neurons), d=_bounded_net(d, base.d, top_layers, top_neurons),
            loss=self.loss if self.loss in LOSSES else base.loss,
            k_d=_whole(self.k_d, base.k_d, *LIMITS["k"]), k_g=_whole(self.k_g, base.k_g, *LIMITS["k"]),
            batch=_whole(self.batch, base.batch, *LIMITS["batch"]), seed=_whole(self.seed, 0, *LIMITS["seed"]))


class _Atlas:
    """GAN Lab's sampling: ATLAS samples drawn once, handed out `batch` at a time in order, wrapping around."""

    def __init__(self, samples: np.ndarray, batch: int) -> None:
        self.pool, self.batch, self.at = samples, batch, 0

    def next(self) -> np.ndarray:
        start, self.at = self.at, (self.at + self.batch) % len(self.pool)
        if start + self.batch <= len(self.pool):
            return self.pool[start : start + self.batch]
        return np.concatenate([self.pool[start:], self.pool[: start + self.batch - len(self.pool)]])


class Gan:
    """One GAN run: the two networks, their optimisers, the sample streams, the metrics' history."""

    record_every = 10  # iterations between history entries

    def __init__(self, settings: GanSettings, drawn: np.ndarray | None = None) -> None:
        self.settings = s = settings
        if s.shape == "drawing" and (drawn is None or len(drawn) < 2):
            raise ValueError("the drawing shape needs at least 2 drawn points")
        init, data, fixed = (np.random.default_rng(seq) for seq in np.random.SeedSequence(s.seed).spawn(3))
        self.dim = targets.noise_dim(s.noise)
        self.g = MLP([self.dim] + [s.g.neurons] * s.g.layers + [2], s.g.activation, "tanh", init)
        self.d = MLP([2] + [s.d.neurons] * s.d.layers + [1], s.d.activation, "linear", init)  # logits
        self.g_opt, self.d_opt = Optimizer(s.g.optimiser, s.g.lr), Optimizer(s.d.optimiser, s.d.lr)
        self.real_stream = _Atlas(targets.sample_real(s.shape, ATLAS, data, drawn), s.batch)
        self.noise_stream = _Atlas(targets.sample_noise(s.noise, ATLAS, data), s.batch)
        eval_real = targets.sample_real(s.shape, EVAL_REAL, fixed, drawn)
        self._p = divergence.grid_density(eval_real)
        self._eval_noise = targets.sample_noise(s.noise, EVAL_FAKE, fixed)
        self._shown_real = eval_real[:SHOWN_REAL]
        centres = (np.arange(GRID_CELLS) + 0.5) / GRID_CELLS
        self._grid = np.stack(np.meshgrid(centres, centres), axis=-1).reshape(-1, 2)  # row-major, row 0 bottom
        ticks = np.linspace(0.0, 1.0, MANIFOLD_CELLS + 1)
        self._manifold_noise = (ticks[:, None] if self.dim == 1 else
                                np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2))
        mids = (ticks[:-1] + ticks[1:]) / 2
        mass = np.ones_like(mids) if s.noise.endswith("uniform") else np.exp(-0.5 * ((mids - 0.5) / 0.25) ** 2)
        mass = mass if self.dim == 1 else np.outer(mass, mass)
        self._cell_mass = mass / mass.sum()
        self.iteration = 0
        self.history: list[dict] = []
        self.d_loss_now: float | None = None
        self.g_loss_now: float | None = None

    # --- training -------------------------------------------------------------------------------------
    def _d_update(self) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
        real, z = self.real_stream.next(), self.noise_stream.next()
        fake = self.g.forward(z, keep=False)
        logits = self.d.forward(np.concatenate([real, fake]))
        n = len(real)
        value, g_real, g_fake = d_loss(self.settings.loss, logits[:n], logits[n:])
        self.d.backward(np.concatenate([g_real, g_fake]))
        self.d_opt.step([self.d.flat], [self.d.grad_flat])
        self.d_loss_now = value
        return real, fake, value, logits

    def _g_update(self) -> tuple[np.ndarray, float, np.ndarray]:
        fake = self.g.forward(self.noise_stream.next())
        logits = self.d.forward(fake)
        value, grad = g_loss(self.settings.loss, logits)
        _, grad_x = self.d.backward(grad, param_grads=False)
        self.g.backward(grad_x)
        self.g_opt.step([self.g.flat], [self.g.grad_flat])
        self.g_loss_now = value
        return fake, value, logits

    @one_thread
    def step(self, which: str = "both") -> None:
        """One iteration: "both" (k_D D updates then k_G G updates), "d" (one D update) or "g" (one G update)."""
        k_d = {"both": self.settings.k_d, "d": 1, "g": 0}[which]
        k_g = {"both": self.settings.k_g, "d": 0, "g": 1}[which]
        with np.errstate(all="ignore"):
            for _ in range(k_d):
                self._d_update()
            for _ in range(k_g):
                self._g_update()
        self.iteration += 1
        if self.iteration == 1 or self.iteration % self.record_every == 0:
            self.record()

    @one_thread
    def train(self, iterations: int) -> None:
        """`iterations` iterations (stops early once the run has diverged)."""
        for _ in range(int(iterations)):
            self.step()
            if self.iteration % self.record_every == 0 and self.diverged:
                return

    @one_thread
    def train_for(self, seconds: float, most: int = 10_000) -> int:
        """Iterate for about `seconds` (at most `most` iterations); returns the iterations done."""
        start, done = time.perf_counter(), 0
        while done < most and time.perf_counter() - start < seconds and not self.diverged:
            chunk = min(self.record_every, most - done)
            self.train(chunk)
            done += chunk
        return done

    def _losses_now(self) -> tuple[float, float]:
        with np.errstate(all="ignore"):
            if self.d_loss_now is None:
                real, fake = self.real_stream.next(), self.g.forward(self.noise_stream.next(), keep=False)
                self.d_loss_now = d_loss(self.settings.loss, self.d.forward(real, keep=False),
                                         self.d.forward(fake, keep=False))[0]
            if self.g_loss_now is None:
                fake = self.g.forward(self.noise_stream.next(), keep=False)
                self.g_loss_now = g_loss(self.settings.loss, self.d.forward(fake, keep=False))[0]
        return self.d_loss_now, self.g_loss_now

    def record(self) -> None:
        """Append the losses and divergences now to `history`."""
        d_value, g_value = self._losses_now()
        kl_value, js_value = self.divergences()
        self.history.append({"iteration": self.iteration, "d_loss": d_value, "g_loss": g_value,
                             "kl": kl_value, "js": js_value})

    # --- what the page reads --------------------------------------------------------------------------
    @property
    def diverged(self) -> bool:
        """True once a loss or a weight is NaN or infinite."""
        finite = np.isfinite(self.g.flat).all() and np.isfinite(self.d.flat).all()
        return not (finite and all(v is None or math.isfinite(v) for v in (self.d_loss_now, self.g_loss_now)))

    def _fake_eval(self) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.g.forward(self._eval_noise, keep=False)

    @one_thread
    def divergences(self) -> tuple[float, float]:
        """(KL, JS) in bits between the real and generated densities on GAN Lab's 30×30 grid."""
        q = divergence.grid_density(self._fake_eval())
        return divergence.kl(self._p, q), divergence.js(self._p, q)

    @one_thread
    def modes(self) -> tuple[int, int] | None:
        """(modes covered, modes) for shapes with known modes, else None."""
        centres = targets.MODE_CENTRES.get(self.settings.shape)
        if centres is None:
            return None
        radius = targets.MODE_RADII[self.settings.shape]
        return divergence.modes_covered(self._fake_eval(), centres, radius), len(centres)

    def state_size(self) -> int:
        """Parameters in G and D together."""
        return self.g.size() + self.d.size()

    @one_thread
    def view(self, arrows: int = 150) -> GanView:
        """One frame of the layered view (see `view.GanView`)."""
        with np.errstate(all="ignore"):
            fake = self.g.forward(self._eval_noise[:SHOWN_FAKE], keep=False)
            heat = sigmoid(self.d.forward(self._grid, keep=False)).reshape(GRID_CELLS, GRID_CELLS)
            warped = self.g.forward(self._manifold_noise, keep=False)
            manifold, density = self._manifold(warped)
            chosen = fake[: max(0, min(int(arrows), SHOWN_FAKE))]
            _, per_sample = g_loss(self.settings.loss, self.d.forward(chosen), per_sample=True)
            _, grad_x = self.d.backward(per_sample, param_grads=False)
            vec = -grad_x * ARROW_UNIT
            length = np.linalg.norm(vec, axis=1, keepdims=True)
            vec = np.where(length > ARROW_MAX, vec * (ARROW_MAX / np.maximum(length, 1e-300)), vec)
        return GanView(real=self._shown_real, fake=fake, heat=heat, manifold=manifold,
                       manifold_density=density, arrow_from=chosen, arrow_vec=np.nan_to_num(vec),
                       iteration=self.iteration)

    def _manifold(self, warped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The warped noise grid and each cell's relative density r/(1+r), r = mass share / area share."""
        if self.dim == 1:
            size = np.linalg.norm(np.diff(warped, axis=0), axis=1)
            grid = warped
        else:
            grid = warped.reshape(MANIFOLD_CELLS + 1, MANIFOLD_CELLS + 1, 2)
            a, b, c, d = grid[:-1, :-1], grid[:-1, 1:], grid[1:, 1:], grid[1:, :-1]
            size = 0.5 * np.abs(sum(p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]
                                    for p, q in ((a, b), (b, c), (c, d), (d, a))))
        share = size / max(float(size.sum()), 1e-300)
        ratio = self._cell_mass / np.maximum(share, 1e-12)
        return grid, np.nan_to_num(ratio / (1.0 + ratio), nan=0.0)

    @one_thread
    def parts(self) -> list[StepPart]:
        """Slow motion: ONE D update then ONE G update (iteration += 1), each walked through as noise,
        generate, discriminate, loss, gradients, update — the numbers and the view right after each part."""
        return walk(self)
