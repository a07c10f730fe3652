"""Synthetic teaching data: seeded, balanced, the documented shapes, and learnable."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import uniform_filter
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dyplab.data import synthetic

GENERATORS = {
    "xray": lambda n, seed: synthetic.xray_lesions(n, seed=seed),
    "eeg": lambda n, seed: synthetic.eeg(n, seed=seed),
    "tabular": lambda n, seed: synthetic.tabular_patients(n, seed=seed),
}
SHAPES = {"xray": (1, 32, 32), "eeg": (1, 256), "tabular": (3,)}
CLASSES = {"xray": synthetic.XRAY_CLASSES, "eeg": synthetic.EEG_CLASSES, "tabular": synthetic.PATIENT_CLASSES}


def _arrays(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    data = GENERATORS[name](n, seed)
    assert data.class_names == list(CLASSES[name]) and data.groups is None
    return data.X, data.y


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    X1, y1 = _arrays(name, 60, 5)
    X2, y2 = _arrays(name, 60, 5)
    X3, _ = _arrays(name, 60, 6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("n", [2, 51, 200])
def test_shapes_dtypes_balance_and_mixed_order(name: str, n: int) -> None:
    X, y = _arrays(name, n, 0)
    assert X.shape == (n, *SHAPES[name]) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.isfinite(X).all()
    counts = np.bincount(y, minlength=2)
    assert len(counts) == 2 and abs(int(counts[0]) - int(counts[1])) <= 1
    if n >= 51:  # shuffled, not first all normal then all sick like the original
        assert 0 < y[: n // 2].sum() < n // 2


def test_sizes_are_configurable_and_validated() -> None:
    assert synthetic.xray_lesions(4, size=16).X.shape == (4, 1, 16, 16)
    assert synthetic.eeg(4, length=512).X.shape == (4, 1, 512)
    with pytest.raises(ValueError, match="at least 2"):
        synthetic.tabular_patients(1)
    with pytest.raises(ValueError, match="fs must be positive"):
        synthetic.eeg(4, fs=0)


def _held_out_accuracy(F: np.ndarray, y: np.ndarray) -> float:
    half = len(y) // 2
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(F[:half], y[:half])
    return model.score(F[half:], y[half:])


def test_xray_lesion_is_detectable_by_a_simple_model() -> None:
    X, y = _arrays("xray", 400, 1)
    img = X[:, 0]
    # brightest 3x3 patch and mean brightness: what a lesion changes
    F = np.column_stack([uniform_filter(img, size=(1, 3, 3)).reshape(len(X), -1).max(1), img.mean(axis=(1, 2))])
    assert _held_out_accuracy(F, y) > 0.9
    assert img[y == 1].max() > img[y == 0].max()


def test_eeg_classes_differ_in_their_spectrum() -> None:
    X, y = _arrays("eeg", 400, 1)
    spectrum = np.abs(np.fft.rfft(X[:, 0], axis=1))
    assert _held_out_accuracy(spectrum, y) > 0.9
    freqs = np.fft.rfftfreq(X.shape[2], d=1 / 173.61)
    peak = freqs[spectrum.argmax(axis=1)]
    assert np.median(peak[y == 0]) == pytest.approx(10, abs=1.5)
    assert np.median(peak[y == 1]) == pytest.approx(25, abs=1.5)


def test_tabular_patients_are_learnable_and_plausible() -> None:
    X, y = _arrays("tabular", 400, 1)
    assert _held_out_accuracy(X, y) > 0.9
    hb, leuk, crp = X.T
    assert 8 < hb.min() and hb.max() < 19 and leuk.min() > 0 and crp.min() > 0
    assert np.median(crp[y == 1]) > 5 * np.median(crp[y == 0])
    assert np.median(leuk[y == 1]) > np.median(leuk[y == 0])
    assert len(synthetic.PATIENT_FEATURES) == X.shape[1]
