"""The «Siffer» tab's functions: MNIST-style preprocessing, the transform back onto the drawing, Grad-CAM."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from scipy import ndimage

from dyplab.app import digits
from dyplab.models.mnist import CNN, MLP


def _drawing(mode: str = "RGB", size: int = 280, box=(100, 40, 150, 220)) -> np.ndarray:
    """A thick dark «1»-like bar on white paper (or on a transparent layer for RGBA)."""
    if mode == "RGBA":
        im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(im).rectangle(box, fill=(0, 0, 0, 255))
    else:
        im = Image.new(mode, (size, size), "white")
        ImageDraw.Draw(im).rectangle(box, fill="black")
    return np.asarray(im)


def test_preprocess_fits_the_digit_in_20x20_with_the_centre_of_mass_in_the_middle():
    prep = digits.preprocess(_drawing())
    img = prep.image
    assert img.shape == (28, 28) and img.dtype == np.uint8
    rows, cols = np.flatnonzero(img.max(1) > 30), np.flatnonzero(img.max(0) > 30)
    assert 19 <= rows[-1] - rows[0] + 1 <= 21  # the tall side becomes 20 pixels
    assert cols[-1] - cols[0] + 1 < 10  # aspect ratio kept: a narrow bar stays narrow
    cy, cx = ndimage.center_of_mass(img.astype(float))
    assert abs(cy - 13.5) < 0.6 and abs(cx - 13.5) < 0.6
    assert prep.box == (100, 40, 151, 221)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_paper_and_layer_drawings_give_the_same_image(mode):
    ref = digits.preprocess(_drawing("RGB")).image.astype(int)
    other = digits.preprocess(_drawing(mode)).image.astype(int)
    assert np.abs(ref - other).max() <= 2


def test_white_on_black_is_read_as_ink():
    inverted = 255 - _drawing("L")
    assert np.abs(digits.preprocess(inverted).image.astype(int) - digits.preprocess(_drawing("L")).image).max() <= 2


def test_an_mnist_digit_blown_up_comes_back_as_itself():
    """A centred MNIST-like digit enlarged ×10 onto white paper is restored to (nearly) the same 28×28 image."""
    digit = np.zeros((28, 28))
    rr, cc = np.mgrid[0:28, 0:28]
    ring = np.abs(np.hypot((rr - 13.5) / 8.3, (cc - 13.5) / 5) - 1) < 0.2  # a «0»: 20 rows tall, centred
    digit[ring] = 255
    paper = 255 - np.kron(digit, np.ones((10, 10)))
    back = digits.preprocess(paper.astype(np.uint8)).image.astype(float)
    assert np.corrcoef(back.ravel(), digit.ravel())[0, 1] > 0.9


def test_empty_and_malformed_drawings_are_refused():
    with pytest.raises(ValueError, match="empty"):
        digits.preprocess(np.full((280, 280, 3), 255, np.uint8))
    with pytest.raises(ValueError, match="gray, RGB or RGBA"):
        digits.preprocess(np.zeros((10, 10, 5), np.uint8))


def test_heat_goes_back_onto_the_strokes():
    """A heat map that is hot exactly where the 28×28 digit is lands on the strokes of the drawing."""
    drawing = _drawing(box=(30, 120, 90, 250))  # off-centre, so a wrong transform would miss it
    prep = digits.preprocess(drawing)
    heat = (prep.image > 30).astype(float)
    back = digits.heat_on_drawing(heat, prep)
    ink = digits.ink(drawing) > 128
    assert back.shape == drawing.shape[:2]
    assert back[ink].mean() > 0.8  # hot on the strokes
    assert back[~ink].mean() < 0.05  # cold elsewhere
    hot = back > 0.5
    assert (hot & ink).sum() / hot.sum() > 0.85


def test_probabilities_and_grad_cam_shapes():
    torch.manual_seed(0)
    img = digits.preprocess(_drawing()).image
    for model in (MLP(), CNN()):
        p = digits.probabilities(model, img)
        assert p.shape == (10,) and abs(p.sum() - 1) < 1e-5
    heat = digits.grad_cam(CNN().eval(), img, 3)
    assert heat.shape == (28, 28) and heat.min() >= 0 and heat.max() <= 1
    with pytest.raises(ValueError, match="A6 CNN"):
        digits.grad_cam(MLP(), img)
    with pytest.raises(ValueError, match="28×28 uint8"):
        digits.model_input(img.astype(float))


def test_overlay_and_enlarge():
    bg = np.zeros((4, 4), np.uint8)
    assert (digits.overlay(bg, np.zeros((4, 4))) == 0).all()
    hot = digits.overlay(bg, np.ones((4, 4)))
    assert hot.shape == (4, 4, 3) and hot[..., 0].max() > 0  # jet's red end
    assert digits.enlarge(np.eye(2, dtype=np.uint8), 3).shape == (6, 6)
    with pytest.raises(ValueError, match="differ in size"):
        digits.overlay(bg, np.ones((3, 3)))


def test_overlay_values_are_the_blend_of_gray_and_jet():
    from matplotlib import colormaps

    rng = np.random.default_rng(0)
    bg = rng.integers(0, 256, (5, 7)).astype(np.uint8)
    heat = rng.random((5, 7))
    weight = 0.5 * heat[..., None]
    gray = np.repeat((bg / 255.0)[..., None], 3, axis=2)
    expected = np.round(255 * ((1 - weight) * gray + weight * colormaps["jet"](heat)[..., :3])).astype(np.uint8)
    np.testing.assert_array_equal(digits.overlay(bg, heat), expected)
