"""TensorFlow flower_photos: five flower classes in an ImageFolder layout.

Two sizes of the same photos:

- the **sample** (:func:`image_root`): the 400-photo subset of the course mirror offline (80 per class), or the
  whole archive when it was downloaded. The ``smoke`` profile uses it.
- the **whole set** (:func:`source` with ``whole=True``): the original archive (3670 photos) when it is in the
  cache or can be downloaded, else ``flowers_256``, the mirror's offline stand-in (3483 of the 3670 photos, resized
  to at most 256 px on the longer side). The ``class`` and ``full`` profiles use it.

Each folder gets its own split manifest (70/15/15, stratified, seeded), so C1–C4a share one split per folder.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from .. import config
from . import _core, images
from ._core import DataError, DatasetInfo, Download, cache_path, check_location, fetch, register
from .labeled import LabeledData

NAME = "flowers"
STAND_IN = "flowers_256"
CITATION = 'The TensorFlow Team, "Flowers", http://download.tensorflow.org/example_images/flower_photos.tgz (2019).'
LICENSE = "CC BY 2.0 (per-image attribution in flower_photos/LICENSE.txt)"
HOMEPAGE = "https://www.tensorflow.org/datasets/catalog/tf_flowers"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="TensorFlow flower_photos",
        description="Flower photos in 5 classes (daisy, dandelion, roses, sunflowers, tulips); 3670 online, "
        "a balanced 400-image subset in the course mirror.",
        license=LICENSE,
        citation=CITATION,
        homepage=HOMEPAGE,
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

STAND_IN_INFO = register(
    DatasetInfo(
        name=STAND_IN,
        title="TensorFlow flower_photos, 3483 of 3670 photos resized to at most 256 px (offline stand-in)",
        description="The offline stand-in for the whole flower_photos archive: 3483 of its 3670 photos (daisy 610, "
        "dandelion 888, roses 549, sunflowers 673, tulips 763), resized with Lanczos to at most 256 px on the longer "
        "side and saved as JPEG q85. Not the original bytes; files.tsv gives each photo's original size and sha256.",
        license=LICENSE,
        citation=CITATION,
        homepage=HOMEPAGE,
        used_in="C1-C4a (class and full profiles, offline)",
        manual="online, the original archive is used instead (`dyplab data fetch flowers` without a course mirror)",
        notes="Made for the course mirror from public copies of the original photos; see SOURCE.md in the mirror.",
    )
)

#: Kinds of flower folders: the mirror's sample, the original archive, the offline stand-in.
KINDS = ("sample", "archive", STAND_IN)


@dataclass(frozen=True)
class FlowerSource:
    """Which flower folder a notebook uses: ``root`` (``<root>/<class>/<photo>``) and ``kind`` (one of :data:`KINDS`)."""

    root: Path
    kind: str

    def describe(self) -> str:
        """One Norwegian sentence for the notebook: which photos these are."""
        return {
            "sample": f"Blomsterbilder: kursspeilets utvalg (80 bilder per klasse) eller hele arkivet, fra {self.root}.",
            "archive": f"Blomsterbilder: hele det opprinnelige arkivet flower_photos (3670 bilder), fra {self.root}.",
            STAND_IN: f"Blomsterbilder: flowers_256, kursspeilets erstatning for hele arkivet uten nett (3483 av de "
                      f"3670 bildene, skalert ned til høyst 256 piksler på den lengste siden), fra {self.root}.",
        }[self.kind]


# --------------------------------------------------------------------------- loaders


def image_root() -> Path:
    """The verified ``flower_photos/`` folder: the full archive online, the mirror's subset offline."""
    root = fetch(NAME) / "flower_photos"
    if not root.is_dir():
        raise DataError(f"{root} is missing although the dataset verified; delete {root.parent} and fetch again")
    return root


def _archive(progress: bool) -> tuple[Path | None, str]:
    """The original archive's folder in the cache (downloaded first when allowed), or ``None`` and why not."""
    cache = cache_path(NAME)
    if check_location(NAME, cache, layout="download").ok:
        return cache / "flower_photos", ""
    if config.offline():
        return None, "skipped because DYPLAB_OFFLINE=1"
    try:
        _core.download_all(INFO, cache, progress=progress)
    except Exception as exc:  # noqa: BLE001 - the reason is reported when the stand-in is missing too
        return None, f"{type(exc).__name__}: {exc}"
    report = check_location(NAME, cache, layout="download", force=True)
    return (cache / "flower_photos", "") if report.ok else (None, report.reason())


def source(whole: bool = False, *, progress: bool = True) -> FlowerSource:
    """The flower folder to use: the sample (:func:`image_root`), or with ``whole`` the whole set.

    The whole set is the original archive when it is in the cache or can be downloaded (not with
    ``DYPLAB_OFFLINE=1``), else the offline stand-in ``flowers_256`` (cache or course mirror). A failed
    download falls back to the stand-in with a warning; a :class:`DataError` says why when neither is there.
    """
    if not whole:
        root = image_root()
        return FlowerSource(root, "archive" if root.parent == cache_path(NAME) and
                            check_location(NAME, root.parent, layout="download").ok else "sample")
    archive, why = _archive(progress)
    if archive is not None:
        if not archive.is_dir():
            raise DataError(f"{archive} is missing although the archive verified; delete {archive.parent} and fetch again")
        return FlowerSource(archive, "archive")
    try:
        root = fetch(STAND_IN, progress=progress) / "flower_photos"
    except DataError as exc:
        raise DataError(f"the whole flower set is not available. The original archive: {why}. "
                        f"The offline stand-in: {exc}") from exc
    if not config.offline():
        warnings.warn(f"the flower archive could not be downloaded ({why}); using the offline stand-in {STAND_IN}",
                      stacklevel=2)
    return FlowerSource(root, STAND_IN)


def load(root: str | Path | None = None) -> LabeledData:
    """The flower photos (or any folder ``root/<class>/<image>``) as :class:`LabeledData` of image paths.

    Without ``root`` this is TensorFlow's flower_photos: the full 3670-image archive when it was
    downloaded, or the 400-image subset of the course mirror offline. Scanning, the conversion to RGB,
    the decoded cache and the split manifest are :mod:`dyplab.data.images`.
    """
    return images.scan(image_root() if root is None else root)


def manifest_path(kind: str = "sample") -> Path:
    """Where the split manifest of a kind of folder is kept: ``<data cache>/derived/flowers/split.csv`` for the
    sample (and any other folder), ``split-archive.csv`` and ``split-flowers_256.csv`` for the whole set."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    name = "split.csv" if kind == "sample" else f"split-{kind}.csv"
    return config.data_dir() / "derived" / "flowers" / name


def prepare(size: int = 96, *, source: FlowerSource | None = None, root: str | Path | None = None,
            seed: int = 42) -> images.ImageSplit:
    """The flowers decoded at ``size`` and split 70/15/15 (stratified, ``seed``) by the folder's manifest.

    ``source`` (from :func:`source`) picks the folder and its manifest; ``root`` any other image folder (kept
    in the sample's manifest file); neither means the sample. The first call writes the manifest
    (:func:`manifest_path`), later calls read it, so C1, C2 and C3 use the same test images whichever runs first.
    """
    if source is not None and root is not None:
        raise ValueError("give source or root, not both")
    if source is None:
        source = FlowerSource(image_root() if root is None else Path(root), "sample")
    return images.prepare(load(source.root), size, manifest_path(source.kind), root=source.root, seed=seed)


#: Norwegian names of the five flower classes, for figures and tables.
NORWEGIAN = {"daisy": "tusenfryd", "dandelion": "løvetann", "roses": "rose", "sunflowers": "solsikke", "tulips": "tulipan"}


def display_names(class_names: list[str]) -> list[str]:
    """Norwegian names for the flower folders (any other folder name is kept as it is)."""
    return [NORWEGIAN.get(c, c) for c in class_names]
