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
