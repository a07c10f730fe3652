"""Images on disk: reading any image file as RGB (extended by the image-folder data set of Part C)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from ._core import DataError

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def read_image(path: str | Path) -> Image.Image:
    """Open an image as RGB; a clear :class:`DataError` when the file is not a readable image."""
    try:
        with Image.open(path) as im:
            return im.convert("RGB")
    except (OSError, SyntaxError, ValueError) as exc:
        raise DataError(f"{path} is not a readable image ({type(exc).__name__}: {exc})") from exc
