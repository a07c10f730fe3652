"""``reports/index.html`` in headless Chromium with the network blocked: it loads, every link resolves, the
metrics match the JSON files, and the executed notebook's formulas render with the local MathJax."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from dyplab import results

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
        assert s.inner_text().startswith(f"{name} = ")
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
