"""Tests for dyplab.metrics against hand-counted confusion tables and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from dyplab import metrics as M

# 10 patients, hand-counted at threshold 0.5:
# y     1    1    1    1    0    0    0    0    0    0
# score .9   .8   .4   .6   .3   .7   .1   .2   .55  .05
# pred  1    1    0    1    0    1    0    0    1    0   -> TP=3 FN=1 FP=2 TN=4
Y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
S = np.array([0.9, 0.8, 0.4, 0.6, 0.3, 0.7, 0.1, 0.2, 0.55, 0.05])


def _noisy(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    s = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    return y, s


def test_binary_metrics_hand_counts() -> None:
    m = M.binary_metrics(Y, S)
    assert (m["tp"], m["fn"], m["fp"], m["tn"]) == (3, 1, 2, 4)
    assert m["sensitivity"] == pytest.approx(3 / 4)
    assert m["specificity"] == pytest.approx(4 / 6)
    assert m["ppv"] == pytest.approx(3 / 5)
    assert m["npv"] == pytest.approx(4 / 5)
    assert m["accuracy"] == pytest.approx(7 / 10)
    assert m["balanced_accuracy"] == pytest.approx((3 / 4 + 4 / 6) / 2)
    assert m["f1"] == pytest.approx(2 * 3 / (2 * 3 + 2 + 1))
    # AUC by hand, pairs (pos, neg) with pos > neg: 0.9 and 0.8 beat all 6 negatives (12),
    # 0.6 beats all but 0.7 (5), 0.4 beats 0.3, 0.2, 0.1, 0.05 (4): 21 of 24 pairs
    assert m["roc_auc"] == pytest.approx(21 / 24)
    assert set(m) == {"accuracy", "balanced_accuracy", "sensitivity", "specificity", "ppv", "npv", "f1", "roc_auc",
                      "tp", "fp", "tn", "fn"}


def test_binary_metrics_match_sklearn_and_threshold_is_inclusive() -> None:
    y, s = _noisy()
    m = M.binary_metrics(y, np.column_stack([1 - s, s]), threshold=0.4)
    pred = (s >= 0.4).astype(int)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["sensitivity"] == pytest.approx(skm.recall_score(y, pred))
    assert m["specificity"] == pytest.approx(skm.recall_score(y, pred, pos_label=0))
    assert m["ppv"] == pytest.approx(skm.precision_score(y, pred))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, s))
    assert M.binary_metrics([1, 0], [0.5, 0.2])["tp"] == 1  # score == threshold counts as positive


def test_undefined_ratios_are_nan() -> None:
    m = M.binary_metrics([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(m["sensitivity"]) and np.isnan(m["roc_auc"]) and m["specificity"] == 1.0


def test_bad_input_errors() -> None:
    with pytest.raises(ValueError, match="only 0 .* and 1"):
        M.binary_metrics([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="different lengths"):
        M.binary_metrics([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN"):
        M.binary_metrics([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match=r"\[N\] or \[N, 2\]"):
        M.binary_metrics([0, 1], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="integer class ids"):
        M.accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="outside 0..2"):
        M.roc_auc([0, 1, 3], np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="sum to 1"):
        M.roc_auc([0, 1, 2], np.ones((3, 3)))
    with pytest.raises(ValueError, match="class_names"):
        M.classification_table([0, 1, 2], [0, 1, 2], class_names=["a", "b"])


def test_bootstrap_ci_contains_point_and_is_seeded() -> None:
    y, s = _noisy()
    v, lo, hi = M.bootstrap_ci(M.roc_auc, y, s, n_boot=200, seed=3)
    assert v == pytest.approx(skm.roc_auc_score(y, s))
    assert lo < v < hi and 0 < hi - lo < 0.2
    assert M.bootstrap_ci(M.roc_auc, y, s, n_boot=200, seed=3) == (v, lo, hi)
    assert M.bootstrap_ci(M.roc_auc, y, s, n_boot=200, seed=4)[1] != lo
    # a wider interval at a lower confidence level would be wrong
    _, lo90, hi90 = M.bootstrap_ci(M.roc_auc, y, s, n_boot=200, seed=3, alpha=0.10)
    assert lo <= lo90 and hi90 <= hi


def test_bootstrap_skips_single_class_resamples() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0])  # one positive: about a third of the resamples have none
    s = np.linspace(0.9, 0.1, 8)
    v, lo, hi = M.bootstrap_ci(M.roc_auc, y, s, n_boot=200, seed=0)
    assert v == 1.0 and lo == pytest.approx(1.0) and hi == pytest.approx(1.0)  # every resample with both classes ranks the positive first

    def strict_auc(t: np.ndarray, p: np.ndarray) -> float:
        return float(skm.roc_auc_score(t, p))  # raises ValueError on a single class

    assert M.bootstrap_ci(strict_auc, y, s, n_boot=200, seed=0) == pytest.approx((1.0, 1.0, 1.0))
    with pytest.warns(UserWarning, match="unreliable"):
        M.bootstrap_ci(strict_auc, np.array([1, 0]), np.array([0.8, 0.2]), n_boot=200, seed=0)
    rep = M.binary_report(y, s, n_boot=50, seed=0)
    assert np.isfinite(rep.loc["roc_auc", ["ci_low", "ci_high"]]).all()


def test_binary_report_and_patient_groups() -> None:
    y, s = _noisy(200)
    rep = M.binary_report(y, s, n_boot=200, seed=1)
    assert list(rep.columns) == ["value", "ci_low", "ci_high"]
    assert list(rep.index) == list(M.BINARY_METRICS)
    point = M.binary_metrics(y, s)
    for k in rep.index:
        assert rep.loc[k, "value"] == pytest.approx(point[k])
        assert rep.loc[k, "ci_low"] <= rep.loc[k, "value"] <= rep.loc[k, "ci_high"]
    pd_equal = M.binary_report(y, s, n_boot=200, seed=1)
    assert pd_equal.equals(rep)
    # two samples per patient: resampling patients keeps their rows together
    groups = np.repeat(np.arange(100), 2)
    rep_g = M.binary_report(y, s, n_boot=200, seed=1, groups=groups)
    assert rep_g["value"].equals(rep["value"]) and not rep_g["ci_low"].equals(rep["ci_low"])
    with pytest.raises(ValueError, match="groups"):
        M.binary_report(y, s, groups=groups[:10])


def test_threshold_for_sensitivity_reaches_target() -> None:
    y, s = _noisy(400, seed=2)
    for target in (0.8, 0.9, 0.95, 1.0):
        t = M.threshold_for_sensitivity(y, s, target)
        assert M.binary_metrics(y, s, t)["sensitivity"] >= target
        # highest such threshold: the next higher score value falls short of the target
        higher = s[s > t]
        if len(higher):
            assert M.binary_metrics(y, s, higher.min())["sensitivity"] < target
    assert M.threshold_for_sensitivity(Y, S, 0.75) == pytest.approx(0.6)
    with pytest.raises(ValueError, match="target"):
        M.threshold_for_sensitivity(Y, S, 1.5)


def test_classification_table_and_one_vs_rest() -> None:
    rng = np.random.default_rng(5)
    yt = rng.integers(0, 3, 150)
    yp = np.where(rng.random(150) < 0.6, yt, rng.integers(0, 3, 150))
    tab = M.classification_table(yt, yp, class_names=["normal", "arytmi", "annet"], lang="en")
    assert list(tab.index) == ["normal", "arytmi", "annet", "macro avg", "weighted avg"]
    no = M.classification_table(yt, yp, class_names=["normal", "arytmi", "annet"])
    assert list(no.columns) == ["presisjon (PPV)", "sensitivitet (recall)", "spesifisitet", "F1", "antall"]
    assert list(no.index) == ["normal", "arytmi", "annet", "makrosnitt", "vektet snitt"]
    assert no.index.name == "klasse"
    np.testing.assert_allclose(no.to_numpy(dtype=float), tab.to_numpy(dtype=float))
    with pytest.raises(ValueError, match="lang"):
        M.classification_table(yt, yp, lang="de")
    rep = skm.classification_report(yt, yp, output_dict=True)
    for i, name in enumerate(["normal", "arytmi", "annet"]):
        assert tab.loc[name, "precision"] == pytest.approx(rep[str(i)]["precision"])
        assert tab.loc[name, "recall"] == pytest.approx(rep[str(i)]["recall"])
        assert tab.loc[name, "f1"] == pytest.approx(rep[str(i)]["f1-score"])
        assert tab.loc[name, "support"] == rep[str(i)]["support"]
        ovr = M.one_vs_rest(yt, yp, i)
        assert tab.loc[name, "specificity"] == pytest.approx(ovr["specificity"])
        assert ovr["sensitivity"] == pytest.approx(rep[str(i)]["recall"])
        assert ovr["tp"] + ovr["fp"] + ovr["tn"] + ovr["fn"] == 150
    assert tab.loc["macro avg", "f1"] == pytest.approx(rep["macro avg"]["f1-score"])
    assert tab.loc["weighted avg", "recall"] == pytest.approx(rep["weighted avg"]["recall"])
    cm = M.confusion(yt, yp)
    assert cm.trace() / cm.sum() == pytest.approx(M.accuracy(yt, yp))
    assert M.balanced_accuracy(yt, yp) == pytest.approx(skm.balanced_accuracy_score(yt, yp))


def test_multiclass_roc_auc_matches_sklearn() -> None:
    rng = np.random.default_rng(6)
    y = rng.integers(0, 4, 200)
    logits = rng.normal(size=(200, 4)) + 1.5 * np.eye(4)[y]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert M.roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr"))
    assert M.roc_auc(y, p, multi_class="ovo") == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovo"))
    assert M.roc_auc(Y, S) == pytest.approx(21 / 24)


def test_bootstrap_resamples_string_patient_ids() -> None:
    import numpy as np

    from dyplab import metrics

    y = np.array([0, 1] * 20)
    score = np.linspace(0, 1, 40)
    groups = np.array([f"pasient-{i // 2}" for i in range(40)], dtype=object)
    value, low, high = metrics.bootstrap_ci(metrics.accuracy, y, (score > 0.5).astype(int), n_boot=50, groups=groups)
    assert low <= value <= high


def _tied_binary(seed: int, n: int = 41) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.integers(0, 6, n) / 5.0  # six distinct scores: many ties


def _tied_multiclass(seed: int, n: int = 60, c: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    logits = rng.integers(0, 4, (n, c)).astype(float)  # ties inside every column
    return rng.integers(0, c, n), np.exp(logits) / np.exp(logits).sum(1, keepdims=True)


@pytest.mark.parametrize("seed", range(10))
def test_roc_auc_is_sklearn_with_ties_and_absent_classes(seed: int) -> None:
    y, s = _tied_binary(seed)
    assert M.roc_auc(y, s) == skm.roc_auc_score(y, s)
    assert M.roc_auc(y, np.column_stack([1 - s, s])) == skm.roc_auc_score(y, s)
    y, p = _tied_multiclass(seed)
    assert M.roc_auc(y, p) == skm.roc_auc_score(y, p, multi_class="ovr")  # tied scores are not rescaled
    y[y == 2] = 0  # class 2 absent (a small split or a bootstrap resample): the mean over the classes present
    want = np.mean([skm.roc_auc_score(y == c, p[:, c]) for c in (0, 1, 3)])
    assert M.roc_auc(y, p) == pytest.approx(want, abs=1e-15)
    with pytest.warns(UserWarning, match="only one class"):
        assert np.isnan(M.roc_auc(np.zeros(5, dtype=int), np.linspace(0, 1, 5)))


def test_every_auc_in_dyplab_comes_from_metrics_roc_auc() -> None:
    from pathlib import Path

    import dyplab

    src = Path(dyplab.__file__).parent
    users = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                   if "roc_auc_score" in p.read_text(encoding="utf-8") and "checks" not in p.parts)
    assert users == ["metrics.py"], f"ROC AUC computed outside dyplab.metrics.roc_auc: {users}"


def test_callers_give_sklearns_auc() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from dyplab import crossval, evaluation, plots
    from dyplab.data.labeled import LabeledData
    from dyplab.pfn import selection
    from dyplab.workflows import medimaging
    from dyplab.workflows import pfn_comparison as compare

    y, s = _tied_binary(3, 80)
    P = np.column_stack([s, _tied_binary(4, 80)[1]])
    table = crossval.per_repeat(y, P)
    assert list(table["roc_auc"]) == [skm.roc_auc_score(y, P[:, r]) for r in range(2)]
    ym, pm = _tied_multiclass(5, 120, 3)
    assert medimaging.auc_acc(ym, pm)["auc"] == skm.roc_auc_score(ym, pm, multi_class="ovr")
    summary = evaluation.summarize_classifier(ym, pm, class_names=["a", "b", "c"], n_boot=20)
    assert summary.values["roc_auc"][0] == skm.roc_auc_score(ym, pm, multi_class="ovr")
    fig = plots.roc_curves(y, s)
    assert f"AUC = {skm.roc_auc_score(y, s):.3f}" in fig.axes[0].get_legend().get_texts()[0].get_text()

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    yb = (X["a"] + rng.normal(size=80) > 0).astype(int).to_numpy()
    folds = [(np.arange(80)[np.arange(80) % 4 != k], np.arange(80)[np.arange(80) % 4 == k]) for k in range(4)]
    rows, _ = compare.cross_validate({"lr": LogisticRegression()}, X, yb, folds)
    want = [skm.roc_auc_score(yb[te], LogisticRegression().fit(X.to_numpy()[tr], yb[tr]).predict_proba(
        X.to_numpy()[te])[:, 1]) for tr, te in folds]
    assert list(rows["auc"]) == pytest.approx(want, abs=1e-12)
    assert selection.score_table(LogisticRegression(), LabeledData(X, yb, ["0", "1"]), folds) == pytest.approx(
        np.mean(want), abs=1e-12)
    y3 = np.digitize(X["a"] + rng.normal(size=80), [-0.5, 0.5])  # three classes: macro one-vs-rest per fold
    want3 = [skm.roc_auc_score(y3[te], LogisticRegression().fit(X.to_numpy()[tr], y3[tr]).predict_proba(
        X.to_numpy()[te]), multi_class="ovr") for tr, te in folds]
    assert selection.score_table(LogisticRegression(), LabeledData(X, y3, ["0", "1", "2"]), folds) == pytest.approx(
        np.mean(want3), abs=1e-12)
