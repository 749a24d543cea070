"""Downloading verified files from mirrors, against a local HTTP server that misbehaves on request.

The server runs in a thread on 127.0.0.1 with an ephemeral port. Each "mirror" is a path prefix on it
(``/a/``, ``/b/``), and each file under a mirror has a behaviour: served intact, served corrupt, cut off
mid-file, stalled, or missing (404). Nothing here touches the internet.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from playground.digits.fetch import DEFAULT_MIRRORS, MNIST_FILES, FetchError, fetch_files, mirrors_for

REPO = Path(__file__).resolve().parent.parent
PAYLOAD = np.random.default_rng(0).integers(0, 256, size=300_000, dtype=np.uint8).tobytes()
PAYLOAD_SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
TABLE = {"data-idx3-ubyte.gz": PAYLOAD_SHA256}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # the name http.server calls
        self.server.requests.append(self.path)
        behaviour = self.server.routes.get(self.path, "missing")
        if callable(behaviour):  # a behaviour that changes from one request to the next
            behaviour = behaviour()
        if behaviour == "missing":
            self.send_error(404)
            return
        if behaviour in ("endless", "huge"):  # a hostile mirror: a body that goes on (or says it will)
            self.send_response(200)
            if behaviour == "huge":
                self.send_header("Content-Length", str(1 << 40))
            self.end_headers()
            try:
                for _ in range(320):  # 20 MB, unless the client hangs up first
                    self.wfile.write(bytes(1 << 16))
                    self.server.sent += 1 << 16
            except OSError:
                pass
            self.close_connection = True
            return
        body = PAYLOAD if behaviour in ("ok", "drop", "stall") else b"not the file you want" * 100
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if behaviour in ("drop", "stall"):
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            if behaviour == "stall":
                time.sleep(1.0)
            self.close_connection = True  # the handler returns and the server closes the socket: cut off
            return
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 - keeps the test output quiet
        pass


class _Server(ThreadingHTTPServer):
    routes: dict[str, object]
    requests: list[str]
    sent: int


@pytest.fixture
def server():
    """A running server; tests set ``server.routes`` and read ``server.requests``; ``server.url(p)``."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.requests, httpd.sent = {}, [], 0
    httpd.url = lambda prefix="": f"http://127.0.0.1:{httpd.server_address[1]}/{prefix}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def fetch(dest: Path, mirrors: list[str], **options) -> list[Path]:
    return fetch_files(TABLE, dest, mirrors, **{"backoff": 0, "progress": None, **options})


def leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def test_good_file_is_fetched_and_verified(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "ok"}
    lines: list[str] = []
    paths = fetch(tmp_path / "new" / "dest", [server.url("a/")], progress=lines.append)
    assert paths == [tmp_path / "new" / "dest" / "data-idx3-ubyte.gz"]
    assert paths[0].read_bytes() == PAYLOAD
    assert leftovers(tmp_path / "new" / "dest") == ["data-idx3-ubyte.gz"]  # no temp file left over
    assert any("100%" in line for line in lines)


@pytest.mark.parametrize("behaviour", ["endless", "huge"])
def test_a_mirror_sending_far_more_than_a_file_is_cut_off(server, tmp_path, behaviour):
    """A mirror whose body goes on and on (or declares a terabyte) filled the disk until it stopped; the
    download stops at the size limit, says why, and leaves nothing behind."""
    server.routes = {"/a/data-idx3-ubyte.gz": behaviour}
    with pytest.raises(FetchError, match=r"more than 1,000,000 bytes") as caught:
        fetch(tmp_path, [server.url("a/")], retries=1, max_bytes=1_000_000)
    assert leftovers(tmp_path) == []
    assert len(caught.value.failures["data-idx3-ubyte.gz"]) == 1
    assert server.sent < 10 << 20  # the client hung up long before the 20 MB the server had to send


def test_corrupt_file_is_rejected_and_nothing_is_left(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "corrupt"}
    with pytest.raises(
        FetchError, match=r"data-idx3-ubyte.gz \(checksum mismatch from http://127.0.0.1"
    ) as caught:
        fetch(tmp_path, [server.url("a/")], retries=2)
    assert leftovers(tmp_path) == []
    assert len(caught.value.failures["data-idx3-ubyte.gz"]) == 2
    assert len(server.requests) == 2


def test_dropped_connection_falls_back_to_the_second_mirror(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "drop", "/b/data-idx3-ubyte.gz": "ok"}
    [path] = fetch(tmp_path, [server.url("a/"), server.url("b/")], retries=3)
    assert path.read_bytes() == PAYLOAD
    assert server.requests == ["/a/data-idx3-ubyte.gz", "/b/data-idx3-ubyte.gz"]
    assert leftovers(tmp_path) == ["data-idx3-ubyte.gz"]


def test_dropped_connection_is_retried_on_the_same_mirror(server, tmp_path):
    answers = iter(["drop", "ok"])
    server.routes = {"/a/data-idx3-ubyte.gz": lambda: next(answers)}
    [path] = fetch(tmp_path, [server.url("a/")], retries=2)
    assert path.read_bytes() == PAYLOAD and len(server.requests) == 2


def test_all_mirrors_dropping_leaves_nothing_behind(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "drop", "/b/data-idx3-ubyte.gz": "drop"}
    with pytest.raises(FetchError) as caught:
        fetch(tmp_path, [server.url("a/"), server.url("b/")], retries=2)
    message = str(caught.value)
    assert "could not fetch 1 of 1 files" in message
    assert f"connection dropped after 100,000 of {len(PAYLOAD):,} bytes" in message
    assert len(server.requests) == 4  # two rounds through two mirrors
    assert leftovers(tmp_path) == []


def test_a_failed_first_fetch_does_not_leave_an_empty_directory(server, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(tmp_path / "datasets" / "mnist", [server.url("a/")])
    assert leftovers(tmp_path) == []


def test_stalled_connection_times_out(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "stall"}
    with pytest.raises(FetchError, match="failed after"):
        fetch(tmp_path, [server.url("a/")], retries=1, timeout=0.3)
    assert leftovers(tmp_path) == []


def test_missing_file_is_not_asked_for_again(server, tmp_path):
    server.routes = {}
    with pytest.raises(FetchError, match=r"HTTP 404 .* from http://127\.0\.0\.1:\d+/a/data-idx3-ubyte.gz"):
        fetch(tmp_path, [server.url("a/"), server.url("b/")], retries=3)
    assert sorted(server.requests) == ["/a/data-idx3-ubyte.gz", "/b/data-idx3-ubyte.gz"]


def test_existing_good_file_is_not_downloaded_again(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "ok"}
    (tmp_path / "data-idx3-ubyte.gz").write_bytes(PAYLOAD)
    fetch(tmp_path, [server.url("a/")])
    assert server.requests == []


def test_existing_bad_file_is_replaced(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "ok"}
    (tmp_path / "data-idx3-ubyte.gz").write_bytes(b"<html>half a download</html>")
    fetch(tmp_path, [server.url("a/")])
    assert (tmp_path / "data-idx3-ubyte.gz").read_bytes() == PAYLOAD
    assert len(server.requests) == 1 and leftovers(tmp_path) == ["data-idx3-ubyte.gz"]


def test_good_files_are_kept_when_another_fails(server, tmp_path):
    table = {"good.gz": PAYLOAD_SHA256, "bad.gz": PAYLOAD_SHA256}
    server.routes = {"/a/good.gz": "ok", "/a/bad.gz": "corrupt"}
    with pytest.raises(FetchError) as caught:
        fetch_files(table, tmp_path, [server.url("a/")], backoff=0, progress=None)
    assert list(caught.value.failures) == ["bad.gz"]
    assert leftovers(tmp_path) == ["good.gz"]


def test_interrupt_mid_download_removes_the_temp_file(server, tmp_path):
    server.routes = {"/a/data-idx3-ubyte.gz": "ok"}

    def interrupt(line: str) -> None:
        if "%" in line:  # the first progress line: part of the file is already in the temp file
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fetch(tmp_path, [server.url("a/")], progress=interrupt)
    assert leftovers(tmp_path) == []


def test_mirror_choice(monkeypatch):
    monkeypatch.delenv("NP_MNIST_MIRRORS", raising=False)
    assert mirrors_for("mnist") == [
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    assert mirrors_for("fashion-mnist") == list(DEFAULT_MIRRORS["fashion-mnist"])
    monkeypatch.setenv("NP_MNIST_MIRRORS", "http://one/, http://two/")
    assert mirrors_for("mnist") == ["http://one/", "http://two/"]
    assert mirrors_for("mnist", ["http://three/"]) == ["http://three/"]
    with pytest.raises(ValueError, match="not an http"):
        fetch_files(TABLE, Path("/nonexistent"), ["ftp://example.org/"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "playground.digits", *args], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_cli_fails_cleanly_when_checksums_do_not_match(server, tmp_path):
    # The real MNIST table, served small wrong files: every checksum fails.
    server.routes = {f"/m/{name}": "corrupt" for name in MNIST_FILES}
    dest = tmp_path / "dest"
    result = _cli("fetch", "mnist", "--mirror", server.url("m/"), "--dest", str(dest), "--retries", "1", "-q")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("python -m playground.digits: error: could not fetch 4 of 4 files")
    assert "checksum mismatch" in line
    assert leftovers(tmp_path) == []  # not even the destination directory
    assert len(server.requests) == 4


def test_cli_progress_goes_to_stderr_and_the_reason_is_last(server, tmp_path):
    result = _cli(
        "fetch", "fashion-mnist", "--mirror", server.url("m/"), "--dest", str(tmp_path), "--retries", "1"
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "HTTP 404" in result.stderr.splitlines()[-1]
    assert leftovers(tmp_path) == []


def test_cli_list():
    result = _cli("list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("mnist5k")
    assert {line.split()[0] for line in result.stdout.splitlines()} == {"mnist5k", "mnist", "fashion-mnist"}
