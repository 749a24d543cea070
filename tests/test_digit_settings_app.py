"""The digit settings on "Train a digit recogniser", through the app itself (AppTest, no browser): each
change of the network or of the training changes what the page says it will train (the parameter count,
the network's description, the parameter table) and the page's link; bad hidden layers keep the network
with a warning; a class's limits bound what can be chosen; changed settings after training start anew."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from playground.digits.models import ModelSpec, build_model, count_parameters
from playground.paths import REPO_ROOT
from playground.text import escape_markdown

pytestmark = pytest.mark.app
PAGE = "lessons/mnist_train.py"
CHANGED = "You changed the settings: **Train** starts a new network with them."


def train_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def will_train(at: AppTest) -> str:
    """The line under the parameter table: "**N parameters** · the network"."""
    [line] = [m.value for m in at.markdown if " parameters** · " in m.value]
    return line


def says(spec: ModelSpec) -> str:
    return f"**{count_parameters(build_model(spec)):,} parameters** · {spec.describe()}"


def link(at: AppTest) -> dict[str, str]:
    return {key: at.query_params[key][-1] if isinstance(at.query_params[key], list) else at.query_params[key]
            for key in at.query_params}


def widget(elements, label: str):
    return next(w for w in elements if w.label == label)


def button(at: AppTest, label: str):
    return widget(at.button, label)


def test_the_default_set_up() -> None:
    at = train_page()
    assert will_train(at) == says(ModelSpec(hidden=(256,))) == "**203,530 parameters** · MLP 784 → 256 → 10"
    assert link(at) == {"kind": "mlp", "seed": "0"}
    assert widget(at.text_input, "Hidden layers (neurons each)").value == "256"
    assert [(w.label, w.value) for w in at.selectbox] == [
        ("Activation", "relu"), ("Optimiser", "adam"), ("Learning rate", 0.001), ("Batch size", 128)]
    assert widget(at.selectbox, "Learning rate").options == ["0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03",
                                                              "0.1", "0.3"]
    assert widget(at.selectbox, "Batch size").options == ["16", "32", "64", "128", "256"]
    assert any(c.value == "No network yet: press **Train**." for c in at.caption)
    assert button(at, "Train").disabled is False and button(at, "Stop").disabled is True


def test_typed_hidden_layers_change_the_network_and_the_link() -> None:
    at = train_page()
    widget(at.text_input, "Hidden layers (neurons each)").input("128, 64")
    rerun(at)
    assert will_train(at) == says(ModelSpec(hidden=(128, 64))) == "**109,386 parameters** · MLP 784 → 128 → 64 → 10"
    table = at.dataframe[0].value
    assert list(table["layer"]) == ["flatten", "dense1", "dense2", "logits"]
    assert list(table["count"]) == [0, 784 * 128 + 128, 128 * 64 + 64, 64 * 10 + 10]
    assert link(at) == {"kind": "mlp", "hidden": "128,64", "seed": "0"}
    assert not at.warning


@pytest.mark.parametrize("typed", ["12a", "1, 2, 3, 4, 5", "0", "2048"])
def test_bad_hidden_layers_keep_the_network_with_a_warning(typed: str) -> None:
    at = train_page()
    widget(at.text_input, "Hidden layers (neurons each)").input(typed)
    rerun(at)
    assert [w.value for w in at.warning] == [
        "Hidden layers must be 1 to 4 layer sizes from 1 to 1024, like `1024` or `1024, 512`; "
        f"not “{escape_markdown(typed, 40)}”. Keeping 256."]
    assert will_train(at) == "**203,530 parameters** · MLP 784 → 256 → 10"
    assert link(at) == {"kind": "mlp", "seed": "0"}


def test_the_convolutional_network_and_its_choices() -> None:
    at = train_page()
    widget(at.segmented_control, "Kind").set_value("cnn")
    rerun(at)
    cnn = ModelSpec(kind="cnn", filters=(8, 16), kernel=5, pool="max")
    assert will_train(at) == says(cnn) == "**11,274 parameters** · CNN 8/16 filters 5×5, max pool"
    assert widget(at.selectbox, "Batch size").value == 64  # the CNN's own default
    assert link(at) == {"kind": "cnn", "seed": "0"}
    assert [(s.label, s.value) for s in at.select_slider] == [("Filters in layer 1", 8), ("Filters in layer 2", 16)]
    assert widget(at.select_slider, "Filters in layer 1").options == ["4", "8", "16", "32", "64"]

    widget(at.selectbox, "Convolution layers").set_value(3)
    widget(at.selectbox, "Kernel size").set_value(3)
    widget(at.selectbox, "Pooling").set_value("none")
    rerun(at)
    assert widget(at.select_slider, "Filters in layer 3").value == 32  # twice the last layer's
    deeper = ModelSpec(kind="cnn", filters=(8, 16, 32), kernel=3, pool="none")
    assert will_train(at) == says(deeper) and deeper.describe() == "CNN 8/16/32 filters 3×3"
    assert link(at) == {"kind": "cnn", "filters": "8,16,32", "kernel": "3", "pool": "none", "seed": "0"}

    widget(at.select_slider, "Filters in layer 1").set_value(4)
    rerun(at)
    assert will_train(at) == says(ModelSpec(kind="cnn", filters=(4, 16, 32), kernel=3, pool="none"))
    assert link(at)["filters"] == "4,16,32"


def test_the_training_settings_go_into_the_link() -> None:
    at = train_page()
    widget(at.selectbox, "Activation").set_value("tanh")
    widget(at.selectbox, "Optimiser").set_value("sgd")
    widget(at.selectbox, "Learning rate").set_value(0.01)
    widget(at.selectbox, "Batch size").set_value(32)
    widget(at.number_input, "Epochs").set_value(3)
    widget(at.number_input, "Seed").set_value(7)
    rerun(at)
    assert will_train(at) == says(ModelSpec(hidden=(256,), activation="tanh"))
    assert link(at) == {"kind": "mlp", "activation": "tanh", "optimizer": "sgd", "lr": "0.01", "batch": "32",
                        "epochs": "3", "seed": "7"}


def test_each_entry_in_the_hidden_layers_box_counts() -> None:
    """A second entry right after the first changes the network too (it was lost while the box's key was
    made from the network)."""
    at = train_page()
    for typed, hidden in (("64", (64,)), ("32", (32,)), ("100, 10", (100, 10)), ("bad", (100, 10)), ("8", (8,))):
        widget(at.text_input, "Hidden layers (neurons each)").input(typed)
        rerun(at)
        assert will_train(at) == says(ModelSpec(hidden=hidden)), typed
    widget(at.segmented_control, "Kind").set_value("cnn")
    rerun(at)
    widget(at.segmented_control, "Kind").set_value("mlp")
    rerun(at)  # back from the CNN: the box shows the MLP's default network again
    assert widget(at.text_input, "Hidden layers (neurons each)").value == "256"
    assert will_train(at) == says(ModelSpec(hidden=(256,)))


def test_changed_settings_after_training_start_a_new_network() -> None:
    at = train_page()
    widget(at.text_input, "Hidden layers (neurons each)").input("32")
    widget(at.number_input, "Epochs").set_value(1)
    rerun(at)
    button(at, "Train").click()
    rerun(at)  # trains its epoch in this run
    assert [t.value for t in at.toast][-1].startswith("Done: ")
    assert widget(at.metric, "Examples seen").value == "4,000"
    assert button(at, "Train again").disabled is False and not any(i.value == CHANGED for i in at.info)
    assert will_train(at) == says(ModelSpec(hidden=(32,)))

    widget(at.text_input, "Hidden layers (neurons each)").input("64")
    rerun(at)
    assert any(i.value == CHANGED for i in at.info)
    assert button(at, "Train").disabled is False  # a new network, not 'Train again'
    assert will_train(at) == says(ModelSpec(hidden=(64,)))
    assert link(at)["hidden"] == "64"

    widget(at.text_input, "Hidden layers (neurons each)").input("32")
    rerun(at)  # back to the trained network's settings
    assert not any(i.value == CHANGED for i in at.info)
    assert button(at, "Train again").disabled is False


@pytest.fixture
def small_class(tmp_path, monkeypatch):
    """A class whose networks are at most 2 layers of 32 neurons, trained for at most 5 epochs."""
    from playground.tfplayground import settings as playground_settings

    path = tmp_path / "classroom.toml"
    path.write_text('[class]\ntitle = "Week 4"\nlessons = ["mnist-train"]\n\n'
                    "[limits]\nmax_hidden_layers = 2\nmax_neurons = 32\nmax_epochs = 5\n")
    monkeypatch.setenv("NP_CLASSROOM", str(path))
    monkeypatch.setattr(playground_settings, "CLASS_LIMITS", None)  # the class sets it: put back afterwards
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def test_a_class_bounds_the_settings(small_class) -> None:
    at = train_page()
    assert will_train(at) == says(ModelSpec(hidden=(32,)))  # the default network, within the class's width
    epochs = widget(at.number_input, "Epochs")
    assert epochs.value == 5 and epochs.max == 5
    hidden = widget(at.text_input, "Hidden layers (neurons each)")
    assert hidden.value == "32" and "at most 2 layers of 32" in hidden.help
    hidden.input("16, 8")
    rerun(at)
    assert will_train(at) == says(ModelSpec(hidden=(16, 8)))
    widget(at.text_input, "Hidden layers (neurons each)").input("64")
    rerun(at)
    assert [w.value for w in at.warning] == [
        "Hidden layers must be 1 to 2 layer sizes from 1 to 32, like `32` or `32, 16`; not “64”. Keeping 16, 8."]
    widget(at.segmented_control, "Kind").set_value("cnn")
    rerun(at)
    assert widget(at.selectbox, "Convolution layers").options == ["1", "2"]
    assert widget(at.select_slider, "Filters in layer 1").options == ["4", "8", "16", "32"]
