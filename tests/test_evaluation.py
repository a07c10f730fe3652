"""dyplab.evaluation: the standard classifier summary agrees with scikit-learn and draws its figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn import metrics as skm  # noqa: E402

from dyplab import evaluation  # noqa: E402


def _case(n_classes: int, n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    logits = rng.normal(size=(n, n_classes)) + 1.5 * np.eye(n_classes)[y]
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return y, proba


@pytest.mark.parametrize("n_classes", [2, 3])
def test_summary_values_match_sklearn_and_cis_bracket_them(n_classes: int) -> None:
    y, proba = _case(n_classes)
    s = evaluation.summarize_classifier(y, proba, class_names=[f"k{i}" for i in range(n_classes)], n_boot=200)
    pred = proba.argmax(1)
    auc = skm.roc_auc_score(y, proba[:, 1]) if n_classes == 2 else skm.roc_auc_score(y, proba, multi_class="ovr")
    expected = {"accuracy": skm.accuracy_score(y, pred), "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
                "macro_f1": skm.f1_score(y, pred, average="macro"), "roc_auc": auc}
    for key, want in expected.items():
        value, low, high = s.values[key]
        assert value == pytest.approx(want)
        assert low <= value <= high and high - low < 0.3
    assert list(s.table.index) == ["Nøyaktighet", "Balansert nøyaktighet", "Makro-F1", "ROC AUC"]
    assert list(s.table.columns) == ["verdi", "95 % KI nedre", "95 % KI øvre"]
    recorded = s.metrics()
    assert recorded["accuracy"] == pytest.approx(expected["accuracy"]) and "roc_auc_ci_low" in recorded
    cm = s.figures["confusion"].axes[0].images[0].get_array()
    np.testing.assert_array_equal(cm, skm.confusion_matrix(y, pred))
    assert len(s.per_class) >= n_classes


def test_summary_rejects_mismatched_inputs() -> None:
    y, proba = _case(3)
    with pytest.raises(ValueError, match="class names"):
        evaluation.summarize_classifier(y, proba, class_names=["a", "b"])
    with pytest.raises(ValueError, match="proba must be"):
        evaluation.summarize_classifier(y, proba[:10], class_names=["a", "b", "c"])
