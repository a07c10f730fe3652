"""Cross-validation shared by every model: out-of-fold probabilities, repeat means, paired comparison."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score

from dyplab import crossval, splits
from dyplab.data import LabeledData


@pytest.fixture
def toy():
    rng = np.random.default_rng(0)
    y = np.arange(80) % 2
    X = np.column_stack([y + rng.normal(0, 0.8, 80), rng.normal(size=80)])
    folds = splits.repeated_folds(y, n_splits=4, n_repeats=2, seed=0)
    return X, y, folds


def test_oof_sklearn_scores_every_example_once_per_repeat(toy):
    X, y, folds = toy
    P = crossval.oof_sklearn(LogisticRegression(), X, y, folds)
    assert P.shape == (80, 2) and np.isfinite(P).all()
    table = crossval.per_repeat(y, P)
    for r in range(2):
        assert table.loc[r, "roc_auc"] == pytest.approx(roc_auc_score(y, P[:, r]))
        assert table.loc[r, "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, P[:, r] >= 0.5))
    s = crossval.summarize(y, P, n_boot=200)
    assert s.loc["roc_auc", "ci_low"] <= s.loc["roc_auc", "value"] <= s.loc["roc_auc", "ci_high"]
    assert s.loc["roc_auc", "value"] == pytest.approx(table["roc_auc"].mean())


def test_compare_and_verdict(toy):
    X, y, folds = toy
    good = crossval.oof_sklearn(LogisticRegression(), X, y, folds)
    noise = crossval.oof_sklearn(LogisticRegression(), X[:, 1:], y, folds)
    d = crossval.compare(y, good, noise, n_boot=300)
    assert d[1] > 0 and "slår B på" in crossval.verdict("A", "B", d)
    assert "dårligere" in crossval.verdict("B", "A", crossval.compare(y, noise, good, n_boot=300))
    assert "IKKE" in crossval.verdict("A", "B", (0.01, -0.05, 0.07))
    with pytest.raises(ValueError, match="different fold layouts"):
        crossval.compare(y, good, good[:, :1])


def test_incomplete_folds_and_missing_values_are_refused(toy):
    X, y, folds = toy
    with pytest.raises(ValueError, match="complete partitions"):
        crossval.oof_sklearn(LogisticRegression(), X, y, folds[:3])
    P = np.full((80, 1), 0.5)
    P[3] = np.nan
    with pytest.raises(ValueError, match="missing probabilities"):
        crossval.summarize(y, P)


def test_oof_torch_on_tiny_images():
    import torch

    from dyplab.models.mri import ViewCNN

    rng = np.random.default_rng(0)
    y = np.arange(24) % 2
    X = rng.random((24, 8, 8)).astype(np.float32) * 0.2
    X[y == 1, 2:6, 2:6] += 1.0
    data = LabeledData(X=X, y=y, class_names=["a", "b"], groups=np.arange(24) // 2 * 2 + y, group_kind="subject")
    folds = splits.repeated_folds(y, n_splits=2, n_repeats=1, seed=0, groups=data.groups)
    torch.manual_seed(0)
    P, log = crossval.oof_torch(lambda: ViewCNN(width=2), data, folds, max_epochs=1, patience=None, batch_size=8,
                                 val_size=0.5)
    assert P.shape == (24, 1) and np.isfinite(P).all() and ((P >= 0) & (P <= 1)).all()
    assert log["n_test"].sum() == 24 and list(log.columns[:2]) == ["fold", "repeat"]


def test_threshold_for_sensitivity_pools_the_repeats():
    y = np.array([0, 0, 1, 1, 1])
    P = np.array([[0.1, 0.2], [0.6, 0.3], [0.4, 0.5], [0.7, 0.8], [0.9, 0.35]])
    # pooled positives score 0.4, 0.7, 0.9, 0.5, 0.8, 0.35: sensitivity 5/6 first reached at 0.4
    t = crossval.threshold_for_sensitivity(y, P, target=0.8)
    assert t == pytest.approx(0.4)
    pooled = np.concatenate([P[y == 1, 0], P[y == 1, 1]])
    assert (pooled >= t).mean() >= 0.8
    assert crossval.threshold_for_sensitivity(y, P, target=1.0) == pytest.approx(0.35)
    with pytest.raises(ValueError, match="missing probabilities"):
        crossval.threshold_for_sensitivity(y, np.where(P > 0.85, np.nan, P))
