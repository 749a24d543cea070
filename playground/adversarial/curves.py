"""The accuracy-against-ε curves the page charts and tabulates, as rows (one per curve and ε): the learner's
network, its robust twin, and the PyTorch tutorial's published curve for reference.

Each row names its curve, the network it measures ("your network", "robust twin" or "reference": the
chart's colour) and the attack ("fgsm", "pgd", or "reference" for the tutorial's line: the chart's dash)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from playground.adversarial.attacks import DEFAULT_EPSILONS, TUTORIAL_CURVE, accuracy_vs_eps
from playground.torch_runtime import torch

CURVE_DIGITS = 1000  # test digits a curve attacks at most
SUMMARY_EPS = 0.1  # the robust twin's summary: clean accuracy, and the accuracy at this ε
COMPARISON_PGD_STEPS = 10
YOURS, ROBUST, REFERENCE = "your network", "robust twin", "reference"
TUTORIAL_NAME = "PyTorch tutorial's LeNet, FGSM (reference)"

Row = dict[str, object]  # curve, model, kind, eps, accuracy
Progress = Callable[[float, str], object]  # (share done 0..1, what is being measured)


def curve_digits(available: int) -> int:
    """How many test digits a curve attacks: the first 1,000, or all there are."""
    return min(CURVE_DIGITS, available)


def curve_name(model: str, attack: str) -> str:
    """"your network, FGSM", "robust twin, PGD"."""
    return f"{model}, {attack.upper()}"


def curve_rows(curve: Sequence[tuple[float, float]], model: str, kind: str, name: str | None = None) -> list[Row]:
    """One curve's [(ε, accuracy)] as chart rows: `model` is the network measured (its colour), `kind` the
    attack, "fgsm" or "pgd", or "reference" (its dash); named "<model>, <ATTACK>" unless `name` is given."""
    name = name or curve_name(model, kind)
    return [{"curve": name, "model": model, "kind": kind, "eps": e, "accuracy": a} for e, a in curve]


def tutorial_rows() -> list[Row]:
    """The PyTorch tutorial's published FGSM curve, the chart's reference line."""
    return curve_rows(TUTORIAL_CURVE, REFERENCE, REFERENCE, TUTORIAL_NAME)


def comparison_rows(standard: torch.nn.Module, robust: torch.nn.Module, images, labels,
                    steps: int = COMPARISON_PGD_STEPS, progress: Progress | None = None) -> list[Row]:
    """The learner's network and its robust twin, each under FGSM and PGD, on the same test digits.
    `progress(share, what)` is told as it goes (PGD costs `steps` times FGSM, so it counts that much more)."""
    work = {"fgsm": 1, "pgd": steps}
    total = 2 * sum(work.values()) * len(DEFAULT_EPSILONS)
    done = 0.0
    rows: list[Row] = []
    for model_name, model in ((YOURS, standard), (ROBUST, robust)):
        for attack in ("fgsm", "pgd"):
            what = f"{model_name} under {attack.upper()}"
            start = done

            def each_eps(share: float, start: float = start, attack: str = attack, what: str = what) -> None:
                if progress is not None:
                    progress((start + share * work[attack] * len(DEFAULT_EPSILONS)) / total, what)

            curve = accuracy_vs_eps(model, images, labels, attack=attack, steps=steps, progress=each_eps)
            done += work[attack] * len(DEFAULT_EPSILONS)
            rows += curve_rows(curve, model_name, attack)
    if progress is not None:
        progress(1.0, "done")
    return rows


def accuracy_table(rows: list[Row]) -> pd.DataFrame:
    """ε down the side, one column of accuracies per curve (in the order the curves come)."""
    frame = pd.DataFrame(rows)
    order = list(dict.fromkeys(frame["curve"]))
    return frame.pivot(index="eps", columns="curve", values="accuracy")[order]


def robust_summary(rows: list[Row], eps: float = SUMMARY_EPS) -> pd.DataFrame:
    """One row per curve: its clean accuracy and its accuracy at ε."""
    summary = pd.DataFrame(rows).query("eps in [0.0, @eps]").pivot(index="curve", columns="eps", values="accuracy")
    summary.columns = ["clean accuracy", f"accuracy at ε = {eps:g}"]
    return summary
