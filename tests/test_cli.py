"""The dyplab command: data list/info/verify, doctor and run target resolution."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dyplab import cli
from dyplab.course import runner


def test_data_list_names_every_dataset(capsys) -> None:
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("mnist", "uci_heart", "mitdb", "bonn_eeg", "flowers", "medmnist", "oasis_mri", "oasis_tabular",
                 "fer2013", "uci_parkinsons", "uci_darwin", "uci_glioma", "tabpfn_demo"):
        assert name in out


def test_data_info_and_unknown_name(capsys) -> None:
    assert cli.main(["data", "info", "mitdb"]) == 0
    assert "ODC-By" in capsys.readouterr().out
    assert cli.main(["data", "info", "nope"]) == 1
    assert "Unknown dataset 'nope'" in capsys.readouterr().err


def test_verify_reports_missing_without_failing(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)
    assert cli.main(["data", "verify", "uci_heart"]) == 0
    assert "missing" in capsys.readouterr().out


def test_verify_flags_a_corrupt_file(tmp_path, monkeypatch, capsys) -> None:
    mirror = os.environ.get("DYPLAB_DATA_MIRROR")
    if not mirror:
        pytest.skip("DYPLAB_DATA_MIRROR is not set")
    fake = tmp_path / "mirror"
    shutil.copytree(Path(mirror) / "uci_heart", fake / "uci_heart")
    target = fake / "uci_heart" / "processed.cleveland.data"
    target.write_text(target.read_text().replace("63.0", "64.0", 1))
    monkeypatch.setenv("DYPLAB_DATA_MIRROR", str(fake))
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    assert cli.main(["data", "verify", "uci_heart"]) == 1
    out = capsys.readouterr().out
    assert "corrupt" in out and "processed.cleveland.data" in out and "expected sha256" in out


@pytest.mark.mirror
def test_verify_all_datasets_ok_from_mirror(tmp_path, monkeypatch, capsys) -> None:
    if not os.environ.get("DYPLAB_DATA_MIRROR"):
        pytest.skip("DYPLAB_DATA_MIRROR is not set")
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    assert cli.main(["data", "verify"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 14 and all(" OK " in line for line in lines), lines  # 14 datasets since flowers_256


def test_report_rewrites_the_teachers_page(tmp_path, monkeypatch, capsys) -> None:
    from dyplab import results

    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    results.record("A6", {"cnn_test_accuracy": 0.991})
    assert cli.main(["report", "--output", str(tmp_path / "reports")]) == 0
    page = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Kursrapport:" in capsys.readouterr().out
    assert "99,1" in page  # A6's recorded number, read through DYPLAB_RESULTS_DIR, in Norwegian notation


def test_doctor_runs(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "Enhet (device)" in out and "Profil" in out


def test_run_target_resolution(tmp_path) -> None:
    for name in ("A1-x", "A6-y", "B1-z", "B2-w", "A5-v", "B3-u", "B4-t", "C1-s"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    names = lambda targets: [p.stem for p in runner.resolve_targets(targets, tmp_path)]  # noqa: E731
    assert names(["core"]) == ["B1-z", "B2-w", "A1-x", "A5-v", "A6-y", "B3-u", "B4-t"]
    assert names(["A"]) == ["A1-x", "A5-v", "A6-y"]
    assert names(["a6", "A6"]) == ["A6-y"]
    assert len(names(["all"])) == 8
    with pytest.raises(ValueError, match="Unknown notebook or part"):
        runner.resolve_targets(["Z9"], tmp_path)


def test_run_executes_a_notebook_and_writes_reports(tmp_path, monkeypatch) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nprint(os.environ['DYPLAB_PROFILE'])")]
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(nb, folder / "Z1-test.ipynb")
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("raise ValueError('boom')")]
    nbformat.write(bad, folder / "Z2-bad.ipynb")
    monkeypatch.setenv("DYPLAB_NOTEBOOKS", str(folder))
    monkeypatch.chdir(tmp_path)
    code = cli.main(["run", "Z1", "--profile", "smoke", "--output", str(tmp_path / "reports")])
    assert code == 0
    executed = nbformat.read(tmp_path / "reports" / "Z1-test.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"].strip() == "smoke"
    assert (tmp_path / "reports" / "Z1-test.html").is_file()
    assert not (folder / "Z1-test.ipynb").read_text().count('"outputs": [\n    {')  # source untouched
    assert cli.main(["run", "Z2", "--profile", "smoke", "--no-html", "--output", str(tmp_path / "r2")]) == 1
