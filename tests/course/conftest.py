"""Fixtures of the course-machinery tests."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

FORMULA = r"$$K_x = \begin{pmatrix} -1 & 0 & 1 \\ -2 & 0 & 2 \\ -1 & 0 & 1 \end{pmatrix}$$"


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``dyplab run`` (``batch.run``) on two tiny notebooks, one ok and one failing, in a fresh folder.

    Returns the folder, the reports folder and the run results. Z1 records a metric and shows a formula.
    """
    import os

    from dyplab.course import batch

    root = tmp_path_factory.mktemp("course-run")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    ok = nbformat.v4.new_notebook()
    ok.cells = [nbformat.v4.new_markdown_cell(f"# Z1 – test\n\nSobel-kjernen: {FORMULA} og inline $x^2$."),
                nbformat.v4.new_code_cell("from dyplab import results\n"
                                          "results.record('Z1', {'accuracy': 0.8125, 'n_test': 160, 'auc': 0.93333})")]
    bad = nbformat.v4.new_notebook()
    bad.cells = [nbformat.v4.new_code_cell("raise RuntimeError('data set missing')")]
    nbformat.write(ok, notebooks / "Z1-test.ipynb")
    nbformat.write(bad, notebooks / "Z2-feil.ipynb")
    old_cwd, old_env = Path.cwd(), os.environ.get("DYPLAB_NOTEBOOKS")
    os.chdir(root)
    os.environ["DYPLAB_NOTEBOOKS"] = str(notebooks)
    try:
        lines: list[str] = []
        res = batch.run(["Z1", "Z2"], profile="smoke", output_dir=root / "reports", timeout=120, echo=lines.append)
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("DYPLAB_NOTEBOOKS", None)
        else:
            os.environ["DYPLAB_NOTEBOOKS"] = old_env
    return {"root": root, "reports": root / "reports", "results": res, "lines": lines}
