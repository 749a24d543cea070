"""The digit lessons' state and the training page's logic without the page: what Train does next, the
network the page describes, the learner's drawings, each setting's options and starting values, and the
progress as the page shows it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from playground.classroom.config import ClassLimits
from playground.digits import choices
from playground.digits.lesson import DEFAULT_CONFIGS, DEFAULT_SOURCE, DEFAULT_SPECS, DigitLesson, NextTraining
from playground.digits.mnist import load_mnist5k
from playground.digits.models import (
    FILTER_COUNTS,
    KERNEL_SIZES,
    POOLS,
    ModelSpec,
    SizeLimits,
    build_model,
    count_parameters,
    parameter_frame,
    parameter_table,
)
from playground.digits.progress import NO_VALUE, Throttle, TrainingProgress, history_frame
from playground.digits.training import MAX_EPOCHS, OPTIMIZERS, DigitTensors, DigitTrainer, TrainConfig
from playground.digits.url import BATCH_SIZES, LEARNING_RATES
from playground.render.charts import training_curves


@pytest.fixture(scope="module")
def tensors() -> DigitTensors:
    d = load_mnist5k()
    return DigitTensors.from_arrays(d.train_images[:600], d.train_labels[:600], d.test_images[:200],
                                    d.test_labels[:200])


def small_lesson(**settings) -> DigitLesson:
    return DigitLesson(spec=ModelSpec(hidden=(16,)), config=TrainConfig(epochs=1, batch_size=64), **settings)


def train_out(lesson: DigitLesson) -> None:
    while not lesson.trainer.finished:
        lesson.trainer.train_slice(5.0)


# ------------------------------------------------------------------------------------------------ the lesson


def test_what_train_does_next(tensors) -> None:
    lesson = small_lesson()
    assert lesson.next_training is NextTraining.NEW
    lesson.start(tensors)
    lesson.trainer.train_slice(5.0, until_epoch=0.5)
    lesson.stop()
    assert not lesson.training and lesson.next_training is NextTraining.CONTINUE
    train_out(lesson)
    assert lesson.next_training is NextTraining.AGAIN
    lesson.config = TrainConfig(epochs=1, batch_size=32)  # other settings: a new network
    assert lesson.next_training is NextTraining.NEW
    lesson.config = TrainConfig(epochs=5, batch_size=64)  # more epochs alone is not a new network
    assert lesson.next_training is NextTraining.AGAIN
    lesson.source = "mnist"
    assert lesson.next_training is NextTraining.NEW
    lesson.forget_model()
    assert lesson.trainer is None and lesson.next_training is NextTraining.NEW


def test_train_again_continues_a_finished_network(tensors) -> None:
    lesson = small_lesson()
    lesson.start(tensors)
    train_out(lesson)
    first = lesson.trainer
    lesson.start(tensors)
    assert lesson.trainer is first and not first.finished and first.config.epochs == 2
    assert lesson.training and lesson.run.start_epoch == 1.0


def test_the_page_describes_the_trained_network_or_the_chosen_one(tensors) -> None:
    lesson = small_lesson()
    chosen = lesson.shown_model()
    assert count_parameters(chosen) == 784 * 16 + 16 + 16 * 10 + 10
    lesson.start(tensors)
    assert lesson.shown_model() is lesson.trainer.model
    lesson.spec = ModelSpec(hidden=(32,))
    assert lesson.shown_model() is not lesson.trainer.model
    table = lesson.parameter_table()
    assert [r.name for r in table] == ["flatten", "dense1", "logits"] and table[1].count == 784 * 32 + 32


def test_a_source_that_is_not_here_falls_back_to_the_default() -> None:
    lesson = DigitLesson(source="fashion-mnist")
    lesson.use_available_source(["mnist5k", "fashion-mnist"])
    assert lesson.source == "fashion-mnist"
    lesson.use_available_source(["mnist5k"])
    assert lesson.source == DEFAULT_SOURCE == "mnist5k"


def test_choosing_a_kind_takes_its_defaults_and_keeps_the_seed() -> None:
    lesson = DigitLesson(config=TrainConfig(seed=42, learning_rate=0.1))
    lesson.choose_kind("cnn")
    assert lesson.spec == DEFAULT_SPECS["cnn"] and lesson.config.seed == 42
    assert lesson.config.batch_size == DEFAULT_CONFIGS["cnn"].batch_size == 64 and lesson.config.learning_rate == 1e-3


def test_the_learners_drawings_teach_the_network(tensors) -> None:
    lesson = small_lesson()
    lesson.start(tensors)
    train_out(lesson)
    assert len(lesson.drawings_read_right()) == 0 and lesson.drawing_counts_text(("a",) * 10) == ""
    seven = np.zeros((28, 28), dtype=np.uint8)
    seven[5:8, 6:22] = 255
    seven[8:24, 15:18] = 255
    for label in (7, 7, 1):
        assert lesson.add_drawing(seven, label)
    assert lesson.drawing_counts_text(tuple(f"d{i}" for i in range(10))) == "d1: 1, d7: 2"
    right = lesson.drawings_read_right()
    assert right.dtype == bool and len(right) == 3 and right[0] == right[1]
    probs = lesson.trainer.probabilities(np.stack(lesson.extra.images)).argmax(axis=1)
    assert np.array_equal(right, probs == np.array([7, 7, 1]))

    epoch = lesson.trainer.epoch
    run = lesson.teach_drawings(2)
    assert run.start_epoch == epoch and lesson.trainer.extra is lesson.extra
    assert lesson.trainer.config.epochs == 3 and not lesson.trainer.finished
    train_out(lesson)
    assert lesson.trainer.examples == 3 * 600 + 2 * 3 * lesson.extra.repeats  # the drawings were trained on
    lesson.clear_drawings()
    assert len(lesson.extra) == 0 and lesson.drawing_counts().sum() == 0


def test_results_are_recomputed_once_the_network_trains_on(tensors) -> None:
    lesson = small_lesson()
    lesson.start(tensors)
    lesson.trainer.train_slice(5.0, until_epoch=0.5)
    first = lesson.test_probabilities()
    assert lesson.test_probabilities() is first  # cached
    assert lesson.responses("dense1").shape == (200, 16)
    train_out(lesson)
    assert lesson.test_probabilities() is not first
    lesson.forget_model()
    lesson.start(tensors)
    assert lesson.test_probabilities().shape == (200, 10)


# ------------------------------------------------------------------------------------------------ choices


def test_option_indices() -> None:
    assert choices.option_index(LEARNING_RATES, 0.01) == LEARNING_RATES.index(0.01)
    assert choices.option_index(LEARNING_RATES, 0.02, default=2) == 2 and LEARNING_RATES[2] == 1e-3
    assert choices.option_index(BATCH_SIZES, 64) == 2 and choices.option_index(OPTIMIZERS, "momentum") == 2
    assert choices.option_index(KERNEL_SIZES, 5) == 1 and choices.option_index(POOLS, "none") == 2
    assert choices.option_index(["relu", "tanh"], "nope") == 0
    # the defaults of both kinds are among the options the page offers
    for kind, spec in DEFAULT_SPECS.items():
        config = DEFAULT_CONFIGS[kind]
        assert config.learning_rate in LEARNING_RATES and config.batch_size in BATCH_SIZES
        assert config.optimizer in OPTIMIZERS and spec.kernel in KERNEL_SIZES and spec.pool in POOLS


def test_hidden_layers_as_text() -> None:
    assert choices.hidden_text((256,)) == "256" and choices.hidden_text((128, 64)) == "128, 64"
    assert choices.hidden_examples(SizeLimits()) == ("1024", "1024, 512")
    assert choices.hidden_examples(SizeLimits(max_width=1)) == ("1", "1, 1")
    assert choices.hidden_examples(SizeLimits.of_class(ClassLimits(max_neurons=32))) == ("32", "32, 16")


def test_convolution_choices_within_a_class() -> None:
    free = SizeLimits()
    assert choices.conv_layer_counts(free) == [1, 2, 3]
    assert choices.filter_choices(free) == list(FILTER_COUNTS)
    small = SizeLimits(max_layers=2, max_width=10)
    assert choices.conv_layer_counts(small) == [1, 2] and choices.filter_choices(small) == [4, 8]
    assert choices.filter_choices(SizeLimits(max_width=3)) == [3]  # narrower than every count: the class's width
    spec = ModelSpec(kind="cnn", filters=(8, 16, 32))
    assert choices.conv_layers_index(spec, free) == 2 and choices.conv_layers_index(spec, small) == 1


def test_where_each_filter_slider_starts() -> None:
    spec = ModelSpec(kind="cnn", filters=(8, 16))
    counts = list(FILTER_COUNTS)
    assert [choices.layer_filters(spec, i, counts) for i in range(3)] == [8, 16, 32]  # a third layer doubles
    assert [choices.layer_filters(ModelSpec(kind="cnn", filters=(12,)), i, counts) for i in range(3)] == [8, 16, 16]
    assert [choices.layer_filters(spec, i, [4, 8]) for i in range(3)] == [8, 8, 8]  # capped by the class
    assert choices.layer_filters(ModelSpec(kind="cnn", filters=(2,)), 0, counts) == 4  # below every count


def test_the_epoch_limit() -> None:
    assert choices.epoch_limit(None) == MAX_EPOCHS == 50 and choices.epoch_limit(0) == 50
    assert choices.epoch_limit(5) == 5 and choices.epoch_limit(80) == 80


def test_the_parameter_table_as_the_page_shows_it() -> None:
    table = parameter_table(build_model(ModelSpec(kind="cnn", filters=(8, 16), kernel=5)))
    frame = parameter_frame(table)
    assert list(frame.columns) == ["layer", "kind", "output", "parameters", "count"]
    assert frame.iloc[0].tolist() == ["conv1", "convolution", "8×14×14", "8×5×5×1 + 8", 208]
    assert frame["count"].sum() == 11_274


# ------------------------------------------------------------------------------------------------ progress


def test_progress_before_and_after_training(tensors) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=2, batch_size=64), tensors)
    fresh = TrainingProgress.of(trainer)
    assert fresh.fraction == 0.0 and fresh.text == "Epoch 0.00 of 2"
    assert fresh.test_accuracy == fresh.train_accuracy == NO_VALUE and fresh.examples == "0"
    assert fresh.examples_per_second == "0"
    trainer.train_slice(5.0, until_epoch=1.0)
    half = TrainingProgress.of(trainer)
    last = trainer.history[-1]
    assert half.fraction == 0.5 and half.text == "Epoch 1.00 of 2" and half.examples == "600"
    assert half.test_accuracy == f"{last.test_accuracy:.1%}" and half.train_accuracy == f"{last.train_accuracy:.1%}"
    assert half.examples_per_second == f"{trainer.examples_per_second:,.0f}"
    trainer.continue_for(0)
    assert TrainingProgress.of(trainer).fraction == 1.0  # never past the end of the bar


def test_history_as_the_curves_read_it(tensors) -> None:
    trainer = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1, batch_size=64), tensors)
    trainer.train_slice(5.0)
    frame = history_frame(trainer.history)
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(trainer.history)
    assert list(frame.columns) == ["epoch", "examples", "train_loss", "train_accuracy", "test_loss", "test_accuracy"]
    data, _ = training_curves(frame)
    assert len(data) == 4 * len(frame)


def test_a_throttle_lets_a_thing_happen_once_a_second_unless_forced() -> None:
    throttle = Throttle(seconds=1.0)
    assert throttle.due(now=10.0)  # the first time at once
    assert not throttle.due(now=10.5)
    assert throttle.due(force=True, now=10.6)  # e.g. training has stopped: always
    assert not throttle.due(now=11.2)  # the clock restarted at 10.6
    assert throttle.due(now=11.6) and throttle.last == 11.6
    assert Throttle(seconds=1.0).due()  # with the monotonic clock
