"""Every notebook's first code cell starts with the one Colab set-up snippet, written by
``scripts/update_setup_cells.py`` (which changes nothing but that cell's source)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from dyplab.course import colab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _script():
    spec = importlib.util.spec_from_file_location("update_setup_cells", ROOT / "scripts" / "update_setup_cells.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_code_cell_starts_with_the_setup_snippet(path: Path) -> None:
    script = _script()
    source = script.cell_source(script.first_code_cell(json.loads(path.read_text(encoding="utf-8"))))
    assert source.startswith(colab.setup_snippet()), (
        f"{path.name}: the first code cell must start with the Colab set-up snippet; "
        "run python scripts/update_setup_cells.py")


def test_script_rewrites_only_the_first_code_cell(tmp_path: Path) -> None:
    script = _script()
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# X1 – tittel\n"]},
                    {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["setup"]}, "outputs": [],
                     "source": [colab.setup_snippet("0.0.1"), "from dyplab import session\n",
                                'P = session.start("X1", [])']},
                    {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                     "source": ["print(1)"]}],
          "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "X1-test.ipynb"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert script.main(["--check", str(path)]) == 1
    assert script.update(path) is True
    new = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(new["cells"][1]["source"]) == colab.setup_snippet() + '\nfrom dyplab import session\nP = session.start("X1", [])'
    assert new["cells"][0] == nb["cells"][0] and new["cells"][2] == nb["cells"][2]
    assert new["cells"][1]["metadata"] == {"tags": ["setup"]} and new["metadata"] == nb["metadata"]
    copy = tmp_path / "copy.ipynb"
    shutil.copyfile(path, copy)
    assert script.update(path) is False and path.read_bytes() == copy.read_bytes()
    assert script.main(["--check", str(path)]) == 0
