"""Real servers for tests and the load test, on 127.0.0.1 only and stopped by their PID: a private
PostgreSQL cluster (Debian's `postgresql` binaries) and nginx (Debian's `nginx`), each in a temporary
directory; and the shipped deploy/nginx.conf on loopback, with a throw-away self-signed certificate
(Debian's `openssl`)."""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from harness.app_server import REPO_ROOT, free_port


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: sudo apt-get install -y postgresql (or run .ci/run)")
    return Path(found[-1]).parent


def _as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the 'postgres' user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _wait_port(port: int, timeout: float = 30.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster; yields a SQLAlchemy URL (database 'playground', trust auth).
    With NP_TEST_POSTGRES_URL set (.ci/run starts Debian's own cluster), that server is used instead."""
    if os.environ.get("NP_TEST_POSTGRES_URL"):
        yield os.environ["NP_TEST_POSTGRES_URL"]
        return
    binaries = _postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="np-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    port = free_port()
    subprocess.run(_as_postgres_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                      "--no-sync"]), check=True, capture_output=True)
    log = open(root / "postgres.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        _as_postgres_user([str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
                           "-k", str(root), "-c", "fsync=off"]),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_port(port)
        for _ in range(50):
            created = subprocess.run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                      "playground"], capture_output=True)
            if created.returncode == 0:
                break
            time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/playground"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


NGINX_SITE = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 2048; }}
http {{
  access_log {root}/access.log;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy; fastcgi_temp_path {root}/fcgi;
  uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
  {body}
}}
"""


@contextlib.contextmanager
def nginx_server(http_body: str) -> Iterator[int]:
    """nginx with the given `http {{ ... }}` body ({port} in it is replaced, and {http_port} by a second free
    port); yields the port."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: sudo apt-get install -y nginx (or run .ci/run)")
    root = Path(tempfile.mkdtemp(prefix="np-nginx-"))
    port = free_port()
    http_body = http_body.replace("{http_port}", str(free_port()))
    (root / "nginx.conf").write_text(NGINX_SITE.format(root=root, body=http_body.replace("{port}", str(port))))
    checked = subprocess.run([nginx, "-t", "-q", "-p", str(root), "-c", str(root / "nginx.conf")],
                             capture_output=True, text=True)
    if checked.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"nginx refuses the configuration:\n{checked.stderr}")
    process = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_port(port)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, valid for two days, and its key (as CI uses)."""
    cert, key = directory / "neural-playground.crt", directory / "neural-playground.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def deploy_site(app_ports: list[int], certificate: tuple[Path, Path], conf: str = "nginx.conf") -> str:
    """deploy/<conf> for nginx_server: its HTTPS server on {port}, its HTTP one on {http_port}, the given
    certificate, and one upstream per app port (named app1, app2, ... as in the shipped file)."""
    site = (REPO_ROOT / "deploy" / conf).read_text()
    site = site.replace("listen 443 ssl;", "listen 127.0.0.1:{port} ssl;").replace("listen 80;", "listen 127.0.0.1:{http_port};")
    site = site.replace("/etc/nginx/tls/neural-playground.crt", str(certificate[0]))
    site = site.replace("/etc/nginx/tls/neural-playground.key", str(certificate[1]))
    lines = []
    for line in site.splitlines():
        # the first upstream's lines (the server line, its name) stand for every app; the second's go
        first = re.search(r"(127\.0\.0\.1:8501|app1:8501)", line)
        if re.search(r"(127\.0\.0\.1:8502|app2:8501)", line):
            continue
        if not first:
            lines.append(line)
            continue
        for i, port in enumerate(app_ports, start=1):
            lines.append(line.replace(first.group(1), f"127.0.0.1:{port}").replace("app1", f"app{i}"))
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class ClassProxy:
    """The class's nginx on loopback: its HTTPS address, its plain HTTP one, and its certificate."""

    url: str
    http_url: str
    certificate: Path


@contextlib.contextmanager
def class_nginx(app_ports: list[int], conf: str = "nginx.conf") -> Iterator[ClassProxy]:
    """The shipped nginx configuration in front of the given app processes, with a self-signed certificate."""
    directory = Path(tempfile.mkdtemp(prefix="np-tls-"))
    try:
        certificate = self_signed_certificate(directory)
        http_port = free_port()
        site = deploy_site(app_ports, certificate, conf).replace("{http_port}", str(http_port))
        with nginx_server(site) as port:
            _wait_port(http_port)
            yield ClassProxy(f"https://127.0.0.1:{port}", f"http://127.0.0.1:{http_port}", certificate[0])
    finally:
        shutil.rmtree(directory, ignore_errors=True)
