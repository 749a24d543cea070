"""Deletion and insertion curves (Petsiuk et al., 2018, RISE): does the map rank the pixels the network
needs first?

Deletion sets pixels to black in the order a map ranks them, most important first, and reads the target
class's probability after each step: a faithful map makes it fall fast (a small area under the curve).
Insertion puts the pixels, in the same order, onto a black image: a faithful map makes it rise fast (a
large area). A random order is the baseline. Every curve's steps go through the network in one batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from playground.digits.models import PIXEL_MEAN, PIXEL_STD, normalise
from playground.torch_runtime import torch

nn = torch.nn

# explain(model, x (n, 1, 28, 28) normalised, targets (n,) int64) -> maps (n, 28, 28)
Explain = Callable[[nn.Module, torch.Tensor, torch.Tensor], np.ndarray]

MODES = ("deletion", "insertion")
STEPS = 20  # 20 steps of 5% of the pixels
RANDOM = "Random"  # the random order's name in tables and charts
BLACK = -PIXEL_MEAN / PIXEL_STD  # a black pixel, normalised
TIES_SEED = 2018  # the fixed random order of pixels a map ranks alike
FORWARD_BATCH = 512  # images per forward pass (on one core, batches of a few hundred run fastest)
TABLE_COLUMNS = ["method", "deletion AUC", "insertion AUC", "deletion rank", "insertion rank", "rank"]


def _as_inputs(x: torch.Tensor | np.ndarray) -> torch.Tensor:
    """(n, 1, 28, 28) normalised float; uint8 pixels (n, 28, 28) are normalised first."""
    t = torch.as_tensor(x)
    if t.dtype == torch.uint8:
        return normalise(t.reshape(-1, 28, 28))
    t = t.to(torch.float32)
    return t.unsqueeze(0) if t.dim() == 3 else t


def _targets(targets: object, n: int) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(targets), dtype=torch.int64).reshape(-1)
    if len(t) == 1 and n > 1:
        t = t.expand(n)
    if len(t) != n:
        raise ValueError(f"{len(t)} targets for {n} digits")
    return t


def pixel_counts(pixels: int, steps: int = STEPS) -> np.ndarray:
    """How many pixels are removed (or inserted) at each of the steps + 1 points: 0 … all, evenly."""
    if steps < 1:
        raise ValueError("at least one step")
    return np.rint(np.arange(steps + 1) * pixels / steps).astype(np.int64)


def ranks(maps: np.ndarray) -> np.ndarray:
    """(n, h, w) maps -> (n, h·w): each pixel's place in its map's order, 0 for the most important (the
    largest value). Tied pixels (a coarse Grad-CAM map's zeros) come in one fixed random order, the same
    for every map: in reading order, a map that ranks nothing would delete the empty top rows first."""
    flat = np.asarray(maps, dtype=np.float64).reshape(len(maps), -1)
    ties = np.broadcast_to(np.random.default_rng(TIES_SEED).random(flat.shape[1]), flat.shape)
    order = np.lexsort((ties, -flat), axis=-1)
    place = np.empty_like(order)
    np.put_along_axis(place, order, np.broadcast_to(np.arange(flat.shape[1]), flat.shape), axis=1)
    return place


def perturbed(x: torch.Tensor, maps: np.ndarray, steps: int = STEPS, mode: str = "deletion") -> torch.Tensor:
    """The images a curve reads, (n, steps + 1, 1, 28, 28): deletion blackens the first k pixels of each
    map's order, insertion shows only them on a black image, for k = pixel_counts(...)."""
    if mode not in MODES:
        raise ValueError(f"mode is 'deletion' or 'insertion', not {mode!r}")
    x = _as_inputs(x)
    n = len(x)
    place = torch.from_numpy(ranks(np.asarray(maps).reshape(n, *x.shape[-2:])))  # (n, pixels)
    counts = torch.from_numpy(pixel_counts(place.shape[1], steps))  # (steps + 1,)
    chosen = place[:, None, :] < counts[None, :, None]  # (n, steps + 1, pixels): removed / inserted
    flat = x.reshape(n, 1, -1)
    black = torch.full_like(flat, BLACK)
    images = torch.where(chosen, black, flat) if mode == "deletion" else torch.where(chosen, flat, black)
    return images.reshape(n, steps + 1, *x.shape[1:])


@torch.no_grad()
def probabilities(model: nn.Module, images: torch.Tensor, targets: torch.Tensor,
                  batch: int = FORWARD_BATCH) -> np.ndarray:
    """softmax(model(images))[target] per image; images (m, 1, 28, 28), targets (m,); `batch` images a
    forward pass."""
    out = []
    batch = max(1, int(batch))
    for start in range(0, len(images), batch):
        p = torch.softmax(model(images[start:start + batch]), dim=1)
        if len(targets) and (int(targets.min()) < 0 or int(targets.max()) >= p.shape[1]):
            raise ValueError(f"a class out of range: the network has classes 0 to {p.shape[1] - 1}")
        out.append(p.gather(1, targets[start:start + batch, None])[:, 0])
    return torch.cat(out).numpy().astype(np.float64) if out else np.zeros(0)


def curves(model: nn.Module, x: torch.Tensor, targets: torch.Tensor, maps: np.ndarray, steps: int = STEPS,
           mode: str = "deletion") -> np.ndarray:
    """(n, steps + 1): the target class's probability at each step, for n digits x (n, 1, 28, 28) with their
    maps (n, 28, 28). Batched: all the steps of as many digits as fit in FORWARD_BATCH images (at least
    one digit) go through the network in one forward pass."""
    x = _as_inputs(x)
    n = len(x)
    t = _targets(targets, n)
    maps = np.asarray(maps).reshape(n, *x.shape[-2:])
    per_pass = max(1, FORWARD_BATCH // (steps + 1))
    out = []
    for s in range(0, n, per_pass):
        images = perturbed(x[s:s + per_pass], maps[s:s + per_pass], steps, mode)
        k = len(images)
        out.append(probabilities(model, images.reshape(k * (steps + 1), *x.shape[1:]),
                                 t[s:s + per_pass].repeat_interleave(steps + 1), batch=k * (steps + 1)))
    return np.concatenate(out).reshape(n, steps + 1) if out else np.zeros((0, steps + 1))


def deletion_curve(model: nn.Module, x: torch.Tensor, target: int, map: np.ndarray,  # noqa: A002
                   steps: int = STEPS, mode: str = "deletion") -> np.ndarray:
    """(steps + 1,): the class `target`'s probability as the pixels of one digit x (1, 1, 28, 28) are
    removed (mode "deletion") or inserted ("insertion") in the order `map` (28, 28) ranks them, 5% a step
    by default; all steps in one forward pass."""
    return curves(model, x, torch.tensor([int(target)]), np.asarray(map)[None], steps, mode)[0]


def auc(curve: np.ndarray) -> float | np.ndarray:
    """The area under a curve drawn over the share of pixels 0 … 1 (trapezoids): a float for one curve,
    an array for curves along the last axis."""
    c = np.asarray(curve, dtype=np.float64)
    if c.shape[-1] < 2:
        raise ValueError("a curve needs at least two points")
    area = np.trapezoid(c, dx=1.0 / (c.shape[-1] - 1), axis=-1)
    return float(area) if np.ndim(area) == 0 else area


def random_map(seed: int, shape: tuple[int, ...] = (28, 28)) -> np.ndarray:
    """A random order of the pixels as a map (uniform values from a seeded numpy Generator)."""
    return np.random.default_rng(seed).random(shape)


def random_maps(n: int, seed: int, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
    """n random maps (n, *shape), one seeded Generator for all."""
    return np.random.default_rng(seed).random((n, *shape))


def digit_curves(model: nn.Module, x: torch.Tensor, target: int, maps: dict[str, np.ndarray], seed: int = 0,
                 steps: int = STEPS) -> pd.DataFrame:
    """One digit's deletion and insertion curves for several methods' maps and a random order (`RANDOM`,
    seeded), read in one forward pass: columns method, mode, share (of the pixels, 0 … 1), probability.
    The table `render.charts.deletion_insertion_curves` draws; `curve_aucs` gives its areas."""
    names = [*maps, RANDOM]
    stacked = np.stack([np.asarray(maps[m], dtype=np.float64).reshape(28, 28) for m in maps]
                       + [random_map(seed)])
    x = _as_inputs(x)
    k = len(names)
    images = torch.cat([perturbed(x.expand(k, -1, -1, -1), stacked, steps, mode) for mode in MODES])
    images = images.reshape(-1, *x.shape[1:])
    p = probabilities(model, images, torch.full((len(images),), int(target), dtype=torch.int64),
                      batch=len(images))
    p = p.reshape(len(MODES), k, steps + 1)
    share = np.linspace(0.0, 1.0, steps + 1)
    rows = [{"method": name, "mode": mode, "share": float(share[j]), "probability": float(p[i, m, j])}
            for i, mode in enumerate(MODES) for m, name in enumerate(names) for j in range(steps + 1)]
    return pd.DataFrame(rows, columns=["method", "mode", "share", "probability"])


def curve_aucs(frame: pd.DataFrame) -> pd.DataFrame:
    """digit_curves' table -> one row per method (in its order): method, deletion AUC, insertion AUC."""
    out = []
    for method in frame["method"].unique():
        row = {"method": method}
        for mode in MODES:
            part = frame[(frame["method"] == method) & (frame["mode"] == mode)].sort_values("share")
            row[f"{mode} AUC"] = auc(part["probability"].to_numpy())
        out.append(row)
    return pd.DataFrame(out, columns=["method", "deletion AUC", "insertion AUC"])


def chosen_digits(count: int, n: int, seed: int) -> np.ndarray:
    """Which n of `count` digits a table reads: a seeded sample, in index order."""
    n = max(0, min(int(n), count))
    return np.sort(np.random.default_rng(seed).choice(count, size=n, replace=False))


def method_table(model: nn.Module, images: torch.Tensor | np.ndarray, labels: torch.Tensor | np.ndarray,
                 explainers: dict[str, Explain], seed: int = 0, n: int = 100, steps: int = STEPS,
                 target: str = "predicted", progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Deletion and insertion over n test digits (a seeded sample of `images`, uint8 (N, 28, 28) or
    normalised (N, 1, 28, 28)) for each method in `explainers`, and a random order (seeded) as the last
    row: the mean deletion AUC (lower is better), the mean insertion AUC (higher is better), the rank by
    each, and the overall rank by insertion − deletion (1 = best). The target class is the network's
    prediction (`target="predicted"`) or the true label (`"label"`). Each method explains all n digits in
    one call; each curve set is read in batched forward passes. `progress(done, total)` is called after each
    method (it may raise to stop). `table.attrs["digits"]` holds the indices read, `table.attrs["seconds"]`
    each row's time (its maps and its curves)."""
    if target not in ("predicted", "label"):
        raise ValueError(f"target is 'predicted' or 'label', not {target!r}")
    x_all = _as_inputs(images)
    idx = chosen_digits(len(x_all), n, seed)
    if len(idx) == 0:
        raise ValueError("no digits to read")
    x = x_all[torch.from_numpy(idx)]
    if target == "label":
        t = _targets(np.asarray(labels)[idx], len(idx))
    else:
        with torch.no_grad():
            t = model(x).argmax(dim=1) if len(x) else torch.zeros(0, dtype=torch.int64)
    makers: dict[str, Callable[[], np.ndarray]] = {
        name: (lambda explain=explain: explain(model, x, t)) for name, explain in explainers.items()}
    makers[RANDOM] = lambda: random_maps(len(x), seed)
    rows, seconds = [], {}
    for name, make in makers.items():
        start = time.perf_counter()
        maps = np.asarray(make(), dtype=np.float64).reshape(len(x), 28, 28)
        row: dict[str, object] = {"method": name}
        for mode in MODES:
            row[f"{mode} AUC"] = float(np.mean(auc(curves(model, x, t, maps, steps, mode))))
        rows.append(row)
        seconds[name] = time.perf_counter() - start
        if progress is not None:
            progress(len(rows), len(makers))
    table = pd.DataFrame(rows, columns=["method", "deletion AUC", "insertion AUC"])
    table["deletion rank"] = table["deletion AUC"].rank(method="min").astype(int)
    table["insertion rank"] = table["insertion AUC"].rank(method="min", ascending=False).astype(int)
    score = table["insertion AUC"] - table["deletion AUC"]
    table["rank"] = score.rank(method="min", ascending=False).astype(int)
    table.attrs["digits"] = [int(i) for i in idx]
    table.attrs["seconds"] = seconds
    return table[TABLE_COLUMNS]
