"""Browser tests of the Embeddings lesson: choosing a layer, each projection (PCA, progressive t-SNE, UMAP),
hovering a point, its nearest neighbours, the layers side by side, recording training snapshots and the
2D Playground network as the source.

Each test is a fresh browser context (a new learner), with a quick digit network trained on the page.
"""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from playwright.sync_api import expect

from harness.browser import page_errors, screenshot
from harness.lesson_page import LessonPage, percent

pytestmark = pytest.mark.browser

LAYERS = {"Input pixels (784)": 784, "Hidden dense1 (256 units)": 256, "Output logits (10)": 10}
ITERATION = re.compile(r"^Iteration (\d+) of 1000")


@pytest.fixture
def lp(app_server, page) -> LessonPage:
    """The lesson with a quick digit network (one epoch of the default MLP)."""
    lesson = LessonPage(page, app_server.url, "embeddings").open("embeddings")
    lesson.quick_model()
    lesson.caption_matching(r"^MLP 784 → 256 → 10, 1\.00 epochs · 1,000 test digits$")
    return lesson


def scatter(lp: LessonPage, n: int = 0):
    return lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').nth(n)


def points(lp: LessonPage, n: int = 0):
    return scatter(lp, n).locator('path[aria-roledescription="circle"]')


def use_250_points(lp: LessonPage) -> None:
    assert lp.slider_value("n-points") == "1000"
    lp.nudge("n-points", "ArrowLeft")
    assert lp.nudge("n-points", "ArrowLeft") == "250"
    lp.caption_matching(r"· 250 test digits$")
    expect(points(lp)).to_have_count(250)


def free_point(lp: LessonPage) -> tuple[int, float, float]:
    """A point of the scatter that no other point covers: (index among the marks, x, y) on the page."""
    chart = scatter(lp)
    chart.scroll_into_view_if_needed()
    marks = points(lp)
    index = marks.evaluate_all(
        """ps => ps.findIndex(p => {
             const r = p.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
             return y > 0 && y < window.innerHeight && document.elementFromPoint(x, y) === p; })""")
    assert index >= 0, "every point is covered or off screen"
    box = marks.nth(index).bounding_box()
    return index, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def iteration(lp: LessonPage) -> tuple[int, str]:
    match = lp.caption_matching(ITERATION)
    return int(match.group(1)), match.string


# ------------------------------------------------------------------------------------------------ layers, PCA


def test_each_layer_and_the_pca_components(lp: LessonPage) -> None:
    page = lp.page
    expect(page.get_by_label("Layer", exact=True)).to_have_value("Hidden dense1 (256 units)")
    lp.caption_matching(r"^Hidden dense1 \(256 units\): 256 numbers per point\.$")
    expect(points(lp)).to_have_count(1000)
    for label, size in LAYERS.items():
        lp.choose("Layer", label)
        lp.caption_matching(rf"^{re.escape(label)}: {size} numbers per point\.$")
        expect(points(lp)).to_have_count(1000)
        assert page_errors(page) == []

    # the component choosers: "PC k (share of the variance)", for the layer shown (here the logits)
    horizontal, vertical = page.get_by_label("Horizontal", exact=True), page.get_by_label("Vertical", exact=True)
    expect(horizontal).to_have_value(re.compile(r"^PC 1 \(\d+%\)$"))
    expect(vertical).to_have_value(re.compile(r"^PC 2 \(\d+%\)$"))
    both = lp.caption_matching(r"^These two components explain (\d+)% of the variance; the first (\d+): (\d+)%\.$")
    shares = pc_choices(lp, "Vertical")
    assert [name for name, _ in shares] == [f"PC {i + 1}" for i in range(int(both.group(2)))]
    assert abs(int(both.group(1)) - (shares[0][1] + shares[1][1])) <= 1
    assert abs(int(both.group(3)) - sum(share for _, share in shares)) <= len(shares) / 2 + 1
    assert [s for _, s in shares] == sorted((s for _, s in shares), reverse=True)

    vertical.click()
    third = page.get_by_role("option").nth(2)
    label = third.inner_text()
    lp.after(third.click)
    expect(vertical).to_have_value(label)
    now = lp.caption_matching(r"^These two components explain (\d+)% of the variance")
    assert abs(int(now.group(1)) - (shares[0][1] + shares[2][1])) <= 1  # PC 1 + PC 3
    assert page_errors(page) == []


def test_more_points_than_the_test_set_holds(lp: LessonPage) -> None:
    """MNIST-5k has 1,000 test digits: asking for 5,000 adds training digits, and says so."""
    assert lp.nudge("n-points", "End") == "5000"
    lp.caption_matching(r"· 1,000 test digits \+ 4,000 training digits$")
    # this many points are drawn on a canvas (no SVG mark per point): hovering shows a digit
    chart = scatter(lp)
    expect(chart.locator("canvas").first).to_be_visible(timeout=60_000)
    box = chart.locator("canvas").first.bounding_box()
    tooltip = lp.page.locator("#vg-tooltip-element")
    for fx in (0.5, 0.4, 0.6, 0.3, 0.7):
        for fy in (0.5, 0.4, 0.6):
            lp.page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"], steps=3)
            if "visible" in (tooltip.get_attribute("class") or "") if tooltip.count() else False:
                break
        else:
            continue
        break
    expect(tooltip.locator("img")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    assert page_errors(lp.page) == []
    screenshot(lp.page, "embeddings-5000")


def pc_choices(lp: LessonPage, label: str) -> list[tuple[str, int]]:
    """The options of a component chooser: [("PC 1", 26), ...]."""
    box, options = lp.page.get_by_label(label, exact=True), lp.page.get_by_role("option")
    for _ in range(3):  # (the first click after a page run may only focus the box)
        box.click()
        with contextlib.suppress(AssertionError):
            expect(options.first).to_be_visible(timeout=1_500)
            break
    texts = options.all_inner_texts()
    lp.page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    parsed = [re.match(r"^(PC \d+) \((\d+)%\)$", text) for text in texts]
    assert texts and all(parsed), texts
    return [(m.group(1), int(m.group(2))) for m in parsed]


def chosen_share(lp: LessonPage) -> int:
    """The share of the variance the Horizontal and Vertical boxes say their components explain."""
    values = [lp.page.get_by_label(label, exact=True).input_value() for label in ("Horizontal", "Vertical")]
    return sum(int(re.search(r"\((\d+)%\)$", value).group(1)) for value in values)


def test_the_component_choosers_show_the_layers_shares(lp: LessonPage) -> None:
    share = lp.caption_matching(r"^These two components explain (\d+)% of the variance")
    assert abs(chosen_share(lp) - int(share.group(1))) <= 1  # the first layer shown: right
    lp.choose("Layer", "Input pixels (784)")
    share = lp.caption_matching(r"^These two components explain (\d+)% of the variance")
    lp.idle()
    assert abs(chosen_share(lp) - int(share.group(1))) <= 1


# ------------------------------------------------------------------------------------------------ t-SNE, UMAP


def test_tsne_runs_progressively_pauses_and_finishes(lp: LessonPage) -> None:
    page = lp.page
    use_250_points(lp)
    lp.radio("Projection", "t-SNE", wait=False)  # the page goes on running: t-SNE draws as it goes
    run_button = lp.key("tsne-run").get_by_role("button")
    expect(run_button).to_have_text(re.compile(r"Pause$"), timeout=60_000)
    start, _ = iteration(lp)
    end = time.monotonic() + 60  # (the first steps on this server compile t-SNE's kernels)
    while iteration(lp)[0] == start:
        assert time.monotonic() < end, "t-SNE did not move on"
        time.sleep(0.05)
    run_button.click()  # Pause, as soon as it has moved
    expect(run_button).to_have_text(re.compile(r"Run$"), timeout=15_000)
    lp.idle()
    paused, text = iteration(lp)
    assert start < paused < 1000 and "done" not in text
    screenshot(page, "embeddings-tsne-paused")
    time.sleep(1.0)
    assert iteration(lp)[0] == paused  # it waits

    run_button.click()  # Run: on from where it was, the caption counting up
    expect(run_button).to_have_text(re.compile(r"Pause$"), timeout=15_000)
    seen = [paused]
    end = time.monotonic() + 60
    while "done" not in lp.caption_matching(ITERATION).string:
        assert time.monotonic() < end, f"t-SNE did not finish: {seen}"
        seen.append(iteration(lp)[0])
        time.sleep(0.05)
    assert seen == sorted(seen) and len(set(seen)) > 2, seen
    expect(page.get_by_text("Iteration 1000 of 1000 — done")).to_be_visible()
    lp.idle()
    expect(run_button).to_be_disabled()
    expect(run_button).to_have_text(re.compile(r"Run$"))
    expect(points(lp)).to_have_count(250)
    assert page_errors(page) == []


def test_umap_projects_the_layer(lp: LessonPage) -> None:
    use_250_points(lp)
    # the first UMAP on this server compiles numba code: ~20 s on a quiet machine
    lp.radio("Projection", "UMAP", timeout=90_000)
    expect(points(lp)).to_have_count(250, timeout=90_000)
    expect(lp.slider("umap-n")).to_have_attribute("aria-valuetext", "15")
    expect(lp.alert("Warning")).to_have_count(0)
    assert page_errors(lp.page) == []
    screenshot(lp.page, "embeddings-umap")


# ------------------------------------------------------------------------------------------------ hover, neighbours


def test_hover_shows_the_digit_and_a_click_lists_its_neighbours(lp: LessonPage) -> None:
    page = lp.page
    expect(page.get_by_text("Click a point to see its nearest neighbours in this layer's space.")).to_be_visible()
    _, x, y = free_point(lp)
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y, steps=5)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_have_class(re.compile(r"\bvisible\b"))
    expect(tooltip.locator("img")).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    expect(tooltip).to_contain_text("read as")
    shown = int(tooltip.locator("tr", has_text="idx").locator("td.value").inner_text())
    screenshot(page, "embeddings-hover")

    lp.after(lambda: page.mouse.click(x, y))
    heading = page.get_by_text(re.compile(r"Its 10 nearest neighbours \(cosine\), nearest first:$"))
    expect(heading).to_be_visible()
    assert heading.inner_text().startswith(f"Point {shown}: label ")
    table = lp.grid(lp.dataframes().first)
    assert table["header"] == ["point", "label", "read as", "distance"]
    assert table["count"] == 10
    cosine = [float(row[3]) for row in table["rows"]]
    assert cosine == sorted(cosine)
    assert str(shown) not in [row[0] for row in table["rows"]]  # not its own neighbour
    lp.caption_matching(r"^\d+% of the neighbours share its label\.$")

    assert lp.nudge("k", "ArrowRight") == "11"
    expect(page.get_by_text(re.compile(r"Its 11 nearest neighbours \(cosine\)"))).to_be_visible()
    assert lp.grid(lp.dataframes().first, until=lambda g: g["count"] == 11)["count"] == 11

    lp.radio("Distance", "euclidean")
    expect(page.get_by_text(re.compile(r"Its 11 nearest neighbours \(euclidean\), nearest first:$"))).to_be_visible()
    table = lp.grid(lp.dataframes().first, until=lambda g: [float(r[3]) for r in g["rows"]][:3] != cosine[:3])
    euclidean = [float(row[3]) for row in table["rows"]]
    assert euclidean == sorted(euclidean) and euclidean[0] > cosine[0]
    assert page_errors(page) == []


# ------------------------------------------------------------------------------------------------ side by side


def test_layers_side_by_side(lp: LessonPage) -> None:
    lp.segment("Layers side by side")
    expect(lp.page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')).to_have_count(3)
    for n, title in enumerate(LAYERS):
        expect(scatter(lp, n).locator("text", has_text=title).first).to_be_attached()
        expect(points(lp, n)).to_have_count(1000)
    knn = {size: percent(lp.metric(f"k-NN accuracy, {size} dims")) for size in LAYERS.values()}
    assert all(10 < a <= 100 for a in knn.values())
    assert knn[256] > knn[784]  # the hidden layer separates the classes better than the pixels
    assert page_errors(lp.page) == []


# ------------------------------------------------------------------------------------------------ across training


def record(lp: LessonPage, epochs: int, per_epoch: str) -> None:
    lp.segment("Across training")
    expect(lp.page.get_by_text("Nothing recorded yet.")).to_be_visible()
    lp.set_number("Epochs", epochs)
    while lp.slider_value("rec-per-epoch") != per_epoch:
        lp.nudge("rec-per-epoch", "ArrowLeft")
    lp.press("Record", timeout=120_000)
    expect(lp.key("snap")).to_be_visible(timeout=60_000)


def snapshot_epochs(lp: LessonPage) -> list[str]:
    """Every value of the Snapshot slider, first to last (the thumb is left on the last)."""
    values = [lp.nudge("snap", "Home")]
    thumb = lp.slider("snap")
    for _ in range(20):
        thumb.focus()
        thumb.press("ArrowRight")
        try:
            expect(thumb).not_to_have_attribute("aria-valuetext", values[-1], timeout=2_000)
        except AssertionError:  # the last one
            return values
        lp.idle()
        values.append(thumb.get_attribute("aria-valuetext") or "")
    raise AssertionError(f"more snapshots than the recorder keeps: {values}")


def test_across_training_records_snapshots(lp: LessonPage) -> None:
    page = lp.page
    record(lp, epochs=1, per_epoch="2")
    assert lp.slider_value("snap") == "epoch 1.00"
    title = scatter(lp).locator("text", has_text="Hidden dense1 (256 units) at epoch")
    expect(title.first).to_have_text("Hidden dense1 (256 units) at epoch 1.00")
    trained = lp.metric("k-NN accuracy in this layer")

    assert lp.nudge("snap", "Home") == "epoch 0.00"
    expect(title.first).to_have_text("Hidden dense1 (256 units) at epoch 0.00")
    assert lp.metric("k-NN accuracy in this layer") != trained
    assert percent(lp.metric("k-NN accuracy in this layer")) < percent(trained)

    middle = lp.nudge("snap", "ArrowRight")
    assert re.match(r"^epoch (0\.\d\d|1\.00)$", middle)
    expect(title.first).to_have_text(f"Hidden dense1 (256 units) at {middle}")
    expect(points(lp)).to_have_count(1000)
    assert page_errors(page) == []
    screenshot(page, "embeddings-across-training")


def test_recording_takes_the_snapshots_asked_for(lp: LessonPage) -> None:
    record(lp, epochs=1, per_epoch="4")
    epochs = snapshot_epochs(lp)
    assert len(epochs) == 5, epochs  # before training, then after each quarter epoch


# ------------------------------------------------------------------------------------------------ 2D source


def test_the_2d_playground_network_as_the_source(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "embeddings").open("embeddings")
    lp.radio("Network", "Your 2D Playground network", timeout=90_000)
    lp.caption_matching(r"^a spiral network trained here \(8-8-2\), epoch 400 · 500 points$")
    expect(page.get_by_text("There is no trained digit network yet")).to_have_count(0)
    expect(points(lp)).to_have_count(500)
    lp.choose("Layer", "Hidden layer 1 (8 neurons)")
    lp.caption_matching(r"^Hidden layer 1 \(8 neurons\): 8 numbers per point\.$")
    lp.choose("Layer", "Input features (4)")
    lp.caption_matching(r"^Input features \(4\): 4 numbers per point\.$")
    expect(points(lp)).to_have_count(500)

    _, x, y = free_point(lp)
    lp.after(lambda: page.mouse.click(x, y))
    expect(page.get_by_text(re.compile(r"Its 10 nearest neighbours \(cosine\), nearest first:$"))).to_be_visible()
    assert lp.grid(lp.dataframes().first)["count"] == 10

    lp.segment("Across training")
    expect(lp.alert("Info")).to_contain_text("Recording training snapshots is for the digit network")
    assert page_errors(page) == []


def test_the_2d_networks_layers_side_by_side(app_server, page) -> None:
    lp = LessonPage(page, app_server.url, "embeddings").open("embeddings")
    lp.radio("Network", "Your 2D Playground network", timeout=90_000)
    lp.segment("Layers side by side")
    # input features, hidden layers 1, 2 and 3, and the one-number output drawn as a strip
    expect(page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')).to_have_count(5)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(5)
    output = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').filter(
        has=page.locator("text", has_text="Output (1)"))  # (in the first column, under the input features)
    expect(output).to_have_count(1)
    expect(output.locator('path[aria-roledescription="circle"]')).to_have_count(500)
    assert lp.metric("k-NN accuracy, 1 dims")
    assert page_errors(page) == []
    screenshot(page, "embeddings-2d-side-by-side")

    lp.segment("Project a layer")
    lp.choose("Layer", "Output (1)")
    lp.caption_matching(r"^One number per point: it is the horizontal position")
    expect(page.get_by_label("Horizontal", exact=True)).to_have_count(0)
    expect(points(lp)).to_have_count(500)
    assert page_errors(page) == []
