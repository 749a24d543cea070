"""The class deployment files: the shipped nginx configuration run in front of stand-in app processes (sticky
route key, HTTPS, security headers, limits), and the container files checked by their rules (no container
engine here: compose.yaml is parsed, the Dockerfile and .dockerignore are read)."""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import hashlib
import http.client
import http.server
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.services import class_nginx
from playground.classroom.storage_url import StorageUrlError, main, submissions_url
from playground.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
HEX32 = re.compile(r"np_route=([0-9a-f]{32});")


class _StubApp(http.server.ThreadingHTTPServer):
    """Stands in for one app process: says its name in every answer; a WebSocket upgrade is accepted and held
    open until the client leaves (as Streamlit's stream is)."""

    daemon_threads = True

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(handler) -> None:  # noqa: N805 - the stub's own name is `self` here
                self.seen.append(handler.path)
                if handler.headers.get("Upgrade", "").lower() == "websocket":
                    handler.send_response(101)
                    handler.send_header("Upgrade", "websocket")
                    handler.send_header("Connection", "Upgrade")
                    handler.end_headers()
                    handler.wfile.flush()
                    with contextlib.suppress(OSError):
                        while handler.rfile.read(1):
                            pass
                    handler.close_connection = True
                    return
                body = self.name.encode()
                handler.send_response(200)
                handler.send_header("Content-Type", "text/plain")
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@contextlib.contextmanager
def stub_class(conf: str = "nginx.conf") -> Iterator[tuple[object, list[_StubApp]]]:
    apps = [_StubApp("first"), _StubApp("second")]
    try:
        with class_nginx([a.server_address[1] for a in apps], conf) as proxy:
            yield proxy, apps
    finally:
        for app in apps:
            app.shutdown()
            app.server_close()


@pytest.fixture(scope="module")
def proxy():
    with stub_class() as (proxy, apps):
        yield proxy, apps


def _tls(proxy) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(proxy.certificate))  # verified: the certificate names 127.0.0.1


def get(proxy, path: str = "/", cookie: str | None = None, upgrade: bool = False, url: str | None = None):
    """One request through nginx; returns (status, headers as a list of pairs, body)."""
    host, port = (url or proxy.url).split("//")[1].split(":")
    plain = (url or proxy.url).startswith("http://")
    connection = (http.client.HTTPConnection(host, int(port), timeout=20) if plain
                  else http.client.HTTPSConnection(host, int(port), timeout=20, context=_tls(proxy)))
    headers = {"Cookie": cookie} if cookie else {}
    if upgrade:
        headers |= {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = b"" if response.status == 101 else response.read()
        return response.status, response.getheaders(), body.decode(errors="replace")
    finally:
        connection.close()


def header(headers, name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def served_by(proxy, apps, path: str, **kwargs) -> str:
    before = [len(a.seen) for a in apps]
    status, headers, body = get(proxy, path, **kwargs)
    assert status in (101, 200), (status, body)
    return next(a.name for a, n in zip(apps, before, strict=True) if len(a.seen) > n)


# ---------------------------------------------------------------------------------------------- sticky sessions

def test_a_browser_keeps_one_process_from_its_first_request_on(proxy) -> None:
    proxy, apps = proxy
    routes = set()
    for visit in range(24):  # 24 new browsers
        status, headers, first = get(proxy, "/playground")  # a first visit: no cookie yet
        cookies = header(headers, "Set-Cookie")
        assert status == 200 and len(cookies) == 1 and HEX32.search(cookies[0]), cookies
        assert all(flag in cookies[0] for flag in ("Path=/", "HttpOnly", "Secure", "SameSite=Lax"))
        key = HEX32.search(cookies[0]).group(1)
        later = set()
        for n in range(3):  # Streamlit's XSRF cookie string changes at every health check: no matter
            cookie = f"_streamlit_xsrf=2|{visit:04x}{n:04x}|aaaa|1700000000; np_route={key}"
            for path in ("/_stcore/health", "/static/js/index.js", "/playground"):
                later.add(served_by(proxy, apps, path, cookie=cookie))
            later.add(served_by(proxy, apps, "/_stcore/stream", cookie=cookie, upgrade=True))
            assert not header(get(proxy, "/", cookie=cookie)[1], "Set-Cookie")  # set once, then kept
        assert later == {first}, f"browser {visit}: first page from {first}, later requests from {later}"
        routes.add(first)
    assert routes == {"first", "second"}  # and browsers are spread over both processes


def test_a_forged_or_broken_route_key_is_replaced(proxy) -> None:
    proxy, apps = proxy
    for bad in ("../../etc", "x" * 300, "ABCDEF" * 6, "0" * 31):
        status, headers, _ = get(proxy, "/", cookie=f"np_route={bad}")
        assert status == 200 and HEX32.search(header(headers, "Set-Cookie")[0])


# ---------------------------------------------------------------------------------- HTTPS and security headers

def test_plain_http_is_sent_to_https(proxy) -> None:
    proxy, _ = proxy
    status, headers, _ = get(proxy, "/playground?dataset=spiral", url=proxy.http_url)
    assert status == 301
    assert header(headers, "Location") == ["https://127.0.0.1/playground?dataset=spiral"]


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/static/app.js", "/_stcore/metrics",
                                  "/_stcore/agent/openapi.json"])
def test_every_answer_has_the_security_headers_and_no_internal_address(proxy, path: str) -> None:
    proxy, apps = proxy
    status, headers, _ = get(proxy, path)
    csp = header(headers, "Content-Security-Policy")
    assert len(csp) == 1 and "frame-ancestors 'none'" in csp[0] and "default-src 'self'" in csp[0]
    assert "'unsafe-eval'" not in csp[0]
    assert header(headers, "X-Content-Type-Options") == ["nosniff"]
    assert header(headers, "Referrer-Policy") == ["same-origin"]
    assert header(headers, "Strict-Transport-Security")
    assert header(headers, "Server") == ["nginx"]  # server_tokens off: no version
    ports = {str(a.server_address[1]) for a in apps}
    for name, value in headers:
        assert "127.0.0.1" not in value and not any(p in value for p in ports), f"{name}: {value}"
    if path.startswith(("/_stcore/metrics", "/_stcore/agent/")):
        assert status == 404  # Streamlit's server metrics (and agent API) are not served to the public
    else:
        assert header(headers, "X-Served-By")[0] in {"app1", "app2"}  # an opaque name


def test_the_policy_allows_streamlits_inline_script_by_its_hash() -> None:
    """The one inline script of Streamlit's index.html runs under the CSP (a Streamlit upgrade that changes
    it fails here, not on a learner's page)."""
    import streamlit

    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index, re.S)
    assert inline
    csp = re.search(r'Content-Security-Policy "([^"]+)"', (DEPLOY / "nginx.conf").read_text()).group(1)
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


# ------------------------------------------------------------------------------------------------------ limits

def _many(proxy, n: int, path: str, upgrade: bool = False, hold: bool = False):
    """n requests at once from one address (like a class behind one NAT); returns their statuses."""
    held: list[socket.socket] = []

    def one(i: int) -> int:
        if not hold:
            return get(proxy, path, cookie=f"np_route={i:032x}", upgrade=upgrade)[0]
        port = int(proxy.url.rsplit(":", 1)[1])
        raw = _tls(proxy).wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                                      server_hostname="127.0.0.1")
        raw.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: np_route={i:032x}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n").encode())
        status = int(raw.recv(4096).split(b" ", 2)[1])
        held.append(raw)
        return status

    try:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            return list(pool.map(one, range(n)))
    finally:
        for sock in held:
            sock.close()


def test_a_class_of_60_behind_one_address_gets_in_and_a_flood_does_not() -> None:
    with stub_class() as (proxy, _):
        # 60 learners with up to three tabs each open their pages and WebSockets, all at once, and keep them
        assert set(_many(proxy, 180, "/playground")) == {200}
        for probe in ("/playground/_stcore/health", "/playground/_stcore/host-config"):  # each page load's
            assert set(_many(proxy, 180, probe)) == {200}
        assert set(_many(proxy, 180, "/_stcore/stream", hold=True)) == {101}
        assert set(_many(proxy, 400, "/static/js/chunk.js")) == {200}  # a page's files are not limited
        # one client opening sessions (and trying passwords) as fast as it can is held back
        flood = _many(proxy, 600, "/_stcore/stream", upgrade=True)
        assert flood.count(429) > 200, flood.count(429)
        pages = _many(proxy, 600, "/")
        assert pages.count(429) > 200, pages.count(429)


def test_open_websockets_per_address_are_capped() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text()
    stream = nginx[nginx.index("location = /_stcore/stream"):]
    stream = stream[:stream.index("}")]
    cap = int(re.search(r"limit_conn np_streams (\d+);", stream).group(1))
    assert 180 <= cap <= 400  # a class of 60 with three tabs each fits; one client cannot open thousands
    assert "limit_conn_zone $binary_remote_addr zone=np_streams" in nginx


# ------------------------------------------------------------------------------------------- compose's nginx

def _directives(conf: str) -> list[str]:
    """The configuration without comments and upstream addresses (which differ between the two files)."""
    lines = [line.split("#", 1)[0].rstrip() for line in conf.splitlines()]
    return [line for line in lines if line.strip() and not re.search(r"127\.0\.0\.1:850\d|app\d:8501", line)]


def test_the_compose_nginx_is_the_loopback_one_with_other_upstreams() -> None:
    loopback, compose = (DEPLOY / "nginx.conf").read_text(), (DEPLOY / "nginx-compose.conf").read_text()
    assert _directives(loopback) == _directives(compose)
    assert re.findall(r"server (app\d):8501", compose) == ["app1", "app2"]


def test_the_compose_nginx_runs_and_names_no_process() -> None:
    with stub_class("nginx-compose.conf") as (proxy, apps):
        status, headers, body = get(proxy, "/")
        assert status == 200 and body in {"first", "second"}
        assert not header(headers, "X-Served-By")  # the containers' addresses are not known in advance


# -------------------------------------------------------------------------------------------- the containers

def _glob(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as a regular expression (Go's filepath.Match, plus ** for any directories)."""
    parts, out = pattern.strip("/").split("/"), []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
        else:
            piece = "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in part)
            out.append(piece + ("" if last else "/"))
    return re.compile("".join(out))


def _dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    lines = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()]
    return [(line.startswith("!"), _glob(line.lstrip("!"))) for line in lines if line and not line.startswith("#")]


def docker_ignores(path: str) -> bool:
    """Whether `docker build` leaves this context path out (Docker's rules: the last matching pattern wins,
    and a directory left out takes its contents with it)."""
    parts = path.split("/")
    ignored = False
    for keep, regex in _dockerignore_rules():
        if any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            ignored = not keep
    return ignored


@pytest.mark.parametrize("path", [
    ".streamlit/secrets.toml", "secrets.toml", "deploy/secrets.toml", "classroom.toml", "classes/week3/classroom.toml",
    "classroom.sqlite", "classroom.sqlite-wal", "classroom.sqlite-shm", "data/submissions.db", "x.db-journal",
    ".git/config", ".git", ".venv/bin/python", "tests/screenshots/home.png", "deploy/secrets/db_password",
    "deploy/tls/neural-playground.key", ".env", "deploy/.env",
])
def test_the_image_never_gets_secrets_class_data_or_local_state(path: str) -> None:
    assert docker_ignores(path), path


@pytest.mark.parametrize("path", ["app.py", "lessons/home.py", "playground/ui/access.py", "playground/ui/web/digit_pad.js",
                                  "requirements.txt", ".streamlit/config.toml", "deploy/Dockerfile"])
def test_the_image_gets_the_app(path: str) -> None:
    assert not docker_ignores(path), path


def test_the_app_image_runs_as_an_unprivileged_user() -> None:
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users, "no USER: the app would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    last_user = max(i for i, line in enumerate(lines) if line.startswith("USER "))
    assert any(line.startswith(("CMD", "ENTRYPOINT")) for line in lines[last_user:])  # the app runs as that user
    assert any("useradd" in line and users[-1].split(":")[0] in line for line in lines)


def test_compose_publishes_only_nginx_and_writes_no_password() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"db", "app1", "app2", "nginx"}
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name
        if name != "nginx":
            assert "ports" not in service, f"{name} is published: only nginx faces the network"
    assert sorted(services["nginx"]["ports"]) == ["443:443", "80:80"]
    db = services["db"]["environment"]
    assert "POSTGRES_PASSWORD" not in db and db["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"
    for app in ("app1", "app2"):
        env = services[app]["environment"]
        assert env["NP_STORAGE_PASSWORD_FILE"] == "/run/secrets/db_password"
        assert ":" not in env["NP_STORAGE_URL"].split("//", 1)[1].split("@")[0]  # no user:password@
        assert "db_password" in services[app]["secrets"]
    assert compose["secrets"]["db_password"]["file"] == "./secrets/db_password"
    for name, service in services.items():  # no password as text: only names of files that hold one
        env = service.get("environment", {})
        assert all(k.endswith("_FILE") for k in env if "PASSWORD" in k.upper()), name
    assert not re.search(r"://[^/@\s:]+:[^/@\s]+@", text)  # no URL with user:password@


# ------------------------------------------------------------------------------------------ the storage URL

def test_the_storage_url_comes_from_the_environment_and_the_password_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("p@ss/w:rd\n")
    env = {"NP_STORAGE_URL": "postgresql+psycopg://playground@db/playground",
           "NP_STORAGE_PASSWORD_FILE": str(secret)}
    url = submissions_url("sqlite:///from-classroom.sqlite", "sqlite:///default.sqlite", env)
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    assert (parsed.username, parsed.password, parsed.host, parsed.database) == ("playground", "p@ss/w:rd", "db",
                                                                                 "playground")
    assert submissions_url("sqlite:///a.sqlite", "sqlite:///b.sqlite", {}) == "sqlite:///a.sqlite"
    assert submissions_url("", "sqlite:///b.sqlite", {}) == "sqlite:///b.sqlite"
    assert submissions_url("sqlite:///a.sqlite", "", {"NP_STORAGE_URL": "sqlite:///c.sqlite"}) == "sqlite:///c.sqlite"


def test_an_unreadable_password_file_is_said_plainly(tmp_path: Path) -> None:
    env = {"NP_STORAGE_URL": "postgresql+psycopg://playground@db/playground",
           "NP_STORAGE_PASSWORD_FILE": str(tmp_path / "missing")}
    with pytest.raises(StorageUrlError, match="cannot be read"):
        submissions_url("", "sqlite:///b.sqlite", env)
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(StorageUrlError, match="empty"):
        submissions_url("", "", {**env, "NP_STORAGE_PASSWORD_FILE": str(tmp_path / "empty")})


def test_a_container_checks_its_storage_settings_at_start(tmp_path: Path, capsys) -> None:
    env = {"NP_STORAGE_URL": "postgresql+psycopg://playground@db/playground",
           "NP_STORAGE_PASSWORD_FILE": str(tmp_path / "missing")}
    assert main(env) == 1 and "cannot be read" in capsys.readouterr().out
    (tmp_path / "db_password").write_text("s3cret\n")
    assert main({**env, "NP_STORAGE_PASSWORD_FILE": str(tmp_path / "db_password")}) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out and "***" in out
    cmd = (DEPLOY / "Dockerfile").read_text().split("\nCMD", 1)[1]
    assert cmd.index("python -m playground.classroom storage") < cmd.index("streamlit run")
