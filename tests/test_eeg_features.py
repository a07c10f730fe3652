import numpy as np
import pytest

from dyplab.eeg_features import BANDS, eeg_features


def test_band_power_finds_the_dominant_rhythm():
    fs = 173.61
    t = np.arange(2048) / fs
    rng = np.random.default_rng(0)
    alpha = np.sin(2 * np.pi * 10 * t) + 0.05 * rng.normal(size=t.size)
    delta = np.sin(2 * np.pi * 2 * t) + 0.05 * rng.normal(size=t.size)
    table = eeg_features(np.stack([alpha, delta]), fs)
    assert table.shape == (2, 16 + len(BANDS) + 2)
    assert table.loc[0, "power_alpha_rel"] > 0.8 and table.loc[1, "power_delta_rel"] > 0.8
    assert abs(table.loc[0, "peak_frequency"] - 10) < 1.5
    rel = table[[f"power_{b}_rel" for b in BANDS]].sum(1)
    assert (rel <= 1.0 + 1e-9).all()


def test_bad_input():
    with pytest.raises(ValueError, match="segments, samples"):
        eeg_features(np.zeros(100), 100.0)
