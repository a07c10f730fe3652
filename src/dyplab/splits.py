"""Every way the course divides data, in one place.

- :func:`train_val_test`: stratified train/validation/test, optionally *grouped* (all examples of one
  patient, subject or record on the same side) with scikit-learn's ``StratifiedGroupKFold``.
- :func:`by_groups`: an explicit list of groups per part (e.g. MIT-BIH's DS1/DS2 records).
- :func:`repeated_folds`: repeated stratified (grouped) K-fold, computed once and shared by every model
  of a notebook, so all models are scored on the same folds.
- :func:`class_weights`, :func:`subsample_class`, :func:`subsample`: class balance.
- :func:`check_disjoint`: an assertion a notebook or test can call on any split.

Indices are returned in scikit-learn's order (not sorted) so that a seeded split always gives the same
training order; call :meth:`Split.sorted` when the order does not matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class Split(NamedTuple):
    """Row indices of the training, validation and test parts."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray

    def sorted(self) -> Split:
        """The same split with each part's indices in ascending order."""
        return Split(np.sort(self.train), np.sort(self.val), np.sort(self.test))

    def sizes(self) -> dict[str, int]:
        """``{"train": n, "val": n, "test": n}``."""
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def _labels(y: Sequence | np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one label per row (1-D), got shape {y.shape}")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y has missing values; stratification needs a label for every row")
    if y.dtype == object and any(v is None or (isinstance(v, float) and np.isnan(v)) for v in y):
        raise ValueError("y has missing values; stratification needs a label for every row")
    return y


def _groups(groups: Sequence | np.ndarray | None, n: int) -> np.ndarray | None:
    if groups is None:
        return None
    g = np.asarray(groups)
    if len(g) != n:
        raise ValueError(f"groups has {len(g)} entries but y has {n}")
    return g


def _check_fraction(value: float, what: str) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{what} must be a fraction between 0 and 1, got {value}")


def _grouped_holdout(y: np.ndarray, groups: np.ndarray, idx: np.ndarray, size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hold out about ``size`` of ``idx`` as whole groups, class balance kept as far as groups allow."""
    from sklearn.model_selection import StratifiedGroupKFold

    n_splits = max(2, int(round(1.0 / size)))
    n_groups = len(np.unique(groups[idx]))
    if n_groups < n_splits:
        raise ValueError(f"{n_groups} groups are too few to hold out a fraction of {size:.2f} as whole groups")
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    keep, held = next(folds.split(idx, y[idx], groups[idx]))
    return idx[keep], idx[held]


def train_val_test(
    y: Sequence | np.ndarray,
    *,
    val_size: float = 0.15,
    test_size: float = 0.15,
    seed: int = 42,
    groups: Sequence | np.ndarray | None = None,
) -> Split:
    """Stratified train/validation/test split; the test part is cut first, then validation from the rest.

    ``val_size`` and ``test_size`` are fractions of all rows. With ``groups`` (patient, subject or
    record per row), whole groups are held out (``StratifiedGroupKFold``), so no group is in two parts;
    the fractions are then approximate.
    """
    from sklearn.model_selection import train_test_split

    y = _labels(y)
    _check_fraction(val_size, "val_size")
    _check_fraction(test_size, "test_size")
    if val_size + test_size >= 1.0:
        raise ValueError(f"val_size + test_size must be below 1, got {val_size} + {test_size}")
    g = _groups(groups, len(y))
    idx = np.arange(len(y))
    if g is None:
        rest, test = train_test_split(idx, test_size=test_size, stratify=y, random_state=seed)
        train, val = train_test_split(rest, test_size=val_size / (1.0 - test_size), stratify=y[rest], random_state=seed)
        return Split(train, val, test)
    rest, test = _grouped_holdout(y, g, idx, test_size, seed)
    train, val = _grouped_holdout(y, g, rest, val_size / (1.0 - test_size), seed)
    return Split(train, val, test)


def train_val(
    y: Sequence | np.ndarray, *, val_size: float = 0.15, seed: int = 42, groups: Sequence | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified (optionally grouped) split into training and validation indices, e.g. inside a training set."""
    from sklearn.model_selection import train_test_split

    y = _labels(y)
    _check_fraction(val_size, "val_size")
    g = _groups(groups, len(y))
    idx = np.arange(len(y))
    if g is None:
        train, val = train_test_split(idx, test_size=val_size, stratify=y, random_state=seed)
        return train, val
    return _grouped_holdout(y, g, idx, val_size, seed)


def by_groups(
    groups: Sequence | np.ndarray,
    *,
    train: Sequence,
    test: Sequence,
    val: Sequence = (),
) -> Split:
    """Split rows by an explicit list of groups per part; ``val`` groups are taken out of ``train``.

    Rows whose group is in no list are left out. Raises when a group is listed for both train and test,
    or when a validation group is not a training group.
    """
    train_set, test_set, val_set = ({str(x) for x in part} for part in (train, test, val))
    if train_set & test_set:
        raise ValueError(f"groups in both train and test: {sorted(train_set & test_set)}")
    if not val_set <= train_set:
        raise ValueError(f"validation groups {sorted(val_set - train_set)} are not among the training groups")
    g = np.asarray(groups).astype(str)
    return Split(
        np.flatnonzero(np.isin(g, sorted(train_set - val_set))),
        np.flatnonzero(np.isin(g, sorted(val_set))),
        np.flatnonzero(np.isin(g, sorted(test_set))),
    )


def repeated_folds(
    y: Sequence | np.ndarray,
    *,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 42,
    groups: Sequence | np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``n_repeats × n_splits`` stratified folds as ``(train_idx, test_idx)`` pairs, to share between models.

    With ``groups`` each repeat is a ``StratifiedGroupKFold`` with its own seed, so a group is never on
    both sides of a fold.
    """
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedGroupKFold

    y = _labels(y)
    g = _groups(groups, len(y))
    if g is None:
        rskf = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=seed)
        return [(tr, te) for tr, te in rskf.split(np.zeros(len(y)), y)]
    folds: list[tuple[np.ndarray, np.ndarray]] = []
    for r in range(n_repeats):
        sgkf = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + r)
        folds += list(sgkf.split(np.zeros(len(y)), y, g))
    return folds


def check_disjoint(*parts: np.ndarray, groups: Sequence | np.ndarray | None = None) -> None:
    """Raise ``AssertionError`` when two parts share a row (or, with ``groups``, a group)."""
    for i in range(len(parts)):
        for j in range(i + 1, len(parts)):
            a, b = np.asarray(parts[i]), np.asarray(parts[j])
            if groups is not None:
                g = np.asarray(groups)
                a, b = g[a], g[b]
            common = np.intersect1d(a, b)
            if len(common):
                what = "groups" if groups is not None else "rows"
                raise AssertionError(f"parts {i} and {j} share {len(common)} {what}, e.g. {common[:5].tolist()}")


def class_weights(
    y: Sequence | np.ndarray, n_classes: int, *, power: float = 1.0, max_weight: float | None = None
) -> list[float]:
    """Inverse-frequency class weights ``(n / (C · n_c)) ** power``, optionally capped; absent classes get 0."""
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=n_classes).astype(np.float64)
    w = np.zeros(n_classes)
    present = counts > 0
    w[present] = (counts.sum() / (present.sum() * counts[present])) ** power
    if max_weight is not None:
        w = np.minimum(w, max_weight)
    return w.tolist()


def subsample_class(y: Sequence | np.ndarray, cls: int, max_count: int, *, seed: int = 42) -> np.ndarray:
    """Indices that keep at most ``max_count`` random examples of class ``cls`` and all others (sorted)."""
    y = np.asarray(y)
    idx = np.flatnonzero(y == cls)
    if len(idx) > max_count:
        idx = np.random.default_rng(seed).choice(idx, size=max_count, replace=False)
    return np.sort(np.concatenate([idx, np.flatnonzero(y != cls)]))


def subsample(y: Sequence | np.ndarray, n: int, *, seed: int = 42) -> np.ndarray:
    """A stratified random subset of ``n`` row indices (all rows when ``n >= len(y)``), sorted."""
    from sklearn.model_selection import train_test_split

    y = _labels(y)
    if n >= len(y):
        return np.arange(len(y))
    keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    return np.sort(keep)
