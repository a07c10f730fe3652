"""TensorFlow flower_photos: five flower classes in an ImageFolder layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ._core import DataError, DatasetInfo, Download, fetch, register
from .images import IMAGE_EXTENSIONS, read_image

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


def _is_image(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_EXTENSIONS


def scan(root: str | Path) -> tuple[list[Path], np.ndarray, list[str]]:
    """Index an ImageFolder layout ``root/<class>/<image>``; see :func:`load`."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"image folder {root} does not exist or is not a folder")
    class_dirs = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not class_dirs:
        raise DataError(
            f"{root} has no class subfolders; expected the layout {root}/<class name>/<image files> "
            "(one subfolder per class, as in flower_photos/daisy/...)"
        )
    paths: list[Path] = []
    labels: list[int] = []
    empty: list[str] = []
    for index, folder in enumerate(class_dirs):
        images = sorted(p for p in folder.rglob("*") if _is_image(p))
        if not images:
            empty.append(folder.name)
        paths += images
        labels += [index] * len(images)
    if not paths:
        raise DataError(
            f"{root} has class subfolders ({', '.join(p.name for p in class_dirs)}) but no images "
            f"(looked for {', '.join(IMAGE_EXTENSIONS)})"
        )
    if empty:
        raise DataError(
            f"class folder(s) {empty} under {root} hold no images; remove them or add images "
            f"(looked for {', '.join(IMAGE_EXTENSIONS)})"
        )
    return paths, np.asarray(labels, dtype=np.int64), [p.name for p in class_dirs]


def load(root: str | Path | None = None) -> tuple[list[Path], np.ndarray, list[str]]:
    """Image paths, labels and class names of an ImageFolder layout.

    Without ``root`` this is TensorFlow's flower_photos: the full 3670-image archive when it was
    downloaded, or the 400-image subset of the course mirror offline. ``root`` may be any folder
    with one subfolder per class; files that are not images (by extension) are skipped.

    Returns ``(paths, labels, class_names)``: ``paths`` a sorted ``list[Path]``, ``labels`` an
    ``int64`` array with the index into ``class_names`` (sorted folder names) for each path.
    """
    return scan(image_root() if root is None else root)


def dataset(
    root: str | Path | None = None,
    *,
    transform: Callable | None = None,
    target_transform: Callable | None = None,
):
    """A :class:`torchvision.datasets.ImageFolder` over :func:`load`'s images (same labels).

    ``transform`` gets a PIL RGB image, e.g. ``torchvision.transforms.v2`` resize + ToTensor.
    """
    from torchvision.datasets import ImageFolder

    folder = image_root() if root is None else Path(root).expanduser()
    _, _, classes = scan(folder)  # validates the layout with a clear message

    class _Folder(ImageFolder):
        def find_classes(self, directory):  # noqa: ANN001 - torchvision signature
            return classes, {c: i for i, c in enumerate(classes)}

    return _Folder(
        str(folder),
        transform=transform,
        target_transform=target_transform,
        loader=read_image,
        is_valid_file=lambda p: _is_image(Path(p)),
    )
