"""The multi-process class topology without containers: PostgreSQL, two app processes and nginx from
Debian's packages, on loopback. A learner signs in, plays and submits through nginx; the instructor, served
by the other process, sees the submission on the class board."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from playground.access import hash_password
from playground.paths import REPO_ROOT
from tests.harness import AppServer, page_errors, screenshot, wait_idle, wait_rerun
from tests.services import nginx_server, postgres_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    with postgres_server() as database:
        (root / "classroom.toml").write_text(
            f'[class]\ntitle = "Two-process class"\n\n[access]\nmode = "password"\n\n[storage]\nurl = "{database}"\n')
        (root / "secrets.toml").write_text(f'[classroom]\npassword_hash = "{hash_password("learn-it")}"\n'
                                           f'instructor_password_hash = "{hash_password("teach-it")}"\n')
        cookie_secret = secrets.token_hex(16)
        args = ["--secrets.files", str(root / "secrets.toml")]
        env = {"NP_CLASSROOM": str(root / "classroom.toml"), "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
        apps = [AppServer(env=env, extra_args=args) for _ in range(2)]
        try:
            for app in apps:
                app.wait_healthy()
            site = (REPO_ROOT / "deploy" / "nginx.conf").read_text()
            site = site.replace("127.0.0.1:8501", f"127.0.0.1:{apps[0].port}")
            site = site.replace("127.0.0.1:8502", f"127.0.0.1:{apps[1].port}")
            site = site.replace("listen 80;", "listen 127.0.0.1:{port};")
            with nginx_server(site) as port:
                yield f"http://127.0.0.1:{port}", apps
        finally:
            for app in apps:
                app.stop()


def served_by(context, url: str):
    """Open a page in this browser context and return (page, the app process its WebSocket reached)."""
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    upstreams: list[str] = []
    session.on("Network.webSocketHandshakeResponseReceived",
               lambda e: upstreams.append({k.lower(): v for k, v in e["response"]["headers"].items()}
                                          .get("x-served-by", "")))
    page.goto(url)
    wait_idle(page, timeout=60_000)
    assert upstreams, "no WebSocket handshake seen"
    return page, upstreams[-1]


def sign_in(page, password: str) -> None:
    page.get_by_label("Class password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_rerun(page, timeout=60_000)
    expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible()


def test_a_submission_made_on_one_process_shows_on_the_other(topology, browser) -> None:
    url, apps = topology
    learner_context = browser.new_context()
    page, learner_upstream = served_by(learner_context, url)
    assert learner_upstream.split(":")[-1] in {str(a.port) for a in apps}
    sign_in(page, "learn-it")

    page.goto(url + "/playground?dataset=spiral&networkShape=3,3")  # plays through nginx's WebSocket
    wait_idle(page, timeout=60_000)
    page.get_by_role("button", name="Play").click()
    expect(page.locator('[data-testid="npv-epoch"]')).not_to_have_text("000,000", timeout=20_000)
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    page.get_by_text("Challenge: A small spiral solver").click()
    page.get_by_role("button", name="Check my network").click()
    wait_rerun(page)
    page.get_by_label("Nickname").fill("ada-on-one-process")
    page.get_by_role("button", name="Submit").click()
    wait_rerun(page)
    expect(page.get_by_text("Submitted.")).to_be_visible()

    # the instructor, on the other process (new browser contexts until one is routed there)
    for _ in range(12):
        instructor_context = browser.new_context()
        board, upstream = served_by(instructor_context, url)
        if upstream != learner_upstream:
            break
        instructor_context.close()
    else:
        pytest.fail("nginx routed every new browser to the same process")
    sign_in(board, "teach-it")
    board.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Class board").click()
    wait_idle(board, timeout=60_000)
    expect(board.get_by_text("ada-on-one-process")).to_be_visible(timeout=20_000)
    screenshot(board, "deploy-class-board")
    assert page_errors(board) == [] and page_errors(page) == []
    learner_context.close()
    instructor_context.close()


def test_the_deploy_files_agree() -> None:
    nginx = (REPO_ROOT / "deploy" / "nginx.conf").read_text()
    assert "hash $cookie__streamlit_xsrf" in nginx and "Upgrade $http_upgrade" in nginx
    assert "proxy_read_timeout 1d" in nginx
    compose = (REPO_ROOT / "deploy" / "compose.yaml").read_text()
    assert "COOKIE_SECRET" in compose and "postgres" in compose and "nginx" in compose
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    assert "download.pytorch.org/whl/cpu" in dockerfile and "STREAMLIT_SERVER_COOKIE_SECRET" in dockerfile
    assert Path(REPO_ROOT / "deploy" / "nginx-compose.conf").read_text().count("server app") == 2
