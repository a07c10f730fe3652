"""Blank/low-contrast images and exact duplicates, on small hand-made image sets."""

from __future__ import annotations

import numpy as np
import pytest

from dyplab.data import quality


def _images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 8, 8), dtype=np.uint8)


def test_low_variance_finds_blank_and_flat_images():
    X = _images(6, 0)
    X[2] = 128  # blank
    X[4] = 100
    X[4, 0, 0] = 104  # almost flat
    assert quality.pixel_std(X)[2] == 0.0
    assert quality.low_variance(X, threshold=5.0).tolist() == [2, 4]  # lowest first


def test_duplicates_within_and_across_parts_with_conflicting_labels():
    train, test = _images(5, 1), _images(3, 2)
    train[3] = train[0]  # duplicate inside train, same label
    test[1] = train[1]  # leaks across the split, different label
    y = {"train": np.array([0, 1, 2, 0, 4]), "test": np.array([0, 5, 1])}
    groups = quality.duplicate_groups({"train": train, "test": test}, labels=y)
    assert len(groups) == 4 and groups["group"].nunique() == 2
    pairs = {tuple(sorted(zip(g["part"], g["index"]))) for _, g in groups.groupby("group")}
    assert pairs == {(("train", 0), ("train", 3)), (("test", 1), ("train", 1))}
    assert quality.duplicate_summary(groups) == {"grupper": 2, "bilder": 4, "på tvers av deler": 1,
                                                 "motstridende etiketter": 1}


def test_no_duplicates_gives_empty_table():
    groups = quality.duplicate_groups({"a": _images(4, 3)})
    assert groups.empty and quality.duplicate_summary(groups)["grupper"] == 0


def test_label_length_mismatch_names_the_part():
    with pytest.raises(ValueError, match="part 'a' has 4 images but 3 labels"):
        quality.duplicate_groups({"a": _images(4, 3)}, labels={"a": np.zeros(3)})
