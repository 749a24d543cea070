"""Shared fixtures: a running app server and a Chromium page for the browser tests."""

from __future__ import annotations

import pytest

from harness.app_server import AppServer
from harness.browser import launch_browser


@pytest.fixture(scope="session")
def app_server():
    """One app server for the browser tests of this run, stopped by its PID at the end."""
    server = AppServer()
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url():
    """One throw-away PostgreSQL for the storage tests of this run (each test leaves it clean)."""
    from harness.services import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (a new learner) per test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
