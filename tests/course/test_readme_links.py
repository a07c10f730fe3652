"""The README's "Åpne i Colab" column comes from ``[tool.dyplab] repository`` via scripts/update_readme_links.py."""

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
