"""Student text speaks to students: no history of an earlier course, and one term per concept (parts A and B)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
#: Words that speak of an earlier course or notebook; what changed belongs in docs/lærerveiledning.md.
HISTORY = re.compile(r"opprinnelig\w*|originalen\b|originalkurs\w*|originale kurs\w*|ELMED219", re.IGNORECASE)
#: One term per concept: the word on the left is replaced by the course's term on the right.
TERMS = {"forvekslingsmatrise": "forvirringsmatrise", "notatbok": "notebook", "treffsikkerhet": "nøyaktighet"}


def _markdown(path: Path) -> list[tuple[int, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_markdown_does_not_speak_of_an_earlier_course(path: Path) -> None:
    hits = [f"cell {i}: {m.group(0)!r}" for i, text in _markdown(path) for m in HISTORY.finditer(text)]
    assert not hits, f"{path.name}: move course history to docs/lærerveiledning.md ({'; '.join(hits)})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_one_term_per_concept(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells).lower()
    used = [f"{old!r} (use {new!r})" for old, new in TERMS.items() if old in text]
    assert not used, f"{path.name}: {', '.join(used)}"
