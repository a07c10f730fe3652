"""``dyplab notebooks DIR``: a copy of exactly the shipped notebooks; a student's edited copy is never overwritten
without ``--force``; ``dyplab run``/``doctor`` find such a folder from inside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyplab import cli
from dyplab.course import runner, shipped

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_shipped_dir_in_a_checkout_is_the_one_notebooks_folder() -> None:
    assert shipped.shipped_dir() == REPO_NOTEBOOKS


def test_copy_holds_the_notebooks_and_nothing_else(tmp_path: Path, capsys) -> None:
    dest = tmp_path / "kurs"
    assert cli.main(["notebooks", str(dest)]) == 0
    expected = {p.name for p in REPO_NOTEBOOKS.glob("*.ipynb")}
    assert _names(dest) == expected
    for name in expected:
        assert (dest / name).read_bytes() == (REPO_NOTEBOOKS / name).read_bytes()
    assert f"{len(expected)} kopiert, 0 uendret" in capsys.readouterr().out
    assert cli.main(["notebooks", str(dest)]) == 0
    assert f"0 kopiert, {len(expected)} uendret" in capsys.readouterr().out


def test_an_edited_copy_is_kept_unless_forced(tmp_path: Path, capsys) -> None:
    src = tmp_path / "shipped"
    src.mkdir()
    (src / "A1-x.ipynb").write_text(json.dumps({"cells": [], "v": 1}), encoding="utf-8")
    (src / "A2-y.ipynb").write_text(json.dumps({"cells": [], "v": 2}), encoding="utf-8")
    (src / "notes.txt").write_text("not a notebook", encoding="utf-8")
    dest = tmp_path / "mine"
    first = shipped.copy_notebooks(dest, source=src)
    assert first.copied == ["A1-x.ipynb", "A2-y.ipynb"] and _names(dest) == {"A1-x.ipynb", "A2-y.ipynb"}

    edited = '{"cells": ["my answer"]}'
    (dest / "A1-x.ipynb").write_text(edited, encoding="utf-8")
    (dest / "A2-y.ipynb").unlink()
    second = shipped.copy_notebooks(dest, source=src)
    assert second.refused == ["A1-x.ipynb"] and second.copied == ["A2-y.ipynb"]
    assert (dest / "A1-x.ipynb").read_text(encoding="utf-8") == edited

    forced = shipped.copy_notebooks(dest, source=src, force=True)
    assert forced.replaced == ["A1-x.ipynb"] and forced.unchanged == ["A2-y.ipynb"]
    assert (dest / "A1-x.ipynb").read_bytes() == (src / "A1-x.ipynb").read_bytes()


def test_cli_refuses_an_edited_copy_and_names_it(tmp_path: Path, capsys) -> None:
    dest = tmp_path / "kurs"
    assert cli.main(["notebooks", str(dest)]) == 0
    mine = sorted(dest.glob("*.ipynb"))[0]
    mine.write_text(mine.read_text(encoding="utf-8").replace("Læringsmål", "Mine mål"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["notebooks", str(dest)]) == 1
    err = capsys.readouterr().err
    assert mine.name in err and "--force" in err
    assert "Mine mål" in mine.read_text(encoding="utf-8")
    assert cli.main(["notebooks", str(dest), "--force"]) == 0
    assert mine.read_bytes() == (REPO_NOTEBOOKS / mine.name).read_bytes()


def test_a_file_in_the_way_is_a_clear_error(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "kurs"
    blocker.write_text("x", encoding="utf-8")
    assert cli.main(["notebooks", str(blocker)]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_run_and_doctor_find_the_copied_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    dest = tmp_path / "kurs"
    shipped.copy_notebooks(dest)
    monkeypatch.delenv("DYPLAB_NOTEBOOKS", raising=False)
    assert runner.notebooks_dir(dest) == dest.resolve()
    monkeypatch.chdir(dest)
    assert runner.notebooks_dir() == dest.resolve()
    assert runner.resolve_targets(["A6"], runner.notebooks_dir())[0].parent == dest.resolve()
    elsewhere = tmp_path / "annet"
    elsewhere.mkdir()
    monkeypatch.setenv("DYPLAB_NOTEBOOKS", str(dest))
    assert runner.notebooks_dir(elsewhere) == dest
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)  # doctor then only looks at the empty cache: fast
    assert cli.main(["doctor"]) == 0
    assert f"Notebooks: {dest}" in capsys.readouterr().out
