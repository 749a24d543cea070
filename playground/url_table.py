"""One way for every lesson to read its settings from a link: a table of fields, a reader and a writer.

A lesson declares its settings once, as `Field`s (query key, parser, the sentence a notice uses, default).
`LinkReader` reads a link's values against them and never raises: a bad value falls back to the default
with a notice quoting it (shortened and made safe to show), unknown keys are named, at most MAX_KEYS keys
are read and a repeated key's last value wins. `write` turns values back into a query string: only what
differs from the defaults (or a field marked `always`), in the table's order.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode

from playground.text import escape_markdown

MAX_KEYS = 200  # settings read from one link (the Playground's has at most ~70: TF's keys, ours, hidden controls)
MAX_SHOWN_CHARS = 40  # a notice quotes at most this much of a bad value or an unknown key
MAX_UNKNOWN_NAMED = 5
MAX_NUMBER_CHARS = 50

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

Parser = Callable[[str], Any]  # returns the parsed value, or None when the text is not acceptable


# ------------------------------------------------------------------------------------------------ parsers


def js_number(value: float) -> str:
    """A number as JavaScript's String(number) writes it: 0.03, 10, 0.00001, 1e-7, 1.5e+21."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else repr(value)
    _sign, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # value = 0.<digits> * 10**point
    if len(digits) <= point <= 21:
        text = digits + "0" * (point - len(digits))
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = f"{mantissa}e{'+' if point > 0 else '-'}{abs(point - 1)}"
    return ("-" if value < 0 else "") + text


def number(text: str) -> float | None:
    """A finite decimal number written plainly (no NaN, infinity, hex, '_' or non-ASCII digits), else None."""
    if len(text) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value + 0.0 if math.isfinite(value) else None  # + 0.0 turns -0.0 into 0.0


def number_in(low: float, high: float, digits: int | None = None) -> Parser:
    """A number from `low` to `high` (rounded to `digits` decimals, if given)."""
    def parse(text: str) -> float | None:
        value = number(text)
        if value is None or not low <= value <= high:
            return None
        return round(value, digits) if digits is not None else value
    return parse


def number_among(choices: Sequence[float]) -> Parser:
    """One of `choices`, written as any number equal to it ('1e-3' for 0.001)."""
    def parse(text: str) -> float | None:
        value = number(text)
        return value if value is not None and value in choices else None
    return parse


def whole_in(choices: Sequence[int]) -> Parser:
    """A whole number among `choices` (a range is checked without a loop); '5.0' reads as 5."""
    def parse(text: str) -> int | None:
        value = number(text)
        return int(value) if value is not None and value.is_integer() and int(value) in choices else None
    return parse


def choice(options: Sequence[str]) -> Parser:
    """One of `options`, in any letter case; the option as the table spells it."""
    by_lower = {option.lower(): option for option in options}
    return lambda text: by_lower.get(text.lower())


def boolean(text: str) -> bool | None:
    """true/false or 1/0, in any letter case."""
    return _BOOLEANS.get(text.lower())


def as_text(value: Any) -> str:
    """A value as a link writes it: true/false, numbers as JavaScript writes them, lists with commas."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return js_number(value) if isinstance(value, float) else str(value)


def shown(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """Part of a value or key as plain text (control characters as '?'), cut to `limit` characters."""
    clean = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return clean + ("…" if len(text) > limit else "")


# ------------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Field:
    """One setting in a link: its key, how its text is read, what it must be (the end of the notice's
    "'…' is not ___"), its default, and how it is written back."""

    key: str
    parse: Parser
    expected: str
    default: Any = None
    write: Callable[[Any], str] = as_text
    always: bool = False  # written even when it is the default
    strip: bool = True  # spaces around the text are dropped before parsing
    describe: Callable[[Any], str] = as_text  # the default as a notice names it
    instead: str | None = None  # what a notice says is used instead of a bad value (None: "the default …")


@dataclass(frozen=True)
class Quoting:
    """How a lesson's notices quote a link's text, and whether they name the default used instead."""

    quote: Callable[[str, int], str]
    value_chars: int = MAX_SHOWN_CHARS
    names_default: bool = True

    def value(self, text: str) -> str:
        return self.quote(text, self.value_chars)

    def key(self, text: str) -> str:
        return self.quote(text, MAX_SHOWN_CHARS)


PLAIN = Quoting(shown)  # plain text: the lesson escapes each whole notice before it shows it


def markdown(value_chars: int = MAX_SHOWN_CHARS) -> Quoting:
    """Notices ready to show as Markdown: a link's text in them is escaped literal text."""
    return Quoting(lambda text, limit: escape_markdown(text, limit), value_chars, names_default=False)


# ------------------------------------------------------------------------------------------------ reading


def key_name(key: str) -> str:
    """A key without a pasted link's prefix: 'https://playground.tensorflow.org/#activation' -> activation."""
    if "#" in key:
        key = key.rsplit("#", 1)[1]
    elif "?" in key:
        key = key.rsplit("?", 1)[1]
    return key


def last_values(params: Mapping[Any, Any], max_keys: int = MAX_KEYS) -> dict[str, str]:
    """The first `max_keys` keys, each with its last value as text (a list's last item; '' for an empty one)."""
    values: dict[str, str] = {}
    for raw_key in itertools.islice(params.keys(), max_keys):
        value = params[raw_key]
        if not isinstance(value, str) and isinstance(value, Sequence):
            value = value[-1] if len(value) else ""
        key = key_name(str(raw_key))
        if key:
            values[key] = value if isinstance(value, str) else str(value)
    return values


class LinkReader:
    """A link's values, read field by field (a later field's bounds may depend on an earlier one's value);
    `notices` collects what could not be used, in the order it was read."""

    def __init__(self, params: Mapping[Any, Any], quoting: Quoting = PLAIN) -> None:
        self.values = last_values(params)
        self.quoting = quoting
        self.notices: list[str] = []
        if len(params) > MAX_KEYS:
            self.notices.append(f"This link has {len(params):,} settings; only the first {MAX_KEYS} were read.")

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def reject(self, key: str, expected: str, instead: str = "the default") -> None:
        """A notice: the link's value of `key` is not `expected`, so `instead` is used."""
        self.notices.append(f"{self.quoting.key(key)} '{self.quoting.value(self.values[key])}' is not {expected} "
                            f"— using {instead}.")

    def read(self, field: Field) -> Any:
        """The field's value from the link, or its default (with a notice when the link's value is bad)."""
        if field.key not in self.values:
            return field.default
        raw = self.values[field.key]
        parsed = field.parse(raw.strip() if field.strip else raw)
        if parsed is None:
            named = f" {field.describe(field.default)}" if self.quoting.names_default else ""
            self.reject(field.key, field.expected, field.instead or "the default" + named)
            return field.default
        return parsed

    def read_all(self, fields: Sequence[Field]) -> dict[str, Any]:
        """Every field's value, by key, in the table's order."""
        return {field.key: self.read(field) for field in fields}

    def unknown(self, known: Collection[str]) -> list[str]:
        """The link's keys that are not in `known`, in the link's order."""
        return [key for key in self.values if key not in known]

    def name_unknown(self, unknown: Sequence[str]) -> None:
        """One notice naming the first few of `unknown` keys (none when there are none)."""
        if unknown:
            more = len(unknown) - MAX_UNKNOWN_NAMED
            named = ", ".join(self.quoting.key(key) for key in unknown[:MAX_UNKNOWN_NAMED])
            self.notices.append(f"Ignored settings this page does not know: {named}"
                                f"{f' and {more} more' if more > 0 else ''}.")


def read_table(params: Mapping[Any, Any], fields: Sequence[Field],
               quoting: Quoting = PLAIN) -> tuple[dict[str, Any], list[str]]:
    """A flat table's values from a link (each field independent of the others), and the notices: bad
    values, then the keys the table does not know."""
    reader = LinkReader(params, quoting)
    values = reader.read_all(fields)
    reader.name_unknown(reader.unknown({field.key for field in fields}))
    return values, reader.notices


def link_params(query: Mapping[str, Any], preset: str | None = None) -> Mapping[str, Any]:
    """The page's query parameters, or the class's preset query string for the lesson when it has none."""
    if query or not preset:
        return query
    return dict(parse_qsl(preset, keep_blank_values=True))


# ------------------------------------------------------------------------------------------------ writing


def write(fields: Sequence[Field], values: Mapping[str, Any]) -> dict[str, str]:
    """The query string's keys and values, in the table's order: each field whose value differs from its
    default, and each `always` field."""
    return {field.key: field.write(values[field.key]) for field in fields
            if field.always or values[field.key] != field.default}


def page_address(page: str, query: Mapping[str, str]) -> str:
    """A link to a page of this app with a query string: page_address("adversarial", {...})."""
    return f"/{page}?{urlencode(query)}"
