"""The «Bilde» tab's upload checks and conversion (every image mode), classification and Grad-CAM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from dyplab.app import images
from dyplab.models.faces import FaceCNN
from dyplab.models.images import CompactCNN


def _save(tmp_path: Path, name: str, im: Image.Image, **kw) -> Path:
    path = tmp_path / name
    im.save(path, **kw)
    return path


def _gradient(mode: str, size=(40, 30)) -> Image.Image:
    a = np.tile(np.linspace(0, 255, size[0]), (size[1], 1)).astype(np.uint8)
    return Image.fromarray(a, "L").convert(mode)


@pytest.mark.parametrize("name, make, kw", [
    ("gray.png", lambda: _gradient("L"), {}),
    ("bw.png", lambda: _gradient("1"), {}),
    ("rgb.jpg", lambda: _gradient("RGB"), {}),
    ("cmyk.jpg", lambda: _gradient("CMYK"), {}),
    ("rgba.png", lambda: _gradient("RGBA"), {}),
    ("la.png", lambda: _gradient("LA"), {}),
    ("palette.gif", lambda: _gradient("P"), {}),
    ("palette_t.png", lambda: _gradient("P"), {"transparency": 0}),
    ("xray16.png", lambda: Image.fromarray((np.arange(1200).reshape(30, 40) * 3).astype(np.uint16)), {}),
    ("float.tif", lambda: Image.fromarray(np.linspace(-1, 1, 1200, dtype=np.float32).reshape(30, 40)), {}),
    ("ycbcr.webp", lambda: _gradient("RGB"), {}),
])
def test_every_mode_becomes_rgb(tmp_path, name, make, kw):
    up = images.open_upload(_save(tmp_path, name, make(), **kw))
    assert up.image.mode == "RGB" and up.image.size == (40, 30)
    if up.original_mode != "RGB":
        assert any("RGB" in n for n in up.notes)


def test_16_bit_uses_its_own_range(tmp_path):
    a = np.full((20, 20), 1000, np.uint16)
    a[:, 10:] = 1400  # a 12-bit X-ray stored in 16 bits: only 1000..1400 used
    up = images.open_upload(_save(tmp_path, "x.png", Image.fromarray(a)))
    px = np.asarray(up.image)[..., 0]
    assert px[:, :10].max() == 0 and px[:, 10:].min() == 255


def test_tiny_image_is_classified_with_a_warning(tmp_path):
    up = images.open_upload(_save(tmp_path, "tiny.png", _gradient("RGB", (3, 2))))
    assert any("3 × 2" in n for n in up.notes)


@pytest.mark.parametrize("content, message", [
    (b"", "tom"),
    (b"this is a text file, not a picture\n" * 10, "ikke et bilde"),
])
def test_empty_and_non_images_are_refused(tmp_path, content, message):
    path = tmp_path / "upload.png"
    path.write_bytes(content)
    with pytest.raises(images.UploadError, match=message):
        images.open_upload(path)


def test_truncated_file_is_refused(tmp_path):
    full = _save(tmp_path, "full.jpg", Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200, 3), np.uint8)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full.read_bytes()[:2000])
    with pytest.raises(images.UploadError, match="avkuttet eller skadet"):
        images.open_upload(cut)


def test_too_large_file_and_too_many_pixels_are_refused(tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(images.MAX_BYTES))
    with pytest.raises(images.UploadError, match="grensen er 10 MB"):
        images.open_upload(big)
    huge = _save(tmp_path, "huge.png", Image.new("1", (7000, 7000)))  # 49 megapixels in a small file
    with pytest.raises(images.UploadError, match="megapiksler"):
        images.open_upload(huge)


def test_classify_rgb_model_gives_probabilities_and_heat_at_input_resolution():
    torch.manual_seed(0)
    model = CompactCNN(n_classes=3).eval()
    meta = {"image_size": 32, "normalization": {"mean": [0.5] * 3, "std": [0.25] * 3}, "class_names": ["a", "b", "c"],
            "display_names": ["en", "to", "tre"]}
    im = _gradient("RGB", (50, 20))
    probs, heat = images.classify(model, meta, im)
    assert list(probs) == ["en", "to", "tre"] and abs(sum(probs.values()) - 1) < 1e-5
    assert heat.shape == (20, 50) and 0 <= heat.min() and heat.max() <= 1
    assert images.overlay(im, heat).shape == (20, 50, 3)


def test_overlay_values_are_the_blend_of_image_and_jet():
    from matplotlib import colormaps

    im = _gradient("RGB", (6, 4))
    heat = np.random.default_rng(1).random((4, 6))
    rgb = np.asarray(im, dtype=np.float64) / 255.0
    weight = 0.45 * heat[..., None]
    expected = np.round(255 * ((1 - weight) * rgb + weight * colormaps["jet"](heat)[..., :3])).astype(np.uint8)
    np.testing.assert_array_equal(images.overlay(im, heat), expected)
    with pytest.raises(ValueError, match="differ in size"):
        images.overlay(im, heat.T)


def test_model_input_for_a_grayscale_model_averages_and_normalises():
    meta = {"image_size": 48, "normalization": {"mean": 0.5, "std": 0.25}, "class_names_no": list("abcdefg")}
    x = images.model_input(Image.new("RGB", (10, 10), (255, 255, 255)), FaceCNN(), meta)
    assert x.shape == (1, 1, 48, 48) and torch.allclose(x, torch.full_like(x, 2.0))
    assert images.class_names(meta) == list("abcdefg")
    with pytest.raises(Exception, match="image_size"):
        images.model_input(Image.new("RGB", (4, 4)), FaceCNN(), {})
