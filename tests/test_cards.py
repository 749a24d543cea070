"""Home-card pictures kept on disk: drawn once, read back, drawn again when the library changes."""

from __future__ import annotations

from playground import cards, thumbnails


def test_a_card_is_drawn_once_then_read_from_the_disk(tmp_path, monkeypatch) -> None:
    calls = []

    def draw() -> bytes:
        calls.append(1)
        return b"\x89PNG picture"

    monkeypatch.setitem(thumbnails.CARD_PICTURES, "data", draw)
    assert cards.read_cached("data", tmp_path) is None
    assert cards.card_png("data", tmp_path) == b"\x89PNG picture"
    assert cards.card_png("data", tmp_path) == b"\x89PNG picture"
    assert cards.read_cached("data", tmp_path) == b"\x89PNG picture"
    assert len(calls) == 1


def test_a_picture_of_an_older_library_is_not_used_and_is_replaced(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(thumbnails.CARD_PICTURES, "mnist-train", lambda: b"new")
    folder = tmp_path / "cards"
    folder.mkdir()
    stale = folder / ("mnist-train-" + "0" * 16 + ".png")
    stale.write_bytes(b"old")
    other_key = folder / ("mnist-train-extra-" + "0" * 16 + ".png")  # not this key's picture
    other_key.write_bytes(b"other")
    assert cards.read_cached("mnist-train", tmp_path) is None
    assert cards.card_png("mnist-train", tmp_path) == b"new"
    assert not stale.exists() and other_key.exists()


def test_a_read_only_cache_still_gives_the_picture(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(thumbnails.CARD_PICTURES, "data", lambda: b"picture")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert cards.card_png("data", blocked) == b"picture"


def test_the_fingerprint_follows_the_library_source() -> None:
    assert len(cards.fingerprint()) == 16
    assert cards.cached_path("data").name == f"data-{cards.fingerprint()}.png"
