"""Expected calibration error and the reliability table on a case computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.calibration import expected_calibration_error, reliability_diagram, reliability_table

# confidences 0.95 (right), 0.85 (wrong), 0.75 (right), 0.65 (right), one per bin of width 0.1:
# ECE = (|1 - 0.95| + |0 - 0.85| + |1 - 0.75| + |1 - 0.65|) / 4 = (0.05 + 0.85 + 0.25 + 0.35) / 4 = 0.375
PROBA = np.array([[0.95, 0.05], [0.85, 0.15], [0.25, 0.75], [0.35, 0.65]])
Y = np.array([0, 1, 1, 1])


def test_ece_hand_computed():
    assert expected_calibration_error(Y, PROBA, n_bins=10) == pytest.approx(0.375, abs=1e-6)


def test_ece_one_bin_averages_first():
    # with 2 bins all four fall in [0.5, 1): accuracy 3/4 = 0.75, mean confidence 0.8, so ECE = 0.05
    assert expected_calibration_error(Y, PROBA, n_bins=2) == pytest.approx(0.05, abs=1e-6)


def test_reliability_table_matches_ece():
    table = reliability_table(Y, PROBA, n_bins=10)
    assert table["antall"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert table["nøyaktighet"].iloc[6:].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert table["konfidens"].iloc[:6].isna().all()  # empty bins are NaN, not 0
    filled = table[table["antall"] > 0]
    ece = (filled["antall"] / 4 * (filled["nøyaktighet"] - filled["konfidens"]).abs()).sum()
    assert ece == pytest.approx(expected_calibration_error(Y, PROBA, n_bins=10), abs=1e-6)


def test_random_probabilities_agree_with_torchmetrics_binning():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(500, 7))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = rng.integers(0, 7, 500)
    t = reliability_table(y, p, n_bins=15)
    manual = (t["antall"] / 500 * (t["nøyaktighet"] - t["konfidens"]).abs()).sum()
    assert manual == pytest.approx(expected_calibration_error(y, p, n_bins=15), abs=1e-5)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="sum to 1"):
        expected_calibration_error(Y, PROBA * 2)
    with pytest.raises(ValueError, match="shapes"):
        reliability_table(Y[:3], PROBA)


def test_reliability_diagram_has_labels():
    import matplotlib

    matplotlib.use("Agg")
    fig = reliability_diagram(Y, PROBA, title="Test")
    ax = fig.axes[0]
    assert ax.get_title() == "Test" and ax.get_xlabel() and ax.get_ylabel()
    assert any("ECE = 0.375" in t.get_text() for t in ax.get_legend().get_texts())
