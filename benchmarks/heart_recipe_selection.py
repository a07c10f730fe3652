"""Benchmark: choose B3's MLP recipe by cross-validation inside the development patients (never the test patients).

B3's first network (hidden layers 128-64-32, dropout 0.3, Adam 1e-3 with weight decay 1e-4 and a plateau schedule)
came from the earlier course, which evaluated its test set every epoch. This script chooses the recipe again the
honest way. Data: the Cleveland table (303 patients) split exactly as in B3 (``splits.train_val_test``, 60/20/20,
stratified, seed 42); only the 242 development patients (B3's training and validation parts) are used. The 61
test patients are dropped before anything else happens.

For each candidate: repeated stratified 5-fold cross-validation on the development patients (the same folds for
every candidate, ``splits.repeated_folds``). In each fold, as in B3's section 9: 20 % of the fold's training part
is held out for early stopping, the preprocessing (``tabular.make_preprocessor``) is fitted on the rest, a
``TabularMLP`` is trained with ``training.fit`` and the held-out fold is predicted. The score is ROC AUC of the
out-of-fold predictions, averaged over the repeats. Logistic regression on the same folds is printed for
reference (it is not a candidate). The choice rule, fixed before any run: the highest mean ROC AUC; candidates
within ``--tolerance`` (default 0.01) of it count as tied, and among tied candidates the smallest network wins.
The last line names the choice and whether it is ``dyplab.models.tabular.HEART_MLP``.

    python benchmarks/heart_recipe_selection.py            # 4 candidates × 2 × 5 folds (a CPU-minute or two)
    python benchmarks/heart_recipe_selection.py --quick    # 1 repeat, 10 epochs (a smoke run)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

import dyplab
from dyplab import crossval, splits, tabular, training
from dyplab.course.report import record_benchmark
from dyplab.data import heart
from dyplab.models.tabular import HEART_MLP
from dyplab.training import Recipe

CANDIDATES: dict[str, Recipe] = {
    "128-64-32, dropout 0.3, weight decay 1e-4": HEART_MLP.replace(model_kwargs={"hidden": (128, 64, 32), "dropout": 0.3}),
    "64-32, dropout 0.3, weight decay 1e-4": HEART_MLP.replace(model_kwargs={"hidden": (64, 32), "dropout": 0.3}),
    "32, dropout 0.3, weight decay 1e-4 (HEART_MLP)": HEART_MLP,
    "128-64-32, dropout 0.5, weight decay 1e-3": HEART_MLP.replace(model_kwargs={"hidden": (128, 64, 32), "dropout": 0.5},
                                                                   weight_decay=1e-3),
}
SEED = 42


def development_patients() -> tuple[pd.DataFrame, np.ndarray]:
    """B3's training and validation patients (its split, seed 42); the test patients are left out."""
    data = heart.load("cleveland")
    idx_train, idx_val, _ = splits.train_val_test(data.y, val_size=0.2, test_size=0.2, seed=SEED)
    dev = data.subset(np.sort(np.concatenate([idx_train, idx_val])))
    return dev.X, dev.y


def _preprocessor():
    return tabular.make_preprocessor(numeric=heart.NUMERIC, nominal=heart.NOMINAL, binary=heart.BINARY)


def _as_float(pre, frame: pd.DataFrame) -> np.ndarray:
    return pre.transform(frame).astype(np.float32)


def oof_mlp(X: pd.DataFrame, y: np.ndarray, folds, recipe: Recipe, *, max_epochs: int, log_root: Path) -> np.ndarray:
    """Out-of-fold P(disease) ``[N, n_repeats]`` of one MLP recipe on the given folds (:func:`dyplab.crossval.oof`)."""

    def fit_predict(k: int, tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        inner_tr, inner_val = splits.train_val(y[tr], val_size=0.2, seed=SEED + k)
        fit_rows, val_rows = tr[inner_tr], tr[inner_val]
        pre = _preprocessor().fit(X.iloc[fit_rows])
        dyplab.seed_everything(SEED + k)
        model = recipe.build(len(pre.get_feature_names_out()))
        recipe.fit(model, (_as_float(pre, X.iloc[fit_rows]), y[fit_rows]), (_as_float(pre, X.iloc[val_rows]), y[val_rows]),
                   max_epochs=max_epochs, progress=False, seed=SEED + k, log_dir=log_root / f"f{k}")
        return training.predict_proba(model, _as_float(pre, X.iloc[te]))[:, 1]

    return crossval.oof(fit_predict, y, folds)


def oof_logreg(X: pd.DataFrame, y: np.ndarray, folds) -> np.ndarray:
    """Out-of-fold P(disease) of B3's logistic regression on the same folds (the reference)."""
    return crossval.oof_sklearn(Pipeline([("pre", _preprocessor()), ("model", LogisticRegression(max_iter=1000))]),
                                X, y, folds)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat and 10 epochs (a smoke run)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=0.01, help="ROC AUC difference counted as a tie")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    repeats, max_epochs = (1, 10) if args.quick else (args.repeats, HEART_MLP.max_epochs)
    X, y = development_patients()
    folds = splits.repeated_folds(y, n_splits=5, n_repeats=repeats, seed=SEED)
    print(f"Cleveland development patients: {len(y)} ({int(y.sum())} with disease); test patients dropped before use · "
          f"{repeats} × 5 folds · {max_epochs} epochs max · {torch.get_num_threads()} thread(s)")
    print(f"{'candidate':<56} {'ROC AUC':>8} {'params':>8} {'time':>6}")
    scores: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-select-") as tmp:
        for i, (name, recipe) in enumerate(CANDIDATES.items()):
            start = time.perf_counter()
            P = oof_mlp(X, y, folds, recipe, max_epochs=max_epochs, log_root=Path(tmp) / str(i))
            n_features = len(_preprocessor().fit(X).get_feature_names_out())
            scores[name] = {"auc": crossval.score(y, P, "roc_auc"),
                            "params": training.count_parameters(recipe.build(n_features))}
            print(f"{name:<56} {scores[name]['auc']:>8.4f} {scores[name]['params']:>8,} "
                  f"{time.perf_counter() - start:>5.0f}s", flush=True)
    reference = crossval.score(y, oof_logreg(X, y, folds), "roc_auc")
    print(f"{'logistic regression (reference, not a candidate)':<56} {reference:>8.4f}")
    best = max(s["auc"] for s in scores.values())
    tied = [n for n, s in scores.items() if s["auc"] >= best - args.tolerance]
    choice = min(tied, key=lambda n: scores[n]["params"])
    is_current = "HEART_MLP" in choice
    print(f"choice={choice!r} cv_roc_auc={scores[choice]['auc']:.4f} is_current_recipe={is_current}")
    record_benchmark("heart_recipe_selection", choice=choice, cv_roc_auc=scores[choice]["auc"], is_current_recipe=is_current)
    return choice


if __name__ == "__main__":
    main()
