"""The IDX reader: real Fashion-MNIST files from Debian, and small files written here, good and broken."""

from __future__ import annotations

import gzip
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from playground.digits.idx import IDX_TYPES, IdxError, read_idx, write_idx

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


@pytest.fixture(scope="module")
def fashion() -> dict[str, np.ndarray] | str:
    """The four real Fashion-MNIST arrays, read once (~1 s), or a message saying what is missing.

    The message is turned into a failure inside each test: missing data must fail the run, never skip.
    """
    missing = [name for name in FASHION_FILES if not (FASHION_DIR / name).is_file()]
    if missing:
        return (
            f"{', '.join(missing)} missing from {FASHION_DIR}: install Debian's dataset-fashion-mnist "
            "(sudo apt-get install dataset-fashion-mnist, or `make system-deps`)"
        )
    return {name: read_idx(FASHION_DIR / name) for name in FASHION_FILES}


def _arrays(fashion: dict[str, np.ndarray] | str) -> dict[str, np.ndarray]:
    if isinstance(fashion, str):
        pytest.fail(fashion)
    return fashion


def test_real_fashion_mnist_train_set(fashion):
    arrays = _arrays(fashion)
    images, labels = arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]
    assert images.shape == (60_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (60_000,) and labels.dtype == np.uint8
    assert labels.min() == 0 and labels.max() == 9
    assert np.bincount(labels).tolist() == [6_000] * 10
    assert 0 < images.mean() < 255 and images.max() == 255


def test_real_fashion_mnist_test_set(fashion):
    arrays = _arrays(fashion)
    images, labels = arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1_000] * 10


def test_uint8_is_read_without_conversion_and_writable(tmp_path):
    array = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    result = read_idx(write_idx(tmp_path / "a-idx3-ubyte.gz", array))
    assert result.dtype == np.uint8
    assert result.flags.writeable  # backed by a bytearray, not by immutable bytes
    np.testing.assert_array_equal(result, array)


@pytest.mark.parametrize("dtype", [dtype.newbyteorder("=") for dtype in IDX_TYPES.values()], ids=str)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_every_type(tmp_path, dtype, suffix):
    array = (np.arange(2 * 3 * 5) - 7).reshape(2, 3, 5).astype(dtype)
    path = write_idx(tmp_path / f"data-idx3{suffix}", array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    result = read_idx(path)
    assert result.dtype == dtype and result.dtype.isnative
    np.testing.assert_array_equal(result, array)


def test_round_trip_one_dimension_and_empty(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "l.gz", labels)), labels)
    empty = read_idx(write_idx(tmp_path / "e", np.zeros((0, 28, 28), dtype=np.uint8)))
    assert empty.shape == (0, 28, 28)


def test_hand_written_big_endian_int16(tmp_path):
    # Written with struct, independently of write_idx: 0x0B is int16, big-endian.
    path = tmp_path / "h-idx1"
    path.write_bytes(bytes([0, 0, 0x0B, 1]) + struct.pack(">I", 3) + struct.pack(">3h", -2, 300, 7))
    np.testing.assert_array_equal(read_idx(path), np.array([-2, 300, 7], dtype=np.int16))


def test_write_refuses_types_idx_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="cannot store"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.uint16))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.uint8(3))


def _raw_idx(shape: tuple[int, ...], payload: bytes, type_code: int = 0x08) -> bytes:
    return bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


def test_missing_file(tmp_path):
    with pytest.raises(IdxError, match="does not exist") as caught:
        read_idx(tmp_path / "nowhere-idx3-ubyte.gz")
    assert "nowhere-idx3-ubyte.gz" in str(caught.value)
    assert str(tmp_path) in str(caught.value)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_data(tmp_path, suffix):
    path = tmp_path / f"train-images-idx3-ubyte{suffix}"
    content = _raw_idx((60_000, 28, 28), bytes(12_345))
    path.write_bytes(gzip.compress(content) if suffix else content)
    with pytest.raises(IdxError) as caught:
        read_idx(path)
    message = str(caught.value)
    assert message.startswith(f"train-images-idx3-ubyte{suffix}: is truncated")
    assert "47,040,016 bytes for 60000×28×28 uint8" in message
    assert "found 12,361" in message  # 16-byte header + 12,345 bytes of data
    assert str(path) in message


def test_truncated_header(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">I", 5))
    with pytest.raises(IdxError, match="truncated inside its header"):
        read_idx(path)


def test_trailing_bytes(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(_raw_idx((4,), bytes(4) + b"extra"))
    with pytest.raises(IdxError, match=r"labels-idx1-ubyte: has 5 bytes after the 4 bytes of data"):
        read_idx(path)


def test_wrong_magic(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body>Not found</body></html>")
    with pytest.raises(IdxError, match=r"page.html: does not start with an IDX magic number \(got 0x3c68"):
        read_idx(path)


def test_unknown_type_code(tmp_path):
    path = tmp_path / "odd"
    path.write_bytes(_raw_idx((2,), bytes(2), type_code=0x0A))
    with pytest.raises(IdxError, match="unknown IDX type code 0x0A"):
        read_idx(path)


@pytest.mark.parametrize(("ndim", "expected"), [(0, "zero dimensions"), (200, "declares 200 dimensions")])
def test_absurd_dimension_count(tmp_path, ndim, expected):
    path = tmp_path / "dims"
    path.write_bytes(bytes([0, 0, 8, ndim]) + bytes(64))
    with pytest.raises(IdxError, match=expected):
        read_idx(path)


def test_empty_and_tiny_files(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "tiny").write_bytes(b"\0\0")
    with pytest.raises(IdxError, match="is empty"):
        read_idx(tmp_path / "empty")
    with pytest.raises(IdxError, match="too short"):
        read_idx(tmp_path / "tiny")


def test_truncated_gz(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    compressed = gzip.compress(_raw_idx((10, 28, 28), bytes(range(256)) * 30 + bytes(7840 - 7680)))
    path.write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(IdxError, match=r"t10k-images-idx3-ubyte.gz: is a truncated gzip stream"):
        read_idx(path)


def test_corrupt_gz(tmp_path):
    path = tmp_path / "c.gz"
    compressed = bytearray(gzip.compress(_raw_idx((100,), bytes(range(100)))))
    compressed[-8] ^= 0xFF  # damage the CRC in the trailer
    path.write_bytes(bytes(compressed))
    with pytest.raises(IdxError, match=r"c.gz: is a corrupt gzip stream"):
        read_idx(path)


def test_gz_name_without_gzip_content(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(_raw_idx((3,), bytes(3)))  # an already unpacked file that kept its .gz name
    with pytest.raises(
        IdxError, match=r"train-labels-idx1-ubyte.gz: is named .gz but is not gzip-compressed"
    ):
        read_idx(path)


def test_gzip_content_without_gz_name_is_read(tmp_path):
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(gzip.compress(_raw_idx((2, 3), array.tobytes())))
    np.testing.assert_array_equal(read_idx(path), array)


def test_directory_is_reported(tmp_path):
    with pytest.raises(IdxError, match="is a directory"):
        read_idx(tmp_path)


def test_error_is_a_value_error_and_pickles(tmp_path):
    error = IdxError(tmp_path / "x.gz", "is broken")
    assert isinstance(error, ValueError)
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.path == error.path


class _Endless:
    """A decompressed stream that never ends: a header, then zeros for ever (a gzip bomb, in effect).
    Reading more than `budget` bytes fails the test: the reader must stop long before that."""

    def __init__(self, header: bytes, budget: int = 8 << 20) -> None:
        self.header, self.budget, self.given = header, budget, 0

    def read(self, size: int = -1) -> bytes:
        if self.header:
            out, self.header = self.header[:size], self.header[size:]
            return out
        size = 1 << 16 if size is None or size < 0 else size
        self.given += size
        assert self.given <= self.budget, "the reader kept decompressing a stream that never ends"
        return bytes(size)


def test_a_header_declaring_huge_data_is_refused_before_reading_it():
    """4294967295×4294967295 bytes declared, a stream of zeros behind it: memory grew with the stream."""
    from playground.digits.idx import _parse

    stream = _Endless(_raw_idx((2**32 - 1, 2**32 - 1), b""))
    with pytest.raises(IdxError, match=r"declares 4294967295×4294967295 uint8.*more than"):
        _parse(Path("bomb-idx2-ubyte"), stream)
    assert stream.given == 0


def test_trailing_bytes_are_counted_only_so_far():
    """Four labels declared, then zeros for ever: the count of trailing bytes stops, with a message."""
    from playground.digits.idx import _parse

    with pytest.raises(IdxError, match=r"has more than [\d,]+ bytes after the 4 bytes of data"):
        _parse(Path("labels-idx1-ubyte"), _Endless(_raw_idx((4,), bytes(4))))


def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path):
    """A 64 KB gzip holding 64 MB of zeros behind a header that declares 2**40 bytes: read_idx used to
    collect all 64 MB before it said the file was truncated."""
    import tracemalloc

    path = tmp_path / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(_raw_idx((2**20, 2**10, 2**10), b""))
        for _ in range(64):
            out.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(IdxError, match="declares"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_max_bytes_is_a_parameter(tmp_path):
    path = write_idx(tmp_path / "l.gz", np.arange(100, dtype=np.uint8))
    assert read_idx(path, max_bytes=100).shape == (100,)
    with pytest.raises(IdxError, match="more than the 99 accepted"):
        read_idx(path, max_bytes=99)
