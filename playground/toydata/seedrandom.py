"""An exact Python port of David Bau's seedrandom.js (v2.4, the ARC4 generator).

TensorFlow Playground calls ``Math.seedrandom(seed)`` with the ``seed`` string from its URL and then
draws first the data points and then the initial weights from that one stream. Reproducing the stream
bit for bit means a TensorFlow Playground link gives the very same points and weights in this app.

The algorithm: the seed's UTF-16 code units are mixed into a key of at most 256 bytes, the key runs
the ARC4 key schedule, the first 256 output bytes are thrown away (RC4-drop[256]) and every double
is built from at least 7 further bytes so that all 52 mantissa bits are random.

ARC4's output bytes do not depend on how they are grouped, so the generator produces them in
chunks ahead of time and ``random()`` only reads from that buffer: the same numbers, much faster
than stepping the cipher once per byte from Python. ``skip(n)`` moves the stream past n doubles in
compiled code (a page link may ask for the weights after a million draws).
"""

from __future__ import annotations

import math
import random as _stdlib_random

import numpy as np
from numba import njit

_WIDTH = 256  # each ARC4 output is one byte
_MASK = _WIDTH - 1
_CHUNKS = 6  # bytes in the first numerator of a double: n < 2**48
_START_DENOM = 2**48
_SIGNIFICANCE = 2**52  # a double has 52 significant bits after the leading one
_DROP = 256  # outputs discarded after the key schedule
_BUFFER_BYTES = 1024  # bytes generated per refill
_I_CYCLE = [*range(1, _WIDTH), 0]  # the value i takes after each value 0..255
_POWERS_OF_TWO = [2.0**k for k in range(57)]


@njit(cache=True, nogil=True)
def _skip_doubles(state: np.ndarray, ij: np.ndarray, pending: np.ndarray, count: int) -> int:
    """Step past `count` doubles of the stream: read `pending` bytes first, then step the cipher (`state`,
    and `ij` = [i, j], updated in place). Returns how many pending bytes were read.

    Only the draws' lengths matter, and they depend on the bytes: 7 when the first byte is >= 16, else as
    many as ``random`` reads until all 52 bits are filled; the other bytes need not be computed.
    """
    i, j, used = ij[0], ij[1], 0
    n_pending = pending.shape[0]
    for _ in range(count):
        numerator = 0
        for k in range(7):  # g(6) and the first x: a double always takes at least 7 bytes
            if used < n_pending:
                byte = np.int64(pending[used])
                used += 1
            else:
                i = (i + 1) & 255
                t = np.int64(state[i])
                j = (j + t) & 255
                s_j = np.int64(state[j])
                state[i] = s_j
                state[j] = t
                byte = np.int64(state[(s_j + t) & 255])
            if k == 0 and byte >= 16:  # the usual case: 7 bytes, whatever the other 6 are
                for _k in range(6):
                    if used < n_pending:
                        used += 1
                    else:
                        i = (i + 1) & 255
                        t = np.int64(state[i])
                        j = (j + t) & 255
                        state[i] = state[j]
                        state[j] = t
                break
            if k < 6:
                numerator = numerator * 256 + byte
            else:  # the general case, as in _random_general: shift in bytes until 52 bits are filled
                n, x = numerator * 256, byte
                while n < _SIGNIFICANCE:
                    n = (n + x) * 256
                    if used < n_pending:
                        x = np.int64(pending[used])
                        used += 1
                    else:
                        i = (i + 1) & 255
                        t = np.int64(state[i])
                        j = (j + t) & 255
                        s_j = np.int64(state[j])
                        state[i] = s_j
                        state[j] = t
                        x = np.int64(state[(s_j + t) & 255])
    ij[0], ij[1] = i, j
    return used


def _utf16_code_units(text: str) -> list[int]:
    """The values JavaScript's ``charCodeAt`` sees: UTF-16 code units (astral characters give two)."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[k] | (raw[k + 1] << 8) for k in range(0, len(raw), 2)]


def mix_key(seed: str) -> list[int]:
    """seedrandom's ``mixkey``: fold a string seed into a key of at most 256 bytes.

    In the JS, a key slot not yet written is ``undefined``; ``undefined * 19`` is NaN and NaN
    counts as 0 inside ``^``, so a missing slot contributes nothing. ``smear`` carries over from
    one character to the next. All values stay below 2**13, so JS's 32-bit ``^`` needs no masking.
    """
    key: list[int] = []
    smear = 0
    for j, code in enumerate(_utf16_code_units(seed)):
        slot = j & _MASK
        if slot < len(key):
            smear ^= key[slot] * 19
            key[slot] = _MASK & (smear + code)
        else:
            key.append(_MASK & (smear + code))  # smear ^= 0
    return key


def _key_schedule(key: list[int]) -> list[int]:
    """The standard ARC4 key schedule; an empty key is treated as ``[0]``."""
    if not key:
        key = [0]
    key_len = len(key)
    s = list(range(_WIDTH))
    j = 0
    for i in range(_WIDTH):
        t = s[i]
        j = _MASK & (j + key[i % key_len] + t)
        s[i] = s[j]
        s[j] = t
    return s


class SeedRandom:
    """A seeded stream of doubles in [0, 1), identical to ``Math.seedrandom(seed); Math.random()``."""

    __slots__ = ("_buffer", "_i", "_j", "_pos", "_state")

    def __init__(self, seed: str) -> None:
        if not isinstance(seed, str):
            # seedrandom.js would turn a number 0.5 into the key "0.5\0", not "0.5": refuse, don't guess.
            raise TypeError(f"seed must be a str, not {type(seed).__name__}")
        self._state = _key_schedule(mix_key(seed))
        self._i = 0
        self._j = 0
        self._buffer = b""
        self._pos = 0
        self._arc4_bytes(_DROP)  # RC4-drop[256]: the JS constructor calls g(256) once

    def _arc4_bytes(self, count: int) -> bytes:
        """Step the cipher ``count`` times and return its output bytes (the JS ``g``, ungrouped)."""
        s, i, j = self._state, self._i, self._j
        # The i sequence is fixed (i+1, i+2, ... mod 256): iterating over it is faster than computing it.
        i_cycle = _I_CYCLE[i:] + _I_CYCLE[:i]
        out = []
        emit = out.append
        for i in (i_cycle * (count // _WIDTH + 1))[:count]:
            t = s[i]
            j = (j + t) & 255
            s[i] = s_j = s[j]  # JS: s[mask & ((s[i] = s[j = mask & (j + t)]) + (s[j] = t))]
            s[j] = t
            emit(s[(s_j + t) & 255])
        self._i, self._j = i, j
        return bytes(out)

    def skip(self, count: int) -> None:
        """Move past ``count`` doubles: afterwards the stream is exactly where ``count`` calls of ``random()``
        leave it, at a small fraction of the cost (compiled code, no doubles made)."""
        if count < 0:
            raise ValueError(f"cannot skip back ({count} draws)")
        state = np.array(self._state, dtype=np.uint8)
        ij = np.array([self._i, self._j], dtype=np.int64)
        pending = np.frombuffer(self._buffer, dtype=np.uint8)[self._pos :]
        used = _skip_doubles(state, ij, pending, int(count))
        self._state = state.tolist()
        self._i, self._j = int(ij[0]), int(ij[1])
        self._buffer = self._buffer[self._pos + used :]
        self._pos = 0

    def _refill(self) -> None:
        self._buffer = self._buffer[self._pos :] + self._arc4_bytes(_BUFFER_BYTES)
        self._pos = 0

    def random(self) -> float:
        """The next double in [0, 1), with randomness in every bit of the mantissa."""
        pos = self._pos
        if len(self._buffer) - pos < 16:
            self._refill()
            pos = 0
        buffer = self._buffer
        if buffer[pos] >= 16:
            # Fast path (15 times in 16): g(6) >= 2**44, so the JS loop below runs exactly once and the
            # double is the 7 bytes read as one integer v over d = 2**56, after JS's halving of n, d and x
            # (v's low byte is x; halving n and x separately equals halving v, as n is a multiple of 256).
            value = int.from_bytes(buffer[pos : pos + 7], "big")
            self._pos = pos + 7
            shift = value.bit_length() - 53
            if shift > 0:
                return (value >> shift) / _POWERS_OF_TWO[56 - shift]
            return value / _POWERS_OF_TWO[56]
        return self._random_general()

    def _random_general(self) -> float:
        """seedrandom's double, step by step as in the JS; ``random`` takes a shortcut for the usual case."""
        n = self._take(_CHUNKS)  # g(6): n < 2**48
        d = _START_DENOM
        x = 0
        while n < _SIGNIFICANCE:  # shift in bytes until all 52 bits are filled
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._take(1)
        # JS halves n, d and x while n >= 2**53 so that n + x cannot round up; one shift does the same,
        # exactly: n is a multiple of 256 below 2**61 here, so at most 8 halvings, none inexact.
        shift = n.bit_length() - 53
        if shift > 0:
            n >>= shift
            d >>= shift
            x >>= shift
        # Integers below 2**53 and powers of two convert exactly; the sum rounds as JS's n + x does.
        return (float(n) + x) / float(d)

    def _take(self, count: int) -> int:
        """The next ``count`` output bytes as one big-endian integer: the JS ``g(count)``."""
        if len(self._buffer) - self._pos < count:
            self._refill()
        pos = self._pos
        self._pos = pos + count
        return int.from_bytes(self._buffer[pos : pos + count], "big")

    def uniform(self, a: float, b: float) -> float:
        """TensorFlow Playground's ``randUniform(a, b)``: a sample from [a, b)."""
        return self.random() * (b - a) + a

    def normal(self, mean: float = 0.0, variance: float = 1.0) -> float:
        """TensorFlow Playground's ``normalRandom``: Marsaglia's polar method, one value per call.

        Pairs (v1, v2) uniform in the square are drawn until one falls inside the unit disc; then
        v1 * sqrt(-2 ln s / s) is standard normal (the second value of the pair is thrown away, as in TF).
        """
        while True:
            v1 = 2 * self.random() - 1
            v2 = 2 * self.random() - 1
            s = v1 * v1 + v2 * v2
            if not s > 1:
                break
        result = math.sqrt(-2 * math.log(s) / s) * v1
        return mean + math.sqrt(variance) * result


def new_seed_string(rng: _stdlib_random.Random | None = None) -> str:
    """A fresh seed in TensorFlow Playground's style, ``Math.random().toFixed(5)``, e.g. "0.48213"."""
    value = (rng or _stdlib_random).random()
    return f"{value:.5f}"
