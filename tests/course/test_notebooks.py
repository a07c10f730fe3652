"""Every notebook follows the course conventions (running them, with their solutions, is
``tests/test_notebook_solutions.py``: one kernel session per notebook)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dyplab.course import runner

TARGETS = Path(__file__).resolve().parents[1] / "notebook_targets"
NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path: Path) -> None:
    dirty = [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; strip them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_a_unique_id(path: Path) -> None:
    """nbformat 4.5 cell ids: a cell added by a script without one makes nbformat warn (and later fail)."""
    ids = [c.get("id") for c in _cells(path)]
    missing = [i for i, cell_id in enumerate(ids) if not cell_id]
    assert not missing, f"{path.name}: cells {missing} have no id"
    assert len(set(ids)) == len(ids), f"{path.name}: cell ids repeat"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_opening_follows_the_convention(path: Path) -> None:
    cells = _cells(path)
    title = _source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and title.lstrip().startswith("#"), "cell 1 must be the title"
    assert re.search(r"[Pp]rioritet", title), "the opening must state the priority"
    assert re.search(r"[Ll]æringsmål", title), "the opening must list the learning goals"
    setup = next(c for c in cells if c["cell_type"] == "code")
    nb_id = runner.notebook_id(path)
    assert f'session.start("{nb_id}"' in _source(setup), "the first code cell must call session.start(<id>, ...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_has_exercises_with_solutions_and_reflection(path: Path) -> None:
    text = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
    assert "Oppgave" in text, "exercises ('Oppgave') are missing"
    assert "<details>" in text, "exercise solutions must sit in collapsed <details> blocks"
    assert re.search(r"[Rr]efleksjon", text), "reflection questions are missing"


def test_readme_lists_exactly_the_notebooks_that_exist() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\(notebooks/([^)]+\.ipynb)\)", readme))
    assert linked == {p.name for p in NOTEBOOKS}


def test_every_notebook_has_targets_for_its_headline_metrics() -> None:
    missing = [p.name for p in NOTEBOOKS if not (TARGETS / f"{runner.notebook_id(p)}.json").is_file()]
    assert not missing, f"notebooks without tests/notebook_targets/<id>.json: {missing}"
