"""The home page's card pictures, drawn once and kept on disk, so a restarted server shows them at once.

Drawing them takes seconds (two train a small network). Each is kept as `<key>-<fingerprint>.png` in the
cache folder, where the fingerprint is a hash of the library's source: a changed library draws them again.
`python -m playground.cards` draws them ahead (the class server's start and the container image do).
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import cache
from pathlib import Path

from playground import catalog, thumbnails
from playground.paths import CACHE_DIR

log = logging.getLogger("neural_playground")
LIBRARY = Path(__file__).resolve().parent


@cache
def fingerprint() -> str:
    """A short hash of every library source file outside ui/ (what could change a card's picture)."""
    digest = hashlib.sha256()
    for path in sorted(LIBRARY.rglob("*.py")):
        if "ui" in path.relative_to(LIBRARY).parts[:1]:
            continue
        digest.update(str(path.relative_to(LIBRARY)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_path(key: str, folder: Path | None = None) -> Path:
    return (folder or CACHE_DIR) / "cards" / f"{key}-{fingerprint()}.png"


def read_cached(key: str, folder: Path | None = None) -> bytes | None:
    """The card kept on disk for this library, or None."""
    try:
        return cached_path(key, folder).read_bytes()
    except OSError:
        return None


def card_png(key: str, folder: Path | None = None) -> bytes:
    """A lesson's card picture: from the disk when it is there, else drawn and kept (a read-only disk is
    not an error: the picture is only not kept)."""
    picture = read_cached(key, folder)
    if picture is not None:
        return picture
    picture = thumbnails.CARD_PICTURES[key]()
    path = cached_path(key, folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{key}-*.png"):  # pictures of an older library
            if len(old.name) == len(path.name):  # "<key>-<16 hex>.png", not another key's "<key>-…"
                old.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(picture)
        partial.replace(path)  # atomic: another process never reads half a picture
    except OSError as error:
        log.warning("could not keep the %s card on disk: %s", key, error)
    return picture


def main() -> None:
    for lesson in catalog.LESSONS:
        card_png(lesson.key)
    print(f"{len(catalog.LESSONS)} card pictures in {cached_path('x').parent}")


if __name__ == "__main__":
    main()
