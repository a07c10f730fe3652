"""``reports/index.html`` in headless Chromium with the network blocked: it loads, every link resolves, the
metrics match the JSON files, and the executed notebook's formulas render with the local MathJax. The teacher's
view: Norwegian labels, an interval, a reference with its source, target status, the grading summary and the
figure, all visible."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from dyplab import results
from dyplab.course import labels, ledger, report

pytestmark = pytest.mark.browser

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "app"


@pytest.fixture(scope="module")
def page():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("no system Chromium (apt-get install chromium; .ci/run does this)")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked: list[str] = []
        # offline: only file:// may load
        pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                 else (blocked.append(route.request.url), route.abort()))
        pg.blocked = blocked
        yield pg
        browser.close()


def test_index_loads_links_resolve_and_metrics_match(page, report_run):
    reports = report_run["reports"]
    index = reports / "index.html"
    page.goto(index.as_uri())
    assert page.title() == "dyplab: kursrapport"
    assert page.locator("#notebooks tbody tr").count() == 2
    assert "ok" in page.locator('tr[data-notebook="Z1"]').inner_text()
    assert "failed" in page.locator('tr[data-notebook="Z2"]').inner_text()
    spans = page.locator("span.metric[data-notebook]")
    assert spans.count() == 3
    recorded = results.load("Z1", root=report_run["root"] / "results")["metrics"]
    for i in range(spans.count()):
        s = spans.nth(i)
        name = s.get_attribute("data-metric")
        assert json.loads(s.get_attribute("data-value")) == recorded[name]
        assert s.inner_text().startswith(f"{labels.label(name)}: ")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert hrefs, "the report links no executed notebook"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rapport.png"), full_page=True)
    for href in hrefs:
        assert href.startswith("file:"), f"{href}: the report must link local files only"
        assert Path(url2pathname(urlparse(href).path)).is_file(), href
        page.goto(href)
        assert page.locator("body").inner_text().strip(), href


def test_formulas_render_offline(page, report_run):
    page.goto((report_run["reports"] / "Z1-test.html").as_uri())
    page.wait_for_selector(".MathJax_Display, .MathJax", timeout=30_000)
    page.wait_for_function("!document.body.innerText.includes('begin{pmatrix}')", timeout=30_000)
    assert not [u for u in page.blocked if "mathjax" in u.lower()]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "formel_offline.png"))


@pytest.fixture(scope="module")
def teacher_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with A6 recorded (with intervals), a validation target, a ledger and a ``dyplab grade`` summary."""
    import os

    base = tmp_path_factory.mktemp("teacher")
    root = base / "results"
    (root / "A6").mkdir(parents=True)
    (root / "A6" / results.SUMMARY).write_text(json.dumps({
        "notebook": "A6", "profile": "class", "recorded": "2026-12-07T12:00:00",
        "metrics": {"cnn_test_accuracy": 0.99175, "cnn_test_accuracy_ci_low": 0.98925,
                    "cnn_test_accuracy_ci_high": 0.99425, "cnn_val_accuracy": 0.9925}}), encoding="utf-8")
    targets = base / "targets"
    targets.mkdir()
    (targets / "A6.json").write_text(json.dumps({"class": {"cnn_val_accuracy": [0.985, 1.0]}}), encoding="utf-8")
    (root / "grading").mkdir()
    (root / "grading" / "karakterer.json").write_text(json.dumps({
        "notebooks": {"A6": {"A6.1": {"passed": 17, "total": 20}}}, "submissions": 20, "problems": ["kari: krasjet"]}),
        encoding="utf-8")
    logg = base / "logg.csv"
    logg.write_text(",".join(ledger.COLUMNS) + "\nA6,2025-12-04,0eadcd1,class,tidligere kurs,test_acc=0.988,før\n",
                    encoding="utf-8")
    old = os.environ.get(ledger.ENV_FILE)
    os.environ[ledger.ENV_FILE] = str(logg)
    try:
        (base / "reports").mkdir()
        (base / "reports" / report.INDEX).write_text(report.render(base / "reports", root, targets), encoding="utf-8")
    finally:
        if old is None:
            os.environ.pop(ledger.ENV_FILE, None)
        else:
            os.environ[ledger.ENV_FILE] = old
    return base / "reports" / report.INDEX


def test_teacher_view_is_visible_offline(page, teacher_report):
    page.blocked.clear()
    page.goto(teacher_report.as_uri())
    row = page.locator('#notebooks tr[data-notebook="A6"]')
    headline = row.locator('span.metric[data-metric="cnn_test_accuracy"]')
    assert headline.is_visible()
    assert headline.inner_text().startswith("nøyaktighet, test (CNN): 99,2 % (95 % KI 98,9–99,4)")
    assert "testdel" in headline.inner_text()
    assert "evaluert én gang før denne kjøringen" in row.inner_text()
    ref = row.locator('li.reference[data-metric="cnn_test_accuracy"]')
    assert ref.is_visible() and "98,8 %" in ref.inner_text() and "Kilde: Lærerveiledningen" in ref.inner_text()
    target = row.locator('li.target[data-metric="cnn_val_accuracy"]')
    assert target.is_visible() and target.get_attribute("data-met") == "true" and "1 av 1 nådd" in row.inner_text()
    assert target.inner_text().startswith("✓ nøyaktighet, validering (CNN)")
    assert "Ingen dokumentert referanse" in page.locator('#notebooks tr[data-notebook="A1"]').inner_text()
    grading = page.locator("#grading")
    assert grading.is_visible() and "20 innleveringer" in grading.inner_text() and "kari: krasjet" in grading.inner_text()
    cells = page.locator('#grading-table tr[data-exercise="A6.1"] td').all_inner_texts()
    assert cells == ["A6", "A6.1", "17", "20", "85 %"]
    img = page.locator("#comparison img")
    img.scroll_into_view_if_needed()
    assert img.is_visible()
    size = img.evaluate("i => [i.complete, i.naturalWidth, i.naturalHeight]")
    assert size[0] and size[1] > 300 and size[2] > 100, size
    assert not page.blocked, page.blocked
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rapport_laerer.png"), full_page=False)
