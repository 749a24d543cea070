"""The accuracy-against-ε curves the page charts and tabulates, as rows (one per curve and ε): the learner's
network, its robust twin, and the PyTorch tutorial's published curve for reference."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from playground.adversarial.attacks import TUTORIAL_CURVE, accuracy_vs_eps
from playground.torch_runtime import torch

CURVE_DIGITS = 1000  # test digits a curve attacks at most
SUMMARY_EPS = 0.1  # the robust twin's summary: clean accuracy, and the accuracy at this ε
COMPARISON_PGD_STEPS = 10
TUTORIAL_NAME = "PyTorch tutorial's LeNet, FGSM (reference)"

Row = dict[str, object]  # curve, kind, eps, accuracy


def curve_digits(available: int) -> int:
    """How many test digits a curve attacks: the first 1,000, or all there are."""
    return min(CURVE_DIGITS, available)


def curve_rows(curve: Sequence[tuple[float, float]], name: str, kind: str) -> list[Row]:
    """One curve's [(ε, accuracy)] as chart rows named `name`, dashed by `kind`."""
    return [{"curve": name, "kind": kind, "eps": e, "accuracy": a} for e, a in curve]


def tutorial_rows() -> list[Row]:
    """The PyTorch tutorial's published FGSM curve, the chart's reference line."""
    return curve_rows(TUTORIAL_CURVE, TUTORIAL_NAME, "reference")


def comparison_rows(standard: torch.nn.Module, robust: torch.nn.Module, images, labels,
                    steps: int = COMPARISON_PGD_STEPS) -> list[Row]:
    """The learner's network and its robust twin, each under FGSM and PGD, on the same test digits."""
    rows: list[Row] = []
    for name, model in (("your network", standard), ("robust twin", robust)):
        for attack in ("fgsm", "pgd"):
            curve = accuracy_vs_eps(model, images, labels, attack=attack, steps=steps)
            rows += curve_rows(curve, f"{name}, {attack.upper()}", attack)
    return rows


def accuracy_table(rows: list[Row]) -> pd.DataFrame:
    """ε down the side, one column of accuracies per curve."""
    return pd.DataFrame(rows).pivot(index="eps", columns="curve", values="accuracy")


def robust_summary(rows: list[Row], eps: float = SUMMARY_EPS) -> pd.DataFrame:
    """One row per curve: its clean accuracy and its accuracy at ε."""
    summary = pd.DataFrame(rows).query("eps in [0.0, @eps]").pivot(index="curve", columns="eps", values="accuracy")
    summary.columns = ["clean accuracy", f"accuracy at ε = {eps:g}"]
    return summary
