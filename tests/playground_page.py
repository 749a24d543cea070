"""A page object for the Playground lesson's browser tests: where things are and small actions.

The network view is a custom component in an (open) shadow root: Playwright's CSS locators pierce it.
Its view object hangs on that shadow root as `__npv` (see playground/ui/web/network_view.js), which is
how a test finds a link on the canvas or reads the loss chart's history.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlparse

from playwright.sync_api import Locator, Page, expect

from harness.browser import after_run, script_runs, wait_idle

VIEW = "el.getRootNode().__npv"  # the NetworkView object, from any element of the view
EPOCH_ZERO = "000,000"


def epoch_text(n: int) -> str:
    """The view's epoch counter for n: 50 -> '000,050'."""
    digits = f"{n:06d}"
    return f"{digits[:-3]},{digits[-3:]}"


class PlaygroundPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    # ------------------------------------------------------------------ opening
    def open(self, query: str = "", timeout: float = 120_000) -> PlaygroundPage:
        """Open the lesson (query: '' or '?key=value&...') and wait until it has drawn."""
        self.page.goto(f"{self.base_url}/playground{query}")
        wait_idle(self.page, timeout=timeout)
        expect(self.epoch).to_be_visible(timeout=timeout)
        return self

    def wait_idle(self, timeout: float = 30_000) -> None:
        wait_idle(self.page, timeout=timeout)

    def runs(self) -> int:
        """How many script runs this page has seen start since the count was set up."""
        return script_runs(self.page)

    def run_after(self, action: Callable[[], object], timeout: float = 30_000) -> None:
        """Do `action` and wait until the page run it causes has finished (see harness.after_run)."""
        after_run(self.page, action, timeout=timeout, start_within=5_000)

    # ------------------------------------------------------------------ the network view
    @property
    def view(self) -> Locator:
        return self.page.locator(".npv")

    @property
    def epoch(self) -> Locator:
        return self.page.locator('[data-testid="npv-epoch"]')

    @property
    def test_loss(self) -> Locator:
        return self.page.locator('[data-testid="npv-test-loss"]')

    @property
    def train_loss(self) -> Locator:
        return self.page.locator('[data-testid="npv-train-loss"]')

    @property
    def links(self) -> Locator:
        return self.page.locator("canvas.npv-links")

    @property
    def points(self) -> Locator:
        return self.page.locator("canvas.npv-points")

    @property
    def heatmap(self) -> Locator:
        return self.page.locator("img.npv-mapimg")

    @property
    def caption(self) -> Locator:
        return self.page.locator(".npv-caption")

    @property
    def legend(self) -> Locator:
        return self.page.locator(".npv-legend")

    @property
    def tip(self) -> Locator:
        return self.page.locator(".npv-tip")

    @property
    def editor(self) -> Locator:
        return self.page.locator("input.npv-edit")

    def feature(self, name: str) -> Locator:
        return self.page.locator(f'.npv-node[data-feature="{name}"]')

    def nodes(self, layer: int) -> Locator:
        return self.page.locator(f'.npv-node[data-layer="{layer}"]')

    def node(self, layer: int, index: int) -> Locator:
        return self.page.locator(f'.npv-node[data-layer="{layer}"][data-index="{index}"]')

    def bias(self, param_index: int) -> Locator:
        return self.page.locator(f'.npv-bias[data-index="{param_index}"]')

    def view_button(self, label: str) -> Locator:
        """+/- buttons: 'add a hidden layer', 'remove a neuron from layer 1', ..."""
        return self.page.locator(f'button[aria-label="{label}"]')

    def layer_headers(self) -> list[str]:
        """Each hidden layer's "4 neurons · Tanh" (as text: a narrow view shows it on two lines)."""
        return self.page.locator(".npv-count").all_text_contents()

    def dataset(self, label: str) -> Locator:
        return self.page.locator(f'button[aria-label="dataset {label}"]')

    def epoch_number(self) -> int:
        return int(self.epoch.inner_text().replace(",", ""))

    def frames(self) -> int:
        return int(self.view.get_attribute("data-frames") or 0)

    def link_count(self) -> int:
        return int(self.links.get_attribute("data-count"))

    def point_count(self) -> int:
        return int(self.points.get_attribute("data-points"))

    def heatmap_src(self) -> str:
        return self.heatmap.get_attribute("src") or ""

    def points_picture(self) -> str:
        """The points canvas as a PNG data URI (changes when other points are drawn)."""
        return self.points.evaluate("c => c.toDataURL()")

    def dark_pixels(self) -> int:
        """Pixels of the points canvas that are nearly black: the outlines of the test points."""
        return self.points.evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
                      for (let i = 0; i < d.length; i += 4) if (d[i+3] > 200 && d[i] + d[i+1] + d[i+2] < 120) n++;
                      return n; }"""
        )

    def chart_history(self) -> int:
        """How many points the loss chart holds."""
        return self.view.evaluate(f"el => {VIEW}.history.length")

    def first_chart_row(self) -> list[float]:
        """The loss chart's first point, [epoch, training loss, test loss]: a new network changes it."""
        return self.view.evaluate(f"el => {VIEW}.history[0]")

    def mounted_frame(self) -> dict:
        """The epoch, scores and big picture of the full view the page last sent (what the view shows,
        unless a training frame came later)."""
        return self.view.evaluate(
            f"el => {{ const f = {VIEW}.data.frame; return {{epoch: f.epoch, scores: f.scores, main: f.main}}; }}")

    def mounted_epoch(self) -> int:
        return self.mounted_frame()["epoch"]

    def link_midpoint(self, layer: int, to: int, source: int) -> tuple[float, float]:
        point = self.view.evaluate(f"(el, a) => {VIEW}.linkMidpoint(a[0], a[1], a[2])", [layer, to, source])
        assert point, f"no link {layer}:{source}->{to}"
        return point[0], point[1]

    def hover_link(self, layer: int, to: int, source: int) -> tuple[float, float]:
        x, y = self.link_midpoint(layer, to, source)
        self.page.mouse.move(x - 40, y - 40)  # off the link first, so the move below is a real move
        self.page.mouse.move(x, y, steps=4)
        return x, y

    def param(self, index: int) -> float:
        return self.view.evaluate(f"(el, i) => {VIEW}.params[i]", index)

    def link_param_index(self, layer: int, to: int, source: int) -> int:
        return self.view.evaluate(
            f"(el, a) => {VIEW}.links.find(l => l.layer === a[0] && l.to === a[1] && l.from === a[2]).index",
            [layer, to, source])

    # ------------------------------------------------------------------ Streamlit widgets
    def key(self, name: str) -> Locator:
        """A widget of the lesson by its key (Streamlit marks it with the class st-key-<key>; our keys are
        "playground:<generation>:<name>", see ui.widget_key)."""
        # the class token is st-key-playground-<generation>-<name>, optionally followed by -<variant>
        token = f"contains(concat(' ', normalize-space(@class), ' '), '-{name} ')"
        variant = f"contains(@class, '-{name}-')"
        return self.page.locator(f"xpath=//*[contains(@class, 'st-key-playground-') and ({token} or {variant})]").first

    def button(self, key: str) -> Locator:
        return self.key(key).get_by_role("button")  # a button with help has a hidden twin

    def play(self) -> None:
        expect(self.button("play")).to_contain_text("Play")
        self.button("play").click()
        expect(self.button("play")).to_contain_text("Pause", timeout=15_000)

    def pause(self) -> None:
        """Pause and wait until the page has stopped training and finished its run."""
        expect(self.button("play")).to_contain_text("Pause")
        self.button("play").click()
        expect(self.button("play")).to_contain_text("Play", timeout=15_000)
        self.wait_idle()

    def step(self) -> None:
        self.button("step").click()

    def reset(self) -> None:
        self.button("reset").click()

    def choose(self, label: str, option: str) -> None:
        """Pick an option of a selectbox."""
        self.page.get_by_label(label, exact=True).click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def selected(self, key: str) -> str:
        return self.key(key).get_by_role("combobox").input_value()

    def nudge_slider(self, key: str, presses: int = 1) -> None:
        """Move a data slider (its key is also its URL key) by its step with the keyboard, one step per
        page run: quicker key presses can leave the page's other widgets out of step."""
        thumb = self.key(key).get_by_role("slider")
        for _ in range(abs(presses)):
            thumb.focus()
            old = thumb.input_value()
            thumb.press("ArrowRight" if presses > 0 else "ArrowLeft")
            expect(thumb).not_to_have_value(old)
            self.expect_query(**{key: thumb.input_value()})
            self.wait_idle()

    def panel_button(self, name: str) -> Locator:
        return self.key("panel").get_by_role("radio", name=name)  # a segmented control's option

    def open_panel(self, name: str) -> None:
        """One of the panels below the view ('Show me the code', 'Save and open', ...)."""
        option = self.panel_button(name)
        if option.get_attribute("aria-checked") == "true":
            # shown as chosen, which may be stale (after 'Reset this lesson'): a click would close it
            self.run_after(option.click)
            expect(option).to_have_attribute("aria-checked", "false")
        self.run_after(option.click)
        expect(option).to_have_attribute("aria-checked", "true")

    def points_menu(self, action: str) -> None:
        """'Clear all points' or 'Restore the dataset', from the Points popover."""
        self.page.get_by_role("button", name="Points").click()
        self.page.get_by_role("button", name=action).click()

    # ------------------------------------------------------------------ the address
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlparse(self.page.url).query, keep_blank_values=True))

    def expect_query(self, **values: str) -> None:
        """Wait until the address holds these settings."""
        for key, value in values.items():
            pattern = re.compile(rf"[?&]{re.escape(key)}={re.escape(value).replace(',', '(,|%2C)')}(&|$)")
            expect(self.page).to_have_url(pattern, timeout=15_000)

    # ------------------------------------------------------------------ messages
    @property
    def warnings(self) -> Locator:
        return self.page.locator('[data-testid="stAlertContentWarning"]')

    @property
    def toasts(self) -> Locator:
        return self.page.locator('[data-testid="stToast"]')
