"""MIT-BIH loaders: wfdb reading from the course mirror, metadata, beats and the derived-beat cache."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.data import DataError, mitbih


@pytest.fixture
def mitdb(mirror, isolated_cache):  # noqa: ANN001, ANN201 - fixtures from conftest
    """Mirror available, isolated (empty) user cache."""
    return mirror / "mitdb"


def test_records_lists_all_48(mitdb) -> None:
    recs = mitbih.records()
    assert len(recs) == 48 and len(set(recs)) == 48
    assert recs[0] == "100" and recs[-1] == "234"


def test_record_100_signal_shape_and_rate(mitdb) -> None:
    rec = mitbih.load_record("100")
    signal, fs, samples, symbols = rec  # unpacks like a tuple
    assert signal.shape == (650_000, 2) and signal.dtype == np.float64
    assert fs == 360.0
    assert len(samples) == len(symbols) == 2274  # all annotations (SOURCE.md)
    assert np.all(np.diff(samples) > 0)


def test_record_info_leads_and_paced(mitdb) -> None:
    info = mitbih.record_info(100)
    assert info.signal_names == ("MLII", "V5") and info.fs == 360.0 and info.n_samples == 650_000
    assert not info.paced and info.duration_s == pytest.approx(1805.56, abs=0.01)
    assert [r for r in mitbih.records() if mitbih.record_info(r).paced] == ["102", "104", "107", "217"]
    assert mitbih.lead_index(mitbih.record_info("114")) == 1  # 114 stores V5 first, MLII second


def test_beat_features_are_the_record_features_of_the_annotated_beats(mitdb) -> None:
    from dyplab.models import ecg_lda

    rec = mitbih.load_record("208")
    beat = np.isin(rec.symbols, sorted(mitbih.BEAT_SYMBOLS))
    assert int(beat.sum()) == 2955  # SOURCE.md: beat annotations of record 208
    peaks = rec.samples[beat]
    pick = peaks[[5, 100, 2000]]
    feats = mitbih.beat_features(np.array(["208"] * 3), pick)
    expected = ecg_lda.record_features(rec.signal[:, :2], rec.fs, peaks)[[5, 100, 2000]]
    np.testing.assert_array_equal(feats, expected)
    assert feats.shape == (3, len(ecg_lda.feature_names(2)))
    with pytest.raises(ValueError, match="Record 208: some requested samples are not annotated beats"):
        mitbih.beat_features(np.array(["208"]), pick[:1] + 1)


def test_unknown_record_is_a_clear_error(mitdb) -> None:
    with pytest.raises(DataError, match="no record '999'"):
        mitbih.load_record("999")


def test_record_beats_shapes_and_cache(mitdb, isolated_cache) -> None:
    beats = mitbih.record_beats("100")
    assert beats.fs == 180.0
    assert beats.waves.shape == (len(beats.symbols), 45 + 81) and beats.waves.dtype == np.float32
    assert beats.rr.shape == (len(beats.symbols), 8)
    assert len(beats.symbols) >= 2270  # 2273 beats, at most a few dropped at the edges
    cached = list((isolated_cache / "derived" / "mitdb").glob("beats-100-*.npz"))
    assert len(cached) == 1, "derived beats must be cached in the user cache"
    again = mitbih.record_beats("100")
    np.testing.assert_array_equal(again.waves, beats.waves)
    other = mitbih.record_beats("100", before_s=0.3, after_s=0.3)  # new parameters → new cache entry
    assert other.waves.shape[1] == 108
    assert len(list((isolated_cache / "derived" / "mitdb").glob("beats-100-*.npz"))) == 2
    assert not list(mitdb.glob("*.npz")), "nothing may be written into the mirror"


def test_load_beats_stacks_records(mitdb) -> None:
    beats = mitbih.load_beats(["100", "101"], cache=False)
    assert set(beats.record) == {"100", "101"}
    assert len(beats.waves) == len(beats.rr) == len(beats.symbols) == len(beats.record) == len(beats.sample)
    rec = mitbih.load_record("100")
    samples = rec.samples[np.isin(rec.symbols, sorted(mitbih.BEAT_SYMBOLS))]
    first = beats.record == "100"
    assert np.isin(beats.sample[first], samples).all()  # R peaks are the annotated ones
    sub = beats.subset(beats.record == "101")
    assert set(sub.record) == {"101"} and len(sub) == int((beats.record == "101").sum())
