"""What the Embeddings lesson's scatter draws: the table behind the chart (each point's label, reading and
picture), which points it shows and projects, and their 2D coordinates among all the points."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# the "Colour by" choices, and the table's column each colours by
COLOUR_FIELDS = {"true label": "label", "predicted label": "read as", "right/wrong": "right"}


def points_table(coords: np.ndarray, labels: np.ndarray, predicted: np.ndarray, class_names: Sequence[str],
                 keep: np.ndarray, thumbnails: Sequence[str] | None = None) -> pd.DataFrame:
    """The kept points as rows: x, y, idx (the point's number), label, read as, right (right/wrong), and
    image (a picture for the tooltip) when there are thumbnails."""
    frame = pd.DataFrame({"x": coords[:, 0], "y": coords[:, 1], "idx": np.arange(len(coords)),
                          "label": [class_names[c] for c in labels], "read as": [class_names[c] for c in predicted],
                          "right": np.where(labels == predicted, "right", "wrong")})
    if thumbnails is not None:
        frame["image"] = thumbnails
    return frame[keep]


def isolated(n_points: int, selected: int, neighbours: np.ndarray) -> np.ndarray:
    """The mask of a selected point and its nearest neighbours: what "Isolate the selection" shows."""
    keep = np.zeros(n_points, dtype=bool)
    keep[np.concatenate([[selected], neighbours]).astype(np.int64)] = True
    return keep


def projected(keep: np.ndarray, isolate: bool) -> np.ndarray:
    """The points a projection is made of: the isolated ones on their own, else every point (hiding a class
    leaves the others where they were)."""
    return np.asarray(keep, dtype=bool) if isolate else np.ones(len(keep), dtype=bool)


def placed(subset: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """(n, 2) coordinates of every point: the projected subset's, the others at the origin (not drawn)."""
    everywhere = np.zeros((len(subset), 2))
    everywhere[subset] = coords
    return everywhere


def explained(ratios: np.ndarray, a: int, b: int) -> float:
    """The share of the variance two principal components explain (one, when both axes show the same)."""
    return float(ratios[a] + (ratios[b] if b != a else 0))


def neighbour_agreement(labels: np.ndarray, point: int, neighbours: np.ndarray) -> float:
    """The share of a point's neighbours that have its label."""
    return float(np.mean(labels[neighbours] == labels[point]))
