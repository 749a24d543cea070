"""Data chosen on 'Meet the data' reach the learner's Playground (PlaygroundLesson.use_toy_data, use_points):
the same points the learner looked at, the network they had, and bad values get notices, not exceptions."""

from __future__ import annotations

import numpy as np

from playground.paths import DATASETS_DIR
from playground.tfplayground.lesson import PlaygroundLesson
from playground.toydata import generators
from playground.toydata.lesson import DataLesson


def _playground() -> PlaygroundLesson:
    lesson = PlaygroundLesson.from_query({"networkShape": "5,3", "activation": "relu", "speed": "slow"})
    lesson.playing, lesson.selected, lesson.add_mode = True, (1, 0), 1
    lesson.sync_widgets = False
    return lesson


def test_a_toy_dataset_arrives_with_the_same_points_and_the_learners_network() -> None:
    lesson = _playground()
    lesson.use_toy_data("spiral", 10, 70, "0.4242")
    run, s = lesson.run, lesson.run.settings
    shown, _ = generators.make_data("spiral", 10, 70, "0.4242")  # what Meet the data drew
    assert np.array_equal(run.train_x, shown.train_x) and np.array_equal(run.test_y, shown.test_y)
    assert (s.dataset, s.noise, s.percTrainData, s.seed) == ("spiral", 10, 70, "0.4242")
    assert (s.networkShape, s.activation, s.speed) == ([5, 3], "relu", "slow")  # the learner's own
    assert not lesson.playing and lesson.selected is None and lesson.add_mode is None
    assert lesson.sync_widgets and lesson.notices == [] and run.epoch == 0


def test_regression_and_many_classes_arrive_as_such() -> None:
    lesson = _playground()
    lesson.use_toy_data("reg-gauss", 0, 50, "s")
    assert (lesson.run.problem, lesson.run.settings.regDataset) == ("regression", "reg-gauss")
    lesson.use_toy_data("blobs", 5, 50, "s", 5)
    assert (lesson.run.problem, lesson.run.n_classes, lesson.run.settings.dataset) == ("classification", 5, "blobs")


def test_bad_values_get_notices_never_an_exception() -> None:
    lesson = _playground()
    lesson.use_toy_data("[x](//evil.example)", 999, 55, "x" * 500, 99)
    s = lesson.run.settings
    assert (s.dataset, s.noise, s.percTrainData) == ("circle", 0, 50)
    notices = " ".join(lesson.notices)
    assert "noise" in notices and "percTrainData" in notices and "numClasses" in notices and "seed" in notices
    assert "](" not in notices  # a value is quoted as the text it is


def test_a_checked_csv_arrives_with_its_split() -> None:
    data = DataLesson()
    data.open_csv("two-moons.csv", (DATASETS_DIR / "samples" / "two-moons.csv").read_bytes(), 10**6)
    assert data.upload is not None and data.upload_error == ""
    lesson = _playground()
    lesson.use_points("[two](//evil.example).csv", data.upload)
    run = lesson.run
    assert run.uploaded is data.upload and run.problem == "classification"
    assert np.array_equal(run.train_x, data.upload.train_x) and np.array_equal(run.test_x, data.upload.test_x)
    assert run.settings.networkShape == [5, 3] and run.epoch == 0
    assert not lesson.playing and lesson.selected is None and lesson.add_mode is None and lesson.sync_widgets
    assert "](" not in lesson.message and "two" in lesson.message
