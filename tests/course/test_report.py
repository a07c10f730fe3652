"""The course report: runs, metrics from summary.json, benchmarks, links and offline MathJax."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from dyplab import results
from dyplab.course import report


def _run(nb: str, status: str = "ok", seconds: float = 1.0, html: Path | None = None, error: str = ""):
    return SimpleNamespace(notebook=nb, status=status, seconds=seconds, html=html, error=error)


def test_runs_are_merged_and_the_latest_wins(tmp_path):
    report.record_runs([_run("A1"), _run("B3", "failed", 2.0, error="DataError: x")], tmp_path, "smoke")
    runs = report.record_runs([_run("A1", "failed", 3.0)], tmp_path, "class")
    assert runs["A1"]["status"] == "failed" and runs["A1"]["profile"] == "class" and runs["B3"]["error"] == "DataError: x"
    (tmp_path / report.RUNS).write_text("{not json")
    with pytest.raises(ValueError, match="runs.json is not valid JSON"):
        report.load_runs(tmp_path)


def test_page_shows_recorded_metrics_status_and_links(tmp_path, monkeypatch):
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    results.record("A1", {"accuracy": 0.912345, "n": 7})
    (tmp_path / "A1-x.html").write_text("<html></html>")
    report.record_runs([_run("A1", html=tmp_path / "A1-x.html"), _run("B3", "failed", error="Boom <b>")],
                       tmp_path, "smoke")
    page = report.render(tmp_path, tmp_path / "results")
    assert 'data-notebook="A1" data-metric="accuracy" data-value="0.912345">accuracy = 0.9123<' in page
    assert '<a href="A1-x.html">' in page
    assert "Boom &lt;b&gt;" in page  # escaped
    assert re.search(r'<tr class="failed" data-notebook="B3">', page)
    assert "A5" in page and "ikke kjørt" in page  # every notebook of the course has a row


def test_benchmarks_latest_line_per_benchmark(tmp_path):
    report.record_benchmark("mnist_cnn", tmp_path, ratio_time=0.3, acc_dyplab=0.99, acc_original=float("nan"))
    report.record_benchmark("mnist_cnn", tmp_path, ratio_time=0.25, acc_dyplab=0.991, acc_original=0.99)
    with open(tmp_path / report.BENCHMARKS, "a") as fh:
        fh.write("garbage\n")
    latest = report.load_benchmarks(tmp_path)
    assert latest["mnist_cnn"]["ratio_time"] == 0.25 and len(latest) == 2
    page = (tmp_path / report.INDEX).read_text()  # record_benchmark rewrote the page
    assert 'data-benchmark="mnist_cnn" data-metric="acc_dyplab" data-value="0.991"' in page


def test_localize_mathjax_points_at_a_local_copy(tmp_path):
    pytest.importorskip("jupyter_server_mathjax")
    html_file = tmp_path / "A1.html"
    html_file.write_text('<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?'
                         'config=TeX-AMS_CHTML-full,Safe"> </script>')
    assert report.localize_mathjax(html_file, tmp_path)
    text = html_file.read_text()
    assert "https://" not in text and 'src="mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"' in text
    assert (tmp_path / "mathjax" / "MathJax.js").is_file()
    assert (tmp_path / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    assert report.localize_mathjax(html_file, tmp_path)  # idempotent


def test_dyplab_run_writes_the_report(report_run):
    reports = report_run["reports"]
    runs = json.loads((reports / report.RUNS).read_text())
    assert runs["Z1"]["status"] == "ok" and runs["Z2"]["status"] == "failed" and "data set missing" in runs["Z2"]["error"]
    page = (reports / report.INDEX).read_text()
    assert 'data-metric="accuracy" data-value="0.8125"' in page and '<a href="Z1-test.html">' in page
    html_text = (reports / "Z1-test.html").read_text()
    assert "mathjax/2.7.7" not in html_text and "mathjax/MathJax.js" in html_text
    assert any("Kursrapport" in line for line in report_run["lines"])


def test_comparison_line_prints_records_and_handles_a_missing_original(tmp_path, capsys, monkeypatch) -> None:
    from dyplab.course import ledger, report

    logg = tmp_path / "logg.csv"
    logg.write_text(",".join(ledger.COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setenv(ledger.ENV_FILE, str(logg))

    dyp = {"wall_s": 10.0, "test_acc": 0.99}
    line = report.comparison_line("demo", dyp, {"wall_s": 40.0, "test_acc": 0.98}, test_split_of="A6",
                                  output_dir=tmp_path)
    assert line == "ratio_time=0.250 acc_dyplab=0.9900 acc_original=0.9800"
    assert capsys.readouterr().out.strip().splitlines()[-1] == line
    assert report.load_benchmarks(tmp_path)["demo"]["ratio_time"] == 0.25
    assert report.comparison_line("solo", dyp, None, test_split_of="A6", output_dir=tmp_path).startswith("ratio_time=nan")
    looks = ledger.read(logg)  # each run scored A6's test split: one look each
    assert [(r.notebook, r.recipe) for r in looks] == [("A6", "benchmarks/demo.py"), ("A6", "benchmarks/solo.py")]
    assert looks[0].result == "test_acc_dyplab=0.99; test_acc_original=0.98"
