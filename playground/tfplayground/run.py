"""One learner's Playground: the data, the network, its training and its loss history (no UI).

It follows TensorFlow Playground's semantics: the seed makes the data, and the network's first weights
come from the same random stream right after it; each later reset continues that stream. We also count
how many numbers earlier networks took from the stream (`initDraws`), so a shared link rebuilds the
very network a learner last reset to.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np

from playground.engine2d.features import feature_matrix, ordered
from playground.engine2d.network import Network2D, TrainSettings, head_for
from playground.render.points import EXTENT
from playground.tfplayground.settings import MAX_INIT_DRAWS, PlaygroundSettings
from playground.toydata import generators, learner_csv
from playground.toydata.generators import Data2D
from playground.toydata.seedrandom import SeedRandom


class LossHistory:
    """Train and test loss by epoch, for the chart. Bounded: when full it keeps every other point, so
    hours of playing keep memory flat while the curve keeps its shape."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self.rows = np.empty((capacity, 3))  # epoch, train loss, test loss
        self.n = 0

    def append(self, epoch: int, train: float, test: float) -> None:
        if self.n and self.rows[self.n - 1, 0] == epoch:  # same epoch again (e.g. after an edit)
            self.rows[self.n - 1] = (epoch, train, test)
            return
        if self.n == self.capacity:
            kept = self.rows[: self.n : 2].copy()
            self.n = kept.shape[0]
            self.rows[: self.n] = kept
        self.rows[self.n] = (epoch, train, test)
        self.n += 1

    def clear(self) -> None:
        self.n = 0

    def table(self) -> np.ndarray:
        return self.rows[: self.n]


@dataclass
class Scores:
    """How the network does now: TF's losses, plus accuracy (classes) or RMSE (regression)."""

    train_loss: float
    test_loss: float
    train_metric: float  # accuracy in 0..1 for classification, RMSE for regression
    test_metric: float
    metric_name: str  # "accuracy" or "RMSE"


MAX_ADDED_POINTS = 1000  # points a learner may click onto the picture (each click re-reads them all)


@dataclass
class AddedPoints:
    """Points a learner clicked onto the output picture (training points)."""

    xy: list[tuple[float, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)


class PlaygroundRun:
    """Data + network + training state for the current settings."""

    def __init__(self, settings: PlaygroundSettings, uploaded: Data2D | None = None) -> None:
        self.settings = copy.deepcopy(settings)
        self.uploaded = uploaded
        self.added = AddedPoints()
        self.points_cleared = False  # the learner removed the generated points
        self.epoch = 0
        self.history = LossHistory()
        self._make_data()
        self.reset_network(continue_stream=False)

    # ------------------------------------------------------------------ data

    def _make_data(self) -> None:
        s = self.settings
        if self.uploaded is not None:
            self.base = self.uploaded
            self._stream_start = SeedRandom(s.seed)
        else:
            name = s.current_dataset()
            n_classes = s.numClasses if name in generators.MULTICLASS_DATASETS else None
            self.base, self._stream_start = generators.make_data(name, s.noise, s.percTrainData, s.seed, n_classes)
        self._refresh_arrays()

    def _refresh_arrays(self) -> None:
        """Training/test arrays from the dataset, the learner's added points and the enabled features."""
        base = self.base
        if self.points_cleared:
            train_x, train_y = np.zeros((0, 2)), base.train_y[:0]
            test_x, test_y = np.zeros((0, 2)), base.test_y[:0]
        else:
            train_x, train_y, test_x, test_y = base.train_x, base.train_y, base.test_x, base.test_y
        if self.added.xy:
            train_x = np.concatenate([train_x, np.asarray(self.added.xy, dtype=np.float64)])
            train_y = np.concatenate([train_y, np.asarray(self.added.labels, dtype=train_y.dtype)])
        self.train_x, self.train_y, self.test_x, self.test_y = train_x, train_y, test_x, test_y
        features = self.features
        self.train_features = feature_matrix(train_x, features)
        self.test_features = feature_matrix(test_x, features)

    @property
    def features(self) -> tuple[str, ...]:
        return ordered(self.settings.features)

    @property
    def problem(self) -> str:
        return self.base.problem

    @property
    def n_classes(self) -> int:
        return self.base.n_classes

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.base.class_names

    @property
    def class_count_adjustable(self) -> bool:
        """Whether the learner may choose how many classes the data has (a generated multi-class set)."""
        return (self.uploaded is None and self.settings.problem == "classification"
                and self.settings.current_dataset() in generators.MULTICLASS_DATASETS)

    @property
    def loss_adjustable(self) -> bool:
        """Whether the learner may choose the loss: two classes (TF's squared error, or cross-entropy)."""
        return self.problem == "classification" and self.n_classes == 2

    def points_csv(self) -> bytes:
        """Every point now trained and tested on (the learner's added ones too), as a CSV to download."""
        return learner_csv.data_to_csv(np.concatenate([self.train_x, self.test_x]),
                                       np.concatenate([self.train_y, self.test_y]), self.class_names)

    def add_point(self, x: float, y: float, label: int) -> None:
        """A learner's click on the picture: a new training point of class `label` (kept on reset).

        Raises ValueError, with a sentence for the learner, for a point off the picture or one too many."""
        if self.problem != "classification" or not (0 <= label < self.n_classes):
            raise ValueError("Points can be added to classification data only, with a known class.")
        if not (abs(x) <= EXTENT and abs(y) <= EXTENT):  # NaN fails this too
            raise ValueError(f"A point must lie on the picture, with x and y from −{EXTENT:g} to {EXTENT:g}.")
        if len(self.added.xy) >= MAX_ADDED_POINTS:
            raise ValueError(f"You have added {MAX_ADDED_POINTS:,} points, the most there can be: "
                             "restore the dataset or clear all points to start again.")
        self.added.xy.append((float(x), float(y)))
        self.added.labels.append(int(label))
        self._refresh_arrays()
        self._targets_cache = None

    def clear_points(self) -> None:
        """Remove every point (generated and added), to draw a dataset from scratch."""
        self.points_cleared = True
        self.added = AddedPoints()
        self._refresh_arrays()

    def restore_points(self) -> None:
        """Bring the generated dataset back and forget the added points."""
        self.points_cleared = False
        self.added = AddedPoints()
        self._refresh_arrays()

    # ------------------------------------------------------------------ network

    def reset_network(self, continue_stream: bool = True) -> None:
        """TF's reset: new weights from the random stream, epoch 0, empty loss chart.

        With continue_stream the weights come after those of the previous network, as in TF;
        without, from the position settings.initDraws (a page load or a shared link).
        """
        draws = self.settings.initDraws
        if continue_stream and not self.settings.initZero:
            draws += self._draws_of_last_build
        if not 0 <= draws <= MAX_INIT_DRAWS:  # past what a link may carry: the stream starts over
            draws = 0
        self.settings = s = replace(self.settings, initDraws=draws)
        head = head_for(self.problem, self.n_classes, s.loss)
        n_outputs = self.n_classes if head == "softmax-cross-entropy" else 1
        rng = copy.deepcopy(self._stream_start)
        rng.skip(draws)  # as `draws` calls of rng.random(), in compiled code (also loads it at warm-up)
        self.network = Network2D.build(
            len(self.features), list(s.networkShape), s.hidden_activations(), head, n_outputs,
            random=rng.random, init_zero=s.initZero,
        )
        self._draws_of_last_build = 0 if s.initZero else int(self.network.is_weight.sum())
        self.epoch = 0
        self.history.clear()
        self.record_scores()

    @property
    def train_settings(self) -> TrainSettings:
        s = self.settings
        return TrainSettings(
            learning_rate=s.learningRate, batch_size=s.batchSize, regularization=s.regularization,
            regularization_rate=s.regularizationRate, optimizer=s.optimizer,
        )

    def targets(self, labels: np.ndarray) -> np.ndarray:
        return self.network.targets_for(labels)

    # ------------------------------------------------------------------ training

    def train(self, epochs: int = 1, loss_every_epoch: bool = True) -> None:
        """Train `epochs` epochs; losses go to the history each epoch, or once at the end."""
        net, ts = self.network, self.train_settings
        train_targets = self.targets(self.train_y)
        if not loss_every_epoch:  # all epochs in one compiled call, then the losses once
            net.train_epoch(self.train_features, train_targets, ts, epochs)
            self.epoch += epochs
            if epochs:
                self.record_scores(train_targets)
            return
        for _ in range(epochs):
            net.train_epoch(self.train_features, train_targets, ts)
            self.epoch += 1
            self.record_scores(train_targets)

    def record_scores(self, train_targets: np.ndarray | None = None) -> None:
        net = self.network
        tt = self.targets(self.train_y) if train_targets is None else train_targets
        train = net.loss(self.train_features, tt)
        test = net.loss(self.test_features, self.targets(self.test_y))
        self.history.append(self.epoch, train, test)

    def fingerprint(self, points: np.ndarray | None = None) -> tuple:
        """What results computed from this network depend on: its weights and switched-off links, its input
        features, and `points` (by default its training and test points). A reset, an edited weight, more
        training or new data gives a new key; the same state gives the same key."""
        import hashlib

        if points is None:
            points = np.concatenate([self.train_x, self.test_x])
        digest = hashlib.blake2b(digest_size=16)
        for array in (self.network.params, self.network.alive, np.asarray(points, dtype=np.float64)):
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(",".join(self.features).encode())
        return ("2d", digest.hexdigest())

    def scores(self) -> Scores:
        """Current losses (the last recorded) and accuracy or RMSE on both sets (computed once per state of
        the network: a frame and the stop-at-a-loss check ask for them in turn)."""
        key = (self.epoch, self.network.params.tobytes().__hash__(), len(self.train_y), self.history.n)
        if getattr(self, "_scores_key", None) == key:
            return self._scores
        self._scores_key, self._scores = key, self._compute_scores()
        return self._scores

    def _compute_scores(self) -> Scores:
        rows = self.history.table()
        train_loss, test_loss = (float(rows[-1, 1]), float(rows[-1, 2])) if len(rows) else (0.0, 0.0)
        train_m = self._metric(self.train_features, self.train_y)
        test_m = self._metric(self.test_features, self.test_y)
        name = "RMSE" if self.problem == "regression" else "accuracy"
        return Scores(train_loss, test_loss, train_m, test_m, name)

    def _metric(self, features: np.ndarray, labels: np.ndarray) -> float:
        if features.shape[0] == 0:
            return float("nan")
        shown = self.network.display_output(self.network.node_outputs(features))
        if self.problem == "regression":
            return float(np.sqrt(np.mean((shown - labels) ** 2)))
        predicted = shown.argmax(axis=1) if shown.ndim == 2 else (shown >= 0).astype(np.int64)
        return float(np.mean(predicted == labels))

    # ------------------------------------------------------------------ changes

    def with_settings(self, new: PlaygroundSettings) -> str:
        """Apply changed settings the way TF does; returns what happened: 'live', 'reset' or 'data'.

        Data settings (dataset, noise, ratio, problem, seed, classes) make new data and a new network;
        network settings rebuild the network; the learning rate, optimiser and the view apply live.
        """
        old = self.settings
        data_keys = ("dataset", "regDataset", "problem", "noise", "percTrainData", "seed", "numClasses")
        net_keys = ("activation", "layerActivations", "networkShape", "features", "regularization",
                    "regularizationRate", "batchSize", "initZero", "loss")
        data_changed = any(getattr(old, k) != getattr(new, k) for k in data_keys)
        net_changed = any(getattr(old, k) != getattr(new, k) for k in net_keys)
        self.settings = copy.deepcopy(new)
        if data_changed:
            if old.problem != new.problem or old.current_dataset() != new.current_dataset():
                self.uploaded = None
            self.added, self.points_cleared = AddedPoints(), False
            self.settings = replace(self.settings, initDraws=0)
            self._make_data()
            self.reset_network(continue_stream=False)
            return "data"
        if net_changed:
            if old.features != new.features:
                self._refresh_arrays()
            self.reset_network()
            return "reset"
        return "live"

    def regenerate(self, seed: str) -> None:
        """TF's Regenerate: new points from a new seed; the network keeps what it learned."""
        self.settings = replace(self.settings, seed=seed, initDraws=0)
        self.uploaded = None
        self.added, self.points_cleared = AddedPoints(), False
        self._make_data()
        self.record_scores()

    def use_uploaded(self, data: Data2D) -> None:
        """Train on a learner's CSV instead of a generated dataset."""
        self.uploaded = data
        self.settings = replace(self.settings, problem="classification", initDraws=0)
        self.added, self.points_cleared = AddedPoints(), False
        self._make_data()
        self.reset_network(continue_stream=False)
