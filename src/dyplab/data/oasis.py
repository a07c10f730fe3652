"""OASIS-1/OASIS-2 brain MRI: clinical tables, T88 slices joined to CDR, and MNI152 volumes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from ._core import DataError, DatasetInfo, Download, fetch, register, require_columns, sourced_downloads
from .labeled import LabeledData

MRI_NAME = "oasis_mri"
TABULAR_NAME = "oasis_tabular"
_TERMS = "OASIS Data Use Terms (acknowledge OASIS, cite Marcus et al. 2007; no re-identification)"
_CITATION = (
    "Marcus DS, Wang TH, Parker J, Csernansky JG, Morris JC, Buckner RL. Open Access Series of Imaging "
    "Studies (OASIS): cross-sectional MRI data in young, middle aged, nondemented, and demented older adults. "
    "J Cogn Neurosci 19(9):1498-1507 (2007)."
)

# Every file is fetched from the pinned commit of the public repository named in the mirror's SOURCE.md, one at a
# time, and checked against a sha256 taken from the mirror's copy: the slices are the mirror's bytes (their paths
# found by git blob id), the volumes the uncompressed .nii that the mirror's .nii.gz decompress to, the table the
# source file with the one empty column that the mirror dropped.
_RAW = "https://raw.githubusercontent.com/"
_SLICES_BASE = _RAW + "enemy537/Multi-ModalCNN/89bd641a8599b020e93cd426beb542d16c79f6fc/"
_VOLUMES_BASE = _RAW + "Pattiecodes/alzheimers-prediction-model/6ff0ec6db00bd52b98f69d2625509e0b134f39a9/"
_TABLES_BASE = _RAW + "stefanocovone/Alzherimer/e2880c539990431efe2a93ed57ef03f8d5b14422/"
_SLICE_FOLDERS = {"CV_AXIAL": "axial", "CV_CORONAL": "coronal", "CV_SARGITAL": "sagittal"}  # sic: SARGITAL


def _slice_file(source: str) -> str:
    """``CV_AXIAL/fold_0/train/0.0/OAS1_0001_MR1_a.jpg`` -> ``slices_t88/axial/OAS1_0001_MR1_a.jpg``."""
    return f"slices_t88/{_SLICE_FOLDERS[source.split('/', 1)[0]]}/{source.rsplit('/', 1)[1]}"


def _volume_file(source: str) -> str:
    """``oasis/OASIS/OAS1_0001_MR1_....nii`` -> ``volumes_mni152_2mm/OAS1_0001_MR1_....nii``."""
    return "volumes_mni152_2mm/" + source.rsplit("/", 1)[1]


MRI_DOWNLOADS = (
    Download(
        _RAW + "Ashritha125/DespressionClassifier/d8da31121b9a853d9f16d0e20df7bb004ffa5c52/oasis_cross-sectional.csv",
        "476319903fe6c9650a4355cf0d124afad8b45285e51997d8bbd48845af1de842",
        "oasis_cross-sectional.csv",
    ),
    *sourced_downloads("oasis_mri-slices.sha256", _SLICES_BASE, _slice_file),
    *sourced_downloads("oasis_mri-volumes.sha256", _VOLUMES_BASE, _volume_file),
)

MRI_INFO = register(
    DatasetInfo(
        name=MRI_NAME,
        title="OASIS-1 brain MRI (course subset)",
        description="Three orthogonal T88 slices for 196 subjects aged >= 60 (98 CDR 0 / 98 CDR > 0), "
        "19 MNI152 2 mm T1 volumes and the clinical CSV.",
        license=_TERMS,
        citation=_CITATION,
        homepage="https://sites.wustl.edu/oasisbrains/",
        used_in="D1",
        downloads=MRI_DOWNLOADS,
        manual="the full OASIS-1 release: register at https://sites.wustl.edu/oasisbrains/.",
        notes="Downloaded, the volumes are the uncompressed .nii files of their source (the mirror holds them as "
        ".nii.gz) and the table has the source's extra empty column 'depression_diagnosis'.",
    )
)

TABULAR_INFO = register(
    DatasetInfo(
        name=TABULAR_NAME,
        title="OASIS-1 and OASIS-2 clinical tables",
        description="OASIS-1 cross-sectional (436 sessions) and OASIS-2 longitudinal (373 sessions, 150 subjects).",
        license=_TERMS,
        citation=_CITATION,
        homepage="https://sites.wustl.edu/oasisbrains/",
        used_in="D1",
        downloads=tuple(
            Download(_TABLES_BASE + f, digest, f)
            for f, digest in (
                ("oasis_cross-sectional.csv", "059f0c5ea237a20e1455c2a22decac1224f542bf108d7befd0e12a9b48abfe57"),
                ("oasis_longitudinal.csv", "d2f0a15ff35fa4a65c35c064b848fc1b396e9d2f4aec935c88d6e1588d31d40e"),
            )
        ),
        manual="download 'MRI and Alzheimers' from https://www.kaggle.com/datasets/jboysen/mri-and-alzheimers "
        "(oasis_cross-sectional.csv, oasis_longitudinal.csv) into the cache folder named above.",
    )
)


# --------------------------------------------------------------------------- loaders

PLANES = {"axial": "a", "coronal": "c", "sagittal": "s"}
CLASS_NAMES = ("CDR 0", "CDR > 0")
CROSS_SECTIONAL = "oasis_cross-sectional.csv"
_CROSS_COLUMNS = ["ID", "M/F", "Hand", "Age", "Educ", "SES", "MMSE", "CDR", "eTIV", "nWBV", "ASF", "Delay"]
_CDR_VALUES = {0.0, 0.5, 1.0, 2.0, 3.0}


def _to_number(frame: pd.DataFrame, columns: list[str], *, what: str, integer: bool = False) -> None:
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = frame[col].notna() & values.isna()
        if bad.any():
            raise DataError(f"{what}: column {col!r} has non-numeric value(s) {frame.loc[bad, col].unique()[:5].tolist()}")
        frame[col] = values.astype("Int64") if integer else values.astype("float64")


def _check_cdr(frame: pd.DataFrame, *, what: str) -> None:
    bad = frame["CDR"].notna() & ~frame["CDR"].isin(_CDR_VALUES)
    if bad.any():
        raise DataError(f"{what}: CDR has value(s) {sorted(frame.loc[bad, 'CDR'].unique())}; expected 0, 0.5, 1, 2 or 3")


def read_cross_sectional(path: str | Path) -> pd.DataFrame:
    """Read an OASIS-1 ``oasis_cross-sectional.csv`` with proper dtypes.

    Empty cells (no clinical assessment, mostly subjects under 60) and ``N/A`` become missing values:
    a missing CDR is ``NaN``, never 0. Adds ``subject_id`` (``OAS1_0001``) and ``session`` (``MR1``).
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "N/A", "NA"])
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"could not read {path} as CSV: {exc}") from exc
    what = f"OASIS-1 table {path}"
    require_columns(frame, _CROSS_COLUMNS, what=what)
    ids = frame["ID"].astype("string").str.strip()
    valid = ids.str.fullmatch(r"OAS1_\d{4}_MR\d")
    if not valid.fillna(False).all():
        raise DataError(f"{what}: malformed ID(s) {ids[~valid.fillna(False)].tolist()[:5]}; expected OAS1_xxxx_MRn")
    frame["ID"] = ids
    _to_number(frame, ["Age", "eTIV"], what=what, integer=True)
    _to_number(frame, ["Educ", "SES", "MMSE", "CDR", "nWBV", "ASF", "Delay"], what=what)
    _check_cdr(frame, what=what)
    for col in ("M/F", "Hand"):
        frame[col] = frame[col].astype("category")
    frame.insert(1, "subject_id", frame["ID"].str.slice(0, 9))
    frame.insert(2, "session", frame["ID"].str.slice(10))
    return frame


def clinical_table() -> pd.DataFrame:
    """OASIS-1 cross-sectional table: 436 sessions (416 subjects + 20 MR2 re-scans), 12 columns + ids.

    Columns ``ID, subject_id, session, M/F, Hand, Age, Educ, SES, MMSE, CDR, eTIV, nWBV, ASF, Delay``.
    ``CDR`` is float with ``NaN`` where no rating exists (do not treat it as 0).
    """
    return read_cross_sectional(fetch(TABULAR_NAME) / CROSS_SECTIONAL)


def _mri_root() -> Path:
    return fetch(MRI_NAME)


_CLINICAL = {"Age": "age", "M/F": "sex", "Educ": "educ", "SES": "ses", "MMSE": "mmse", "eTIV": "etiv",
             "nWBV": "nwbv", "ASF": "asf"}


def _with_labels(frame: pd.DataFrame, clinical: pd.DataFrame, *, what: str) -> pd.DataFrame:
    table = clinical.set_index("ID")
    unknown = sorted(set(frame["session_id"]) - set(table.index))
    if unknown:
        raise DataError(f"{what}: session(s) {unknown[:5]} are not in {CROSS_SECTIONAL}")
    rows = table.loc[frame["session_id"]]
    extra = {"cdr": rows["CDR"].to_numpy()}
    for col, name in _CLINICAL.items():
        values = rows[col]
        extra[name] = values.astype(str).to_numpy() if col == "M/F" else values.astype("float64").to_numpy()
    frame = frame.assign(**extra)
    unrated = frame.loc[frame["cdr"].isna(), "session_id"].tolist()
    if unrated:
        raise DataError(f"{what}: no CDR rating for {unrated[:5]}; they cannot be labelled")
    frame.insert(4, "label", (frame["cdr"] > 0).astype(np.int64))
    return frame.sort_values("subject_id", ignore_index=True)


def slices(plane: str = "axial") -> pd.DataFrame:
    """One T88 slice image per subject for ``plane`` (``'axial'``, ``'coronal'`` or ``'sagittal'``).

    Columns: ``subject_id`` (``OAS1_0001``), ``session_id`` (``OAS1_0001_MR1``), ``path``, ``cdr``
    (0, 0.5, 1), ``label`` (1 when CDR > 0, ``int64``), then the clinical variables ``age, sex, educ, ses,
    mmse, etiv, nwbv, asf`` (``NaN`` where the table is empty). 196 subjects, 98 per label.
    """
    if plane not in PLANES:
        raise DataError(f"unknown plane {plane!r}; choose one of {', '.join(PLANES)}")
    root = _mri_root()
    folder = root / "slices_t88" / plane
    paths = sorted(folder.glob(f"OAS1_*_MR?_{PLANES[plane]}.jpg"))
    if not paths:
        raise DataError(f"no {plane} slices (OAS1_xxxx_MRn_{PLANES[plane]}.jpg) in {folder}")
    frame = pd.DataFrame(
        {"subject_id": [p.name[:9] for p in paths], "session_id": [p.name[:13] for p in paths], "path": paths}
    )
    return _with_labels(frame, read_cross_sectional(root / CROSS_SECTIONAL), what=f"OASIS {plane} slices")


def _read_slice(path: Path, size: tuple[int, int] | None) -> np.ndarray:
    try:
        with Image.open(path) as im:
            im = im.convert("L")
            if size is not None:
                im = im.resize((size[1], size[0]), Image.Resampling.BILINEAR)
            return np.asarray(im, dtype=np.uint8)
    except OSError as exc:
        raise DataError(f"{path} is not a readable image ({exc})") from exc


def load_slices(
    plane: str | Sequence[str] = "axial", size: int | tuple[int, int] | None = None
) -> LabeledData:
    """Decode :func:`slices` into a :class:`~dyplab.data.LabeledData` with one row per subject.

    - One ``plane``: ``X`` is ``float32 [N, H, W]`` scaled to 0..1 (axial 208x176, coronal 176x176,
      sagittal 176x208, or ``size`` = ``(H, W)`` / an int for a square resize).
    - Several planes (e.g. ``PLANES`` or ``("axial", "coronal")``): ``X`` is ``float32 [N, V, H, W]``, the
      views stacked on axis 1 in the order given; they need a common ``size``.
    - ``y``: ``int64``, 1 when CDR > 0; ``class_names`` ``["CDR 0", "CDR > 0"]``.
    - ``groups``: the subject id of each row (``group_kind="subject"``) for subject-level splits.
    - ``meta``: the :func:`slices` table without ``path`` and ``label`` (subject, session, CDR, age,
      sex, education, SES, MMSE, eTIV, nWBV, ASF).
    """
    planes = [plane] if isinstance(plane, str) else list(plane)
    if not planes:
        raise DataError("load_slices() needs at least one plane")
    if isinstance(size, int):
        size = (size, size)
    tables = [slices(p) for p in planes]
    for p, t in zip(planes[1:], tables[1:]):
        if not t["subject_id"].equals(tables[0]["subject_id"]):
            raise DataError(f"the {p} slices cover other subjects than the {planes[0]} slices")
    stacks = []
    for p, t in zip(planes, tables):
        images = [_read_slice(path, size) for path in t["path"]]
        shapes = {a.shape for a in images}
        if len(shapes) != 1:
            raise DataError(f"{p} slices have different sizes {sorted(shapes)}; pass size=(H, W) to resize them")
        stacks.append(np.stack(images))
    if len(stacks) > 1 and len({s.shape for s in stacks}) != 1:
        raise DataError(f"planes {planes} have different image sizes; pass size=(H, W) to stack them")
    X = (stacks[0] if len(stacks) == 1 else np.stack(stacks, axis=1)).astype(np.float32) / 255.0
    table = tables[0]
    return LabeledData(
        X=X,
        y=table["label"].to_numpy(np.int64),
        class_names=list(CLASS_NAMES),
        groups=table["subject_id"].to_numpy(str),
        group_kind="subject",
        meta=table.drop(columns=["path", "label"]).reset_index(drop=True),
    )


def volumes() -> pd.DataFrame:
    """The MNI152 2 mm T1 volumes: ``subject_id``, ``session_id``, ``path`` (``.nii.gz`` from the mirror, ``.nii``
    when downloaded), ``cdr``, ``label`` and the clinical variables as in :func:`slices`. 19 subjects
    (9 CDR 0, 10 CDR > 0, incl. two CDR 2)."""
    root = _mri_root()
    folder = root / "volumes_mni152_2mm"
    paths = sorted(folder.glob("OAS1_*_MR?_*.nii.gz")) or sorted(folder.glob("OAS1_*_MR?_*.nii"))
    if not paths:
        raise DataError(f"no OASIS volumes (OAS1_xxxx_MRn_*.nii.gz or .nii) in {folder}")
    frame = pd.DataFrame(
        {"subject_id": [p.name[:9] for p in paths], "session_id": [p.name[:13] for p in paths], "path": paths}
    )
    return _with_labels(frame, read_cross_sectional(root / CROSS_SECTIONAL), what="OASIS volumes")


def load_volume(path: str | Path) -> np.ndarray:
    """A 3-D NIfTI volume as ``float32 [X, Y, Z]`` (91x109x91 for the MNI152 2 mm files), via nibabel."""
    import nibabel as nib

    path = Path(path)
    if not path.is_file():
        raise DataError(f"volume {path} does not exist")
    try:
        data = np.asarray(nib.load(str(path)).get_fdata(dtype=np.float32))
    except Exception as exc:  # noqa: BLE001 - nibabel raises many types for bad files
        raise DataError(f"{path} is not a readable NIfTI volume ({type(exc).__name__}: {exc})") from exc
    if data.ndim == 4 and data.shape[-1] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise DataError(f"{path} has shape {data.shape}; expected a 3-D volume")
    if not np.isfinite(data).all():
        raise DataError(f"{path} contains NaN or infinite voxels")
    return data


def three_views(volume: np.ndarray, index: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """Three orthogonal 2-D slices through a 3-D volume ``[X, Y, Z]`` at voxel ``index`` (default: the centre).

    Returns ``{"sagittal": vol[i, :, :], "coronal": vol[:, j, :], "axial": vol[:, :, k]}``, each rotated
    90 degrees for display so that the volume's second (sagittal) or third axis points up (with
    ``imshow(origin="upper")``). Raises ``ValueError`` when ``volume`` is not 3-D or ``index`` lies outside it.
    """
    vol = np.asarray(volume)
    if vol.ndim != 3:
        raise ValueError(f"three_views() needs a 3-D volume [X, Y, Z]; got {vol.ndim} dimension(s), shape {vol.shape}")
    if index is None:
        index = tuple(n // 2 for n in vol.shape)
    index = tuple(int(i) for i in index)
    if len(index) != 3 or any(not 0 <= i < n for i, n in zip(index, vol.shape)):
        raise ValueError(f"index {index} is not a voxel of a volume with shape {vol.shape}")
    i, j, k = index
    return {
        "sagittal": np.rot90(vol[i, :, :]),
        "coronal": np.rot90(vol[:, j, :]),
        "axial": np.rot90(vol[:, :, k]),
    }
