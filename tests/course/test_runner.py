"""Course machinery: target checks on recorded metrics, the error headline, the kernel's environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from dyplab import results
from dyplab.course import runner


def _record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, metrics: dict) -> Path:
    root = tmp_path / "results"
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(root))
    results.record("X1", metrics)
    return root


def test_check_targets_reports_missing_and_out_of_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "X1.json").write_text(json.dumps({"smoke": {"acc": [0.5, 1.0], "auc": [0.6, 1.0]}, "class": {}}))
    assert runner.check_targets("X1", tmp_path / "none", targets, "smoke") == [
        "X1: no summary.json was recorded (call dyplab.results.record in the notebook)"]
    root = _record(tmp_path, monkeypatch, {"acc": 0.42})
    problems = runner.check_targets("X1", root, targets, "smoke")
    assert any("acc = 0.42 is outside [0.5, 1.0]" in p for p in problems)
    assert any("'auc' was not recorded" in p for p in problems)
    results.record("X1", {"acc": 0.9, "auc": 0.8})
    assert runner.check_targets("X1", root, targets, "smoke") == []
    assert runner.check_targets("X1", root, targets, "class") == [
        "X1: no class targets in X1.json (every profile needs its own bounds)"]
    assert runner.check_targets("Y9", root, targets, "smoke") == [
        f"Y9: no targets file {targets / 'Y9.json'} (add one with bounds per profile)"]
    (targets / "X1.json").write_text(json.dumps({"smoke": {"test_acc": [0.5, 1.0]}}))
    results.record("X1", {"test_acc": 0.9})
    assert runner.check_targets("X1", root, targets, "smoke") == [
        "X1: target 'test_acc' gates a test metric; gate validation, cross-validation or sanity quantities"]


def test_record_merges_and_refuses_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    root = _record(tmp_path, monkeypatch, {"acc": np.float32(0.5), "n": np.int64(3)})
    results.record("X1", {"auc": 0.7}, n_test=10)
    summary = results.load("X1", root=root)
    assert summary["metrics"] == {"acc": 0.5, "n": 3, "auc": 0.7} and summary["n_test"] == 10
    with pytest.raises(TypeError, match="cannot be recorded"):
        results.record("X1", {"model": object()})
    (root / "X1" / "summary.json").write_text("{broken")
    with pytest.raises(ValueError, match="not valid JSON"):
        results.load("X1", root=root)


def test_error_headline_names_the_exception_and_its_first_line() -> None:
    exc = CellExecutionError("Traceback ...\n  many lines\n", "DataError",
                             "Dataset 'mitdb' is not available. Sources tried:\n  - cache: ...")
    text = runner._short_error(exc)
    assert text.startswith("DataError: Dataset 'mitdb' is not available.")


@pytest.mark.notebook
def test_kernel_gets_the_settings_and_the_runner_process_does_not(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nassert os.environ['DYPLAB_PROFILE'] == 'smoke'\n"
                                          "open('profile.txt', 'w').write(os.environ['DYPLAB_RESULTS_DIR'])")]
    path = tmp_path / "Z1-test.ipynb"
    nbformat.write(nb, path)
    before = dict(os.environ)
    res = runner.execute_notebook(path, profile="smoke", results_dir=tmp_path / "res", html=False)
    assert res.status == "ok", res.error
    assert (tmp_path / "profile.txt").read_text() == str((tmp_path / "res").resolve())
    assert dict(os.environ) == before


# A cell that makes the kernel lose the reply to itself: the reply is built but never sent (stream None), so the
# client waits while the kernel sits idle, as in jupyter/jupyter_client#922. With a marker path, only the first
# run loses it (the marker remembers); without one, every run does.
LOSE_REPLY = """import os
_kernel = get_ipython().kernel
_send = _kernel.session.send
def _lose_reply(stream, msg_or_type, *args, **kwargs):
    if msg_or_type == "execute_reply" and not os.path.exists({marker!r}):
        open({marker!r}, "w").close() if {marker!r} else None
        stream = None
    return _send(stream, msg_or_type, *args, **kwargs)
_kernel.session.send = _lose_reply
"""


def _notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, path)
    return path


@pytest.mark.notebook
def test_a_lost_reply_restarts_the_notebook_once_and_says_so(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "Z4-lost.ipynb", LOSE_REPLY.format(marker=str(tmp_path / "lost-once")),
                     "from dyplab import results\nresults.record('Z4', {'x': 1})")
    said: list[str] = []
    res = runner.execute_notebook(path, profile="smoke", results_dir=tmp_path / "res", html=False,
                                  stall_after=(2, 3), echo=said.append)
    assert res.status == "ok", res.error
    assert "startet på nytt" in res.note and "celle 1" in res.note
    assert len(said) == 1 and "stoppet opp" in said[0] and "Starter notatboken på nytt (én gang)" in said[0]
    assert res.seconds < 120  # ended by the stall watch (seconds), not by the cell timeout (1800 s)
    assert results.load("Z4", root=tmp_path / "res")["metrics"] == {"x": 1}


@pytest.mark.notebook
def test_a_reply_lost_twice_fails_with_a_clear_message(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "Z5-lost.ipynb", LOSE_REPLY.format(marker=""), "x = 1")
    said: list[str] = []
    res = runner.execute_notebook(path, profile="smoke", results_dir=tmp_path / "res", html=False,
                                  stall_after=(2, 3), echo=said.append)
    assert res.status == "failed" and res.error.startswith("stoppet opp to ganger uten svar fra kjernen")
    assert len(said) == 1 and res.seconds < 120


@pytest.mark.notebook
def test_a_long_cell_is_not_taken_for_a_stall(tmp_path: Path) -> None:
    """The kernel answers the probe only when it is free: a cell that runs for longer than the probe delay and
    the grace together is left alone."""
    path = _notebook(tmp_path / "Z6-slow.ipynb", "import time\ntime.sleep(8)", "y = 2")
    said: list[str] = []
    res = runner.execute_notebook(path, profile="smoke", results_dir=tmp_path / "res", html=False,
                                  stall_after=(1, 2), echo=said.append)
    assert res.status == "ok" and res.note == "" and said == [], (res, said)
    assert res.seconds >= 8


@pytest.mark.notebook
def test_isolated_run_restarts_a_lost_reply_too(tmp_path: Path) -> None:
    lost = _notebook(tmp_path / "Z2-lost.ipynb", LOSE_REPLY.format(marker=str(tmp_path / "lost-once")),
                     "from dyplab import results\nresults.record('Z2', {'x': 1})")
    good = runner.execute_isolated(lost, profile="smoke", results_dir=tmp_path / "res", wall_timeout=180,
                                   stall_after=(2, 3))
    assert good.status == "ok", good.error
    assert "startet på nytt" in good.note and results.load("Z2", root=tmp_path / "res")["metrics"] == {"x": 1}
