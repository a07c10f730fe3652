"""dyplab.splits: every split keeps its parts disjoint, stratified and (with groups) grouped."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab import splits


def test_train_val_test_sizes_balance_and_determinism() -> None:
    y = np.array([0] * 164 + [1] * 139)
    train, val, test = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=42)
    assert (len(train), len(val), len(test)) == (181, 61, 61)
    splits.check_disjoint(train, val, test)
    assert len(set(train) | set(val) | set(test)) == 303
    for part in (train, val, test):
        assert abs(y[part].mean() - y.mean()) < 0.02
    again = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=42)
    assert all((a == b).all() for a, b in zip(again, (train, val, test)))
    other = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=1)
    assert not np.array_equal(np.sort(other.test), np.sort(test))


def test_train_val_test_rejects_bad_arguments() -> None:
    y = np.array([0, 1] * 20)
    with pytest.raises(ValueError, match="below 1"):
        splits.train_val_test(y, val_size=0.5, test_size=0.5)
    with pytest.raises(ValueError, match="fraction"):
        splits.train_val_test(y, val_size=0.0)
    with pytest.raises(ValueError, match="missing"):
        splits.train_val_test(np.array([0.0, 1.0, np.nan] * 10))
    with pytest.raises(ValueError, match="groups has"):
        splits.train_val_test(y, groups=np.arange(3))


def test_grouped_split_keeps_each_patient_on_one_side() -> None:
    rng = np.random.default_rng(0)
    patients = np.repeat(np.arange(60), rng.integers(1, 6, 60))
    y = (patients % 3 == 0).astype(int)  # one label per patient
    split = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=3, groups=patients)
    splits.check_disjoint(*split, groups=patients)
    assert sum(split.sizes().values()) == len(y)
    # the random (ungrouped) split on the same data puts patients on both sides
    leaky = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=3)
    with pytest.raises(AssertionError, match="share"):
        splits.check_disjoint(*leaky, groups=patients)


def test_train_val_grouped_and_plain() -> None:
    y = np.array([0, 1] * 50)
    tr, va = splits.train_val(y, val_size=0.2, seed=0)
    assert len(va) == 20 and len(np.intersect1d(tr, va)) == 0
    groups = np.repeat(np.arange(25), 4)
    tr, va = splits.train_val(y, val_size=0.2, seed=0, groups=groups)
    splits.check_disjoint(tr, va, groups=groups)


def test_by_groups_follows_the_lists() -> None:
    g = np.array(["a", "b", "c", "d", "e"] * 3)
    split = splits.by_groups(g, train=["a", "b", "c"], val=["c"], test=["d"])
    assert set(g[split.train]) == {"a", "b"} and set(g[split.val]) == {"c"} and set(g[split.test]) == {"d"}
    assert "e" not in set(g[np.concatenate(split)])
    with pytest.raises(ValueError, match="both train and test"):
        splits.by_groups(g, train=["a"], test=["a"])
    with pytest.raises(ValueError, match="not among the training"):
        splits.by_groups(g, train=["a"], test=["b"], val=["c"])


@pytest.mark.parametrize("grouped", [False, True])
def test_repeated_folds_cover_every_row_once_per_repeat(grouped: bool) -> None:
    y = np.array([0, 0, 1] * 20)
    groups = np.repeat(np.arange(30), 2) if grouped else None
    folds = splits.repeated_folds(y, n_splits=5, n_repeats=3, seed=0, groups=groups)
    assert len(folds) == 15
    for r in range(3):
        tests = np.concatenate([te for _, te in folds[5 * r : 5 * r + 5]])
        assert sorted(tests.tolist()) == list(range(len(y)))
    for tr, te in folds:
        splits.check_disjoint(tr, te, groups=groups)
    # repeats differ from each other
    assert not all(np.array_equal(folds[i][1], folds[i + 5][1]) for i in range(5))


def test_class_weights_and_subsampling() -> None:
    y = np.array([0] * 90 + [1] * 10)
    w = splits.class_weights(y, 3)
    assert w == pytest.approx([100 / (2 * 90), 100 / (2 * 10), 0.0])
    assert splits.class_weights(y, 2, power=0.5, max_weight=2.0) == pytest.approx([(100 / 180) ** 0.5, 2.0])
    idx = splits.subsample_class(y, 0, 30, seed=1)
    assert np.bincount(y[idx]).tolist() == [30, 10]
    keep = splits.subsample(y, 50, seed=0)
    assert len(keep) == 50 and np.bincount(y[keep]).tolist() == [45, 5]
    assert len(splits.subsample(y, 500)) == 100
