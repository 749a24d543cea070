"""From 'Meet the data' to the Playground: a sample CSV loads in one click, and "Train on this in the
Playground" opens the Playground on the very points the learner looked at (handed over through their
session, not through the address)."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot, wait_idle
from playground.paths import DATASETS_DIR
from playground.toydata import generators
from tests.playground_page import EPOCH_ZERO, PlaygroundPage

pytestmark = pytest.mark.browser

SHOWN_POINTS = "el => { const d = el.getRootNode().__npv.data; return [d.points.train, d.points.test]; }"


def rounded(rows) -> set[tuple[float, float, int]]:
    return {(round(float(x), 4), round(float(y), 4), int(label)) for x, y, label in rows}


def open_data(page, url: str) -> None:
    page.goto(f"{url}/data")
    wait_idle(page, timeout=60_000)


def train_in_playground(page, url: str) -> PlaygroundPage:
    page.get_by_role("button", name="Train on this in the Playground").click()
    pg = PlaygroundPage(page, url)
    expect(pg.epoch).to_be_visible(timeout=60_000)
    pg.wait_idle()
    assert "/playground" in page.url
    return pg


def test_a_sample_loads_in_one_click_and_trains_in_the_playground(app_server, page) -> None:
    open_data(page, app_server.url)
    page.get_by_role("tab", name="Your own CSV").click()
    page.get_by_role("button", name="two-moons.csv").click()
    wait_idle(page)
    expect(page.get_by_text("two-moons.csv: 200 points in 2 classes")).to_be_visible()
    expect(page.get_by_role("button", name="Train on this in the Playground")).to_be_visible()
    screenshot(page, "data-sample-loaded")

    pg = train_in_playground(page, app_server.url)
    expect(page.get_by_text("Training on your CSV file")).to_be_visible()
    expect(pg.epoch).to_have_text(EPOCH_ZERO)
    train, test = pg.view.evaluate(SHOWN_POINTS)
    with (DATASETS_DIR / "samples" / "two-moons.csv").open() as file:
        rows = [(r["x"], r["y"], r["label"]) for r in csv.DictReader(io.StringIO(file.read()))]
    assert len(train) + len(test) == 200
    assert rounded(train) | rounded(test) == rounded(rows)  # the sample's points, every one
    for name in ("Circle", "XOR"):  # no generated dataset is the one in use
        expect(pg.dataset(name)).to_have_attribute("aria-pressed", "false")
    assert len(page.url) < 1000 and "-3.607" not in page.url  # the address holds settings, not the points
    pg.step()  # and it trains
    expect(pg.epoch).to_have_text("000,001")
    assert page_errors(page) == []
    screenshot(page, "playground-from-sample")


def test_a_toy_dataset_trains_in_the_playground_on_the_same_points(app_server, page) -> None:
    open_data(page, app_server.url)
    page.get_by_label("Dataset", exact=True).click()
    page.get_by_role("option", name="Spiral", exact=True).click()
    wait_idle(page)
    noise = page.get_by_role("slider").first  # Noise (the first slider of the toy tab)
    noise.focus()
    noise.press("ArrowRight")  # 5
    wait_idle(page)
    noise.press("ArrowRight")  # 10
    wait_idle(page)
    expect(noise).to_have_value("10")
    pg = train_in_playground(page, app_server.url)
    pg.expect_query(dataset="spiral", noise="10", percTrainData="50", seed="0.12345")
    expect(pg.dataset("Spiral")).to_have_attribute("aria-pressed", "true")
    shown, _ = generators.make_data("spiral", 10, 50, "0.12345")  # what Meet the data drew for that seed
    train, _test = pg.view.evaluate(SHOWN_POINTS)
    assert rounded(train) == rounded(zip(shown.train_x[:, 0], shown.train_x[:, 1], shown.train_y, strict=True))
    assert page_errors(page) == []
