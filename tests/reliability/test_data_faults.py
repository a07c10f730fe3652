"""Faults in the data layer: damaged copies are reported and repaired, one bad file blocks only itself,
truncated archives are clear errors, and nothing half-written is left behind."""

from __future__ import annotations

import random
import shutil
import tarfile
import warnings
from pathlib import Path

import pytest

from dyplab import cli
from dyplab.data import DataError, _core
from dyplab.io import write_atomic


def _mirror_copy(mirror: Path, tmp_path: Path, name: str, files: list[str]) -> Path:
    """A private mirror with some files of dataset ``name`` copied from the course mirror (writable)."""
    src = mirror / name
    dst = tmp_path / "mirror" / name
    dst.mkdir(parents=True)
    for rel in files:
        shutil.copyfile(src / rel, dst / rel)
    return dst.parent


@pytest.mark.mirror
def test_corrupt_cache_is_reported_warned_and_repaired(mirror, tmp_path, isolated_cache, monkeypatch, capsys):
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.setenv("DYPLAB_DATA_MIRROR", str(mirror))
    cache = isolated_cache / "uci_heart"
    shutil.copytree(mirror / "uci_heart", cache)
    victim = next(p for p in sorted(cache.rglob("*")) if p.is_file() and p.name != "SOURCE.md" and
                  p.relative_to(cache).as_posix() in _core.manifest("uci_heart"))
    victim.chmod(0o644)
    good = victim.read_bytes()
    victim.write_bytes(good[:-10] + b"0000000000")  # same size, wrong content
    with pytest.warns(UserWarning, match="damaged.*verify --repair uci_heart"):
        assert _core.fetch("uci_heart") == mirror / "uci_heart"  # the damaged cache is not used
    assert cli.main(["data", "verify", "uci_heart"]) == 1
    out = capsys.readouterr().out
    assert "cache    corrupt" in out and "mirror   OK" in out and victim.name in out  # every copy is reported
    assert cli.main(["data", "verify", "--repair", "uci_heart"]) == 0
    out = capsys.readouterr().out
    assert f"replaced {victim}" in out and "cache    OK" in out
    assert victim.read_bytes() == good
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _core.fetch("uci_heart") == cache


@pytest.mark.mirror
def test_one_damaged_record_blocks_only_itself(mirror, tmp_path, isolated_cache, monkeypatch, capsys):
    from dyplab.data import mitbih

    files = ["RECORDS"] + [f"{r}.{ext}" for r in ("100", "101") for ext in ("hea", "dat", "atr")]
    private = _mirror_copy(mirror, tmp_path, "mitdb", files)
    monkeypatch.setenv("DYPLAB_DATA_MIRROR", str(private))
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    with open(private / "mitdb" / "101.dat", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00" * 16)
    assert mitbih.load_record("100").signal.shape == (650_000, 2)  # the good record loads
    with pytest.raises(DataError, match=r"(?s)101\.dat.*expected sha256"):
        mitbih.load_record("101")
    assert cli.main(["data", "verify", "mitdb"]) == 1
    out = capsys.readouterr().out
    assert "corrupt: 101.dat" in out and "missing: 102.atr" in out  # exactly which files, not just a count


@pytest.mark.parametrize("cut", [10, 100, 600, 5000])
def test_truncated_tar_gz_is_a_clear_error(tmp_path, cut):
    payload = tmp_path / "f.bin"
    payload.write_bytes(random.Random(0).randbytes(200_000))  # incompressible: the cuts fall inside
    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(payload, arcname="f.bin")
    archive.write_bytes(archive.read_bytes()[:cut])
    dest = tmp_path / "out"
    with pytest.raises(DataError, match=r"a\.tar\.gz.*corrupt or truncated.*fetch the dataset again"):
        _core.safe_extract(archive, dest)
    assert not any(dest.rglob("f.bin"))  # nothing half-extracted


def test_device_file_in_tar_is_refused(tmp_path):
    archive = tmp_path / "dev.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("null")
        info.type = tarfile.CHRTYPE
        tf.addfile(info)
    with pytest.raises(DataError, match="not a regular file"):
        _core.safe_extract(archive, tmp_path / "out")


def test_cache_write_on_a_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "cache.npz"
    target.write_bytes(b"old and good")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    assert not write_atomic(target, lambda fh: (fh.write(b"new"), full()))
    assert target.read_bytes() == b"old and good"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.npz"]  # no temporary file left behind


@pytest.mark.mirror
@pytest.mark.parametrize("fault", ["short signal file", "no annotation file"])
def test_ecg_record_with_a_damaged_file_is_named(mirror, tmp_path, isolated_cache, monkeypatch, fault):
    from dyplab.data import mitbih

    files = ["RECORDS"] + [f"100.{ext}" for ext in ("hea", "dat", "atr")]
    private = _mirror_copy(mirror, tmp_path, "mitdb", files)
    monkeypatch.setenv("DYPLAB_DATA_MIRROR", str(private))
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    if fault == "short signal file":
        dat = private / "mitdb" / "100.dat"
        dat.write_bytes(dat.read_bytes()[:5000])
        expected = r"100\.dat: expected sha256"
    else:
        (private / "mitdb" / "100.atr").unlink()
        expected = r"file\(s\) missing, e\.g\. 100\.atr"
    with pytest.raises(DataError, match=expected):
        mitbih.load_record("100")
    assert not list(isolated_cache.rglob("*.npz"))  # nothing derived from a damaged record was cached


def test_checkpoint_write_on_a_full_disk_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    import torch
    from torch import nn

    from dyplab import checkpoints

    model = nn.Linear(3, 2)
    path = checkpoints.save(model, tmp_path / "model.pt", model_kwargs={"in_features": 3, "out_features": 2})
    before = path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", disk_full)
    with pytest.raises(checkpoints.CheckpointError, match="could not write checkpoint"):
        checkpoints.save(nn.Linear(3, 2), path, model_kwargs={"in_features": 3, "out_features": 2})
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]
