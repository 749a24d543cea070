"""One learner's embeddings lesson (no Streamlit): the view, which network, points and layer, the projection
and its colours, the recording's settings; the projections in progress (a t-SNE that can pause and go on, a
few iterations per picture); the selected point; the recorder of training snapshots (its start, its
progress, when its run ends)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from playground.digits.pictures import ink_on_paper
from playground.digits.training import DigitTrainer
from playground.embeddings.data import TrainingSnapshots
from playground.embeddings.projections import TSNE
from playground.embeddings.recording import SNAPSHOT_CAPACITY
from playground.keyed_results import KeyedResults
from playground.render.png import data_uri, encode_png
from playground.training_driver import Outcome, TrainingLimits, TrainingRun

TSNE_ITERATIONS_PER_PICTURE = 25  # a running t-SNE redraws its picture after this many iterations
TSNE_PAUSE = 0.01  # seconds between pictures, so that other learners' work gets through


class View(StrEnum):
    """The page's views, in the order of its segmented control."""

    PROJECT = "Project a layer"
    SIDE_BY_SIDE = "Layers side by side"
    ACROSS_TRAINING = "Across training"


@dataclass
class EmbeddingLesson:
    view: View = View.PROJECT
    source: str = "digits"  # "digits" (the MNIST lesson's network) or "playground" (the 2D network)
    n_points: int = 1000
    layer: str | int | None = None
    method: str = "pca"  # "pca", "tsne" or "umap"
    colour_by: str = "true label"  # one of scatter.COLOUR_FIELDS
    perplexity: float = 30.0
    learning_rate: float | str = "auto"
    n_iter: int = 1000
    tsne: TSNE | None = None
    tsne_key: tuple = ()
    tsne_running: bool = False
    selected: int | None = None  # index into the shown points
    record_epochs: int = 2  # across training: how many epochs the recorder trains (a class may allow fewer)
    snapshots_per_epoch: int = 4  # one of recording.PER_EPOCH_CHOICES
    snapshots: TrainingSnapshots | None = None
    recorder: DigitTrainer | None = None  # the trainer that records snapshots
    recording: bool = False
    recorder_run: TrainingRun = field(default_factory=TrainingRun)  # the recorder's run (a class limits it)
    snapshot_key: tuple = ()
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)

    def cached(self, name: str, key: tuple, compute):
        """A result for one state of the model and settings (`key`), recomputed when it changes."""
        return self.results.get(name, key, compute)

    def keep_layer(self, layers: Sequence[str | int]) -> str | int:
        """The chosen layer while the network has it, else the default (see default_layer)."""
        if self.layer not in layers:
            self.layer = default_layer(layers)
        return self.layer

    def selection(self, n_points: int) -> int | None:
        """The selected point, if it is one of the `n_points` shown (a smaller sample may have lost it)."""
        return self.selected if self.selected is not None and self.selected < n_points else None

    # ------------------------------------------------------------------------------------------ t-SNE
    def perplexity_for(self, n: int) -> float:
        """The chosen perplexity, below the number of points (a few isolated points have few neighbours)."""
        return float(min(self.perplexity, max(1.0, (n - 1) / 3)))

    def tsne_for(self, key: tuple, reps: np.ndarray, seed: int) -> TSNE:
        """The t-SNE of these settings: the same object while they stay the same (so it can pause)."""
        if self.tsne is None or self.tsne_key != key:
            self.tsne = TSNE(reps, perplexity=self.perplexity_for(len(reps)), learning_rate=self.learning_rate,
                             seed=seed, n_iter=self.n_iter)
            self.tsne_key, self.tsne_running = key, True
        return self.tsne

    def toggle_tsne(self) -> None:
        """Run ↔ Pause."""
        self.tsne_running = not self.tsne_running

    def restart_tsne(self) -> None:
        """Forget the t-SNE: the next page run starts it again from its first iteration."""
        self.tsne = None

    def advance_tsne(self, show: Callable[[TSNE], object], should_stop: Callable[[], bool],
                     iterations: int = TSNE_ITERATIONS_PER_PICTURE, pause: float = TSNE_PAUSE) -> bool:
        """While the t-SNE runs: `iterations` more, then `show(tsne)`, until it is done or `should_stop()`
        (the page has a click to answer). True when it finished while running: it stops running, and the
        page runs again to show its Run button done."""
        tsne = self.tsne
        if tsne is None:
            return False
        while self.tsne_running and not tsne.done:
            tsne.step(iterations)
            show(tsne)
            if should_stop():
                break
            time.sleep(pause)
        if tsne.done and self.tsne_running:
            self.tsne_running = False
            return True
        return False

    # ------------------------------------------------------------------------------ across training
    def start_recording(self, trainer: DigitTrainer, images: np.ndarray, labels: np.ndarray, layer: str,
                        epochs: int, limits: TrainingLimits) -> DigitTrainer:
        """A fresh copy of `trainer`'s network (same settings, same seed, `epochs` at most the class's limit)
        to train and record, with the first snapshot of `layer` taken before any training."""
        config = replace(trainer.config, epochs=limits.epochs(epochs))
        self.recorder = DigitTrainer(trainer.spec, config, trainer.data)
        self.recorder_run = TrainingRun()
        self.snapshots = TrainingSnapshots(images, labels, layer, capacity=SNAPSHOT_CAPACITY)
        self.snapshots.capture(self.recorder)
        self.recording, self.snapshot_key = True, (layer, len(labels))
        return self.recorder

    def recording_progress(self) -> float:
        """How much of its epochs the recorder has trained, 0 to 1."""
        return self.recorder.fraction_done if self.recorder is not None else 0.0

    def recording_ran(self, outcome: Outcome) -> bool:
        """After the recorder's training: True (and the recording is over) when its run ended; False when the
        page has a click to answer and the recording goes on at its next run."""
        if outcome.ends_run:
            self.recording = False
        return outcome.ends_run


def default_layer(layers: Sequence[str | int]) -> str | int:
    """The layer shown first: the last hidden one (before the outputs), or the outputs of a network without one."""
    return layers[-2] if len(layers) > 2 else layers[-1]


def digit_thumbnails(images_uint8: np.ndarray) -> list[str]:
    """Small PNG data URIs of digits (dark ink on white), for hover tooltips."""
    return [data_uri(encode_png(ink_on_paper(image), compress_level=6)) for image in images_uint8]
