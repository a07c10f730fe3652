"""Headerless text files: a bad value is reported with its line and column wherever it is, also on line 1."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.data import DataError, bonn_eeg, heart

GOOD = "63.0,1.0,1.0,145.0,233.0,1.0,2.0,150.0,0.0,2.3,3.0,0.0,6.0,0\n"


@pytest.mark.parametrize("line", [1, 2])
def test_heart_text_in_a_numeric_column_names_line_and_column(tmp_path, line: int) -> None:
    bad = GOOD.replace("233.0", "high", 1)
    lines = [GOOD, GOOD]
    lines[line - 1] = bad
    path = tmp_path / "processed.test.data"
    path.write_text("".join(lines))
    with pytest.raises(DataError, match=rf"processed\.test\.data, line {line}: column 'chol' has 'high'"):
        heart.read(path)


def test_heart_header_line_is_still_accepted(tmp_path) -> None:
    path = tmp_path / "with_header.csv"
    path.write_text(",".join(heart.RAW_COLUMNS) + "\n" + GOOD)
    assert len(heart.read(path)) == 1


def test_bonn_text_value_names_its_line() -> None:
    raw = b"\n".join([b"12", b"-4", b"abc", b"7"])
    with pytest.raises(DataError, match=r"Z001\.txt, line 3: 'abc' is not a number"):
        bonn_eeg._parse_member(raw, "Z001.txt")
    values = "\n".join(str(v) for v in np.arange(bonn_eeg.N_SAMPLES) % 50).encode()
    assert bonn_eeg._parse_member(values, "ok").shape == (bonn_eeg.N_SAMPLES,)


def _write(tmp_path, name: str, header: list[str], rows: list[list[str]]):
    path = tmp_path / name
    path.write_text(",".join(header) + "\n" + "\n".join(",".join(r) for r in rows) + "\n")
    return path


def test_heart_columns_reordered_extra_missing_nan_and_empty(tmp_path) -> None:
    cols, row = list(heart.RAW_COLUMNS), GOOD.strip().split(",")
    reordered = heart.read(_write(tmp_path, "r.csv", cols[::-1], [row[::-1]]))
    assert reordered.loc[0, "chol"] == 233.0 and reordered.loc[0, "age"] == 63.0  # matched by name, not position
    extra = heart.read(_write(tmp_path, "e.csv", [*cols, "note"], [[*row, "5"]]))
    assert "note" not in extra.columns  # documented: columns outside the 14 are dropped
    with pytest.raises(DataError, match=r"m\.csv is missing column\(s\) \['thal'\]"):
        heart.read(_write(tmp_path, "m.csv", cols[:-2] + cols[-1:], [row[:-2] + row[-1:]]))
    nan = heart.read(_write(tmp_path, "n.csv", cols, [[*row[:4], "nan", *row[5:]]]))
    assert np.isnan(nan.loc[0, "chol"])  # documented: NaN is a missing value, like '?'
    (tmp_path / "empty.data").write_text("")
    with pytest.raises(DataError, match=r"empty\.data is empty"):
        heart.read(tmp_path / "empty.data")
