"""TensorFlow Playground's six toy datasets, point for point, plus two multi-class sets of our own.

The generators are ports of TF Playground's ``dataset.ts``. They draw from a :class:`SeedRandom` in
exactly the order the TypeScript does and use the same floating-point operations (``math`` rather
than numpy inside the loops, d3's linear-scale formulas for the label maps), so a seed from a TF
Playground link gives the very same points, the same shuffle and the same train/test split here.
TF then builds the network from the same random stream, which is why :func:`make_data` hands the
generator back to the caller.

Checked against the TypeScript run in Node: labels, shuffle, split and the stream position after it
are identical; xor and the regression sets match to the bit. circle, spiral and gauss call
sin/cos/log, which JavaScript engines round their own way (V8's fdlibm port, newer Chrome's
libm, ...), so about 3 % of those coordinates can differ from a given browser's in the last bit
(~1e-16), as different browsers already differ from each other.

Labels: classification labels are int64 class indices 0..k-1. For TF's binary sets class 1 is TF's
+1 (blue) and class 0 is TF's -1 (orange); :func:`labels_to_pm1` converts back. Regression targets
are float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.toydata.seedrandom import SeedRandom

CLASSIFY_DATASETS = ("circle", "xor", "gauss", "spiral")  # TF's order in its UI
REGRESS_DATASETS = ("reg-plane", "reg-gauss")
MULTICLASS_DATASETS = ("spiral3", "blobs")
NUM_SAMPLES_CLASSIFY = 500
NUM_SAMPLES_REGRESS = 1200

# What every page calls each dataset (the Playground's picker, Meet the data's list): short enough for one
# line under the picker's pictures; dataset_label adds the problem.
DATASET_LABELS = {
    "circle": "Circle", "xor": "XOR", "gauss": "Gauss", "spiral": "Spiral",
    "spiral3": "Spirals", "blobs": "Blobs", "reg-plane": "Plane", "reg-gauss": "Bumps",
}

MULTICLASS_DEFAULT_CLASSES = {"spiral3": 3, "blobs": 4}
MIN_MULTICLASS = 2
MAX_MULTICLASS = 6
BLOB_CENTRE_RADIUS = 3.5
TF_BINARY_CLASS_NAMES = ("-1", "+1")  # class 0 is TF's -1 (orange), class 1 its +1 (blue)
THUMBNAIL_SEED = "thumbnail"  # TF draws its thumbnails unseeded; a fixed seed keeps ours stable
THUMBNAIL_POINTS = 200

UPLOAD_NAME = "upload"

# A generator returns parallel lists: x, y and a label (TF's +-1, a class index, or a target).
_Columns = tuple[list[float], list[float], list[float]]


@dataclass(frozen=True, eq=False)
class Data2D:
    """One generated (or uploaded) dataset, already split into training and test points.

    ``eq=False``: arrays do not compare with ``==``, so instances compare (and hash) by identity.
    """

    train_x: np.ndarray  # (n_train, 2) float64
    train_y: np.ndarray  # (n_train,) int64 class ids, or float64 targets for regression
    test_x: np.ndarray  # (n_test, 2) float64
    test_y: np.ndarray  # (n_test,)
    problem: str  # "classification" or "regression"
    n_classes: int  # 2.. for classification, 0 for regression
    name: str  # dataset name, e.g. "circle" or "upload"
    class_names: tuple[str, ...] = ()  # e.g. ("-1", "+1"), or the uploaded label values


# --- d3 v3.5.17 linear scale, as TF uses it (d3.scale.linear().domain([a, b]).range([c, d])) ---


def _d3_linear(domain: tuple[float, float], out_range: tuple[float, float], clamp: bool = False):
    """d3's two-point linear scale with its exact arithmetic: t = (x - a) / (b - a), c*(1-t) + d*t."""
    a, b = domain
    span = b - a
    c, d = out_range

    def scale(x):  # a float or an array
        t = (x - a) / span
        if clamp:
            t = np.clip(t, 0.0, 1.0)  # d3: Math.max(0, Math.min(1, t))
        return c * (1 - t) + d * t

    return scale


_NOISE_TO_VARIANCE = _d3_linear((0, 0.5), (0.5, 4))  # gauss: noise 0 -> variance 0.5, noise 0.5 -> 4


def _dist(x, y, cx: float, cy: float):
    """Euclidean distance of (x, y) (floats or arrays) from (cx, cy), as TF's ``dist``."""
    dx = x - cx
    dy = y - cy
    return np.sqrt(dx * dx + dy * dy) if isinstance(dx, np.ndarray) else math.sqrt(dx * dx + dy * dy)


def _half(num_samples: int) -> range:
    """The indices of TF's ``for (i = 0; i < numSamples / 2; i++)``: ceil(n/2) of them."""
    return range(math.ceil(num_samples / 2))


# --- TF Playground's generators (dataset.ts), in its call order ---


def _circle(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    radius = 5
    # First the +1 disc (r < 2.5), then the -1 ring (3.5 <= r < 5). The label is taken at the
    # noisy position but the point is stored at the clean one, so noise shows up as flipped labels.
    for r_low, r_high in ((0, radius * 0.5), (radius * 0.7, radius)):
        for _ in _half(num_samples):
            r = rng.uniform(r_low, r_high)
            angle = rng.uniform(0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            noise_x = rng.uniform(-radius, radius) * noise
            noise_y = rng.uniform(-radius, radius) * noise
            inside = _dist(x + noise_x, y + noise_y, 0, 0) < radius * 0.5
            xs.append(x)
            ys.append(y)
            labels.append(1 if inside else -1)
    return xs, ys, labels


def _xor(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    padding = 0.3  # pushes points away from the axes, leaving a visible gap
    for _ in range(num_samples):
        x = rng.uniform(-5, 5)
        x += padding if x > 0 else -padding
        y = rng.uniform(-5, 5)
        y += padding if y > 0 else -padding
        noise_x = rng.uniform(-5, 5) * noise
        noise_y = rng.uniform(-5, 5) * noise
        xs.append(x)
        ys.append(y)
        labels.append(1 if (x + noise_x) * (y + noise_y) >= 0 else -1)
    return xs, ys, labels


def _gauss(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    variance = _NOISE_TO_VARIANCE(noise)
    for centre, label in ((2, 1), (-2, -1)):
        for _ in _half(num_samples):
            xs.append(rng.normal(centre, variance))
            ys.append(rng.normal(centre, variance))
            labels.append(label)
    return xs, ys, labels


def _spiral_arm(
    count: float, delta_t: float, noise: float, rng: SeedRandom, xs: list[float], ys: list[float]
) -> int:
    """Append one spiral arm: radius 0 -> 5 over 1.75 turns, rotated by ``delta_t``; returns its size.

    ``count`` may be fractional (TF's numSamples / 2); the loop runs while i < count.
    """
    size = math.ceil(count)
    for i in range(size):
        r = i / count * 5
        t = 1.75 * i / count * 2 * math.pi + delta_t  # same evaluation order as the TS
        xs.append(r * math.sin(t) + rng.uniform(-1, 1) * noise)
        ys.append(r * math.cos(t) + rng.uniform(-1, 1) * noise)
    return size


def _spiral(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    for delta_t, label in ((0, 1), (math.pi, -1)):
        size = _spiral_arm(num_samples / 2, delta_t, noise, rng, xs, ys)
        labels.extend([label] * size)
    return xs, ys, labels


def _regress_points(
    num_samples: int, noise: float, rng: SeedRandom, labels_of: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> _Columns:
    """TF's two regression sets share these draws: x, y, noise x, noise y, each from U(-6, 6).

    The labels only depend on the draws, so they are computed afterwards, vectorised: numpy's
    +, -, *, / and sqrt round exactly like JavaScript's, element by element.
    """
    low, high = -6, 6  # TF's radius 6
    span = high - low
    draw = rng.random
    # randUniform(-6, 6) = random() * (6 - -6) + -6, written out here because it runs 4,800 times.
    draws = [draw() * span + low for _ in range(4 * num_samples)]
    xs, ys = draws[0::4], draws[1::4]
    x = np.asarray(xs)
    y = np.asarray(ys)
    noisy_x = x + np.asarray(draws[2::4]) * noise
    noisy_y = y + np.asarray(draws[3::4]) * noise
    return xs, ys, labels_of(noisy_x, noisy_y).tolist()


_PLANE_SCALE = _d3_linear((-10, 10), (-1, 1))  # unclamped: labels reach about +-1.2
_BUMP_SCALE = _d3_linear((0, 2), (1, 0), clamp=True)  # 1 at a bump's centre, 0 from distance 2 on
_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def _plane_labels(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _PLANE_SCALE(x + y)


def _bumps_labels(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each bump gives sign * (1 - distance / 2), clamped; the one with the largest |value| wins.

    TF starts from 0 and replaces only on a strictly larger |value|, i.e. the first maximum wins,
    which is what argmax picks (an all-zero row keeps bump 0's +0.0, like TF's initial 0).
    """
    values = np.stack([sign * _BUMP_SCALE(_dist(x, y, cx, cy)) for cx, cy, sign in _BUMPS], axis=1)
    winner = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(values)), winner]


def _reg_plane(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    return _regress_points(num_samples, noise, rng, _plane_labels)


def _reg_gauss(num_samples: int, noise: float, rng: SeedRandom) -> _Columns:
    return _regress_points(num_samples, noise, rng, _bumps_labels)


# --- our multi-class sets (not in TF); same PRNG, so also reproducible per seed ---


def _class_sizes(num_samples: int, n_classes: int) -> list[int]:
    """Split n points over k classes as evenly as possible; the first n % k classes get one more."""
    base, extra = divmod(num_samples, n_classes)
    return [base + (1 if c < extra else 0) for c in range(n_classes)]


def _spiral_k(num_samples: int, noise: float, rng: SeedRandom, n_classes: int) -> _Columns:
    """k arms like TF's spiral (same radius, turns and jitter); arm c is rotated by 2*pi*c/k."""
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    for c, size in enumerate(_class_sizes(num_samples, n_classes)):
        _spiral_arm(size, 2 * math.pi * c / n_classes, noise, rng, xs, ys)
        labels.extend([c] * size)
    return xs, ys, labels


def _blobs(num_samples: int, noise: float, rng: SeedRandom, n_classes: int) -> _Columns:
    """k Gaussian blobs with centres evenly spaced on a circle of radius 3.5.

    Class 0 sits at the top (angle pi/2) and the others follow counter-clockwise. The variance
    follows the noise exactly as in TF's gauss set (0.5 at noise 0, 4 at noise 0.5).
    """
    xs: list[float] = []
    ys: list[float] = []
    labels: list[float] = []
    variance = _NOISE_TO_VARIANCE(noise)
    for c, size in enumerate(_class_sizes(num_samples, n_classes)):
        angle = math.pi / 2 + 2 * math.pi * c / n_classes
        cx = BLOB_CENTRE_RADIUS * math.cos(angle)
        cy = BLOB_CENTRE_RADIUS * math.sin(angle)
        for _ in range(size):
            xs.append(rng.normal(cx, variance))
            ys.append(rng.normal(cy, variance))
            labels.append(c)
    return xs, ys, labels


_TF_GENERATORS: dict[str, Callable[[int, float, SeedRandom], _Columns]] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "reg-plane": _reg_plane,
    "reg-gauss": _reg_gauss,
}
_MULTICLASS_GENERATORS: dict[str, Callable[[int, float, SeedRandom, int], _Columns]] = {
    "spiral3": _spiral_k,
    "blobs": _blobs,
}


# --- public API ---


def problem_of(name: str) -> str:
    """Whether a dataset is "classification" or "regression" (an upload is always classification)."""
    if name in CLASSIFY_DATASETS or name in MULTICLASS_DATASETS or name == UPLOAD_NAME:
        return "classification"
    if name in REGRESS_DATASETS:
        return "regression"
    raise ValueError(f"unknown dataset {name!r}")


def dataset_label(name: str, with_problem: bool = False) -> str:
    """A dataset's name for a learner; `with_problem` says "(regression)" after a regression set, for a list
    that mixes both kinds (the Playground's picker shows one kind at a time)."""
    label = DATASET_LABELS.get(name, name)
    return f"{label} (regression)" if with_problem and name in REGRESS_DATASETS else label


def num_samples_for(name: str) -> int:
    """TF's sample count: 1200 points for regression, 500 for classification."""
    return NUM_SAMPLES_REGRESS if problem_of(name) == "regression" else NUM_SAMPLES_CLASSIFY


def n_classes_for(name: str, n_classes: int | None = None) -> int:
    """The number of classes a dataset will have (0 for regression); checks a requested ``n_classes``."""
    if name in _MULTICLASS_GENERATORS:
        k = MULTICLASS_DEFAULT_CLASSES[name] if n_classes is None else n_classes
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            raise ValueError(f"n_classes must be an int, not {k!r}")
        if not MIN_MULTICLASS <= k <= MAX_MULTICLASS:
            raise ValueError(f"{name} takes {MIN_MULTICLASS} to {MAX_MULTICLASS} classes, not {k}")
        return int(k)
    if name not in _TF_GENERATORS:
        raise ValueError(f"unknown dataset {name!r}")
    fixed = 2 if name in CLASSIFY_DATASETS else 0
    if n_classes is not None and n_classes != fixed:
        raise ValueError(f"{name} always has {fixed} classes, not {n_classes}")
    return fixed


def class_names_for(name: str, n_classes: int | None = None) -> tuple[str, ...]:
    """Class names: ("-1", "+1") for TF's sets, ("0", "1", ...) for ours, () for regression."""
    k = n_classes_for(name, n_classes)
    if k == 0:
        return ()
    if name in _TF_GENERATORS:
        return TF_BINARY_CLASS_NAMES
    return tuple(str(c) for c in range(k))


def generate_points(
    name: str, n: int, noise: float, rng: SeedRandom, n_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points of a dataset from ``rng``, unshuffled, in the generator's order.

    ``noise`` is TF's 0..0.5 (the slider's percent / 100). Returns (points (n, 2) float64, labels):
    int64 class ids for classification, float64 targets for regression. TF's halves give ceil(n/2)
    points each, as its loops do, so an odd ``n`` yields n + 1 points there.
    """
    k = n_classes_for(name, n_classes)
    if name in _TF_GENERATORS:
        xs, ys, raw = _TF_GENERATORS[name](n, noise, rng)
    else:
        xs, ys, raw = _MULTICLASS_GENERATORS[name](n, noise, rng, k)
    points = np.column_stack([np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)])
    points = points.reshape(-1, 2)
    if k == 0:
        labels = np.asarray(raw, dtype=np.float64)
    elif name in _TF_GENERATORS:
        labels = (np.asarray(raw) > 0).astype(np.int64)  # TF's +1 -> class 1, -1 -> class 0
    else:
        labels = np.asarray(raw, dtype=np.int64)
    return points, labels


def labels_to_pm1(labels: np.ndarray) -> np.ndarray:
    """Binary class ids back to TF's labels: 0 -> -1.0, 1 -> +1.0."""
    return np.where(np.asarray(labels) > 0, 1.0, -1.0)


def shuffle_order(count: int, rng: SeedRandom) -> np.ndarray:
    """The permutation TF's ``shuffle`` applies to an array of ``count`` items (its own Fisher-Yates).

    Returns ``order`` such that ``shuffled = items[order]``.
    """
    order = list(range(count))
    counter = count
    while counter > 0:
        index = math.floor(rng.random() * counter)
        counter -= 1
        order[counter], order[index] = order[index], order[counter]
    return np.asarray(order, dtype=np.intp)


def split_index(count: int, perc_train: float) -> int:
    """TF's ``Math.floor(data.length * percTrainData / 100)``: how many points go to training."""
    if not 0 <= perc_train <= 100:
        raise ValueError(f"perc_train must be between 0 and 100, not {perc_train}")
    return math.floor(count * perc_train / 100)


def split_arrays(
    points: np.ndarray, labels: np.ndarray, perc_train: float, rng: SeedRandom
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle with TF's algorithm, then split: (train_x, train_y, test_x, test_y)."""
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels)
    if len(points) != len(labels):
        raise ValueError(f"{len(points)} points but {len(labels)} labels")
    order = shuffle_order(len(points), rng)
    cut = split_index(len(points), perc_train)
    train, test = order[:cut], order[cut:]
    return points[train], labels[train], points[test], labels[test]


def make_data(
    name: str, noise_percent: float, perc_train: int, seed: str, n_classes: int | None = None
) -> tuple[Data2D, SeedRandom]:
    """TF's ``generateData``: seed, generate, shuffle, split.

    Returns the data and the generator positioned right after the shuffle, so the caller can draw
    the initial weights from it exactly as TF does.
    """
    k = n_classes_for(name, n_classes)
    rng = SeedRandom(seed)
    points, labels = generate_points(name, num_samples_for(name), noise_percent / 100, rng, k or None)
    train_x, train_y, test_x, test_y = split_arrays(points, labels, perc_train, rng)
    data = Data2D(
        train_x=train_x,
        train_y=train_y,
        test_x=test_x,
        test_y=test_y,
        problem=problem_of(name),
        n_classes=k,
        name=name,
        class_names=class_names_for(name, k or None),
    )
    return data, rng


def dataset_thumbnail_points(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The points of a dataset's thumbnail, like TF's: 200 points at noise 0 (from a fixed seed)."""
    return generate_points(name, THUMBNAIL_POINTS, 0.0, SeedRandom(THUMBNAIL_SEED))
