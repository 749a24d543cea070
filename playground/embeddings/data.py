"""What the Embeddings lesson projects, and the numbers beside the pictures.

A "representation" is an (n, d) float32 matrix: what one layer of a network makes of n points. For the
digit networks the layers are the raw pixels, every hidden stage and the logits; for the Playground's
2D network, its node layers (input features, hidden layers, outputs). Beside them: a stratified sample
of points to show, the k-NN accuracy of a layer's space (how well its neighbourhoods separate the
classes), a point's nearest neighbours in the layer's own space, and snapshots of one layer during
training, projected with a shared orientation so that a slider shows clusters forming, not spinning.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from playground.digits.models import DigitNet, normalise
from playground.digits.training import DigitTrainer
from playground.embeddings.projections import nearest_distances, pca
from playground.engine2d.features import feature_matrix
from playground.tfplayground.run import PlaygroundRun
from playground.torch_runtime import torch

INPUT = "input"  # the digit layer that is the pixels themselves (0..1, flattened)

# ------------------------------------------------------------------------------------------ digits


def digit_layers(model: DigitNet) -> list[tuple[str, str]]:
    """(layer, label) of every layer of a digit network a learner can project, input first, logits last.
    The flatten stage is left out: it is its input again (the pixels, or the last convolution's maps)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        _, outputs = model(torch.zeros(1, 1, 28, 28), taps=True)
    model.train(was_training)
    layers = [(INPUT, "Input pixels (784)")]
    for name, out in zip(model.names, outputs, strict=True):
        size = out[0].numel()
        if name == "flatten":
            continue
        if name == "logits":
            layers.append((name, f"Output logits ({size})"))
        elif out.ndim == 4:
            c, h, w = out.shape[1:]
            layers.append((name, f"Hidden {name} ({c}×{h}×{w} = {size:,})"))
        else:
            layers.append((name, f"Hidden {name} ({size} units)"))
    return layers


def digit_representations(source: DigitTrainer | DigitNet, images_uint8: np.ndarray | torch.Tensor,
                          layer: str, batch: int = 1000) -> np.ndarray:
    """(n, d) float32: layer `layer` of a digit network for (n, 28, 28) uint8 images, feature maps
    flattened (channel, row, column). "input" is the pixels / 255. Batched, without gradients."""
    images = torch.as_tensor(np.asarray(images_uint8, dtype=np.uint8)).reshape(-1, 28, 28)
    if layer == INPUT:
        return (images.reshape(len(images), -1).to(torch.float32) / 255.0).numpy()
    model = source.model if isinstance(source, DigitTrainer) else source
    # A trainer knows its inputs' memory format (channels-last for convolutions).
    to_inputs = source._inputs if isinstance(source, DigitTrainer) else normalise  # noqa: SLF001 - the trainer's own
    if layer not in model.names or layer == "flatten":
        raise ValueError(f"no layer {layer!r}; the choices are {[name for name, _ in digit_layers(model)]}")
    index = model.names.index(layer)
    was_training = model.training
    model.eval()
    rows = []
    with torch.no_grad():
        for start in range(0, len(images), batch):
            _, outputs = model(to_inputs(images[start : start + batch]), taps=True)
            out = outputs[index]
            rows.append(out.reshape(len(out), -1).to(torch.float32))
    model.train(was_training)
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return torch.cat(rows).numpy()


# -------------------------------------------------------------------------------------- Playground


def playground_layers(run: PlaygroundRun) -> list[tuple[int, str]]:
    """(node layer, label) of the Playground network: 0 = input features, …, last = outputs."""
    net = run.network
    layers = [(0, f"Input features ({net.sizes[0]})")]
    layers += [(layer, f"Hidden layer {layer} ({net.sizes[layer]} neurons)")
               for layer in range(1, net.n_layers)]
    layers.append((net.n_layers, f"Output ({net.sizes[-1]})"))
    return layers


def playground_representations(run: PlaygroundRun, points: np.ndarray, layer: int) -> np.ndarray:
    """(n, d) float32: node layer `layer`'s outputs for 2D points (n, 2) (layer 0: the enabled features)."""
    net = run.network
    if not 0 <= layer <= net.n_layers:
        raise ValueError(f"node layer must be 0..{net.n_layers}, not {layer}")
    outputs = net.node_outputs(feature_matrix(points, run.features))
    return np.ascontiguousarray(net.layer_nodes(outputs, layer).T, dtype=np.float32)


# --------------------------------------------------------------------------------- samples, numbers


def sample_indices(labels: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of n items, every class in its proportion (largest remainders round up), seeded."""
    labels = np.asarray(labels)
    if n >= len(labels):
        return np.arange(len(labels))
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    exact = n * counts / len(labels)
    quota = np.floor(exact).astype(np.int64)
    quota[np.argsort(-(exact - quota), kind="stable")[: n - quota.sum()]] += 1
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(inverse == c), size=quota[c], replace=False)
              for c in range(len(classes))]
    return np.sort(np.concatenate(chosen))


def knn_accuracy(reps: np.ndarray, labels: np.ndarray, k: int = 5, seed: int = 0, metric: str = "euclidean",
                 max_points: int = 5000) -> float:
    """How well a space separates the classes: leave-one-out k-NN accuracy (each point classified by
    the majority of its k nearest other points; ties go to the class whose neighbours are nearer).
    ~1 when classes form separate clusters, ~1/classes when they are mixed. Above `max_points`, a
    seeded stratified sample of that many is scored (the cost is O(n²·d))."""
    reps, labels = np.asarray(reps), np.asarray(labels)
    if len(labels) > max_points:
        keep = sample_indices(labels, max_points, seed)
        reps, labels = reps[keep], labels[keep]
    n = len(labels)
    if n < 2:
        return float("nan")
    k = min(k, n - 1)
    neighbours, _ = nearest_distances(reps.reshape(n, -1), k, metric)
    classes, codes = np.unique(labels, return_inverse=True)
    votes = np.zeros((n, len(classes)))
    # one vote per neighbour, plus a tiny bonus for rank (nearest most) that only ever breaks ties
    weights = 1.0 + 1e-6 * np.arange(k, 0, -1)
    np.add.at(votes, (np.repeat(np.arange(n), k), codes[neighbours].ravel()), np.tile(weights, n))
    return float(np.mean(votes.argmax(axis=1) == codes))


def nearest_neighbours(reps: np.ndarray, index: int, k: int = 10,
                       metric: str = "cosine") -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances) of the k points nearest to point `index` (itself excluded), nearest first.
    Cosine distance is 1 − cos (a zero vector is at distance 1 from all); Euclidean is |a − b|."""
    x = np.asarray(reps, dtype=np.float64).reshape(len(reps), -1)
    if metric == "cosine":
        norms = np.linalg.norm(x, axis=1)
        unit = x / np.where(norms > 0, norms, 1.0)[:, None]
        distances = 1.0 - unit @ unit[index]
    elif metric == "euclidean":
        distances = np.sqrt(np.maximum(np.einsum("ij,ij->i", x - x[index], x - x[index]), 0.0))
    else:
        raise ValueError(f"metric must be 'cosine' or 'euclidean', not {metric!r}")
    distances[index] = np.inf
    k = min(k, len(x) - 1)
    order = np.argsort(distances, kind="stable")[:k]
    return order, distances[order]


# ------------------------------------------------------------------------------- across training


@dataclass
class Snapshot:
    """One layer's representation of the sample at one moment of training."""

    epoch: float
    examples: int
    reps: np.ndarray  # (n, d) float32; at most TrainingSnapshots.max_dims columns (PCA-reduced)


class TrainingSnapshots:
    """A layer's representation of a fixed sample, captured at moments of one trainer's training.

    Bounded: above `capacity` snapshots, the inner one whose loss leaves the smallest gap in epochs is
    dropped (the first and the latest are always kept), so the slider stays spread over the training.
    Wide layers are stored as their first `max_dims` principal components (for a 2,000-point sample of
    an 8×14×14 convolution: 1.6 MB a snapshot instead of 12.5 MB), which keeps nearly all the distances.
    A capture from a different trainer (a new model) starts over.
    """

    def __init__(self, images_uint8: np.ndarray, labels: np.ndarray, layer: str, capacity: int = 12,
                 max_dims: int = 200) -> None:
        if capacity < 2:
            raise ValueError("keep at least 2 snapshots")
        self.images, self.labels = np.asarray(images_uint8, dtype=np.uint8), np.asarray(labels)
        self.layer, self.capacity, self.max_dims = layer, capacity, max_dims
        self.snapshots: list[Snapshot] = []
        self._trainer: weakref.ref | None = None

    def __len__(self) -> int:
        return len(self.snapshots)

    @property
    def epochs(self) -> list[float]:
        return [s.epoch for s in self.snapshots]

    def capture(self, trainer: DigitTrainer) -> bool:
        """Record the layer now (call after each epoch, or every N examples); False if nothing changed."""
        if self._trainer is None or self._trainer() is not trainer:
            self.snapshots, self._trainer = [], weakref.ref(trainer)
        if self.snapshots and self.snapshots[-1].examples == trainer.examples:
            return False
        reps = digit_representations(trainer, self.images, self.layer)
        if reps.shape[1] > self.max_dims:
            reps = pca(reps, self.max_dims).coords.astype(np.float32)
        self.snapshots.append(Snapshot(round(trainer.epoch, 3), trainer.examples, reps))
        while len(self.snapshots) > self.capacity:
            epochs = np.array(self.epochs)
            gaps = epochs[2:] - epochs[:-2]  # the gap left by dropping each inner snapshot
            del self.snapshots[1 + int(np.argmin(gaps))]
        return True


def planar(coords: np.ndarray, seed: int = 0) -> np.ndarray:
    """(n, 2) coordinates to draw: a one-number layer (a binary output) keeps its value across and gets a
    small seeded vertical jitter, a strip plot, so its points do not hide one another."""
    coords = np.asarray(coords, dtype=np.float64)
    if coords.shape[1] >= 2:
        return coords[:, :2]
    spread = float(np.ptp(coords[:, 0])) or 1.0
    jitter = np.random.default_rng(seed).uniform(-0.15, 0.15, len(coords)) * spread
    return np.column_stack([coords[:, 0], jitter])


def procrustes_align(coords: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """`coords` rotated (or reflected) about its centre to lie as close as possible to `reference`
    (same points, same order): the orthogonal R minimising |coords·R − reference| is U·Vᵀ, where
    U·S·Vᵀ is the SVD of coordsᵀ·reference (orthogonal Procrustes; Schönemann 1966)."""
    centred = coords - coords.mean(axis=0)
    u, _, vt = np.linalg.svd(centred.T @ (reference - reference.mean(axis=0)))
    return centred @ (u @ vt)


def aligned_snapshot_projections(snapshots: TrainingSnapshots | list[np.ndarray],
                                 method: str = "pca") -> list[np.ndarray]:
    """Every snapshot in 2D, (n, 2) each, oriented alike so that points don't jump between frames.

    Each snapshot is projected on its own first two principal components, scaled to a root-mean-square
    radius of 1 (the layer's scale grows during training; the picture should show shape, not size),
    and then rotated or reflected onto the previous frame (Procrustes), so the first frame sets the
    orientation and each later one turns only as much as its points really moved."""
    if method != "pca":
        raise ValueError(f"snapshots are projected with 'pca' only, not {method!r}")
    if isinstance(snapshots, TrainingSnapshots):
        snapshots = [s.reps for s in snapshots.snapshots]
    frames: list[np.ndarray] = []
    for reps in snapshots:
        coords = pca(reps, 2).coords
        if coords.shape[1] < 2:
            coords = np.column_stack([coords, np.zeros(len(coords))])
        radius = np.sqrt(np.mean(np.sum(coords**2, axis=1)))
        coords = coords / radius if radius > 0 else coords
        frames.append(procrustes_align(coords, frames[-1]) if frames else coords)
    return frames
