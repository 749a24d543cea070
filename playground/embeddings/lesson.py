"""One learner's embeddings lesson (no Streamlit): which network, points and layer; the projections in
progress (a t-SNE that can pause and go on); the selected point; recorded training snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.digits.pictures import ink_on_paper
from playground.embeddings.data import TrainingSnapshots
from playground.embeddings.projections import TSNE
from playground.keyed_results import KeyedResults
from playground.render.png import data_uri, encode_png
from playground.training_driver import TrainingRun


@dataclass
class EmbeddingLesson:
    source: str = "digits"  # "digits" (the MNIST lesson's network) or "playground" (the 2D network)
    n_points: int = 1000
    layer: str | int | None = None
    method: str = "pca"  # "pca", "tsne" or "umap"
    perplexity: float = 30.0
    learning_rate: float | str = "auto"
    n_iter: int = 1000
    tsne: TSNE | None = None
    tsne_key: tuple = ()
    tsne_running: bool = False
    selected: int | None = None  # index into the shown points
    snapshots: TrainingSnapshots | None = None
    recorder: object | None = None  # the trainer that records snapshots
    recording: bool = False
    recorder_run: TrainingRun = field(default_factory=TrainingRun)  # the recorder's run (a class limits it)
    snapshot_key: tuple = ()
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)

    def cached(self, name: str, key: tuple, compute):
        """A result for one state of the model and settings (`key`), recomputed when it changes."""
        return self.results.get(name, key, compute)

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


def digit_thumbnails(images_uint8: np.ndarray) -> list[str]:
    """Small PNG data URIs of digits (dark ink on white), for hover tooltips."""
    return [data_uri(encode_png(ink_on_paper(image), compress_level=6)) for image in images_uint8]
