"""The lesson's challenge, measured: two maps of one digit (Integrated Gradients and occlusion), the quarter of
the image each calls the most important, and how much their rankings of the pixels agree. The grading itself
is `classroom.challenges.check_methods_disagree`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.explanations.similarity import spearman

QUARTERS = ("top left", "top right", "bottom left", "bottom right")


def top_quarter(attribution: np.ndarray) -> str:
    """The quarter of a (28, 28) map holding the most positive evidence (the sum of its positive
    attributions): where the method says the network found most of its reason for the class."""
    m = np.clip(np.asarray(attribution, dtype=np.float64), 0, None)
    h, w = m.shape[0] // 2, m.shape[1] // 2
    sums = [m[:h, :w].sum(), m[:h, w:].sum(), m[h:, :w].sum(), m[h:, w:].sum()]
    return QUARTERS[int(np.argmax(sums))]


@dataclass(frozen=True)
class Disagreement:
    """What the challenge grades: the digit, what the network reads and how sure it is, and the two maps'
    quarters and rank agreement."""

    digit: int | None  # the test digit's number (None: a drawing)
    label: int | None
    predicted: int
    confidence: float  # the network's probability for what it reads
    ig_steps: int
    ig_quarter: str
    occlusion_quarter: str
    agreement: float  # Spearman rank correlation of the two maps (1: the same ranking, 0: unrelated)


def disagreement(ig_map: np.ndarray, occlusion_map: np.ndarray, digit: int | None, label: int | None,
                 predicted: int, confidence: float, ig_steps: int) -> Disagreement:
    """Compare the two maps of one digit for the challenge."""
    return Disagreement(digit, label, int(predicted), float(confidence), int(ig_steps), top_quarter(ig_map),
                        top_quarter(occlusion_map), spearman(ig_map, occlusion_map))
