"""The one evaluation engine: out-of-fold predictions in one layout, summaries, paired comparison, verdict."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, log_loss, roc_auc_score

from dyplab import crossval, metrics, splits
from dyplab.data import LabeledData


def _classes(n: int, n_classes: int, seed: int, n_splits: int, noise: float):
    """Rows whose first feature carries the class (plus noise), a noise feature, and 2 repeats of stratified folds."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    X = np.column_stack([y + rng.normal(0, noise, n), rng.normal(size=n)])
    return X, y, splits.repeated_folds(y, n_splits=n_splits, n_repeats=2, seed=0)


@pytest.fixture
def toy():
    return _classes(80, 2, seed=0, n_splits=4, noise=0.8)


@pytest.fixture
def three_classes():
    return _classes(90, 3, seed=1, n_splits=3, noise=0.9)


def _by_hand(estimator, X, y, folds, n_splits, column=1):
    """The loop each notebook used to write: fit a clone per fold, predictions as [n_repeats, N]."""
    out = np.full((len(folds) // n_splits, len(y)) + (() if column is not None else (len(np.unique(y)),)), np.nan)
    for k, (tr, te) in enumerate(folds):
        proba = clone(estimator).fit(X[tr], y[tr]).predict_proba(X[te])
        out[k // n_splits, te] = proba if column is None else proba[:, column]
    return out


def test_oof_sklearn_scores_every_example_once_per_repeat(toy):
    X, y, folds = toy
    P = crossval.oof_sklearn(LogisticRegression(), X, y, folds)
    assert P.shape == (80, 2) and np.isfinite(P).all()
    table = crossval.per_repeat(y, P)
    for r in range(2):
        assert table.loc[r, "roc_auc"] == pytest.approx(roc_auc_score(y, P[:, r]))
        assert table.loc[r, "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, P[:, r] >= 0.5))
    assert crossval.score(y, P, "roc_auc") == pytest.approx(table["roc_auc"].mean(), abs=1e-15)
    s = crossval.summarize(y, P, n_boot=200)
    assert s.loc["roc_auc", "ci_low"] <= s.loc["roc_auc", "value"] <= s.loc["roc_auc", "ci_high"]
    assert s.loc["roc_auc", "value"] == pytest.approx(table["roc_auc"].mean())


def test_engine_equals_the_hand_written_loops_it_replaces(toy):
    """The numbers of the old engines (pfn.compare's [repeats, N] loop, B3's per-fold table) to 1e-12."""
    X, y, folds = toy
    rf = RandomForestClassifier(n_estimators=20, random_state=0)
    old = _by_hand(rf, X, y, folds, n_splits=4)
    P, log = crossval.oof_sklearn(rf, X, y, folds, return_log=True)
    np.testing.assert_allclose(P, old.T, rtol=0, atol=1e-12)
    assert list(log["repeat"]) == [0] * 4 + [1] * 4 and (log["seconds"] >= 0).all()
    # per-fold metrics as B3 printed them: ROC AUC and accuracy at 0.5 on each fold's test rows
    table = crossval.per_fold(y, P, folds, metrics=["roc_auc", "accuracy"])
    want_auc = [roc_auc_score(y[te], old[k // 4, te]) for k, (_, te) in enumerate(folds)]
    want_acc = [np.mean((old[k // 4, te] >= 0.5) == y[te]) for k, (_, te) in enumerate(folds)]
    np.testing.assert_allclose(table["roc_auc"], want_auc, rtol=0, atol=1e-12)
    np.testing.assert_allclose(table["accuracy"], want_acc, rtol=0, atol=1e-12)
    assert list(table["fold"]) == [0, 1, 2, 3] * 2 and list(table["n_test"]) == [len(te) for _, te in folds]
    # pooled AUC of the first repeat with its bootstrap interval (pfn.compare.summarize)
    first = crossval.summarize(y, P[:, :1], metrics=["roc_auc"], n_boot=50)
    want = metrics.bootstrap_ci(metrics.roc_auc, y, old[0], n_boot=50, seed=42)
    np.testing.assert_allclose(first.loc["roc_auc"].to_numpy(float), want, rtol=0, atol=1e-12)


def test_a_fold_function_gives_the_same_layout_as_an_estimator(toy):
    X, y, folds = toy

    def fit_predict(k, tr, te):
        return LogisticRegression().fit(X[tr], y[tr]).predict_proba(X[te])[:, 1], {"k": k}

    P, log = crossval.oof(fit_predict, y, folds, return_log=True)
    np.testing.assert_array_equal(P, crossval.oof_sklearn(LogisticRegression(), X, y, folds))
    assert list(log["k"]) == list(range(8)) and list(log.columns[:2]) == ["fold", "repeat"]
    with pytest.raises(ValueError, match="fold 0: fit_predict must return"):
        crossval.oof(lambda k, tr, te: np.zeros(len(te) + 1), y, folds)


def test_several_classes_layout_metrics_and_paired_difference(three_classes):
    X, y, folds = three_classes
    lr, rf = LogisticRegression(max_iter=1000), RandomForestClassifier(n_estimators=20, random_state=0)
    P = crossval.oof_sklearn(lr, X, y, folds)
    assert P.shape == (90, 2, 3) and np.allclose(P.sum(axis=2), 1)
    np.testing.assert_allclose(P, _by_hand(lr, X, y, folds, 3, column=None).transpose(1, 0, 2), rtol=0, atol=1e-12)
    table = crossval.per_repeat(y, P)
    assert list(table.columns) == ["log_loss", "roc_auc", "balanced_accuracy"]
    assert table.loc[1, "log_loss"] == pytest.approx(log_loss(y, P[:, 1]))
    assert table.loc[1, "roc_auc"] == pytest.approx(roc_auc_score(y, P[:, 1], multi_class="ovr"))
    assert table.loc[1, "balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, P[:, 1].argmax(1)))
    folds_table = crossval.per_fold(y, P, folds)
    assert len(folds_table) == 6 and folds_table.loc[0, "log_loss"] == pytest.approx(
        log_loss(y[folds[0][1]], P[folds[0][1], 0], labels=[0, 1, 2]))
    Q = crossval.oof_sklearn(rf, X, y, folds)
    d, lo, hi = crossval.compare(y, P, Q, "log_loss", n_boot=100)
    assert d == pytest.approx(crossval.score(y, P, "log_loss") - crossval.score(y, Q, "log_loss"))
    assert lo <= d <= hi
    with pytest.raises(ValueError, match="unknown metric"):
        crossval.summarize(y, P, metrics=["accuracy"])
    with pytest.raises(ValueError, match="two classes"):
        crossval.threshold_for_sensitivity(y, P)


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


def test_compare_on_a_known_case():
    """A perfect ranking against a reversed one: AUC 1 - 0 on every resample, so the interval is the point."""
    y = np.array([0, 1] * 10)
    perfect = np.where(y == 1, 0.9, 0.1)[:, None]
    d, lo, hi = crossval.compare(y, perfect, 1 - perfect, "roc_auc", n_boot=50)
    assert (d, lo, hi) == (1.0, 1.0, 1.0)
    s = crossval.summarize(y, perfect, n_boot=50)
    assert s.loc["balanced_accuracy", "value"] == 1.0 and s.loc["roc_auc", "ci_low"] == 1.0


def test_wrong_layout_incomplete_folds_and_missing_values_are_refused(toy):
    X, y, folds = toy
    with pytest.raises(ValueError, match="complete partitions"):
        crossval.oof_sklearn(LogisticRegression(), X, y, folds[:3])
    P = crossval.oof_sklearn(LogisticRegression(), X, y, folds)
    with pytest.raises(ValueError, match=r"\[N, n_repeats\].*needs \.T"):
        crossval.per_repeat(y, P.T)  # the old [n_repeats, N] layout
    with pytest.raises(ValueError, match="folds have 2 repeats but P has 1"):
        crossval.per_fold(y, P[:, :1], folds)
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
    assert {"n_val", "best_epoch", "seconds"} <= set(log.columns)
    assert (log["n_train"] + log["n_val"] + log["n_test"] == 24).all()
    # the same layout as an estimator's: the summaries read it unchanged
    assert set(crossval.per_fold(y, P, folds).columns) == {"repeat", "fold", "n_test", "balanced_accuracy", "roc_auc"}


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
