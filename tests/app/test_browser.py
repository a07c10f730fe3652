"""End to end in a real browser: the app on a free port of 127.0.0.1, driven by headless Chromium (Playwright).

Playwright cannot download its own browser here; the test uses the system's Chromium (Debian's ``chromium``,
which ``.ci/run`` installs) and is skipped, with the reason, only when that browser or Playwright is absent.
Screenshots go to ``reports/app/``.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "reports" / "app"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    """The system Chromium, or skip (with the reason) when it or Playwright is missing."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no system Chromium (apt-get install chromium; .ci/run does this)")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    return path


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shapes(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic 32×32 images: class 0 a disc, class 1 a square, random place, size and colour."""
    X, y = np.zeros((n, 3, 32, 32), np.float32), rng.integers(0, 2, n)
    for i in range(n):
        im = Image.new("RGB", (32, 32), tuple(int(v) for v in rng.integers(150, 255, 3)))
        r, cx, cy = rng.integers(5, 9), rng.integers(9, 23), rng.integers(9, 23)
        colour = tuple(int(v) for v in rng.integers(0, 100, 3))
        (ImageDraw.Draw(im).ellipse if y[i] == 0 else ImageDraw.Draw(im).rectangle)((cx - r, cy - r, cx + r, cy + r),
                                                                                    fill=colour)
        X[i] = (np.asarray(im, np.float32).transpose(2, 0, 1) / 255 - 0.5) / 0.25
    return X, y


@pytest.fixture(scope="module")
def browser_results(app_results: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's trained app checkpoints, so the image model saved here stays in this module."""
    root = tmp_path_factory.mktemp("browser-results")
    shutil.copytree(app_results / "app", root / "app")
    return root


@pytest.fixture(scope="module")
def image_model(browser_results: Path) -> Path:
    """A small CNN really trained (here, seconds) on synthetic discs vs squares, saved where C2 saves its model.

    Its description says what it is, so the page never passes it off as the flower model's training."""
    import dyplab
    from dyplab import checkpoints, training
    from dyplab.models.images import CompactCNN

    rng = np.random.default_rng(0)
    X, y = _shapes(400, rng)
    Xv, yv = _shapes(100, rng)
    dyplab.seed_everything(0)
    fit = training.fit(CompactCNN(n_classes=2, channels=(8, 16, 32)), (X, y), (Xv, yv), max_epochs=8, lr=3e-3,
                       optimizer="adamw", batch_size=32, patience=None, progress=False, log_dir=browser_results / "logs")
    acc = training.evaluate(fit.model, (Xv, yv))["acc"]
    assert acc > 0.8, acc
    path = browser_results / "C2" / "blomster_compactcnn.pt"
    checkpoints.save(fit.model, path, model_kwargs={"n_classes": 2, "channels": [8, 16, 32]},
                     class_names=["disc", "square"], display_names=["rund", "firkantet"], image_size=32,
                     normalization={"mean": [0.5] * 3, "std": [0.25] * 3}, val_acc=acc, n_train=400,
                     trained_by="testen (syntetiske sirkler og firkanter, ikke blomster)")
    return path


@pytest.fixture(scope="module")
def app_url(browser_results: Path, image_model: Path):
    import os

    from dyplab.app import serve

    old = os.environ.get("DYPLAB_RESULTS_DIR")
    os.environ["DYPLAB_RESULTS_DIR"] = str(browser_results)
    port = free_port()
    try:
        page = serve(host="127.0.0.1", port=port, block=False, train=False, progress=lambda line: None)
    finally:
        if old is None:
            os.environ.pop("DYPLAB_RESULTS_DIR", None)
        else:
            os.environ["DYPLAB_RESULTS_DIR"] = old
    yield f"http://127.0.0.1:{port}/"
    page.close()


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(url)
    page.wait_for_selector("#digit-pad canvas", timeout=60_000)
    return page


def test_draw_a_digit(browser, app_url):
    page = _open(browser, app_url)
    page.locator("#digit-pad button[aria-label='Brush']").first.click()
    box = page.locator("#digit-pad canvas").first.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # a «7»: the top bar, then the diagonal down to the left
    strokes = [[(-70, -90), (70, -90)], [(70, -90), (-10, 100)]]
    for stroke in strokes:
        page.mouse.move(cx + stroke[0][0], cy + stroke[0][1])
        page.mouse.down()
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            for t in np.linspace(0, 1, 15)[1:]:
                page.mouse.move(cx + x0 + t * (x1 - x0), cy + y0 + t * (y1 - y0))
        page.mouse.up()
    page.click("#digit-go")
    page.wait_for_function("document.querySelector('#digit-msg').innerText.includes('CNN:')", timeout=60_000)
    text = page.locator("#digit-msg").inner_text()
    assert "MLP:" in text and "Grad-CAM" in text
    page.wait_for_selector("#digit-cam img", timeout=20_000)
    page.wait_for_selector("#digit-seen img", timeout=20_000)
    assert page.locator("#digit-cnn").inner_text().strip()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "siffer.png"), full_page=True)
    page.close()


def test_upload_images(browser, app_url, tmp_path):
    page = _open(browser, app_url)
    page.get_by_role("tab", name="Bilde").click()
    im = Image.new("RGB", (120, 90), (230, 210, 180))
    ImageDraw.Draw(im).rectangle((20, 15, 80, 75), fill=(30, 40, 90))
    good = tmp_path / "firkant_cmyk.jpg"
    im.convert("CMYK").save(good)
    page.locator("#image-upload input[type=file]").set_input_files(str(good))
    page.wait_for_function("document.querySelector('#image-msg').innerText.includes('Mest sannsynlig')", timeout=60_000)
    text = page.locator("#image-msg").inner_text()
    assert "modus CMYK" in text and "syntetiske" in text
    page.wait_for_selector("#image-cam img", timeout=20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bilde.png"), full_page=True)
    bad = tmp_path / "ikke_et_bilde.png"
    bad.write_text("this is not a picture")
    page.locator("#image-upload button[aria-label='Clear']").first.click() if page.locator(
        "#image-upload button[aria-label='Clear']").count() else None
    page.locator("#image-upload input[type=file]").set_input_files(str(bad))
    page.wait_for_function("document.querySelector('#image-msg').innerText.includes('kan ikke brukes')", timeout=60_000)
    assert "ikke et bilde" in page.locator("#image-msg").inner_text()
    page.screenshot(path=str(SHOTS / "bilde_feil.png"), full_page=True)
    page.close()


def test_heart_form_out_of_range(browser, app_url):
    page = _open(browser, app_url)
    page.get_by_role("tab", name="Hjerte").click()
    age = page.locator("#heart-age input")
    age.fill("150")
    age.press("Tab")
    page.click("#heart-go")
    page.wait_for_function("document.querySelector('#heart-msg').innerText.includes('Rett opp')", timeout=60_000)
    assert "Alder (age) = 150 er utenfor gyldig område 18–100 år" in page.locator("#heart-msg").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "hjerte_feil.png"), full_page=True)
    age.fill("63")
    age.press("Tab")
    page.click("#heart-go")
    page.wait_for_function("document.querySelector('#heart-msg').innerText.includes('Sannsynlighet')", timeout=60_000)
    assert "spesifisitet" in page.locator("#heart-msg").inner_text()
    page.screenshot(path=str(SHOTS / "hjerte.png"), full_page=True)
    page.close()


def test_ecg_beat(browser, app_url):
    page = _open(browser, app_url)
    page.get_by_role("tab", name="EKG").click()
    page.click("#ecg-go")
    page.wait_for_function("document.querySelector('#ecg-msg').innerText.includes('Sann annotasjon')", timeout=60_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ekg.png"), full_page=True)
    page.close()
