"""The tab handlers on the app's own trained models (smoke profile): what the page shows, never a traceback."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from dyplab import checkpoints
from dyplab.app import ecg, models
from dyplab.app.heart import DEFAULTS
from dyplab.data import heart as heart_data
from dyplab.data import mnist


def _paper_digit(digit_image: np.ndarray) -> np.ndarray:
    """An MNIST test digit enlarged ×10 as dark strokes on white paper (like a drawing)."""
    return (255 - np.kron(digit_image.astype(np.int64), np.ones((10, 10), np.int64))).astype(np.uint8)


def test_checkpoints_say_how_they_were_trained(app_results, monkeypatch):
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(app_results))
    for path in models.paths().values():
        meta = checkpoints.load(path).meta
        assert meta["trained_by"].startswith("dyplab app") and meta["profile"] == "smoke"
        assert "røyktest-profil" in models.describe(meta)  # never presented as a fully trained network


def test_digit_handler_predicts_mnist_digits(state):
    data = mnist.load()
    X, y = data.test.X[-20:], data.test.y[-20:]
    hits = 0
    for img, label in zip(X, y):
        msg, p_mlp, p_cnn, seen, cam = state.digit({"composite": _paper_digit(img)})
        hits += max(p_cnn, key=p_cnn.get) == str(label)
    assert hits >= 14, hits  # the smoke-trained CNN (val acc ≈ 0.9) must still read most drawn test digits
    assert msg.startswith("### CNN: **") and seen.shape == (280, 280) and cam.shape == (280, 280, 3)


def test_digit_handler_messages(state):
    assert state.digit({"composite": None})[0] == "Tegn et siffer først."
    assert "Tegningen er tom" in state.digit({"composite": np.full((50, 50, 4), 0, np.uint8)})[0]


def test_heart_handler(state):
    values = [DEFAULTS[f] for f in heart_data.FEATURES]
    msg, probs, fig = state.heart(*values)
    assert "Sannsynlighet for hjertesykdom" in msg and "sensitivitet" in msg and "spesifisitet" in msg
    assert abs(sum(probs.values()) - 1) < 1e-6 and fig is not None
    bad = dict(zip(heart_data.FEATURES, values), age=150)
    msg, probs, fig = state.heart(*[bad[f] for f in heart_data.FEATURES])
    assert msg.startswith("**Rett opp skjemaet:**") and "utenfor gyldig område" in msg and probs is None


def test_heart_attributions_add_up(state):
    hm = state.loaded["heart"]
    frame = heart_data.load("cleveland").X.iloc[[0]]
    attr = hm.attributions(frame, n_steps=64)
    assert list(attr.index) == list(heart_data.FEATURES)
    import torch

    with torch.no_grad():
        x = torch.as_tensor(hm.preprocessor.transform(frame).astype(np.float32))
        gap = float(hm.model(x)[0, 1] - hm.model(torch.as_tensor(hm.baseline))[0, 1])
    assert attr.sum() == pytest.approx(gap, abs=0.05)  # Integrated Gradients' completeness, per variable


def test_ecg_handler_shows_the_truth_beside_the_model(state):
    beat = ecg.beat_at("233", 60.0)
    assert abs(beat.time_s - 60) < 2 and beat.symbol in "NVAF"
    msg, probs, fig = state.ecg("233", 60.0)
    assert "Sann annotasjon" in msg and "ikke med i treningen" in msg and len(probs) == 4
    assert "Kunne ikke vise slaget" in state.ecg("233", 99999)[0]
    assert "Kunne ikke vise slaget" in state.ecg("999", 10)[0]


def test_image_handler_names_the_notebook_when_a_model_is_missing(state, tmp_path):
    path = tmp_path / "x.png"
    Image.new("RGB", (20, 20)).save(path)
    msg = state.image(str(path), "flowers")[0]
    assert "kjør notatboka **C2**" in msg and "**E2**" in msg and "**C4a**" in msg


def test_image_handler_with_a_saved_model(state, app_results, tmp_path, monkeypatch):
    from dyplab.models.images import CompactCNN

    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    spec = models.IMAGE_MODELS[0]
    path = spec.path
    checkpoints.save(CompactCNN(n_classes=2).eval(), path, model_kwargs={"n_classes": 2}, class_names=["a", "b"],
                     image_size=32, normalization={"mean": [0.5] * 3, "std": [0.25] * 3}, trained_by="test")
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(app_results))
    state.loaded[spec.key] = checkpoints.load_model(path)
    im = Image.new("RGB", (64, 40), "white")
    ImageDraw.Draw(im).ellipse((10, 5, 40, 35), fill="red")
    good, bad = tmp_path / "up.png", tmp_path / "up.txt"
    im.convert("P").save(good)
    bad.write_text("no picture")
    msg, probs, shown, cam = state.image(str(good), spec.key)
    assert msg.startswith("### Mest sannsynlig") and "modus P" in msg and shown.shape == (40, 64, 3) and cam.shape == (40, 64, 3)
    assert state.image(str(bad), spec.key)[0].startswith("**Bildet kan ikke brukes:**")


def test_a_missing_data_set_disables_only_its_tab(tmp_path, monkeypatch):
    from dyplab.app.service import AppState

    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path))
    state = AppState.load({"digits": "DataError: mnist is not available offline"})
    assert "ikke tilgjengelige" in state.digit(np.zeros((5, 5)))[0]
    assert "ikke tilgjengelig" in state.ecg("100", 1)[0]
