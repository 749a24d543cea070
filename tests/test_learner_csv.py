"""The learner's CSV upload: good files are read, every bad one gets its own clear CsvError."""

import contextlib
import random

import numpy as np
import pytest

from playground.toydata.generators import Data2D, make_data, shuffle_order
from playground.toydata.learner_csv import MAX_ROWS, CsvError, data_to_csv, parse_learner_csv
from playground.toydata.seedrandom import SeedRandom

LIMIT = 1024 * 1024


def parse(text: str | bytes, **kwargs) -> Data2D:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_learner_csv(data, max_bytes=kwargs.pop("max_bytes", LIMIT), **kwargs)


def error_of(text: str | bytes, **kwargs) -> str:
    with pytest.raises(CsvError) as caught:
        parse(text, **kwargs)
    assert caught.value.message == str(caught.value)
    return caught.value.message


def rows(points: list[tuple[object, object, object]], header: str = "x,y,label") -> str:
    return header + "\n" + "".join(f"{x},{y},{label}\n" for x, y, label in points)


GOOD_POINTS = [(0.5, 1.5, 0), (-1, 2, 1), (3, -0.25, 0), (2, 2, 1), (1e-3, 4, 1), (-5, -5, 0)]


def all_points(data: Data2D) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate([data.train_x, data.test_x])
    labels = np.concatenate([data.train_y, data.test_y])
    order = np.lexsort(points.T)
    return points[order], labels[order]


# --- good files ---


def test_plain_file():
    data = parse(rows(GOOD_POINTS))
    assert data.name == "upload" and data.problem == "classification"
    assert data.n_classes == 2 and data.class_names == ("0", "1")
    assert data.train_x.dtype == np.float64 and data.train_y.dtype == np.int64
    points, labels = all_points(data)
    expected = sorted(GOOD_POINTS, key=lambda p: (p[1], p[0]))
    np.testing.assert_array_equal(points, [[x, y] for x, y, _ in expected])
    np.testing.assert_array_equal(labels, [label for _, _, label in expected])


def test_bom_spaces_case_crlf_and_reordered_columns():
    text = "\ufeff Label , Y ,x \r\n" + "".join(f" {c} , {y} ,{x}\r\n" for x, y, c in GOOD_POINTS)
    assert np.array_equal(all_points(parse(text))[0], all_points(parse(rows(GOOD_POINTS)))[0])


def test_labels_minus_one_and_one():
    data = parse(rows([(1, 1, -1), (2, 2, 1), (3, 3, "+1"), (4, 4, "-1.0")]))
    assert data.class_names == ("-1", "1")
    points, labels = all_points(data)
    assert labels.tolist() == [0, 1, 1, 0]


def test_three_classes_and_float_integers():
    data = parse(rows([(1, 1, 0), (2, 2, "1.0"), (3, 3, 2), (4, 4, "2.00"), (5, 5, "1e0")]))
    assert data.n_classes == 3 and data.class_names == ("0", "1", "2")
    assert all_points(data)[1].tolist() == [0, 1, 2, 2, 1]


def test_labels_map_to_classes_in_sorted_order():
    data = parse(rows([(1, 1, 7), (2, 2, 3), (3, 3, 7), (4, 4, 3)]))
    assert data.class_names == ("3", "7")
    assert all_points(data)[1].tolist() == [1, 0, 1, 0]


def test_quoted_cells_blank_lines_semicolons_and_trailing_comma():
    assert parse('"x","y","label"\n"1","2","0"\n\n3,4,1\n5,6,0\n\n7,8,1\n').n_classes == 2
    assert parse("x;y;label\n1;2;0\n3;4;1\n5;6;0\n7;8;1\n").n_classes == 2
    assert parse("x\ty\tlabel\n1\t2\t0\n3\t4\t1\n5\t6\t0\n7\t8\t1\n").n_classes == 2
    assert parse("x,y,label,\n1,2,0,\n3,4,1,\n5,6,0,\n7,8,1,\n").n_classes == 2


def test_seeded_split_like_toy_data():
    points = [(i, -i, i % 3) for i in range(40)]
    data = parse(rows(points), perc_train=30, seed="0.777")
    assert len(data.train_x) == 12 and len(data.test_x) == 28
    order = shuffle_order(40, SeedRandom("0.777"))
    np.testing.assert_array_equal(data.train_x[:, 0], order[:12])
    again = parse(rows(points), perc_train=30, seed="0.777")
    assert np.array_equal(data.train_x, again.train_x)
    other = parse(rows(points), perc_train=30, seed="0.778")
    assert not np.array_equal(data.train_x, other.train_x)


def test_tiny_file_keeps_a_point_on_each_side():
    data = parse(rows(GOOD_POINTS[:4]), perc_train=10)
    assert len(data.train_x) == 1 and len(data.test_x) == 3
    data = parse(rows(GOOD_POINTS[:4]), perc_train=90)
    assert len(data.train_x) == 3 and len(data.test_x) == 1


# --- round trip ---


def test_download_uploads_again_unchanged():
    original = parse(rows([(0.1, 1 / 3, -1), (2.5e-7, -4, 1), (5, 6, -1), (-0.2, 0.3, 1), (1, 1, 1)]))
    points, labels = all_points(original)
    csv_bytes = data_to_csv(points, labels, original.class_names)
    again = parse(csv_bytes)
    assert again.class_names == original.class_names
    np.testing.assert_array_equal(all_points(again)[0], points)  # shortest repr round-trips exactly
    np.testing.assert_array_equal(all_points(again)[1], labels)
    assert data_to_csv(*all_points(again), again.class_names) == csv_bytes


def test_generated_data_round_trips():
    data, _ = make_data("spiral", 30, 50, "0.3")
    points = np.concatenate([data.train_x, data.test_x])
    labels = np.concatenate([data.train_y, data.test_y])
    text = data_to_csv(points, labels, data.class_names).decode()
    assert text.startswith("x,y,label\n") and ",+1\n" in text and ",-1\n" in text
    again = parse(text, perc_train=50, seed="0.3")
    got_points, got_labels = all_points(again)
    order = np.lexsort(points.T)
    np.testing.assert_array_equal(got_points, points[order])
    np.testing.assert_array_equal(got_labels, labels[order])  # "-1" < "+1" as numbers too: same ids


def test_data_to_csv_without_names_writes_ids():
    assert data_to_csv(np.array([[1.0, 2.0]]), np.array([3])) == b"x,y,label\n1.0,2.0,3\n"
    with pytest.raises(ValueError):
        data_to_csv(np.zeros((2, 2)), np.zeros(3))


# --- every kind of bad file ---


def test_empty_file():
    assert "empty" in error_of(b"")
    assert "empty" in error_of(b"\xef\xbb\xbf  \r\n\n")


def test_binary_and_non_utf8():
    assert "not a text file" in error_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    message = error_of("x,y,label\n1,2,caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in message and "position 17" in message
    assert "control characters" in error_of(b"x,y,label\n1,2,\x01\x02\n")


def test_too_large():
    message = error_of(b"x,y,label\n" + b"1,2,0\n" * 600, max_bytes=2048)
    assert "3.5 KB" in message and "2 KB" in message and "limit" in message
    message = error_of(b"x" * (3 * 1024 * 1024 + 100), max_bytes=LIMIT)
    assert "3 MB" in message and "1 MB" in message


def test_no_header():
    assert "header" in error_of(rows(GOOD_POINTS, header="1,2,0"))


def test_header_only():
    assert "no points" in error_of("x,y,label\n")


def test_missing_and_extra_columns():
    message = error_of("x,y\n1,2\n3,4\n5,6\n7,8\n")
    assert "missing column label" in message
    message = error_of("x,label\n1,0\n3,1\n5,0\n7,1\n")
    assert "missing column y" in message
    message = error_of("a,b\n1,0\n")
    assert "missing columns x, y and label" in message and '"a"' in message and '"b"' in message
    message = error_of("x,y,label,colour\n1,2,0,red\n")
    assert 'extra column "colour"' in message
    message = error_of("x,y,label,,\n1,2,0,,5\n")
    assert "unnamed column (E)" in message


def test_duplicate_column():
    assert "column x twice" in error_of("x,X,y,label\n1,2,3,0\n")


def test_non_numeric_cells_name_column_rows_and_text():
    points = [(1, 2, 0), ("abc", 2, 1), (3, 4, 0), ("n/a", 2, 1), (5, 5, 0), ("?", 1, 1), ("x" * 40, 1, 0)]
    message = error_of(rows(points))
    assert message.startswith("Column x must hold numbers")
    assert "rows 3, 5, 7 and 1 more" in message  # header is row 1, first point row 2
    assert '"abc", "n/a", "?"' in message
    message = error_of(rows([("x" * 40, 1, 0), (1, 2, 1), (3, 4, 0), (5, 6, 1)]))
    assert '"' + "x" * 20 + '…"' in message and "row 2" in message  # long text is cut


def test_decimal_commas_get_a_hint():
    message = error_of("x;y;label\n0,5;1;0\n1;1;1\n2;2;0\n3;3;1\n")
    assert "Column x" in message and '"0,5"' in message and "0.5, not 0,5" in message
    message = error_of("x,y,label\n0,5,1,0\n1,1,1\n2,2,0\n3,3,1\n")
    assert "more values" in message and "row 2" in message and "0.5, not 0,5" in message


def test_empty_cells():
    message = error_of(rows([(1, 2, 0), (1, "", 1), (3, 4, 0), (5, 6, 1)]))
    assert "Column y has empty cells" in message and "row 3" in message


def test_nan_and_infinity():
    message = error_of(rows([(1, "nan", 0), (1, "-Inf", 1), (3, "1e999", 0), (5, 6, 1)]))
    assert "Column y" in message and "not finite" in message and "rows 2, 3, 4" in message
    assert '"nan"' in message and '"-Inf"' in message
    assert "label" in error_of(rows([(1, 1, "NaN"), (1, 2, 1), (3, 4, 0), (5, 6, 1)]))


def test_absurd_coordinates():
    message = error_of(rows([(1, 2, 0), (2e7, 1, 1), (3, 4, 0), (5, 6, 1)]))
    assert "Column x" in message and "too large" in message and "2e+07" in message and "row 3" in message
    assert parse(rows([(1e6, -1e6, 0), (1, 1, 1), (3, 4, 0), (5, 6, 1)])).n_classes == 2  # the limit itself


def test_too_many_rows():
    message = error_of(rows([(i, i, i % 2) for i in range(MAX_ROWS + 7)]))
    assert "more than 5,000 data rows" in message and "at most 5,000" in message
    assert parse(rows([(i, i, i % 2) for i in range(MAX_ROWS)])).n_classes == 2
    # blank lines are not points
    assert parse(rows([(i, i, i % 2) for i in range(MAX_ROWS)]) + "\n,,\n").n_classes == 2


def test_reading_stops_at_the_row_cap():
    # What comes after row 5,002 is never read: a broken quote far down is not what the message is about.
    broken_tail = rows([(i, i, i % 2) for i in range(MAX_ROWS + 1)]) + '"1,2,0\n' + "3,4,1\n" * 100_000
    message = error_of(broken_tail, max_bytes=10 * LIMIT)
    assert "more than 5,000 data rows" in message


def test_only_separators_get_a_message():
    for text in (",,,\n,,,\n", ",", ";;;\n;;\n", "\t,\t\n", " , ,\n\n , \n"):
        assert "only separators" in error_of(text)


def test_the_upload_limit_is_capped_for_a_csv():
    # A server may allow large uploads (Streamlit's default is 200 MB); a CSV of points never needs that.
    message = error_of(b"x,y,label\n" + b"1,2,0" + b" " * (3 * LIMIT) + b"\n", max_bytes=200 * LIMIT)
    assert "larger than the upload limit of 2 MB" in message


def test_empty_columns_up_to_the_column_cap_are_fine():
    text = "x,y,label" + "," * 97 + "\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(3_000))
    assert parse(text).n_classes == 2  # 100 columns, the empty ones ignored (trailing commas)
    assert "Row 1 has 101 values" in error_of("x,y,label" + "," * 98 + "\n" + text.split("\n", 1)[1])


def test_too_few_points():
    message = error_of(rows(GOOD_POINTS[:3]))
    assert "Too few points" in message and "3 data rows" in message and "at least 4" in message
    assert "1 data row;" in error_of(rows(GOOD_POINTS[:1]))


def test_single_class():
    message = error_of(rows([(1, 1, 3), (2, 2, 3), (3, 3, 3.0), (4, 4, 3)]))
    assert "All points have label 3" in message and "at least one other class" in message


def test_labels_must_be_whole_numbers():
    message = error_of(rows([(1, 1, 0), (2, 2, 0.5), (3, 3, 1), (4, 4, 1)]))
    assert "whole numbers" in message and '"0.5"' in message and "row 3" in message
    message = error_of(rows([(1, 1, "cat"), (2, 2, "dog"), (3, 3, 1), (4, 4, 1)]))
    assert "whole numbers" in message and '"cat", "dog"' in message and "rows 2, 3" in message


def test_too_many_classes():
    message = error_of(rows([(i, i, i) for i in range(11)]))
    assert "11 different values" in message and "at most 10" in message
    assert parse(rows([(i, i, i) for i in range(10)])).n_classes == 10


def test_short_rows_and_bad_quotes():
    assert "fewer values" in error_of("x,y,label\n1,2\n3,4,1\n5,6,0\n7,8,1\n")
    message = error_of('x,y,label\n1,2,0\n"3,4,1\n5,6,0\n7,8,1\n')
    assert "double quote" in message and "row 3" in message
    assert "too long" in error_of(b"x,y,label\n" + b"1" * 200_000 + b",2,0\n")


# --- fuzz: whatever the bytes, the answer is Data2D or CsvError ---


def _check(data: bytes) -> None:
    try:
        result = parse_learner_csv(data, max_bytes=LIMIT)
    except CsvError as err:
        assert isinstance(err.message, str) and err.message
    else:
        assert isinstance(result, Data2D)
        assert len(result.train_x) + len(result.test_x) >= 4
        assert 2 <= result.n_classes <= 10


def test_fuzz_random_bytes():
    rng = random.Random(1)
    for _ in range(300):
        _check(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200))))


def test_fuzz_csv_like_text():
    rng = random.Random(2)
    alphabet = list('xylabel,;\t"\r\n 0123456789.-+eE') + ["nan", "inf", "x,y,label\n", "é", "\ufeff", ",,"]
    valid = rows(GOOD_POINTS)
    for _ in range(400):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        else:  # a valid file with a few random edits
            chars = list(valid)
            for _ in range(rng.randrange(1, 4)):
                position = rng.randrange(len(chars))
                if rng.random() < 0.5:
                    del chars[position]
                else:
                    chars.insert(position, rng.choice(alphabet))
            text = "".join(chars)
        _check(text.encode("utf-8"))


def test_fuzz_odd_shapes():
    for text in [
        '"' * 1000,
        "x,y,label\n" + '"",""\n' * 10,
        "x,y,label\n" + "1,2,0," * 10_000,
        "x,y,label\n" + "\n" * 10_000 + "1,2,0\n",
        "\n\n\nx,y,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
        "x,y,label\r1,2,0\r3,4,1\r5,6,0\r7,8,1\r",
        'x,y,label\n"1\n2",3,0\n',
        "x,y,label\n1,2,99999999999999999999\n",
        "x,y,label\n1,2,-0\n1,2,0\n1,3,1\n1,4,1\n",
    ]:
        _check(text.encode("utf-8"))


def _best_seconds(data: bytes) -> float:
    import time

    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        with contextlib.suppress(CsvError):
            parse_learner_csv(data, max_bytes=200 * LIMIT)
        best = min(best, time.perf_counter() - start)
    return best


def test_a_hostile_csv_costs_no_more_than_a_full_good_one():
    # Up to the 2 MB cap: empty lines, lines of separators, a row or header of a million cells.
    size = 2 * LIMIT - 100
    hostile = {
        "blank lines": (b"x,y,label\n" + b"\n" * (size - 20), "more than 20,000 lines"),
        "separator lines": (b",,,,\n" * (size // 5), "more than 20,000 lines"),
        "a wide row": (b"x,y,label\n1,2,0" + b",1" * (size // 2 - 10) + b"\n", "Line 2 is 2,097,"),
        "a wide header": (b"x,y,label" + b"," * (size - 20) + b"\n1,2,0\n", "Line 1 is 2,097,"),
        "wide rows": (b"x,y,label\n" + (b"1,2,0" + b"," * 380 + b"\n") * 5000, "Row 2 has 383 values"),
    }
    good = rows([(i / 1000, -i / 1000, i % 2) for i in range(MAX_ROWS)]).encode()
    normal = _best_seconds(good)
    for name, (data, message) in hostile.items():
        assert message in error_of(data, max_bytes=200 * LIMIT), name
        assert _best_seconds(data) < normal + 0.05, name


def test_some_empty_rows_and_columns_from_a_spreadsheet_are_fine():
    text = "x,y,label" + "," * 20 + "\n" + "".join(f"{i},{i},{i % 2}" + "," * 20 + "\n" for i in range(100))
    assert parse(text + ",,,\n" * 10_000).n_classes == 2
