"""The lesson's challenge, measured: the GAN's distribution, iterations, modes covered and JS divergence now.
The grading itself is `classroom.challenges.check_eight_modes`."""

from __future__ import annotations

from dataclasses import dataclass

from playground.generative.gan import Gan


@dataclass(frozen=True)
class ModesResult:
    """What the eight-modes challenge grades."""

    shape: str
    iterations: int
    covered: int  # modes with generated points (0 for a shape without modes)
    total: int
    js: float


def modes_result(gan: Gan) -> ModesResult:
    """The challenge's figures for a GAN as it is now."""
    modes = gan.modes() or (0, 8)
    return ModesResult(gan.settings.shape, gan.iteration, modes[0], modes[1], gan.divergences()[1])
