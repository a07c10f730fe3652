import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from dyplab.pfn.classifier import WEIGHTS, PFNClassifier, output_codes
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
    # the ensemble shifts labels cyclically (for two classes: swaps them in half of the passes), so flipping the
    # context labels swaps the probabilities
    np.testing.assert_allclose(flipped, a[:, ::-1], atol=1e-6)


def test_wide_tables_use_feature_subsets_and_dataframes_keep_names(tiny_weights):
    X, y = _data(n=50, f=60)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(60)])
    clf = PFNClassifier(n_estimators=2, weights=tiny_weights).fit(frame.iloc[:40], y[:40])
    assert list(clf.feature_names_in_[:2]) == ["f0", "f1"]
    assert clf.predict_proba(frame.iloc[40:]).shape == (10, 2)


def test_bad_input_is_refused_with_scikit_learn_messages(tiny_weights):
    X, y = _data()
    clf = PFNClassifier(weights=tiny_weights)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(ValueError, match="Unknown label type"):
        PFNClassifier(weights=tiny_weights).fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="requires y to be passed"):
        PFNClassifier(weights=tiny_weights).fit(X, None)
    with pytest.raises(TypeError, match="[Ss]parse"):
        PFNClassifier(weights=tiny_weights).fit(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match="Complex data not supported"):
        PFNClassifier(weights=tiny_weights).fit(X + 1j, y)
    with pytest.raises(ValueError, match="0 sample"):
        PFNClassifier(weights=tiny_weights).fit(X[:0], y[:0])
    with pytest.raises(InvalidParameterError, match="n_estimators"):
        PFNClassifier(n_estimators=0, weights=tiny_weights).fit(X, y)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="6 features"):
        clf.predict_proba(X[:, :4])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PFNClassifier(weights=tiny_weights).fit(X_nan, y)


def test_one_class_predicts_that_class(tiny_weights):
    X, _ = _data()
    clf = PFNClassifier(weights=tiny_weights).fit(X[:20], np.full(20, "frisk"))
    assert (clf.predict(X[20:]) == "frisk").all() and clf.predict_proba(X[20:]).shape == (60, 1)


def test_several_classes_up_to_the_network_s_outputs_directly(tiny_weights):
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=4, random_state=0)
    clf = PFNClassifier(n_estimators=4, weights=tiny_weights).fit(X[:100], y[:100])
    p = clf.predict_proba(X[100:])
    assert p.shape == (50, 4)
    np.testing.assert_allclose(p.sum(1), 1.0, atol=1e-6)
    assert set(clf.predict(X[100:])) <= {0, 1, 2, 3}


def test_many_classes_use_error_correcting_output_codes(tiny_weights):
    rng = np.random.default_rng(0)
    codes = output_codes(13, 10, 4, rng)
    assert codes.shape[1] == 13 and len(codes) >= 4 and codes.max() == 9
    separated = (codes[:, :, None] != codes[:, None, :]).sum(axis=0)
    assert (separated + 2 * np.eye(13, dtype=int)).min() >= 2  # every pair told apart at least twice
    X, y = make_classification(n_samples=200, n_features=8, n_informative=6, n_classes=13, n_clusters_per_class=1,
                               random_state=0)
    clf = PFNClassifier(n_estimators=2, weights=tiny_weights).fit(X[:150], y[:150])
    p = clf.predict_proba(X[150:])
    assert p.shape == (50, 13)
    np.testing.assert_allclose(p.sum(1), 1.0, atol=1e-6)


@pytest.mark.skipif(not WEIGHTS.is_file(), reason="the shipped weights are not built yet (scripts/train_pfn.py)")
def test_shipped_weights_learn_in_context():
    X, y = make_classification(n_samples=300, n_features=8, n_informative=4, n_clusters_per_class=1, random_state=1)
    p = PFNClassifier().fit(X[:200], y[:200]).predict_proba(X[200:])[:, 1]
    assert roc_auc_score(y[200:], p) > 0.75  # logistic regression: 0.98; the small CPU-trained PFN: about 0.88


needs_weights = pytest.mark.skipif(not WEIGHTS.is_file(), reason="the shipped weights are not built yet")


@needs_weights
def test_scikit_learn_check_estimator_passes_in_full():
    """All of scikit-learn's estimator checks, in a fresh process with SCIPY_ARRAY_API=1 so that the array-API
    check runs instead of being skipped by scikit-learn (it must be set before scipy is imported)."""
    code = ("import collections, torch; torch.set_num_threads(1)\n"
            "from sklearn.utils.estimator_checks import check_estimator\n"
            "from dyplab.pfn.classifier import PFNClassifier\n"
            "res = check_estimator(PFNClassifier(), on_fail=None)\n"
            "bad = [(r['check_name'], r['status'], str(r['exception'])[:200]) for r in res if r['status'] != 'passed']\n"
            "print(len(res), bad)\n")
    env = {**os.environ, "SCIPY_ARRAY_API": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=1800)
    assert out.returncode == 0, out.stderr[-2000:]
    n, bad = out.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(n) >= 50 and bad == "[]", out.stdout[-2000:]


@needs_weights
def test_works_in_pipeline_cross_val_score_and_grid_search():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), PFNClassifier(n_estimators=2))
    scores = cross_val_score(pipe, X, y, cv=3, scoring="accuracy")
    assert scores.shape == (3,) and scores.mean() > 0.85  # three classes; the majority class alone: 0.33
    search = GridSearchCV(PFNClassifier(), {"n_estimators": [1, 2]}, cv=3, scoring="neg_log_loss").fit(X, y)
    assert search.best_params_["n_estimators"] in (1, 2)
    assert search.predict_proba(X[:5]).shape == (5, 3)
