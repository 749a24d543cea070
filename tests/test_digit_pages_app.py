"""'Look inside the digit network' and 'Draw your own digit' with a network, through the app itself
(AppTest, no browser): every view of 'Look inside' shows what it is for, and the drawing page waits for a
drawing. The browser tests click the confusion matrix and draw on the pad."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from playground.paths import REPO_ROOT

pytestmark = pytest.mark.app


def page_with_a_network(script: str) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(script)
    at.run()
    next(b for b in at.button if b.label == "Train a quick network here").click()
    return rerun(at)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_view_of_look_inside() -> None:
    at = page_with_a_network("lessons/mnist_inside.py")
    caption = at.caption[0].value
    assert re.match(r"^MLP 784 → 256 → 10 · 1\.00 epochs on MNIST-5k · test accuracy \*\*\d+\.\d%\*\* on 1,000 test "
                    r"images$", caption), caption
    [view] = at.segmented_control
    assert view.options == ["One digit, layer by layer", "What the units look for", "Mistakes", "Test predictions"]
    assert view.value == "One digit, layer by layer"
    assert "**dense1** — 256 numbers (blue positive, orange negative)" in markdown(at)
    number = next(n for n in at.number_input if n.label == "Test digit number")
    assert number.value == 0
    next(b for b in at.button if b.label == "Next mistake").click()
    rerun(at)
    first = next(n for n in at.number_input if n.label == "Test digit number").value
    assert first > 0
    next(b for b in at.button if b.label == "Next mistake").click()
    rerun(at)
    assert next(n for n in at.number_input if n.label == "Test digit number").value > first

    at.segmented_control[0].set_value("What the units look for")
    rerun(at)
    assert "**First layer: each unit's weights over the 28×28 pixels**" in markdown(at)
    assert "Showing 64 of 256." in markdown(at)
    assert next(s for s in at.selectbox if s.label == "Layer").options == ["dense1", "logits"]

    at.segmented_control[0].set_value("Mistakes")
    rerun(at)
    # predict, then check: the matrix shows once a guess is committed
    assert "**Confusion matrix** — click a cell to see those digits." not in markdown(at)
    next(r for r in at.radio if r.label == "Your guess").set_value("4")
    rerun(at)  # a choice enables the button
    next(b for b in at.button if b.label == "Commit my guess").click()
    rerun(at)
    assert "The largest cell off the diagonal of the confusion matrix below" in markdown(at)
    assert "**Confusion matrix** — click a cell to see those digits." in markdown(at)
    assert "**Accuracy per class**" in markdown(at) and "**The most confident mistakes**" in markdown(at)

    at.segmented_control[0].set_value("Test predictions")
    rerun(at)
    assert any(re.search(r"^\d+% of these 36 right \(the whole test set: \d+\.\d%\)\.$", c.value) for c in at.caption)


def test_the_drawing_page_waits_for_a_drawing() -> None:
    at = page_with_a_network("lessons/mnist_draw.py")
    assert "Your network's reading appears here as soon as you draw." in markdown(at)
    assert "Your drawings: none yet" in markdown(at)
    add = next(b for b in at.button if b.label == "Add to my training set")
    assert add.disabled
    assert not at.warning  # MNIST-5k's classes are digits
