"""Heat-map overlays: same size as the image, the image unchanged where the map is zero."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dyplab.plots.overlay import explanation_figure, overlay  # noqa: E402


def test_overlay_keeps_the_image_where_the_map_is_zero():
    img = np.zeros((6, 8, 3), np.uint8)
    img[..., 1] = 255
    m = np.zeros((6, 8))
    m[0, 0] = 1.0
    out = overlay(img, m, alpha=0.5)
    assert out.shape == (6, 8, 3) and out.min() >= 0 and out.max() <= 1
    assert np.allclose(out[1:, 1:], [0, 1, 0])
    assert not np.allclose(out[0, 0], [0, 1, 0])
    chw = overlay(np.moveaxis(img, -1, 0), m)
    assert chw.shape == (6, 8, 3)


def test_overlay_refuses_a_map_of_another_size_or_scale():
    img = np.zeros((6, 8, 3))
    with pytest.raises(ValueError, match="differ in size"):
        overlay(img, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="0..1"):
        overlay(img, np.full((6, 8), 2.0))
    with pytest.raises(ValueError, match="denormalise"):
        overlay(img - 1.0, np.zeros((6, 8)))


def test_explanation_figure_has_three_panels_per_image():
    imgs = [np.random.default_rng(0).random((10, 10, 3)) for _ in range(2)]
    maps = [np.linspace(0, 1, 100).reshape(10, 10)] * 2
    fig = explanation_figure(imgs, maps, titles=["a", "b"], title="test")
    assert len([ax for ax in fig.axes if ax.get_title() in ("Grad-CAM", "Overlegg", "a", "b")]) == 6
    assert fig._suptitle.get_text() == "test"
