"""The seven input features of TensorFlow Playground, computed from a point (x, y)."""

from __future__ import annotations

import numpy as np

# In TF's order (it decides the order of the input nodes and so of the initial weights).
FEATURES: tuple[str, ...] = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
LABELS: dict[str, str] = {
    "x": "X₁",
    "y": "X₂",
    "xSquared": "X₁²",
    "ySquared": "X₂²",
    "xTimesY": "X₁X₂",
    "sinX": "sin(X₁)",
    "sinY": "sin(X₂)",
}
DEFAULT_FEATURES: tuple[str, ...] = ("x", "y")


def feature_columns(points: np.ndarray) -> dict[str, np.ndarray]:
    """Every feature's value for every point."""
    x, y = points[:, 0], points[:, 1]
    return {
        "x": x,
        "y": y,
        "xSquared": x * x,
        "ySquared": y * y,
        "xTimesY": x * y,
        "sinX": np.sin(x),
        "sinY": np.sin(y),
    }


def feature_matrix(points: np.ndarray, enabled: tuple[str, ...] | list[str]) -> np.ndarray:
    """(n, k) float64 matrix of the enabled features, in TF's order whatever the order given."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    columns = feature_columns(points)
    chosen = [name for name in FEATURES if name in enabled]
    if not chosen:
        return np.zeros((points.shape[0], 0))
    return np.ascontiguousarray(np.stack([columns[name] for name in chosen], axis=1))


def ordered(enabled: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The enabled features in TF's order."""
    return tuple(name for name in FEATURES if name in enabled)
