"""dyplab.io: the one atomic write and the one file hash."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from dyplab.io import file_hash, save_npz_atomic, write_atomic


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    assert write_atomic(target, lambda fh: fh.write(b"first"))
    assert write_atomic(target, lambda fh: fh.write(b"second"))
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_write_atomic_reports_an_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert not write_atomic(blocker / "out.txt", lambda fh: fh.write(b"x"))


def test_save_npz_atomic_round_trip(tmp_path):
    path = tmp_path / "a.npz"
    assert save_npz_atomic(path, X=np.arange(5))
    with np.load(path) as f:
        assert f["X"].tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_file_hash_matches_hashlib_across_chunks(tmp_path, algorithm):
    data = bytes(range(256)) * 5000  # > one chunk of 1 MiB
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    assert file_hash(path, algorithm) == hashlib.new(algorithm, data).hexdigest()
    assert file_hash(path, algorithm, chunk=7) == hashlib.new(algorithm, data).hexdigest()
