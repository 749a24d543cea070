"""Read and check a learner's own 2D classification data from a CSV upload.

Uploading one's own points is what TensorFlow Playground's users ask for most. A learner's file can
be wrong in many ways, and a traceback teaches nothing, so every problem gets one plain message
that says what is wrong and where: rows are numbered as a spreadsheet shows them (the header is
row 1) and at most the first three offending rows are listed. Bad input only ever raises
:class:`CsvError`.

The file needs a header row naming the columns ``x``, ``y`` and ``label`` (any order, any case,
spaces around names are fine); labels are whole numbers and become classes 0..k-1 in sorted order.
The points are shuffled and split with TF Playground's seeded shuffle, like the generated sets.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence

import numpy as np

from playground.toydata.generators import UPLOAD_NAME, Data2D, shuffle_order, split_index
from playground.toydata.seedrandom import SeedRandom

MAX_ROWS = 5000
MIN_ROWS = 4
MAX_LINES = 4 * MAX_ROWS  # lines read at most, blank ones included (a spreadsheet may export empty rows)
MAX_COLUMNS = 100  # cells in a row, empty ones included (a spreadsheet may export empty columns)
MAX_LINE_CHARS = 2_000  # characters in a line (100 cells of a 20-digit number)
MAX_BYTES = 2 * 1024 * 1024  # 5,000 rows of x,y,label fit in a tenth of this; any upload limit is capped to it
MAX_CLASSES = 10
MAX_ABS_VALUE = 1e6  # larger coordinates or labels are almost surely a mistake (wrong column, units)
REQUIRED_COLUMNS = ("x", "y", "label")
SHOWN_ROWS = 3  # offending rows named in a message
SHOWN_TEXT = 20  # characters of an offending cell shown in a message

_UTF8_BOM = b"\xef\xbb\xbf"
# C0 control characters other than tab, line feed and carriage return never occur in a text CSV.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class CsvError(ValueError):
    """A problem with an uploaded CSV file; ``message`` is meant for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- small helpers for messages ---


def _format_size(num_bytes: int) -> str:
    """1536 -> "1.5 KB", 10485760 -> "10 MB" (binary units, as upload limits are usually set)."""
    for unit, size in (("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= size:
            return f"{num_bytes / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{num_bytes} bytes"


def _rows_text(rows: Sequence[int]) -> str:
    """Name offending rows: "row 4", "rows 4, 7, 9" or "rows 4, 7, 9 and 12 more"."""
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    more = f" and {len(rows) - SHOWN_ROWS} more" if len(rows) > SHOWN_ROWS else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def _quote(cell: str) -> str:
    text = cell if len(cell) <= SHOWN_TEXT else cell[:SHOWN_TEXT] + "…"
    return f'"{text}"'


def _quoted_list(cells: Sequence[str]) -> str:
    unique = list(dict.fromkeys(cells))
    return ", ".join(_quote(c) for c in unique[:SHOWN_ROWS])


def _column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _and_list(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- the steps of parsing ---


def _decode(data: bytes, max_bytes: int) -> str:
    """Check size and encoding; return the text without a BOM."""
    if len(data) > max_bytes:
        raise CsvError(
            f"The file is {_format_size(len(data))}, larger than the upload limit of "
            f"{_format_size(max_bytes)}. Use fewer points (at most {MAX_ROWS:,} rows)."
        )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if b"\x00" in data:
        raise CsvError("This is not a text file (it contains binary data). Upload a .csv file saved as text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CsvError(
            f"The file is not UTF-8 text (unreadable byte at position {err.start}). "
            "Save it as CSV (UTF-8) or as plain text and upload it again."
        ) from None
    if not text.strip():
        raise CsvError("The file is empty. It needs a header row x,y,label and one row per point.")
    if _CONTROL_CHARS.search(text):
        raise CsvError(
            "This does not look like a text file (it contains control characters). Upload a .csv file."
        )
    return text


def _guess_delimiter(text: str) -> str:
    """Commas, unless the header line has none but has semicolons or tabs (some spreadsheets' export)."""
    header_line = next((line for line in io.StringIO(text) if line.strip()), "")  # reads up to that line only
    if "," not in header_line:
        for delimiter in (";", "\t"):
            if delimiter in header_line:
                return delimiter
    return ","


def _lines(text: str) -> Iterator[str]:
    """The text's lines for the CSV reader, each refused before it is split if it is too long for points."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise CsvError(f"Line {number:,} is {len(line):,} characters long, far too long for a row of points "
                           f"(at most {MAX_LINE_CHARS:,}). Is this the right file?")
        yield line


def _read_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The non-blank records as (spreadsheet row number, cells): the header and at most MAX_ROWS data rows
    (reading stops at the first row past that, or past MAX_LINES lines or MAX_COLUMNS cells in a row: a
    file of a million rows costs what one of 5,001 does)."""
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if row > MAX_LINES:
                raise CsvError(f"The file has more than {MAX_LINES:,} lines (blank ones included); at most "
                               f"{MAX_ROWS:,} points are allowed. Remove the empty lines.")
            if len(cells) > MAX_COLUMNS:
                raise CsvError(f"Row {row} has {len(cells):,} values; a file of points has the columns x, y and "
                               f"label (at most {MAX_COLUMNS} columns, empty ones included).")
            if any(c.strip() for c in cells):
                if len(records) > MAX_ROWS:  # the header and MAX_ROWS points are in: this is one too many
                    raise CsvError(f"The file has more than {MAX_ROWS:,} data rows; at most {MAX_ROWS:,} points "
                                   "are allowed.")
                records.append((row, cells))
    except csv.Error as err:
        where = f"row {row + 1}"
        if "field larger than field limit" in str(err):
            message = f"A cell near {where} is far too long to be a number. Is this the right file?"
            raise CsvError(message) from None
        raise CsvError(
            f'The file could not be read as CSV near {where}: a double quote (") is unmatched or '
            'misplaced. Remove the quote, or put the whole cell in quotes like "this".'
        ) from None
    return records


def _find_columns(header: list[str], data_rows: list[tuple[int, list[str]]]) -> dict[str, int]:
    """Map x, y and label to their positions in the header; complain about anything else."""
    names = [cell.strip().lower() for cell in header]
    if all(_NUMBER.fullmatch(n) or _NOT_FINITE.fullmatch(n) for n in names if n):
        raise CsvError("The first row holds numbers, not column names. Add a header row: x,y,label.")
    # Columns with a value in some row, found in one pass over the cells (not one pass per column).
    filled = {index for _, cells in data_rows for index, cell in enumerate(cells) if cell.strip()}
    seen: dict[str, int] = {}
    extra: list[str] = []
    for index, name in enumerate(names):
        if not name:
            # An unnamed column is ignored if it is empty all the way down (a trailing comma, say).
            if index in filled:
                extra.append(f"an unnamed column ({_column_letter(index)})")
            continue
        if name in seen:
            raise CsvError(
                f"The header names the column {name} twice. Each of x, y and label must appear once."
            )
        seen[name] = index
        if name not in REQUIRED_COLUMNS:
            extra.append(_quote(header[index].strip()))
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    problems = []
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {_and_list(missing)}")
    if extra:
        problems.append(f"extra column{'s' if len(extra) > 1 else ''} {_and_list(extra)}")
    if problems:
        found = ", ".join(n or "(empty)" for n in names)
        raise CsvError(
            f"The header must name exactly the columns x, y and label: {'; '.join(problems)}. "
            f"The header row reads: {found[:80]}."
        )
    return seen


def _check_row_lengths(
    columns: dict[str, int], data_rows: list[tuple[int, list[str]]], decimal_comma_hint: bool
) -> None:
    """Every row needs a cell under x, y and label, and nothing beyond (empty trailing cells are fine)."""
    needed = max(columns.values()) + 1
    used = set(columns.values())
    short, long = [], []
    for row, cells in data_rows:
        if len(cells) < needed:
            short.append(row)
        elif any(cell.strip() for i, cell in enumerate(cells) if i >= needed and i not in used):
            long.append(row)
    if short:
        raise CsvError(f"Some rows have fewer values than the header has columns: {_rows_text(short)}.")
    if long:
        hint = " Decimal commas? Write 0.5, not 0,5." if decimal_comma_hint else ""
        raise CsvError(f"Some rows have more values than the header has columns: {_rows_text(long)}.{hint}")


def _parse_column(name: str, cells: list[str], rows: list[int]) -> np.ndarray:
    """Turn one column's cells into floats, or raise a message about the first kind of bad cell."""
    values = np.empty(len(cells), dtype=np.float64)
    empty_rows: list[int] = []
    text_rows: list[int] = []
    text_cells: list[str] = []
    not_finite_rows: list[int] = []
    not_finite_cells: list[str] = []
    for k, (raw, row) in enumerate(zip(cells, rows, strict=True)):
        cell = raw.strip()
        if not cell:
            empty_rows.append(row)
        elif _NUMBER.fullmatch(cell):
            values[k] = value = float(cell)
            if not math.isfinite(value):  # e.g. 1e999
                not_finite_rows.append(row)
                not_finite_cells.append(cell)
        elif _NOT_FINITE.fullmatch(cell):
            not_finite_rows.append(row)
            not_finite_cells.append(cell)
        else:
            text_rows.append(row)
            text_cells.append(cell)
    if text_rows:
        hint = ""
        if any(_DECIMAL_COMMA.fullmatch(c) for c in text_cells):
            hint = " Write decimals with a dot: 0.5, not 0,5."
        if name == "label":
            raise CsvError(
                f"Labels must be whole numbers such as 0, 1, 2 (or -1 and 1): column label has "
                f"{_quoted_list(text_cells)} in {_rows_text(text_rows)}.{hint}"
            )
        raise CsvError(
            f"Column {name} must hold numbers, but has {_quoted_list(text_cells)} "
            f"in {_rows_text(text_rows)}.{hint}"
        )
    if empty_rows:
        raise CsvError(
            f"Column {name} has empty cells in {_rows_text(empty_rows)}. Every point needs x, y and label."
        )
    if not_finite_rows:
        raise CsvError(
            f"Column {name} has values that are not finite numbers ({_quoted_list(not_finite_cells)}) in "
            f"{_rows_text(not_finite_rows)}. Replace or delete those rows."
        )
    too_big = np.flatnonzero(np.abs(values) > MAX_ABS_VALUE)
    if too_big.size:
        first = values[too_big[0]]
        raise CsvError(
            f"Column {name} has values far too large (e.g. {first:g}) "
            f"in {_rows_text([rows[i] for i in too_big])}. "
            f"Values must lie between -{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}; for this playground, "
            "scale your points to about -6..6."
        )
    return values


def _class_labels(
    raw_labels: np.ndarray, rows: list[int], cells: list[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Whole-number labels -> class ids 0..k-1 (sorted by value) and the values as class names."""
    fractional = np.flatnonzero(raw_labels != np.round(raw_labels))
    if fractional.size:
        raise CsvError(
            f"Labels must be whole numbers such as 0, 1, 2 (or -1 and 1): column label has "
            f"{_quoted_list([cells[i].strip() for i in fractional])} "
            f"in {_rows_text([rows[i] for i in fractional])}."
        )
    as_int = raw_labels.astype(np.int64)
    values, class_ids = np.unique(as_int, return_inverse=True)
    if len(values) == 1:
        raise CsvError(
            f"All points have label {values[0]}: add points of at least one other class, "
            "so there is something to tell apart."
        )
    if len(values) > MAX_CLASSES:
        shown = ", ".join(str(v) for v in values[:12]) + (", …" if len(values) > 12 else "")
        raise CsvError(
            f"The labels take {len(values)} different values ({shown}); "
            f"at most {MAX_CLASSES} classes are allowed."
        )
    return class_ids.astype(np.int64), tuple(str(v) for v in values)


def parse_learner_csv(data: bytes, *, max_bytes: int, perc_train: int = 50, seed: str = "0.5") -> Data2D:
    """Check an uploaded CSV and return its points as a classification :class:`Data2D` named "upload".

    ``perc_train`` percent of the shuffled points (TF's seeded shuffle with ``seed``) go to training;
    unlike TF's split, each side keeps at least one point. Raises :class:`CsvError` for any bad file.
    """
    text = _decode(bytes(data), min(max_bytes, MAX_BYTES))
    delimiter = _guess_delimiter(text)
    records = _read_records(text, delimiter)
    if not records:  # only delimiters and spaces
        raise CsvError("The file has no values, only separators. It needs a header row x,y,label and one row "
                       "per point.")
    header_row, header = records[0]
    data_rows = records[1:]
    columns = _find_columns(header, data_rows)
    if not data_rows:
        raise CsvError("The file has a header but no points. Add one row per point below the header.")
    _check_row_lengths(columns, data_rows, decimal_comma_hint=delimiter == ",")
    if len(data_rows) < MIN_ROWS:
        raise CsvError(
            f"Too few points: the file has {len(data_rows)} data row{'s' if len(data_rows) > 1 else ''}; "
            f"at least {MIN_ROWS} are needed."
        )
    rows = [row for row, _ in data_rows]
    cells = {name: [cells[index] for _, cells in data_rows] for name, index in columns.items()}
    x = _parse_column("x", cells["x"], rows)
    y = _parse_column("y", cells["y"], rows)
    raw_labels = _parse_column("label", cells["label"], rows)
    labels, class_names = _class_labels(raw_labels, rows, cells["label"])

    points = np.column_stack([x, y])
    order = shuffle_order(len(points), SeedRandom(seed))
    cut = min(max(split_index(len(points), perc_train), 1), len(points) - 1)
    train, test = order[:cut], order[cut:]
    return Data2D(
        train_x=points[train],
        train_y=labels[train],
        test_x=points[test],
        test_y=labels[test],
        problem="classification",
        n_classes=len(class_names),
        name=UPLOAD_NAME,
        class_names=class_names,
    )


def data_to_csv(points: np.ndarray, labels: np.ndarray, class_names: Sequence[str] = ()) -> bytes:
    """Write points as an ``x,y,label`` CSV that :func:`parse_learner_csv` reads back unchanged.

    Labels are class ids; with ``class_names`` each id is written as its name (the original label
    value of an upload, or "-1"/"+1" for TF's sets). Coordinates use Python's shortest exact repr.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    labels = np.asarray(labels)
    if len(points) != len(labels):
        raise ValueError(f"{len(points)} points but {len(labels)} labels")
    lines = ["x,y,label"]
    for (x, y), label in zip(points.tolist(), labels.tolist(), strict=True):
        if class_names:
            text = class_names[int(label)]
        elif float(label).is_integer():
            text = str(int(label))
        else:
            text = repr(float(label))
        lines.append(f"{x!r},{y!r},{text}")
    return ("\n".join(lines) + "\n").encode("utf-8")
