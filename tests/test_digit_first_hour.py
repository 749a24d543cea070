"""What a newcomer reads on the digit pages, without a browser: prediction cards whose percentages fit in
the card ("100%", not "10"), the logits strip with its classes' names, the accuracy chart naming every
class on an exact 0–100% axis, the Draw page's white-on-black pictures, and no terminal command for a
learner in a class (only on their own machine, where they are its administrator)."""

from __future__ import annotations

import numpy as np
import pytest
import streamlit as st
from PIL import ImageFont

from playground.digits import mnist
from playground.digits.mnist import SourceInfo, missing_sources_note
from playground.digits.pictures import (
    CARD_HEIGHT,
    CARD_WIDTH,
    LABEL_FONT_SIZE,
    card_layout,
    class_strip,
    digit_picture,
    digit_sheet,
    layer_picture,
    prediction_cards,
    vector_strip,
)
from playground.render.charts import class_accuracy_chart

DIGITS = tuple(str(i) for i in range(10))
FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@pytest.mark.parametrize("names", [DIGITS, FASHION])
def test_a_cards_name_bar_and_percentage_fit_side_by_side_in_the_card(names) -> None:
    layout = card_layout(names)
    font = ImageFont.load_default(size=LABEL_FONT_SIZE)
    widest_name = max(font.getlength(n[:4]) for n in names)
    assert layout.name_x + widest_name < layout.bar_x
    assert layout.bar_width >= 50
    assert layout.bar_x + layout.bar_width + font.getlength("100%") < layout.percent_right <= CARD_WIDTH - 2


@pytest.mark.parametrize("names", [DIGITS, FASHION])
def test_a_sure_card_shows_all_of_100_percent_inside_itself(names) -> None:
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    classes = np.array([[7, 1, 2]] * 3)
    probs = np.array([[1.0, 0.0, 0.0]] * 3)
    cards = prediction_cards(images, np.array([7, 7, 7]), classes, probs, names, ncols=3)
    assert cards.shape == (CARD_HEIGHT, 3 * CARD_WIDTH, 3)
    layout = card_layout(names)
    for c in range(3):
        card = cards[:, c * CARD_WIDTH : (c + 1) * CARD_WIDTH]
        ink = (card < 200).any(axis=2)
        assert not ink[:, layout.percent_right + 1 :].any()  # nothing beyond the percentages' edge
        text = ink[:20, layout.bar_x + layout.bar_width + 2 : layout.percent_right + 1]
        columns = np.flatnonzero(text.any(axis=0))
        assert len(columns) and columns[-1] - columns[0] >= 20  # "100%" written whole, not "10"


def test_the_logits_strip_names_its_classes() -> None:
    values = np.linspace(-2, 3, 10)
    strip = class_strip(values, DIGITS, cell=24)
    assert strip.shape[0] > 24 and strip.shape[1] == 10 * 24 + 9 * 2
    labels = (strip[26:] < 128).any(axis=2)  # the names' row, under the cells
    for i in range(10):
        assert labels[:, i * 26 : i * 26 + 24].any(), i  # a name under every cell
    wide = class_strip(values, FASHION, cell=24)
    assert wide.shape[1] > strip.shape[1]  # cells widen for long names
    with pytest.raises(ValueError, match="10 values for 9 classes"):
        class_strip(values, DIGITS[:9])
    assert np.array_equal(layer_picture(values, map_side=56, cells=(12, 8), class_names=DIGITS), strip)
    hidden = np.linspace(-1, 1, 12)  # a layer that is not one number per class keeps its plain strip
    assert np.array_equal(layer_picture(hidden, map_side=56, cells=(12, 8), class_names=DIGITS),
                          vector_strip(hidden, cell=12))


def test_the_draw_page_shows_digits_as_the_network_gets_them() -> None:
    digit = np.zeros((28, 28), dtype=np.uint8)
    digit[10, 10] = 255
    picture = digit_picture(digit, 5, paper=False)
    assert picture[0, 0] == 0 and picture[52, 52] == 255  # white ink on black, like the pad
    sheet = digit_sheet(np.stack([digit] * 2), ncols=2, paper=False)
    assert sheet.max() == 255 and sheet[0, 0] == 0  # on a black sheet


def test_the_accuracy_chart_names_every_class_and_keeps_bars_in_the_plot() -> None:
    spec = class_accuracy_chart(np.array([0.5, 1.0, 1.2, 0.9]), ("0", "1", "2", "3")).to_dict(validate=True)
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert x["scale"] == {"domain": [0, 1], "nice": False, "clamp": True}
    assert x["axis"]["values"][-1] == 1.0 and y["axis"]["labelOverlap"] is False
    rows = spec["datasets"][spec["data"]["name"]]
    assert max(r["accuracy"] for r in rows) == 1.0


# ------------------------------------------------------------------------------------------------ no commands

MISSING = [SourceInfo("mnist", "MNIST", False, "not found; run `python -m playground.digits fetch mnist`"),
           SourceInfo("fashion-mnist", "Fashion-MNIST", False, "not found; install Debian's package "
                      "(`apt-get install dataset-fashion-mnist`)")]


def test_missing_data_tells_a_learner_in_a_class_to_ask_the_instructor() -> None:
    note = missing_sources_note(MISSING, own_machine=False)
    assert note == "**MNIST** and **Fashion-MNIST** are not on this server: ask your instructor if you need them."
    assert missing_sources_note(MISSING[:1], own_machine=False) == (
        "**MNIST** is not on this server: ask your instructor if you need it.")
    own = missing_sources_note(MISSING, own_machine=True)
    assert "python -m playground.digits fetch mnist" in own and own.startswith("Not on this machine: ")
    assert missing_sources_note([], own_machine=False) == ""


@pytest.fixture
def no_full_mnist(monkeypatch):
    monkeypatch.setattr(mnist, "find_idx_dir", lambda kind: None)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def a_class(tmp_path, monkeypatch):
    from playground.tfplayground import settings as playground_settings

    path = tmp_path / "classroom.toml"
    path.write_text('[class]\ntitle = "Week 4"\nlessons = ["mnist-train"]\n')
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    monkeypatch.setattr(playground_settings, "CLASS_LIMITS", None)
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def data_caption() -> str:
    from streamlit.testing.v1 import AppTest

    from playground.paths import REPO_ROOT

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("lessons/mnist_train.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [caption] = [c.value for c in at.caption if "MNIST**" in c.value]
    return caption


@pytest.mark.app
def test_the_train_page_shows_the_command_only_without_a_class(no_full_mnist, monkeypatch, tmp_path) -> None:
    from playground.classroom import config

    monkeypatch.delenv("NP_CLASSROOM", raising=False)  # no classroom.toml: a learner's own laptop
    monkeypatch.setattr(config, "DEFAULT_PATH", tmp_path / "classroom.toml")
    st.cache_resource.clear()
    try:
        assert "python -m playground.digits fetch mnist" in data_caption()
    finally:
        st.cache_resource.clear()


@pytest.mark.app
def test_the_train_page_never_shows_a_learner_in_a_class_a_command(no_full_mnist, a_class) -> None:
    caption = data_caption()
    assert "ask your instructor" in caption
    assert not any(word in caption for word in ("python", "pip", "apt-get", "datasets/", "$NP_"))
