"""A frame of the GAN's layered view made without training (no engine needed): for the home card, and for
trying the pictures before a GAN has run."""

from __future__ import annotations

import numpy as np

from playground.generative.view import GRID_CELLS, MANIFOLD_CELLS, GanView


def _gaussians_real(n: int, rng: np.random.Generator) -> np.ndarray:
    """GAN Lab's default target: ½ N((0.3, 0.7), 0.1²), ½ N((0.7, 0.4), diag(0.05², 0.2²))."""
    first = rng.random(n) < 0.5
    e = rng.standard_normal((n, 2))
    return np.where(first[:, None], [0.3, 0.7] + 0.1 * e, [0.7, 0.4] + e * [0.05, 0.2])


def _example_generator(z: np.ndarray) -> np.ndarray:
    """A made-up generator part way through training: the noise square bent towards the two modes."""
    u, v = z[..., 0], z[..., 1]
    x = 0.22 + 0.55 * u + 0.07 * np.sin(3.0 * v)
    y = 0.25 + 0.5 * v + 0.18 * u * (1 - u) - 0.1 * u * v
    return np.stack([x, y], axis=-1)


def _optimal_belief(x: np.ndarray, real: np.ndarray, fake: np.ndarray, bandwidth: float = 0.06) -> np.ndarray:
    """The optimal discriminator p_real / (p_real + p_fake), with both densities estimated by Gaussian
    kernels: what a well-trained D believes."""
    def density(samples: np.ndarray) -> np.ndarray:
        d2 = ((x[:, None, :] - samples[None, :, :]) ** 2).sum(-1)
        return np.exp(-d2 / (2 * bandwidth**2)).mean(axis=1)
    pr, pf = np.sqrt(density(real) + 1e-4), np.sqrt(density(fake) + 1e-4)  # softened: a D part way trained
    return pr / (pr + pf)


def example_view(seed: int = 0) -> GanView:
    """A frame made without training (no engine needed): GAN Lab's two Gaussians, a made-up generator part way
    there, the optimal discriminator for it and the non-saturating loss's gradients (∇ log D at each fake)."""
    rng = np.random.default_rng(seed)
    real = _gaussians_real(450, rng)
    fake = _example_generator(rng.random((450, 2)))
    centres = (np.arange(GRID_CELLS) + 0.5) / GRID_CELLS
    gx, gy = np.meshgrid(centres, centres)  # row 0 = bottom
    heat = _optimal_belief(np.column_stack([gx.ravel(), gy.ravel()]), real, fake).reshape(GRID_CELLS, GRID_CELLS)
    ticks = np.linspace(0.0, 1.0, MANIFOLD_CELLS + 1)
    tu, tv = np.meshgrid(ticks, ticks)
    corners = _example_generator(np.stack([tu, tv], axis=-1))
    a, b, c = corners[:-1, :-1], corners[:-1, 1:], corners[1:, :-1]
    area = np.abs((b - a)[..., 0] * (c - a)[..., 1] - (b - a)[..., 1] * (c - a)[..., 0])
    density = (1.0 / np.maximum(area, 1e-12)) / (1.0 / np.maximum(area, 1e-12)).max()
    starts = fake[:150]
    h = 1e-3
    grad = np.stack([(np.log(_optimal_belief(starts + [h * (k == 0), h * (k == 1)], real, fake))
                      - np.log(_optimal_belief(starts - [h * (k == 0), h * (k == 1)], real, fake))) / (2 * h)
                     for k in (0, 1)], axis=1)
    norm = np.linalg.norm(grad, axis=1, keepdims=True)
    vec = grad / np.maximum(norm, 1e-12) * np.minimum(norm / max(float(np.quantile(norm, 0.9)), 1e-12), 1.0) * 0.15
    return GanView(real=real, fake=fake, heat=heat, manifold=corners, manifold_density=density,
                   arrow_from=starts, arrow_vec=vec, iteration=0)
