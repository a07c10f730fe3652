"""Property-based tests of dyplab.splits: parts disjoint and complete, stratified, groups never shared."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dyplab import splits


@st.composite
def labelled(draw, grouped: bool):
    n_classes = draw(st.integers(2, 4))
    per_class = draw(st.lists(st.integers(12, 60), min_size=n_classes, max_size=n_classes))
    y = np.repeat(np.arange(n_classes), per_class)
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    rng.shuffle(y)
    if not grouped:
        return y, None
    size = draw(st.integers(1, 4))
    groups = np.repeat(np.arange(len(y)), size)[: len(y)] // size  # consecutive rows share a patient
    return y, groups


@settings(max_examples=40, deadline=None)
@given(data=labelled(grouped=False), seed=st.integers(0, 1000))
def test_stratified_split_is_disjoint_complete_and_balanced(data, seed) -> None:
    y, _ = data
    split = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=seed)
    splits.check_disjoint(*split)
    assert sorted(np.concatenate(split).tolist()) == list(range(len(y)))
    for part in split:
        for c in np.unique(y):  # each class's share within 2 examples of its expected count
            assert abs((y[part] == c).sum() - (y == c).mean() * len(part)) <= 2


@settings(max_examples=40, deadline=None)
@given(data=labelled(grouped=True), seed=st.integers(0, 1000))
def test_grouped_split_and_folds_never_share_a_group(data, seed) -> None:
    y, groups = data
    assume(len(np.unique(groups)) >= 10)
    split = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=seed, groups=groups)
    splits.check_disjoint(*split, groups=groups)
    assert sorted(np.concatenate(split).tolist()) == list(range(len(y)))
    for train, test in splits.repeated_folds(y, n_splits=3, n_repeats=2, seed=seed, groups=groups):
        splits.check_disjoint(train, test, groups=groups)
        assert len(train) + len(test) == len(y)
