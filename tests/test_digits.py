"""Digit lessons without the UI: models, seeded training, inspection, and MNIST-style preprocessing."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.digits import inspection
from playground.digits.drawing import (
    BadPicture,
    EmptyDrawing,
    ink_from_canvas,
    mnist_from_canvas,
    mnist_from_ink,
    pad_strokes,
    picture_from_data_url,
)
from playground.digits.lesson import DigitLesson
from playground.digits.mnist import load_mnist5k
from playground.digits.models import ModelSpec, build_model, count_parameters, parameter_table
from playground.digits.training import DigitTensors, DigitTrainer, TrainConfig
from playground.render.png import data_uri, encode_png


@pytest.fixture(scope="module")
def digits():
    return load_mnist5k()


@pytest.fixture(scope="module")
def tensors(digits) -> DigitTensors:
    return DigitTensors.from_arrays(digits.train_images, digits.train_labels, digits.test_images, digits.test_labels)


@pytest.fixture(scope="module")
def trained(tensors) -> DigitTrainer:
    trainer = DigitTrainer(ModelSpec(hidden=(64,)), TrainConfig(epochs=3, batch_size=64), tensors)
    while not trainer.finished:
        trainer.train_slice(5.0)
    return trainer


def test_parameter_table_matches_the_model() -> None:
    for spec in (ModelSpec(hidden=(128, 32)), ModelSpec(kind="cnn", filters=(8, 16), kernel=5),
                 ModelSpec(kind="cnn", filters=(4,), kernel=3, pool="none")):
        model = build_model(spec)
        table = parameter_table(model)
        assert sum(row.count for row in table) == count_parameters(model)
        assert table[-1].output_shape == "10"
    conv1 = parameter_table(build_model(ModelSpec(kind="cnn", filters=(8, 16), kernel=5)))[0]
    assert conv1.formula == "8×5×5×1 + 8" and conv1.count == 208 and conv1.output_shape == "8×14×14"


def test_training_is_seeded_and_stops_exactly_at_its_epochs(tensors) -> None:
    def run(seed: int) -> DigitTrainer:
        t = DigitTrainer(ModelSpec(hidden=(32,)), TrainConfig(epochs=1, batch_size=128, seed=seed), tensors)
        while not t.finished:
            t.train_slice(5.0)
        return t

    a, b, c = run(1), run(1), run(2)
    wa, wb, wc = (next(t.model.parameters()).detach().numpy() for t in (a, b, c))
    assert np.array_equal(wa, wb) and not np.array_equal(wa, wc)
    assert a.epoch == 1.0 and a.examples == len(tensors.train_labels)
    assert a.history[-1].epoch == 1.0 and len(a.history) >= 4


def test_stop_keeps_the_model_and_continue_goes_on(tensors) -> None:
    t = DigitTrainer(ModelSpec(hidden=(32,)), TrainConfig(epochs=2, batch_size=64), tensors)
    t.train_slice(0.05)  # a 'stop' after a short slice
    seen, weights = t.examples, next(t.model.parameters()).detach().clone()
    assert 0 < seen < 2 * len(tensors.train_labels) and not t.finished
    t.train_slice(0.05)
    assert t.examples > seen and not np.array_equal(weights.numpy(), next(t.model.parameters()).detach().numpy())
    while not t.finished:
        t.train_slice(5.0)
    t.continue_for(1)
    assert not t.finished
    while not t.finished:
        t.train_slice(5.0)
    assert t.epoch == 3.0


def test_a_short_training_learns_digits(trained) -> None:
    assert trained.history[-1].test_accuracy > 0.88
    probs = trained.probabilities(trained.data.test_images.numpy()[:5])
    assert probs.shape == (5, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_inspection_views(trained, digits) -> None:
    layers, p = inspection.activations(trained.model, digits.test_images[0])
    assert [layer.name for layer in layers] == ["dense1", "logits"] and layers[0].values.shape == (64,)
    assert abs(p.sum() - 1) < 1e-5
    cnn = build_model(ModelSpec(kind="cnn", filters=(4, 8), kernel=3))
    conv_layers, _ = inspection.activations(cnn, digits.test_images[0])
    assert conv_layers[0].is_map and conv_layers[0].values.shape == (4, 14, 14)
    assert inspection.first_layer_weights(trained.model).shape == (64, 28, 28)
    assert inspection.first_layer_weights(cnn).shape == (4, 3, 3)

    responses = inspection.unit_responses(trained.model, trained.data.test_images, "dense1")
    best = inspection.top_images(responses, unit=3, k=9)
    assert len(best) == 9 and responses[best[0], 3] == responses[:, 3].max()
    assert np.all(np.diff(responses[best, 3]) <= 0)

    probs = trained.probabilities(digits.test_images)
    predicted = probs.argmax(axis=1)
    confusion = inspection.confusion_matrix(digits.test_labels.astype(np.int64), predicted)
    assert confusion.sum() == len(predicted) and np.trace(confusion) == (predicted == digits.test_labels).sum()
    mistakes = inspection.confident_mistakes(probs, digits.test_labels)
    assert all(predicted[i] != digits.test_labels[i] for i in mistakes)
    confidence = probs[mistakes, predicted[mistakes]]
    assert np.all(np.diff(confidence) <= 0)
    classes, top = inspection.top_classes(probs[:4])
    assert classes.shape == (4, 3) and np.all(np.diff(top, axis=1) <= 0)


def _on_big_canvas(digit: np.ndarray, size: int, at: tuple[int, int], canvas: int = 280) -> np.ndarray:
    """A 28×28 MNIST digit drawn large somewhere on a black canvas, as a learner would draw it."""
    big = np.asarray(Image.fromarray(digit).resize((size, size), Image.BILINEAR), dtype=np.float64) / 255
    ink = np.zeros((canvas, canvas))
    ink[at[0] : at[0] + size, at[1] : at[1] + size] = big
    return ink


def test_preprocessing_makes_mnist_digits(digits, trained) -> None:
    """Known digits, drawn large and off-centre, come back as digits the network reads the same way."""
    originals, labels = digits.test_images[:150], digits.test_labels[:150]
    redrawn = np.stack([mnist_from_ink(_on_big_canvas(d, 120 + 7 * (i % 10), (5 + (3 * i) % 60, 70 - i % 60)))
                        for i, d in enumerate(originals)])
    before = trained.probabilities(originals).argmax(1)
    after = trained.probabilities(redrawn).argmax(1)
    assert (after == before).mean() >= 0.85  # read the same way
    assert (after == labels).mean() >= (before == labels).mean() - 0.04  # and about as well
    for digit in redrawn[:10]:
        ys, xs = np.nonzero(digit > 30)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 <= 21  # the box fits 20×20
        mass = digit.astype(np.float64)
        cy = (np.arange(28)[:, None] * mass).sum() / mass.sum()
        cx = (np.arange(28)[None, :] * mass).sum() / mass.sum()
        assert abs(cy - 13.5) <= 1.0 and abs(cx - 13.5) <= 1.0  # centred by mass


def test_canvas_pictures_and_empty_drawings() -> None:
    rgba = np.zeros((280, 280, 4), dtype=np.uint8)  # the canvas before drawing: transparent
    with pytest.raises(EmptyDrawing, match="empty"):
        mnist_from_canvas(rgba)
    rgba[135:145, 135:145] = 255  # a dot
    with pytest.raises(EmptyDrawing, match="dot"):
        mnist_from_canvas(rgba)
    rgba[40:240, 130:150] = 255  # a stroke: a 1
    one = mnist_from_canvas(rgba)
    assert one.shape == (28, 28) and one.dtype == np.uint8 and one.max() > 200
    black = np.zeros((280, 280, 4), dtype=np.uint8)
    black[..., 3] = 255  # an opaque black background reads as no ink too
    assert ink_from_canvas(black).max() == 0


def test_the_pads_pictures_are_read_and_bad_ones_refused() -> None:
    """The pad sends its picture as a PNG data URL: it reads back exactly, and anything else (a tampered
    value) is refused with a message instead of an exception from deep inside PIL."""
    pad = np.zeros((280, 280, 3), dtype=np.uint8)
    pad[40:240, 130:150] = 255  # a 1, white on black
    picture = picture_from_data_url(data_uri(encode_png(pad)))
    assert picture.shape == (280, 280, 3) and np.array_equal(picture, pad)
    assert mnist_from_canvas(picture).max() > 200
    grey = picture_from_data_url(data_uri(encode_png(pad[..., 0])))  # a grey PNG comes back as RGB
    assert grey.shape == (280, 280, 3)
    for bad in (None, 42, "", "data:image/jpeg;base64,AAAA", "data:image/png;base64,not base64!",
                "data:image/png;base64," + "QUJD" * 10, "data:image/png;base64," + "A" * 2_000_000,
                data_uri(encode_png(np.zeros((2, 1200), dtype=np.uint8)))):
        with pytest.raises(BadPicture):
            picture_from_data_url(bad)


def test_the_pads_strokes_are_checked_before_they_go_back() -> None:
    assert pad_strokes([[[1, 2], [3.7, 4]], [[5, 6]]]) == [[[1, 2], [3, 4]], [[5, 6]]]
    for bad in (None, "x", [[1, 2]], [[[1, 2, 3]]], [[["a", 2]]], [[[1, 2]] * 3000] * 2):
        assert pad_strokes(bad) == []


def test_lesson_keeps_models_apart(tensors) -> None:
    """Two learners' lessons share the (read-only) digits, never a model."""
    a, b = DigitLesson(), DigitLesson()
    a.start(tensors)
    a.trainer.train_slice(0.05)
    assert b.trainer is None and a.trainer.data is tensors
    b.start(tensors)
    assert b.trainer.model is not a.trainer.model
    assert not tensors.train_images.requires_grad


def test_lesson_notices_changed_settings(tensors) -> None:
    lesson = DigitLesson()
    lesson.start(tensors)
    assert not lesson.settings_changed
    lesson.choose_kind("cnn")
    assert lesson.settings_changed
    lesson.start(tensors)
    assert lesson.trainer.spec.kind == "cnn"
    lesson.add_drawing(np.zeros((28, 28), dtype=np.uint8), 7)
    assert lesson.drawing_counts()[7] == 1


def test_initial_weights_come_from_the_runs_own_generator() -> None:
    """The same default initialisation as PyTorch's (Kaiming-uniform weights, uniform biases), drawn from a
    generator of the run's seed: PyTorch's process-wide generator, shared by every learner, is never used."""
    import torch

    for spec in (ModelSpec(hidden=(32, 16)), ModelSpec(kind="cnn", filters=(4, 8), kernel=3)):
        with torch.random.fork_rng():
            torch.manual_seed(7)
            reference = build_model(spec)
            for module in reference.modules():  # PyTorch's own initialisation, in the order it builds
                if hasattr(module, "reset_parameters"):
                    module.reset_parameters()
        state = torch.random.get_rng_state()
        ours = build_model(spec, generator=torch.Generator().manual_seed(7))
        assert torch.equal(torch.random.get_rng_state(), state)  # the global generator is untouched
        for a, b in zip(reference.parameters(), ours.parameters(), strict=True):
            assert torch.equal(a, b)


def test_training_never_touches_the_global_generator_and_other_draws_do_not_change_it(tensors) -> None:
    import threading

    import torch

    def run(draw_between: bool) -> np.ndarray:
        t = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1, batch_size=128, seed=3), tensors.limited(600))
        if draw_between:  # another learner's code draws from the global generator meanwhile
            worker = threading.Thread(target=lambda: [torch.rand(100) for _ in range(50)])
            worker.start()
            worker.join()
        while not t.finished:
            t.train_slice(5.0)
            if draw_between:
                torch.rand(10)
        return next(t.model.parameters()).detach().numpy().copy()

    state = torch.random.get_rng_state()
    first = run(draw_between=False)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert np.array_equal(first, run(draw_between=True))


def test_the_example_limit_and_drawings(tensors) -> None:
    from playground.digits.training import ExtraExamples

    drawings = ExtraExamples([np.full((28, 28), 200, np.uint8)] * 3, [7, 7, 7], repeats=2)
    t = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1, batch_size=64), tensors, drawings)
    t.limit_examples(500)
    while not t.finished:
        t.train_slice(5.0)
    assert len(t.data.train_labels) == 500 and t.examples == 500 + 3 * 2
    assert len(tensors.train_labels) == 4000  # the shared tensors are untouched


def test_drawings_forgotten_mid_epoch_leave_the_rest_of_the_epoch(tensors) -> None:
    from playground.digits.training import ExtraExamples

    drawings = ExtraExamples([np.full((28, 28), 200, np.uint8)] * 5, [1] * 5, repeats=40)
    t = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(epochs=1, batch_size=32), tensors.limited(300), drawings)
    t.train_slice(5.0, until_epoch=0.3)
    drawings.images.clear()
    drawings.labels.clear()
    t.limit_examples(200)
    while not t.finished:
        t.train_slice(5.0)  # no IndexError for drawings or examples that are gone
    assert t.epoch == 1.0


def test_a_batch_with_drawings_costs_no_more_than_one_without() -> None:
    """Picking a few drawings into a batch does not copy the whole training set (full MNIST: 47 MB)."""
    import time

    import torch

    from playground.digits.training import ExtraExamples

    n = 60_000
    big = DigitTensors.from_arrays(np.zeros((n, 28, 28), np.uint8), np.zeros(n, np.int64),
                                   np.zeros((10, 28, 28), np.uint8), np.zeros(10, np.int64))
    drawings = ExtraExamples([np.full((28, 28), 255, np.uint8)] * 5, [3] * 5)
    t = DigitTrainer(ModelSpec(hidden=(16,)), TrainConfig(), big, drawings)
    plain = torch.arange(128)
    mixed = plain.clone()
    mixed[[5, 9]] = torch.tensor([n + 2, n + 4])
    x, y = t._batch(mixed)
    assert int(y[5]) == 3 and int(y[0]) == 0 and float(x[5].max()) > float(x[0].max())

    def cost(ids) -> float:
        start = time.perf_counter()
        for _ in range(10):
            t._batch(ids)
        return (time.perf_counter() - start) / 10

    assert cost(mixed) < 3 * cost(plain) + 0.003


def test_the_lesson_keeps_its_network_within_the_class_sizes_and_its_drawings_bounded(tensors) -> None:
    from playground.digits.lesson import MAX_DRAWINGS
    from playground.digits.models import SizeLimits

    sizes = SizeLimits(max_layers=1, max_width=32)
    lesson = DigitLesson(spec=ModelSpec(hidden=(256, 128)))
    quick = lesson.quick_trainer(tensors, sizes)
    assert quick.spec.hidden == (32,) and quick.config.epochs == 1 and lesson.trainer is None
    lesson.adopt(quick, "mnist5k")
    assert lesson.trainer is quick and not lesson.settings_changed
    lesson.spec = ModelSpec(hidden=(256,))  # e.g. a link read before the class's limits applied
    lesson.start(tensors, sizes)
    assert lesson.trainer.spec.hidden == (32,) and lesson.run.start_epoch == 0.0
    for _ in range(MAX_DRAWINGS):
        assert lesson.add_drawing(np.zeros((28, 28), dtype=np.uint8), 1)
    assert lesson.drawings_full and not lesson.add_drawing(np.zeros((28, 28), dtype=np.uint8), 1)
    assert len(lesson.extra) == MAX_DRAWINGS
