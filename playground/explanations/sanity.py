"""Sanity checks for explanations (Adebayo et al., 2018): does a map change when the model does?

The cascading model-parameter randomisation test re-initialises the network's layers one by one from the
top (the logits first) down to the first, on a copy, and recomputes the map after each: a method whose map
still looks like the original once the weights are random is explaining the input, not the model. The data
randomisation test trains the same network on shuffled labels (`shuffled_labels`); that training is the
lesson's (the shared training driver), not this module's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from playground.digits.models import initialise
from playground.explanations.similarity import similarities
from playground.torch_runtime import torch

nn = torch.nn

# explain(model, x (n, 1, 28, 28) normalised, targets (n,) int64) -> maps (n, 28, 28)
Explain = Callable[[nn.Module, torch.Tensor, torch.Tensor], np.ndarray]

ORIGINAL = "original"  # the layer name of the cascade's first step: nothing randomised yet
# A map whose Spearman correlation with the original stays at least this high with every layer random
# ignores the model (the input-copying "edge detector" Adebayo et al. warn about stays at 1).
IGNORES_MODEL_AT = 0.9
PARAMETRIC = (nn.Linear, nn.Conv2d)


@dataclass(frozen=True)
class CascadeStep:
    """One step of the cascade: `layer` is the one randomised last (every layer above it is random too;
    "original" for the first step), the map then, and its similarity to the original map, signed and in
    absolute value."""

    layer: str
    map: np.ndarray  # (28, 28)
    spearman: float
    ssim: float
    spearman_abs: float
    ssim_abs: float


def layer_order(model: nn.Module) -> list[str]:
    """The layers the cascade randomises, from the top (the logits) down to the first: a DigitNet's named
    stages that hold weights (["logits", "dense1"], ["logits", "conv2", "conv1"]); for any other module,
    its linear and convolution layers by name, last built first."""
    names, stages = getattr(model, "names", None), getattr(model, "stages", None)
    if names is not None and stages is not None:
        order = [n for n, s in zip(names, stages, strict=True)
                 if any(isinstance(m, PARAMETRIC) for m in s.modules())]
    else:
        order = [n for n, m in model.named_modules() if isinstance(m, PARAMETRIC)]
    return order[::-1]


def _layer(model: nn.Module, name: str) -> nn.Module:
    names, stages = getattr(model, "names", None), getattr(model, "stages", None)
    if names is not None and stages is not None and name in names:
        return stages[names.index(name)]
    return model.get_submodule(name)


def _as_batch(x: torch.Tensor) -> torch.Tensor:
    x = torch.as_tensor(x, dtype=torch.float32)
    if x.dim() == 3:  # (1, 28, 28)
        x = x.unsqueeze(0)
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"one digit, (1, 1, 28, 28) normalised, not shape {tuple(x.shape)}")
    return x


def _map(explain: Explain, model: nn.Module, x: torch.Tensor, target: int) -> np.ndarray:
    maps = np.asarray(explain(model, x, torch.tensor([target], dtype=torch.int64)), dtype=np.float64)
    return maps.reshape(maps.shape[-2:]) if maps.ndim >= 2 else maps


def cascade(model: nn.Module, x: torch.Tensor, target: int, explain: Explain, seed: int = 0,
            layers: list[str] | None = None,
            progress: Callable[[int, int], None] | None = None) -> list[CascadeStep]:
    """The cascading randomisation of `model` for one digit `x` (1, 1, 28, 28) and class `target`.

    Step 0 is the original map; each next step re-initialises one more layer (`layers`, default
    `layer_order(model)`: from the top down), as the network was initialised before training (PyTorch's
    default, drawn from a torch.Generator seeded with `seed`), and recomputes the map with `explain`.
    Everything happens on one deep copy, the original map included: the learner's model is never given to
    `explain` and never changed. `progress(done, total)` is called after each step (it may raise to stop
    the cascade)."""
    x = _as_batch(x)
    target = int(target)
    work = copy.deepcopy(model)
    order = layer_order(work) if layers is None else list(layers)
    generator = torch.Generator().manual_seed(int(seed))
    original = _map(explain, work, x, target)
    steps = [CascadeStep(ORIGINAL, original, **similarities(original, original))]
    if progress is not None:
        progress(1, len(order) + 1)
    for name in order:
        initialise(_layer(work, name), generator)
        m = _map(explain, work, x, target)
        steps.append(CascadeStep(name, m, **similarities(original, m)))
        if progress is not None:
            progress(len(steps), len(order) + 1)
    return steps


def ignores_model(steps: list[CascadeStep], threshold: float = IGNORES_MODEL_AT) -> bool:
    """Whether a cascade's map stayed like the original with the weights random (Spearman of the signed
    maps at least `threshold` at every step): then the method explains the input, not the model."""
    return len(steps) > 1 and all(s.spearman >= threshold for s in steps[1:])


def similarity_rows(cascades: dict[str, list[CascadeStep]], absolute: bool = False) -> pd.DataFrame:
    """Cascades of several methods as the table `render.charts.similarity_per_layer` draws: method, step
    (0 = original), layer, measure ("Spearman" or "SSIM") and value, of the signed maps or (`absolute`)
    of their absolute values."""
    suffix = "_abs" if absolute else ""
    rows = [{"method": method, "step": i, "layer": s.layer, "measure": label,
             "value": float(getattr(s, field + suffix))}
            for method, steps in cascades.items() for i, s in enumerate(steps)
            for field, label in (("spearman", "Spearman"), ("ssim", "SSIM"))]
    return pd.DataFrame(rows, columns=["method", "step", "layer", "measure", "value"])


def shuffled_labels(labels: torch.Tensor | np.ndarray, seed: int = 0) -> torch.Tensor:
    """The data randomisation test's labels: the same labels in a random order (a seeded permutation, so
    each class keeps its count), as an int64 tensor. A network trained on them can only memorise; an
    explanation that looks the same for it explains the digit, not what the network learnt."""
    labels = torch.as_tensor(np.asarray(labels), dtype=torch.int64).reshape(-1)
    generator = torch.Generator().manual_seed(int(seed))
    return labels[torch.randperm(len(labels), generator=generator)]
