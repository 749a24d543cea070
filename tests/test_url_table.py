"""The one way every lesson reads its settings from a link: the parsers, the reader (never raises, bad values
named, unknown keys named, a cap on keys, the last of a repeated key) and the writer (defaults left out)."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from playground.text import escape_markdown
from playground.url_table import (
    MAX_KEYS,
    PLAIN,
    Field,
    LinkReader,
    as_text,
    boolean,
    choice,
    js_number,
    link_params,
    markdown,
    number,
    number_among,
    number_in,
    page_address,
    read_table,
    shown,
    whole_in,
    write,
)

TABLE = (
    Field("mode", choice(("fast", "Slow")), "fast or Slow", "fast", always=True),
    Field("rate", number_in(0, 1, digits=2), "a number from 0 to 1", 0.5),
    Field("size", whole_in(range(1, 11)), "a whole number from 1 to 10", 4),
    Field("on", boolean, "true or false", False),
    Field("name", lambda text: text or None, "some text", "me", strip=False),
)


@pytest.mark.parametrize(("text", "value"), [
    ("1", 1.0), ("-2.5", -2.5), ("+3", 3.0), (".5", 0.5), ("5.", 5.0), ("1e-3", 0.001), ("-0", 0.0),
    ("NaN", None), ("inf", None), ("-Infinity", None), ("1e400", None), ("0x10", None), ("1_000", None),
    ("٣", None), ("", None), (" 1", None), ("1,5", None), ("9" * 51, None),
])
def test_number_is_a_plain_finite_decimal(text: str, value: float | None) -> None:
    assert number(text) == value
    if value == 0:
        assert str(number(text)) == "0.0"  # never -0.0


def test_bounded_parsers() -> None:
    assert number_in(0, 0.3, digits=2)("0.123") == 0.12
    assert number_in(0, 0.3)("0.31") is None and number_in(0, 0.3)("-0.1") is None
    assert number_among((0.001, 0.01))("1e-3") == 0.001 and number_among((0.001,))("0.002") is None
    assert whole_in(range(1, 41))("40") == 40 and whole_in(range(1, 41))("40.0") == 40
    assert whole_in(range(1, 41))("41") is None and whole_in(range(1, 41))("3.5") is None
    assert whole_in(range(2**31))("2147483647") == 2**31 - 1  # a range is checked without a loop
    assert choice(("relu", "L1"))("RELU") == "relu" and choice(("relu", "L1"))("l1") == "L1"
    assert choice(("relu",))("swish") is None
    assert [boolean(t) for t in ("true", "TRUE", "1", "false", "0", "yes", "")] == [True, True, True, False,
                                                                                    False, None, None]


def test_values_as_a_link_writes_them() -> None:
    assert [as_text(v) for v in (True, False, 0.03, 10.0, 1e-7, 7, [4, 2], (8, 16), [], "x")] == [
        "true", "false", "0.03", "10", "1e-7", "7", "4,2", "8,16", "", "x"]
    assert js_number(0.00001) == "0.00001" and js_number(1e21) == "1e+21"
    assert shown("a\nb") == "a?b" and shown("x" * 50) == "x" * 40 + "…" and shown("abc", 2) == "ab…"


def test_no_link_gives_the_defaults() -> None:
    assert read_table({}, TABLE) == ({"mode": "fast", "rate": 0.5, "size": 4, "on": False, "name": "me"}, [])


def test_good_values_are_read() -> None:
    values, notices = read_table({"mode": "slow", "rate": " 0.257 ", "size": "10", "on": "1", "name": " x "}, TABLE)
    assert (values, notices) == ({"mode": "Slow", "rate": 0.26, "size": 10, "on": True, "name": " x "}, [])


def test_a_bad_value_keeps_the_default_with_a_plain_notice() -> None:
    values, notices = read_table({"size": "11", "mode": "warp", "rate": "NaN", "name": ""}, TABLE)
    assert values == {"mode": "fast", "rate": 0.5, "size": 4, "on": False, "name": "me"}
    assert notices == [  # in the table's order, each naming the default it uses instead
        "mode 'warp' is not fast or Slow — using the default fast.",
        "rate 'NaN' is not a number from 0 to 1 — using the default 0.5.",
        "size '11' is not a whole number from 1 to 10 — using the default 4.",
        "name '' is not some text — using the default me.",
    ]


def test_markdown_notices_quote_a_value_as_literal_shortened_text() -> None:
    evil = "[click](https://evil.example) **now**" + "x" * 100
    _, notices = read_table({"mode": evil}, TABLE, markdown(20))
    assert notices == [f"mode '{escape_markdown(evil, 20)}' is not fast or Slow — using the default."]
    assert notices[0].startswith(r"mode '\[click\]\(https") and "…" in notices[0] and len(notices[0]) < 120
    _, plain = read_table({"mode": evil}, TABLE, PLAIN)
    assert plain[0].startswith(f"mode '{evil[:40]}…' is not")  # plain: the lesson escapes the whole notice


def test_a_repeated_keys_last_value_wins() -> None:
    values, notices = read_table({"size": ["2", "x", "7"], "on": []}, TABLE)
    assert (values["size"], values["on"]) == (7, False)
    assert notices == ["on '' is not true or false — using the default false."]  # an empty list reads as ''


def test_a_pasted_links_prefix_is_dropped_from_a_key() -> None:
    values, notices = read_table({"https://example.org/page#size": "3", "?rate": "0.1"}, TABLE)
    assert (values["size"], values["rate"], notices) == (3, 0.1, [])


def test_unknown_keys_are_named_a_few_at_a_time() -> None:
    link = {f"key{i}": "1" for i in range(8)} | {"size": "2", "": "x"}
    values, notices = read_table(link, TABLE)
    assert values["size"] == 2
    assert notices == ["Ignored settings this page does not know: key0, key1, key2, key3, key4 and 3 more."]
    _, notices = read_table({"[k](https://evil.example)": "1"}, TABLE, markdown())
    assert notices == [f"Ignored settings this page does not know: {escape_markdown('[k](https://evil.example)')}."]


def test_a_link_with_thousands_of_keys_is_read_only_so_far() -> None:
    huge = {f"k{i}": "1" for i in range(6_000)} | {"size": "9"}
    start = time.perf_counter()
    values, notices = read_table(huge, TABLE)
    assert time.perf_counter() - start < 0.05
    assert notices[0] == f"This link has 6,001 settings; only the first {MAX_KEYS} were read."
    assert values["size"] == 4  # past the first MAX_KEYS: not read
    assert notices[1].endswith(f"and {MAX_KEYS - 5} more.")


def test_a_reader_reads_fields_that_depend_on_earlier_ones() -> None:
    reader = LinkReader({"limit": "3", "size": "5", "extra": "1"})
    limit = reader.read(Field("limit", whole_in(range(1, 11)), "a whole number from 1 to 10", 10))
    size = reader.read(Field("size", whole_in(range(1, limit + 1)), f"a whole number from 1 to {limit}", 1))
    assert (limit, size, "size" in reader, "other" in reader) == (3, 1, True, False)
    reader.reject("extra", "used here", "nothing")
    reader.name_unknown(reader.unknown({"limit", "size"}))
    assert reader.notices == ["size '5' is not a whole number from 1 to 3 — using the default 1.",
                              "extra '1' is not used here — using nothing.",
                              "Ignored settings this page does not know: extra."]


def test_the_reader_never_raises() -> None:
    rng = random.Random(7)
    pieces = ["", "NaN", "1e400", "-1", "true", "9" * 5000, "ü€😀\u202e\x00", "[x](https://e.x)", "\n", "٣",
              "#", "?", "=", "&", "fast", "0.5"]
    keys = [*(field.key for field in TABLE), "", "#", "https://a.b/?size", "ö", "k" * 3000]
    for _ in range(500):
        link: dict[Any, Any] = {}
        for _ in range(rng.randint(0, 8)):
            key = rng.choice(keys) if rng.random() < 0.8 else rng.choice([7, None, ("a",)])
            link[key] = rng.choice([rng.choice(pieces), [rng.choice(pieces)], [], 3, None])
        for quoting in (PLAIN, markdown(20)):
            values, notices = read_table(link, TABLE, quoting)
            assert set(values) == {field.key for field in TABLE}
            assert all(isinstance(n, str) and 0 < len(n) < 400 for n in notices)


def test_write_leaves_out_defaults_in_the_tables_order() -> None:
    assert write(TABLE, {"mode": "fast", "rate": 0.5, "size": 4, "on": False, "name": "me"}) == {"mode": "fast"}
    written = write(TABLE, {"name": "a b", "on": True, "size": 4, "rate": 0.25, "mode": "Slow"})
    assert list(written.items()) == [("mode", "Slow"), ("rate", "0.25"), ("on", "true"), ("name", "a b")]
    custom = Field("lr", number_among((0.001, 0.01)), "a rate", 0.01, write=lambda rate: f"{rate:g}")
    assert write((custom,), {"lr": 0.001}) == {"lr": "0.001"}


def test_a_written_link_reads_back() -> None:
    values = {"mode": "Slow", "rate": 0.25, "size": 9, "on": True, "name": "x&y=z#w"}
    assert read_table(write(TABLE, values), TABLE) == (values, [])


def test_link_params_fall_back_to_the_class_preset() -> None:
    assert link_params({"size": "3"}, "size=5") == {"size": "3"}
    assert link_params({}, "size=5&networkShape=") == {"size": "5", "networkShape": ""}
    assert link_params({}, None) == {} and link_params({}, "") == {}
    assert page_address("mnist-train", {"kind": "cnn", "hidden": "32,16"}) == "/mnist-train?kind=cnn&hidden=32%2C16"


def test_a_field_may_say_what_a_bad_value_is_replaced_by() -> None:
    field = Field("layers", choice(("relu",)), "a list of names", None, instead="relu for every layer")
    assert read_table({"layers": "swish"}, (field,)) == (
        {"layers": None}, ["layers 'swish' is not a list of names — using relu for every layer."])
