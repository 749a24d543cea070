"""The gallery's cards: each digit that fooled the network, as the learner sees it (whole pixel values), and
the three classes the network reads in it now, most likely first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.adversarial.attacks import FooledExample, probabilities
from playground.digits.inspection import top_classes
from playground.torch_runtime import torch

TOP = 3


@dataclass(frozen=True)
class GalleryCards:
    images: np.ndarray  # (k, 28, 28) uint8
    labels: np.ndarray  # (k,) the true digits
    classes: np.ndarray  # (k, TOP) what the network reads, most likely first
    probabilities: np.ndarray  # (k, TOP) their probabilities

    def __len__(self) -> int:
        return len(self.labels)


def gallery_cards(model: torch.nn.Module, gallery: Sequence[FooledExample], top: int = TOP) -> GalleryCards:
    """The cards of `gallery`, read again from the pictures shown (rounded to whole pixel values)."""
    if not gallery:
        empty = np.zeros((0, top), dtype=np.int64)
        return GalleryCards(np.zeros((0, 28, 28), dtype=np.uint8), np.zeros(0, dtype=np.int64), empty,
                            empty.astype(np.float32))
    images = np.stack([np.rint(g.adversarial * 255).astype(np.uint8) for g in gallery])
    classes, probs = top_classes(probabilities(model, images).numpy(), top)
    return GalleryCards(images, np.array([g.label for g in gallery]), classes, probs)
