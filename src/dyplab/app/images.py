"""The «Bilde» tab: an uploaded image checked, converted, classified, and explained with Grad-CAM.

Upload rules (:func:`open_upload`): at most :data:`MAX_BYTES`, and the content (not the file name) must be
a raster image Pillow can decode completely. Conversion is :func:`dyplab.data.images.to_rgb` (EXIF
orientation, 16-bit scaled by its own range, palette expanded, alpha on white, CMYK and the rest through
Pillow), then the image is stretched to the model's square input size (like in training) and, for a
grayscale model, averaged to one channel. Images larger than :data:`MAX_PIXELS` are refused before decoding;
images smaller than :data:`MIN_SIDE` pixels are classified with a warning. Every problem is a
:class:`UploadError` with a Norwegian message for the page.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError
from torch import nn

from .. import checkpoints, explain, transforms
from ..data.images import to_rgb

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 6300 × 6300; larger is refused (also Pillow's guard against decompression bombs)
MIN_SIDE = 16


class UploadError(ValueError):
    """An upload that cannot be used, with a message for the page."""


@dataclass
class Upload:
    """An accepted upload: the RGB image and the notes on how it was converted."""

    image: Image.Image
    original_mode: str
    notes: list[str]


def open_upload(path: str | Path) -> Upload:
    """Check and decode an uploaded file (see the module docstring); :class:`UploadError` for any problem."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UploadError(f"Fant ikke den opplastede fila {name}.") from exc
    if size == 0:
        raise UploadError(f"{name} er tom (0 byte).")
    if size > MAX_BYTES:
        raise UploadError(f"{name} er {size / 1e6:.1f} MB; grensen er {MAX_BYTES / 1e6:.0f} MB.")
    notes: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise UploadError(f"{name} er {im.width} × {im.height} piksler; grensen er "
                                      f"{MAX_PIXELS / 1e6:.0f} megapiksler. Forminsk bildet først.")
                mode, fmt = im.mode, im.format
                im.load()
                rgb = to_rgb(im)
    except UploadError:
        raise
    except UnidentifiedImageError as exc:
        raise UploadError(f"{name} er ikke et bilde som kan leses (innholdet er ikke et kjent bildeformat).") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(f"{name} er for stort til å pakkes ut trygt ({exc}).") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadError(f"{name} kan ikke dekodes: fila er trolig avkuttet eller skadet ({type(exc).__name__}: {exc}).") from exc
    if mode != "RGB":
        notes.append(f"Bildet var i modus {mode} ({fmt}) og er gjort om til RGB (se dyplab.data.images.to_rgb).")
    if min(rgb.size) < MIN_SIDE:
        notes.append(f"Bildet er bare {rgb.width} × {rgb.height} piksler; det forstørres, og resultatet sier lite.")
    return Upload(rgb, mode, notes)


def _channels(model: nn.Module) -> int:
    first = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    return int(first.in_channels) if first is not None else 3


def last_conv(model: nn.Module) -> nn.Conv2d:
    """The model's last 2-D convolution (the Grad-CAM layer)."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(f"{type(model).__name__} has no convolution layer for Grad-CAM")
    return convs[-1]


def model_input(image: Image.Image, model: nn.Module, meta: dict) -> torch.Tensor:
    """The RGB image as the model's input ``[1, C, S, S]``: stretched to ``meta['image_size']``, scaled to 0..1,
    averaged to one channel for a grayscale model, then standardised with ``meta['normalization']``
    (:mod:`dyplab.transforms`)."""
    size = int(meta.get("image_size", 0))
    if size <= 0:
        raise checkpoints.CheckpointError("the checkpoint does not say which image size the model takes (image_size)")
    im = image.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    x = transforms.to_tensor(np.asarray(im, dtype=np.uint8))
    if _channels(model) == 1:
        x = x.mean(dim=1, keepdim=True)
    return transforms.normalize(x, meta.get("normalization"))


def class_names(meta: dict) -> list[str]:
    """Norwegian class names when the checkpoint has them (``display_names`` or ``class_names_no``)."""
    for key in ("display_names", "class_names_no"):
        names = meta.get(key)
        if isinstance(names, dict):
            names = [names.get(c, c) for c in meta.get("class_names", [])]
        if names:
            return [str(n) for n in names]
    return [str(c) for c in meta.get("class_names", [])]


def classify(model: nn.Module, meta: dict, image: Image.Image) -> tuple[dict[str, float], np.ndarray]:
    """``({class: probability}, Grad-CAM)``; the heat map (0..1) has the uploaded image's height × width."""
    x = model_input(image, model, meta)
    model.eval()
    with torch.no_grad():
        proba = torch.softmax(model(x), dim=1)[0].numpy()
    names = class_names(meta)
    if len(names) != len(proba):
        names = [f"klasse {i}" for i in range(len(proba))]
    heat = explain.grad_cam(model, x, int(proba.argmax()), last_conv(model))[0]
    heat_full = np.asarray(Image.fromarray(np.uint8(np.round(heat * 255))).resize(image.size, Image.Resampling.BILINEAR),
                           dtype=np.float64) / 255.0
    return {n: float(p) for n, p in zip(names, proba)}, heat_full


def overlay(image: Image.Image, heat: np.ndarray, alpha: float = 0.45) -> np.ndarray:
    """The RGB image with the heat map (0..1, same height × width) in the «jet» colours, ``uint8 [H, W, 3]``
    (:func:`dyplab.plots.overlay.overlay`)."""
    from ..plots.overlay import overlay as blend

    heat = np.clip(np.asarray(heat, dtype=np.float64), 0, 1)
    return np.round(255 * blend(np.asarray(image.convert("RGB")), heat, alpha=alpha)).astype(np.uint8)
