"""One image file: decoded completely, turned into 8-bit RGB in one documented way, resized.

The lowest layer of the image data (no torch, no data sets): :mod:`dyplab.data.images` (folders, caches,
splits), :mod:`dyplab.data.image_tensors` (tensors) and :class:`~dyplab.data.LabeledData` read files through it.

Conversion to RGB (:func:`to_rgb`), in this order:

- the EXIF orientation tag is applied (``ImageOps.exif_transpose``), so phone photos stand upright;
- 16-bit and 32-bit grayscale (``I;16``, ``I``, ``F``) is scaled from the image's own min..max to 0..255
  (a 12-bit X-ray stored in 16 bits uses the full range; a constant image becomes black);
- palette images (``P``) are expanded, with their transparency if they have one;
- an alpha channel (``RGBA``, ``LA``, ``PA``) is composited on **white**;
- everything else (``1``, ``L``, ``CMYK``, ``YCbCr``, ...) goes through Pillow's ``convert("RGB")``;
  grayscale becomes three equal channels.

Resizing (:func:`load_image`) stretches the whole image to ``size × size`` (bilinear, antialiased), like
``Resize((224, 224))``: nothing is cropped away.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ._core import DataError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")

#: ImageNet channel statistics, used by every image model of the course (and by pretrained networks).
NORMALIZATION = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}


def to_rgb(im: Image.Image) -> Image.Image:
    """``im`` as an upright 8-bit RGB image (see the module docstring for the rules)."""
    im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) * 255.0 if hi > lo else np.zeros_like(a)
        im = Image.fromarray(np.round(a).astype(np.uint8), mode="L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im if im.mode == "RGB" else im.convert("RGB")


def _open(path: str | Path, size: int | None = None) -> Image.Image:
    """Decode ``path`` fully (a truncated file raises here) and convert it with :func:`to_rgb`."""
    with Image.open(path) as im:
        if size is not None and im.format == "JPEG":
            im.draft("RGB", (size, size))  # decode at a reduced scale (still >= size): much faster
        im.load()
        return to_rgb(im)


def read_image(path: str | Path) -> Image.Image:
    """Open an image as RGB (:func:`to_rgb`); a clear :class:`DataError` when the file is not a readable image."""
    try:
        return _open(path)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DataError(f"{path} is not a readable image ({type(exc).__name__}: {exc})") from exc


def load_image(path: str | Path, size: int) -> np.ndarray:
    """``path`` as a ``uint8`` array ``[size, size, 3]`` (RGB by :func:`to_rgb`, stretched to the square)."""
    try:
        im = _open(path, size)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DataError(f"{path} is not a readable image ({type(exc).__name__}: {exc})") from exc
    im = im.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(im, dtype=np.uint8)


def problem(path: Path) -> str | None:
    """Why ``path`` cannot be used as an image (``"empty file"``, ...), or ``None`` when it decodes."""
    try:
        if path.stat().st_size == 0:
            return "empty file"
        _open(path, 32)
    except UnidentifiedImageError:
        return "not an image (Pillow does not recognise the content)"
    except Image.DecompressionBombError as exc:
        return f"too large to decode safely ({exc})"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot be decoded ({type(exc).__name__}: {exc})"
    return None
