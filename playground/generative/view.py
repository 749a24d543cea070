"""What the GAN's layered view shows at one moment, as plain arrays: the contract between the engine
(`gan.Gan.view`) and the pictures (`pictures.layered_png`), so each can be tested without the other."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID_CELLS = 30  # the discriminator's heatmap: GAN Lab's 30×30 cells over the unit square
MANIFOLD_CELLS = 20  # the generator's manifold: a 20×20 grid of the noise space (20 segments for 1D noise)
SHOWN_REAL = 450  # real samples drawn, as GAN Lab
SHOWN_FAKE = 450  # generated samples drawn (a fixed noise set, so the dots move smoothly)
LAYERS = ("real", "fake", "heatmap", "manifold", "gradients")  # the view's toggles, bottom to top order differs
LAYER_LABELS = {"real": "Real samples", "fake": "Generated samples", "heatmap": "Discriminator's belief",
                "manifold": "Generator's manifold", "gradients": "Generator's gradients"}


@dataclass(frozen=True)
class GanView:
    """One frame of the layered view; every coordinate is in the plane's unit square [0, 1]² (x right, y up)."""

    real: np.ndarray  # (SHOWN_REAL, 2) real samples (fixed for a run)
    fake: np.ndarray  # (SHOWN_FAKE, 2) generated samples from a fixed noise set
    heat: np.ndarray  # (GRID_CELLS, GRID_CELLS) D(x) in [0, 1] at cell centres; heat[row, col], row 0 = bottom (y≈0)
    manifold: np.ndarray  # 2D noise: (M+1, M+1, 2) the generator's image of the noise grid; 1D noise: (M+1, 2)
    manifold_density: np.ndarray  # 2D: (M, M) relative density of each warped cell (noise mass / cell area),
    #                             1D: (M,); scaled to [0, 1] for the picture's opacity
    arrow_from: np.ndarray  # (k, 2) the fake samples that carry a gradient arrow
    arrow_vec: np.ndarray  # (k, 2) where the generator's loss moves each of them: -dL_G/dx on one fixed scale
    #                      (gan.ARROW_UNIT), cut at 0.15 of the plane: a vanishing gradient draws a vanishing arrow
    iteration: int = 0
