"""Downloading MNIST and Fashion-MNIST's IDX files from mirrors, verified by SHA-256.

Mirrors of these files come and go (yann.lecun.com has answered 403 for years), and downloads get cut
off. So each file is tried from each mirror in turn, for a few rounds, and a file only ever appears under
its final name once it is complete and its SHA-256 matches: it is streamed into a hidden temp file in the
destination directory, hashed on the way, checked, and then renamed into place with ``os.replace``
(atomic). Any failure deletes the temp file. Standard library only (urllib), so it works before the
rest of the requirements are installed.

The work is done by :func:`fetch_files`, which takes the file table (name -> SHA-256) as an argument so
tests can serve small files from a local server; :func:`fetch_dataset` applies it to a named dataset.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from playground.digits.mnist import DATASETS_DIR, IDX_KINDS

MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
FASHION_MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}
FILE_TABLES: dict[str, dict[str, str]] = {"mnist": MNIST_FILES, "fashion-mnist": FASHION_MNIST_FILES}

DEFAULT_MIRRORS: dict[str, tuple[str, ...]] = {
    "mnist": (
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    "fashion-mnist": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
}
# Comma-separated mirror URLs that replace the defaults (the --mirror option replaces both).
MIRROR_ENV_VARS: dict[str, str] = {"mnist": "NP_MNIST_MIRRORS", "fashion-mnist": "NP_FASHION_MNIST_MIRRORS"}

_CHUNK = 1 << 16
# The largest file fetched is Fashion-MNIST's training images, 26 MB. A mirror that declares or sends more
# than this is cut off (a hostile or broken mirror cannot fill the disk before the checksum fails).
MAX_FILE_BYTES = 64 << 20
_USER_AGENT = "neural-playground-fetch/1 (python urllib)"  # some servers refuse Python's default agent


class FetchError(RuntimeError):
    """Some files could not be fetched. ``failures`` maps each such file to the reasons, one per attempt."""

    def __init__(self, message: str, failures: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.failures = {name: list(reasons) for name, reasons in (failures or {}).items()}

    def __reduce__(self):
        return (type(self), (str(self), self.failures))


class _AttemptFailed(Exception):
    """One download of one file from one mirror failed; ``permanent`` means retrying that mirror is futile."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


Progress = Callable[[str], None]


def print_progress(line: str) -> None:
    """The default progress reporter: one line on stderr."""
    print(line, file=sys.stderr, flush=True)


def mirrors_for(kind: str, override: Sequence[str] | None = None) -> list[str]:
    """The mirrors to use for ``kind``: ``override`` if given, else $NP_..._MIRRORS, else the defaults."""
    if kind not in DEFAULT_MIRRORS:
        raise ValueError(f"unknown dataset {kind!r}; expected one of {', '.join(DEFAULT_MIRRORS)}")
    if override:
        return list(override)
    from_env = os.environ.get(MIRROR_ENV_VARS[kind], "")
    listed = [url.strip() for url in from_env.split(",") if url.strip()]
    return listed or list(DEFAULT_MIRRORS[kind])


def default_dest(kind: str) -> Path:
    """Where fetch puts ``kind`` by default: the directory its env var names, else <repo>/datasets/<kind>."""
    from_env = os.environ.get(IDX_KINDS[kind].env_var)
    return Path(from_env).expanduser() if from_env else DATASETS_DIR / kind


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, hex, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _file_url(mirror: str, name: str) -> str:
    scheme = urllib.parse.urlsplit(mirror).scheme
    if scheme not in ("http", "https", "file"):
        raise ValueError(f"mirror {mirror!r} is not an http://, https:// or file:// URL")
    return urllib.parse.urljoin(mirror if mirror.endswith("/") else mirror + "/", name)


def _download(url: str, final: Path, expected_sha256: str, timeout: float, progress: Progress | None,
              max_bytes: int = MAX_FILE_BYTES) -> None:
    """Download ``url`` to ``final`` via a verified temp file; raises _AttemptFailed when the transfer fails.

    Errors writing to the destination (disk full, permissions) are not the mirror's fault and propagate
    as OSError instead. Whatever happens, the temp file is gone afterwards.
    """
    # The temp file sits next to the final one, so os.replace is a rename within one filesystem.
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{final.name}.part-", dir=final.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
            try:
                response = urllib.request.urlopen(request, timeout=timeout)
            except urllib.error.HTTPError as error:
                # 4xx: this mirror does not have the file or refuses us; 408 and 429 are worth a retry.
                permanent = 400 <= error.code < 500 and error.code not in (408, 429)
                raise _AttemptFailed(f"HTTP {error.code} {error.reason} from {url}", permanent) from None
            except (OSError, http.client.HTTPException) as error:
                raise _AttemptFailed(
                    f"cannot reach {url}: {getattr(error, 'reason', None) or error}"
                ) from None
            with response:
                _stream_to(response, out, url, final.name, expected_sha256, progress, max_bytes)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp creates 0600; a dataset is ordinary readable data
        os.replace(temp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()  # only still there if something failed before os.replace


def _stream_to(response, out, url: str, name: str, expected_sha256: str, progress: Progress | None,
               max_bytes: int = MAX_FILE_BYTES) -> None:
    """Copy the response body to ``out``, hashing it; _AttemptFailed if it is short, broken, wrong or
    longer than max_bytes (checked against Content-Length first, then while it arrives)."""
    declared = response.headers.get("Content-Length")
    expected_size = int(declared) if declared and declared.isdigit() else None
    if expected_size is not None and expected_size > max_bytes:
        raise _AttemptFailed(
            f"{url} declares {expected_size:,} bytes, more than {max_bytes:,} bytes for one file", True)
    digest = hashlib.sha256()
    received = 0
    next_report = 0.0
    while True:
        try:
            chunk = response.read(_CHUNK)
        except (OSError, http.client.HTTPException) as error:
            raise _AttemptFailed(
                f"connection from {url} failed after {received:,} bytes: {error!r}"
            ) from None
        if not chunk:
            break
        if received + len(chunk) > max_bytes:
            raise _AttemptFailed(f"{url} sent more than {max_bytes:,} bytes for one file", True)
        out.write(chunk)  # a local write error (disk full) propagates as OSError: not the mirror's fault
        digest.update(chunk)
        received += len(chunk)
        if progress and expected_size and received / expected_size >= next_report:
            progress(f"  {name}: {received / expected_size:4.0%} of {expected_size:,} bytes")
            next_report = received / expected_size + 0.25
    # http.client returns b"" rather than raising when the server closes early, so compare with the header.
    if expected_size is not None and received != expected_size:
        raise _AttemptFailed(f"connection dropped after {received:,} of {expected_size:,} bytes from {url}")
    actual = digest.hexdigest()
    if actual != expected_sha256:
        raise _AttemptFailed(
            f"checksum mismatch from {url}: got SHA-256 {actual[:16]}…, expected {expected_sha256[:16]}…"
        )


def fetch_files(
    files: Mapping[str, str],
    dest: str | os.PathLike,
    mirrors: Sequence[str],
    *,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    progress: Progress | None = print_progress,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[Path]:
    """Make sure each of ``files`` (name -> SHA-256 hex) is in ``dest`` with the right checksum.

    A file already there with the right checksum is left alone; one with a wrong checksum is downloaded
    again and replaced. Each missing file is tried from each mirror in order, for up to ``retries`` rounds,
    sleeping ``backoff × round`` seconds between rounds; a mirror answering 404 (or another 4xx) is not
    asked again for that file, nor is one sending more than ``max_bytes`` (cut off there). Returns the
    paths of all files. Raises :class:`FetchError` naming every file that failed with every reason; files
    that did arrive are kept (they are verified).
    """
    if retries < 1:
        raise ValueError(f"retries must be at least 1, got {retries}")
    if not mirrors:
        raise ValueError("no mirrors given")
    for mirror in mirrors:
        _file_url(mirror, "")  # a malformed mirror is a usage error: report it before downloading anything
    dest = Path(dest)
    created_dirs = [path for path in (dest, *dest.parents) if not path.exists()]  # deepest first
    dest.mkdir(parents=True, exist_ok=True)

    failures: dict[str, list[str]] = {}
    for name, expected in files.items():
        final = dest / name
        if final.is_file():
            if sha256_of(final) == expected:
                if progress:
                    progress(f"  {name}: already present, checksum OK")
                continue
            if progress:
                progress(f"  {name}: present but its checksum is wrong; downloading it again")
        reasons = _fetch_one(final, expected, mirrors, retries, backoff, timeout, progress, max_bytes)
        if reasons:
            failures[name] = reasons

    if failures:
        # A failed first fetch leaves no empty datasets/<kind>/ behind either (only directories it made).
        for directory in created_dirs:
            try:
                directory.rmdir()
            except OSError:  # not empty: some files did arrive
                break
        summary = "; ".join(f"{name} ({_summarise(reasons)})" for name, reasons in failures.items())
        raise FetchError(
            f"could not fetch {len(failures)} of {len(files)} files into {dest}: {summary}", failures
        )
    return [dest / name for name in files]


def _fetch_one(
    final: Path,
    expected: str,
    mirrors: Sequence[str],
    retries: int,
    backoff: float,
    timeout: float,
    progress: Progress | None,
    max_bytes: int = MAX_FILE_BYTES,
) -> list[str]:
    """Try to get one file from the mirrors, round after round. Returns [] on success, else every reason."""
    reasons: list[str] = []
    given_up: set[str] = set()  # mirrors that said the file is not there (4xx): not asked again
    for round_number in range(1, retries + 1):
        if round_number > 1 and backoff > 0:
            time.sleep(backoff * (round_number - 1))
        for mirror in mirrors:
            if mirror in given_up:
                continue
            url = _file_url(mirror, final.name)
            if progress:
                progress(f"  {final.name}: downloading from {url}")
            try:
                _download(url, final, expected, timeout, progress, max_bytes)
                return []
            except _AttemptFailed as failure:
                reasons.append(str(failure))
                if progress:
                    progress(f"  {final.name}: {failure}")
                if failure.permanent:
                    given_up.add(mirror)
        if given_up.issuperset(mirrors):
            break
    return reasons


def _summarise(reasons: list[str]) -> str:
    """The distinct reasons in order, with counts for repeats: keeps the one-line error readable."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return ", ".join(reason if n == 1 else f"{reason} (×{n})" for reason, n in counts.items())


def fetch_dataset(
    kind: str,
    dest: str | os.PathLike | None = None,
    mirrors: Sequence[str] | None = None,
    *,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    progress: Progress | None = print_progress,
) -> Path:
    """Fetch the four files of ``kind`` ("mnist" or "fashion-mnist") into ``dest``; returns the directory.

    ``dest`` defaults to default_dest(kind), ``mirrors`` to mirrors_for(kind). Raises :class:`FetchError`.
    """
    if kind not in FILE_TABLES:
        raise ValueError(f"unknown dataset {kind!r}; expected one of {', '.join(FILE_TABLES)}")
    directory = Path(dest) if dest is not None else default_dest(kind)
    fetch_files(
        FILE_TABLES[kind],
        directory,
        mirrors_for(kind, mirrors),
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        progress=progress,
    )
    return directory
