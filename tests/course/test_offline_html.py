"""Nothing a student opens reaches out to the internet: the executed notebooks' HTML and the course report load
no script or style sheet from another machine (MathJax comes from a local copy; require.js, mermaid and the
widget manager are left out, and a widget is shown as the figure it drew)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from dyplab.course import batch, report

WIDGET_CELL = """import matplotlib.pyplot as plt
from ipywidgets import FloatSlider, interact

def show(rate=0.5):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, rate])
    ax.set(title="Læringsrate", xlabel="steg", ylabel="tap")
    plt.show()

interact(show, rate=FloatSlider(value=0.5, min=0.1, max=1.0));
"""


def test_outside_references_finds_scripts_styles_and_code_addresses() -> None:
    page = ('<link rel="stylesheet" href="https://cdn.example/x.css"><script src=//cdn.example/a.js></script>'
            '<script>if (a < 2) { s.src = "https://unpkg.com/b.js"; }</script><style>@import url("http://c/d.css");'
            '</style><a href="https://example.org">lenke</a><script src="mathjax/MathJax.js"></script>')
    assert sorted(report.outside_references(page)) == [
        "//cdn.example/a.js", "http://c/d.css", "https://cdn.example/x.css", "https://unpkg.com/b.js"]


@pytest.mark.notebook
def test_executed_html_and_index_load_nothing_from_the_internet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("jupyter_server_mathjax")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Z7\n\nTap: $L = (y - \\hat y)^2$\n\n```mermaid\ngraph LR; A-->B\n```"),
                nbformat.v4.new_code_cell(WIDGET_CELL)]
    nbformat.write(nb, notebooks / "Z7-widget.ipynb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DYPLAB_NOTEBOOKS", str(notebooks))
    lines: list[str] = []
    (res,) = batch.run(["Z7"], profile="smoke", output_dir=tmp_path / "reports", timeout=300, echo=lines.append)
    assert res.status == "ok", res.error
    executed = nbformat.read(res.executed, as_version=4)
    assert "widgets" in executed.metadata  # the executed notebook keeps its widget for Jupyter ...
    page = res.html.read_text(encoding="utf-8")  # ... the HTML shows the figure the widget drew, and a note
    assert report.outside_references(page) == []
    assert "mathjax/MathJax.js" in page and "data:image/png;base64" in page and "Interaktiv figur" in page
    assert not any(line.startswith("Merk:") for line in lines), lines
    htmls = sorted((tmp_path / "reports").glob("*.html"))
    assert {p.name for p in htmls} == {"Z7-widget.html", "index.html"}
    for html_file in htmls:
        assert report.outside_references(html_file.read_text(encoding="utf-8")) == [], html_file.name

