"""de Chazal (2004) features and linear discriminant: intervals, sample positions and a separable toy problem."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.models import ecg_lda


def test_rr_intervals_pre_post_local_and_average() -> None:
    fs = 100.0
    r = np.arange(0, 100 * 60, 100)  # one beat per second for 60 s
    r[30] -= 30  # one premature beat
    rr = ecg_lda.rr_intervals(r, fs)
    assert rr.shape == (60, 4)
    assert rr[30, 0] == pytest.approx(0.7) and rr[30, 1] == pytest.approx(1.3)
    assert rr[10, 0] == pytest.approx(1.0) and rr[0, 0] == pytest.approx(1.0)  # first beat borrows the next interval
    assert rr[:, 2] == pytest.approx(np.full(60, rr[1:, 0].mean()), rel=0.02)  # whole record < 5 min
    assert rr[45, 3] == pytest.approx(1.0)  # far from the premature beat


def test_rr_intervals_reject_bad_peaks() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        ecg_lda.rr_intervals(np.array([0, 5, 5, 9]), 100.0)


def test_morphology_samples_the_paper_windows() -> None:
    fs = 1000.0
    x = np.arange(5000, dtype=float)  # value = sample index
    m = ecg_lda.morphology(x, fs, np.array([2000]))
    assert m.shape == (1, 18)
    assert m[0, 0] == 1950 and m[0, 9] == 2100  # QRS: -50 ms .. +100 ms
    assert m[0, 10] == 2150 and m[0, 17] == 2500  # T wave: +150 ms .. +500 ms
    assert ecg_lda.morphology(x, fs, np.array([10]))[0, 0] == 0  # clamped at the edge


def test_record_features_shape_and_names() -> None:
    fs = 360.0
    rng = np.random.default_rng(0)
    sig = rng.normal(size=(int(fs * 30), 2))
    r = np.arange(200, len(sig) - 200, 300)
    feats = ecg_lda.record_features(sig, fs, r)
    assert feats.shape == (len(r), 4 + 2 * 18) == (len(r), len(ecg_lda.feature_names(2)))
    with pytest.raises(ValueError, match="n_samples, n_leads"):
        ecg_lda.record_features(sig[:, 0], fs, r)


def test_equal_prior_lda_finds_a_rare_separable_class() -> None:
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (2000, 3)), rng.normal(3, 1, (40, 3))])
    y = np.r_[np.zeros(2000, int), np.ones(40, int)]
    model = ecg_lda.fit(X, y, n_classes=2)
    pred = model.predict(np.vstack([rng.normal(0, 1, (500, 3)), rng.normal(3, 1, (100, 3))]))
    assert pred[500:].mean() > 0.85 and pred[:500].mean() < 0.15
    with pytest.raises(ValueError, match="expected all 3"):
        ecg_lda.fit(X, y, n_classes=3)
