"""Part F's comparison workflow: the model set, one table's run, the verdicts and several classes, on dyplab.crossval."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from dyplab import crossval, metrics, splits
from dyplab.workflows import pfn_comparison as compare


@pytest.mark.mirror
def test_grouped_folds_never_split_a_parkinsons_subject(mirror):
    from dyplab.data import uci_tables

    park = uci_tables.parkinsons()
    groups = park.groups
    folds = splits.repeated_folds(park.y, n_splits=5, n_repeats=2, groups=groups)
    assert len(folds) == 10
    for tr, te in folds:
        splits.check_disjoint(tr, te, groups=groups)
        assert not set(groups[tr]) & set(groups[te])


def test_cross_validate_summary_and_verdicts_come_from_the_numbers():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    folds = splits.repeated_folds(y, n_splits=3, n_repeats=2)
    models = {"lr": LogisticRegression(), compare.PFN_NAME: LogisticRegression(C=1e-4)}
    per_fold, oof = compare.cross_validate(models, X, y, folds)
    assert len(per_fold) == 12 and oof["lr"].shape == (120, 2) and not np.isnan(oof["lr"]).any()
    assert list(per_fold["repetisjon"]) == [0, 0, 0, 1, 1, 1] * 2 and list(per_fold["fold"]) == [0, 1, 2] * 4
    first = per_fold[per_fold["modell"] == "lr"]
    np.testing.assert_allclose(first["auc"], [metrics.roc_auc(y[te], oof["lr"][te, k // 3]) for k, (_, te) in enumerate(folds)])
    summary = compare.summarize(per_fold, oof, y, n_boot=50)
    assert (summary["ki_lav"] <= summary["auc_samlet"]).all() and (summary["auc_samlet"] <= summary["ki_høy"]).all()
    summary.insert(0, "tabell", "t")
    table = compare.pfn_vs_best(summary)
    row = table.iloc[0]
    assert row["beste_baseline"] == "lr"
    assert row["differanse"] == pytest.approx(row["pfn_auc"] - row["baseline_auc"])
    text = compare.verdict_sentences(table)
    assert len(text) == 2 and text[-1].startswith("Samlet")
    if row["vurdering"] == "taper":
        assert "TAPER" in text[0]


def test_verdict_sentences_for_a_win_a_tie_and_a_loss():
    table = pd.DataFrame([
        {"tabell": "A", "pfn_auc": 0.90, "beste_baseline": "rf", "baseline_auc": 0.85, "differanse": 0.05, "vurdering": "vinner"},
        {"tabell": "B", "pfn_auc": 1.0, "beste_baseline": "lr", "baseline_auc": 1.0, "differanse": -0.0, "vurdering": "innenfor margin"},
        {"tabell": "C", "pfn_auc": 0.80, "beste_baseline": "hgb", "baseline_auc": 0.90, "differanse": -0.10, "vurdering": "taper"},
    ])
    a, b, c, total = compare.verdict_sentences(table)
    assert "er best" in a and "like gode" in b and "-0.000" not in b and "TAPER" in c and "0.100" in c
    assert "vinner på 1 og taper på 1 av 3" in total and "-0.017" in total


def test_pfn_vs_best_gives_a_paired_interval_per_table():
    from sklearn.dummy import DummyClassifier

    X, y = make_classification(n_samples=150, n_features=5, random_state=1)
    folds = splits.repeated_folds(y, n_splits=3, n_repeats=1)
    models = {"lr": LogisticRegression(), compare.PFN_NAME: DummyClassifier(strategy="prior")}
    keep: dict = {}
    summary = compare.run_table("t", X, y, folds, models, n_boot=50, keep=keep)
    verdict = compare.pfn_vs_best(summary, oofs=keep, n_boot=50)
    row = verdict.iloc[0]
    assert row["ki_lav"] <= row["parvis_diff"] <= row["ki_høy"] < 0  # a constant score loses to a real model
    y_kept, oof, _ = keep["t"]
    assert row["parvis_diff"] == crossval.compare(y_kept, oof[compare.PFN_NAME], oof["lr"], "roc_auc", n_boot=50)[0]
    assert "intervallet ligger under 0" in compare.verdict_sentences(verdict)[0]
    lines = compare.six_table_goal({"a": 0.01, "b": -0.03})
    assert "-0.010" in lines[0] and "IKKE nådd" in lines[0] and "b -0.030" in lines[0]


def test_multiclass_comparison_metrics_and_paired_differences():
    from sklearn.dummy import DummyClassifier

    X, y = make_classification(n_samples=180, n_features=6, n_informative=4, n_classes=3, random_state=0)
    X[::9, 0] = np.nan  # imputed inside the folds
    folds = splits.repeated_folds(y, n_splits=3, n_repeats=1)
    models = {"lr": LogisticRegression(max_iter=1000), compare.PFN_NAME: DummyClassifier(strategy="prior")}
    summary, paired = compare.multiclass_comparison(X, y, folds, models, n_boot=50)
    assert list(summary["modell"]) == ["lr", compare.PFN_NAME]  # best log-loss first
    dummy = summary.iloc[1]
    assert dummy["auc_ovr_makro"] == pytest.approx(0.5) and dummy["log_loss"] == pytest.approx(np.log(3), abs=0.02)
    assert summary.iloc[0]["auc_ovr_makro"] > 0.75
    by = paired.set_index("mål")
    assert by.loc["log_loss", "ki_lav"] > 0 and by.loc["auc_ovr_makro", "ki_høy"] < 0
    assert set(by["beste_baseline"]) == {"lr"}
    assert list(summary.columns) == ["modell", "log_loss", "auc_ovr_makro", "balansert_nøyaktighet", "sekunder"]


def test_multiclass_summary_is_the_fold_mean_of_the_engine():
    from sklearn.ensemble import RandomForestClassifier

    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_classes=3, random_state=2)
    folds = splits.repeated_folds(y, n_splits=3, n_repeats=1)
    models = {"rf": RandomForestClassifier(n_estimators=10, random_state=0), compare.PFN_NAME: LogisticRegression()}
    summary, paired = compare.multiclass_comparison(X, y, folds, models, n_boot=30)
    P = crossval.oof_sklearn(LogisticRegression(), X, y, folds)
    mine = summary.set_index("modell").loc[compare.PFN_NAME]
    by_fold = crossval.per_fold(y, P, folds)
    assert mine["log_loss"] == pytest.approx(by_fold["log_loss"].mean(), abs=1e-12)
    assert mine["auc_ovr_makro"] == pytest.approx(by_fold["roc_auc"].mean(), abs=1e-12)
    with pytest.raises(ValueError, match="complete partitions"):
        compare.multiclass_comparison(X, y, folds[:2], models, n_boot=30)
