"""Storage-format benchmark (A3): every format round-trips exactly, sizes and times are measured."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dyplab.course import formats
from dyplab.data import DataError


def _data(n: int = 30) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = (rng.random((n, 28, 28)) < 0.2).astype(np.uint8) * rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    return images, rng.integers(0, 10, n)


def test_all_formats_round_trip_and_report_sizes(tmp_path: Path) -> None:
    images, labels = _data()
    table = formats.benchmark(images, labels, tmp_path)
    assert table["format"].tolist() == list(formats.FORMATS)
    assert table["identical"].all()
    assert (table["bytes"] > 0).all() and (table["write_s"] >= 0).all() and (table["read_s"] >= 0).all()
    by = table.set_index("format")
    assert by.loc["png", "files"] == len(images) and by.loc["csv", "files"] == 1
    assert by.loc["csv.gz", "bytes"] < by.loc["csv", "bytes"]
    assert by.loc["csv", "bytes"] == (tmp_path / "mnist.csv").stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.csv", "mnist.csv.gz", "mnist.npz", "mnist.parquet", "png"]


def test_rerun_replaces_old_output(tmp_path: Path) -> None:
    images, labels = _data(20)
    formats.benchmark(images, labels, tmp_path, formats=["png"])
    table = formats.benchmark(images[:5], labels[:5], tmp_path, formats=["png"])
    assert table.loc[0, "files"] == 5 and table.loc[0, "identical"]


def test_bad_input_is_refused(tmp_path: Path) -> None:
    images, labels = _data(5)
    with pytest.raises(ValueError, match="uint8"):
        formats.benchmark(images.astype(np.float32), labels, tmp_path)
    with pytest.raises(ValueError, match="labels must have shape"):
        formats.benchmark(images, labels[:3], tmp_path)
    with pytest.raises(ValueError, match="unknown format"):
        formats.benchmark(images, labels, tmp_path, formats=["xls"])
    frame = formats.to_frame(images, labels).drop(columns=["etikett"])
    with pytest.raises(DataError, match="etikett"):
        formats.from_frame(frame, (28, 28))
