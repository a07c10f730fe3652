"""Plumbing for tabular (clinical) data: the preprocessing pipeline and its one-hot bookkeeping.

>>> from dyplab import tabular
>>> pre = tabular.make_preprocessor(numeric=["age"], nominal=["cp"], binary=["sex"])   # doctest: +SKIP

(Splits are in :mod:`dyplab.splits`, the overview plot is :func:`dyplab.plots.variable_distributions`.)

The preprocessor is an ordinary scikit-learn ``ColumnTransformer``: fit it on the training rows
only (``pre.fit(X_train)``), then ``transform`` validation and test rows with the statistics it
learned there. Imputation lives inside it, so missing values never force rows out of the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def make_preprocessor(
    numeric: Sequence[str] = (),
    nominal: Sequence[str] = (),
    binary: Sequence[str] = (),
    *,
    scale: bool = True,
) -> ColumnTransformer:
    """A ``ColumnTransformer`` for a table of clinical variables.

    - ``numeric``: median imputation, then standardisation (``StandardScaler``) unless ``scale=False``;
    - ``nominal``: most-frequent imputation, then one-hot encoding (one 0/1 column per code; codes not
      seen in training become all-zero rows instead of an error);
    - ``binary``: most-frequent imputation, kept as 0/1.

    Output columns are named after the input (``age``, ``cp_4``, ``sex``…); other columns are dropped.
    """
    if not (numeric or nominal or binary):
        raise ValueError("make_preprocessor needs at least one numeric, nominal or binary column")
    overlap = (set(numeric) & set(nominal)) | (set(numeric) & set(binary)) | (set(nominal) & set(binary))
    if overlap:
        raise ValueError(f"columns {sorted(overlap)} are listed in more than one group")
    steps: list[tuple[str, Pipeline, list[str]]] = []
    if numeric:
        num_steps = [("impute", SimpleImputer(strategy="median"))]
        if scale:
            num_steps.append(("scale", StandardScaler()))
        steps.append(("numeric", Pipeline(num_steps), list(numeric)))
    if nominal:
        steps.append(
            (
                "nominal",
                Pipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        (
                            "onehot",
                            OneHotEncoder(
                                handle_unknown="ignore", sparse_output=False, feature_name_combiner=_onehot_name
                            ),
                        ),
                    ]
                ),
                list(nominal),
            )
        )
    if binary:
        steps.append(("binary", Pipeline([("impute", SimpleImputer(strategy="most_frequent"))]), list(binary)))
    return ColumnTransformer(steps, remainder="drop", verbose_feature_names_out=False)


def _onehot_name(feature: str, category) -> str:
    """``cp`` + 4.0 → ``cp_4`` (integer-valued codes without the trailing ``.0``)."""
    if isinstance(category, float | np.floating) and float(category).is_integer():
        category = int(category)
    return f"{feature}_{category}"


def feature_origin(preprocessor: ColumnTransformer) -> dict[str, str]:
    """Map every output column of a fitted :func:`make_preprocessor` to the input variable it came from.

    ``{"age": "age", "cp_1": "cp", "cp_2": "cp", …}`` — used to add one-hot attributions back up to
    the clinical variables.
    """
    if not hasattr(preprocessor, "transformers_"):
        raise ValueError("the preprocessor is not fitted yet; call .fit(X_train) first")
    origin: dict[str, str] = {}
    for _name, transformer, columns in preprocessor.transformers_:
        if transformer == "drop" or _name == "remainder":
            continue
        columns = list(columns)
        last = transformer.steps[-1][1] if isinstance(transformer, Pipeline) else transformer
        if isinstance(last, OneHotEncoder):
            for col, cats in zip(columns, last.categories_):
                for cat in cats:
                    origin[_onehot_name(col, cat)] = col
        else:
            for col in columns:
                origin[col] = col
    names = list(preprocessor.get_feature_names_out())
    if sorted(names) != sorted(origin):
        raise ValueError(f"could not match the output columns {names} to their inputs")
    return {n: origin[n] for n in names}


def group_by_origin(
    values: np.ndarray | pd.DataFrame, columns: Sequence[str], origin: Mapping[str, str]
) -> pd.DataFrame:
    """Sum per-column values (e.g. attributions ``[N, D]``) over the columns that came from one variable.

    Summing the signed one-hot attributions of a patient keeps their total (Integrated Gradients'
    completeness); take ``.abs().mean()`` afterwards for a global importance per variable.
    Returns ``[N, V]`` with the variables in order of first appearance.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    columns = list(columns)
    if arr.shape[1] != len(columns):
        raise ValueError(f"values have {arr.shape[1]} columns but {len(columns)} column names were given")
    missing = [c for c in columns if c not in origin]
    if missing:
        raise ValueError(f"no origin known for columns {missing}")
    frame = pd.DataFrame(arr, columns=columns)
    variables = list(dict.fromkeys(origin[c] for c in columns))
    return pd.DataFrame({v: frame[[c for c in columns if origin[c] == v]].sum(axis=1) for v in variables})
