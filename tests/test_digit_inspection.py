"""What 'Look inside' and 'Draw your own digit' compute and draw, without the pages: readings, mistakes,
confusion-matrix cells, samples, and the pictures of digits and layers."""

from __future__ import annotations

import numpy as np
import pytest

from playground.digits import inspection
from playground.digits.mnist import DIGIT_CLASS_NAMES, FASHION_CLASS_NAMES, DigitData
from playground.digits.models import ModelSpec, build_model
from playground.digits.pictures import (
    FIRST_LAYER_SHOWN,
    digit_picture,
    digit_sheet,
    first_layer_picture,
    image_grid,
    ink_on_paper,
    layer_picture,
    maps_grid,
    prediction_cards,
    vector_strip,
    weights_grid,
)
from playground.render.colors import RIGHT_HEX, WRONG_HEX, hex_to_rgb
from playground.render.png import upscale

LABELS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3])
PREDICTED = np.array([0, 1, 2, 5, 4, 5, 6, 1, 8, 9, 3, 5])


def test_accuracy_and_mistakes() -> None:
    assert inspection.accuracy(LABELS, PREDICTED) == pytest.approx(9 / 12)
    assert inspection.accuracy(np.array([], dtype=int), np.array([], dtype=int)) == 0.0
    assert list(inspection.mistakes(LABELS, PREDICTED)) == [3, 7, 11]


def test_next_mistake_goes_round() -> None:
    wrong = inspection.mistakes(LABELS, PREDICTED)
    assert inspection.next_mistake(wrong, 0) == 3
    assert inspection.next_mistake(wrong, 3) == 7  # the next one, not the one shown
    assert inspection.next_mistake(wrong, 8) == 11
    assert inspection.next_mistake(wrong, 11) == 3  # after the last: back to the first
    assert inspection.next_mistake(np.array([], dtype=np.int64), 5) is None
    assert isinstance(inspection.next_mistake(wrong, 0), int)


def test_a_confusion_cells_examples_are_its_images() -> None:
    assert list(inspection.cell_examples(LABELS, PREDICTED, 3, 5)) == [3, 11]
    assert list(inspection.cell_examples(LABELS, PREDICTED, 3, 3)) == [10]
    assert len(inspection.cell_examples(LABELS, PREDICTED, 0, 9)) == 0
    confusion = inspection.confusion_matrix(LABELS, PREDICTED)
    for t in range(10):
        for p in range(10):
            assert len(inspection.cell_examples(LABELS, PREDICTED, t, p)) == confusion[t, p]


def test_samples_are_seeded_distinct_and_bounded() -> None:
    a, b = inspection.sample_indices(1000, 36, seed=4), inspection.sample_indices(1000, 36, seed=4)
    assert np.array_equal(a, b) and len(set(a.tolist())) == 36 and a.max() < 1000
    assert not np.array_equal(a, inspection.sample_indices(1000, 36, seed=5))
    assert sorted(inspection.sample_indices(10, 36, seed=0).tolist()) == list(range(10))


def test_unit_stages_leave_out_the_flatten_stage() -> None:
    assert inspection.unit_stages(build_model(ModelSpec(hidden=(16, 8)))) == ["dense1", "dense2", "logits"]
    assert inspection.unit_stages(build_model(ModelSpec(kind="cnn", filters=(4,), kernel=3))) == ["conv1", "logits"]


def test_a_reading_before_and_after_a_digit() -> None:
    model = build_model(ModelSpec(hidden=(16,)))
    empty = inspection.read(model, None, 10)
    assert empty.layers == [] and empty.best is None and not empty.unsure and empty.confidence == 0.0
    assert np.array_equal(empty.probabilities, np.zeros(10))
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[4:24, 13:15] = 255
    reading = inspection.read(model, digit, 10)
    layers, p = inspection.activations(model, digit)
    assert [layer.name for layer in reading.layers] == [layer.name for layer in layers] == ["dense1", "logits"]
    assert np.allclose(reading.probabilities, p) and reading.best == int(p.argmax())
    assert reading.confidence == pytest.approx(float(p.max()))
    assert reading.unsure == (p.max() < inspection.UNSURE)


def test_how_sure_a_reading_is() -> None:
    sure = inspection.Reading([], np.array([0.1, 0.9]), 1)
    unsure = inspection.Reading([], np.array([0.45, 0.55]), 1)
    assert not sure.unsure and unsure.unsure and unsure.confidence == pytest.approx(0.55)


def test_which_classes_are_digits() -> None:
    images = np.zeros((1, 28, 28), dtype=np.uint8)
    labels = np.zeros(1, dtype=np.uint8)

    def data(names: tuple[str, ...]) -> DigitData:
        return DigitData("x", images, labels, images, labels, names, "test")

    assert data(DIGIT_CLASS_NAMES).classes_are_digits
    assert not data(FASHION_CLASS_NAMES).classes_are_digits
    assert not data(("0", "1")).classes_are_digits


# ------------------------------------------------------------------------------------------------ pictures


def test_digit_pictures_are_ink_on_paper_enlarged() -> None:
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[10, 10] = 255
    picture = digit_picture(digit, 5)
    assert picture.shape == (140, 140) and picture[0, 0] == 255 and picture[52, 52] == 0
    images = np.stack([digit] * 5)
    sheet = digit_sheet(images, ncols=3)
    assert np.array_equal(sheet, upscale(image_grid(ink_on_paper(images), ncols=3, pad=2), 2))
    assert sheet.shape == (2 * (2 * 30 + 2), 2 * (3 * 30 + 2))


def test_a_layer_picture_is_a_grid_of_maps_or_a_strip_of_numbers() -> None:
    rng = np.random.default_rng(0)
    maps = rng.normal(size=(8, 14, 14))
    assert np.array_equal(layer_picture(maps, map_side=56, cells=(12, 8)), maps_grid(maps, ncols=8, scale=4))
    many = rng.normal(size=(20, 7, 7))
    assert np.array_equal(layer_picture(many, map_side=42, cells=(10, 6)), maps_grid(many, ncols=16, scale=6))
    tiny = rng.normal(size=(4, 100, 100))  # maps larger than the side keep their size
    assert np.array_equal(layer_picture(tiny, map_side=56, cells=(12, 8)), maps_grid(tiny, ncols=4, scale=1))
    few, lots = rng.normal(size=64), rng.normal(size=65)
    assert np.array_equal(layer_picture(few, map_side=56, cells=(12, 8)), vector_strip(few, cell=12))
    assert np.array_equal(layer_picture(lots, map_side=56, cells=(12, 8)), vector_strip(lots, cell=8))


def test_the_first_layers_templates() -> None:
    rng = np.random.default_rng(1)
    dense = rng.normal(size=(100, 28, 28))
    assert np.array_equal(first_layer_picture(dense), weights_grid(dense[:FIRST_LAYER_SHOWN], ncols=16, scale=2))
    filters = rng.normal(size=(8, 5, 5))
    assert np.array_equal(first_layer_picture(filters), weights_grid(filters, ncols=16, scale=8))


def test_prediction_cards_frame_right_guesses_green_and_wrong_ones_red() -> None:
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    classes = np.array([[7, 1, 2], [3, 7, 2]])
    probs = np.array([[0.8, 0.1, 0.05], [0.6, 0.3, 0.05]])
    cards = prediction_cards(images, np.array([7, 7]), classes, probs, DIGIT_CLASS_NAMES, ncols=2)
    assert cards.shape == (64, 400, 3)
    assert np.array_equal(cards[2, 30], hex_to_rgb(RIGHT_HEX))  # the first card's frame: read right
    assert np.array_equal(cards[2, 230], hex_to_rgb(WRONG_HEX))  # the second's: its first guess is wrong
