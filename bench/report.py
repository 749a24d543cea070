"""Printing benchmark figures the same way everywhere: figure, target, reference, pass/fail."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

RESULTS: list[tuple[str, bool]] = []


def _number(x: float) -> str:
    """4 significant digits, but whole numbers from 1,000 up written out (25,000, not 2.5e+04)."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.4g}"


def line(name: str, figure: float, unit: str, *, target: float | None = None, higher_is_better: bool = True,
         reference: str = "") -> bool:
    """Print one figure; returns whether it meets its target (True when there is none)."""
    ok = True
    if target is not None:
        ok = figure >= target if higher_is_better else figure <= target
    sign = "≥" if higher_is_better else "≤"
    target_text = f"target {sign} {_number(target)} {unit}" if target is not None else ""
    verdict = "" if target is None else ("PASS" if ok else "MISS")
    print(f"  {name:<58} {_number(figure):>12} {unit:<10} {target_text:<26} {verdict:<5} {reference}")
    RESULTS.append((name, ok))
    return ok


def best_rate(work: Callable[[], int], repeats: int = 3, seconds: float = 2.0) -> float:
    """Units per second of `work` (which returns how many units it did), median of `repeats` runs."""
    rates = []
    for _ in range(repeats):
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            done += work()
        rates.append(done / (time.perf_counter() - start))
    return statistics.median(rates)


def header(title: str) -> None:
    print(f"\n== {title}")
