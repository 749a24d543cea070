"""What a network looks at for each class: the average attribution map of each class's test digits."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.digits.models import normalise
from playground.torch_runtime import torch

nn = torch.nn

# explain(model, x (n, 1, 28, 28) normalised, targets (n,) int64) -> maps (n, 28, 28)
Explain = Callable[[nn.Module, torch.Tensor, torch.Tensor], np.ndarray]

EXPLAIN_BATCH = 250  # digits per call of `explain`


def class_digits(labels: torch.Tensor | np.ndarray, per_class: int, classes: int = 10) -> list[np.ndarray]:
    """For each class, the indices of its first `per_class` digits (fewer if it has fewer)."""
    labels = np.asarray(labels).reshape(-1)
    return [np.flatnonzero(labels == c)[: max(0, int(per_class))] for c in range(classes)]


def class_average_maps(model: nn.Module, images: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray,
                       explain: Explain, per_class: int = 50, classes: int = 10,
                       batch: int = EXPLAIN_BATCH) -> np.ndarray:
    """(classes, 28, 28): for each class, the mean map of its first `per_class` digits among `images`
    (uint8 (N, 28, 28) or normalised (N, 1, 28, 28)), each explained for its own class (its label). The
    digits are explained together, `batch` at a time. A class without digits gets an all-zero map."""
    picked = class_digits(labels, per_class, classes)
    idx = np.concatenate(picked).astype(np.int64) if picked else np.zeros(0, dtype=np.int64)
    out = np.zeros((classes, 28, 28))
    if len(idx) == 0:
        return out
    chosen = torch.as_tensor(images)[torch.from_numpy(idx)]
    x = normalise(chosen.reshape(-1, 28, 28)) if chosen.dtype == torch.uint8 else chosen.to(torch.float32)
    targets = torch.as_tensor(np.repeat(np.arange(classes), [len(p) for p in picked]), dtype=torch.int64)
    maps = np.concatenate([np.asarray(explain(model, x[s:s + batch], targets[s:s + batch]), dtype=np.float64)
                           .reshape(-1, 28, 28) for s in range(0, len(idx), max(1, int(batch)))])
    start = 0
    for c, p in enumerate(picked):
        if len(p):
            out[c] = maps[start:start + len(p)].mean(axis=0)
        start += len(p)
    return out
