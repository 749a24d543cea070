"""`python -m harness shoot [url-path ...]`: screenshots of the app's pages in tests/screenshots/, for a
developer to look at (a server and Chromium started and stopped here)."""

from __future__ import annotations

import sys

from harness.browser import app_and_page, page_errors, screenshot, wait_idle


def shoot(paths: list[str]) -> None:
    with app_and_page(height=1000) as (server, page):
        for path in paths or [""]:
            page.goto(f"{server.url}/{path.lstrip('/')}")
            wait_idle(page, timeout=120_000)
            out = screenshot(page, "dev-" + (path.strip("/").replace("/", "_").replace("?", "_") or "home"))
            print(out, page_errors(page) or "no errors")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "shoot":
        shoot(sys.argv[2:])
    else:
        print(__doc__)
