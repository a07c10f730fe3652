"""Bonn EEG loader: the real mirror (skipped without it) and hand-made broken zips."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np
import pytest

from dyplab.data import ChecksumError, DataError, bonn_eeg

# Value ranges per set from the mirror's SOURCE.md ("Verification done").
RANGES = {"A": (-288, 294), "B": (-424, 360), "C": (-412, 623), "D": (-1147, 2047), "E": (-1885, 2047)}


def _member(values) -> bytes:
    return "".join(f"{int(v)}\r\n" for v in values).encode()


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.mirror
def test_all_five_sets_load_from_the_mirror(mirror: Path, isolated_cache: Path) -> None:
    eeg = bonn_eeg.load()
    X, y, labels = eeg.X, eeg.y, eeg.class_names
    assert X.shape == (500, bonn_eeg.N_SAMPLES) and X.dtype == np.float32
    assert y.dtype == np.int64 and labels == list("ABCDE")
    assert np.bincount(y).tolist() == [100] * 5
    assert eeg.group_kind == "recording" and len(set(eeg.groups)) == 500 and eeg.groups[0] == "A/Z001"
    for k, letter in enumerate(labels):
        part = X[y == k]
        assert (part.min(), part.max()) == RANGES[letter], letter
    assert np.all(X == np.round(X))
    assert not any((isolated_cache / "bonn_eeg").glob("*")), "the loader must read the zips in place"


@pytest.mark.mirror
def test_set_c_with_upper_case_txt_is_read(mirror: Path, isolated_cache: Path) -> None:
    with zipfile.ZipFile(mirror / "bonn_eeg" / "setC.zip") as zf:
        assert all(n.endswith(".TXT") for n in zf.namelist() if not n.endswith("/"))
    eeg = bonn_eeg.load("C")
    X, y, labels = eeg.X, eeg.y, eeg.class_names
    assert X.shape == (100, 4097) and labels == ["C"] and set(y.tolist()) == {0}


@pytest.mark.mirror
def test_labels_follow_the_order_of_sets(mirror: Path, isolated_cache: Path) -> None:
    eeg = bonn_eeg.load("EA")
    X_ea, y_ea, labels = eeg.X, eeg.y, eeg.class_names
    eeg = bonn_eeg.load("A")
    X_a = eeg.X
    assert labels == ["E", "A"] and y_ea[:100].tolist() == [0] * 100 and y_ea[100:].tolist() == [1] * 100
    np.testing.assert_array_equal(X_ea[100:], X_a)


@pytest.mark.mirror
def test_features_are_a_table_of_the_same_segments(mirror: Path, isolated_cache: Path) -> None:
    from dyplab.eeg_features import eeg_features

    eeg, table = bonn_eeg.load("AE"), bonn_eeg.features("AE")
    assert table.class_names == ["sett A", "sett E"] and table.group_kind == "recording"
    assert np.array_equal(table.y, eeg.y) and np.array_equal(table.groups, eeg.groups)
    assert table.X.equals(eeg_features(eeg.X, bonn_eeg.SAMPLING_RATE_HZ))
    with pytest.raises(ValueError, match="two Bonn sets"):
        bonn_eeg.features("ABE")

def test_unknown_or_repeated_sets_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown Bonn EEG set"):
        bonn_eeg.load("AX", root=Path("nowhere"))
    with pytest.raises(ValueError, match="more than once"):
        bonn_eeg.load("AA", root=Path("nowhere"))


def test_wrong_number_of_samples_names_the_member(tmp_path: Path) -> None:
    good = _member(np.arange(4097) % 100)
    _write_zip(tmp_path / "setA.zip", {"setA/Z001.txt": good, "setA/Z002.txt": _member(np.arange(4000))})
    with pytest.raises(DataError, match=r"setA\.zip:setA/Z002\.txt: has 4000 samples, expected 4097"):
        bonn_eeg.load("A", root=tmp_path)


def test_non_numeric_value_is_a_clear_error(tmp_path: Path) -> None:
    bad = _member(np.arange(4096)) + b"abc\r\n"
    _write_zip(tmp_path / "setE.zip", {"setE/S001.txt": bad})
    with pytest.raises(DataError, match=r"S001\.txt, line 4097: 'abc' is not a number"):
        bonn_eeg.load("E", root=tmp_path)


def test_members_are_verified_against_members_sha256(tmp_path: Path) -> None:
    a, b = _member(np.zeros(4097)), _member(np.ones(4097))
    _write_zip(tmp_path / "setB.zip", {"setB/O001.txt": a, "setB/O002.txt": b})
    digest_a = hashlib.sha256(a).hexdigest()
    (tmp_path / "MEMBERS.sha256").write_text(f"{digest_a}  setB/O001.txt\n{'0' * 64}  setB/O002.txt\n")
    with pytest.raises(ChecksumError, match="O002.txt"):
        bonn_eeg.load("B", root=tmp_path)
    eeg = bonn_eeg.load("B", root=tmp_path, verify=False)
    X = eeg.X
    assert X.shape == (2, 4097) and X[1].max() == 1
    # a member listed in MEMBERS.sha256 but missing from the zip
    (tmp_path / "MEMBERS.sha256").write_text(f"{digest_a}  setB/O001.txt\n{digest_a}  setB/O003.txt\n")
    with pytest.raises(DataError, match="missing"):
        bonn_eeg.load("B", root=tmp_path)


def test_missing_archive_and_non_zip(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        bonn_eeg.load("D", root=tmp_path)
    (tmp_path / "setD.zip").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a readable zip"):
        bonn_eeg.load("D", root=tmp_path)


def test_segments_cut_windows_and_remember_their_source() -> None:
    X = np.arange(3 * 20, dtype=np.float32).reshape(3, 20)
    W, src = bonn_eeg.segments(X, length=8, step=4)
    assert W.shape == (3 * 4, 8) and src.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    np.testing.assert_array_equal(W[5], X[1, 4:12])
    W2, _ = bonn_eeg.segments(X, length=8)  # no overlap: 2 windows per row, the tail is dropped
    assert W2.shape == (6, 8)
    with pytest.raises(ValueError, match="longer than the segments"):
        bonn_eeg.segments(X, length=21)


def test_windowed_split_keeps_each_recording_on_one_side() -> None:
    from dyplab.data import LabeledData, LabeledSplit

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4097)).astype(np.float32)
    y = np.repeat([0, 1], 30)
    names = np.array([f"rec{i}" for i in range(60)])
    s = bonn_eeg.windowed_split(LabeledData(X, y, ["A", "E"], groups=names, group_kind="recording"), length=256,
                                step=128, test_size=0.25, val_size=0.15, seed=3)
    assert isinstance(s, LabeledSplit) and s.train.class_names == ["A", "E"] and s.test.group_kind == "segment"
    groups = [set(s.train.groups.tolist()), set(s.val.groups.tolist()), set(s.test.groups.tolist())]
    assert not (groups[0] & groups[1]) and not (groups[0] & groups[2]) and not (groups[1] & groups[2])
    assert set().union(*groups) == set(range(60))
    assert len(groups[2]) == 15 and sorted(np.bincount(y[list(groups[2])]).tolist()) == [7, 8]  # stratified
    # every window is really a piece of the segment it claims to come from, with that segment's label and name
    for part in s.parts().values():
        W, g = part.X, part.groups
        np.testing.assert_array_equal(part.y, y[g])
        assert list(part.meta["recording"]) == list(names[g])
        for i in (0, len(W) - 1):
            row = X[g[i]]
            assert any(np.array_equal(W[i], row[o : o + 256]) for o in range(0, 4097 - 255, 128))
    assert s.sizes()["test"] == 15 * 31 and s.group_sizes()["test"] == 15
    with pytest.raises(TypeError, match="LabeledData"):
        bonn_eeg.windowed_split(X, length=256)
