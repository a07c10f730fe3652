"""The «Siffer» tab: a drawing prepared the way MNIST was made, both digit networks, Grad-CAM over the drawing.

MNIST digits were made by fitting each digit's bounding box into 20×20 pixels (aspect ratio kept,
anti-aliased), placing it in a 28×28 image and shifting it so that its centre of mass lies in the middle.
:func:`preprocess` does the same with a drawing and remembers the transform, so that :func:`heat_on_drawing`
can put the CNN's Grad-CAM (computed on the 28×28 image) back over the drawing where the strokes are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from scipy import ndimage
from torch import nn

from .. import explain
from ..data.mnist import to_tensor_input

#: Ink below this (0-255) is treated as background when the bounding box is found.
INK_THRESHOLD = 30


@dataclass(frozen=True)
class Prepared:
    """A drawing as the 28×28 ``uint8`` image the models see, with the transform from the drawing.

    A drawing pixel at column ``u``, row ``v`` lands at ``((u - box[0]) * scale + offset[0],
    (v - box[1]) * scale + offset[1])`` in ``image``.
    """

    image: np.ndarray  # [28, 28] uint8, white digit on black like MNIST
    box: tuple[int, int, int, int]  # left, top, right, bottom (exclusive) of the ink in the drawing
    scale: float
    offset: tuple[float, float]  # x, y of the box's top-left corner in the 28×28 image
    drawing_shape: tuple[int, int]  # height, width of the drawing


def ink(drawing: np.ndarray) -> np.ndarray:
    """A drawing (gray, RGB or RGBA, any dtype range 0-255) as ink intensity 0-255: strokes high, paper 0.

    With transparency (RGBA whose alpha is not all 255) the ink is the opacity, whatever the stroke colour.
    Otherwise dark strokes on light paper and light strokes on dark paper both work: the paper colour is the
    median value.
    """
    a = np.asarray(drawing)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)) or min(a.shape[:2]) < 2:
        raise ValueError(f"a drawing must be a gray, RGB or RGBA image; got an array of shape {a.shape}")
    a = a.astype(np.float64)
    if a.ndim == 3:
        if a.shape[2] == 4 and a[..., 3].min() < 255:
            return np.clip(a[..., 3], 0, 255)  # strokes on a transparent layer: the ink is the opacity
        a = a[..., :3] @ np.array([0.299, 0.587, 0.114])
    paper = np.median(a)
    out = 255.0 - a if paper > 127 else a.copy()
    return np.clip(out, 0, 255)


def preprocess(drawing: np.ndarray) -> Prepared:
    """Bounding box → 20×20 (aspect kept) in 28×28 → centre of mass in the middle, like MNIST."""
    level = ink(drawing)
    rows = np.flatnonzero((level > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((level > INK_THRESHOLD).any(axis=0))
    if len(rows) == 0:
        raise ValueError("the drawing is empty: draw a digit first")
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = level[top:bottom, left:right]
    scale = 20.0 / max(crop.shape)
    w, h = max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))
    small = np.asarray(Image.fromarray(crop.astype(np.uint8)).resize((w, h), Image.Resampling.LANCZOS), dtype=np.float64)
    canvas = np.zeros((28, 28))
    x0, y0 = (28 - w) // 2, (28 - h) // 2
    canvas[y0:y0 + h, x0:x0 + w] = small
    cy, cx = ndimage.center_of_mass(canvas)
    dy, dx = 13.5 - cy, 13.5 - cx
    shifted = ndimage.shift(canvas, (dy, dx), order=1, cval=0.0, mode="constant")
    image = np.clip(np.round(shifted), 0, 255).astype(np.uint8)
    # the pixel centres: drawing pixel u maps to (u - left + 0.5) * s - 0.5 + x0 + dx in the 28×28 image
    sx, sy = w / crop.shape[1], h / crop.shape[0]
    return Prepared(image, (left, top, right, bottom), float((sx + sy) / 2),
                    (float(x0 + dx), float(y0 + dy)), tuple(level.shape))  # type: ignore[arg-type]


def model_input(image: np.ndarray) -> torch.Tensor:
    """The 28×28 ``uint8`` image as the networks' input: standardised ``[1, 1, 28, 28]`` float32."""
    image = np.asarray(image)
    if image.shape != (28, 28) or image.dtype != np.uint8:
        raise ValueError(f"expected a 28×28 uint8 image; got shape {image.shape}, dtype {image.dtype}")
    return torch.from_numpy(to_tensor_input(image[None]))


def probabilities(model: nn.Module, image: np.ndarray) -> np.ndarray:
    """Class probabilities (10) of ``model`` for the 28×28 image."""
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(model_input(image)), dim=1)[0].numpy()


def grad_cam(cnn: nn.Module, image: np.ndarray, target: int | None = None) -> np.ndarray:
    """The CNN's Grad-CAM (0..1, 28×28) for ``target`` (default: its prediction), from its last convolution."""
    layer = getattr(cnn, "conv3", None)
    if layer is None:
        raise ValueError("Grad-CAM needs the A6 CNN (dyplab.models.mnist.CNN, which has conv3)")
    return explain.grad_cam(cnn, model_input(image), target, layer)[0]


def heat_on_drawing(heat: np.ndarray, prep: Prepared) -> np.ndarray:
    """The 28×28 heat map moved back onto the drawing (same height × width as the drawing; 0 off the digit's box)."""
    h, w = prep.drawing_shape
    left, top = prep.box[0], prep.box[1]
    v, u = np.mgrid[0:h, 0:w].astype(np.float64)
    x = (u - left + 0.5) * prep.scale - 0.5 + prep.offset[0]
    y = (v - top + 0.5) * prep.scale - 0.5 + prep.offset[1]
    return ndimage.map_coordinates(np.asarray(heat, dtype=np.float64), [y, x], order=1, cval=0.0, mode="constant")


def overlay(background: np.ndarray, heat: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """``background`` (gray 0-255 ink, white strokes) with ``heat`` (0..1, same shape) in the «jet» colours, RGB uint8
    (:func:`dyplab.plots.overlay.overlay`)."""
    from ..plots.overlay import overlay as blend

    heat = np.clip(np.asarray(heat, dtype=np.float64), 0, 1)
    return np.round(255 * blend(np.asarray(background, dtype=np.float64) / 255.0, heat, alpha=alpha)).astype(np.uint8)


def enlarge(image: np.ndarray, factor: int = 10) -> np.ndarray:
    """Nearest-neighbour enlargement (so the 28×28 pixels stay visible as squares)."""
    return np.kron(np.asarray(image), np.ones((factor, factor) + (1,) * (np.ndim(image) - 2), dtype=np.uint8))
