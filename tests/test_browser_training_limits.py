"""A class whose limits are tiny (500 training examples, one epoch a run, 32 neurons a layer) in Chromium:
the quick network of another lesson, the robust twin and Train a digit recogniser all obey them, as do
the values of a link."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from harness.app_server import AppServer
from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage

pytestmark = pytest.mark.browser

CONFIG = """
[class]
title = "Tiny limits"
lessons = ["mnist-train", "mnist-draw", "adversarial"]

[limits]
max_neurons = 32
max_epochs = 1
max_training_examples = 500
"""


def class_server(tmp_path_factory, name: str, config: str):
    """A class server (no sign-in) with this classroom.toml, stopped after the module."""
    root = tmp_path_factory.mktemp(name)
    (root / "classroom.toml").write_text(config)
    server = AppServer(env={"NP_CLASSROOM": str(root / "classroom.toml"),
                            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32)})
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    yield from class_server(tmp_path_factory, "limited-class", CONFIG)


def test_the_quick_network_the_robust_twin_and_the_training_page_obey_the_class(limited_server, page) -> None:
    lp = LessonPage(page, limited_server.url, "adversarial").open("adversarial")
    lp.quick_model()  # the default MLP of 256 neurons, capped by the class
    lp.caption_matching(r"^Your network: MLP 784 → 32 → 10, 1\.00 epochs, test accuracy \d+\.\d%$")

    lp.segment("Defend it")
    expect(page.get_by_label("Epochs", exact=True)).to_have_attribute("max", "1")
    lp.press("Train the robust twin", timeout=120_000)
    expect(page.get_by_text("No robust twin yet.")).to_have_count(0)
    table = lp.grid(lp.dataframes().first)
    assert {row[0] for row in table["rows"]} == {"your network, FGSM", "your network, PGD", "robust twin, FGSM",
                                                 "robust twin, PGD"}
    assert page_errors(page) == []

    lp.nav("Train a digit recogniser")
    assert lp.metric("Examples seen") == "500"  # the quick network: one epoch of the class's 500 examples
    lp.caption_matching(r"^This class trains on the first 500 training images\.$")
    assert lp.progress_text() == "Epoch 1.00 of 1"
    expect(page.get_by_label("Epochs", exact=True)).to_have_attribute("max", "1")
    hidden = page.get_by_label("Hidden layers (neurons each)", exact=True)
    expect(hidden).to_have_value("32")
    hidden.fill("64")
    lp.after(lambda: hidden.press("Enter"))
    expect(lp.alert("Warning")).to_contain_text("Hidden layers must be 1 to 4 layer sizes from 1 to 32")

    button = lp.key("train").get_by_role("button")
    expect(button).to_have_text(re.compile(r"Train again$"))
    lp.after(button.click, timeout=120_000)
    expect(page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 2.00 of 2", timeout=120_000)
    lp.idle(timeout=120_000)
    assert lp.metric("Examples seen") == "1,000"  # one more epoch of the same 500
    assert page_errors(page) == []
    screenshot(page, "class-tiny-limits")


def test_a_link_cannot_ask_for_more_than_the_class_allows(limited_server, page) -> None:
    lp = LessonPage(page, limited_server.url, "mnist").open("mnist-train?kind=mlp&hidden=512,512&epochs=40")
    warnings = lp.alert("Warning")
    expect(warnings.filter(has_text="hidden")).to_contain_text(
        "is not 1 to 4 layer sizes from 1 to 32 — using the default.")
    expect(warnings.filter(has_text="epochs")).to_contain_text("is not a whole number from 1 to 1")
    expect(page.get_by_label("Hidden layers (neurons each)", exact=True)).to_have_value("32")
    expect(page.get_by_label("Epochs", exact=True)).to_have_value("1")
    # the notices stand under the lesson's title, not above it
    title_y = page.locator("h1").first.bounding_box()["y"]
    assert all(box["y"] > title_y for box in warnings.evaluate_all(
        "els => els.map(e => e.getBoundingClientRect())"))
    assert page_errors(page) == []


ONE_SLOT = """
[class]
title = "One training at a time"
lessons = ["mnist-train", "adversarial"]

[limits]
max_concurrent_trainings = 1
"""


@pytest.fixture(scope="module")
def one_slot_server(tmp_path_factory):
    yield from class_server(tmp_path_factory, "one-slot-class", ONE_SLOT)


def test_a_second_training_waits_for_the_slot_and_starts_by_itself(one_slot_server, browser) -> None:
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        first, second = (LessonPage(c.new_page(), one_slot_server.url, "mnist").open("mnist-train") for c in contexts)
        first.page.get_by_role("radio", name="Convolutional network").click()  # a CNN: a long training
        first.idle()
        first.set_number("Epochs", 30)
        first.key("train").get_by_role("button").click()
        expect(first.page.locator('[data-testid="stProgress"]')).to_have_text(re.compile(r"^Epoch 0\.\d\d of 30$"),
                                                                             timeout=60_000)

        second.set_number("Epochs", 1)
        second.key("train").get_by_role("button").click()
        waiting = second.alert("Info").filter(has_text="Waiting for a free training slot")
        expect(waiting).to_have_text("Waiting for a free training slot: 1 of 1 trainings are running on this "
                                     "server, 1 waiting. Yours starts by itself.", timeout=30_000)
        expect(second.page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 0.00 of 1")  # nothing yet

        first.key("stop").get_by_role("button").click()
        expect(second.page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 1.00 of 1", timeout=120_000)
        expect(waiting).to_have_count(0)
        assert page_errors(first.page) == [] and page_errors(second.page) == []
    finally:
        for context in contexts:
            context.close()
