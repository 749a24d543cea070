"""Browser tests of the Playground's panels of numbers: 'Inside one neuron' shows the clicked neuron's
arithmetic for a training point, and 'One gradient step' writes out the chain rule and applies the step
to the learner's network."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from tests.playground_page import EPOCH_ZERO, PlaygroundPage

pytestmark = pytest.mark.browser

PRODUCT = re.compile(r"−?\d[\d.]* × −?\d[\d.]* = −?\d")  # "0.52 × −1.3 = −0.68"


@pytest.fixture
def pg(app_server, page) -> PlaygroundPage:
    return PlaygroundPage(page, app_server.url).open()


def panel_tables(pg: PlaygroundPage):
    return pg.page.locator('[data-testid="stMarkdownContainer"] table')


def show_panel(pg: PlaygroundPage) -> None:
    """Scroll the panel into the window (the page scrolls inside the app, so a screenshot shows the window)."""
    pg.page.get_by_text("Training point", exact=True).first.scroll_into_view_if_needed()
    pg.page.mouse.wheel(0, 150)
    pg.page.wait_for_timeout(300)


def test_inside_one_neuron_shows_the_default_neurons_arithmetic_then_the_clicked_one(pg: PlaygroundPage) -> None:
    page = pg.page
    pg.open_panel("Inside one neuron")
    expect(page.get_by_text("Neuron 1 of layer 1", exact=False).first).to_be_visible()
    table = panel_tables(pg).first
    expect(table).to_contain_text("X₁")
    expect(table).to_contain_text("X₂")
    expect(table).to_contain_text(PRODUCT)
    expect(page.locator(".katex").first).to_be_visible()  # z = products + bias, a = tanh(z)
    expect(page.get_by_text("Tanh", exact=False).first).to_be_visible()
    assert pg.selected("mechanics-point").startswith("Point 1: (")

    # another training point: other numbers
    before = table.inner_text()
    page.get_by_label("Training point", exact=True).click()
    pg.run_after(lambda: page.get_by_role("option").nth(2).click())
    expect(table).not_to_have_text(before)
    assert pg.selected("mechanics-point").startswith("Point 3: (")

    # a click on neuron 2 of layer 2 in the network view: the panel follows it
    pg.run_after(lambda: pg.node(2, 1).click())
    expect(page.get_by_text("Neuron 2 of layer 2", exact=False).first).to_be_visible(timeout=15_000)
    expect(panel_tables(pg).first).to_contain_text("neuron 4 of layer 1")
    show_panel(pg)
    screenshot(page, "playground-inside-one-neuron")

    # training changes the weights: after a pause the panel shows the new numbers
    before = panel_tables(pg).first.inner_text()
    pg.play()
    page.wait_for_timeout(1_000)
    pg.pause()
    expect(panel_tables(pg).first).not_to_have_text(before, timeout=15_000)
    expect(page.get_by_text("Neuron 2 of layer 2", exact=False).first).to_be_visible()
    assert page_errors(page) == []


def test_one_gradient_step_shows_the_chain_rule_and_applies_the_step(pg: PlaygroundPage) -> None:
    page = pg.page
    pg.open_panel("One gradient step")
    expect(page.get_by_text("Output layer", exact=False).first).to_be_visible()
    expect(page.get_by_text("Hidden layer 1", exact=False).first).to_be_visible()
    expect(panel_tables(pg).first).to_contain_text("the output")
    outcome = page.get_by_text(re.compile(r"the loss on this point (falls|rises) from"))
    expect(outcome).to_be_visible()
    before_text = outcome.inner_text()
    index = pg.link_param_index(1, 0, 0)  # weight of layer 2's first link, in the view
    weight = pg.param(index)
    heatmap = pg.heatmap_src()
    pg.run_after(lambda: pg.button("apply-step").click())
    expect(outcome).not_to_have_text(before_text)  # the new network's step starts from a lower loss
    assert pg.param(index) != weight  # the network view shows the changed weights
    assert pg.heatmap_src() != heatmap  # and the boundary moved
    expect(pg.epoch).to_have_text(EPOCH_ZERO)  # one step on one point is not an epoch
    show_panel(pg)
    screenshot(page, "playground-one-gradient-step")

    # a Step (an epoch of training, a click in the live part of the page) shows in the panel at once
    after_apply = outcome.inner_text()
    pg.run_after(pg.step)
    expect(outcome).not_to_have_text(after_apply, timeout=15_000)
    assert page_errors(page) == []
