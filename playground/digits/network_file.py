"""A learner's digit work as bytes, and back: the trained network (its weights, the optimiser's state when
it fits, the curves and where training stands), the lesson's settings and the learner's own drawings. It is
the file 'Download this network' gives and 'Open a network' reads, and what the server keeps so that a
reload does not lose the network (playground.classroom.saved_work).

The bytes are PyTorch's own format: torch.save of plain dicts, lists, numbers, text and tensors, read with
torch.load(weights_only=True), so no code and no object of any class is ever unpickled. A file may be
broken, truncated, hand-made or hostile: its size and its zip records are checked before PyTorch reads it,
and every value after, against the network its settings describe and the class's size limits. Whatever is
wrong raises only NetworkFileError, whose message continues the sentence "<file> was not opened: ...".
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.digits.lesson import MAX_DRAWINGS, DigitLesson
from playground.digits.mnist import SOURCE_KEYS
from playground.digits.models import (
    ACTIVATIONS,
    KERNEL_SIZES,
    KINDS,
    MAX_CONV_LAYERS,
    MAX_FILTERS,
    MAX_MLP_LAYERS,
    MAX_MLP_WIDTH,
    POOLS,
    ModelSpec,
    SizeLimits,
    build_model,
)
from playground.digits.training import (
    MAX_EPOCHS,
    OPTIMIZERS,
    DigitTensors,
    DigitTrainer,
    ExtraExamples,
    HistoryRow,
    TrainConfig,
)
from playground.torch_runtime import torch

FORMAT = "neural-playground/digit-network"
VERSION = 1
SUFFIX = ".npdigits"
MAX_BYTES = 64_000_000  # the largest network the app builds (4 layers of 1,024) with Adam's state: ~48 MB
MAX_RECORDS = 1_000  # zip records (one per tensor): the largest network with Adam has ~40
MAX_PICKLE_BYTES = 1_000_000  # the structure around the tensors: a few KB
MAX_HISTORY = 20_000  # rows of the curves (4 an epoch: 5,000 epochs)
MAX_RECENT = 100_000  # batches since the curves' last row
MAX_SEED = 2**31 - 1
MAX_RUN_EPOCHS = 1_000_000  # a network's epochs so far and to come (Continue adds to them)
MAX_EXAMPLES = 10**13
MAX_TRAIN_EXAMPLES = 10_000_000
MAX_CLASSES = 100
MAX_REPEATS = 100
OPTIMIZER_STATE = {"adam": {"step": (), "exp_avg": None, "exp_avg_sq": None},  # None: the parameter's shape
                   "momentum": {"momentum_buffer": None}, "sgd": {}}
SPEC_KEYS = ("kind", "hidden", "filters", "kernel", "pool", "activation", "classes")
CONFIG_KEYS = ("optimizer", "learning_rate", "batch_size", "epochs", "seed")
PROGRESS_KEYS = ("examples", "seconds", "epochs_done", "position", "order", "order_sizes", "train_examples",
                 "generator", "recent")
NETWORK_KEYS = ("trained_on", "spec", "config", "weights", "optimizer", "history", "progress")
TOP_KEYS = ("format", "version", "settings", "network", "drawings", "last_drawing")


class NetworkFileError(ValueError):
    """Digit work that cannot be opened; the message says why, for a learner."""


# ------------------------------------------------------------------------------------------------ saving


def _spec(spec: ModelSpec) -> dict:
    return {"kind": spec.kind, "hidden": [int(h) for h in spec.hidden], "filters": [int(f) for f in spec.filters],
            "kernel": int(spec.kernel), "pool": spec.pool, "activation": spec.activation, "classes": int(spec.classes)}


def _config(config: TrainConfig) -> dict:
    return {"optimizer": config.optimizer, "learning_rate": float(config.learning_rate),
            "batch_size": int(config.batch_size), "epochs": int(config.epochs), "seed": int(config.seed)}


def _network(lesson: DigitLesson, with_optimizer: bool) -> dict | None:
    t = lesson.trainer
    if t is None:
        return None
    optimizer = None
    params = list(t.model.parameters())
    if with_optimizer and all(p in t.optimizer.state and t.optimizer.state[p] for p in params) and t.config.optimizer != "sgd":
        names = OPTIMIZER_STATE[t.config.optimizer]
        optimizer = [{name: t.optimizer.state[p][name].detach() for name in names} for p in params]
    history = torch.tensor([[r.epoch, r.examples, r.train_loss, r.train_accuracy, r.test_loss, r.test_accuracy]
                            for r in t.history], dtype=torch.float64).reshape(-1, 6)
    return {"trained_on": lesson.trained_on, "spec": _spec(t.spec), "config": _config(t.config),
            "weights": {name: value.detach() for name, value in t.model.state_dict().items()},
            "optimizer": optimizer, "history": history, "progress": t.progress_state()}


def dump_work(lesson: DigitLesson, max_bytes: int | None = None) -> bytes:
    """The lesson's work as bytes: its settings, its drawings and its network (if it has one). The
    optimiser's state (Adam's running averages: twice the weights) is left out when the bytes would be more
    than `max_bytes` with it; then Continue goes on from the same weights with a fresh optimiser."""
    extra = lesson.extra
    drawings = {"images": torch.from_numpy(np.stack(extra.images).astype(np.uint8)) if len(extra)
                else torch.zeros((0, 28, 28), dtype=torch.uint8),
                "labels": torch.tensor(extra.labels, dtype=torch.int64), "repeats": int(extra.repeats)}
    last = lesson.last_drawing
    for with_optimizer in (True, False):
        document = {
            "format": FORMAT, "version": VERSION,
            "settings": {"source": lesson.source, "spec": _spec(lesson.spec), "config": _config(lesson.config)},
            "network": _network(lesson, with_optimizer), "drawings": drawings,
            "last_drawing": None if last is None else torch.from_numpy(np.array(last, dtype=np.uint8).reshape(28, 28)),
        }
        buffer = io.BytesIO()
        torch.save(document, buffer)
        data = buffer.getvalue()
        if max_bytes is None or len(data) <= max_bytes or document["network"] is None \
                or document["network"]["optimizer"] is None:
            return data
    return data


# ------------------------------------------------------------------------------------------------ opening


@dataclass
class SavedNetwork:
    """A network as a file holds it, checked: build a trainer of it with `trainer`."""

    trained_on: str
    spec: ModelSpec
    config: TrainConfig
    weights: dict[str, Any]
    optimizer: list[dict[str, Any]] | None
    history: list[HistoryRow]
    progress: dict

    @property
    def epochs(self) -> float:
        """Epochs trained (a fraction in the middle of one), as the trainer's `epoch`."""
        order, done = self.progress["order"], self.progress["epochs_done"]
        return done + (self.progress["position"] / len(order) if order is not None and len(order) else 0.0)

    def trainer(self, data: DigitTensors, extra: ExtraExamples) -> DigitTrainer:
        """A trainer of this network on `data` (the source it was trained on), as it was saved."""
        if self.progress["train_examples"] > len(data.train_labels):
            raise NetworkFileError(f"it was trained on {self.progress['train_examples']:,} training images, but "
                                   f"this machine's {self.trained_on} has {len(data.train_labels):,}.")
        labels = max(int(data.train_labels.max()), int(data.test_labels.max())) + 1 if len(data.test_labels) else 0
        if labels > self.spec.classes or any(label >= self.spec.classes for label in extra.labels):
            raise NetworkFileError(f"its network tells {self.spec.classes} classes apart, but the data has {labels}.")
        trainer = DigitTrainer(self.spec, self.config, data, extra)
        trainer.model.load_state_dict(self.weights, strict=True)
        if self.optimizer is not None:
            state = trainer.optimizer.state_dict()
            state["state"] = {i: dict(entry) for i, entry in enumerate(self.optimizer)}
            trainer.optimizer.load_state_dict(state)
        trainer.history = list(self.history)
        trainer.restore_progress(self.progress)
        return trainer


@dataclass
class DigitWork:
    """What a file holds, checked: the lesson's settings, a network or none, the learner's drawings."""

    source: str
    spec: ModelSpec
    config: TrainConfig
    network: SavedNetwork | None
    drawings: ExtraExamples
    last_drawing: np.ndarray | None

    def apply(self, lesson: DigitLesson, data_for: Callable[[str], DigitTensors]) -> None:
        """Make this the lesson's work: its settings, drawings and network (a trainer on the data
        `data_for(source)` gives). NetworkFileError, with the lesson unchanged, if the network cannot be
        trained on this machine's data."""
        trainer = self.network.trainer(data_for(self.network.trained_on), self.drawings) if self.network else None
        lesson.source, lesson.spec, lesson.config = self.source, self.spec, self.config
        lesson.extra, lesson.last_drawing, lesson.pad_drawing = self.drawings, self.last_drawing, None
        lesson.training = False
        if trainer is None:
            lesson.forget_model()
        else:
            lesson.adopt(trainer, self.network.trained_on)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any, low: int, high: int, what: str) -> int:
    if not _is_int(value) or not low <= value <= high:
        raise NetworkFileError(f"its {what} is not a whole number from {low:,} to {high:,}.")
    return int(value)


def _float(value: Any, low: float, high: float, what: str) -> float:
    if not (_is_int(value) or isinstance(value, float)) or not math.isfinite(value) or not low <= value <= high:
        raise NetworkFileError(f"its {what} is not a number from {low:g} to {high:g}.")
    return float(value)


def _choice(value: Any, options, what: str):
    """One of `options` (text, or whole numbers: never True for 1)."""
    if not isinstance(value, str | int) or isinstance(value, bool) or value not in options:
        raise NetworkFileError(f"its {what} is not one of {', '.join(map(str, options))}.")
    return value


def _dict(value: Any, keys: tuple[str, ...], what: str) -> dict:
    if not isinstance(value, dict):
        raise NetworkFileError(f"its {what} is not a set of name: value pairs.")
    missing = [k for k in keys if k not in value]
    if missing:
        raise NetworkFileError(f"its {what} lacks {', '.join(repr(k) for k in missing)}.")
    return value


def _tensor(value: Any, dtype, shape: tuple | None, what: str, ndim: int | None = None):
    """A plain CPU tensor of this dtype and shape (or number of dimensions)."""
    if not isinstance(value, torch.Tensor) or value.layout != torch.strided or value.device.type != "cpu" \
            or value.is_quantized or value.dtype != dtype:
        raise NetworkFileError(f"its {what} is not a tensor of {str(dtype).removeprefix('torch.')}.")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise NetworkFileError(f"its {what} has the shape {tuple(value.shape)}, not {tuple(shape)}.")
    if ndim is not None and value.dim() != ndim:
        raise NetworkFileError(f"its {what} is not {ndim}-dimensional.")
    return value


def _ints(value: Any, most: int, high: int, what: str) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= most:
        raise NetworkFileError(f"its {what} are not a list of 1 to {most} numbers.")
    return tuple(_int(v, 1, high, what) for v in value)


def _read_spec(value: Any, what: str) -> ModelSpec:
    d = _dict(value, SPEC_KEYS, what)
    return ModelSpec(kind=_choice(d["kind"], KINDS, f"{what}'s kind"),
                     hidden=_ints(d["hidden"], MAX_MLP_LAYERS, MAX_MLP_WIDTH, f"{what}'s hidden layer sizes"),
                     filters=_ints(d["filters"], MAX_CONV_LAYERS, MAX_FILTERS, f"{what}'s filter counts"),
                     kernel=_choice(d["kernel"], KERNEL_SIZES, f"{what}'s kernel size"),
                     pool=_choice(d["pool"], POOLS, f"{what}'s pooling"),
                     activation=_choice(d["activation"], tuple(ACTIVATIONS), f"{what}'s activation"),
                     classes=_int(d["classes"], 2, MAX_CLASSES, f"{what}'s number of classes"))


def _read_config(value: Any, what: str, min_epochs: int, max_epochs: int) -> TrainConfig:
    d = _dict(value, CONFIG_KEYS, what)
    return TrainConfig(optimizer=_choice(d["optimizer"], OPTIMIZERS, f"{what}'s optimiser"),
                       learning_rate=_float(d["learning_rate"], 1e-8, 10.0, f"{what}'s learning rate"),
                       batch_size=_int(d["batch_size"], 1, 4096, f"{what}'s batch size"),
                       epochs=_int(d["epochs"], min_epochs, max_epochs, f"{what}'s epochs"),
                       seed=_int(d["seed"], 0, MAX_SEED, f"{what}'s seed"))


def _too_big(spec: ModelSpec, sizes: SizeLimits) -> str:
    if spec.kind == "mlp":
        return (f"its network has hidden layers of {', '.join(map(str, spec.hidden))} neurons; this class allows "
                f"at most {sizes.mlp_layers} layers of {sizes.mlp_width}.")
    return (f"its network has convolutions of {', '.join(map(str, spec.filters))} filters; this class allows at "
            f"most {sizes.conv_layers} layers of {sizes.filters}.")


def _read_history(value: Any) -> list[HistoryRow]:
    history = _tensor(value, torch.float64, None, "training curve", ndim=2)
    if history.shape[1] != 6 or history.shape[0] > MAX_HISTORY:
        raise NetworkFileError(f"its training curve is not a table of at most {MAX_HISTORY:,} rows of 6 numbers.")
    rows = []
    for epoch, examples, *figures in history.tolist():
        if not (math.isfinite(epoch) and 0 <= epoch <= MAX_RUN_EPOCHS and math.isfinite(examples)
                and 0 <= examples <= MAX_EXAMPLES) or any(math.isinf(f) for f in figures):
            raise NetworkFileError("its training curve has a row out of bounds.")
        rows.append(HistoryRow(epoch, int(examples), *figures))
    return rows


def _read_progress(value: Any, config: TrainConfig) -> dict:
    d = _dict(value, PROGRESS_KEYS, "training progress")
    progress = {"examples": _int(d["examples"], 0, MAX_EXAMPLES, "count of examples seen"),
                "seconds": _float(d["seconds"], 0.0, 1e9, "training time"),
                "epochs_done": _int(d["epochs_done"], 0, config.epochs, "count of epochs done"),
                "train_examples": _int(d["train_examples"], 1, MAX_TRAIN_EXAMPLES, "count of training images")}
    sizes = d["order_sizes"]
    if not isinstance(sizes, list | tuple) or len(sizes) != 2:
        raise NetworkFileError("its training progress's data sizes are not two numbers.")
    n = _int(sizes[0], 0, MAX_TRAIN_EXAMPLES, "count of training images in this epoch")
    e = _int(sizes[1], 0, MAX_DRAWINGS, "count of drawings in this epoch")
    progress["order_sizes"] = (n, e)
    order = d["order"]
    if order is None:
        progress["order"], progress["position"] = None, 0
    else:
        order = _tensor(order, torch.int32, None, "epoch's order", ndim=1)
        if n != progress["train_examples"] or len(order) > n + e * MAX_REPEATS:
            raise NetworkFileError("its epoch's order does not fit its training images.")
        if len(order) and (int(order.min()) < 0 or int(order.max()) >= n + e):
            raise NetworkFileError("its epoch's order names images it does not have.")
        progress["order"] = order
        progress["position"] = _int(d["position"], 0, len(order), "place in the epoch")
    generator = _tensor(d["generator"], torch.uint8, None, "shuffling state", ndim=1)
    try:
        torch.Generator().set_state(generator)
    except (RuntimeError, ValueError):
        raise NetworkFileError("its shuffling state is not one PyTorch can use.") from None
    progress["generator"] = generator
    recent = _tensor(d["recent"], torch.float64, None, "latest batches", ndim=2)
    if recent.shape[1] != 3 or recent.shape[0] > MAX_RECENT or not bool(torch.isfinite(recent).all()) \
            or bool((recent < 0).any()):
        raise NetworkFileError("its latest batches are not a table of counts.")
    progress["recent"] = recent
    return progress


def _read_network(value: Any, sizes: SizeLimits) -> SavedNetwork:
    d = _dict(value, NETWORK_KEYS, "network")
    trained_on = _choice(d["trained_on"], SOURCE_KEYS, "network's data")
    spec = _read_spec(d["spec"], "network")
    if sizes.cap(spec) != spec:
        raise NetworkFileError(_too_big(spec, sizes))
    config = _read_config(d["config"], "network's training", 0, MAX_RUN_EPOCHS)
    expected = build_model(spec).state_dict()
    weights = d["weights"]
    if not isinstance(weights, dict) or set(weights) != set(expected):
        raise NetworkFileError(f"its weights are not those of a {spec.describe()}.")
    for name, tensor in expected.items():
        _tensor(weights[name], torch.float32, tuple(tensor.shape), f"weights {name!r}")
    optimizer = d["optimizer"]
    if optimizer is not None:
        shapes = [tuple(tensor.shape) for tensor in expected.values()]  # the parameters, in order (no buffers)
        names = OPTIMIZER_STATE[config.optimizer]
        if not names or not isinstance(optimizer, list) or len(optimizer) != len(shapes):
            raise NetworkFileError(f"its optimiser state is not one for {config.optimizer} and this network.")
        for i, (entry, shape) in enumerate(zip(optimizer, shapes, strict=True)):
            if not isinstance(entry, dict) or set(entry) != set(names):
                raise NetworkFileError(f"its optimiser state {i} is not {config.optimizer}'s.")
            for name, own in names.items():
                _tensor(entry[name], torch.float32, shape if own is None else own, f"optimiser state {i} {name!r}")
            if "step" in entry and not 0 <= float(entry["step"]) <= MAX_EXAMPLES:
                raise NetworkFileError(f"its optimiser state {i} has a step count out of bounds.")
    return SavedNetwork(trained_on, spec, config, dict(weights), optimizer, _read_history(d["history"]),
                        _read_progress(d["progress"], config))


def _read_drawings(value: Any) -> ExtraExamples:
    d = _dict(value, ("images", "labels", "repeats"), "drawings")
    images = _tensor(d["images"], torch.uint8, None, "drawings", ndim=3)
    labels = _tensor(d["labels"], torch.int64, None, "drawings' labels", ndim=1)
    if tuple(images.shape[1:]) != (28, 28) or len(images) != len(labels) or len(labels) > MAX_DRAWINGS:
        raise NetworkFileError(f"its drawings are not at most {MAX_DRAWINGS} labelled pictures of 28×28 pixels.")
    if len(labels) and (int(labels.min()) < 0 or int(labels.max()) >= MAX_CLASSES):
        raise NetworkFileError("a drawing's label is out of bounds.")
    repeats = _int(d["repeats"], 1, MAX_REPEATS, "drawings' repeats")
    return ExtraExamples(images=[np.array(image, dtype=np.uint8) for image in images.numpy()],
                         labels=[int(label) for label in labels.tolist()], repeats=repeats)


def _read_bytes(data: bytes, max_bytes: int) -> Any:
    """The document PyTorch reads from the bytes, after the size and the zip records are checked."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"load_work reads bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise NetworkFileError(f"it is {len(data):,} bytes, larger than the {max_bytes:,}-byte limit for a saved "
                               "digit network here.")
    if not data:
        raise NetworkFileError("it is empty.")
    not_ours = "it is not a saved digit network (Neural Playground saves them as .npdigits files)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            records = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NetworkFileError(not_ours) from None
    if len(records) > MAX_RECORDS:
        raise NetworkFileError(f"it holds {len(records):,} records; a saved network has fewer than {MAX_RECORDS:,}.")
    if any(r.compress_type != zipfile.ZIP_STORED for r in records) or sum(r.file_size for r in records) > max_bytes:
        raise NetworkFileError("it is compressed or unpacks to more than its size: not a file this app writes.")
    if any(r.filename.endswith("data.pkl") and r.file_size > MAX_PICKLE_BYTES for r in records):
        raise NetworkFileError("its description is larger than a saved network's.")
    try:
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception:  # noqa: BLE001 - whatever PyTorch's reader says about bad bytes, it is the same answer
        raise NetworkFileError(not_ours) from None


def load_work(data: bytes, *, max_bytes: int = MAX_BYTES, sizes: SizeLimits = SizeLimits()) -> DigitWork:
    """Read digit work (a file or the server's copy); NetworkFileError with a learner's message for
    anything wrong with it, including a network larger than `sizes` (the class's limits) allow."""
    document = _read_bytes(data, max_bytes)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise NetworkFileError(f"it is not a saved digit network (its \"format\" is not {FORMAT!r}).")
    version = document.get("version")
    if not _is_int(version) or version != VERSION:
        newer = " (made by a newer Neural Playground)" if _is_int(version) and version > VERSION else ""
        raise NetworkFileError(f"it is version {version!r} of the file format{newer}; this one reads version {VERSION}.")
    _dict(document, TOP_KEYS, "file")
    settings = _dict(document["settings"], ("source", "spec", "config"), "settings")
    network = None if document["network"] is None else _read_network(document["network"], sizes)
    last = document["last_drawing"]
    return DigitWork(
        source=_choice(settings["source"], SOURCE_KEYS, "dataset"),
        spec=sizes.cap(_read_spec(settings["spec"], "chosen network")),
        config=_read_config(settings["config"], "chosen training", 1, MAX_EPOCHS),
        network=network, drawings=_read_drawings(document["drawings"]),
        last_drawing=None if last is None else _tensor(last, torch.uint8, (28, 28), "latest drawing").numpy().copy())


def describe(work: DigitWork, names: Mapping[str, str] | None = None) -> str:
    """One line for a learner: what was opened ("MLP 784 → 256 → 10 · 2.00 epochs on MNIST-5k · 3
    drawings"); `names` are the data sources' names by key."""
    parts = []
    if work.network is not None:
        n = work.network
        parts.append(f"{n.spec.describe()} · {n.epochs:.2f} epochs on {(names or {}).get(n.trained_on, n.trained_on)}")
    else:
        parts.append("settings only (no trained network)")
    if len(work.drawings):
        parts.append(f"{len(work.drawings)} drawing{'s' * (len(work.drawings) != 1)}")
    return " · ".join(parts)

