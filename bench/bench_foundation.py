"""Foundation (issue 2) and the Playground's memory (issue 3): how soon the first page is usable after the
server starts, and how much the server's memory grows while a learner plays for two minutes."""

from __future__ import annotations

import time

from playwright.sync_api import sync_playwright

from bench.report import header, line
from harness.app_server import AppServer
from harness.browser import launch_browser, wait_idle

DEEP = ("dataset=spiral&networkShape=8,8,8,8,8,8&x=true&y=true&xSquared=true&ySquared=true&xTimesY=true"
        "&sinX=true&sinY=true")


def main(play_seconds: float = 120.0) -> None:
    header("Start-up and memory")
    with sync_playwright() as p:
        browser = launch_browser(p)
        start = time.perf_counter()
        server = AppServer()
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            server.wait_healthy()
            page.goto(server.url)
            wait_idle(page, timeout=60_000)
            line("server start -> home page interactive", time.perf_counter() - start, "s", target=5,
                 higher_is_better=False, reference="issue 2")
            page.goto(f"{server.url}/playground?{DEEP}")
            wait_idle(page, timeout=120_000)
            page.get_by_role("button", name="Play").click()
            time.sleep(15)  # warm: caches, first allocations
            before = server.rss_bytes()
            time.sleep(play_seconds)
            grown = (server.rss_bytes() - before) / 2**20
            epoch = page.locator('[data-testid="npv-epoch"]').inner_text()
            line(f"server memory growth over {play_seconds:.0f} s of play (deep spiral, epoch {epoch})", grown, "MB",
                 target=20, higher_is_better=False, reference="issue 3")
        finally:
            server.stop()
            browser.close()


if __name__ == "__main__":
    main()
