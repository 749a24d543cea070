"""Meet the data without the page: the dataset names, a learner's CSV (a bad file keeps the good data), the
class counts and the points to download."""

from __future__ import annotations

import numpy as np

from playground.toydata import generators
from playground.toydata.learner_csv import parse_learner_csv
from playground.toydata.lesson import DATASETS, DEFAULT_SEED, DataLesson, class_counts, dataset_csv

GOOD = b"x,y,label\n1,2,3\n3,4,5\n-1,0,3\n2,-2,5\n"


def test_every_dataset_has_one_name_and_regression_ones_say_so_in_a_mixed_list() -> None:
    assert set(DATASETS) == set(generators.DATASET_LABELS) and len(DATASETS) == 8
    assert DATASETS[:4] == generators.CLASSIFY_DATASETS  # TF's order first
    assert generators.dataset_label("xor") == "XOR"
    assert generators.dataset_label("spiral3") == "Spirals"  # 2 to 6 arms: no number in its name
    assert generators.dataset_label("reg-gauss") == "Bumps"
    assert generators.dataset_label("reg-gauss", with_problem=True) == "Bumps (regression)"
    assert generators.dataset_label("circle", with_problem=True) == "Circle"


def test_a_bad_file_keeps_the_last_good_one_and_says_why() -> None:
    lesson = DataLesson()
    lesson.open_csv("good.csv", GOOD, max_bytes=1 << 20)
    good = lesson.upload
    assert good is not None and good.class_names == ("3", "5")
    assert (lesson.upload_name, lesson.upload_error, lesson.upload_rejected_name) == ("good.csv", "", "")
    lesson.open_csv("broken.csv", b"x,y,label\n1,2,0\n3,oops,1\n4,5,1\n6,7,0\n", max_bytes=1 << 20)
    assert lesson.upload is good and lesson.upload_name == "good.csv"
    assert "oops" in lesson.upload_error and lesson.upload_rejected_name == "broken.csv"
    lesson.open_csv("good.csv", GOOD, max_bytes=1 << 20)  # a good file again clears the message
    assert lesson.upload_error == "" and lesson.upload_rejected_name == ""
    lesson.open_csv("big.csv", GOOD, max_bytes=10)
    assert lesson.upload_error and lesson.upload_rejected_name == "big.csv"


def test_regenerate_draws_a_new_seed() -> None:
    lesson = DataLesson()
    assert lesson.seed == DEFAULT_SEED
    lesson.regenerate()
    assert lesson.seed != DEFAULT_SEED


def test_class_counts_and_the_points_to_download() -> None:
    assert class_counts(4, np.array([0, 1, 1]), np.array([3])).tolist() == [1, 2, 0, 1]
    assert class_counts(3, np.array([2, 2], dtype=np.uint8)).tolist() == [0, 0, 2]
    data, _ = generators.make_data("spiral3", 0, 50, DEFAULT_SEED, n_classes=4)
    back = parse_learner_csv(dataset_csv(data), max_bytes=1 << 20, seed=DEFAULT_SEED)
    assert len(back.train_y) + len(back.test_y) == len(data.train_y) + len(data.test_y)
    counts = class_counts(back.n_classes, back.train_y, back.test_y)
    assert sorted(counts.tolist()) == sorted(class_counts(4, data.train_y, data.test_y).tolist())
