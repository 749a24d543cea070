"""Training a digit network in small time slices, so a page can draw live curves between slices and a
learner can stop at any moment and keep what was learned.

The digit arrays are shared by every learner (read-only); each learner's trainer holds its own model,
optimiser, shuffling generator and history.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

from playground.digits.models import DigitNet, ModelSpec, build_model, count_parameters, normalise
from playground.torch_runtime import torch

nn = torch.nn

OPTIMIZERS = ("adam", "sgd", "momentum")
MAX_EPOCHS = 50  # the app's bound on a training's epochs (a class may set its own)
# Model states kept at epochs' ends for TracIn (explanations.influence). One is the model's size: the
# default MLP (784 -> 256 -> 10, 203,530 float32 parameters) ~0.8 MB, the default CNN (8/16 filters) ~45 kB.
MAX_CHECKPOINTS = 5


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimiser, learning rate, batch size, epochs and the seed."""

    optimizer: str = "adam"  # "adam", "sgd" or "momentum"
    learning_rate: float = 1e-3
    batch_size: int = 128
    epochs: int = 10
    seed: int = 0


@dataclass
class DigitTensors:
    """Pixels as tensors (uint8, shared and never written) and labels; normalised per batch."""

    train_images: torch.Tensor  # (n, 28, 28) uint8
    train_labels: torch.Tensor  # (n,) int64
    test_images: torch.Tensor
    test_labels: torch.Tensor

    def limited(self, max_examples: int | None) -> DigitTensors:
        """The first `max_examples` training examples only (a class limit); the test set is kept."""
        if not max_examples or max_examples >= len(self.train_labels):
            return self
        return DigitTensors(self.train_images[:max_examples], self.train_labels[:max_examples],
                            self.test_images, self.test_labels)

    @classmethod
    def from_arrays(cls, train_images, train_labels, test_images, test_labels) -> DigitTensors:
        as_u8 = lambda a: torch.tensor(np.asarray(a, dtype=np.uint8))  # noqa: E731  (a copy torch may own)
        as_i64 = lambda a: torch.tensor(np.asarray(a, dtype=np.int64))  # noqa: E731
        return cls(as_u8(train_images), as_i64(train_labels), as_u8(test_images), as_i64(test_labels))


@dataclass
class HistoryRow:
    epoch: float  # fractional epochs trained so far
    examples: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float


@dataclass
class ExtraExamples:
    """A learner's own labelled drawings, added to the training set (Teachable-Machine style)."""

    images: list[np.ndarray] = field(default_factory=list)  # (28, 28) uint8 each
    labels: list[int] = field(default_factory=list)
    repeats: int = 20  # each drawing counts this many times per epoch, so a handful can matter

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Checkpoint:
    """The model's state at the end of an epoch (detached copies) and the learning rate then."""

    epoch: int
    state: dict[str, torch.Tensor]
    learning_rate: float


class DigitTrainer:
    """A model, its optimiser and its training progress on one dataset."""

    def __init__(self, spec: ModelSpec, config: TrainConfig, data: DigitTensors,
                 extra: ExtraExamples | None = None) -> None:
        self.spec, self.config, self.data = spec, config, data
        self.extra = extra or ExtraExamples()
        # initial weights from the run's own generator (the process-wide one is every learner's)
        self.model: DigitNet = build_model(spec, torch.Generator().manual_seed(config.seed))
        # Convolutions run ~1.7x faster on one CPU core with channels-last tensors (oneDNN's layout).
        self.memory_format = torch.channels_last if spec.kind == "cnn" else torch.contiguous_format
        self.model = self.model.to(memory_format=self.memory_format)
        self.optimizer = self._make_optimizer()
        self.loss_fn = nn.CrossEntropyLoss()
        self.generator = torch.Generator().manual_seed(config.seed)
        self.history: list[HistoryRow] = []
        self.examples = 0  # training examples seen
        self.seconds = 0.0  # time spent in optimisation steps (for examples/s)
        self.version = 0  # bumped after every slice: what was computed from the model is stale
        self._order: torch.Tensor | None = None
        self._order_sizes = (0, 0)  # (training examples, drawings) when the order was drawn
        self._position = 0
        self._epochs_done = 0
        self._recent: list[tuple[float, float, int]] = []  # (loss sum, correct, n) since the last record
        # At most MAX_CHECKPOINTS, thinned evenly: the epochs that are multiples of a stride (doubled when
        # too many are kept), and always the last. Not saved in network files: a restored trainer has none.
        self.checkpoints: list[Checkpoint] = []
        self._checkpoint_stride = 1

    def _make_optimizer(self) -> torch.optim.Optimizer:
        c, params = self.config, self.model.parameters()
        if c.optimizer == "adam":
            return torch.optim.Adam(params, lr=c.learning_rate)
        if c.optimizer == "momentum":
            return torch.optim.SGD(params, lr=c.learning_rate, momentum=0.9)
        return torch.optim.SGD(params, lr=c.learning_rate)

    # ------------------------------------------------------------------ progress

    @property
    def epoch(self) -> float:
        size = len(self._order) if self._order is not None else self._epoch_size()
        return self._epochs_done + self._position / max(1, size)

    @property
    def finished(self) -> bool:
        return self._epochs_done >= self.config.epochs

    @property
    def fraction_done(self) -> float:
        """How much of its epochs this trainer has trained, 0 to 1 (a progress bar's value)."""
        return min(1.0, self.epoch / max(1, self.config.epochs))

    @property
    def examples_per_second(self) -> float:
        return self.examples / self.seconds if self.seconds > 0 else 0.0

    @property
    def parameter_count(self) -> int:
        return count_parameters(self.model)

    def _epoch_size(self) -> int:
        return len(self.data.train_labels) + len(self.extra) * self.extra.repeats

    def _new_order(self) -> torch.Tensor:
        n, e = len(self.data.train_labels), len(self.extra)
        self._order_sizes = (n, e)
        ids = torch.cat([torch.arange(n), (n + torch.arange(e)).repeat(self.extra.repeats)]) if e else torch.arange(n)
        return ids[torch.randperm(len(ids), generator=self.generator)]

    def _tidy_order(self) -> None:
        """After the training set shrank (a class limit) or drawings were forgotten mid-epoch, the rest of
        the epoch leaves out what is gone (drawings added mid-epoch join at the next epoch)."""
        n, e = len(self.data.train_labels), len(self.extra)
        old_n, old_e = self._order_sizes
        if self._order is None or (n, e) == (old_n, old_e) or (n >= old_n and e >= old_e):
            return
        rest = self._order[self._position :]
        drawing = rest >= old_n
        rest = rest[torch.where(drawing, rest - old_n < e, rest < n)]
        rest = torch.where(rest >= old_n, rest - old_n + n, rest)
        self._order = torch.cat([self._order[: self._position], rest])
        self._order_sizes = (n, e)

    def limit_examples(self, max_examples: int) -> None:
        """Learn from at most `max_examples` of the data's training examples (a class's limit; the learner's
        own drawings come on top). Applied before training starts, it changes nothing else."""
        if max_examples and max_examples < len(self.data.train_labels):
            self.data = self.data.limited(max_examples)
            self._tidy_order()

    def _batch(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = len(self.data.train_labels)
        drawing = ids >= n
        if not bool(drawing.any()):
            return self._inputs(self.data.train_images[ids]), self.data.train_labels[ids]
        # the learner's drawings picked one by one (joining them to the whole training set would copy
        # all of it for every batch: 56 ms a batch for full MNIST)
        images = torch.empty((len(ids), 28, 28), dtype=torch.uint8)
        labels = torch.empty(len(ids), dtype=torch.int64)
        images[~drawing], labels[~drawing] = self.data.train_images[ids[~drawing]], self.data.train_labels[ids[~drawing]]
        mine = (ids[drawing] - n).tolist()
        images[drawing] = torch.from_numpy(np.stack([np.asarray(self.extra.images[j], dtype=np.uint8) for j in mine]))
        labels[drawing] = torch.tensor([self.extra.labels[j] for j in mine], dtype=torch.int64)
        return self._inputs(images), labels

    def _inputs(self, images_uint8: torch.Tensor) -> torch.Tensor:
        return normalise(images_uint8).contiguous(memory_format=self.memory_format)

    # ------------------------------------------------------------------ training

    def train_slice(self, seconds: float = 0.25, records_per_epoch: int = 4, until_epoch: float | None = None) -> None:
        """Train for about `seconds` (whole batches), recording the curves a few times per epoch; stop early
        once `until_epoch` is reached (a snapshot recorder asks for exact fractions of an epoch)."""
        deadline = time.perf_counter() + seconds
        size = self._epoch_size()
        record_every = max(1, math.ceil(size / records_per_epoch))
        self.model.train()
        self._tidy_order()
        while not self.finished and time.perf_counter() < deadline:
            if until_epoch is not None and self.epoch >= until_epoch - 1e-9:
                break
            if self._order is None or self._position >= len(self._order):
                self._order, self._position = self._new_order(), 0
            ids = self._order[self._position : self._position + self.config.batch_size]
            start = time.perf_counter()
            x, y = self._batch(ids)
            self.optimizer.zero_grad(set_to_none=True)
            logits = self.model(x)
            loss = self.loss_fn(logits, y)
            loss.backward()
            self.optimizer.step()
            self.seconds += time.perf_counter() - start
            before = self._position
            self._position += len(ids)
            self.examples += len(ids)
            self._recent.append((float(loss.detach()) * len(ids), float((logits.detach().argmax(1) == y).sum()), len(ids)))
            if self._position >= len(self._order):
                self._epochs_done += 1
                self._order, self._position = None, 0
                self._record(full_test=True)
                self._keep_checkpoint()
            elif before // record_every != self._position // record_every:
                self._record(full_test=False)
        self.version += 1

    def _record(self, full_test: bool) -> None:
        loss_sum = sum(r[0] for r in self._recent)
        correct = sum(r[1] for r in self._recent)
        n = sum(r[2] for r in self._recent) or 1
        self._recent = []
        limit = None if full_test else 1000
        test_loss, test_accuracy = self.evaluate(self.data.test_images, self.data.test_labels, limit=limit)
        self.history.append(HistoryRow(round(self.epoch, 3), self.examples, loss_sum / n, correct / n,
                                       test_loss, test_accuracy))

    def _keep_checkpoint(self) -> None:
        state = {name: t.detach().clone() for name, t in self.model.state_dict().items()}
        epoch = self._epochs_done
        kept = [*self.checkpoints, Checkpoint(epoch, state, float(self.optimizer.param_groups[0]["lr"]))]
        while True:
            stride = self._checkpoint_stride
            kept = [c for c in kept[:-1] if c.epoch % stride == 0] + kept[-1:]
            if len(kept) <= MAX_CHECKPOINTS:
                break
            self._checkpoint_stride *= 2
        self.checkpoints = kept

    # ------------------------------------------------------------------ evaluation

    @torch.no_grad()
    def logits(self, images: torch.Tensor, batch: int = 1000) -> torch.Tensor:
        self.model.eval()
        return torch.cat([self.model(self._inputs(images[i : i + batch])) for i in range(0, len(images), batch)])

    def evaluate(self, images: torch.Tensor, labels: torch.Tensor, limit: int | None = None) -> tuple[float, float]:
        """(mean loss, accuracy) on a set (its first `limit` items)."""
        if limit is not None:
            images, labels = images[:limit], labels[:limit]
        if len(labels) == 0:
            return float("nan"), float("nan")
        z = self.logits(images)
        return float(self.loss_fn(z, labels)), float((z.argmax(1) == labels).float().mean())

    def probabilities(self, images_uint8: np.ndarray) -> np.ndarray:
        """(n, classes) class probabilities for (n, 28, 28) uint8 images."""
        images = torch.from_numpy(np.ascontiguousarray(images_uint8, dtype=np.uint8).reshape(-1, 28, 28))
        return torch.softmax(self.logits(images), dim=1).numpy()

    def continue_for(self, epochs: int) -> None:
        """Allow `epochs` more epochs (e.g. after adding drawings), keeping the weights."""
        self.config = replace(self.config, epochs=self._epochs_done + epochs)

    # ------------------------------------------------------------------ saved and restored (digits.network_file)

    def progress_state(self) -> dict:
        """Where training stands beyond the weights, as plain values and tensors: enough for a restored
        trainer to go on exactly as this one would (the epoch's shuffled order and the shuffling state)."""
        return {"examples": int(self.examples), "seconds": float(self.seconds), "epochs_done": int(self._epochs_done),
                "position": int(self._position) if self._order is not None else 0,
                "order": None if self._order is None else self._order.to(torch.int32),
                "order_sizes": [int(n) for n in self._order_sizes], "train_examples": len(self.data.train_labels),
                "generator": self.generator.get_state(),
                "recent": torch.tensor(self._recent, dtype=torch.float64).reshape(-1, 3)}

    def restore_progress(self, state: dict) -> None:
        """Go on from a progress_state that digits.network_file has checked against this trainer's data."""
        self.data = self.data.limited(state["train_examples"])
        self.examples, self.seconds, self._epochs_done = state["examples"], state["seconds"], state["epochs_done"]
        order = state["order"]
        self._order = None if order is None else order.to(torch.int64)
        self._position = state["position"] if order is not None else 0
        self._order_sizes = tuple(state["order_sizes"])
        self.generator.set_state(state["generator"])
        self._recent = [(float(a), float(b), int(c)) for a, b, c in state["recent"].tolist()]
