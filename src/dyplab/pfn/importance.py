"""SHAP values for a binary classifier on a table, with the feature names checked against the columns."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def shap_table(predict_positive: Callable[[np.ndarray], np.ndarray], background: pd.DataFrame, rows: pd.DataFrame,
               *, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Permutation SHAP of ``predict_positive`` (X -> P(class 1), one value per row) for ``rows``.

    ``background`` (a few rows of the training data) stands in for "feature unknown". Returns the table
    ``feature, mean_abs_shap`` (largest first) and the raw values [rows, features] in column order. The
    explainer's feature names are asserted to equal the columns, so a value can never carry the wrong name.
    """
    import shap

    if list(background.columns) != list(rows.columns):
        raise ValueError("background and rows must have the same columns in the same order")
    names = [str(c) for c in rows.columns]
    masker = shap.maskers.Independent(background.to_numpy(dtype=np.float64), max_samples=len(background))
    explainer = shap.explainers.Permutation(predict_positive, masker, feature_names=names, seed=seed)
    values = explainer(rows.to_numpy(dtype=np.float64), max_evals=2 * len(names) + 1, silent=True)
    sv = np.asarray(values.values)
    if sv.shape != (len(rows), len(names)):
        raise ValueError(f"expected SHAP values [rows, features] = {(len(rows), len(names))}, got {sv.shape}; "
                         "predict_positive must return one probability per row")
    assert list(values.feature_names) == names, "SHAP feature names do not match the table's columns"
    table = pd.DataFrame({"feature": names, "mean_abs_shap": np.abs(sv).mean(axis=0)})
    return table.sort_values("mean_abs_shap", ascending=False, kind="stable", ignore_index=True), sv
