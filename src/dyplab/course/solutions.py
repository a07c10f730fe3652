"""Run a notebook's exercise solutions after its own cells, in one kernel session.

A solution is a fenced ```` ```python ```` block inside a ``<details>`` block of a markdown cell. The test
suite appends every solution as a code cell (in the order they appear) and executes the notebook once,
so a solution that no longer matches the notebook's variables fails the suite.
"""

from __future__ import annotations

import re
from pathlib import Path

DETAILS = re.compile(r"<details>(.*?)</details>", re.DOTALL | re.IGNORECASE)
PYTHON_BLOCK = re.compile(r"^[ \t]*```python[ \t]*\n(.*?)^[ \t]*```[ \t]*$", re.DOTALL | re.MULTILINE)
SOLUTION_TAG = "dyplab-solution"


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def extract_solutions(nb: dict) -> list[tuple[int, str]]:
    """``(markdown cell index, code)`` for every ```python block inside a ``<details>`` block."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "markdown":
            continue
        for details in DETAILS.findall(_source(cell)):
            found += [(index, _dedent(code)) for code in PYTHON_BLOCK.findall(details)]
    return found


def _dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).rstrip() + "\n"


def with_solutions(nb):
    """A copy of notebook ``nb`` (an ``nbformat`` node) with its solutions appended as tagged code cells."""
    import copy

    import nbformat

    out = copy.deepcopy(nb)
    for index, code in extract_solutions(nb):
        header = f"# Løsning fra markdown-celle {index}\n"
        cell = nbformat.v4.new_code_cell(header + code)
        cell.metadata["tags"] = [SOLUTION_TAG]
        out.cells.append(cell)
    return out


def write_with_solutions(path: str | Path, folder: str | Path) -> Path:
    """Write ``path`` with its solutions appended to ``folder/<same name>`` and return the new path.

    The copy keeps the notebook's file name, so the runner derives the same notebook id from it.
    """
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such notebook")
    target = Path(folder) / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(with_solutions(nbformat.read(path, as_version=4)), target)
    return target
