import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score

from dyplab.pfn.classifier import WEIGHTS, PFNClassifier
from dyplab.pfn.model import TabularPFN
from dyplab.pfn.train import TrainConfig, save


@pytest.fixture(scope="module")
def tiny_weights(tmp_path_factory):
    import torch

    torch.manual_seed(0)
    cfg = TrainConfig(dim=16, heads=2, layers=1, hidden=32)
    return str(save(TabularPFN(**cfg.model_kwargs()), cfg, [], tmp_path_factory.mktemp("w") / "tiny.pt"))


def _data(n=80, f=6, seed=0):
    return make_classification(n_samples=n, n_features=f, n_informative=3, random_state=seed)


def test_fit_predict_proba_shapes_sum_to_one_and_labels(tiny_weights):
    X, y = _data()
    labels = np.where(y == 1, "syk", "frisk")
    clf = PFNClassifier(n_estimators=4, weights=tiny_weights).fit(X[:60], labels[:60])
    p = clf.predict_proba(X[60:])
    assert p.shape == (20, 2)
    np.testing.assert_allclose(p.sum(1), 1.0, atol=1e-6)
    assert set(clf.predict(X[60:])) <= {"frisk", "syk"}
    assert list(clf.classes_) == ["frisk", "syk"]


def test_deterministic_and_context_matters(tiny_weights):
    X, y = _data()
    a = PFNClassifier(weights=tiny_weights).fit(X[:60], y[:60]).predict_proba(X[60:])
    b = PFNClassifier(weights=tiny_weights).fit(X[:60], y[:60]).predict_proba(X[60:])
    np.testing.assert_array_equal(a, b)
    flipped = PFNClassifier(weights=tiny_weights).fit(X[:60], 1 - y[:60]).predict_proba(X[60:])
    # the ensemble swaps labels symmetrically, so flipping the context labels swaps the probabilities
    np.testing.assert_allclose(flipped, a[:, ::-1], atol=1e-6)


def test_wide_tables_use_feature_subsets_and_dataframes_keep_names(tiny_weights):
    X, y = _data(n=50, f=60)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(60)])
    clf = PFNClassifier(n_estimators=2, weights=tiny_weights).fit(frame.iloc[:40], y[:40])
    assert list(clf.feature_names_in_[:2]) == ["f0", "f1"]
    assert clf.predict_proba(frame.iloc[40:]).shape == (10, 2)


def test_bad_input_is_refused(tiny_weights):
    X, y = _data()
    with pytest.raises(ValueError, match="two classes"):
        PFNClassifier(weights=tiny_weights).fit(X, y % 3 + (np.arange(len(y)) % 3 == 0))
    clf = PFNClassifier(weights=tiny_weights).fit(X, y)
    with pytest.raises(ValueError, match="6 columns"):
        clf.predict_proba(X[:, :4])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PFNClassifier(weights=tiny_weights).fit(X_nan, y)


@pytest.mark.skipif(not WEIGHTS.is_file(), reason="the shipped weights are not built yet (scripts/train_pfn.py)")
def test_shipped_weights_learn_in_context():
    X, y = make_classification(n_samples=300, n_features=8, n_informative=4, n_clusters_per_class=1, random_state=1)
    p = PFNClassifier().fit(X[:200], y[:200]).predict_proba(X[200:])[:, 1]
    assert roc_auc_score(y[200:], p) > 0.75  # logistic regression: 0.98; the small CPU-trained PFN: about 0.88
