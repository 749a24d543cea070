"""The app (`streamlit run app.py`) on a free 127.0.0.1 port, stopped by its PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"  # server logs and screenshots, for a developer to look at


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
    """An AppServer (AppServer's arguments) that answers its health check; stopped after."""
    server = AppServer(**kwargs)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()
