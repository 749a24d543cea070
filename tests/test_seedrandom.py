"""The seedrandom port gives seedrandom.js's numbers exactly (values below come from the JS run in Node)."""

import math
import random
import re
import time

import pytest

from playground.toydata.seedrandom import SeedRandom, mix_key, new_seed_string

# Math.seedrandom(seed); Math.random() x 20,000 in Node 20 (seedrandom 2.4 source, ARC4):
# the first five values and the values at indices 100, 1000 and 19999.
NODE_STREAMS = {
    "hello.": (
        [
            0.9282578795792454,
            0.3752569768646784,
            0.7316977468919549,
            0.23707962084956113,
            0.06057665448709666,
        ],
        {100: 0.9788596466542643, 1000: 0.4117448979310445, 19999: 0.52970976121724},
    ),
    "0.12345": (
        [0.9152007406557323, 0.4702753218035592, 0.2736265229359467, 0.4061024686767439, 0.17774293688520318],
        {100: 0.3881526818710193, 1000: 0.31283049007014285, 19999: 0.06666162565519179},
    ),
    "": (
        [
            0.23144008215179881,
            0.27404636548159655,
            0.7901279251811976,
            0.40384160557189036,
            0.1321140086237582,
        ],
        {100: 0.5557022705675235, 1000: 0.7325308075157119, 19999: 0.44251537710243327},
    ),
    "é😀x": (  # non-ASCII: JS mixes UTF-16 code units, the emoji counts as two
        [
            0.4223352516356474,
            0.22764673967420584,
            0.6589826537987372,
            0.8912685174071051,
            0.49131466255919665,
        ],
        {100: 0.2778709979471891, 1000: 0.13291206732438016, 19999: 0.3329876699764289},
    ),
    "x" * 300: (  # longer than the 256-byte key: the second pass through the key mixes (smear)
        [0.952495823023581, 0.9378530102966817, 0.8504259399717166, 0.770464949052704, 0.09534641099461263],
        {100: 0.8412487944268322, 1000: 0.7007423780138978, 19999: 0.8473726667050728},
    ),
}


def test_readme_test_vector():
    # From the seedrandom README: Math.seedrandom('hello.'); Math.random() == 0.9282578795792454
    assert SeedRandom("hello.").random() == 0.9282578795792454


@pytest.mark.parametrize("seed", list(NODE_STREAMS), ids=["hello", "0.12345", "empty", "unicode", "x300"])
def test_stream_matches_node(seed):
    first, spot_checks = NODE_STREAMS[seed]
    rng = SeedRandom(seed)
    values = [rng.random() for _ in range(20_000)]
    assert values[:5] == first
    for index, expected in spot_checks.items():
        assert values[index] == expected


class _LiteralSeedRandom:
    """seedrandom.js transcribed line by line, slowly: the reference for the buffered, fast-path port."""

    def __init__(self, seed: str):
        key: list[int] = []
        smear = 0
        codes = seed.encode("utf-16-le", "surrogatepass")
        for j in range(len(codes) // 2):
            code = codes[2 * j] | codes[2 * j + 1] << 8
            old = key[j & 255] if (j & 255) < len(key) else None
            smear ^= 0 if old is None else old * 19  # undefined * 19 is NaN, and NaN ^ s == s
            value = 255 & (smear + code)
            if old is None:
                key.append(value)
            else:
                key[j & 255] = value
        if not key:
            key = [0]
        s = list(range(256))
        j = 0
        for i in range(256):
            t = s[i]
            j = 255 & (j + key[i % len(key)] + t)
            s[i] = s[j]
            s[j] = t
        self.s, self.i, self.j = s, 0, 0
        self.g(256)

    def g(self, count: int) -> int:
        r = 0
        for _ in range(count):
            self.i = 255 & (self.i + 1)
            t = self.s[self.i]
            self.j = 255 & (self.j + t)
            self.s[self.i] = self.s[self.j]
            self.s[self.j] = t
            r = r * 256 + self.s[255 & (self.s[self.i] + self.s[self.j])]
        return r

    def random(self) -> float:
        n = float(self.g(6))
        d = 2.0**48
        x = 0
        while n < 2.0**52:
            n = (n + x) * 256
            d *= 256
            x = self.g(1)
        while n >= 2.0**53:
            n /= 2
            d /= 2
            x >>= 1
        return (n + x) / d


@pytest.mark.parametrize("seed", ["0.5", "0.99999", "a", "x" * 300, "", "é😀x"])
def test_fast_port_equals_literal_transcription(seed):
    fast, literal = SeedRandom(seed), _LiteralSeedRandom(seed)
    # 6,000 draws cross several buffer refills and include ~1/16 that take the general path.
    assert [fast.random() for _ in range(6_000)] == [literal.random() for _ in range(6_000)]


def test_mix_key_is_the_seed_for_short_ascii_seeds_until_smear_kicks_in():
    # No slot is revisited for seeds up to 256 characters, so smear stays 0 and the key is the codes.
    assert mix_key("0.12345") == [ord(c) for c in "0.12345"]
    long_key = mix_key("ab" * 200)
    assert len(long_key) == 256
    assert long_key != [ord(c) for c in ("ab" * 200)[:256]]  # the second pass mixes


def test_values_are_in_unit_interval_and_look_uniform():
    rng = SeedRandom("0.31415")
    values = [rng.random() for _ in range(20_000)]
    assert all(0.0 <= v < 1.0 for v in values)
    assert abs(sum(values) / len(values) - 0.5) < 0.01
    assert len(set(values)) == len(values)


def test_uniform_is_tf_rand_uniform():
    a, b = SeedRandom("0.1"), SeedRandom("0.1")
    for low, high in [(-6, 6), (0, 2 * math.pi), (3.5, 5), (-1, 1)]:
        assert a.uniform(low, high) == b.random() * (high - low) + low


def test_normal_is_tf_polar_method_draw_for_draw():
    a, b = SeedRandom("0.2"), SeedRandom("0.2")
    for mean, variance in [(2, 0.5), (-2, 4), (0, 1)] * 50:
        while True:
            v1 = 2 * b.random() - 1
            v2 = 2 * b.random() - 1
            s = v1 * v1 + v2 * v2
            if s <= 1:
                break
        expected = mean + math.sqrt(variance) * (math.sqrt(-2 * math.log(s) / s) * v1)
        assert a.normal(mean, variance) == expected
    assert a.random() == b.random()  # both consumed the same number of draws


def test_normal_has_the_requested_mean_and_variance():
    rng = SeedRandom("0.777")
    samples = [rng.normal(1.0, 4.0) for _ in range(20_000)]
    mean = sum(samples) / len(samples)
    variance = sum((v - mean) ** 2 for v in samples) / len(samples)
    assert abs(mean - 1.0) < 0.05
    assert abs(variance - 4.0) < 0.15


def test_same_seed_same_stream_different_seed_different_stream():
    assert [SeedRandom("0.4").random() for _ in range(3)] == [SeedRandom("0.4").random() for _ in range(3)]
    a, b = SeedRandom("0.40000"), SeedRandom("0.4")  # TF seeds are strings: "0.40000" != "0.4"
    assert [a.random() for _ in range(5)] != [b.random() for _ in range(5)]


def test_seed_must_be_a_string():
    with pytest.raises(TypeError):
        SeedRandom(0.5)  # type: ignore[arg-type]


def test_fast_enough_for_the_regression_sets():
    # 1,200 regression points take 4 draws each, plus 1,200 for the shuffle.
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        rng = SeedRandom("0.12345")
        for _ in range(6_000):
            rng.random()
        best = min(best, time.perf_counter() - start)
    assert best < 0.05


def test_new_seed_string_looks_like_tf():
    seed = new_seed_string(random.Random(7))
    assert re.fullmatch(r"[01]\.\d{5}", seed)
    assert seed == new_seed_string(random.Random(7))
    assert re.fullmatch(r"[01]\.\d{5}", new_seed_string())
    seeds = {new_seed_string(random.Random(k)) for k in range(50)}
    assert len(seeds) > 45


@pytest.mark.parametrize("seed", ["0.5", "", "x" * 300, "é😀x", "0.12345"])
def test_skip_leaves_the_stream_where_stepping_one_by_one_does(seed):
    # skip(n) == n calls of random(): from a fresh stream and from the middle of the buffer (the pending
    # bytes are read first), for counts that cross refills and the ~1/16 longer draws.
    for already_drawn in (0, 1, 146, 300):
        for count in (0, 1, 7, 1_000, 20_000):
            skipped, stepped = SeedRandom(seed), SeedRandom(seed)
            for _ in range(already_drawn):
                skipped.random()
                stepped.random()
            skipped.skip(count)
            for _ in range(count):
                stepped.random()
            assert [skipped.random() for _ in range(2_000)] == [stepped.random() for _ in range(2_000)]


def test_skip_matches_the_literal_transcription_far_into_the_stream():
    skipped, literal = SeedRandom("0.48213"), _LiteralSeedRandom("0.48213")
    skipped.skip(60_000)
    for _ in range(60_000):
        literal.random()
    assert [skipped.random() for _ in range(50)] == [literal.random() for _ in range(50)]


def test_skip_is_fast_for_the_most_a_link_may_ask():
    # A link's initDraws skips this many draws on every network build while other learners wait.
    from playground.tfplayground.settings import MAX_INIT_DRAWS

    SeedRandom("0.1").skip(10)  # loads the compiled code
    best = math.inf
    for _ in range(5):
        rng = SeedRandom("0.73391")
        start = time.perf_counter()
        rng.skip(MAX_INIT_DRAWS)
        best = min(best, time.perf_counter() - start)
    assert best < 0.05


def test_skip_refuses_to_go_back():
    with pytest.raises(ValueError):
        SeedRandom("0.1").skip(-1)
