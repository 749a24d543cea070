"""Browser-test harness: start the app on a free 127.0.0.1 port, drive Debian's Chromium with Playwright.

Used by the browser tests (through conftest.py fixtures), by the benchmarks, and by developers who want
to look at a page: `python -m tests.harness shoot [url-path ...]` saves screenshots to tests/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: ask Linux to stop it when the test process dies (a killed test leaves no server)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class AppServer:
    """`streamlit run app.py` on 127.0.0.1, stopped by its PID."""

    def __init__(self, extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                 log_path: Path | None = None, script: str = "app.py") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or (SCREENSHOTS / f"server-{self.port}.log")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        args = [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            *(extra_args or []),
        ]
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, cwd=REPO_ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True, preexec_fn=_die_with_parent,
        )
        self.pid = self.process.pid

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Block until /_stcore/health answers ok; returns the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited early; see {self.log_path}:\n{self.log()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response,
            ):
                if response.read().strip() == b"ok":
                    return time.monotonic() - start
            time.sleep(0.1)
        raise TimeoutError(f"the app server did not answer /_stcore/health within {timeout} s")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def rss_bytes(self) -> int:
        """Resident memory of the server process (from /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def running_app(**kwargs) -> Iterator[AppServer]:
    server = AppServer(**kwargs)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


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
    import contextlib

    before = script_runs(page)
    action()
    with contextlib.suppress(Exception):
        page.wait_for_function("n => window.__npRuns > n", arg=before, timeout=start_within)
    wait_idle(page, timeout=timeout)


def wait_rerun(page, timeout: float = 60_000, start_within: float = 3_000) -> None:
    """After an action that reruns the app: wait until the rerun has started (if it does within
    `start_within` ms), then until the app is idle again. Avoids reading the page before the rerun."""
    import contextlib

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


def _shoot(paths: list[str]) -> None:
    with app_and_page(height=1000) as (server, page):
        for path in paths or [""]:
            page.goto(f"{server.url}/{path.lstrip('/')}")
            wait_idle(page, timeout=120_000)
            out = screenshot(page, "dev-" + (path.strip("/").replace("/", "_").replace("?", "_") or "home"))
            print(out, page_errors(page) or "no errors")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "shoot":
        _shoot(sys.argv[2:])
    else:
        print(__doc__)
