"""The test-set ledger: read, counted, refused when malformed, and written only by development runs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from dyplab import results
from dyplab.course import ledger, runner

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_IDS = {runner.notebook_id(p) for p in (ROOT / "notebooks").glob("*.ipynb")}
HEADER = ",".join(ledger.COLUMNS) + "\n"


def _ledger(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "logg.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("key, is_test", [
    ("test_acc", True), ("cnn_test_accuracy", True), ("breast_test_auc_mean", True), ("n_test", False), ("duplicate_groups_train_test", False),
    ("val_acc", False), ("cv_roc_auc", False), ("latest", False), ("contest_score", False), ("tests_run", False),
])
def test_test_metric_names(key: str, is_test: bool) -> None:
    assert ledger.is_test_metric(key) is is_test


def test_looks_are_counted_per_notebook_from_the_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _ledger(tmp_path, 'E3,2026-11-01,abc123,class,"width 32, 25 epochs",test_acc=0.639,first look\n'
                             "E3,2026-11-05,def456,class,channels 16-64,test_acc=0.650,after new recipe\n"
                             "C3,2026-11-02,abc123,class,CompactCNN,test_acc=0.500,class run\n")
    assert [r.recipe for r in ledger.looks("E3", path)] == ["width 32, 25 epochs", "channels 16-64"]
    assert ledger.print_looks("E3", path) == 2
    assert "evaluert 2 ganger tidligere" in capsys.readouterr().out
    assert ledger.print_looks("C3", path) == 1
    assert "evaluert én gang tidligere" in capsys.readouterr().out
    assert ledger.print_looks("D1", path) == 0
    assert "ikke evaluert tidligere" in capsys.readouterr().out


@pytest.mark.parametrize("text, message", [
    ("notebook,date\nE3,2026\n", "first line must be the header"),
    (HEADER + "E3,2026-11-01,abc,class,two, commas,x,y\n", "line 2: 8 fields, expected 7"),
    (HEADER + ",2026-11-01,abc,class,r,x,y\n", "line 2: notebook and date must not be empty"),
])
def test_a_malformed_ledger_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "logg.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        ledger.read(path)
    assert str(path) in str(err.value)


def test_a_class_run_logs_its_own_look_once_and_does_not_count_it(tmp_path: Path, monkeypatch) -> None:
    path = _ledger(tmp_path, "X1,2026-11-01,abc123,class,r,test_acc=0.5,earlier\n")
    monkeypatch.setenv(ledger.ENV_FILE, str(path))
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("DYPLAB_PROFILE", "class")
    ledger.start_run()
    results.record("X1", {"val_acc": 0.8})  # no test metric: no row
    assert len(ledger.read(path)) == 1
    results.record("X1", {"test_acc": 0.75})
    results.record("X1", {"test_f1": 0.5})  # the same run: the same row, completed
    rows = ledger.read(path)
    assert len(rows) == 2 and rows[1].notebook == "X1" and rows[1].profile == "class"
    assert rows[1].result == "test_acc=0.75; test_f1=0.5"
    assert ledger.print_looks("X1", path) == 1  # this run's own row is not an earlier look
    ledger.start_run()  # the next run sees both
    assert len(ledger.looks("X1", path)) == 2


def test_smoke_runs_and_installed_copies_never_write(tmp_path: Path, monkeypatch) -> None:
    path = _ledger(tmp_path, "")
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setenv(ledger.ENV_FILE, str(path))
    monkeypatch.setenv("DYPLAB_PROFILE", "smoke")
    results.record("X1", {"test_acc": 0.75})
    assert ledger.read(path) == []
    # A ledger outside any git checkout (a pip or Colab install) is read, never written.
    monkeypatch.delenv(ledger.ENV_FILE)
    monkeypatch.setattr(ledger, "LEDGER", path)
    assert not ledger.record_look("X1", {"test_acc": 0.75}, profile="class")
    assert ledger.read(path) == []


def test_a_row_in_a_checkout_names_its_commit(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    path = repo / "pkg" / "logg.csv"
    path.write_text(HEADER, encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
                   check=True)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    monkeypatch.delenv(ledger.ENV_FILE, raising=False)
    monkeypatch.setattr(ledger, "LEDGER", path)
    ledger.start_run()
    assert ledger.record_look("X1", {"test_acc": 0.75, "test_acc_ci": [0.712345, 0.8], "val_acc": 0.8}, profile="full")
    (row,) = ledger.read(path)
    assert row.commit == head
    assert row.result == "test_acc=0.75; test_acc_ci=[0.7123, 0.8]"


def test_the_shipped_ledger_is_valid_and_names_real_notebooks() -> None:
    rows = ledger.read(ledger.LEDGER)
    unknown = sorted({r.notebook for r in rows} - NOTEBOOK_IDS)
    assert not unknown, f"ledger rows for notebooks that do not exist: {unknown}"
    assert all(r.profile in ledger.LOGGED_PROFILES for r in rows), "a ledger row's profile is class or full"


def test_no_target_gates_a_test_metric_or_cannot_fail() -> None:
    problems = []
    for path in sorted((ROOT / "tests" / "notebook_targets").glob("*.json")):
        for profile, bounds in json.loads(path.read_text(encoding="utf-8")).items():
            for metric, (lo, hi) in bounds.items():
                if ledger.is_test_metric(metric):
                    problems.append(f"{path.name} {profile}: {metric} is a test metric")
                if re.search(r"acc|auc|f1|ece|sensitiv|specific|precision|recall", metric) and lo <= 0 and hi >= 1:
                    problems.append(f"{path.name} {profile}: {metric} bound [{lo}, {hi}] cannot fail")
    assert not problems, "\n".join(problems)
