"""The README's generated parts (scripts/update_readme_links.py): the "Åpne i Colab" column from
``[tool.dyplab] repository``, and the learning path and priority table from the notebooks' own time estimates."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("update_readme_links", ROOT / "scripts" / "update_readme_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_colab_links_are_up_to_date() -> None:
    script = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert script.render(readme, *script.settings()) == readme, "run python scripts/update_readme_links.py"


def test_every_notebook_row_opens_that_notebook_in_the_configured_repository() -> None:
    script = _script()
    repository, branch = script.settings()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("|") and "(notebooks/" in line]
    assert rows
    for row in rows:
        name = re.search(r"\(notebooks/([^)]+\.ipynb)\)", row).group(1)
        assert row.endswith(f"({script.colab_url(repository, branch, name)}) |"), row[:80]


def test_render_writes_the_column_once_and_follows_the_repository() -> None:
    script = _script()
    text = ("intro\n<!-- notebook-table:start -->\n### Del X\n\n| Prioritet | Notebook | Data |\n|:---:|:---|:---|\n"
            "| 1 | [X1](notebooks/X1-miljø.ipynb) | MNIST |\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
            "<!-- notebook-table:end -->\nend\n")
    once = script.render(text, "https://github.com/kurs/dyplab", "main")
    assert script.render(once, "https://github.com/kurs/dyplab", "main") == once
    assert "| Prioritet | Notebook | Data | Åpne i Colab |\n|:---:|:---|:---|:---:|\n" in once
    assert ("| 1 | [X1](notebooks/X1-miljø.ipynb) | MNIST | [![Åpne i Colab](https://colab.research.google.com/assets/"
            "colab-badge.svg)](https://colab.research.google.com/github/kurs/dyplab/blob/main/notebooks/"
            "X1-milj%C3%B8.ipynb) |\n") in once
    assert "| a | b |\n|---|---|\n| 1 | 2 |\n" in once, "tables without notebooks keep their columns"
    moved = script.render(once, "https://github.com/nytt/sted.git", "v0.1.0")
    assert "github/nytt/sted/blob/v0.1.0/notebooks/X1-milj%C3%B8.ipynb) |" in moved and "github/kurs/" not in moved
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        script.colab_url("https://gitlab.com/kurs/dyplab", "main", "X1.ipynb")


def test_readme_times_are_the_sums_of_the_notebooks_own_estimates() -> None:
    script = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    items = script.estimates(ROOT / "notebooks")
    assert len(items) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    assert script.render_times(readme, items) == readme, "run python scripts/update_readme_links.py"
    table = readme.split(script.TIMES_START, 1)[1].split(script.TIMES_END, 1)[0]
    for priority in sorted({e.priority for e in items}):
        low = sum(e.low for e in items if e.priority == priority)
        high = sum(e.high for e in items if e.priority == priority)
        row = next(line for line in table.splitlines() if line.startswith(f"| **{priority} ("))
        assert f"| {low}–{high} min (ca. " in row, (priority, low, high, row)


def test_notebook_table_priorities_and_core_path_agree_with_the_notebooks() -> None:
    from dyplab.course.runner import CORE_PATH

    script = _script()
    assert script.CORE_PATH == CORE_PATH
    own = {e.notebook: e.priority for e in script.estimates(ROOT / "notebooks")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("|") and "(notebooks/" in line]
    for row in rows:
        nb_id = re.search(r"\(notebooks/([^)/-]+)-", row).group(1)
        shown = int(row.split("|")[1].strip().strip("*"))
        assert shown == own[nb_id], f"README says priority {shown} for {nb_id}, the notebook says {own[nb_id]}"
    assert all(own[n] == 1 for n in CORE_PATH)


def test_estimates_are_read_and_summed_and_a_missing_estimate_is_named(tmp_path: Path) -> None:
    import json

    script = _script()

    def notebook(name: str, opening: str) -> None:
        cells = [{"cell_type": "markdown", "metadata": {}, "source": [opening]}]
        (tmp_path / name).write_text(json.dumps({"cells": cells}), encoding="utf-8")

    notebook("X1-a.ipynb", "**Prioritet:** 2 (anbefalt) · **Estimert tid:** 45–60 minutter (kjøretid 2 minutter)")
    notebook("X2-b.ipynb", "**Prioritet:** 2 · **Estimert tid:** 45 minutter")
    items = script.estimates(tmp_path)
    assert [(e.notebook, e.priority, e.low, e.high) for e in items] == [("X1", 2, 45, 60), ("X2", 2, 45, 45)]
    assert "| **2 (anbefalt)** | Viktig utdyping, spesielt CNN og medisinsk bildeanalyse | 90–105 min (ca. 1,5–2 timer) |" \
        in script.priority_table(items)
    notebook("X3-c.ipynb", "**Prioritet:** 3 · tar en stund")
    with pytest.raises(ValueError, match=r"X3-c\.ipynb: the first cell needs"):
        script.estimates(tmp_path)
