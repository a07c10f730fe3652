"""The image-folder data set: scan, conversion to RGB, decoded cache and split manifest."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dyplab.data import DataError, images
from dyplab.splits import check_disjoint


def _save(im: Image.Image, path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, **kw)
    return path


def _modes(folder: Path) -> dict[str, Path]:
    """One small image in every mode the course meets, under ``folder``."""
    out = {}
    out["L"] = _save(Image.new("L", (10, 6), 128), folder / "gray.png")
    sixteen = Image.fromarray(np.array([[1000, 2000], [3000, 4000]], dtype=np.uint16))
    out["I;16"] = _save(sixteen, folder / "xray16.png")
    pal = Image.new("P", (8, 8), 0)
    pal.putpalette([0, 0, 255] + [0] * 765)  # index 0 is blue
    out["P"] = _save(pal, folder / "palette.gif")
    out["CMYK"] = _save(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), folder / "cmyk.jpg", quality=95)  # red
    out["RGBA"] = _save(Image.new("RGBA", (8, 8), (255, 0, 0, 0)), folder / "transparent.png")
    out["LA"] = _save(Image.new("LA", (8, 8), (0, 255)), folder / "black_opaque.png")
    out["1"] = _save(Image.new("1", (8, 8), 1), folder / "bilevel.bmp")
    return out


def test_every_mode_becomes_rgb(tmp_path):
    files = _modes(tmp_path)
    for mode, path in files.items():
        with Image.open(path) as raw:
            assert raw.mode == mode, f"test image {path.name} should be stored as {mode}"
        im = images.read_image(path)
        assert im.mode == "RGB", mode
    px = {mode: np.asarray(images.read_image(p))[0, 0].tolist() for mode, p in files.items()}
    assert px["L"] == [128, 128, 128]
    assert px["P"] == [0, 0, 255]
    assert px["RGBA"] == [255, 255, 255]  # fully transparent red on white is white
    assert px["LA"] == [0, 0, 0]
    assert px["1"] == [255, 255, 255]
    r, g, b = px["CMYK"]
    assert r > 200 and g < 60 and b < 60
    sixteen = np.asarray(images.read_image(files["I;16"]))[..., 0]
    assert sixteen.tolist() == [[0, 85], [170, 255]]  # the image's own min..max to 0..255


def test_alpha_is_composited_on_white(tmp_path):
    half = _save(Image.new("RGBA", (4, 4), (0, 0, 0, 128)), tmp_path / "half.png")
    value = np.asarray(images.read_image(half))[0, 0]
    assert np.all(np.abs(value.astype(int) - 127) <= 1)


def test_exif_orientation_is_applied(tmp_path):
    im = Image.new("RGB", (20, 10), (0, 0, 0))
    im.paste((255, 255, 255), (0, 0, 10, 10))  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = _save(im, tmp_path / "phone.jpg", exif=exif, quality=95)
    out = images.read_image(path)
    assert out.size == (10, 20)
    a = np.asarray(out).mean(axis=(1, 2))
    assert a[:10].mean() > 200 and a[10:].mean() < 50  # the white half is now on top


def test_load_image_resizes_to_a_square(tmp_path):
    path = _save(Image.new("RGB", (40, 10), (10, 20, 30)), tmp_path / "wide.png")
    a = images.load_image(path, 16)
    assert a.shape == (16, 16, 3) and a.dtype == np.uint8 and a[8, 8].tolist() == [10, 20, 30]


def _folder_with_bad_files(root: Path) -> None:
    _modes(root / "mixed")
    _save(Image.new("RGB", (8, 8), (0, 200, 0)), root / "green" / "ok.jpg")
    (root / "green" / "empty.png").write_bytes(b"")
    (root / "green" / "text.jpg").write_text("this is a text file with the wrong name")
    good = _save(Image.new("RGB", (64, 64), (0, 100, 0)), root / "green" / "whole.jpg")
    (root / "green" / "truncated.jpg").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    (root / "green" / "notes.txt").write_text("not an image extension: ignored without a warning")


def test_scan_leaves_bad_files_out_with_one_warning(tmp_path):
    _folder_with_bad_files(tmp_path)
    with pytest.warns(UserWarning) as record:
        data = images.scan(tmp_path)
    assert len(record) == 1
    message = str(record[0].message)
    assert "3 file(s)" in message
    assert "empty.png: empty file" in message
    assert "text.jpg: not an image" in message
    assert "truncated.jpg: cannot be decoded" in message
    assert "notes.txt" not in message
    assert data.class_names == ["green", "mixed"]
    assert sorted(p.name for p in data.X if p.parent.name == "green") == ["ok.jpg", "whole.jpg"]
    assert data.counts().tolist() == [2, 7]
    X = images.load_arrays(data, 12, cache=False)  # every file left in decodes
    assert X.shape == (9, 12, 12, 3) and X.dtype == np.uint8


def test_scan_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        images.scan(tmp_path / "nope")
    (tmp_path / "cls").mkdir()
    (tmp_path / "cls" / "empty.jpg").write_bytes(b"")
    with pytest.warns(UserWarning, match="empty file"), pytest.raises(DataError, match="no images that can be used"):
        images.scan(tmp_path)
    _save(Image.new("RGB", (8, 8)), tmp_path / "other" / "a.png")
    with pytest.warns(UserWarning), pytest.raises(DataError, match=r"\['cls'\] .* hold no images"):
        images.scan(tmp_path)


def test_cache_second_load_does_not_decode_and_a_change_invalidates(tmp_path, isolated_cache, monkeypatch):
    for i, color in enumerate([(255, 0, 0), (0, 0, 255), (0, 255, 0)]):
        _save(Image.new("RGB", (20, 20), color), tmp_path / "imgs" / f"c{i % 2}" / f"{i}.png")
    data = images.scan(tmp_path / "imgs")
    calls = []
    real = images.load_image
    monkeypatch.setattr(images, "load_image", lambda p, s: calls.append(p) or real(p, s))

    first = images.load_arrays(data, 8)
    assert len(calls) == 3 and images.cache_file(data.X, 8).is_file()
    assert str(images.cache_file(data.X, 8)).startswith(str(isolated_cache))
    second = images.load_arrays(data, 8)
    assert len(calls) == 3 and np.array_equal(first, second)

    images.load_arrays(data, 10)  # another size is another entry
    assert len(calls) == 6

    changed = data.X[0]
    _save(Image.new("RGB", (20, 20), (9, 9, 9)), changed)
    st = changed.stat()
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    third = images.load_arrays(data, 8)
    assert len(calls) == 9 and third[0, 0, 0].tolist() == [9, 9, 9]


def test_manifest_round_trip_and_reuse(tmp_path):
    root = tmp_path / "imgs"
    for c in ("a", "b"):
        for i in range(10):
            _save(Image.new("RGB", (4, 4), (i, i, i)), root / c / f"{i}.png")
    data = images.scan(root)
    manifest = tmp_path / "split.csv"
    split = images.split_manifest(data, manifest, root=root, val_size=0.2, test_size=0.2, seed=1)
    check_disjoint(*split)
    assert split.sizes() == {"train": 12, "val": 4, "test": 4}
    text = manifest.read_text()
    assert text.splitlines()[0] == "path,label,split"
    assert "a/0.png" in text and str(root) not in text  # relative paths: portable

    back, parts = images.read_manifest(manifest, root=root)
    assert back.class_names == data.class_names
    for ours, theirs in zip(split, parts):
        assert sorted(Path(p) for p in np.asarray(data.X, dtype=object)[ours]) == sorted(back.X[i] for i in theirs)
        assert sorted(data.y[ours].tolist()) == sorted(back.y[theirs].tolist())

    again = images.split_manifest(data, manifest, root=root, seed=99)  # the file wins over a new seed
    assert all(np.array_equal(a, b) for a, b in zip(again.sorted(), split.sorted()))
    smaller = data.subset(np.arange(len(data) - 1))
    remade = images.split_manifest(smaller, manifest, root=root, seed=1)  # other files: a new split
    assert sum(remade.sizes().values()) == len(data) - 1


def test_bad_manifest_is_a_clear_error(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("path,label\nx.png,a\n")
    with pytest.raises(DataError, match="lacks column"):
        images.read_manifest(bad)
    bad.write_text("path,label,split\nx.png,a,training\n")
    with pytest.raises(DataError, match="unknown split"):
        images.read_manifest(bad)


def test_transform_gives_normalised_tensors():
    from dyplab.data import image_tensors

    a = np.full((16, 16, 3), 255, np.uint8)
    x = image_tensors.transform()(a)
    assert tuple(x.shape) == (3, 16, 16)
    back = image_tensors.denormalize(x)
    assert back.shape == (16, 16, 3) and np.allclose(back, 1.0, atol=1e-5)
    y = image_tensors.transform(augment=True)(a)
    assert tuple(y.shape) == (3, 16, 16)
    batch = image_tensors.to_tensors(np.stack([a, a]))
    assert tuple(batch.shape) == (2, 3, 16, 16) and np.allclose(batch.numpy(), x.numpy()[None], atol=1e-6)


def test_photo_augmentation_rotates_with_black_corners_and_keeps_colours_in_range():
    import torch

    from dyplab import transforms
    from dyplab.data import image_tensors

    x = torch.rand(32, 3, 24, 24, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    out = transforms.augment_each(x, transforms.augmentation(**image_tensors.AUGMENTATION))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    assert (out[:, :, 0, 0] == 0).any()  # a corner outside the turned photo is black
    gray = torch.full((3, 3, 8, 8), 0.4)  # a hue shift and saturation change leave grey grey
    only_colour = {k: v for k, v in image_tensors.AUGMENTATION.items() if k in ("saturation", "hue")}
    assert torch.allclose(transforms.augment_each(gray, transforms.augmentation(**only_colour)), gray, atol=1e-5)


def test_array_images_augment_a_whole_batch_through_getitems():
    import torch
    from torch.utils.data import DataLoader

    from dyplab import transforms
    from dyplab.data import image_tensors

    X = (np.random.default_rng(0).random((10, 12, 12, 3)) * 255).astype(np.uint8)
    ds = image_tensors.ArrayImages(X, np.arange(10) % 2, augment=True)
    calls = []
    original = ds.__getitems__
    ds.__getitems__ = lambda idx: calls.append(list(idx)) or original(idx)
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert calls == [[0, 1, 2, 3]] and tuple(xb.shape) == (4, 3, 12, 12) and yb.tolist() == [0, 1, 0, 1]
    plain = image_tensors.ArrayImages(X, np.arange(10) % 2)
    x0, y0 = plain[3]
    assert torch.allclose(x0, image_tensors.to_tensors(X[3:4])[0]) and y0 == 1
    grey = image_tensors.ArrayImages(X[..., 0], np.arange(10) % 2, normalization={"mean": 0.5, "std": 0.5},
                                     augment=transforms.augmentation(flip=0.5))
    assert tuple(grey[0][0].shape) == (1, 12, 12) and float(grey[0][0].abs().max()) <= 1.0
    with pytest.raises(ValueError, match="uint8"):
        image_tensors.ArrayImages(X.astype(np.float32), np.arange(10) % 2)
    with pytest.raises(ValueError, match="one number or one per channel"):
        image_tensors.ArrayImages(X[..., 0], np.arange(10) % 2)  # grey images, the photos' three channel means
    with pytest.raises(TypeError, match="augment must be"):
        image_tensors.ArrayImages(X, np.arange(10) % 2, augment="yes")


def test_prepare_gives_datasets_for_fit(tmp_path, isolated_cache):
    import torch

    from dyplab.training import to_dataset

    root = tmp_path / "imgs"
    for c in ("a", "b"):
        for i in range(10):
            _save(Image.new("RGB", (12, 12), (20 * i, 0, 0)), root / c / f"{i}.png")
    prepared = images.prepare(images.scan(root), 8, tmp_path / "split.csv", root=root, val_size=0.2, test_size=0.2)
    assert prepared.X.shape == (20, 8, 8, 3) and prepared.images("test").shape == (4, 8, 8, 3)
    ds = to_dataset(prepared.dataset("train", augment=True))  # accepted by dyplab.training.fit
    x, y = ds[0]
    assert type(x) is torch.Tensor and tuple(x.shape) == (3, 8, 8) and y in (0, 1)
    X, y = prepared.tensors("val")
    assert tuple(X.shape) == (4, 3, 8, 8) and y.dtype == torch.int64
    assert [p.parent.name for p in prepared.paths("val")] == [prepared.class_names[i] for i in y.tolist()]
