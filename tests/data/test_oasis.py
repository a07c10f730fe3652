"""OASIS: subject-level splits, the CDR join (empty stays missing), volume loading and the three-view slicer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dyplab import splits
from dyplab.data import DataError, oasis

_HEADER = "ID,M/F,Hand,Age,Educ,SES,MMSE,CDR,eTIV,nWBV,ASF,Delay\n"
_ROWS = (
    "OAS1_0001_MR1,F,R,74,2,3,29,0,1344,0.743,1.306,N/A\n"
    "OAS1_0002_MR1,M,R,65,,,,,1147,0.81,1.531,N/A\n"
    "OAS1_0003_MR1,F,R,73,4,,27,0.5,1454,0.708,1.207,N/A\n"
    "OAS1_0003_MR2,F,R,73,4,,27,0.5,1454,0.708,1.207,23\n"
)


@pytest.fixture
def clinical(tmp_path):
    csv = tmp_path / "cross.csv"
    csv.write_text(_HEADER + _ROWS)
    return oasis.read_cross_sectional(csv)


def _frame(*sessions: str) -> pd.DataFrame:
    return pd.DataFrame({"subject_id": [s[:9] for s in sessions], "session_id": list(sessions),
                         "path": [f"{s}.jpg" for s in sessions]})


def test_cdr_join_keeps_empty_as_missing(clinical):
    assert np.isnan(clinical.set_index("ID").loc["OAS1_0002_MR1", "CDR"])  # empty, not 0
    joined = oasis._with_labels(_frame("OAS1_0003_MR1", "OAS1_0001_MR1"), clinical, what="test")
    assert joined["subject_id"].tolist() == ["OAS1_0001", "OAS1_0003"]
    assert joined["cdr"].tolist() == [0.0, 0.5] and joined["label"].tolist() == [0, 1]
    assert joined["label"].dtype == np.int64
    assert joined["age"].tolist() == [74.0, 73.0] and joined["sex"].tolist() == ["F", "F"]
    assert joined["ses"].iloc[0] == 3.0 and np.isnan(joined["ses"].iloc[1])  # empty SES stays missing too
    with pytest.raises(DataError, match=r"no CDR rating for \['OAS1_0002_MR1'\]"):
        oasis._with_labels(_frame("OAS1_0001_MR1", "OAS1_0002_MR1"), clinical, what="test")
    with pytest.raises(DataError, match="not in"):
        oasis._with_labels(_frame("OAS1_0009_MR1"), clinical, what="test")


def test_subject_level_splits_are_disjoint():
    rng = np.random.default_rng(0)
    subjects = np.repeat([f"OAS1_{i:04d}" for i in range(60)], 3)  # e.g. three images per subject
    y = np.repeat(rng.permutation(np.arange(60) % 2), 3)
    split = splits.train_val_test(y, val_size=0.15, test_size=0.15, seed=1, groups=subjects)
    splits.check_disjoint(split.train, split.val, split.test, groups=subjects)
    assert sum(split.sizes().values()) == len(y)
    folds = splits.repeated_folds(y, n_splits=5, n_repeats=2, seed=1, groups=subjects)
    assert len(folds) == 10
    for train, test in folds:
        splits.check_disjoint(train, test, groups=subjects)
    # a row-level split would put one subject on both sides: the check must notice
    with pytest.raises(AssertionError, match="share"):
        splits.check_disjoint(np.arange(0, 90), np.arange(89, 180), groups=subjects)


@pytest.mark.mirror
def test_mirror_slices_as_labeled_data_split_by_subject(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    data = oasis.load_slices(list(oasis.PLANES), size=16)
    assert data.X.shape == (196, 3, 16, 16) and data.group_kind == "subject"
    split = splits.train_val_test(data.y, groups=data.groups)
    splits.check_disjoint(split.train, split.val, split.test, groups=data.groups)
    assert data.meta["cdr"].notna().all() and (data.y == (data.meta["cdr"] > 0)).all()


def _nifti(tmp_path, array: np.ndarray, name: str = "vol.nii.gz"):
    nib = pytest.importorskip("nibabel")
    path = tmp_path / name
    nib.save(nib.Nifti1Image(array.astype(np.float32), np.diag([-2.0, 2.0, 2.0, 1.0])), str(path))
    return path


def test_volume_loading_and_three_views(tmp_path):
    grid = np.arange(5 * 6 * 7, dtype=np.float32).reshape(5, 6, 7)
    volume = oasis.load_volume(_nifti(tmp_path, grid))
    assert volume.shape == (5, 6, 7) and volume.dtype == np.float32
    np.testing.assert_array_equal(volume, grid)
    views = oasis.three_views(volume)
    assert list(views) == ["sagittal", "coronal", "axial"]
    assert views["sagittal"].shape == (7, 6) and views["coronal"].shape == (7, 5) and views["axial"].shape == (6, 5)
    np.testing.assert_array_equal(views["sagittal"], np.rot90(grid[2]))  # centre voxel (2, 3, 3)
    np.testing.assert_array_equal(views["coronal"], np.rot90(grid[:, 3]))
    np.testing.assert_array_equal(views["axial"], np.rot90(grid[:, :, 3]))
    # the top row of a rotated slice is the highest index of the slice's second axis ("up")
    assert views["axial"][0, 0] == grid[0, 5, 3]
    chosen = oasis.three_views(volume, index=(0, 1, 6))
    np.testing.assert_array_equal(chosen["axial"], np.rot90(grid[:, :, 6]))


def test_three_views_wrong_dimensions_and_index(tmp_path):
    with pytest.raises(ValueError, match=r"3-D volume.*2 dimension\(s\), shape \(5, 6\)"):
        oasis.three_views(np.zeros((5, 6)))
    with pytest.raises(ValueError, match=r"4 dimension\(s\)"):
        oasis.three_views(np.zeros((5, 6, 7, 2)))
    with pytest.raises(ValueError, match="is not a voxel"):
        oasis.three_views(np.zeros((5, 6, 7)), index=(5, 0, 0))
    flat = _nifti(tmp_path, np.zeros((4, 4)), "flat.nii.gz")
    with pytest.raises(DataError, match=r"flat\.nii\.gz has shape \(4, 4\); expected a 3-D volume"):
        oasis.load_volume(flat)
