"""Projecting a layer's representation of many points to a picture: PCA, a progressive t-SNE and UMAP.

PCA is exact and instant: the top eigenvectors of the (d × d) covariance, or of the (n × n) Gram matrix
when there are fewer points than dimensions. Signs are fixed (each component's largest loading is
positive, as scikit-learn does) so the picture never flips between runs.

t-SNE is our own, because a lesson must show the picture *while* it optimises and let a learner pause:
`TSNE.step(k)` runs k more iterations and returns the current layout. It is van der Maaten & Hinton's
(2008) algorithm with scikit-learn's optimiser (early exaggeration, momentum, gains), P over each point's
3·perplexity nearest neighbours (van der Maaten 2014, as scikit-learn) and exact O(n²) gradients (no
Barnes-Hut tree), compiled with Numba on one thread: 2,000 points take 2-5 ms an iteration.

UMAP comes from umap-learn (numba + pynndescent), imported only when asked for.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse
from numba import njit
from threadpoolctl import threadpool_limits

MACHINE_EPSILON = float(np.finfo(np.double).eps)  # scikit-learn's floor for P and Q
MAX_TSNE_POINTS = 20_000  # each iteration is O(n²): 2,000 points take ~2 ms, 20,000 ~0.2 s


# ---------------------------------------------------------------------------------------------- PCA


@dataclass(frozen=True)
class PcaResult:
    """Points in the principal axes, and how much of the spread each axis explains."""

    coords: np.ndarray  # (n, k) the points' coordinates along the components
    explained_ratio: np.ndarray  # (k,) share of the total variance on each component, largest first
    components: np.ndarray  # (k, d) unit vectors of the axes in the original space
    mean: np.ndarray  # (d,) the centre subtracted first

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Other points (m, d) in the same axes."""
        return (np.asarray(x, dtype=np.float64) - self.mean) @ self.components.T


def pca(x: np.ndarray, n_components: int = 10) -> PcaResult:
    """Exact PCA of (n, d) points, keeping min(n_components, n, d) components."""
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    k = max(1, min(n_components, n, d))
    mean = x.mean(axis=0)
    centred = x - mean
    # One BLAS thread: the server's two cores are shared (and on them, two threads were no faster).
    with threadpool_limits(limits=1, user_api="blas"):
        total = float(np.einsum("ij,ij->", centred, centred))  # the trace of the scatter matrix
        if d <= n:  # scatter = XᵀX (d × d): its eigenvectors are the components
            values, vectors = scipy.linalg.eigh(centred.T @ centred, subset_by_index=[d - k, d - 1])
            values, components = values[::-1], vectors[:, ::-1].T
        else:  # Gram = XXᵀ (n × n) shares XᵀX's nonzero eigenvalues; component = Xᵀu / √λ
            values, vectors = scipy.linalg.eigh(centred @ centred.T, subset_by_index=[n - k, n - 1])
            values, vectors = np.maximum(values[::-1], 0.0), vectors[:, ::-1]
            components = (centred.T @ vectors).T / np.sqrt(np.maximum(values, 1e-300))[:, None]
            # an axis without variance (fewer points than dimensions) has no direction: rounding noise
            # divided by √0 would put the points far out on it
            components[values <= max(values[0], 0.0) * 1e-12] = 0.0
    values = np.maximum(values, 0.0)
    # Deterministic signs: the largest |loading| of every component is made positive.
    largest = components[np.arange(k), np.abs(components).argmax(axis=1)]
    components = components * np.where(largest < 0, -1.0, 1.0)[:, None]
    ratio = values / total if total > 0 else np.zeros(k)
    return PcaResult(centred @ components.T, ratio, components, mean)


# -------------------------------------------------------------------------------------- t-SNE kernels

# Numba flags of the hot loops: fastmath lets LLVM vectorise the sums; error_model="numpy" drops Python's
# division-by-zero check, which otherwise blocks vectorisation (measured: 15 ms -> 1.6 ms an iteration).
FAST = {"cache": True, "nogil": True, "fastmath": True, "error_model": "numpy"}


@njit(cache=True, nogil=True)
def _conditional_p(distances, perplexity, tolerance=1e-5, max_steps=100):
    """Row i: p(j|i) ∝ exp(−β_i·d_ij) over the point's neighbours, β_i found by bisection (as scikit-learn)
    so that the row's entropy is log(perplexity). Each row is shifted by its smallest distance first
    (exp can't underflow to an all-zero row; p is unchanged) and starts from β = 1 / its mean distance."""
    n, k = distances.shape
    target = math.log(perplexity)
    out = np.empty((n, k))
    for i in range(n):
        nearest = distances[i].min()
        spread = distances[i].sum() / k - nearest
        beta = 1.0 / spread if spread > 0 else 1.0
        low, high = 0.0, np.inf
        total = 1.0
        for _ in range(max_steps):
            total, weighted = 0.0, 0.0
            for j in range(k):
                shifted = distances[i, j] - nearest
                e = math.exp(-beta * shifted)
                out[i, j] = e
                total += e
                weighted += shifted * e
            # entropy H = log Σe + β·Σ d·e / Σe  (the shift cancels); too high → sharpen (raise β)
            entropy = math.log(total) + beta * weighted / total
            if abs(entropy - target) <= tolerance:
                break
            if entropy > target:
                low = beta
                beta = beta * 2.0 if high == np.inf else 0.5 * (beta + high)
            else:
                high = beta
                beta = beta * 0.5 if low == 0.0 else 0.5 * (beta + low)
        for j in range(k):
            out[i, j] /= total
    return out


@njit(**FAST)
def _repulsion(y0, y1, r0, r1):
    """r_i ← Σ_j w_ij²·(y_i − y_j) with w_ij = 1/(1 + |y_i − y_j|²), over all pairs; returns Z = Σ_{i≠j} w_ij.
    The O(n²) part of an iteration, in float32 (twice the SIMD width; sums of 2,000 terms lose nothing
    visible); j = i adds w = 1 to Z and no force, so it is left in the vector loop and taken off Z."""
    n = y0.shape[0]
    one = np.float32(1.0)
    z = 0.0
    for i in range(n):
        yi0, yi1 = y0[i], y1[i]
        s0, s1, zi = np.float32(0.0), np.float32(0.0), np.float32(0.0)
        for j in range(n):
            d0 = yi0 - y0[j]
            d1 = yi1 - y1[j]
            w = one / (one + d0 * d0 + d1 * d1)
            ww = w * w
            zi += w
            s0 += ww * d0
            s1 += ww * d1
        r0[i], r1[i] = s0, s1
        z += zi - 1.0
    return z


@njit(**FAST)
def _gradient(indptr, indices, p, y, exaggeration, grad):
    """grad ← ∂KL/∂y = 4·Σ_j (e·p_ij − q_ij)·w_ij·(y_i − y_j), with q_ij = w_ij / Z and e the early
    exaggeration. As q_ij·w_ij = w_ij²/Z, this is 4·(e·attraction − repulsion / Z): the attraction
    runs over P's nonzeros (CSR), the repulsion over all pairs. y and grad are (2, n)."""
    n = y.shape[1]
    y32 = y.astype(np.float32)
    r0 = np.empty(n, dtype=np.float32)
    r1 = np.empty(n, dtype=np.float32)
    z = _repulsion(y32[0], y32[1], r0, r1)
    for i in range(n):
        a0, a1 = 0.0, 0.0
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            d0 = y[0, i] - y[0, j]
            d1 = y[1, i] - y[1, j]
            pw = p[k] / (1.0 + d0 * d0 + d1 * d1)
            a0 += pw * d0
            a1 += pw * d1
        grad[0, i] = 4.0 * (exaggeration * a0 - r0[i] / z)
        grad[1, i] = 4.0 * (exaggeration * a1 - r1[i] / z)


@njit(cache=True, nogil=True)
def _descend(indptr, indices, p, y, update, gains, iterations, exaggeration, momentum, learning_rate,
             min_gain):
    """`iterations` steps of gradient descent with momentum and per-coordinate gains (delta-bar-delta:
    a gain grows by 0.2 while the gradient points against the last update and shrinks ×0.8 when not),
    exactly as scikit-learn's _gradient_descent. Updates y, update and gains in place."""
    grad = np.empty_like(y)
    for _ in range(iterations):
        _gradient(indptr, indices, p, y, exaggeration, grad)
        for k in range(2):
            for i in range(y.shape[1]):
                g = grad[k, i]
                gain = gains[k, i] + 0.2 if update[k, i] * g < 0.0 else gains[k, i] * 0.8
                gain = max(gain, min_gain)
                gains[k, i] = gain
                update[k, i] = momentum * update[k, i] - learning_rate * gain * g
                y[k, i] += update[k, i]


@njit(cache=True, nogil=True)
def _p_log_w(indptr, indices, p, y):
    """Σ_ij p_ij·log w_ij over P's nonzeros, for the KL divergence Σ p·log p − Σ p·log w + log Z."""
    total = 0.0
    for i in range(y.shape[1]):
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            d0 = y[0, i] - y[0, j]
            d1 = y[1, i] - y[1, j]
            total -= p[k] * math.log1p(d0 * d0 + d1 * d1)
    return total


# -------------------------------------------------------------------------------------------- t-SNE


def nearest_distances(x: np.ndarray, k: int, metric: str = "euclidean") -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), each (n, k): every point's k nearest other points by *squared* Euclidean
    or by cosine (1 − cos) distance, nearest first; brute force, in blocks of rows of at most 32 MB."""
    x = np.asarray(x, dtype=np.float64)
    if metric == "cosine":
        norms = np.linalg.norm(x, axis=1)
        x = x / np.where(norms > 0, norms, 1.0)[:, None]
    elif metric != "euclidean":
        raise ValueError(f"metric must be 'euclidean' or 'cosine', not {metric!r}")
    n = len(x)
    block = max(16, 4_000_000 // n)
    squares = np.einsum("ij,ij->i", x, x)
    indices, distances = np.empty((n, k), dtype=np.int64), np.empty((n, k))
    with threadpool_limits(limits=1, user_api="blas"):
        for start in range(0, n, block):
            rows = np.arange(start, min(n, start + block))
            products = x[rows] @ x.T
            if metric == "euclidean":  # |a − b|² = |a|² + |b|² − 2a·b
                d = squares[rows, None] + squares[None, :] - 2.0 * products
            else:
                d = 1.0 - products
            np.maximum(d, 0.0, out=d)  # rounding can make a tiny distance negative
            d[np.arange(len(rows)), rows] = np.inf  # not its own neighbour
            part = np.argpartition(d, k - 1, axis=1)[:, :k]
            part_d = np.take_along_axis(d, part, axis=1)
            order = np.argsort(part_d, axis=1, kind="stable")
            indices[rows] = np.take_along_axis(part, order, axis=1)
            distances[rows] = np.take_along_axis(part_d, order, axis=1)
    return indices, distances


def joint_probabilities(x: np.ndarray, perplexity: float,
                        metric: str = "euclidean") -> scipy.sparse.csr_matrix:
    """t-SNE's P as a sparse symmetric (n, n) matrix summing to 1: p(j|i) over each point's
    min(n − 1, 3·perplexity) nearest neighbours (van der Maaten 2014; scikit-learn does the same: the
    Gaussian of that perplexity leaves nothing farther), symmetrised as (p(j|i) + p(i|j)) / 2n."""
    n = len(x)
    k = min(n - 1, int(3.0 * perplexity + 1))
    neighbours, distances = nearest_distances(x, k, metric)
    conditional = _conditional_p(distances, float(perplexity))
    rows = np.repeat(np.arange(n), k)
    p = scipy.sparse.csr_matrix((conditional.ravel(), (rows, neighbours.ravel())), shape=(n, n))
    p = (p + p.T).tocsr()
    p.sum_duplicates()
    p.sort_indices()
    p.data /= max(p.data.sum(), MACHINE_EPSILON)
    return p


class TSNE:
    """A t-SNE that runs in slices: `step(k)` continues the optimisation and returns the layout.

    The schedule is scikit-learn's: `exaggeration_iter` iterations with P × `early_exaggeration` and
    momentum 0.5, then momentum 0.8 (the update and gains restart at the switch, as there) until
    `n_iter`. Learning rate "auto" is max(n / early_exaggeration / 4, 50); init "pca" is the first two
    principal components scaled to standard deviation 1e-4 ("random": Gaussian noise of that size, from
    `seed`; or an (n, 2) array). Computing P happens here, so constructing one costs ~0.3 s for 2,000
    points. Same inputs and seed, same layout, however the iterations are sliced.
    """

    def __init__(self, x: np.ndarray, perplexity: float = 30.0, learning_rate: float | str = "auto",
                 seed: int = 0, metric: str = "euclidean", init: str | np.ndarray = "pca",
                 n_iter: int = 1000, early_exaggeration: float = 12.0, exaggeration_iter: int = 250) -> None:
        x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        n = x.shape[0]
        if not 2 <= n <= MAX_TSNE_POINTS:
            raise ValueError(f"t-SNE takes 2 to {MAX_TSNE_POINTS:,} points, not {n:,}")
        if not 0 < perplexity < n:
            raise ValueError(f"perplexity must be between 0 and the number of points ({n}), not {perplexity}")
        self.n, self.perplexity, self.metric, self.seed = n, float(perplexity), metric, seed
        self.n_iter, self.exaggeration_iter = int(n_iter), min(int(exaggeration_iter), int(n_iter))
        self.early_exaggeration = float(early_exaggeration)
        self.learning_rate = (max(n / self.early_exaggeration / 4.0, 50.0) if learning_rate == "auto"
                              else float(learning_rate))
        self.p = joint_probabilities(x, perplexity, metric)
        self._p_log_p = float(np.sum(self.p.data * np.log(np.maximum(self.p.data, MACHINE_EPSILON))))
        self._y = np.ascontiguousarray(self._initial_layout(x, init).T)  # (2, n): coordinates as rows
        self._update = np.zeros_like(self._y)
        self._gains = np.ones_like(self._y)
        self.iteration = 0

    def _initial_layout(self, x: np.ndarray, init: str | np.ndarray) -> np.ndarray:
        if isinstance(init, np.ndarray):
            if init.shape != (self.n, 2):
                raise ValueError(f"an initial layout must be ({self.n}, 2), not {init.shape}")
            return init.astype(np.float64)
        if init == "pca":
            coords = pca(x, 2).coords
            if coords.shape[1] < 2:  # one-dimensional data: the second axis starts at 0
                coords = np.column_stack([coords, np.zeros(self.n)])
            std = coords[:, 0].std()
            return coords / std * 1e-4 if std > 0 else coords
        if init == "random":
            return np.random.default_rng(self.seed).standard_normal((self.n, 2)) * 1e-4
        raise ValueError(f"init must be 'pca', 'random' or an (n, 2) array, not {init!r}")

    @property
    def done(self) -> bool:
        return self.iteration >= self.n_iter

    @property
    def exaggerating(self) -> bool:
        return self.iteration < self.exaggeration_iter

    @property
    def embedding(self) -> np.ndarray:
        """The current layout, (n, 2) (a copy)."""
        return self._y.T.copy()

    def step(self, n_iterations: int = 50) -> np.ndarray:
        """Run up to `n_iterations` more iterations (never past n_iter); returns the layout (n, 2)."""
        remaining = min(int(n_iterations), self.n_iter - self.iteration)
        while remaining > 0:
            if self.exaggerating:
                count = min(remaining, self.exaggeration_iter - self.iteration)
                exaggeration, momentum = self.early_exaggeration, 0.5
            else:
                count, exaggeration, momentum = remaining, 1.0, 0.8
            _descend(self.p.indptr, self.p.indices, self.p.data, self._y, self._update, self._gains,
                     count, exaggeration, momentum, self.learning_rate, 0.01)
            self.iteration += count
            remaining -= count
            if self.iteration == self.exaggeration_iter:  # sklearn starts its second stage afresh
                self._update[:] = 0.0
                self._gains[:] = 1.0
        return self.embedding

    def kl_divergence(self) -> float:
        """KL(P ‖ Q) of the current layout (without exaggeration): costs about one iteration."""
        y32 = self._y.astype(np.float32)
        z = _repulsion(y32[0], y32[1], np.empty(self.n, np.float32), np.empty(self.n, np.float32))
        return self._p_log_p - _p_log_w(self.p.indptr, self.p.indices, self.p.data, self._y) + math.log(z)


# --------------------------------------------------------------------------------------------- UMAP


class UmapUnavailable(RuntimeError):
    """umap-learn is not installed."""


def umap_2d(x: np.ndarray, n_neighbors: int = 15, min_dist: float = 0.1, seed: int = 0,
            n_epochs: int | None = None) -> np.ndarray:
    """UMAP (McInnes et al. 2018) of (n, d) points to (n, 2), seeded (and so single-threaded).

    The nearest neighbours are ours (exact, BLAS): for fewer than 4,096 points umap-learn would compute
    all distances through a Python callback (~35 s for 2,000 points). The first call in a process also
    compiles umap-learn's Numba code; bench/bench_embeddings.py measures both. The layout's cost is
    proportional to `n_epochs` (umap-learn's default: 500 below 10,000 points, else 200)."""
    try:
        import umap  # lazily: importing it alone takes seconds
    except ImportError as error:
        raise UmapUnavailable("UMAP needs the umap-learn package: pip install umap-learn==0.5.12") from error
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
    n = len(x)
    if n < 3:
        raise ValueError("UMAP needs at least 3 points")
    k = max(2, min(n_neighbors, n - 1))
    others, squared = nearest_distances(x, k - 1)
    # umap-learn counts each point as its own nearest neighbour, at distance 0
    knn_indices = np.column_stack([np.arange(n), others])
    knn_distances = np.column_stack([np.zeros(n), np.sqrt(squared)]).astype(np.float32)
    reducer = umap.UMAP(n_components=2, n_neighbors=k, min_dist=min_dist, random_state=seed, n_jobs=1,
                        n_epochs=n_epochs, precomputed_knn=(knn_indices, knn_distances, None), verbose=False)
    with warnings.catch_warnings():  # "no search index" (we never transform new points), "n_jobs overridden"
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(reducer.fit_transform(x), dtype=np.float64)
