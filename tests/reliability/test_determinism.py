"""Running a notebook twice on the CPU gives the same recorded numbers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dyplab import results
from dyplab.course import runner

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", ["B3"])  # a trained MLP, bootstrap CIs and CV folds: all must repeat
def test_same_numbers_on_a_second_run(notebook: str, tmp_path: Path) -> None:
    if not os.environ.get("DYPLAB_DATA_MIRROR"):
        pytest.skip("DYPLAB_DATA_MIRROR is not set (notebooks read the course data)")
    path = runner.resolve_targets([notebook], ROOT / "notebooks")[0]
    recorded = []
    for attempt in ("first", "second"):
        res = runner.execute_isolated(path, profile="smoke", results_dir=tmp_path / attempt, wall_timeout=300)
        assert res.status == "ok", res.error
        summary = results.load(notebook, root=tmp_path / attempt)
        assert summary and summary["metrics"], f"{notebook} recorded no metrics"
        recorded.append(summary["metrics"])
    assert recorded[0] == recorded[1]
