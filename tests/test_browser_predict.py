"""'Predict, then check' on the Playground, in Chromium: with the overfitting tryout's settings the page asks
whether the test loss will have risen by epoch 500, shows no answer until the learner commits a guess, and
answers from the run once it has passed epoch 500; "Ask me again" asks afresh."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from playground.tfplayground import predictions
from playground.tfplayground.lesson import Panel
from playground.tfplayground.tryouts import OVERFIT_QUERY
from tests.playground_page import PlaygroundPage

pytestmark = pytest.mark.browser


def test_commit_a_guess_then_run_past_epoch_500_and_see_the_answer(app_server, page) -> None:
    pg = PlaygroundPage(page, app_server.url)
    pg.open()
    expect(page.get_by_text("Predict, then check.")).to_have_count(0)  # TF's defaults: no question
    pg.open("?" + OVERFIT_QUERY)
    box = pg.key(f"predict-{predictions.OVERFITTING.key}")
    expect(box).to_contain_text(predictions.OVERFITTING.question)
    commit = box.get_by_role("button", name="Commit my guess")
    expect(commit).to_be_disabled()  # choose first
    expect(box).not_to_contain_text("the answer:")

    pg.run_after(lambda: box.get_by_text(predictions.YES, exact=True).click())
    expect(commit).to_be_enabled()
    pg.run_after(commit.click)
    expect(box).to_contain_text(f"You guessed {predictions.YES}")
    expect(box).not_to_contain_text("the answer:")  # epoch 0: not known yet

    pg.open_panel(Panel.OPTIONS)
    pg.key("run-n").locator("input").fill("520")
    pg.button("run-epochs").click()
    expect(box).to_contain_text("the answer:", timeout=120_000)
    expect(box).to_contain_text(re.compile(rf"You guessed {re.escape(predictions.YES)} — the answer: "
                                           rf"{re.escape(predictions.YES)}\. Right!"))
    expect(box).to_contain_text("overfitting")
    assert pg.epoch_number() >= predictions.CHECK_EPOCH
    pg.wait_idle(timeout=60_000)
    box.scroll_into_view_if_needed()
    screenshot(page, "predict-playground-answered")

    pg.run_after(box.get_by_role("button", name="Ask me again").click)
    expect(box.get_by_role("button", name="Commit my guess")).to_be_disabled()
    expect(box).not_to_contain_text("the answer:")
    assert page_errors(page) == []
