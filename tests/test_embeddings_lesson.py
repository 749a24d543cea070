"""The Embeddings lesson's state and the page's logic, in the library: its views, the default layer and the
selected point, the progressive t-SNE (a few iterations per picture, pause, restart), the sample of points,
the cache keys, the scatter's table and coordinates, and the recorder's snapshot schedule (through the
training driver)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.classroom.server_load import TrainingSlots
from playground.digits.models import ModelSpec
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.embeddings import keys, recording, sample, scatter
from playground.embeddings.data import sample_indices
from playground.embeddings.lesson import EmbeddingLesson, View, default_layer, digit_thumbnails
from playground.training_driver import Outcome, TrainingLimits, TrainingRun, run_training


def random_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10


@pytest.fixture(scope="module")
def tensors() -> DigitTensors:
    (train_images, train_labels), (test_images, test_labels) = random_digits(96, 1), random_digits(40, 2)
    return DigitTensors.from_arrays(train_images, train_labels, test_images, test_labels)


# ------------------------------------------------------------------------------------------ the lesson


def test_the_views_in_their_order() -> None:
    assert [str(view) for view in View] == ["Project a layer", "Layers side by side", "Across training"]
    assert View("Across training") is View.ACROSS_TRAINING and View.PROJECT == "Project a layer"


def test_the_layer_shown_first_is_the_last_hidden_one_and_a_choice_stays_while_the_network_has_it() -> None:
    assert default_layer(["input", "dense1", "dense2", "logits"]) == "dense2"
    assert default_layer(["input", "logits"]) == "logits" and default_layer([0, 1, 2]) == 1
    lesson = EmbeddingLesson()
    assert lesson.keep_layer(["input", "dense1", "logits"]) == "dense1" == lesson.layer
    lesson.layer = "input"
    assert lesson.keep_layer(["input", "dense1", "logits"]) == "input"
    assert lesson.keep_layer([0, 1, 2, 3]) == 2  # another network (the Playground's): its default


def test_the_selected_point_counts_only_while_it_is_shown() -> None:
    lesson = EmbeddingLesson()
    assert lesson.selection(10) is None
    lesson.selected = 9
    assert lesson.selection(10) == 9 and lesson.selection(9) is None  # a smaller sample has lost it
    lesson.selected = 0
    assert lesson.selection(1) == 0


def test_kept_results_follow_their_key() -> None:
    lesson, calls = EmbeddingLesson(), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert lesson.cached("pca", (1,), compute) == 1 and lesson.cached("pca", (1,), compute) == 1
    assert lesson.cached("pca", (2,), compute) == 2 and len(calls) == 2


# ------------------------------------------------------------------------------------------------ t-SNE


def test_a_tsne_is_kept_while_its_settings_stay_and_starts_running() -> None:
    reps = np.random.default_rng(0).normal(size=(30, 4))
    lesson = EmbeddingLesson(n_iter=250)
    tsne = lesson.tsne_for(("a",), reps, seed=0)
    assert lesson.tsne_running and lesson.tsne_for(("a",), reps, seed=0) is tsne
    lesson.toggle_tsne()
    assert not lesson.tsne_running
    assert lesson.tsne_for(("b",), reps, seed=0) is not tsne and lesson.tsne_running  # new settings: a new one
    lesson.restart_tsne()
    assert lesson.tsne is None and lesson.tsne_for(("b",), reps, seed=0).iteration == 0


def test_a_running_tsne_redraws_every_25_iterations_until_done() -> None:
    lesson = EmbeddingLesson(n_iter=250)
    tsne = lesson.tsne_for(("a",), np.random.default_rng(0).normal(size=(30, 4)), seed=0)
    shown = []
    assert lesson.advance_tsne(lambda t: shown.append(t.iteration), lambda: False, pause=0)
    assert shown == list(range(25, 251, 25)) and tsne.done and not lesson.tsne_running
    assert not lesson.advance_tsne(lambda t: shown.append(t.iteration), lambda: False, pause=0)  # done: nothing
    assert len(shown) == 10


def test_a_click_or_a_pause_stops_the_tsne_between_pictures() -> None:
    lesson = EmbeddingLesson(n_iter=250)
    tsne = lesson.tsne_for(("a",), np.random.default_rng(0).normal(size=(30, 4)), seed=0)
    shown = []
    # a click on the page: the loop ends after this picture, the t-SNE goes on at the next page run
    assert not lesson.advance_tsne(lambda t: shown.append(t.iteration), lambda: True, pause=0)
    assert shown == [25] and lesson.tsne_running and not tsne.done
    lesson.toggle_tsne()  # Pause
    assert not lesson.advance_tsne(lambda t: shown.append(t.iteration), lambda: False, pause=0)
    assert shown == [25] and tsne.iteration == 25
    assert not EmbeddingLesson().advance_tsne(lambda t: None, lambda: False)  # no t-SNE yet


# ---------------------------------------------------------------------------------------------- samples


def test_a_digit_sample_takes_test_digits_first_then_training_digits() -> None:
    (train_images, train_labels), (test_images, test_labels) = random_digits(96, 1), random_digits(40, 2)
    small = sample.digit_sample(test_images, test_labels, train_images, train_labels, 20, seed=0)
    pick = sample_indices(test_labels, 20, seed=0)
    assert (small.n_test, small.n_train, len(small)) == (20, 0, 20)
    assert np.array_equal(small.images, test_images[pick]) and np.array_equal(small.labels, test_labels[pick])
    assert np.bincount(small.labels).tolist() == [2] * 10  # stratified
    large = sample.digit_sample(test_images, test_labels, train_images, train_labels, 100, seed=0)
    extra = sample_indices(train_labels, 60, seed=0)
    assert (large.n_test, large.n_train, len(large)) == (40, 60, 100)
    assert np.array_equal(large.images[:40], test_images) and np.array_equal(large.images[40:], train_images[extra])
    assert np.array_equal(large.labels[40:], train_labels[extra])
    everything = sample.digit_sample(test_images, test_labels, train_images, train_labels, 5000, seed=0)
    assert (everything.n_test, everything.n_train) == (40, 96)
    again = sample.digit_sample(test_images, test_labels, train_images, train_labels, 100, seed=0)
    assert np.array_equal(again.images, large.images)  # seeded


def test_the_playground_points_and_what_the_network_reads_in_them() -> None:
    from playground.adversarial.attacks2d import predict_2d
    from playground.tfplayground.run import PlaygroundRun
    from playground.tfplayground.settings import PlaygroundSettings

    run = sample.default_run()
    assert sample.can_project(run) and run.settings.dataset == "spiral" and run.epoch == 400
    assert run.features == ("x", "y", "sinX", "sinY") and run.settings.networkShape == [8, 8, 2]
    points, labels, predicted = sample.playground_points(run)
    n_train = len(run.train_x)
    assert np.array_equal(points[:n_train], run.train_x) and np.array_equal(points[n_train:], run.test_x)
    assert labels.dtype == np.int64 and np.array_equal(labels[:n_train], run.train_y)
    assert np.array_equal(predicted, predict_2d(run, points)[0])
    assert np.mean(predicted == labels) > 0.6  # a trained network reads most of the spiral
    assert not sample.can_project(PlaygroundRun(PlaygroundSettings(problem="regression")))
    blobs = PlaygroundRun(PlaygroundSettings(dataset="blobs", networkShape=[4]))  # three classes: softmax
    blob_points, _, read = sample.playground_points(blobs)
    assert len(blobs.class_names) == 3 and np.array_equal(read, predict_2d(blobs, blob_points)[0])


# ------------------------------------------------------------------------------------------------- keys


def test_the_model_keys_change_with_more_training_or_another_sample(tensors) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(8,)), TrainConfig(epochs=1, batch_size=32), tensors)
    before = keys.digit_model(trainer, 1000)
    assert keys.digit_model(trainer, 1000) == before and keys.digit_model(trainer, 500) != before
    trainer.train_slice(0.001)
    assert keys.digit_model(trainer, 1000) != before
    run = sample.default_run()
    at_400 = keys.playground_model(run, 500)
    run.train(1, loss_every_epoch=False)
    assert keys.playground_model(run, 500) != at_400
    assert keys.thumbnails("mnist5k", 1000) != keys.thumbnails("fashion", 1000)


def test_a_projection_key_names_exactly_the_points_projected() -> None:
    model = ("digits", (1, 0), 10)
    a, b = np.zeros(10, dtype=bool), np.zeros(10, dtype=bool)
    a[[0, 1, 2, 3, 4, 8]] = True
    b[[0, 1, 2, 3, 4, 9]] = True  # as many points and the same first five: another selection all the same
    assert keys.pca(model, a) != keys.pca(model, b) and keys.pca(model, a) == keys.pca(model, a.copy())
    assert keys.umap(model, "dense1", 15, 0.1, a) != keys.umap(model, "dense1", 15, 0.1, b)
    assert keys.umap(model, "dense1", 15, 0.1, a) != keys.umap(model, "dense1", 16, 0.1, a)
    tsne = keys.tsne(model, "dense1", 30.0, "auto", 1000, a)
    assert tsne == keys.tsne(model, "dense1", 30.0, "auto", 1000, a.copy())
    assert tsne != keys.tsne(model, "dense1", 30.0, 200, 1000, a) != keys.tsne(model, "dense1", 30.0, "auto", 1000, b)
    assert keys.pca(model, np.ones(10, dtype=bool)) != keys.pca(model, np.ones(11, dtype=bool))


# ---------------------------------------------------------------------------------------------- scatter


def test_the_scatters_table_of_points() -> None:
    coords = np.arange(8.0).reshape(4, 2)
    labels, predicted = np.array([0, 1, 2, 1]), np.array([0, 2, 2, 1])
    keep = np.array([True, True, False, True])
    frame = scatter.points_table(coords, labels, predicted, ("zero", "one", "two"), keep, ["a", "b", "c", "d"])
    assert list(frame.columns) == ["x", "y", "idx", "label", "read as", "right", "image"]
    assert frame["idx"].tolist() == [0, 1, 3] and frame["x"].tolist() == [0.0, 2.0, 6.0]
    assert frame["label"].tolist() == ["zero", "one", "one"] and frame["read as"].tolist() == ["zero", "two", "one"]
    assert frame["right"].tolist() == ["right", "wrong", "right"] and frame["image"].tolist() == ["a", "b", "d"]
    assert "image" not in scatter.points_table(coords, labels, predicted, ("0", "1", "2"), keep).columns
    assert scatter.COLOUR_FIELDS == {"true label": "label", "predicted label": "read as", "right/wrong": "right"}


def test_the_points_shown_projected_and_placed() -> None:
    near = np.array([4, 1])
    assert scatter.isolated(6, 2, near).tolist() == [False, True, True, False, True, False]
    keep = np.array([True, False, True])
    assert scatter.projected(keep, isolate=True).tolist() == [True, False, True]
    assert scatter.projected(keep, isolate=False).tolist() == [True, True, True]  # hiding a class moves no point
    placed = scatter.placed(keep, np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert placed.tolist() == [[1.0, 2.0], [0.0, 0.0], [3.0, 4.0]]
    ratios = np.array([0.5, 0.3, 0.1])
    assert scatter.explained(ratios, 0, 1) == pytest.approx(0.8) and scatter.explained(ratios, 2, 2) == pytest.approx(0.1)
    labels = np.array([1, 1, 2, 1, 2])
    assert scatter.neighbour_agreement(labels, 0, np.array([1, 2, 3, 4])) == 0.5


def test_digit_thumbnails_are_png_data_uris() -> None:
    images, _ = random_digits(3, 0)
    thumbs = digit_thumbnails(images)
    assert len(thumbs) == 3 and all(t.startswith("data:image/png;base64,") for t in thumbs)


# -------------------------------------------------------------------------------------- across training


@pytest.mark.parametrize(("epoch", "per_epoch", "after"), [
    (0.0, 4, 0.25), (0.25, 4, 0.5), (0.3, 4, 0.5), (0.25 - 1e-10, 4, 0.5), (0.0, 1, 1.0), (1.0, 2, 1.5),
    (0.49, 2, 0.5), (2.0, 1, 3.0),
])
def test_the_next_snapshot_is_the_next_fraction_of_an_epoch(epoch: float, per_epoch: int, after: float) -> None:
    assert recording.next_snapshot_epoch(epoch, per_epoch) == after


class FakeRecorder:
    """Trains to the epoch it is asked for, or to its last one."""

    def __init__(self, epochs: float) -> None:
        self.epoch, self.epochs, self.asked = 0.0, epochs, []

    def train_until(self, target: float, stop_at: float | None = None) -> Outcome:
        self.asked.append(target)
        if stop_at is not None and target > stop_at:
            self.epoch = stop_at
            return Outcome.STOPPED
        self.epoch = min(target, self.epochs)
        return Outcome.FINISHED if self.epoch >= self.epochs else Outcome.REACHED


class FakeSnapshots:
    def __init__(self, recorder: FakeRecorder) -> None:
        self.recorder, self.epochs = recorder, []

    def capture(self, trainer) -> bool:
        self.epochs.append(trainer.epoch)
        return True


def test_a_recording_takes_a_snapshot_at_each_scheduled_epoch_and_at_the_end() -> None:
    rec = FakeRecorder(epochs=1.5)
    snaps, progress = FakeSnapshots(rec), []
    outcome = recording.record(rec, snaps, 2, rec.train_until, lambda: progress.append(rec.epoch))
    assert outcome is Outcome.FINISHED
    assert rec.asked == [0.5, 1.0, 1.5] and snaps.epochs == [0.5, 1.0, 1.5] and progress == [0.5, 1.0, 1.5]


def test_a_click_pauses_the_recording_without_a_snapshot() -> None:
    rec = FakeRecorder(epochs=2)
    snaps = FakeSnapshots(rec)
    outcome = recording.record(rec, snaps, 4, lambda target: rec.train_until(target, stop_at=0.6))
    assert outcome is Outcome.STOPPED and not outcome.ends_run
    assert snaps.epochs == [0.25, 0.5] and rec.epoch == 0.6  # stopped between snapshots: none taken there
    outcome = recording.record(rec, snaps, 4, rec.train_until)  # the next page run goes on
    assert outcome is Outcome.FINISHED and rec.asked[-6:] == [0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    assert snaps.epochs == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]


def test_a_class_limit_ends_the_recording_with_a_last_snapshot() -> None:
    rec = FakeRecorder(epochs=4)
    snaps = FakeSnapshots(rec)

    def limited(target: float) -> Outcome:
        rec.train_until(min(target, 0.6))
        return Outcome.TIME_LIMIT if target > 0.6 else Outcome.REACHED

    outcome = recording.record(rec, snaps, 2, limited)
    assert outcome is Outcome.TIME_LIMIT and snaps.epochs == [0.5, 0.6]


def test_recording_a_fresh_copy_through_the_training_driver(tensors) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(8,)), TrainConfig(epochs=3, batch_size=8, seed=4), tensors)
    images, labels = random_digits(30, 3)
    lesson = EmbeddingLesson()
    assert lesson.recording_progress() == 0.0
    limits = TrainingLimits(max_epochs=1)
    rec = lesson.start_recording(trainer, images, labels, "dense1", epochs=3, limits=limits)
    assert rec is lesson.recorder and rec is not trainer and lesson.recording
    assert rec.spec == trainer.spec and rec.data is trainer.data and rec.config.epochs == 1  # the class's limit
    assert rec.config.seed == trainer.config.seed and rec.epoch == 0.0
    assert lesson.snapshots.epochs == [0.0] and lesson.snapshots.layer == "dense1"  # before any training
    assert lesson.snapshot_key == ("dense1", 30) and lesson.recorder_run == TrainingRun()
    assert lesson.snapshots.capacity == recording.SNAPSHOT_CAPACITY
    slots = TrainingSlots(1)
    outcome = recording.record(rec, lesson.snapshots, 4, lambda target: run_training(
        rec, lesson.recorder_run, "learner", limits, until_epoch=target, slots=slots, pause=0))
    assert outcome is Outcome.FINISHED and lesson.recording_ran(outcome) and not lesson.recording
    assert lesson.snapshots.epochs == [0.0, 0.25, 0.5, 0.75, 1.0] and lesson.recording_progress() == 1.0
    assert all(s.reps.shape == (30, 8) for s in lesson.snapshots.snapshots)
    lesson.recording = True
    assert not lesson.recording_ran(Outcome.STOPPED) and lesson.recording  # a click: it goes on later
    assert lesson.recording_ran(Outcome.EPOCH_LIMIT) and not lesson.recording
