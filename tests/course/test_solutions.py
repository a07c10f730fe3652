"""Solution blocks are found in <details> only, in order, and appended as tagged code cells."""

from __future__ import annotations

import nbformat
import pytest

from dyplab.course import solutions


def _nb() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T\n```python\nnot_a_solution()\n```"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell(
            "**Oppgave**\n<details><summary>Løsning</summary>\n\n```python\ny = x + 1\n```\n\ntekst\n\n"
            "```python\nz = y * 2\n```\n</details>\n<details>\n  ```python\n  w = z\n  ```\n</details>"
        ),
    ]
    return nb


def test_extracts_only_python_blocks_inside_details_in_order() -> None:
    found = solutions.extract_solutions(_nb())
    assert [code for _, code in found] == ["y = x + 1\n", "z = y * 2\n", "w = z\n"]
    assert {index for index, _ in found} == {2}


def test_with_solutions_appends_tagged_cells_and_leaves_input_alone(tmp_path) -> None:
    nb = _nb()
    out = solutions.with_solutions(nb)
    assert len(nb.cells) == 3 and len(out.cells) == 6
    assert all(solutions.SOLUTION_TAG in c.metadata["tags"] for c in out.cells[3:])
    path = tmp_path / "X1-test.ipynb"
    nbformat.write(nb, path)
    copy = solutions.write_with_solutions(path, tmp_path / "copy")
    assert copy.name == path.name and len(nbformat.read(copy, as_version=4).cells) == 6


def test_missing_notebook_is_named(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.ipynb"):
        solutions.write_with_solutions(tmp_path / "nope.ipynb", tmp_path)
