"""The multi-process class topology without containers: PostgreSQL, two app processes on loopback and the
shipped deploy/nginx.conf in front (HTTPS with a throw-away self-signed certificate), all from Debian's
packages. A learner signs in, plays and submits through nginx and the instructor, served by the other
process, sees the submission; a dropped WebSocket reconnects to the same process and the learner's work is
still there; and every page works under the Content-Security-Policy that nginx sends."""

from __future__ import annotations

import base64
import re
import secrets
import tomllib

import pytest
from playwright.sync_api import expect

from harness.app_server import AppServer
from harness.browser import page_errors, screenshot, wait_idle, wait_rerun
from harness.lesson_page import LessonPage
from harness.services import class_nginx, postgres_server
from playground.classroom.access import hash_password
from playground.paths import REPO_ROOT

pytestmark = pytest.mark.browser

# Every WebSocket the page opens, so that a test can drop one (as a flaky classroom network does).
_TRACK_SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.__npSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__npSockets.push(this); }
  };
})()"""


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    with postgres_server() as database:
        (root / "classroom.toml").write_text(
            f'[class]\ntitle = "Two-process class"\n\n[access]\nmode = "password"\n\n[storage]\nurl = "{database}"\n')
        (root / "secrets.toml").write_text(f'[classroom]\npassword_hash = "{hash_password("learn-it")}"\n'
                                           f'instructor_password_hash = "{hash_password("teach-it")}"\n'
                                           f'token_secret = "{secrets.token_urlsafe(32)}"\n')
        cookie_secret = secrets.token_hex(16)
        args = ["--secrets.files", str(root / "secrets.toml")]
        env = {"NP_CLASSROOM": str(root / "classroom.toml"), "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
               "NP_TORCH_THREADS": "1"}
        apps = [AppServer(env=env, extra_args=args) for _ in range(2)]
        try:
            for app in apps:
                app.wait_healthy()
            with class_nginx([app.port for app in apps]) as proxy:
                yield proxy
        finally:
            for app in apps:
                app.stop()


class Learner:
    """One browser (its own cookies) on one tab, with the app process that served each of its WebSockets
    (nginx's opaque X-Served-By on the handshake), and what its console said."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(_TRACK_SOCKETS)
        self.page = self.context.new_page()
        self.served_by: list[str] = []
        self.console: list[str] = []
        self.crashes: list[str] = []
        session = self.context.new_cdp_session(self.page)
        session.send("Network.enable")
        session.on("Network.webSocketHandshakeResponseReceived",
                   lambda e: self.served_by.append({k.lower(): v for k, v in e["response"]["headers"].items()}
                                                   .get("x-served-by", "")))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.crashes.append(str(e)))
        self.page.goto(url)
        wait_idle(self.page, timeout=90_000)
        assert self.served_by and self.served_by[-1] in {"app1", "app2"}, self.served_by

    def sign_in(self, password: str) -> None:
        self.page.get_by_label("Class password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        wait_rerun(self.page, timeout=60_000)
        expect(self.page.locator('[data-testid="stSidebarNav"]')).to_be_visible(timeout=30_000)  # a busy CI

    def drop_connection(self) -> None:
        """Close the page's WebSocket under it and wait until the page has reconnected and is idle."""
        sockets = self.page.evaluate("window.__npSockets.length")
        self.page.evaluate("window.__npSockets.at(-1).close()")
        self.page.wait_for_function(
            "n => window.__npSockets.length > n && window.__npSockets.at(-1).readyState === WebSocket.OPEN",
            arg=sockets, timeout=60_000)
        wait_idle(self.page, timeout=60_000)

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]

    def close(self) -> None:
        self.context.close()


def test_a_submission_made_on_one_process_shows_on_the_other(topology, browser) -> None:
    learner = Learner(browser, topology.url)
    learner.sign_in("learn-it")
    page = learner.page
    page.goto(topology.url + "/playground?dataset=spiral&networkShape=3,3")  # plays through nginx's WebSocket
    wait_idle(page, timeout=60_000)
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator('[data-testid="npv-epoch"]')).not_to_have_text("000,000", timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    page.get_by_text("Challenge: A small spiral solver").click()
    page.get_by_role("button", name="Check my network").click()
    wait_rerun(page)
    expect(page.get_by_label("Nickname")).to_be_visible(timeout=30_000)
    page.get_by_label("Nickname").fill("ada-on-one-process")
    page.get_by_role("button", name="Submit").click()
    wait_rerun(page)
    expect(page.get_by_text("Submitted.")).to_be_visible(timeout=30_000)  # a busy machine may start the run late

    # the instructor, on the other process (new browsers until nginx routes one there)
    for _ in range(12):
        instructor = Learner(browser, topology.url)
        if instructor.served_by[-1] != learner.served_by[-1]:
            break
        instructor.close()
    else:
        pytest.fail("nginx routed every new browser to the same process")
    instructor.sign_in("teach-it")
    board = instructor.page
    board.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Class board").click()
    wait_idle(board, timeout=60_000)
    expect(board.get_by_text("ada-on-one-process")).to_be_visible(timeout=20_000)
    screenshot(board, "deploy-class-board")
    assert page_errors(board) == [] and page_errors(page) == []
    learner.close()
    instructor.close()


def test_a_dropped_websocket_reconnects_to_the_same_process_and_the_work_is_still_there(topology, browser) -> None:
    learner = Learner(browser, topology.url)
    learner.sign_in("learn-it")
    lp = LessonPage(learner.page, topology.url, "mnist")
    # a trained digit network: the learner's work, in this process's memory
    lp.nav("Look inside the digit network", heading=re.compile(".+"))
    lp.quick_model()
    expect(lp.page.get_by_text("There is no trained digit network yet")).to_have_count(0)
    lp.nav("Playground", heading=re.compile(".+"))
    epoch = lp.page.locator('[data-testid="npv-epoch"]')
    lp.page.get_by_role("button", name="Play", exact=True).click()
    expect(epoch).not_to_have_text("000,000", timeout=20_000)
    lp.page.get_by_role("button", name="Pause").click()
    lp.idle()
    played = epoch.inner_text()
    process = learner.served_by[-1]

    # Streamlit's page checks /_stcore/health before each reconnect, and each check re-issues its XSRF
    # cookie with a new string: routed by that cookie, each reconnect had one chance in two to reach the
    # other process (and a new, empty session). Four drops in a row all come back to the same one.
    for _ in range(4):
        learner.drop_connection()
    assert set(learner.served_by) == {process}, learner.served_by
    assert len(learner.served_by) == 5

    # the same session: its digit network is there, not "no trained network yet"
    lp.nav("Look inside the digit network", heading=re.compile(".+"))
    expect(lp.page.get_by_text("There is no trained digit network yet")).to_have_count(0)
    expect(lp.page.get_by_role("button", name="Train a quick network here")).to_have_count(0)
    lp.nav("Playground", heading=re.compile(".+"))
    expect(epoch).to_have_text(played)  # the paused network, at the epoch it had reached
    assert page_errors(lp.page) == [] and learner.crashes == []
    learner.close()


def test_every_page_works_under_the_content_security_policy(topology, browser) -> None:
    instructor = Learner(browser, topology.url)
    instructor.sign_in("teach-it")
    page = instructor.page
    titles = [text.split("\n")[-1] for text in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
    lp = LessonPage(page, topology.url, "mnist")
    for title in titles:
        lp.nav(title, heading=re.compile(".+"))
        if page.get_by_role("button", name="Train a quick network here").count():
            lp.quick_model()  # the digit pages' pictures, charts and components
        if page.get_by_role("button", name="Play", exact=True).count():
            page.get_by_role("button", name="Play", exact=True).click()
            if page.locator('[data-testid="npv-epoch"]').count():  # the Playground's network view
                expect(page.locator('[data-testid="npv-epoch"]')).not_to_have_text("000,000", timeout=20_000)
            else:  # the GAN: its numbers line counts the iterations while the layered view plays
                expect(page.get_by_text(re.compile(r"^Iteration [1-9][\d,]*")).first).to_be_visible(timeout=20_000)
            page.get_by_role("button", name="Pause").click()
            lp.idle()
        if title == "Embeddings":  # Vega-Lite draws under this policy too (no eval)
            expect(page.locator('[data-testid="stVegaLiteChart"]').first.locator("svg, canvas").first).to_be_visible()
        assert page_errors(page) == [], title
    assert len(titles) >= 8, titles
    screenshot(page, "deploy-csp-last-page")
    assert instructor.csp_violations() == []
    assert instructor.crashes == []
    instructor.close()


def test_the_largest_message_fits_well_within_the_configured_limit(app_server, page) -> None:
    """server.maxMessageSize is what the app needs, not Streamlit's 200 MB: its largest message is the
    Embeddings scatter of 5,000 Fashion-MNIST points with their hover pictures (about 4 MB, measured)."""
    server = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())["server"]
    limit = server.get("maxMessageSize", 200) * 1_000_000
    assert limit <= 16_000_000, "server.maxMessageSize is left at (or near) Streamlit's default of 200 MB"
    sizes: list[int] = []
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.on("Network.webSocketFrameReceived", lambda e: sizes.append(
        len(base64.b64decode(e["response"]["payloadData"])) if e["response"]["opcode"] == 2 else 0))
    lp = LessonPage(page, app_server.url, "mnist").open("mnist-train?source=fashion-mnist&epochs=1")
    lp.after(lp.key("train").get_by_role("button").click, timeout=300_000)
    expect(page.locator('[data-testid="stProgress"]')).to_have_text("Epoch 1.00 of 1", timeout=300_000)
    lp.idle(timeout=300_000)
    lp.nav("Embeddings", timeout=120_000)
    assert lp.nudge("n-points", "End") == "5000"
    lp.caption_matching(r"· 5,000 test digits$")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first.locator("canvas").first).to_be_visible(
        timeout=60_000)
    assert page_errors(page) == []  # an oversized message would have become an error box
    assert 2_000_000 < max(sizes) < limit / 2, (max(sizes), limit)  # measured, and with room to spare
