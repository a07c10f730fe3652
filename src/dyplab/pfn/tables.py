"""The F1/F2 tables as :class:`~dyplab.data.LabeledData` with ``X`` a pandas DataFrame (feature names kept).

Every identifier column is removed from ``X`` here, in one place: Parkinsons' ``name``/``subject_id`` (the
subject becomes ``groups``), DARWIN's ``ID``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import LabeledData, bonn_eeg, tabpfn_demo, uci_tables


def parkinsons() -> LabeledData:
    """195 voice recordings, 22 features; 1 = Parkinson's. ``groups`` = subject (several recordings each)."""
    frame = uci_tables.parkinsons()
    X = frame.drop(columns=["name", "subject_id", "status"])
    return LabeledData(X, frame["status"].to_numpy(), ["frisk", "Parkinson"], groups=frame["subject_id"].to_numpy(),
                       group_kind="subject")


def breast_cancer() -> LabeledData:
    """scikit-learn's Wisconsin breast cancer table, recoded so that 1 = malignant.

    scikit-learn codes 0 = malignant (212) and 1 = benign (357); here ``y = 1`` means malignant, the class a
    test should find, so ROC AUC and P(class 1) are about malignancy.
    """
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    if list(data.target_names) != ["malignant", "benign"]:
        raise ValueError(f"unexpected scikit-learn target names {list(data.target_names)}")
    y = (data.target.to_numpy() == 0).astype(np.int64)
    return LabeledData(data.data, y, ["godartet", "ondartet"])


def darwin() -> LabeledData:
    """DARWIN handwriting: 174 people × 450 features (``ID`` is dropped); 1 = Alzheimer's patient."""
    frame = uci_tables.darwin()
    X = frame.drop(columns=["ID", "class"])
    assert "ID" not in X.columns
    return LabeledData(X, frame["class"].to_numpy(), ["frisk", "Alzheimer"])


def glioma() -> LabeledData:
    """Glioma grading: 839 patients × 23 features (sex, age, race, 20 mutation flags); 1 = GBM, 0 = LGG."""
    frame = uci_tables.glioma()
    return LabeledData(frame.drop(columns=["Grade"]), frame["Grade"].to_numpy(), ["LGG", "GBM"])


def bonn(sets: str = "AE") -> LabeledData:
    """Bonn EEG segments of two sets as a feature table (:func:`dyplab.eeg_features.eeg_features`)."""
    from ..eeg_features import eeg_features

    if len(sets) != 2:
        raise ValueError(f"give two Bonn sets for a binary task, e.g. 'AE'; got {sets!r}")
    eeg = bonn_eeg.load(sets)
    return LabeledData(eeg_features(eeg.X, bonn_eeg.SAMPLING_RATE_HZ), eeg.y, [f"sett {s}" for s in eeg.class_names],
                       groups=eeg.groups, group_kind=eeg.group_kind)


def bat_points(n: int, seed: int = 0) -> LabeledData:
    """``n`` random pixels of ``thebat.npy`` as ``(x, y)`` coordinates in [0, 1] × [0, 1] with the pixel as label."""
    image = tabpfn_demo.load()
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, image.shape[0], n)
    cols = rng.integers(0, image.shape[1], n)
    X = pd.DataFrame({"x": cols / (image.shape[1] - 1), "y": 1.0 - rows / (image.shape[0] - 1)})
    return LabeledData(X, image[rows, cols].astype(np.int64), ["bakgrunn", "flaggermus"])


def bat_grid(step: int = 8) -> tuple[pd.DataFrame, np.ndarray]:
    """A regular grid over the image (every ``step``-th pixel) in the same coordinates, and its true mask."""
    image = tabpfn_demo.load()
    rows = np.arange(0, image.shape[0], step)
    cols = np.arange(0, image.shape[1], step)
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    X = pd.DataFrame({"x": cc.ravel() / (image.shape[1] - 1), "y": 1.0 - rr.ravel() / (image.shape[0] - 1)})
    return X, image[rr, cc]
