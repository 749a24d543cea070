"""What the Playground's network view is sent: the full picture on each page run and the small
per-frame updates while training plays (plain dicts of JSON values; no Streamlit here)."""

from __future__ import annotations

import numpy as np

from playground.engine2d.activations import LABELS as ACTIVATION_LABELS
from playground.engine2d.features import FEATURES
from playground.engine2d.features import LABELS as FEATURE_LABELS
from playground.render.colors import CLASS_HEX
from playground.tfplayground.frames import input_thumbnails_uri, render_frame
from playground.tfplayground.run import PlaygroundRun

CHANNEL = "playground"


def selection_caption(run: PlaygroundRun, selected: tuple[int, int] | None) -> str:
    """Says what the large heatmap shows."""
    net = run.network
    if selected is None or not (1 <= selected[0] <= net.n_layers and 0 <= selected[1] < net.sizes[selected[0]]):
        if run.problem == "classification" and run.n_classes > 2:
            return "Showing the output: each colour is a class, paler where the network is unsure."
        return "Showing the output. Click a neuron to see its heatmap here."
    layer, index = selected
    if layer == net.n_layers:
        return f"Showing how sure the network is of class {run.class_names[index]}. Click it again for all classes."
    return f"Showing neuron {index + 1} of hidden layer {layer}. Click it again to go back to the output."


def valid_selection(run: PlaygroundRun, selected: tuple[int, int] | None) -> tuple[int, int] | None:
    """The picked node if it still exists in the current network (a change of shape can remove it)."""
    if selected is None:
        return None
    layer, index = selected
    net = run.network
    if 1 <= layer <= net.n_layers and 0 <= index < net.sizes[layer]:
        if layer == net.n_layers and net.head != "softmax-cross-entropy":
            return None  # the single output is what the big map shows anyway
        return (layer, index)
    return None


def frame_payload(run: PlaygroundRun, selected: tuple[int, int] | None, history_from: int | None,
                  seq: int = 0) -> dict:
    """One frame: epoch, scores, thumbnails, the large map, the weights, and the new loss points."""
    net = run.network
    pictures = render_frame(net, run.features, selected, run.settings.discretize)
    scores = run.scores()
    table = run.history.table()
    tail = table if history_from is None else table[table[:, 0] >= history_from]
    payload = {
        "seq": seq,  # the view ignores a frame older than the last it drew (one may arrive late)
        "epoch": run.epoch,
        "sprite": pictures.sprite,
        "main": pictures.main,
        "params": np.round(net.params, 6).tolist(),
        "scores": {
            "train_loss": scores.train_loss,
            "test_loss": scores.test_loss,
            "train_metric": _finite(scores.train_metric),
            "test_metric": _finite(scores.test_metric),
            "metric_name": scores.metric_name,
        },
        "history_tail": np.round(tail, 6).tolist(),
        "caption": selection_caption(run, selected),
    }
    if not net.alive.all():
        payload["alive"] = net.alive.astype(int).tolist()
    return payload


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def mount_payload(run: PlaygroundRun, *, selected: tuple[int, int] | None, add_mode: int | None,
                  readonly: bool = False, seq: int = 0) -> dict:
    """Everything the view draws: layout, points, colours, limits, and the current frame."""
    s = run.settings
    net = run.network
    enabled = set(run.features)
    points = {
        "train": _point_rows(run.train_x, run.train_y),
        "test": _point_rows(run.test_x, run.test_y),
    }
    return {
        "channel": CHANNEL,
        "sizes": [int(v) for v in net.sizes],
        "features": [{"id": f, "label": FEATURE_LABELS[f], "enabled": f in enabled} for f in FEATURES],
        "activations": [ACTIVATION_LABELS[a] for a in s.hidden_activations()],
        "input_sprite": input_thumbnails_uri(),
        "points": points,
        "show_test": bool(s.showTestData),
        "problem": run.problem,
        "n_classes": run.n_classes,
        "class_names": list(run.class_names) if run.class_names else ["-1", "+1"],
        "class_colors": list(CLASS_HEX),
        "limits": {"max_layers": s.limits().max_layers, "max_neurons": s.limits().max_neurons},
        "hidden_controls": list(getattr(s, "hidden", ())),
        "add_mode": add_mode,
        "selected": list(selected) if selected else None,
        "readonly": readonly,
        "history": np.round(run.history.table(), 6).tolist(),
        "frame": frame_payload(run, selected, history_from=run.epoch + 1, seq=seq),  # history is sent above
    }


def _point_rows(xy: np.ndarray, labels: np.ndarray) -> list[list[float]]:
    """[[x, y, label], ...] with 4 decimals (a class id stays a whole number)."""
    if xy.shape[0] == 0:
        return []
    rows = np.column_stack([np.round(xy, 4), labels.astype(np.float64)])
    if labels.dtype.kind in "iu":
        return [[x, y, int(c)] for x, y, c in rows.tolist()]
    return rows.tolist()
