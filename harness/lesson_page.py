"""Page helpers for the browser tests and benchmarks of the digit lessons (train, look inside, draw),
Embeddings and Adversarial examples: how to reach a widget, wait for the run an action causes, read a table.

A learner's session lives as long as the browser tab's connection: `page.goto` starts a new session
(a new learner), so the tests move between lessons with the sidebar's links (`LessonPage.nav`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from harness.browser import after_run, script_runs, wait_idle

PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")

_GRID_ROWS = """el => {
  const table = el.querySelector('table[role="grid"]');
  if (!table) return null;
  const text = cells => Array.from(cells).map(c => c.textContent.trim());
  return {
    header: text(table.querySelectorAll('thead [role="columnheader"]')),
    rows: Array.from(table.querySelectorAll('tbody tr')).map(r => text(r.querySelectorAll('td, th'))),
    count: Number(table.getAttribute('aria-rowcount')) - 1,
  };
}"""


def percent(text: str) -> float:
    """'86.2%' -> 86.2"""
    match = PERCENT.match(text.strip())
    assert match, f"not a percentage: {text!r}"
    return float(match.group(1))


class LessonPage:
    """One learner's tab. `lesson` is the widget-key prefix of the page's lesson state: "mnist" for the
    three digit pages, "embeddings", "adversarial" (see playground.ui.widget_key)."""

    def __init__(self, page: Page, base_url: str, lesson: str) -> None:
        self.page = page
        self.base_url = base_url
        self.lesson = lesson

    # ------------------------------------------------------------------ moving around
    def open(self, path: str, timeout: float = 120_000) -> LessonPage:
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}")
        wait_idle(self.page, timeout=timeout)
        expect(self.page.locator("h1").first).to_be_visible(timeout=timeout)
        return self

    def nav(self, title: str, heading: str | None = None, timeout: float = 60_000) -> None:
        """Go to another page with the sidebar's navigation (the same session, unlike page.goto); the
        page's title is `heading` (default: the link's text)."""
        link = self.page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)
        self.after(link.click, timeout=timeout)
        expect(self.page.locator("h1").first).to_have_text(heading or title, timeout=timeout)
        self.lesson_from_path()

    def lesson_from_path(self) -> None:
        path = self.page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        if path.startswith("mnist-"):
            self.lesson = "mnist"
        elif path in ("embeddings", "adversarial"):
            self.lesson = path

    # ------------------------------------------------------------------ waiting for the app
    def runs(self) -> int:
        """How many script runs this tab has seen start (counted from the first call)."""
        return script_runs(self.page)

    def after(self, action: Callable[[], object], timeout: float = 60_000, start_within: float = 3_000) -> None:
        """Do `action`, wait until the run it causes has started and until the app is idle again."""
        after_run(self.page, action, timeout=timeout, start_within=start_within)

    def idle(self, timeout: float = 60_000) -> None:
        wait_idle(self.page, timeout=timeout)

    # ------------------------------------------------------------------ widgets
    def key(self, name: str) -> Locator:
        """The container of the lesson's widget `name`: Streamlit marks it with the class
        st-key-<lesson>-<generation>-<name> (the generation is 0 until 'Reset this lesson'), or, for a widget
        that shows a setting (ui.settings_key), st-key-<lesson>-<generation>-s<settings generation>-<name>."""
        tokens = self.page.evaluate(
            """prefix => Array.from(document.querySelectorAll(`[class*="${prefix}"]`))
                 .flatMap(e => Array.from(e.classList)).filter(c => c.startsWith(prefix))""",
            f"st-key-{self.lesson}-")
        pattern = re.compile(rf"^st-key-{re.escape(self.lesson)}-\d+-(?:s\d+-)?{re.escape(name)}$")
        found = sorted({t for t in tokens if pattern.match(t)}, key=lambda t: (len(t), t))  # the newest last
        return self.page.locator("." + (found[-1] if found else f"st-key-{self.lesson}-0-{name}")).first

    def button(self, name: str, exact: bool = True) -> Locator:
        """A button of the page's main area by its text (the header has Streamlit's own 'Stop')."""
        main = self.page.locator('[data-testid="stMain"]')
        if exact:
            return main.get_by_role("button", name=name, exact=True)
        return main.get_by_role("button", name=re.compile(name))

    def press(self, name: str, timeout: float = 60_000, exact: bool = True) -> None:
        button = self.button(name, exact=exact)
        expect(button).to_be_enabled(timeout=timeout)
        self.after(button.click, timeout=timeout)

    def segment(self, option: str, timeout: float = 60_000) -> None:
        """Pick a view of a segmented control (its options are radio buttons)."""
        option_button = self.page.locator('[data-testid="stButtonGroup"]').get_by_role("radio", name=option, exact=True)
        if option_button.get_attribute("aria-checked") != "true":
            self.after(option_button.click, timeout=timeout)
        expect(option_button).to_have_attribute("aria-checked", "true")

    def radio(self, group: str, option: str, timeout: float = 60_000, wait: bool = True) -> None:
        """Pick an option of an st.radio by the group's label (its input is hidden: click the label).
        wait=False: only click (for a run that goes on, like a t-SNE drawing as it goes)."""
        group_locator = self.page.get_by_role("radiogroup", name=group, exact=True)
        label = group_locator.get_by_text(option, exact=True)
        if not wait:
            label.click()
            return
        self.after(label.click, timeout=timeout)
        expect(group_locator.get_by_role("radio", name=option, exact=True)).to_be_checked()

    def choose(self, label: str, option: str, timeout: float = 60_000) -> None:
        """Pick an option of a selectbox."""
        box = self.page.get_by_label(label, exact=True)
        # in the middle of the window first, as a learner scrolls to it: a box at the window's bottom edge,
        # scrolled to by the click itself, may close its list again at once
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.click()
        self.after(self.page.get_by_role("option", name=option, exact=True).click, timeout=timeout)
        expect(box).to_have_value(option)

    def guess_box(self, key_start: str) -> Locator:
        """The 'Predict, then check' box (ui.predict_then_check) of the question whose key starts with
        `key_start` ("fool-", "most-confused-")."""
        return self.page.locator(f'[data-testid="stMain"] [class*="-predict-{key_start}"]').first

    def commit_guess(self, key_start: str, choice: str, timeout: float = 60_000) -> Locator:
        """Choose `choice` in a 'Predict, then check' box and commit it; the box."""
        box = self.guess_box(key_start)
        self.after(box.get_by_role("radiogroup").get_by_text(choice, exact=True).click, timeout=timeout)
        commit = box.get_by_role("button", name="Commit my guess")
        expect(commit).to_be_enabled(timeout=timeout)
        self.after(commit.click, timeout=timeout)
        expect(box.get_by_role("button", name="Commit my guess")).to_have_count(0, timeout=timeout)
        return box

    def quick_adversarial(self, network_caption: re.Pattern[str]) -> LessonPage:
        """The adversarial lesson with a quick digit network (one epoch of the default MLP), its 'Fool one
        digit' question answered once at ε = 0.11 and ε back at 0.10: the view then shows each attack at once
        (tests/test_browser_help_lessons.py tests the question itself)."""
        self.open("adversarial")
        self.quick_model()
        self.caption_matching(network_caption)
        self.nudge("one-eps", "ArrowRight")
        self.commit_guess("fool-", "3")
        self.nudge("one-eps", "ArrowLeft")
        expect(self.button("Predict the next attack")).to_be_visible()
        return self

    def set_number(self, label: str, value: int) -> None:
        box = self.page.get_by_label(label, exact=True)
        if box.input_value() == str(value):
            return
        box.fill(str(value))
        self.after(lambda: box.press("Enter"))
        expect(box).to_have_value(str(value))

    def slider(self, name: str) -> Locator:
        """The thumb of the lesson's slider `name` (by its widget key)."""
        return self.key(name).get_by_role("slider")

    def slider_value(self, name: str) -> str:
        return self.slider(name).get_attribute("aria-valuetext") or ""

    def nudge(self, name: str, key: str, timeout: float = 60_000) -> str:
        """Press one key (ArrowLeft, ArrowRight, Home, End) on a slider and wait for its run; its new value."""
        thumb = self.slider(name)
        old = thumb.get_attribute("aria-valuetext")
        thumb.focus()
        self.after(lambda: thumb.press(key), timeout=timeout)
        expect(thumb).not_to_have_attribute("aria-valuetext", old or "")
        self.idle(timeout=timeout)
        return thumb.get_attribute("aria-valuetext") or ""

    def slide_to(self, name: str, value: float, timeout: float = 60_000) -> None:
        """Move a numeric slider to `value` with the arrow keys, one step (and one page run) at a time."""
        for _ in range(100):
            now = float(self.slider_value(name))
            if abs(now - value) < 1e-9:
                return
            self.nudge(name, "ArrowRight" if now < value else "ArrowLeft", timeout=timeout)
        raise AssertionError(f"slider {name} did not reach {value}")

    # ------------------------------------------------------------------ reading the page
    def captions(self) -> list[str]:
        return self.page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').all_inner_texts()

    def caption_matching(self, pattern: str | re.Pattern) -> re.Match:
        """The first caption of the main area that matches `pattern` (waits a little for it)."""
        regex = re.compile(pattern)
        end = time.monotonic() + 10
        while True:
            for text in self.captions():
                match = regex.search(text)
                if match:
                    return match
            if time.monotonic() > end:
                raise AssertionError(f"no caption matches {regex.pattern!r}: {self.captions()}")
            time.sleep(0.1)

    def metric(self, label: str) -> str:
        box = self.page.locator('[data-testid="stMetric"]').filter(
            has=self.page.locator('[data-testid="stMetricLabel"]', has_text=label))
        return box.locator('[data-testid="stMetricValue"]').inner_text().strip()

    def progress_text(self) -> str:
        return self.page.locator('[data-testid="stProgress"]').inner_text().strip()

    def images(self) -> Locator:
        return self.page.locator('[data-testid="stMain"] [data-testid="stImage"] img')

    def alert(self, kind: str) -> Locator:
        """The text of st.success / info / warning / error boxes (kind = Success, Info, Warning or Error),
        without their icon."""
        return self.page.locator(f'[data-testid="stAlertContent{kind}"] [data-testid="stMarkdownContainer"]')

    def dataframes(self) -> Locator:
        return self.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')

    def grid(self, frame: Locator, until: Callable[[dict], bool] = lambda g: True,
             timeout: float = 15.0) -> dict:
        """A dataframe's cells, read from the accessibility table the grid keeps inside its canvas
        (filled a moment after the grid draws): {"header": [...], "rows": [[...], ...], "count": n}.
        Numbers are the raw values (0.862, not the 86.2% the grid draws). Waits until `until(grid)`."""
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            last = frame.locator('canvas[data-testid="data-grid-canvas"]').evaluate(_GRID_ROWS)
            if last and last["rows"] and until(last):
                return last
            time.sleep(0.2)
        raise AssertionError(f"the table did not show what was expected: {last}")

    def quick_model(self, timeout: float = 90_000) -> None:
        """On a page that needs a digit network: 'Train a quick network here' (one epoch)."""
        expect(self.page.get_by_text("There is no trained digit network yet")).to_be_visible(timeout=timeout)
        self.press("Train a quick network here", timeout=timeout)
        expect(self.page.get_by_text("There is no trained digit network yet")).to_have_count(0, timeout=timeout)
