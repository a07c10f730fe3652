"""TensorFlow flower_photos: five flower classes in an ImageFolder layout."""

from __future__ import annotations

from pathlib import Path

from . import images
from ._core import DataError, DatasetInfo, Download, fetch, register
from .labeled import LabeledData

NAME = "flowers"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="TensorFlow flower_photos",
        description="Flower photos in 5 classes (daisy, dandelion, roses, sunflowers, tulips); 3670 online, "
        "a balanced 400-image subset in the course mirror.",
        license="CC BY 2.0 (per-image attribution in flower_photos/LICENSE.txt)",
        citation='The TensorFlow Team, "Flowers", http://download.tensorflow.org/example_images/flower_photos.tgz (2019).',
        homepage="https://www.tensorflow.org/datasets/catalog/tf_flowers",
        used_in="C1-C3",
        downloads=(
            Download(
                url="https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz",
                sha256="4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c",
                filename="flower_photos.tgz",
                extract=True,
            ),
        ),
    )
)


# --------------------------------------------------------------------------- loaders


def image_root() -> Path:
    """The verified ``flower_photos/`` folder: the full archive online, the mirror's subset offline."""
    root = fetch(NAME) / "flower_photos"
    if not root.is_dir():
        raise DataError(f"{root} is missing although the dataset verified; delete {root.parent} and fetch again")
    return root


def load(root: str | Path | None = None) -> LabeledData:
    """The flower photos (or any folder ``root/<class>/<image>``) as :class:`LabeledData` of image paths.

    Without ``root`` this is TensorFlow's flower_photos: the full 3670-image archive when it was
    downloaded, or the 400-image subset of the course mirror offline. Scanning, the conversion to RGB,
    the decoded cache and the split manifest are :mod:`dyplab.data.images`.
    """
    return images.scan(image_root() if root is None else root)


def manifest_path() -> Path:
    """Where the flowers' split manifest is kept: ``<data cache>/derived/flowers/split.csv``."""
    from .. import config

    return config.data_dir() / "derived" / "flowers" / "split.csv"


def prepare(size: int = 96, *, root: str | Path | None = None, seed: int = 42) -> images.ImageSplit:
    """The flowers decoded at ``size`` and split 70/15/15 (stratified, ``seed``) by the shared manifest.

    The first call writes the manifest (:func:`manifest_path`), later calls read it, so C1, C2 and C3
    use the same test images whichever notebook runs first.
    """
    folder = image_root() if root is None else Path(root)
    return images.prepare(load(folder), size, manifest_path(), root=folder, seed=seed)


#: Norwegian names of the five flower classes, for figures and tables.
NORWEGIAN = {"daisy": "tusenfryd", "dandelion": "løvetann", "roses": "rose", "sunflowers": "solsikke", "tulips": "tulipan"}


def display_names(class_names: list[str]) -> list[str]:
    """Norwegian names for the flower folders (any other folder name is kept as it is)."""
    return [NORWEGIAN.get(c, c) for c in class_names]
