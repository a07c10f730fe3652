"""Small UCI clinical tables for the PFN notebooks (F1, F2): Parkinsons (voice), Wisconsin breast cancer,
DARWIN (handwriting), Glioma grading.

- :func:`parkinsons`, :func:`breast_cancer`, :func:`darwin`, :func:`glioma` are the classification loaders: a
  :class:`~dyplab.data.LabeledData` with ``X`` a DataFrame (column names kept) from which every identifier
  column is removed here, in one place (Parkinsons' ``name``/``subject_id``, DARWIN's ``ID``; they are kept in
  ``meta``), ``y`` int64 with class 1 the finding a test should detect, Norwegian class names, and
  ``groups`` = subject where a person has several rows (Parkinsons).
- :func:`parkinsons_table`, :func:`darwin_table`, :func:`glioma_table` are the raw, checked tables (with the
  identifier and target columns), for a notebook that needs a column the loader removes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._core import DataError, DatasetInfo, Download, fetch, register, require_columns
from .labeled import LabeledData

PARKINSONS = "uci_parkinsons"
DARWIN = "uci_darwin"
GLIOMA = "uci_glioma"

PARKINSONS_INFO = register(
    DatasetInfo(
        name=PARKINSONS,
        title="UCI Parkinsons",
        description="195 voice recordings of 31 subjects (23 with Parkinson's disease), 22 acoustic features.",
        license="CC BY 4.0",
        citation="Little MA et al. Exploiting nonlinear recurrence and fractal scaling properties for voice "
        "disorder detection. BioMedical Engineering OnLine 6:23 (2007). https://doi.org/10.24432/C59C74",
        homepage="https://archive.ics.uci.edu/dataset/174/parkinsons",
        used_in="F1",
        downloads=(
            Download(
                "https://archive.ics.uci.edu/ml/machine-learning-databases/parkinsons/parkinsons.data",
                "a36116c2deac07895b79ce97a2f99a1b3720ac4892995ff5c3b9ccb397ed2bc5",
                "parkinsons.data",
            ),
            Download(
                "https://archive.ics.uci.edu/ml/machine-learning-databases/parkinsons/parkinsons.names",
                "ac4f44495100d468feb566d1272b2070000507ec6a02ea64ff50b847784d7455",
                "parkinsons.names",
            ),
        ),
    )
)

DARWIN_INFO = register(
    DatasetInfo(
        name=DARWIN,
        title="DARWIN handwriting (UCI 732)",
        description="174 subjects (89 Alzheimer's, 85 healthy) x 451 handwriting features.",
        license="CC BY 4.0",
        citation="Cilia ND et al. Diagnosing Alzheimer's disease from on-line handwriting: a novel dataset and "
        "performance benchmarking. Eng Appl Artif Intell 111:104822 (2022). https://doi.org/10.24432/C55D0K",
        homepage="https://archive.ics.uci.edu/dataset/732/darwin",
        used_in="F2",
        downloads=(
            Download(
                "https://archive.ics.uci.edu/static/public/732/darwin.zip",
                "4e28ebe910984d906746279032302abe6e7a312e776758fab666cca5687d0d91",
                "darwin.zip",
                extract=True,
            ),
        ),
    )
)

GLIOMA_INFO = register(
    DatasetInfo(
        name=GLIOMA,
        title="Glioma grading (UCI 759)",
        description="839 TCGA glioma patients (LGG vs GBM), clinical variables and 20 mutation flags.",
        license="CC BY 4.0",
        citation="Tasci E et al. Glioma Grading Clinical and Mutation Features [Dataset]. UCI Machine Learning "
        "Repository (2022). https://doi.org/10.24432/C5R62J",
        homepage="https://archive.ics.uci.edu/dataset/759/glioma+grading+clinical+and+mutation+features+dataset",
        used_in="F2",
        # UCI publishes no checksum for its zip; the two CSV files are fetched from a pinned GitHub commit instead
        downloads=tuple(
            Download(
                "https://raw.githubusercontent.com/diogotvf7/feup-ia-project2/"
                f"7d6a57036ad2b1676cd6f0ac436b8c9a190f4fe6/dataset/{f}",
                digest,
                f,
            )
            for f, digest in (
                ("TCGA_InfoWithGrade.csv", "1b25614ff94c8cf95f80f2c91c33e69843044c62283332690c9ff88f195144a1"),
                ("TCGA_GBM_LGG_Mutations_all.csv", "6c617f370467b99e3d9b17633ac735fb900801fd6ffc8cc865344067e84b6312"),
            )
        ),
        manual="download the archive from the dataset page above (TCGA_InfoWithGrade.csv, "
        "TCGA_GBM_LGG_Mutations_all.csv) into the cache folder named above, or use the course mirror.",
    )
)


# --------------------------------------------------------------------------- loaders


def _read_csv(path: Path, **kwargs) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path} does not exist")
    try:
        return pd.read_csv(path, **kwargs)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"could not read {path} as CSV: {exc}") from exc


def _require_numeric(frame: pd.DataFrame, columns, *, what: str) -> None:
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise DataError(f"{what}: column(s) {bad[:5]} are not numeric")
    nan = [c for c in columns if frame[c].isna().any()]
    if nan:
        raise DataError(f"{what}: column(s) {nan[:5]} have missing values")


def parkinsons_table() -> pd.DataFrame:
    """UCI Parkinsons voice table: 195 recordings x (``name``, ``subject_id``, 22 features, ``status``).

    ``status`` is the target (1 = Parkinson's, 0 = healthy, ``int64``). ``subject_id`` (``S01`` ...)
    comes from ``name`` (``phon_R01_S01_1``): there are several recordings per subject, so split by
    ``subject_id`` (e.g. ``GroupKFold``) to avoid leakage. The file has 32 such ids although the
    documentation speaks of 31 people.
    """
    path = fetch(PARKINSONS) / "parkinsons.data"
    frame = _read_csv(path)
    what = f"Parkinsons table {path}"
    require_columns(frame, ["name", "status"], what=what)
    subject = frame["name"].astype(str).str.extract(r"^phon_R01_(S\d+)_\d+$", expand=False)
    if subject.isna().any():
        raise DataError(f"{what}: name(s) {frame.loc[subject.isna(), 'name'].tolist()[:5]} do not look like phon_R01_Sxx_n")
    frame.insert(1, "subject_id", subject.astype(str))
    features = [c for c in frame.columns if c not in ("name", "subject_id", "status")]
    _require_numeric(frame, [*features, "status"], what=what)
    if not frame["status"].isin([0, 1]).all():
        raise DataError(f"{what}: status must be 0 or 1, found {sorted(frame['status'].unique())}")
    frame["status"] = frame["status"].astype(np.int64)
    return frame


def darwin_table() -> pd.DataFrame:
    """DARWIN handwriting table: 174 subjects x (``ID``, 450 features, ``class``).

    ``class`` is the target, mapped P (Alzheimer's patient) → 1 and H (healthy) → 0 (``int64``).
    One row per subject, so rows can be split directly.
    """
    root = fetch(DARWIN)
    for candidate in (root / "DARWIN.csv", root / "DARWIN" / "DARWIN.csv"):  # mirror / extracted darwin.zip
        if candidate.is_file():
            path = candidate
            break
    else:
        raise DataError(f"DARWIN.csv is in neither {root} nor {root / 'DARWIN'}")
    frame = _read_csv(path)
    what = f"DARWIN table {path}"
    require_columns(frame, ["ID", "class"], what=what)
    labels = frame["class"].astype(str).str.strip()
    unknown = sorted(set(labels) - {"P", "H"})
    if unknown:
        raise DataError(f"{what}: class has value(s) {unknown}; expected P or H")
    frame["class"] = (labels == "P").astype(np.int64)
    _require_numeric(frame, [c for c in frame.columns if c != "ID"], what=what)
    return frame


def glioma_table() -> pd.DataFrame:
    """Glioma grading table (TCGA_InfoWithGrade.csv): 839 patients x 24 columns, all ``int64``
    except ``Age_at_diagnosis`` (float, years).

    ``Grade`` is the target (0 = LGG, 1 = GBM); ``Gender``, ``Race`` and the 20 gene columns
    (IDH1 ... PDGFRA, 1 = mutated) are coded as integers as in the UCI file.
    """
    path = fetch(GLIOMA) / "TCGA_InfoWithGrade.csv"
    frame = _read_csv(path)
    what = f"Glioma table {path}"
    require_columns(frame, ["Grade", "Gender", "Age_at_diagnosis", "Race", "IDH1"], what=what)
    _require_numeric(frame, list(frame.columns), what=what)
    if not frame["Grade"].isin([0, 1]).all():
        raise DataError(f"{what}: Grade must be 0 or 1, found {sorted(frame['Grade'].unique())}")
    return frame


# --------------------------------------------------------------------------- classification loaders


def parkinsons() -> LabeledData:
    """195 voice recordings × 22 features; 1 = Parkinson's. ``groups`` = subject (several recordings each);
    ``meta`` holds ``name`` and ``subject_id``."""
    frame = parkinsons_table()
    ids = ["name", "subject_id"]
    return LabeledData(frame.drop(columns=[*ids, "status"]), frame["status"].to_numpy(), ["frisk", "Parkinson"],
                       groups=frame["subject_id"].to_numpy(), group_kind="subject", meta=frame[ids])


def breast_cancer() -> LabeledData:
    """scikit-learn's copy of the Wisconsin diagnostic breast cancer table (UCI 17), recoded so that 1 = malignant.

    scikit-learn codes 0 = malignant (212) and 1 = benign (357); here ``y = 1`` means malignant, the class a
    test should find, so ROC AUC and P(class 1) are about malignancy.
    """
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    if list(data.target_names) != ["malignant", "benign"]:
        raise DataError(f"scikit-learn's breast cancer table has target names {list(data.target_names)}; "
                        "expected ['malignant', 'benign']")
    y = (data.target.to_numpy() == 0).astype(np.int64)
    return LabeledData(data.data, y, ["godartet", "ondartet"])


def darwin() -> LabeledData:
    """DARWIN handwriting: 174 people × 450 features; 1 = Alzheimer's patient. ``ID`` is only in ``meta``."""
    frame = darwin_table()
    return LabeledData(frame.drop(columns=["ID", "class"]), frame["class"].to_numpy(), ["frisk", "Alzheimer"],
                       meta=frame[["ID"]])


def glioma() -> LabeledData:
    """Glioma grading: 839 patients × 23 features (sex, age, race, 20 mutation flags); 1 = GBM, 0 = LGG."""
    frame = glioma_table()
    return LabeledData(frame.drop(columns=["Grade"]), frame["Grade"].to_numpy(), ["LGG", "GBM"])
