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
    # a key without a label is shown as itself, with its value in the page's number format
    assert 'data-notebook="A1" data-metric="accuracy" data-value="0.912345" title="accuracy">accuracy: <b>0,912</b>' in page
    assert '<a href="A1-x.html">' in page
    assert "Boom &lt;b&gt;" in page  # escaped
    assert re.search(r'<tr class="failed" data-notebook="B3">', page)
    assert "A5" in page and "ikke kjørt" in page  # every notebook of the course has a row


def _summary(root: Path, nb: str, metrics: dict, profile: str = "class", recorded: str = "2026-12-07T12:00:00") -> None:
    (root / nb).mkdir(parents=True, exist_ok=True)
    (root / nb / results.SUMMARY).write_text(json.dumps({"notebook": nb, "profile": profile, "recorded": recorded,
                                                         "metrics": metrics}), encoding="utf-8")


@pytest.fixture
def teacher_page(tmp_path, monkeypatch):
    """A6 and D1 recorded, targets for both (one A6 target missed), a ledger with A6's looks (the last is the run's
    own row), and no grading yet."""
    from dyplab.course import ledger

    root = tmp_path / "results"
    a6 = {"cnn_test_accuracy": 0.99175, "cnn_test_accuracy_ci_low": 0.98925, "cnn_test_accuracy_ci_high": 0.99425,
          "cnn_val_accuracy": 0.9925, "n_params": 7}
    _summary(root, "A6", a6)
    _summary(root, "D1", {"cv_balanced_accuracy_tabular": 0.64}, profile="smoke")
    targets = tmp_path / "targets"
    targets.mkdir()
    (targets / "A6.json").write_text(json.dumps({"class": {"cnn_val_accuracy": [0.985, 1.0], "n_params": [10, 20]}}))
    (targets / "D1.json").write_text(json.dumps({"smoke": {"cv_balanced_accuracy_tabular": [0.55, 1.0]}}))
    logg = tmp_path / "logg.csv"
    own = ledger._format_result(a6)
    logg.write_text(",".join(ledger.COLUMNS) + "\n"
                    + "A6,2025-12-04,0eadcd1,class,tidligere kurs,test_acc=0.988,før\n"
                    + "A6,2026-12-01,c3cd51d,class,CNN,ikke lagret,mål satt\n"
                    + f'A6,2026-12-07T11:58:00.000,abc,class,,"{own}",kjøring\n'
                    + "A6,2026-12-07T13:00:00,abc,full,benchmark,test_acc=0.99,etterpå\n", encoding="utf-8")
    monkeypatch.setenv(ledger.ENV_FILE, str(logg))
    return {"reports": tmp_path / "reports", "root": root, "targets": targets}


def test_teacher_page_labels_intervals_references_targets_and_looks(teacher_page):
    t = teacher_page
    page = report.render(t["reports"], t["root"], t["targets"])
    # Norwegian label, estimate with its 95 % interval, and the test tag
    assert "nøyaktighet, test (CNN): <b>99,2 % (95 % KI 98,9–99,4)</b>" in page
    # the reference with its source, and the notebook without one says so (with its note)
    assert "<b>98,8 %</b> (dyplab 99,2 %)" in page and "Kilde: Lærerveiledningen, Del A og B" in page
    d1 = page[page.index('<tr class="never" data-notebook="D1">'):]
    assert "Ingen dokumentert referanse." in d1[:d1.index("</tr>")] and "Del D" in d1[:d1.index("</tr>")]
    # targets: check_targets' verdict, per metric; the test metric is never a target
    assert "1 av 2 nådd" in page and 'data-metric="cnn_val_accuracy" data-met="true"' in page
    assert 'data-metric="n_params" data-met="false"' in page and "A6: n_params = 7 is outside [10, 20]" in page
    assert "1 av 1 nådd" in page  # D1 in its own (smoke) profile
    # earlier looks: two rows before the run; the run's own row and the later benchmark are not earlier looks
    assert 'data-looks="2"' in page and "evaluert 2 ganger før denne kjøringen" in page
    # no grading yet, and one figure as a data URI (offline)
    assert "Ingen retting ennå" in page
    assert page.count('<img src="data:image/png;base64,') == 1 and not report.outside_references(page)


def test_targets_file_for_another_profile_or_none_says_so(teacher_page, monkeypatch):
    t = teacher_page
    (t["targets"] / "A6.json").write_text(json.dumps({"smoke": {"cnn_val_accuracy": [0.3, 1.0]}}))
    page = report.render(t["reports"], t["root"], t["targets"])
    assert "no class targets in A6.json" in page
    monkeypatch.chdir(t["reports"].parent)  # an installed copy: no tests/notebook_targets beside it
    monkeypatch.setattr(report, "targets_dir", lambda: None)
    assert "finnes bare i en git-kopi" in report.render(t["reports"], t["root"])


def test_grading_summary_is_shown_and_a_damaged_one_is_named(teacher_page):
    t = teacher_page
    grading = t["root"] / "grading"
    grading.mkdir()
    (grading / "karakterer.json").write_text(json.dumps({
        "notebooks": {"A1": {"A1.1": {"passed": 18, "total": 20}, "A1.2": {"passed": 0, "total": 20}}},
        "submissions": 20, "problems": [{"student": "ola", "problem": "ikke en notatbok"}, "per: tidsgrense",
                                        {"student": "kari", "notebook": "A1", "file": "a1.ipynb", "kind": "tidsgrense",
                                         "message": "stoppet etter 60 s"}]}))
    (grading / "karakterer.html").write_text("<html></html>")
    page = report.render(t["reports"], t["root"], t["targets"])
    assert "20 innleveringer" in page and '<a href="../results/grading/karakterer.html">karakterer.html</a>' in page
    assert "kari (A1, a1.ipynb): tidsgrense – stoppet etter 60 s" in page
    assert ('<tr data-notebook="A1" data-exercise="A1.1"><td>A1</td><td>A1.1</td><td class="num">18</td>'
            '<td class="num">20</td><td class="num">90 %</td></tr>') in page
    assert "student: ola, problem: ikke en notatbok" in page and "per: tidsgrense" in page
    (grading / "karakterer.json").write_text("{not json")
    page = report.render(t["reports"], t["root"], t["targets"])
    assert f"{grading / 'karakterer.json'}: kan ikke leses" in page


def test_the_figure_has_one_row_per_notebook_with_a_reference(teacher_page):
    t = teacher_page
    refs, _ = report.load_references()
    summaries = {nb: results.load(nb, root=t["root"]) or {} for nb in ("A4", "A6", "D1")}
    rows = report._figure_rows(["A4", "A6", "D1"], summaries, refs)
    assert [(r[0], r[1], r[2], r[3].value) for r in rows] == [
        ("A6: nøyaktighet, test (CNN)", 0.99175, (0.98925, 0.99425), 0.988)]
    assert report.figure([]) == ""


def test_python_m_report_rewrites_the_page(teacher_page, capsys):
    t = teacher_page
    assert report.main(["--output", str(t["reports"]), "--results", str(t["root"])]) == 0
    assert capsys.readouterr().out.strip() == str(t["reports"] / report.INDEX)
    assert "nøyaktighet, test (CNN)" in (t["reports"] / report.INDEX).read_text(encoding="utf-8")


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
