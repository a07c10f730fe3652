"""Integration tests against the course data mirror (skipped when DYPLAB_DATA_MIRROR is unset).

Every dataset must verify from the mirror, the shipped manifests must be the mirror's pinned
SHA256SUMS, and the loaders must return the shapes and counts that each SOURCE.md states.
Runs offline with a fresh cache, so everything comes from the mirror and nothing is downloaded.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dyplab.data import _core

pytestmark = [pytest.mark.mirror, pytest.mark.usefixtures("no_network")]

# sha256 of each folder's SHA256SUMS, from the integrity table of the mirror's README.md
DIGESTS = {
    "bonn_eeg": "a1f207e388be4a72c3517345f58cbb6aa6a4587b1bf5f30bcaa51bfbcd3a6f16",
    "fer2013": "ba23a043626a58bb104f5bf743f2127d5207f5adb6ab67f91f0f995381fa8f1e",
    "flowers": "5153a048555c29d6df6a435cd352932e08b778313a808ff5623b1c35860549ea",
    "flowers_256": "ae1b4ea651cbc748d81bf772b58318bdbbeb07a1f072e5e135f30b11e78d7638",
    "medmnist": "9a87062e2d6c66c2519d1f213607b7a63977739db92b1dc8595f0845a46ed771",
    "mitdb": "d72930abf08c2e1b3b8dbb8ab7aa0e090f2cb765e5a31a186dbe4d1dd7eafb99",
    "mnist": "abca1685336e37aa33a42b8e8886e04e9bd739abb9c10b4340fdb3be3218f9e7",
    "oasis_mri": "b90fbeb8c4d5b73f5db8917dbf69d2f18be26db46c9f3be13251053b4aa93fee",
    "oasis_tabular": "a9b0e6b8175b1a6a8b93caa5823be2ae0813792749b6c6fe01f2c4e5476d22dc",
    "tabpfn_demo": "156c8acf7b8cd2d520376360e08dcceb3595a492ecba7ff16faac8e62053611a",
    "uci_darwin": "1921f9590754b15f8044b5d3ea4c6a65534ae893847384e31a1f4deb86bcc627",
    "uci_glioma": "0cbf74752e5bf37c37bd7759626c178653e93e629e228474437f22ddcb53e88d",
    "uci_heart": "84fe1fe9cd9c2e9e4c9ff7094e30cb12b7668b9e1c784dc97080509974406097",
    "uci_parkinsons": "0081668ed30a8d1be02d028335ea82bb8ab79838aad53e206aac8319188bad76",
}
# number of files per folder, from the same table
FILE_COUNTS = {
    "bonn_eeg": 6, "fer2013": 35887, "flowers": 401, "flowers_256": 3485, "medmnist": 2, "mitdb": 147, "mnist": 4, "oasis_mri": 609,
    "oasis_tabular": 2, "tabpfn_demo": 1, "uci_darwin": 4, "uci_glioma": 2, "uci_heart": 5, "uci_parkinsons": 2,
}
FER_CLASSES = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
FER_TRAIN = [3995, 436, 4097, 7215, 4965, 4830, 3171]
FER_TEST = [958, 111, 1024, 1774, 1233, 1247, 831]


def _dir_mtimes(root: Path) -> dict[str, int]:
    out = {}
    for dirpath, _, _ in os.walk(root):
        out[dirpath] = os.stat(dirpath).st_mtime_ns
    return out


@pytest.fixture(scope="module", autouse=True)
def mirror_env(mirror: Path, tmp_path_factory: pytest.TempPathFactory):
    """Offline, a fresh module-wide cache, the mirror from DYPLAB_DATA_MIRROR; the mirror must stay untouched."""
    before = _dir_mtimes(mirror)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DYPLAB_DATA_DIR", str(tmp_path_factory.mktemp("mirror-cache")))
        mp.setenv("DYPLAB_OFFLINE", "1")
        yield mirror
    assert _dir_mtimes(mirror) == before, "a file was created or removed inside the mirror"


def _shipped_manifest_bytes(name: str) -> bytes:
    base = resources.files("dyplab.data") / "manifests"
    plain, packed = base / f"{name}.sha256", base / f"{name}.sha256.gz"
    return plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes())


def test_registry_matches_the_mirror_table():
    assert {d.name for d in _core.list_datasets()} == set(DIGESTS)


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_shipped_manifest_is_the_pinned_sha256sums(name, mirror_env):
    data = _shipped_manifest_bytes(name)
    assert hashlib.sha256(data).hexdigest() == DIGESTS[name]
    assert hashlib.sha256((mirror_env / name / "SHA256SUMS").read_bytes()).hexdigest() == DIGESTS[name]
    assert len(_core.manifest(name)) == FILE_COUNTS[name]


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_dataset_verifies_from_mirror(name, mirror_env):
    report = _core.check_location(name, mirror_env / name, force=True)
    assert report.ok, report.reason()
    assert report.checked == FILE_COUNTS[name]
    assert _core.fetch(name) == mirror_env / name
    assert _core.source(name) == ("mirror", mirror_env / name)


# --------------------------------------------------------------------------- flowers


def test_flowers_mirror_subset():
    from dyplab.data import flowers

    data = flowers.load()
    paths, labels, classes = data.X, data.y, data.class_names
    assert classes == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    assert len(paths) == 400 and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [80] * 5
    assert all(p.suffix == ".jpg" and p.parent.name == classes[y] for p, y in zip(paths, labels))
    ds = data.to_dataset()
    assert len(ds) == 400
    image, target = ds[len(ds) - 1]
    assert image.mode == "RGB" and target == 4


# --------------------------------------------------------------------------- medmnist


@pytest.mark.parametrize(
    ("flag", "split", "shape", "counts"),
    [
        ("retinamnist", "train", (1080, 28, 28, 3), [486, 128, 206, 194, 66]),
        ("retinamnist", "val", (120, 28, 28, 3), [54, 12, 28, 20, 6]),
        ("retinamnist", "test", (400, 28, 28, 3), [174, 46, 92, 68, 20]),
        ("breastmnist", "train", (546, 28, 28), [147, 399]),
        ("breastmnist", "val", (78, 28, 28), [21, 57]),
        ("breastmnist", "test", (156, 28, 28), [42, 114]),
    ],
)
def test_medmnist_splits(flag, split, shape, counts):
    from dyplab.data import medmnist

    data = medmnist.load(flag, split)
    X, y = data.X, data.y
    assert len(data.class_names) == len(counts)
    assert X.shape == shape and X.dtype == np.uint8
    assert y.shape == (shape[0],) and y.dtype == np.int64
    assert np.bincount(y).tolist() == counts


def test_medmnist_offline_flags_and_clear_error():
    from dyplab.data import DataError, medmnist

    assert medmnist.flags_available() == ["breastmnist", "retinamnist"]
    with pytest.raises(DataError, match="(?s)pneumoniamnist.*DYPLAB_OFFLINE=1"):
        medmnist.load("pneumoniamnist", "train")


# --------------------------------------------------------------------------- OASIS


def test_oasis_clinical_tables():
    from dyplab.data import oasis

    cross = oasis.clinical_table()
    assert cross.shape[0] == 436 and cross["subject_id"].nunique() == 416
    assert cross["CDR"].dtype == np.float64
    assert cross["CDR"].isna().sum() == 201  # empty CDR is missing, not 0
    assert cross["CDR"].value_counts().to_dict() == {0.0: 135, 0.5: 70, 1.0: 28, 2.0: 2}
    assert (cross["session"] == "MR2").sum() == 20 and cross["Delay"].notna().sum() == 20
    assert cross["M/F"].value_counts().to_dict() == {"F": 268, "M": 168}


@pytest.mark.parametrize(("plane", "hw"), [("axial", (208, 176)), ("coronal", (176, 176)), ("sagittal", (176, 208))])
def test_oasis_slices(plane, hw, mirror_env):
    import pandas as pd

    from dyplab.data import oasis

    table = oasis.slices(plane)
    assert list(table.columns[:5]) == ["subject_id", "session_id", "path", "cdr", "label"]
    assert len(table) == 196 and table["subject_id"].is_unique
    assert table["label"].value_counts().to_dict() == {0: 98, 1: 98}
    assert table["cdr"].value_counts().to_dict() == {0.0: 98, 0.5: 70, 1.0: 28}
    assert table["age"].min() >= 60
    covered = pd.read_csv(mirror_env / "oasis_mri" / "subjects_covered.csv")
    with_slices = covered[covered["slices_t88"] == 1].set_index("ID")["CDR"]
    assert len(with_slices) == 196
    assert table.set_index("session_id")["cdr"].sort_index().equals(with_slices.sort_index().astype(float))
    data = oasis.load_slices(plane)
    X, y, subjects = data.X, data.y, data.groups
    assert data.group_kind == "subject" and data.class_names == ["CDR 0", "CDR > 0"]
    assert data.meta["age"].tolist() == table["age"].tolist() and data.meta["nwbv"].notna().all()
    assert X.shape == (196, *hw) and X.dtype == np.float32
    assert 0.0 <= X.min() and X.max() <= 1.0 and X.max() > 0.5
    assert y.dtype == np.int64 and y.tolist() == table["label"].tolist()
    assert subjects.tolist() == table["subject_id"].tolist()


def test_oasis_slices_resize():
    from dyplab.data import oasis

    data = oasis.load_slices("axial", size=64)
    assert data.X.shape == (196, 64, 64) and data.X.dtype == np.float32 and len(data.y) == 196
    views = oasis.load_slices(list(oasis.PLANES), size=32)
    assert views.X.shape == (196, 3, 32, 32) and views.y.tolist() == data.y.tolist()


def test_oasis_volumes():
    from dyplab.data import oasis

    vols = oasis.volumes()
    assert len(vols) == 19 and vols["subject_id"].is_unique
    assert vols["label"].value_counts().to_dict() == {0: 9, 1: 10}
    assert vols["cdr"].value_counts().to_dict() == {0.0: 9, 0.5: 5, 1.0: 3, 2.0: 2}
    assert all(str(p).endswith(".nii.gz") for p in vols["path"])
    volume = oasis.load_volume(vols["path"].iloc[0])
    assert volume.shape == (91, 109, 91) and volume.dtype == np.float32
    assert volume.min() >= 0.0 and 1.0 < volume.max() < 3.0


# --------------------------------------------------------------------------- FER2013


def test_fer_train_counts_and_decoded_cache():
    from dyplab import config
    from dyplab.data import fer2013

    train = fer2013.load("train")
    X, y, classes = train.X, train.y, train.class_names
    assert classes == FER_CLASSES
    assert set(train.meta["split"]) == {"train"}
    assert X.shape == (28709, 48, 48) and X.dtype == np.uint8 and y.dtype == np.int64
    assert np.bincount(y).tolist() == FER_TRAIN
    cached = list((config.data_dir() / "derived" / "fer2013").glob("train-*.npz"))
    assert len(cached) == 1
    again = fer2013.load("train")  # from the decoded cache
    X2, y2 = again.X, again.y
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_fer_test_splits_are_kept_apart():
    from dyplab.data import fer2013

    test = fer2013.load("test")
    assert test.class_names == FER_CLASSES
    assert test.X.shape == (7178, 48, 48) and np.bincount(test.y).tolist() == FER_TEST
    ypub, ypriv = fer2013.load("public_test").y, fer2013.load("private_test").y
    assert len(ypub) == 3589 and len(ypriv) == 3589
    assert (np.bincount(ypub, minlength=7) + np.bincount(ypriv, minlength=7)).tolist() == FER_TEST
    rels = [r for r in _core.manifest("fer2013") if r.startswith("test/")]
    assert sum(r.split("/")[-1].startswith("PublicTest_") for r in rels) == 3589


def test_fer_limit_per_class_is_seeded():
    from dyplab.data import fer2013

    a, b, c = (fer2013.load("train", limit_per_class=20, seed=s) for s in (1, 1, 2))
    X, y, X2, y2, X3 = a.X, a.y, b.X, b.y, c.X
    assert X.shape == (140, 48, 48) and np.bincount(y).tolist() == [20] * 7
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, X3)


def test_fer_validation_is_carved_from_the_train_folder_only():
    from dyplab.workflows import faces

    split = faces.official_split(val_size=0.1, seed=42)
    assert split.train.class_names == FER_CLASSES and split.test.class_names == FER_CLASSES
    assert len(split.train) + len(split.val) == 28709 and len(split.test) == 7178
    train_files, val_files = set(split.train.meta["file"]), set(split.val.meta["file"])
    assert train_files.isdisjoint(val_files)
    assert all(f.startswith("train/") for f in train_files | val_files)
    assert all(f.startswith("test/") for f in split.test.meta["file"])
    # stratified: every class keeps its share of the folder within one image
    val_counts = np.bincount(split.val.y, minlength=7)
    assert np.all(np.abs(val_counts - np.array(FER_TRAIN) * 0.1) <= 1)
    again = faces.official_split(val_size=0.1, seed=42)
    assert list(again.val.meta["file"]) == list(split.val.meta["file"])  # seeded


# --------------------------------------------------------------------------- UCI tables and the TabPFN demo


def test_parkinsons():
    from dyplab.data import uci_tables

    frame = uci_tables.parkinsons_table()
    assert frame.shape == (195, 25)
    assert frame["status"].value_counts().to_dict() == {1: 147, 0: 48}
    assert frame["subject_id"].nunique() == 32  # SOURCE.md: 32 name prefixes (31 people per the .names file)
    assert frame.loc[0, "name"] == "phon_R01_S01_1" and frame.loc[0, "subject_id"] == "S01"
    assert not frame.isna().any().any()


def test_darwin():
    from dyplab.data import uci_tables

    frame = uci_tables.darwin_table()
    assert frame.shape == (174, 452)
    assert frame["class"].value_counts().to_dict() == {1: 89, 0: 85}
    assert frame["ID"].is_unique and frame.columns[1] == "air_time1" and frame.columns[-2] == "total_time25"


def test_glioma():
    from dyplab.data import uci_tables

    frame = uci_tables.glioma_table()
    assert frame.shape == (839, 24)
    assert frame["Grade"].value_counts().to_dict() == {0: 487, 1: 352}
    assert frame["Race"].value_counts().to_dict() == {0: 765, 1: 59, 2: 14, 3: 1}


def test_tabpfn_demo():
    from dyplab.data import tabpfn_demo

    image = tabpfn_demo.load()
    assert image.shape == (540, 960) and image.dtype == np.uint8
    assert np.bincount(image.ravel()).tolist() == [152000, 366400]
