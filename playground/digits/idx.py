"""Reading and writing IDX files, the format MNIST and Fashion-MNIST are distributed in.

An IDX file is a tiny header followed by one C-ordered array: two zero bytes, a type byte, a byte with the
number of dimensions, one big-endian uint32 per dimension, then the data, big-endian. Files are usually
gzip-compressed (``*.gz``). The format is simple, but the files people have lying around are often not:
half-finished downloads, HTML error pages saved under a data file's name, ``.gz`` files that were already
unpacked, labels from one dataset next to images from another. So the reader checks everything it can
and raises :class:`IdxError` with a message that names the file and says what is wrong with it.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

# Type byte -> element type. IDX data is big-endian; read_idx returns native byte order.
IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

# The format allows up to 255 dimensions; real files have 1 (labels) to 4. Anything above this is far more
# likely a file that is not IDX at all whose fourth byte happens to be large.
MAX_DIMENSIONS = 8

# The most data read_idx accepts by default: full MNIST's training images are 47 MB. A header declaring
# more is refused before anything is read, so a small gzip cannot make the reader hold gigabytes.
MAX_DATA_BYTES = 1 << 29
# How far past the declared data the reader looks to say how much is there: a stream that goes on and on
# (a gzip bomb after a small header) is refused without being decompressed to its end.
MAX_TRAILING_SCAN = 1 << 20

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20


class IdxError(ValueError):
    """An IDX file is missing or malformed. ``str()`` names the file and says what is wrong."""

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem} (file: {self.path})")

    def __reduce__(self):  # keeps the exception picklable despite the two-argument constructor
        return (type(self), (self.path, self.problem))


def _describe(shape: tuple[int, ...], dtype: np.dtype) -> str:
    """'60000×28×28 uint8': how error messages show what a header declares."""
    return "×".join(str(n) for n in shape) + f" {dtype.newbyteorder('=').name}"


def _read_up_to(stream: BinaryIO, size: int) -> bytearray:
    """Read ``size`` bytes, or fewer if the stream ends first, into a growable (so writable) buffer."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = stream.read(min(_CHUNK, size - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return buffer


def _count_rest(stream: BinaryIO, limit: int = MAX_TRAILING_SCAN) -> int:
    """Number of bytes left in the stream (read and thrown away), counting no further than limit + 1."""
    total = 0
    while total <= limit and (chunk := stream.read(min(_CHUNK, limit + 1 - total))):
        total += len(chunk)
    return total


def _parse(path: Path, stream: BinaryIO, max_bytes: int = MAX_DATA_BYTES) -> np.ndarray:
    """Read one IDX array from an already decompressed stream; at most max_bytes of data."""
    head = _read_up_to(stream, 4)
    if not head:
        raise IdxError(path, "is empty")
    if len(head) < 4:
        raise IdxError(path, f"is only {len(head)} bytes long, too short for an IDX header")
    if head[0] != 0 or head[1] != 0:
        raise IdxError(
            path,
            f"does not start with an IDX magic number (got 0x{bytes(head).hex()}, "
            "expected 0x0000 followed by a type byte and the number of dimensions)",
        )
    type_code, ndim = head[2], head[3]
    if type_code not in IDX_TYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_TYPES)
        raise IdxError(path, f"has unknown IDX type code 0x{type_code:02X} (known codes: {known})")
    if ndim == 0:
        raise IdxError(path, "declares zero dimensions")
    if ndim > MAX_DIMENSIONS:
        raise IdxError(
            path, f"declares {ndim} dimensions (at most {MAX_DIMENSIONS} accepted); is it really an IDX file?"
        )
    dims_bytes = _read_up_to(stream, 4 * ndim)
    header_size = 4 + 4 * ndim
    if len(dims_bytes) < 4 * ndim:
        raise IdxError(
            path,
            f"is truncated inside its header: {ndim} dimensions need a {header_size}-byte header, "
            f"found {4 + len(dims_bytes)} bytes",
        )
    shape = struct.unpack(f">{ndim}I", dims_bytes)
    dtype = IDX_TYPES[type_code]
    data_size = math.prod(shape) * dtype.itemsize
    if data_size > max_bytes:
        raise IdxError(
            path,
            f"declares {_describe(shape, dtype)}, {data_size:,} bytes of data, more than the {max_bytes:,} "
            "accepted; is the header damaged, or is it not a file of this dataset?",
        )

    # Reads in chunks rather than allocating data_size up front: a truncated file stops early.
    data = _read_up_to(stream, data_size)
    if len(data) < data_size:
        raise IdxError(
            path,
            f"is truncated: expected {header_size + data_size:,} bytes for {_describe(shape, dtype)} "
            f"({header_size}-byte header + {data_size:,} bytes of data), found {header_size + len(data):,}",
        )
    extra = _count_rest(stream)
    if extra:
        shown = f"more than {MAX_TRAILING_SCAN:,}" if extra > MAX_TRAILING_SCAN else f"{extra:,}"
        raise IdxError(
            path,
            f"has {shown} bytes after the {data_size:,} bytes of data that "
            f"{_describe(shape, dtype)} needs; "
            "is the header wrong, or are two files concatenated?",
        )
    # frombuffer over the bytearray: no copy, and the array is writable. Multi-byte types are converted
    # to native byte order once here (a copy only they need), so callers never meet big-endian arrays.
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array


def read_idx(path: str | os.PathLike, max_bytes: int = MAX_DATA_BYTES) -> np.ndarray:
    """Read an IDX file, gzip-compressed or raw, into an array of its declared shape.

    Only the data the header declares is decompressed (and a little more, to report trailing bytes), and
    a header declaring more than ``max_bytes`` of data is refused before any is read.

    uint8 data comes back as uint8; other types in native byte order. Gzip is recognised by content, so a
    compressed file without ``.gz`` in its name is read too; a ``.gz`` file that is not gzip is an error.
    Raises :class:`IdxError` for anything wrong with the file, including a missing file.
    """
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, possibly wrapped in a GzipFile first
    except FileNotFoundError:
        raise IdxError(path, "does not exist") from None
    except IsADirectoryError:
        raise IdxError(path, "is a directory, not an IDX file") from None
    except OSError as error:
        raise IdxError(path, f"cannot be opened: {error.strerror or error}") from error

    with raw:
        start = raw.read(2)
        raw.seek(0)
        compressed = start == GZIP_MAGIC
        if path.suffix.lower() == ".gz" and not compressed:
            shown = f"0x{start.hex()}" if start else "nothing (the file is empty)"
            raise IdxError(
                path,
                f"is named .gz but is not gzip-compressed (starts with {shown}); "
                "was it already unpacked, or is it an error page saved under this name?",
            )
        if not compressed:
            return _parse(path, raw, max_bytes)
        try:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
                return _parse(path, unpacked, max_bytes)
        except EOFError:
            raise IdxError(path, "is a truncated gzip stream (the download was probably cut short)") from None
        except (gzip.BadGzipFile, zlib.error) as error:
            raise IdxError(path, f"is a corrupt gzip stream: {error}") from None


def write_idx(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write ``array`` as an IDX file, gzip-compressed if the name ends in ``.gz``. Returns the path.

    Accepts the six IDX element types (uint8, int8, int16, int32, float32, float64) and 1 to 255
    dimensions; anything else is a ``ValueError``. Gzip output is reproducible (no timestamp).
    """
    path = Path(path)
    array = np.asarray(array)
    native = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    code = native.get(array.dtype.newbyteorder("="))
    if code is None:
        names = ", ".join(dtype.newbyteorder("=").name for dtype in IDX_TYPES.values())
        raise ValueError(f"IDX cannot store {array.dtype}; use one of {names}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    if path.suffix.lower() == ".gz":
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
            out.write(header)
            out.write(payload)
    else:
        with open(path, "wb") as out:
            out.write(header)
            out.write(payload)
    return path
