"""The Playground's 'Try this' list in the browser: "Set this up" opens the set-up, and the controls, the
network view, the address and the sidebar's seed all show its settings (even a control the learner had
changed just before)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from tests.playground_page import EPOCH_ZERO, PlaygroundPage, epoch_text

pytestmark = pytest.mark.browser


def set_up(pg: PlaygroundPage, key: str) -> None:
    expander = pg.page.get_by_text("Try this", exact=True)
    button = pg.button(f"tryout-{key}")
    if not button.is_visible():
        expander.click()
    expect(button).to_be_visible()
    pg.run_after(button.click)


def test_set_this_up_shows_the_set_up_everywhere(app_server, page) -> None:
    pg = PlaygroundPage(page, app_server.url).open()
    pg.choose("Learning rate", "0.3")  # the learner's own change, in the widget's state
    pg.expect_query(learningRate="0.3")
    pg.step()
    expect(pg.epoch).to_have_text(epoch_text(1))
    pg.wait_idle()

    set_up(pg, "learning-rate-3")
    pg.expect_query(learningRate="3", seed="0.616", dataset="circle")
    assert pg.selected("learningRate") == "3"
    expect(pg.epoch).to_have_text(EPOCH_ZERO)
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Seed in use: 0.616")).to_be_visible()

    set_up(pg, "l1")
    pg.expect_query(regularization="L1", regularizationRate="0.01", seed="0.605")
    assert (pg.selected("regularization"), pg.selected("regularizationRate"), pg.selected("learningRate")) == \
        ("L1", "0.01", "0.03")
    for feature in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"):
        expect(pg.feature(feature)).not_to_have_class(re.compile(r"\bnpv-off\b"))

    set_up(pg, "xor-neurons")
    pg.expect_query(dataset="xor", networkShape="1", seed="0.610", regularizationRate="0")
    assert "regularization" not in pg.query()  # TF writes no regularization when there is none
    expect(pg.dataset("XOR")).to_have_attribute("aria-pressed", "true")
    expect(pg.nodes(1)).to_have_count(1)
    assert pg.layer_headers() == ["1 neuron · Tanh"]
    expect(pg.feature("xSquared")).to_have_class(re.compile(r"\bnpv-off\b"))
    assert pg.selected("regularization") == "None"

    set_up(pg, "overfitting")
    pg.expect_query(noise="50", percTrainData="10", networkShape="8,8", showTestData="true", seed="0.629")
    assert pg.key("noise").get_by_role("slider").input_value() == "50"
    expect(pg.key("showTestData").get_by_role("checkbox")).to_be_checked()
    assert pg.layer_headers() == ["8 neurons · Tanh", "8 neurons · Tanh"]
    pg.step()
    expect(pg.epoch).to_have_text(epoch_text(1))
    pg.wait_idle()
    assert page_errors(page) == []
    screenshot(page, "playground-tryout-overfitting")
