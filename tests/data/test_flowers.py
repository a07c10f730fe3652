"""The flower photos: the sample, the whole set (original archive or the offline stand-in ``flowers_256``), and
one split manifest per folder."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from dyplab.data import DataError, _core, flowers


def test_stand_in_is_registered_with_its_shipped_manifest():
    meta = _core.info(flowers.STAND_IN)
    assert not meta.downloads and "stand-in" in meta.title
    files = _core.manifest(flowers.STAND_IN)
    assert len(files) == 3485 and "files.tsv" in files and "flower_photos/LICENSE.txt" in files
    assert sum(rel.endswith(".jpg") for rel in files) == 3483


def test_manifest_paths_differ_per_kind(isolated_cache):
    paths = {kind: flowers.manifest_path(kind) for kind in flowers.KINDS}
    assert len(set(paths.values())) == 3 and paths["sample"].name == "split.csv"
    assert paths["flowers_256"].name == "split-flowers_256.csv" and paths["archive"].name == "split-archive.csv"
    with pytest.raises(ValueError, match="kind must be one of"):
        flowers.manifest_path("everything")


def test_whole_set_offline_without_mirror_says_what_is_missing(isolated_cache, monkeypatch):
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    monkeypatch.delenv("DYPLAB_DATA_MIRROR", raising=False)
    with pytest.raises(DataError, match="whole flower set is not available.*DYPLAB_OFFLINE=1.*flowers_256"):
        flowers.source(whole=True)


def test_prepare_with_another_folder_uses_the_sample_manifest(isolated_cache, tmp_path):
    for c, color in (("a", (200, 0, 0)), ("b", (0, 0, 200))):
        for i in range(10):
            path = tmp_path / "photos" / c / f"{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (10, 10), color).save(path)
    split = flowers.prepare(8, root=tmp_path / "photos")
    assert split.manifest == flowers.manifest_path("sample") and split.X.shape == (20, 8, 8, 3)
    with pytest.raises(ValueError, match="source or root"):
        flowers.prepare(8, root=tmp_path / "photos", source=flowers.FlowerSource(tmp_path, "sample"))


@pytest.mark.mirror
def test_whole_set_offline_is_the_stand_in_split_70_15_15(isolated_cache, mirror, monkeypatch, no_network):
    monkeypatch.setenv("DYPLAB_OFFLINE", "1")
    src = flowers.source(whole=True)
    assert src.kind == "flowers_256" and src.root == mirror / "flowers_256" / "flower_photos"
    assert "flowers_256" in src.describe() and "3483" in src.describe()
    split = flowers.prepare(16, source=src)
    assert split.manifest == flowers.manifest_path("flowers_256") and split.manifest.is_file()
    sizes = split.split.sizes()
    assert len(split.data) == 3483 and sizes == {"train": 2437, "val": 523, "test": 523}
    counts = np.bincount(split.data.y).tolist()
    assert counts == [610, 888, 549, 673, 763]
    test_share = np.bincount(split.labels("test"), minlength=5) / np.asarray(counts)
    assert np.allclose(test_share, 0.15, atol=0.01)  # stratified
    sample = flowers.source()
    assert sample.kind == "sample" and len(flowers.load(sample.root)) == 400
