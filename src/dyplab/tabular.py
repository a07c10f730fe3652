"""Plumbing for tabular (clinical) data: preprocessing pipeline, stratified split, one-hot bookkeeping, overview plot.

>>> from dyplab import tabular
>>> pre = tabular.make_preprocessor(numeric=["age"], nominal=["cp"], binary=["sex"])   # doctest: +SKIP
>>> idx_train, idx_val, idx_test = tabular.stratified_split(y, (0.6, 0.2, 0.2), seed=42)  # doctest: +SKIP

The preprocessor is an ordinary scikit-learn ``ColumnTransformer``: fit it on the training rows
only (``pre.fit(X_train)``), then ``transform`` validation and test rows with the statistics it
learned there. Imputation lives inside it, so missing values never force rows out of the data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
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


def stratified_split(
    y: Sequence[int] | np.ndarray,
    fractions: tuple[float, float, float] = (0.6, 0.2, 0.2),
    *,
    seed: int = 42,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices for a stratified train/validation/test split (same class balance in each part).

    The test part is cut off first, then the validation part from the rest, with
    ``sklearn.model_selection.train_test_split`` and the given seed.
    """
    y = np.asarray(y)
    if len(fractions) != 3 or min(fractions) <= 0 or not np.isclose(sum(fractions), 1.0):
        raise ValueError(f"fractions must be three positive numbers that sum to 1, got {fractions}")
    if pd.isna(y).any():
        raise ValueError("y has missing values; stratification needs a label for every row")
    _, f_val, f_test = fractions
    idx = np.arange(len(y))
    rest, test = train_test_split(idx, test_size=f_test, stratify=y, random_state=seed)
    train, val = train_test_split(rest, test_size=f_val / (1.0 - f_test), stratify=y[rest], random_state=seed)
    return train, val, test


def plot_variables(
    frame: pd.DataFrame,
    variables: Sequence[str],
    *,
    target: str = "target",
    categorical: Sequence[str] = (),
    codes: Mapping[str, Mapping[int, str]] | None = None,
    labels: Mapping[str, str] | None = None,
    target_names: Sequence[str] | None = None,
    ncols: int = 4,
    title: str = "Variablene fordelt på utfall",
    save=None,
):
    """One panel per variable, split by the outcome ``target``.

    Numeric variables: overlaid histograms (density) per outcome. Categorical variables: bars with
    the number of patients per code and outcome, labelled with ``codes`` (e.g. ``heart.CODES``).
    Missing values are left out of each panel (the panel title gives their count). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    missing = [v for v in [*variables, target] if v not in frame.columns]
    if missing:
        raise KeyError(f"plot_variables: columns {missing} are not in the table")
    codes = codes or {}
    labels = labels or {}
    classes = sorted(frame[target].dropna().unique().tolist())
    names = list(target_names) if target_names is not None else [str(c) for c in classes]
    if len(names) != len(classes):
        raise ValueError(f"target_names has {len(names)} names but {target!r} has {len(classes)} classes")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    nrows = int(np.ceil(len(variables) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows), squeeze=False)
    for ax, var in zip(axes.flat, variables):
        col = frame[var]
        n_missing = int(col.isna().sum())
        sub = f" ({n_missing} mangler)" if n_missing else ""
        if var in categorical:
            levels = sorted(codes[var]) if var in codes else sorted(col.dropna().unique().tolist())
            width = 0.8 / len(classes)
            pos = np.arange(len(levels))
            for k, cls in enumerate(classes):
                counts = col[frame[target] == cls].value_counts()
                heights = [int(counts.get(level, 0)) for level in levels]
                ax.bar(
                    pos + (k - (len(classes) - 1) / 2) * width,
                    heights,
                    width,
                    label=names[k],
                    color=colors[k % len(colors)],
                )
            ticks = [f"{int(lv)}: {codes[var][lv]}" if var in codes else str(lv) for lv in levels]
            ax.set_xticks(
                pos,
                ticks,
                rotation=30 if max(len(t) for t in ticks) > 8 else 0,
                ha="right" if max(len(t) for t in ticks) > 8 else "center",
                fontsize=8,
            )
            ax.set_ylabel("Antall pasienter")
        else:
            bins = np.histogram_bin_edges(col.dropna(), bins=20)
            for k, cls in enumerate(classes):
                ax.hist(
                    col[frame[target] == cls].dropna(),
                    bins=bins,
                    density=True,
                    alpha=0.55,
                    label=names[k],
                    color=colors[k % len(colors)],
                )
            ax.set_ylabel("Tetthet")
        ax.set_xlabel(textwrap.fill(labels.get(var, var), 40), fontsize=9)
        ax.set_title(f"{var}{sub}", fontsize=10)
    for ax in list(axes.flat)[len(variables) :]:
        ax.set_visible(False)
    axes.flat[0].legend(title=target, fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=120, bbox_inches="tight")
    return fig
