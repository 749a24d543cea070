"""What the Embeddings lesson projects: layers' representations, samples, k-NN numbers and snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from playground.digits.models import ModelSpec, build_model, normalise
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.embeddings.data import (
    TrainingSnapshots,
    aligned_snapshot_projections,
    digit_layers,
    digit_representations,
    knn_accuracy,
    nearest_neighbours,
    planar,
    playground_layers,
    playground_representations,
    procrustes_align,
    sample_indices,
)
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings
from playground.torch_runtime import torch


def random_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n)


@pytest.fixture(scope="module")
def tiny_tensors() -> DigitTensors:
    train_images, train_labels = random_digits(96, seed=1)
    test_images, test_labels = random_digits(32, seed=2)
    return DigitTensors.from_arrays(train_images, train_labels, test_images, test_labels)


def test_nearest_neighbours_match_brute_force() -> None:
    rng = np.random.default_rng(0)
    reps = rng.normal(size=(60, 8)).astype(np.float32)
    reps[5] = 0.0  # a zero vector: at cosine distance 1 from everything
    for index in (7, 5):
        euclid = [np.linalg.norm(reps[i].astype(np.float64) - reps[index]) for i in range(60)]
        norms = np.linalg.norm(reps.astype(np.float64), axis=1)
        products = norms * norms[index]
        cosine = [1.0 - (reps[i] @ reps[index] / products[i] if products[i] else 0.0) for i in range(60)]
        for metric, brute in (("euclidean", euclid), ("cosine", cosine)):
            expected = sorted((d, i) for i, d in enumerate(brute) if i != index)[:6]
            indices, distances = nearest_neighbours(reps, index, k=6, metric=metric)
            assert index not in indices
            np.testing.assert_allclose(distances, [d for d, _ in expected], atol=1e-6)
            assert list(indices) == [i for _, i in expected]
    assert len(nearest_neighbours(reps[:4], 0, k=10)[0]) == 3


def test_knn_accuracy_separated_and_random() -> None:
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 60)
    centres = rng.normal(0.0, 10.0, (10, 16))
    separated = centres[labels] + rng.normal(size=(600, 16))
    assert knn_accuracy(separated, labels) >= 0.99
    shuffled = rng.permutation(labels)
    assert 0.03 <= knn_accuracy(separated, shuffled) <= 0.2  # chance is 0.1
    sampled = knn_accuracy(separated, labels, max_points=200, seed=3)  # scores a stratified sample
    assert sampled >= 0.99


def test_sample_indices_are_stratified_and_seeded() -> None:
    labels = np.repeat(np.arange(4), [500, 300, 150, 50])
    chosen = sample_indices(labels, 100, seed=1)
    assert len(chosen) == 100 and np.all(np.diff(chosen) > 0)
    np.testing.assert_array_equal(np.bincount(labels[chosen]), [50, 30, 15, 5])
    np.testing.assert_array_equal(chosen, sample_indices(labels, 100, seed=1))
    assert not np.array_equal(chosen, sample_indices(labels, 100, seed=2))
    odd = sample_indices(labels, 7, seed=0)
    assert len(odd) == 7 and set(np.bincount(labels[odd], minlength=4)) <= {0, 1, 2, 3, 4}
    np.testing.assert_array_equal(sample_indices(labels, 5000), np.arange(1000))


@pytest.mark.parametrize(("spec", "expected"), [
    (ModelSpec(hidden=(32, 16)), {"input": 784, "dense1": 32, "dense2": 16, "logits": 10}),
    (ModelSpec(kind="cnn", filters=(4, 8), kernel=3),
     {"input": 784, "conv1": 784, "conv2": 392, "logits": 10}),
])
def test_digit_representations_have_the_layer_shapes(spec, expected, tiny_tensors) -> None:
    torch.manual_seed(0)
    model = build_model(spec)
    layers = digit_layers(model)
    assert [name for name, _ in layers] == list(expected)
    images, _ = random_digits(23)
    for name, width in expected.items():
        reps = digit_representations(model, images, name, batch=10)
        assert reps.shape == (23, width) and reps.dtype == np.float32
    np.testing.assert_allclose(digit_representations(model, images, "input"), images.reshape(23, -1) / 255.0,
                               rtol=1e-6)
    with torch.no_grad():
        logits = model(normalise(torch.from_numpy(images))).numpy()
    np.testing.assert_allclose(digit_representations(model, images, "logits"), logits, rtol=1e-5, atol=1e-6)
    trainer = DigitTrainer(spec, TrainConfig(epochs=1), tiny_tensors)  # channels-last inputs for a CNN
    via_trainer = digit_representations(trainer, images, list(expected)[1])
    np.testing.assert_allclose(via_trainer, digit_representations(trainer.model, images, list(expected)[1]),
                               rtol=1e-5, atol=1e-6)
    assert trainer.model.training  # left in the mode it was in
    with pytest.raises(ValueError, match="no layer"):
        digit_representations(model, images, "flatten")


def test_playground_representations() -> None:
    run = PlaygroundRun(PlaygroundSettings(networkShape=[4, 3]))
    run.train(2)
    layers = playground_layers(run)
    assert [layer for layer, _ in layers] == [0, 1, 2, 3]
    points = run.test_x
    widths = [playground_representations(run, points, layer).shape for layer, _ in layers]
    assert widths == [(len(points), 2), (len(points), 4), (len(points), 3), (len(points), 1)]
    np.testing.assert_allclose(playground_representations(run, points, 0), points, rtol=1e-6)
    with pytest.raises(ValueError):
        playground_representations(run, points, 4)


def test_snapshots_stay_bounded_and_start_over_for_a_new_trainer(tiny_tensors) -> None:
    images, labels = random_digits(40, seed=5)
    spec, config = ModelSpec(hidden=(8,)), TrainConfig(epochs=9, batch_size=32)
    trainer = DigitTrainer(spec, config, tiny_tensors)
    snapshots = TrainingSnapshots(images, labels, "dense1", capacity=4)
    assert snapshots.capture(trainer) and not snapshots.capture(trainer)  # nothing new: no snapshot
    while not trainer.finished:
        trainer.train_slice(0.001)  # a batch or a few
        snapshots.capture(trainer)
        assert len(snapshots) <= 4
    epochs = snapshots.epochs
    assert len(epochs) == 4 and epochs[0] == 0.0 and epochs[-1] == 9.0 and np.all(np.diff(epochs) > 0)
    assert all(s.reps.shape == (40, 8) for s in snapshots.snapshots)
    wide = TrainingSnapshots(images, labels, "input", max_dims=20)
    wide.capture(DigitTrainer(spec, config, tiny_tensors))
    assert wide.snapshots[0].reps.shape == (40, 20)
    snapshots.capture(DigitTrainer(spec, config, tiny_tensors))  # a new model: the old frames go
    assert snapshots.epochs == [0.0]


def test_training_stops_at_the_fraction_of_an_epoch_asked_for(tiny_tensors) -> None:
    """The recorder's 'snapshots per epoch': a slice with time to spare ends at the quarter epoch."""
    trainer = DigitTrainer(ModelSpec(hidden=(8,)), TrainConfig(epochs=1, batch_size=8), tiny_tensors)
    epochs = []
    for quarter in (0.25, 0.5, 0.75, 1.0):
        trainer.train_slice(60.0, until_epoch=quarter)
        epochs.append(trainer.epoch)
    assert epochs == [0.25, 0.5, 0.75, 1.0] and trainer.finished


def test_a_one_number_layer_is_drawn_as_a_strip() -> None:
    values = np.linspace(-2, 3, 50)[:, None]
    strip = planar(values, seed=0)
    assert strip.shape == (50, 2) and np.array_equal(strip[:, 0], values[:, 0])
    assert 0 < np.abs(strip[:, 1]).max() <= 0.15 * 5 and np.array_equal(strip, planar(values, seed=0))
    two = np.arange(12.0).reshape(4, 3)
    assert np.array_equal(planar(two), two[:, :2])


def test_aligned_projections_hold_still() -> None:
    rng = np.random.default_rng(0)
    reps = rng.normal(size=(200, 12)) * np.linspace(3, 1, 12)
    rotation, _ = np.linalg.qr(rng.normal(size=(12, 12)))
    frames = aligned_snapshot_projections([reps, reps.copy(), reps @ rotation * 5.0 + 2.0])
    assert all(frame.shape == (200, 2) for frame in frames)
    np.testing.assert_allclose(frames[1], frames[0], atol=1e-12)
    np.testing.assert_allclose(frames[2], frames[0], atol=1e-8)  # turned, scaled, moved: the same picture
    np.testing.assert_allclose(np.mean(np.sum(frames[0] ** 2, axis=1)), 1.0)
    mirrored = frames[0] * [1.0, -1.0]
    np.testing.assert_allclose(procrustes_align(mirrored, frames[0]), frames[0], atol=1e-12)
    with pytest.raises(ValueError):
        aligned_snapshot_projections([reps], method="tsne")


def test_a_tsne_of_a_few_isolated_points_keeps_its_perplexity_below_their_number() -> None:
    from playground.embeddings.lesson import EmbeddingLesson

    lesson = EmbeddingLesson(perplexity=30)
    for n in (2, 3, 11, 40):
        tsne = lesson.tsne_for(("points", n), np.random.default_rng(0).normal(size=(n, 5)), seed=0)
        tsne.step(300)
        assert tsne.embedding.shape == (n, 2) and np.isfinite(tsne.embedding).all()
    assert lesson.perplexity_for(1000) == 30.0
