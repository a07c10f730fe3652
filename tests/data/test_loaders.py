"""Unit tests of the dataset loaders' parsing and error handling on small files the tests make."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dyplab.data import DataError, fer2013, flowers, medmnist, oasis

# --------------------------------------------------------------------------- flowers / ImageFolder


def _image(path: Path, color=(200, 30, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (12, 8), color).save(path)
    return path


def test_flowers_root_indexes_class_folders_and_skips_non_images(tmp_path):
    _image(tmp_path / "b_cls" / "x.png")
    _image(tmp_path / "a_cls" / "one.jpg")
    _image(tmp_path / "a_cls" / "two.JPEG")
    (tmp_path / "a_cls" / "notes.txt").write_text("not an image")
    (tmp_path / "a_cls" / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "LICENSE.txt").write_text("top-level files are not classes")
    (tmp_path / ".hidden").mkdir()
    data = flowers.load(tmp_path)
    assert data.class_names == ["a_cls", "b_cls"]
    assert [p.name for p in data.X] == ["one.jpg", "two.JPEG", "x.png"]
    assert data.y.dtype == np.int64 and data.y.tolist() == [0, 0, 1]
    ds = data.to_dataset()
    assert len(ds) == 3
    image, target = ds[2]
    assert image.mode == "RGB" and image.size == (12, 8) and target == 1


def test_flowers_root_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        flowers.load(tmp_path / "nope")
    _image(tmp_path / "flat.jpg")
    with pytest.raises(DataError, match="no class subfolders"):
        flowers.load(tmp_path)
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / "readme.md").write_text("x")
    with pytest.raises(DataError, match="no images"):
        flowers.load(tmp_path)
    _image(tmp_path / "other" / "ok.jpg")
    with pytest.raises(DataError, match=r"\['cls'\].*hold no images"):
        flowers.load(tmp_path)


def test_flowers_scan_leaves_out_unreadable_image(tmp_path):
    _image(tmp_path / "cls" / "good.jpg")
    (tmp_path / "cls" / "broken.jpg").write_bytes(b"not really a jpeg")
    with pytest.warns(UserWarning, match="broken.jpg: not an image"):
        data = flowers.load(tmp_path)
    assert [p.name for p in data.X] == ["good.jpg"]


# --------------------------------------------------------------------------- MedMNIST npz files


def _npz(path: Path, **arrays) -> Path:
    np.savez(path, **arrays)
    return path


def test_medmnist_labels_are_always_1d_int64(tmp_path):
    images = np.zeros((4, 28, 28), np.uint8)
    official = _npz(tmp_path / "o.npz", train_images=images, train_labels=np.array([[0], [1], [1], [0]], np.uint8))
    resaved = _npz(tmp_path / "r.npz", train_images=images, train_labels=np.array([0, 1, 1, 0], np.uint8))
    for path in (official, resaved):
        X, y = medmnist.read_npz(path, "train")
        assert X.shape == (4, 28, 28) and X.dtype == np.uint8
        assert y.shape == (4,) and y.dtype == np.int64 and y.tolist() == [0, 1, 1, 0]


def test_medmnist_bad_files(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    with pytest.raises(DataError, match="has no"):
        medmnist.read_npz(_npz(tmp_path / "a.npz", train_images=images), "train")
    with pytest.raises(DataError, match="dtype float32"):
        medmnist.read_npz(_npz(tmp_path / "b.npz", train_images=images.astype(np.float32),
                               train_labels=np.zeros(2, np.uint8)), "train")
    with pytest.raises(DataError, match="shape"):
        medmnist.read_npz(_npz(tmp_path / "c.npz", train_images=images, train_labels=np.zeros(3, np.uint8)), "train")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"garbage")
    with pytest.raises(DataError, match="not a readable .npz"):
        medmnist.read_npz(junk, "train")
    with pytest.raises(DataError, match="unknown MedMNIST split"):
        medmnist.load("breastmnist", "validation")
    with pytest.raises(DataError, match="3-D"):
        medmnist.load("organmnist3d", "train")


def test_medmnist_unknown_flag_offline_explains(isolated_cache, monkeypatch):
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)
    with pytest.raises(DataError, match="(?s)dermamnist.*mirror: the course mirror does not hold dermamnist.npz.*DYPLAB_OFFLINE=1"):
        medmnist.load("dermamnist", "train")
    assert medmnist.flags_available() == []


# --------------------------------------------------------------------------- OASIS tables and volumes

_HEADER = "ID,M/F,Hand,Age,Educ,SES,MMSE,CDR,eTIV,nWBV,ASF,Delay\n"


def test_oasis_empty_cdr_is_nan_not_zero(tmp_path):
    csv = tmp_path / "cross.csv"
    csv.write_text(
        _HEADER
        + "OAS1_0001_MR1,F,R,74,2,3,29,0,1344,0.743,1.306,N/A\n"
        + "OAS1_0002_MR1,M,R,25,,,,,1147,0.81,1.531,N/A\n"
        + "OAS1_0003_MR2,F,R,73,4,3,27,0.5,1454,0.708,1.207,23\n"
    )
    frame = oasis.read_cross_sectional(csv)
    assert frame["CDR"].tolist()[0] == 0.0 and np.isnan(frame["CDR"].iloc[1]) and frame["CDR"].iloc[2] == 0.5
    assert frame["Delay"].isna().tolist() == [True, True, False]
    assert frame["subject_id"].tolist() == ["OAS1_0001", "OAS1_0002", "OAS1_0003"]
    assert frame["session"].tolist() == ["MR1", "MR1", "MR2"]
    assert str(frame["Age"].dtype) == "Int64" and frame["MMSE"].dtype == np.float64


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("OAS1_0001_MR1,F,R,74,2,3,29,0.7,1344,0.743,1.306,N/A\n", "CDR has value"),
        ("OAS1_0001_MR1,F,R,old,2,3,29,0,1344,0.743,1.306,N/A\n", "'Age' has non-numeric"),
        ("subject-1,F,R,74,2,3,29,0,1344,0.743,1.306,N/A\n", "malformed ID"),
    ],
)
def test_oasis_bad_rows(tmp_path, row, message):
    csv = tmp_path / "cross.csv"
    csv.write_text(_HEADER + row)
    with pytest.raises(DataError, match=message):
        oasis.read_cross_sectional(csv)


def test_oasis_missing_column(tmp_path):
    csv = tmp_path / "cross.csv"
    csv.write_text("ID,Age\nOAS1_0001_MR1,74\n")
    with pytest.raises(DataError, match=r"missing column\(s\)"):
        oasis.read_cross_sectional(csv)


def test_oasis_load_volume(tmp_path):
    nib = pytest.importorskip("nibabel")
    good = tmp_path / "v.nii.gz"
    nib.save(nib.Nifti1Image(np.arange(24, dtype=np.float32).reshape(2, 3, 4), np.eye(4)), str(good))
    volume = oasis.load_volume(good)
    assert volume.shape == (2, 3, 4) and volume.dtype == np.float32 and volume[1, 2, 3] == 23
    flat = tmp_path / "flat.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((4, 4), np.float32), np.eye(4)), str(flat))
    with pytest.raises(DataError, match="expected a 3-D volume"):
        oasis.load_volume(flat)
    junk = tmp_path / "junk.nii.gz"
    junk.write_bytes(b"no nifti here")
    with pytest.raises(DataError, match="not a readable NIfTI"):
        oasis.load_volume(junk)
    with pytest.raises(DataError, match="does not exist"):
        oasis.load_volume(tmp_path / "missing.nii.gz")


def test_oasis_bad_plane():
    with pytest.raises(DataError, match="unknown plane 'transverse'"):
        oasis.slices("transverse")


# --------------------------------------------------------------------------- FER2013 arguments and offline messages


def test_fer_argument_errors():
    with pytest.raises(DataError, match="unknown FER2013 split 'val'"):
        fer2013.load("val")
    with pytest.raises(DataError, match="limit_per_class"):
        fer2013.load("train", limit_per_class=0)


def test_fer_unavailable_mentions_kaggle(isolated_cache, monkeypatch):
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)
    with pytest.raises(DataError, match="(?s)Sources tried.*Kaggle"):
        fer2013.load("train", limit_per_class=1)
    with pytest.raises(DataError, match="DYPLAB_OFFLINE=1"):
        fer2013.download_kaggle()
