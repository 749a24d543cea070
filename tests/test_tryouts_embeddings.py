"""Every 'Try this' claim of the Embeddings lesson, checked with its set-up's fixed settings: the set-up is
applied to a fresh lesson state, the projection or recording the text describes runs here (no server) on the
page's sample of digits, and the test asserts what the text promises — for the quick network (one epoch of
the default MLP, seed 0, on MNIST-5k: what the page trains when the learner has none) and, where the text
names it, the same MLP trained for 10 epochs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from playground.classroom.server_load import TrainingSlots
from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SPECS
from playground.digits.training import DigitTensors, DigitTrainer
from playground.embeddings import data as ed
from playground.embeddings import recording
from playground.embeddings import sample as es
from playground.embeddings.lesson import EmbeddingLesson, View, default_layer
from playground.embeddings.projections import TSNE
from playground.embeddings.tryouts import TRYOUTS
from playground.training_driver import Outcome, TrainingLimits, run_training
from playground.tryouts import by_key
from tests.digit_networks import mnist5k_tensors, quick_network, trained

SEED = 0  # the page's seed for the sample and the projections


@pytest.fixture(scope="module")
def data() -> DigitTensors:
    return mnist5k_tensors()


@pytest.fixture(scope="module")
def quick() -> DigitTrainer:
    return quick_network()


def set_up(key: str) -> EmbeddingLesson:
    lesson = EmbeddingLesson()
    by_key(TRYOUTS, key).set_up(lesson)
    assert lesson.source == "digits" and lesson.n_points == 1000
    return lesson


def page_sample(trainer: DigitTrainer, lesson: EmbeddingLesson) -> es.DigitSample:
    """The digits the page shows for the lesson's settings (as lessons/embeddings.py draws them)."""
    t = trainer.data
    return es.digit_sample(t.test_images.numpy(), t.test_labels.numpy(), t.train_images.numpy(),
                           t.train_labels.numpy(), lesson.n_points, seed=SEED)


def shown_layer(trainer: DigitTrainer, lesson: EmbeddingLesson) -> str:
    return lesson.keep_layer([key for key, _ in ed.digit_layers(trainer.model)])


def test_every_tryout_has_a_set_up_and_a_test() -> None:
    keys = [t.key for t in TRYOUTS]
    assert keys == ["layers-knn", "tsne-perplexity", "wrong-neighbours", "across-training"]
    assert all(t.set_up is not None for t in TRYOUTS)
    for key in keys:
        assert f"test_{key.replace('-', '_')}" in globals()


def knn_by_layer(trainer: DigitTrainer, sample: es.DigitSample) -> dict[str, float]:
    """The k-NN accuracy 'Layers side by side' shows under each layer, in percent as the page rounds it."""
    return {layer: round(100 * ed.knn_accuracy(ed.digit_representations(trainer, sample.images, layer),
                                               sample.labels, k=5, seed=SEED))
            for layer, _ in ed.digit_layers(trainer.model)}


def test_layers_knn(data: DigitTensors, quick: DigitTrainer) -> None:
    lesson = set_up("layers-knn")
    assert lesson.view == View.SIDE_BY_SIDE
    sample = page_sample(quick, lesson)
    hidden = shown_layer(quick, lesson)
    assert hidden == "dense1"
    now = knn_by_layer(quick, sample)
    assert (now["input"], now[hidden]) == (88, 89)  # barely moves
    longer = trained(DigitTrainer(DEFAULT_SPECS["mlp"], replace(DEFAULT_CONFIGS["mlp"], epochs=10), data))
    later = knn_by_layer(longer, sample)
    assert (later["input"], later[hidden]) == (88, 93)


def clumps(layout: np.ndarray, labels: np.ndarray | None = None, reach: float = 0.1, smallest: int = 5) -> list[int]:
    """The separate groups of a layout: points closer than `reach` times the layout's root-mean-square radius
    are linked, and each connected set of at least `smallest` points is a group. Per digit when `labels` are
    given (how many groups each digit's points fall into, linked only among themselves), else [all groups]."""
    centred = layout - layout.mean(axis=0)
    link = reach * float(np.sqrt(np.mean(np.sum(centred**2, axis=1))))
    counts = []
    for members in ([np.arange(len(layout))] if labels is None else [np.flatnonzero(labels == c)
                                                                      for c in np.unique(labels)]):
        pairs = cKDTree(layout[members]).query_pairs(link, output_type="ndarray")
        n = len(members)
        graph = scipy.sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, group = connected_components(graph, directed=False)
        counts.append(int(np.sum(np.bincount(group) >= smallest)))
    return counts


def test_tsne_perplexity(quick: DigitTrainer) -> None:
    lesson = set_up("tsne-perplexity")
    assert (lesson.view, lesson.method, lesson.perplexity) == (View.PROJECT, "tsne", 2.0)
    sample = page_sample(quick, lesson)
    reps = ed.digit_representations(quick, sample.images, shown_layer(quick, lesson))
    layouts = {}
    for perplexity in (lesson.perplexity, 50.0):
        lesson.perplexity = perplexity
        tsne = TSNE(reps, perplexity=lesson.perplexity_for(len(reps)), learning_rate=lesson.learning_rate, seed=SEED,
                    n_iter=lesson.n_iter)
        layouts[perplexity] = tsne.step(lesson.n_iter)
    small, large = layouts[2.0], layouts[50.0]
    assert clumps(small)[0] >= 40 and clumps(large)[0] <= 15  # dozens of tiny clumps, against a few groups
    assert min(clumps(small, sample.labels)) >= 5  # each digit spread over many clumps
    assert max(clumps(large, sample.labels)) <= 3 and np.mean(clumps(large, sample.labels)) <= 2  # one or two


def test_wrong_neighbours(quick: DigitTrainer) -> None:
    lesson = set_up("wrong-neighbours")
    assert (lesson.view, lesson.method, lesson.colour_by) == (View.PROJECT, "pca", "right/wrong")
    sample = page_sample(quick, lesson)
    reps = ed.digit_representations(quick, sample.images, shown_layer(quick, lesson))
    read_as = quick.probabilities(sample.images).argmax(axis=1)
    wrong = np.flatnonzero(read_as != sample.labels)
    assert len(wrong) > 50
    own, theirs = [], []
    for i in wrong:  # the neighbours panel's defaults: 10 neighbours, cosine distance
        near, _ = ed.nearest_neighbours(reps, int(i), k=10, metric="cosine")
        own.append(np.mean(sample.labels[near] == sample.labels[i]))
        theirs.append(np.mean(sample.labels[near] == read_as[i]))
    both = np.mean(own) + np.mean(theirs)
    assert 0.75 <= both <= 0.85  # 8 of 10 on average
    assert np.mean(own) >= 0.25 and np.mean(theirs) >= 0.25  # both classes are there: where the two meet


def test_across_training(quick: DigitTrainer) -> None:
    lesson = set_up("across-training")
    assert (lesson.view, lesson.record_epochs, lesson.snapshots_per_epoch) == (View.ACROSS_TRAINING, 3, 4)
    sample = page_sample(quick, lesson)
    layers = [key for key, _ in ed.digit_layers(quick.model)]
    limits = TrainingLimits()
    rec = lesson.start_recording(quick, sample.images, sample.labels, default_layer(layers), lesson.record_epochs,
                                 limits)
    slots = TrainingSlots(1)
    outcome = recording.record(rec, lesson.snapshots, lesson.snapshots_per_epoch, lambda target: run_training(
        rec, lesson.recorder_run, "learner", limits, until_epoch=target, slots=slots, pause=0))
    assert outcome is Outcome.FINISHED
    knn = {s.epoch: round(100 * ed.knn_accuracy(s.reps, sample.labels, k=5, seed=SEED))
           for s in lesson.snapshots.snapshots}
    epochs = sorted(knn)
    assert epochs[0] == 0.0 and epochs[-1] == 3.0 and 1.0 in knn
    assert (knn[0.0], knn[1.0], knn[3.0]) == (85, 89, 91)
    assert knn[1.0] - knn[0.0] > knn[3.0] - knn[1.0]  # most of the rise in the first epoch
