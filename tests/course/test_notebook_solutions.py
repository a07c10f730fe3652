"""Every notebook runs in the smoke profile with its exercise solutions appended, in one kernel session.

Each notebook is executed once: its own cells, then every ```python block found inside a ``<details>``
solution, so a solution that no longer fits the notebook fails here. The recorded headline metrics are
checked against ``tests/notebook_targets/<ID>.json`` (smoke bounds) when that file exists.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from dyplab import results
from dyplab.course import checks, ledger, runner, solutions
from dyplab.course.checks import log as check_log

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TARGETS = ROOT / "tests" / "notebook_targets"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_and_its_solutions_run_in_smoke_profile(path: Path, tmp_path: Path, monkeypatch) -> None:
    if not os.environ.get("DYPLAB_DATA_MIRROR"):
        pytest.skip("DYPLAB_DATA_MIRROR is not set (notebooks read the course data)")
    monkeypatch.setenv("DYPLAB_DATA_DIR", os.environ.get("DYPLAB_DATA_DIR") or str(tmp_path / "cache"))
    monkeypatch.setenv(check_log.ENV, str(tmp_path / "sjekker.jsonl"))   # the kernel inherits it
    copy = solutions.write_with_solutions(path, tmp_path / "notebooks")
    n_solutions = len(solutions.extract_solutions(json.loads(path.read_text(encoding="utf-8"))))
    start = time.perf_counter()
    # A fresh process per notebook, so nothing from other tests (IPython shells, servers) reaches the kernel
    # client; a stalled run (kernel and client both idle) is ended after 300 s and tried once more.
    result = runner.execute_isolated(copy, profile="smoke", results_dir=tmp_path / "results", wall_timeout=300)
    print(f"\n[timing] {path.name} + {n_solutions} solutions: {time.perf_counter() - start:.1f} s in smoke")
    assert result.status == "ok", f"{path.name} (with its solutions) failed: {result.error}"

    summary = results.load(runner.notebook_id(path), root=tmp_path / "results")
    print(f"[metrics] {path.name}: {summary['metrics'] if summary else None}")
    problems = runner.check_targets(runner.notebook_id(path), tmp_path / "results", TARGETS, "smoke")
    assert not problems, "\n".join(problems)
    assert_test_metrics_are_in_the_ledger(path, summary)
    assert_every_check_passes_with_the_solutions(path, tmp_path / "sjekker.jsonl")


def assert_every_check_passes_with_the_solutions(path: Path, check_log_path: Path) -> None:
    """Every checkable exercise's own cell ran unanswered (placeholders) and its last check (the one in its
    solution) passed."""
    expected = checks.exercises(runner.notebook_id(path))
    records = check_log.read(check_log_path) if check_log_path.is_file() else []
    last = {r["exercise"]: bool(r["passed"]) for r in records}
    first = {}
    for r in records:
        first.setdefault(r["exercise"], r["message"])
    print(f"[checks] {path.name}: {len(expected)} checks, last results {last}")
    assert not (set(last) - set(expected)), f"{path.name} checked unknown exercises {sorted(set(last) - set(expected))}"
    missing = [i for i in expected if i not in last]
    assert not missing, f"{path.name}: the run never called check() for {missing}"
    answered = [i for i in expected if not first[i].startswith("Ikke besvart")]
    assert not answered, f"{path.name}: the exercise cells of {answered} must start unanswered (placeholders ...)"
    failing = [i for i in expected if not last[i]]
    assert not failing, f"{path.name}: the solutions do not pass the checks {failing}"


def assert_test_metrics_are_in_the_ledger(path: Path, summary: dict | None) -> None:
    """A notebook that records a test metric has rows in the test-set ledger and prints their count."""
    nb_id = runner.notebook_id(path)
    tested = sorted(k for k in (summary or {}).get("metrics", {}) if ledger.is_test_metric(k))
    if not tested:
        return
    assert ledger.read(ledger.LEDGER) and any(r.notebook == nb_id for r in ledger.read(ledger.LEDGER)), (
        f"{nb_id} records test metrics {tested} but src/dyplab/course/{ledger.LEDGER.name} has no row for it")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert f'print_looks("{nb_id}")' in code, (
        f"{nb_id} reports test metrics {tested}: it must print the ledger's count (ledger.print_looks)")
