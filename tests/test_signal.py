"""Signal processing, AAMI classes, record splits and RR features of dyplab.ecg (synthetic data)."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab import signal, splits
from dyplab.data import mitbih
from dyplab.models import ecg as ecg_models

FS = 360.0


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def test_bandpass_removes_mains_and_dc_and_keeps_10hz() -> None:
    t = np.arange(int(20 * FS)) / FS
    mid = slice(int(5 * FS), int(15 * FS))  # ignore the edge transients of the 0.5 Hz high-pass
    sine = lambda f: np.sin(2 * np.pi * f * t)  # noqa: E731
    assert _rms(signal.bandpass(sine(60.0), FS)[mid]) < 0.05 * _rms(sine(60.0))  # > 26 dB down
    assert np.abs(signal.bandpass(np.full_like(t, 3.0), FS)[mid]).max() < 1e-3
    kept = signal.bandpass(sine(10.0), FS)[mid]
    assert _rms(kept) == pytest.approx(_rms(sine(10.0)[mid]), rel=0.02)
    mix = signal.bandpass(sine(10.0) + 0.5 * sine(60.0) + 2.0, FS)[mid]
    np.testing.assert_allclose(mix, sine(10.0)[mid], atol=0.05)  # zero phase: no shift of the 10 Hz wave


def test_bandpass_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="NaN"):
        signal.bandpass(np.array([0.0, np.nan] * 100), FS)
    with pytest.raises(ValueError, match="low < high"):
        signal.bandpass(np.zeros(1000), FS, low=40, high=0.5)
    with pytest.raises(ValueError, match="too short"):
        signal.bandpass(np.zeros(10), FS)


def test_downsample_halves_rate() -> None:
    x = np.sin(2 * np.pi * 5 * np.arange(3600) / FS)
    y, fs = signal.downsample(x, FS, 180.0)
    assert fs == 180.0 and len(y) == 1800
    np.testing.assert_allclose(y[100:-100], x[::2][100:-100], atol=5e-3)
    with pytest.raises(ValueError, match="integer"):
        signal.downsample(x, FS, 250.0)


def test_segment_beats_window_shape_and_edges() -> None:
    x = np.arange(1000, dtype=float)
    r = np.array([10, 100, 500, 950, 990])
    waves, kept = signal.segment_beats(x, r, before=20, after=40)
    assert waves.shape == (3, 60)
    np.testing.assert_array_equal(kept, [1, 2, 3])  # 10 (too early) and 990 (too late) are dropped
    np.testing.assert_array_equal(waves[0], np.arange(80, 140))
    assert waves[1][20] == 500  # the R peak sits at index `before`
    _, kept_edge = signal.segment_beats(x, np.array([20, 960]), before=20, after=40)
    np.testing.assert_array_equal(kept_edge, [0, 1])  # exactly fitting windows are kept


def test_zscore_per_beat() -> None:
    w = np.vstack([np.linspace(0, 10, 50), 5 + 3 * np.sin(np.arange(50)), np.full(50, 2.0)])
    z = signal.zscore(w)
    np.testing.assert_allclose(z[:2].mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(z[:2].std(axis=1), 1, atol=1e-4)
    assert np.all(np.isfinite(z[2])) and np.allclose(z[2], 0)  # a flat beat does not divide by zero


def test_rr_features_regular_series_with_one_premature_beat() -> None:
    r = np.arange(20) * 360  # 1.0 s between beats at 360 Hz
    f = signal.rr_features(r, FS)
    assert f.shape == (20, len(signal.RR_FEATURES))
    np.testing.assert_allclose(f, 1.0)  # all intervals 1 s, all ratios 1
    r2 = r.copy()
    r2[10] -= 144  # beat 10 comes 0.4 s early
    g = signal.rr_features(r2, FS, local_beats=10)
    col = {name: i for i, name in enumerate(signal.RR_FEATURES)}
    assert g[10, col["pre_rr_s"]] == pytest.approx(0.6)
    assert g[10, col["post_rr_s"]] == pytest.approx(1.4)
    assert g[11, col["pre_rr_s"]] == pytest.approx(1.4)
    assert g[10, col["pre_over_post"]] == pytest.approx(0.6 / 1.4)
    assert g[10, col["pre_over_local"]] < 0.65
    assert g[10, col["pre_rr_rel"]] == pytest.approx(0.6)  # the mean RR is still 1 s


def test_rr_features_rejects_unsorted_peaks() -> None:
    with pytest.raises(ValueError, match="increasing"):
        signal.rr_features(np.array([0, 400, 300, 900]), FS)


def test_aami_mapping() -> None:
    got = mitbih.to_aami(list("NLRejAaJSVEF/fQ"))
    assert "".join(got) == "NNNNNSSSSVVFQQQ"
    assert set(mitbih.AAMI.values()) == set(mitbih.AAMI_CLASSES)
    with pytest.raises(ValueError, match=r"\+"):
        mitbih.to_aami(["N", "+"])
    np.testing.assert_array_equal(mitbih.encode(["V", "N", "S", "F"], mitbih.INTER_CLASSES), [2, 0, 1, 3])
    with pytest.raises(ValueError, match="not among"):
        mitbih.encode(["Q"], mitbih.INTER_CLASSES)


def test_ds1_ds2_disjoint_without_paced_records() -> None:
    assert len(mitbih.DS1) == len(mitbih.DS2) == 22
    assert not set(mitbih.DS1) & set(mitbih.DS2)
    assert not (set(mitbih.DS1) | set(mitbih.DS2)) & set(mitbih.PACED_RECORDS)
    assert len(set(mitbih.DS1) | set(mitbih.DS2) | set(mitbih.PACED_RECORDS)) == 48
    assert set(mitbih.DS1_VAL) <= set(mitbih.DS1)


def test_inter_patient_split_never_shares_a_record() -> None:
    records = np.repeat(np.array(list(mitbih.DS1 + mitbih.DS2 + mitbih.PACED_RECORDS)), 5)
    train, val, test = splits.by_groups(records, train=mitbih.DS1, test=mitbih.DS2, val=mitbih.DS1_VAL)
    parts = {name: set(records[idx]) for name, idx in (("train", train), ("val", val), ("test", test))}
    assert not parts["train"] & parts["val"] and not parts["train"] & parts["test"] and not parts["val"] & parts["test"]
    assert parts["test"] == set(mitbih.DS2) and parts["val"] == set(mitbih.DS1_VAL)
    assert parts["train"] == set(mitbih.DS1) - set(mitbih.DS1_VAL)
    assert not set(records[np.concatenate([train, val, test])]) & set(mitbih.PACED_RECORDS)
    with pytest.raises(ValueError, match="both train and test"):
        splits.by_groups(records, train=mitbih.DS1, test=("101",))
    with pytest.raises(ValueError, match="not among the training"):
        splits.by_groups(records, train=mitbih.DS1, test=mitbih.DS2, val=("100",))


def test_intra_patient_split_is_stratified_and_disjoint() -> None:
    y = np.array([0] * 700 + [1] * 200 + [2] * 100)
    train, val, test = splits.train_val_test(y, val_size=0.15, test_size=0.15, seed=0)
    assert len(set(train) | set(val) | set(test)) == len(y) == len(train) + len(val) + len(test)
    assert len(test) == 150 and len(val) == 150
    assert np.bincount(y[test]).tolist() == [105, 30, 15]


def test_model_inputs_and_class_helpers() -> None:
    rng = np.random.default_rng(0)
    waves, rr = rng.normal(size=(6, 40)), rng.uniform(0.5, 1.5, size=(6, 8))
    X = ecg_models.model_inputs(waves, rr)
    assert X.shape == (6, 48) and X.dtype == np.float32
    np.testing.assert_allclose(X[:, 40:], rr, rtol=1e-6)
    with pytest.raises(ValueError, match="rr must be"):
        ecg_models.model_inputs(waves, rr[:3])
    Xr = ecg_models.model_inputs(waves, rr, features=signal.RELATIVE_RR)
    assert Xr.shape == (6, 40 + len(signal.RELATIVE_RR))
    np.testing.assert_allclose(Xr[:, 40], rr[:, signal.RR_FEATURES.index("pre_rr_rel")], rtol=1e-6)
    with pytest.raises(ValueError, match="Unknown RR"):
        ecg_models.model_inputs(waves, rr, features=["qt_interval"])
    y = np.array([0] * 90 + [1] * 10)
    idx = splits.subsample_class(y, 0, 30, seed=1)
    assert np.bincount(y[idx]).tolist() == [30, 10]
    w = splits.class_weights(np.array([0] * 90 + [1] * 10), 3)
    assert w[2] == 0 and w[1] == pytest.approx(9 * w[0])


def test_ds1_cv_folds_partition_the_training_records_only() -> None:
    folds = [set(f) for f in mitbih.DS1_CV_FOLDS]
    assert sum(len(f) for f in folds) == len(set().union(*folds))  # disjoint
    assert set().union(*folds) == set(mitbih.DS1) - set(mitbih.DS1_VAL)  # never DS2, never the validation records
    assert all({"209", "201", "207", "223"} & f for f in folds)  # one S-rich record per fold
    assert set(ecg_models.ECG_INTER.rr_features) <= set(signal.RR_FEATURES)


def test_minus_record_median_per_record() -> None:
    base = np.sin(np.linspace(0, 3, 30))
    waves = np.vstack([base, base, base + 1.0, 2 * base, 2 * base, 2 * base])
    record = np.array(["a", "a", "a", "b", "b", "b"])
    out = signal.minus_record_median(waves, record)
    assert out.shape == waves.shape and out.dtype == np.float32
    np.testing.assert_allclose(out[:2], 0, atol=1e-6)  # typical beats of record a vanish
    np.testing.assert_allclose(out[2], 1.0, atol=1e-6)  # the deviating beat keeps its difference
    np.testing.assert_allclose(out[3:], 0, atol=1e-6)  # record b uses its own median, not a's
    with pytest.raises(ValueError, match="one record name per beat"):
        signal.minus_record_median(waves, record[:3])
