"""Every 'Try this' item of the three digit lessons: its set-up applied to a fresh lesson, the network trained
on MNIST-5k as the page would train it (Train, or the quick network), and what the text promises asserted
in numbers (see playground/digits/tryouts.py). Drawings are synthetic strokes, drawn as the pad draws them
(white, 20 pixels wide, round ends, on a black 280×280 canvas) and prepared by playground.digits.drawing."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from playground.digits import inspection
from playground.digits.drawing import mnist_from_canvas
from playground.digits.lesson import DEFAULT_SOURCE, TEACH_EPOCHS, DigitLesson
from playground.digits.mnist import load_mnist5k
from playground.digits.models import build_model
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.digits.tryouts import DRAW_TRYOUTS, INSIDE_TRYOUTS, QUICK, TRAIN_TRYOUTS
from playground.torch_runtime import torch
from playground.tryouts import by_key

ALL = TRAIN_TRYOUTS + DRAW_TRYOUTS + INSIDE_TRYOUTS


@functools.cache
def tensors() -> DigitTensors:
    d = load_mnist5k()
    return DigitTensors.from_arrays(d.train_images, d.train_labels, d.test_images, d.test_labels)


def train(trainer: DigitTrainer) -> DigitTrainer:
    while not trainer.finished:
        trainer.train_slice(5.0)
    return trainer


def set_up(tryouts, key: str) -> DigitLesson:
    lesson = DigitLesson(source="mnist", config=TrainConfig(seed=7, epochs=3))  # another learner's choices
    by_key(tryouts, key).set_up(lesson)
    return lesson


@functools.cache
def trained(key: str) -> DigitTrainer:
    """The Train page's tryout `key`: set up, then Train (a new network with the set-up's settings)."""
    lesson = set_up(TRAIN_TRYOUTS, key)
    lesson.start(tensors())
    return train(lesson.trainer)


@functools.cache
def quick() -> DigitLesson:
    """The Draw and Look-inside set-up (all alike): set up, then the page's 'Train a quick network here'."""
    lesson = set_up(INSIDE_TRYOUTS, "mlp-templates")
    assert lesson.trainer is None  # the page offers the quick network
    trainer = lesson.quick_trainer(tensors())
    assert (trainer.spec, trainer.config) == (lesson.spec, QUICK)  # exactly the set-up's network
    lesson.adopt(train(trainer), lesson.source)
    return lesson


def test_every_tryout_has_a_set_up_and_a_unique_key() -> None:
    keys = [t.key for t in ALL]
    assert len(set(keys)) == len(keys) and all(t.set_up is not None for t in ALL)
    for tryouts in (DRAW_TRYOUTS, INSIDE_TRYOUTS):  # one network for a page's experiments
        assert {(set_up(tryouts, t.key).spec, set_up(tryouts, t.key).config) for t in tryouts} == {(quick().spec, QUICK)}


def test_a_set_up_applies_its_settings_and_keeps_only_its_own_network() -> None:
    lesson = set_up(TRAIN_TRYOUTS, "sixteen-neurons")
    assert lesson.source == DEFAULT_SOURCE and lesson.spec.hidden == (16,) and lesson.config.seed == 0
    assert lesson.config.epochs == 10 and not lesson.training
    lesson.start(tensors())
    lesson.trainer.train_slice(0.05)
    own = lesson.trainer
    by_key(TRAIN_TRYOUTS, "sixteen-neurons").set_up(lesson)  # the same experiment: its network goes on
    assert lesson.trainer is own and not lesson.training
    by_key(TRAIN_TRYOUTS, "mlp-10-epochs").set_up(lesson)  # another: the next Train starts afresh
    assert lesson.trainer is None and lesson.spec.hidden == (256,)
    own.continue_for(1)  # a network trained past its set-up's epochs is not the set-up's
    lesson.adopt(own, DEFAULT_SOURCE)
    by_key(TRAIN_TRYOUTS, "sixteen-neurons").set_up(lesson)
    assert lesson.trainer is None


# ------------------------------------------------------------------------------------------------ train


def test_the_default_mlp_for_10_epochs() -> None:
    t = trained("mlp-10-epochs")
    test, train_ = t.history[-1].test_accuracy, t.history[-1].train_accuracy
    assert 0.92 <= test <= 0.96  # about 94%
    assert train_ >= 0.97 and train_ > test + 0.03  # rising above it, towards 99%
    at_five = next(r for r in t.history if r.epoch == 5.0)
    assert train_ > at_five.train_accuracy + 0.01  # still rising


def test_the_cnn_has_fewer_parameters_yet_does_better() -> None:
    cnn, mlp = trained("cnn"), trained("mlp-10-epochs")
    assert cnn.spec.kind == "cnn" and cnn.config.epochs == 10
    assert 10_000 <= cnn.parameter_count <= 12_000 and 190_000 <= mlp.parameter_count <= 210_000
    a_cnn, a_mlp = cnn.history[-1].test_accuracy, mlp.history[-1].test_accuracy
    assert 0.955 <= a_cnn <= 0.985 and a_cnn > a_mlp + 0.015  # about 97% against 94%


def test_a_learning_rate_of_0_1_with_adam_is_too_big_a_step() -> None:
    t, default = trained("adam-rate-0.1"), trained("mlp-10-epochs")
    assert t.config.optimizer == "adam" and t.config.learning_rate == 0.1
    assert t.history[0].train_loss > 10 > 5 * default.history[0].train_loss  # shoots up (untrained: ln 10 ≈ 2.3)
    accuracy = [r.test_accuracy for r in t.history]
    drops = sum(b < a - 0.03 for a, b in zip(accuracy, accuracy[1:], strict=False))
    steady = [r.test_accuracy for r in default.history]
    assert drops >= 2 and not any(b < a - 0.03 for a, b in zip(steady, steady[1:], strict=False))  # jumps about
    assert 0.75 <= accuracy[-1] <= 0.87 and accuracy[-1] < steady[-1] - 0.06  # about 80% (94% by default)


def test_sixteen_neurons_still_about_90_percent() -> None:
    t, default = trained("sixteen-neurons"), trained("mlp-10-epochs")
    assert t.spec.hidden == (16,) and t.config.epochs == 10
    accuracy = t.history[-1].test_accuracy
    assert 0.88 <= accuracy <= 0.92 and default.history[-1].test_accuracy - accuracy < 0.06


# ------------------------------------------------------------------------------------------------ draw

INK, SIDE = 20, 280  # the pad's pen and size (ui.digit_pad)
SEVEN = [[(70, 60), (210, 60), (120, 230)]]
CROSSED_SEVEN = SEVEN + [[(90, 145), (210, 145)]]
ONE = [[(140, 45), (140, 240)]]


def canvas(strokes) -> np.ndarray:
    """Strokes as the pad paints them: white, INK wide with round ends and joins, on black."""
    picture = Image.new("RGB", (SIDE, SIDE), "black")
    pen = ImageDraw.Draw(picture)
    for stroke in strokes:
        points = [tuple(p) for p in stroke]
        pen.line(points, fill="white", width=INK, joint="curve")
        for x, y in points:
            pen.ellipse([x - INK / 2, y - INK / 2, x + INK / 2, y + INK / 2], fill="white")
    return np.asarray(picture)


def moved(strokes, scale: float = 1.0, dx: int = 0, dy: int = 0):
    return [[(round(x * scale) + dx, round(y * scale) + dy) for x, y in s] for s in strokes]


def jittered(strokes, rng: np.random.Generator, by: float = 6.0):
    return [[(x + rng.normal(0, by), y + rng.normal(0, by)) for x, y in s] for s in strokes]


def digit(strokes) -> np.ndarray:
    return mnist_from_canvas(canvas(strokes))


def probabilities(lesson: DigitLesson, digits: list[np.ndarray]) -> np.ndarray:
    return lesson.trainer.probabilities(np.stack(digits))


def test_a_crossed_seven_is_read_less_surely() -> None:
    lesson = quick()
    plain = probabilities(lesson, [digit(SEVEN)])[0]
    crossed = probabilities(lesson, [digit(jittered(CROSSED_SEVEN, np.random.default_rng(i))) for i in range(8)])
    assert plain.argmax() == 7 and plain[7] > 0.9  # the plain 7, surely
    assert crossed[:, 7].mean() < plain[7] - 0.3  # the crossed ones much less surely
    assert np.isin(crossed.argmax(axis=1), [2, 9]).sum() >= 4  # often a 2 or a 9


def test_a_tiny_one_comes_out_bold_and_less_sure() -> None:
    lesson = quick()
    tall, tiny = digit(ONE), digit(moved(ONE, 0.3, 100, 100))
    width = lambda d: int((d[8:20] > 64).sum(axis=1).mean())  # noqa: E731  (ink across the stroke's middle)
    assert width(tiny) >= 2 * width(tall)  # bold: its pen was scaled up with it
    p = probabilities(lesson, [tall, tiny])
    assert p[0].argmax() == 1 and p[1][1] < p[0][1] - 0.2


def test_where_you_draw_does_not_matter() -> None:
    lesson = quick()
    corner, middle = digit(moved(SEVEN, 0.4, 0, 0)), digit(moved(SEVEN, 0.4, 90, 80))
    assert np.array_equal(corner, middle)  # the same 28×28 picture
    p = probabilities(lesson, [corner, middle])
    assert p[0].argmax() == p[1].argmax() == 7


def test_teaching_it_crossed_sevens() -> None:
    lesson = quick()
    taught = DigitLesson(source=lesson.source, spec=lesson.spec, config=lesson.config)  # its own copy to train
    trainer = taught.quick_trainer(tensors())
    taught.adopt(train(trainer), lesson.source)
    before = trainer.history[-1].test_accuracy
    rng = np.random.default_rng(42)
    mine = [digit(jittered(CROSSED_SEVEN, rng)) for _ in range(5)]
    new = [digit(jittered(CROSSED_SEVEN, rng)) for _ in range(3)]
    for d in mine:
        assert taught.add_drawing(d, 7)
    assert taught.drawings_read_right().sum() <= 3  # some of them wrong before
    taught.teach_drawings(TEACH_EPOCHS)
    train(trainer)
    assert taught.drawings_read_right().all()  # read as 7 afterwards
    assert (probabilities(taught, new).argmax(axis=1) == 7).all()  # new crossed 7s too
    assert trainer.history[-1].test_accuracy >= before  # MNIST's test digits: no drop


# ------------------------------------------------------------------------------------------------ look inside


def neighbour_correlation(maps: np.ndarray, rows: slice, cols: slice) -> float:
    """Correlation of horizontally neighbouring pixels within a region of (n, 28, 28) maps (0 for noise)."""
    region = maps[:, rows, cols]
    return float(np.corrcoef(region[:, :, :-1].ravel(), region[:, :, 1:].ravel())[0, 1])


def test_an_mlps_templates_are_speckle_with_faint_strokes() -> None:
    lesson = quick()
    weights = inspection.first_layer_weights(lesson.trainer.model)
    start = inspection.first_layer_weights(build_model(lesson.spec, torch.Generator().manual_seed(lesson.config.seed)))
    learned = weights - start
    assert np.abs(learned).mean() < 0.6 * np.abs(start).mean()  # moved only a little from the random start
    middle = slice(6, 22)
    assert neighbour_correlation(weights, slice(0, 28), slice(0, 28)) < 0.4  # mostly speckle
    assert neighbour_correlation(learned, middle, middle) > 0.6  # what it learned is smooth strokes
    ring = np.ones((28, 28), dtype=bool)
    ring[3:25, 3:25] = False
    assert np.abs(learned[:, middle, middle]).mean() > 1.2 * np.abs(learned[:, ring]).mean()  # over the middle


def test_the_largest_confusions() -> None:
    lesson = quick()
    labels = lesson.trainer.data.test_labels.numpy()
    confusion = inspection.confusion_matrix(labels, lesson.test_probabilities().argmax(axis=1))
    off = confusion - np.diag(np.diag(confusion))
    first, second = np.argsort(-off.ravel())[:2]
    assert {divmod(int(first), 10), divmod(int(second), 10)} == {(8, 3), (4, 9)}  # (true, read as)


def test_the_most_confident_mistakes_are_over_90_percent_sure() -> None:
    lesson = quick()
    probs = lesson.test_probabilities()
    labels = lesson.trainer.data.test_labels.numpy()
    worst = inspection.confident_mistakes(probs, labels, k=12)
    sure = [i for i in worst if probs[i].max() > 0.9]
    assert len(sure) >= 3  # several
    assert any((labels[i], probs[i].argmax()) == (5, 3) for i in sure)  # 5s read as 3 among them


@pytest.mark.parametrize("key", [t.key for t in TRAIN_TRYOUTS])
def test_the_train_page_set_ups_name_their_settings(key: str) -> None:
    """What the text names (10 epochs, the rate, the neurons) is what the set-up applies."""
    tryout, lesson = by_key(TRAIN_TRYOUTS, key), set_up(TRAIN_TRYOUTS, key)
    text = tryout.do + " " + tryout.look_for
    assert lesson.config.epochs == 10 and "10 epochs" in text
    if lesson.config.learning_rate != 1e-3:
        assert f"Learning rate {lesson.config.learning_rate:g}" in text
    if lesson.spec.kind == "mlp" and lesson.spec.hidden != (256,):
        assert f"{lesson.spec.hidden[0]} neurons" in text


# ------------------------------------------------------------------------------------------------ the page


@pytest.mark.app
def test_set_this_up_shows_the_set_ups_settings_on_the_train_page() -> None:
    """'Set this up' renews the page's settings widgets: they show the set-up, and the next run keeps it."""
    from streamlit.testing.v1 import AppTest

    from playground.paths import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("lessons/mnist_train.py")
    at.run()
    at.number_input(key=next(w.key for w in at.number_input if w.label == "Seed")).set_value(5).run()
    at.text_input(key=next(w.key for w in at.text_input if w.label.startswith("Hidden layers"))).input("64").run()
    [set_up_button] = [b for b in at.button if b.key and b.key.endswith("tryout:sixteen-neurons")]
    set_up_button.click().run()
    at.run()  # a second run: the widgets must not write their old values back
    assert not at.exception, [e.value for e in at.exception]
    shown = {w.label: w.value for w in [*at.number_input, *at.text_input, *at.selectbox]}
    assert shown["Hidden layers (neurons each)"] == "16" and shown["Seed"] == 0 and shown["Epochs"] == 10
    assert shown["Learning rate"] == 0.001 and shown["Batch size"] == 128
    [rate] = [b for b in at.button if b.key and b.key.endswith("tryout:adam-rate-0.1")]
    rate.click().run()
    at.run()
    shown = {w.label: w.value for w in [*at.number_input, *at.text_input, *at.selectbox]}
    assert shown["Hidden layers (neurons each)"] == "256" and shown["Learning rate"] == 0.1
    assert any(" parameters** · MLP 784 → 256 → 10" in m.value for m in at.markdown)
