"""Debian's Chromium driven by Playwright with the project's flags, and how to wait for and time the app's
page in it: idle, the run an action causes, a redraw timed inside the page, errors shown, screenshots."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from harness.app_server import SCREENSHOTS, AppServer, running_app

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def chromium_path() -> str:
    """Debian's Chromium (never a browser downloaded by Playwright)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError("Chromium is not installed: run `sudo apt-get install -y chromium` (or .ci/run)")
    return path


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)


@contextlib.contextmanager
def app_and_page(width: int = 1400, height: int = 1100, **server_kwargs) -> Iterator[tuple[AppServer, object]]:
    """A server started here and one Chromium page (for benchmarks and screenshots); both stopped after."""
    from playwright.sync_api import sync_playwright

    with running_app(**server_kwargs) as server, sync_playwright() as p:
        browser = launch_browser(p)
        try:
            yield server, browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished and no skeleton placeholder is left."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0", timeout=timeout
    )
    page.wait_for_selector(IDLE, timeout=timeout)


_COUNT_RUNS = """() => {
  if (window.__npRuns === undefined) {
    window.__npRuns = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__npRuns++;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__npRuns;
}"""


def script_runs(page) -> int:
    """How many script runs the page has seen start (counted from the first call)."""
    return page.evaluate(_COUNT_RUNS)


def after_run(page, action, timeout: float = 60_000, start_within: float = 3_000) -> None:
    """Do `action`, wait until the run it causes has started (if one does within `start_within` ms: a very
    quick run may be drawn start and end at once, unseen) and until the app is idle again. wait_idle alone
    may pass before that run has even started."""
    before = script_runs(page)
    action()
    with contextlib.suppress(Exception):
        page.wait_for_function("n => window.__npRuns > n", arg=before, timeout=start_within)
    wait_idle(page, timeout=timeout)


def wait_rerun(page, timeout: float = 60_000, start_within: float = 3_000) -> None:
    """After an action that reruns the app: wait until the rerun has started (if it does within
    `start_within` ms), then until the app is idle again. Avoids reading the page before the rerun."""
    with contextlib.suppress(Exception):
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=start_within)
    wait_idle(page, timeout=timeout)


_REDRAWN = """([event, text]) => { window.__npRedrawn = new Promise((resolve) => {
  const app = document.querySelector('[data-testid="stApp"]');
  let start = null;
  document.addEventListener(event, (e) => { start = e.timeStamp; }, {capture: true, once: true});
  const done = () => start !== null && app.dataset.testScriptState === 'notRunning'
      && document.body.textContent.includes(text) && !document.querySelector('[data-testid="stSkeleton"]')
      && [...document.querySelectorAll('img')].every((i) => i.complete);
  const poll = () => done() ? requestAnimationFrame(() => resolve(performance.now() - start))
                            : requestAnimationFrame(poll);
  requestAnimationFrame(poll); }); }"""


def redraw_ms(page, event: str, text: str, action) -> float:
    """Milliseconds from the browser event `event` ('keydown', 'pointerup', …) that `action` causes to the
    page showing `text`, its script done, its pictures loaded and the next frame painted. Timed inside the
    page from the event's own time stamp, so the test driver's round trips are not counted."""
    page.evaluate(_REDRAWN, [event, text])
    action()
    return float(page.evaluate("window.__npRedrawn"))


def page_errors(page) -> list[str]:
    """Exception boxes and traceback text shown on the page (should be empty)."""
    problems = [
        page.locator('[data-testid="stException"]').nth(i).inner_text()
        for i in range(page.locator('[data-testid="stException"]').count())
    ]
    body = page.locator("body").inner_text()
    if "Traceback (most recent call last)" in body:
        problems.append("traceback text on the page")
    return problems


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


LOOKED_AT_SIZES = ((1400, 1000), (1280, 720))  # every page we touch is looked at in these two windows
_TO_THE_TOP = "document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })"


def screenshots_at_sizes(page, name: str, lower=None) -> None:
    """`name`-<w>x<h>.png at each of LOOKED_AT_SIZES from the top of the page, and scrolled to `lower` (a
    locator further down) as `name`-lower-<w>x<h>.png if given; the window is 1400×1000 again afterwards."""
    for width, height in LOOKED_AT_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(_TO_THE_TOP)
        page.wait_for_timeout(400)
        screenshot(page, f"{name}-{width}x{height}")
        if lower is not None:
            lower.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            screenshot(page, f"{name}-lower-{width}x{height}")
    page.set_viewport_size({"width": 1400, "height": 1000})
