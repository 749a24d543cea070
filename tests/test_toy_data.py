"""The toy datasets: TF Playground's generators point for point, our multi-class sets, the split."""

import math

import numpy as np
import pytest

from playground.toydata.generators import (
    CLASSIFY_DATASETS,
    MULTICLASS_DATASETS,
    NUM_SAMPLES_CLASSIFY,
    NUM_SAMPLES_REGRESS,
    REGRESS_DATASETS,
    Data2D,
    class_names_for,
    dataset_thumbnail_points,
    generate_points,
    labels_to_pm1,
    make_data,
    problem_of,
    shuffle_order,
    split_arrays,
)
from playground.toydata.seedrandom import SeedRandom

ALL_TF = CLASSIFY_DATASETS + REGRESS_DATASETS


class CountingRandom(SeedRandom):
    """A SeedRandom that counts how many doubles were drawn."""

    __slots__ = ("calls",)

    def __init__(self, seed: str):
        super().__init__(seed)
        self.calls = 0

    def random(self) -> float:
        self.calls += 1
        return super().random()


def _all_points(data: Data2D) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([data.train_x, data.test_x]), np.concatenate([data.train_y, data.test_y])


# TF Playground's dataset.ts + generateData (shuffle, split) run in Node with seedrandom 2.4:
# (dataset, seed, noise %, train %) -> first three shuffled points (x, y, TF label), the last point,
# and the next two Math.random() values after the shuffle (where TF starts drawing weights).
NODE_DATA = [
    (
        ("circle", "0.12345", 0, 50),
        [
            (4.618077316847547, -1.8354395887379444, -1),
            (3.031594167181799, 2.027827810592421, -1),
            (-4.597539547202247, -0.2550840585704418, -1),
        ],
        (0.3297448673290159, 2.1861566975604134, 1),
        [0.651190120454355, 0.8395422448435659],
    ),
    (
        ("xor", "0.71828", 25, 30),
        [
            (-5.161575903789787, 1.2104807711232308, -1),
            (4.638724089397987, -1.407054892899964, -1),
            (-2.231946541959004, 2.397408441905786, -1),
        ],
        (1.3356690213967888, 3.5987950962908775, 1),
        [0.6265224328514165, 0.07186239317677719],
    ),
    (
        ("gauss", "0.5", 50, 90),
        [
            (-5.80920337978849, -5.260657101970557, -1),
            (-4.845465380758883, -0.4903468264886066, -1),
            (-1.966250070650724, -1.8332690792493396, -1),
        ],
        (3.7885479784733125, -0.5439380195042482, 1),
        [0.9797050184031078, 0.4805781101515181],
    ),
    (
        ("spiral", "0.00001", 80, 10),
        [
            (4.479178723421646, 1.6914048864621165, -1),
            (1.4698312016522643, 3.053390299937107, 1),
            (-3.2101592970702666, 1.967477203669741, -1),
        ],
        (-0.44409716834031804, -0.3397454047629891, 1),
        [0.021255431540906502, 0.5407752801077588],
    ),
    (
        ("reg-plane", "0.5", 50, 90),
        [
            (-0.54074555779615, -0.8670023593306242, -0.5511817895115789),
            (-5.600148708414315, 2.4423195945366185, -0.2228538537010079),
            (-2.69659151888387, 5.357274247218946, 0.3112621428408411),
        ],
        (-5.604908319100575, 3.3849429179745325, -0.5654971110183722),
        [0.3868594922241923, 0.6632511757666036],
    ),
    (
        ("reg-gauss", "0.71828", 25, 30),
        [
            (4.664537386203996, -0.935096339043751, -0.5339610209879407),
            (0.6221135366229253, -3.2923279856264624, 0.2361202004482823),
            (-1.6103993941802814, 2.7010752157017635, -0.15018203783871276),
        ],
        (5.168809137404974, 0.9328003430722918, 0.6838543508300845),
        [0.8891175609257259, 0.7037735589750217],
    ),
]


@pytest.mark.parametrize(("config", "first", "last", "after"), NODE_DATA, ids=[c[0][0] for c in NODE_DATA])
def test_matches_tf_playground_run_in_node(config, first, last, after):
    name, seed, noise, perc = config
    data, rng = make_data(name, noise, perc, seed)
    points, labels = _all_points(data)
    tf_labels = labels if data.problem == "regression" else labels_to_pm1(labels)
    got = [(*points[i], tf_labels[i]) for i in (0, 1, 2, -1)]
    expected = [*first, last]
    if name in ("xor", "reg-plane", "reg-gauss"):
        # No sin/cos/log involved: identical to the bit.
        assert got == expected
    else:
        # sin/cos/log may round differently from V8's in the last bit (see toy_data's docstring).
        np.testing.assert_allclose(np.array(got), np.array(expected), rtol=0, atol=1e-14)
        assert [g[2] for g in got] == [e[2] for e in expected]
    assert [rng.random(), rng.random()] == after  # the stream is where TF's would be


@pytest.mark.parametrize("name", ALL_TF + MULTICLASS_DATASETS)
def test_make_data_shapes_and_types(name):
    data, _ = make_data(name, 0, 50, "0.42")
    problem = problem_of(name)
    total = NUM_SAMPLES_REGRESS if problem == "regression" else NUM_SAMPLES_CLASSIFY
    assert data.problem == problem
    assert data.name == name
    assert data.train_x.shape == (total // 2, 2) and data.test_x.shape == (total - total // 2, 2)
    assert data.train_x.dtype == np.float64 and data.test_x.dtype == np.float64
    assert data.train_y.shape == (total // 2,) and data.test_y.shape == (total - total // 2,)
    if problem == "regression":
        assert data.train_y.dtype == np.float64
        assert data.n_classes == 0 and data.class_names == ()
    else:
        assert data.train_y.dtype == np.int64
        assert data.n_classes == len(data.class_names) >= 2
        assert set(np.unique(_all_points(data)[1])) == set(range(data.n_classes))
    if name in CLASSIFY_DATASETS:
        assert data.class_names == ("-1", "+1")


@pytest.mark.parametrize("name", ALL_TF + MULTICLASS_DATASETS)
def test_same_seed_same_data_different_seed_different_data(name):
    a, _ = make_data(name, 20, 50, "0.11111")
    b, _ = make_data(name, 20, 50, "0.11111")
    c, _ = make_data(name, 20, 50, "0.22222")
    for field in ("train_x", "train_y", "test_x", "test_y"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.train_x, c.train_x)


@pytest.mark.parametrize("perc", range(10, 100, 10))
@pytest.mark.parametrize("name", ["circle", "reg-gauss"])
def test_split_sizes_follow_tf(name, perc):
    data, _ = make_data(name, 0, perc, "0.5")
    total = len(data.train_x) + len(data.test_x)
    assert len(data.train_x) == math.floor(total * perc / 100) == len(data.train_y)
    assert len(data.test_x) == total - len(data.train_x) == len(data.test_y)


def test_split_is_a_permutation_of_the_generated_points():
    rng = SeedRandom("0.3")
    points, labels = generate_points("xor", 500, 0.1, rng)
    data, _ = make_data("xor", 10, 70, "0.3")
    merged, merged_labels = _all_points(data)
    order = np.lexsort(merged.T)
    original = np.lexsort(points.T)
    assert np.array_equal(merged[order], points[original])
    assert np.array_equal(merged_labels[order], labels[original])


def test_shuffle_is_tf_fisher_yates():
    rng, twin = SeedRandom("0.9"), SeedRandom("0.9")
    items = list(range(10))
    counter = len(items)
    while counter > 0:  # TF's shuffle, verbatim
        index = math.floor(twin.random() * counter)
        counter -= 1
        items[counter], items[index] = items[index], items[counter]
    assert shuffle_order(10, rng).tolist() == items


@pytest.mark.parametrize("name", ALL_TF + MULTICLASS_DATASETS)
def test_make_data_returns_the_rng_positioned_after_the_shuffle(name):
    total = NUM_SAMPLES_REGRESS if name in REGRESS_DATASETS else NUM_SAMPLES_CLASSIFY
    counter = CountingRandom("0.654")
    generate_points(name, total, 0.3, counter)
    generated = counter.calls
    _, rng = make_data(name, 30, 50, "0.654")
    fresh = SeedRandom("0.654")
    for _ in range(generated + total):  # the generator's draws, then one per point for the shuffle
        fresh.random()
    assert [rng.random() for _ in range(3)] == [fresh.random() for _ in range(3)]


def test_draws_per_point_are_tfs():
    for name, per_point in [("circle", 4), ("xor", 4), ("spiral", 2), ("reg-plane", 4), ("reg-gauss", 4)]:
        counter = CountingRandom("0.1")
        generate_points(name, 100, 0.2, counter)
        assert counter.calls == 100 * per_point, name


# --- each of TF's generators behaves as dataset.ts says ---


def _radius(points: np.ndarray) -> np.ndarray:
    return np.hypot(points[:, 0], points[:, 1])


def test_circle_geometry_and_noise():
    points, labels = generate_points("circle", 500, 0.0, SeedRandom("0.1"))
    inner, outer = slice(0, 250), slice(250, 500)  # TF makes the +1 disc first, then the -1 ring
    assert _radius(points[inner]).max() <= 2.5
    assert _radius(points[outer]).min() >= 3.5 and _radius(points[outer]).max() <= 5
    assert (labels[inner] == 1).all() and (labels[outer] == 0).all()  # noise 0: labels follow position
    noisy_points, noisy_labels = generate_points("circle", 500, 0.5, SeedRandom("0.1"))
    assert _radius(noisy_points[inner]).max() <= 2.5  # points stay where they were drawn ...
    assert (noisy_labels[inner] == 0).sum() > 10  # ... but their labels flip near the boundary
    assert (noisy_labels[outer] == 1).sum() > 10


def test_circle_odd_count_has_tf_halves():
    points, labels = generate_points("circle", 7, 0.0, SeedRandom("0.1"))
    assert len(points) == 8  # TF's loops run while i < 7 / 2: four each
    assert labels.tolist() == [1] * 4 + [0] * 4


def test_xor_geometry_and_noise():
    points, labels = generate_points("xor", 500, 0.0, SeedRandom("0.2"))
    x, y = points[:, 0], points[:, 1]
    assert (np.abs(x) >= 0.3).all() and (np.abs(y) >= 0.3).all()  # the padding around the axes
    assert (np.abs(points) <= 5.3).all()
    assert np.array_equal(labels, (x * y >= 0).astype(np.int64))
    assert 180 < labels.sum() < 320
    noisy_points, noisy_labels = generate_points("xor", 500, 0.5, SeedRandom("0.2"))
    same_side = (noisy_points[:, 0] * noisy_points[:, 1] >= 0).astype(np.int64)
    assert (noisy_labels != same_side).sum() > 10


def test_gauss_blobs_and_noise_widens_them():
    points, labels = generate_points("gauss", 500, 0.0, SeedRandom("0.3"))
    assert labels[:250].tolist() == [1] * 250 and labels[250:].tolist() == [0] * 250
    np.testing.assert_allclose(points[:250].mean(axis=0), [2, 2], atol=0.15)
    np.testing.assert_allclose(points[250:].mean(axis=0), [-2, -2], atol=0.15)
    np.testing.assert_allclose(points[:250].var(axis=0), [0.5, 0.5], rtol=0.25)  # noise 0 -> variance 0.5
    wide, _ = generate_points("gauss", 500, 0.5, SeedRandom("0.3"))
    np.testing.assert_allclose(wide[:250].var(axis=0), [4, 4], rtol=0.25)  # noise 0.5 -> variance 4


def test_spiral_geometry_and_noise():
    points, labels = generate_points("spiral", 500, 0.0, SeedRandom("0.4"))
    assert labels[:250].tolist() == [1] * 250 and labels[250:].tolist() == [0] * 250
    i = np.arange(250)
    np.testing.assert_allclose(_radius(points[:250]), i / 250 * 5, atol=1e-12)  # r grows linearly to 5
    np.testing.assert_allclose(points[250:], -points[:250], atol=1e-12)  # second arm = first turned by pi
    assert _radius(points).max() < 5
    noisy, _ = generate_points("spiral", 500, 0.5, SeedRandom("0.4"))
    jitter = np.abs(noisy - points)
    assert jitter.max() <= 0.5 and jitter.mean() > 0.1  # U(-1, 1) * 0.5 per axis


def test_reg_plane_labels():
    points, labels = generate_points("reg-plane", 1200, 0.0, SeedRandom("0.5"))
    assert labels.dtype == np.float64
    assert (np.abs(points) <= 6).all()
    np.testing.assert_allclose(labels, points.sum(axis=1) / 10, atol=1e-12)
    noisy_points, noisy_labels = generate_points("reg-plane", 1200, 0.5, SeedRandom("0.5"))
    error = np.abs(noisy_labels - noisy_points.sum(axis=1) / 10)
    assert error.max() <= 0.6 + 1e-12 and error.mean() > 0.05  # noise (U(-6,6)*0.5 per axis) / 10


def _bump_label(x: float, y: float) -> float:
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    best = 0.0
    for cx, cy, sign in bumps:
        value = sign * min(1.0, max(0.0, 1 - math.hypot(x - cx, y - cy) / 2))
        if abs(value) > abs(best):
            best = value
    return best


def test_reg_gauss_labels():
    points, labels = generate_points("reg-gauss", 1200, 0.0, SeedRandom("0.6"))
    assert (labels >= -1).all() and (labels <= 1).all()
    expected = [_bump_label(x, y) for x, y in points]
    np.testing.assert_allclose(labels, expected, atol=1e-12)
    assert (labels == 0).sum() > 100  # far from every bump
    assert labels.max() > 0.9 and labels.min() < -0.9
    noisy_points, noisy_labels = generate_points("reg-gauss", 1200, 0.5, SeedRandom("0.6"))
    clean = np.array([_bump_label(x, y) for x, y in noisy_points])
    assert np.abs(noisy_labels - clean).mean() > 0.05


# --- our multi-class sets ---


@pytest.mark.parametrize("k", range(2, 7))
@pytest.mark.parametrize("name", MULTICLASS_DATASETS)
def test_multiclass_counts_and_balance(name, k):
    data, _ = make_data(name, 0, 50, "0.8", n_classes=k)
    _, labels = _all_points(data)
    assert len(labels) == NUM_SAMPLES_CLASSIFY
    counts = np.bincount(labels, minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    assert data.n_classes == k and data.class_names == tuple(str(c) for c in range(k))


def test_multiclass_defaults():
    assert make_data("spiral3", 0, 50, "0.1")[0].n_classes == 3
    assert make_data("blobs", 0, 50, "0.1")[0].n_classes == 4


def test_spiral3_arms_are_rotated_copies():
    points, labels = generate_points("spiral3", 300, 0.0, SeedRandom("0.1"), n_classes=3)
    assert labels.tolist() == [0] * 100 + [1] * 100 + [2] * 100
    assert _radius(points).max() < 5
    angle = 2 * math.pi / 3
    rotation = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    # x = r sin t, y = r cos t: adding 2 pi / 3 to t turns (x, y) clockwise by that angle
    np.testing.assert_allclose(points[:100] @ rotation.T, points[100:200], atol=1e-12)


@pytest.mark.parametrize("k", range(2, 7))
def test_blobs_sit_on_a_circle(k):
    points, labels = generate_points("blobs", 600, 0.0, SeedRandom("0.2"), n_classes=k)
    for c in range(k):
        angle = math.pi / 2 + 2 * math.pi * c / k
        centre = 3.5 * np.array([math.cos(angle), math.sin(angle)])
        np.testing.assert_allclose(points[labels == c].mean(axis=0), centre, atol=0.25)
    wide, _ = generate_points("blobs", 600, 0.5, SeedRandom("0.2"), n_classes=k)
    assert wide[labels == 0].var(axis=0).mean() > 2.5 * points[labels == 0].var(axis=0).mean()


def test_noise_moves_multiclass_points():
    a, _ = generate_points("spiral3", 300, 0.0, SeedRandom("0.1"))
    b, _ = generate_points("spiral3", 300, 0.5, SeedRandom("0.1"))
    assert 0 < np.abs(a - b).max() <= 0.5


@pytest.mark.parametrize("bad", [1, 7, 0])
def test_multiclass_rejects_bad_class_counts(bad):
    with pytest.raises(ValueError, match="2 to 6"):
        make_data("blobs", 0, 50, "0.1", n_classes=bad)


def test_tf_sets_have_fixed_class_counts():
    with pytest.raises(ValueError):
        make_data("circle", 0, 50, "0.1", n_classes=3)
    with pytest.raises(ValueError):
        make_data("reg-plane", 0, 50, "0.1", n_classes=2)
    assert make_data("circle", 0, 50, "0.1", n_classes=2)[0].n_classes == 2


# --- helpers ---


def test_labels_to_pm1():
    assert labels_to_pm1(np.array([0, 1, 1, 0])).tolist() == [-1.0, 1.0, 1.0, -1.0]


def test_problem_of_and_unknown_names():
    assert [problem_of(n) for n in CLASSIFY_DATASETS + MULTICLASS_DATASETS] == ["classification"] * 6
    assert [problem_of(n) for n in REGRESS_DATASETS] == ["regression"] * 2
    assert problem_of("upload") == "classification"
    with pytest.raises(ValueError, match="unknown"):
        problem_of("moons")
    with pytest.raises(ValueError, match="unknown"):
        make_data("moons", 0, 50, "0.1")


def test_class_names():
    assert class_names_for("circle") == ("-1", "+1")
    assert class_names_for("reg-plane") == ()
    assert class_names_for("blobs", 5) == ("0", "1", "2", "3", "4")


@pytest.mark.parametrize("name", ALL_TF + MULTICLASS_DATASETS)
def test_thumbnails_are_200_clean_points_and_stable(name):
    points, labels = dataset_thumbnail_points(name)
    assert points.shape == (200, 2) and labels.shape == (200,)
    again, again_labels = dataset_thumbnail_points(name)
    assert np.array_equal(points, again) and np.array_equal(labels, again_labels)
    if name == "circle":
        assert (labels[:100] == 1).all()  # noise 0


def test_split_arrays_checks_lengths_and_percent():
    with pytest.raises(ValueError):
        split_arrays(np.zeros((3, 2)), np.zeros(2), 50, SeedRandom("0.1"))
    with pytest.raises(ValueError):
        split_arrays(np.zeros((3, 2)), np.zeros(3), 120, SeedRandom("0.1"))
    train_x, train_y, test_x, test_y = split_arrays(np.zeros((10, 2)), np.arange(10), 30, SeedRandom("0.1"))
    assert len(train_x) == len(train_y) == 3 and len(test_x) == len(test_y) == 7
    assert sorted(train_y.tolist() + test_y.tolist()) == list(range(10))
