"""Images at the edges: tiny, huge (decompression bomb) and 16-bit ones get a documented conversion or a clear error."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from PIL import Image

from dyplab.data import DataError, images


def test_tiny_image_is_resized(tmp_path) -> None:
    path = tmp_path / "tiny.png"
    Image.new("RGB", (1, 1), (10, 200, 30)).save(path)
    assert images.load_image(path, 32).shape == (32, 32, 3)


def test_huge_image_is_refused_with_a_reason(tmp_path, monkeypatch) -> None:
    path = tmp_path / "huge.png"
    Image.new("L", (400, 400)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 160,000 px is then "twice too many": a bomb
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert images.problem(path).startswith("too large to decode safely")
        with pytest.raises(DataError, match=r"huge\.png is not a readable image"):
            images.read_image(path)


def test_sixteen_bit_grayscale_keeps_its_contrast(tmp_path) -> None:
    a = np.linspace(1000, 4000, 64 * 64).reshape(64, 64).astype(np.uint16)  # 12-bit range stored in 16 bits
    path = tmp_path / "xray16.png"
    Image.fromarray(a).save(path)
    rgb = np.asarray(images.read_image(path))
    assert rgb.min() == 0 and rgb.max() == 255  # scaled to 8 bits, not clipped to white
    assert len(np.unique(rgb[..., 0])) > 200
