"""UCI Heart Disease (Cleveland, Hungary, Switzerland, VA Long Beach), the 14-attribute processed files.

Two ways in, one for each need:

- :func:`load` is the classification loader: a :class:`~dyplab.data.LabeledData` with ``X`` the 13
  :data:`FEATURES` (a DataFrame), ``y`` the binary ``target`` and ``meta`` the ``grade`` (and ``site``).
- :func:`table` is the raw table (features, ``grade``, ``target``, ``site``) for exploring and
  preprocessing it by hand (B3), and :func:`describe_variables` explains its columns in Norwegian.

>>> from dyplab.data import heart
>>> data = heart.load("cleveland")        # doctest: +SKIP  (303 patients × 13 FEATURES, y = target)
>>> df = heart.table("cleveland")         # doctest: +SKIP  (303 rows: 13 FEATURES, grade, target)
>>> heart.describe_variables()            # doctest: +SKIP  (Norwegian table of the variables and codes)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ._core import DataError, DatasetInfo, fetch, manifest_downloads, register, require_columns
from .labeled import LabeledData

NAME = "uci_heart"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="UCI Heart Disease",
        description="303 Cleveland patients (+ Hungary, Switzerland, VA), 13 clinical variables, angiographic "
        "disease grade 0-4.",
        license="CC BY 4.0",
        citation="Janosi A, Steinbrunn W, Pfisterer M, Detrano R (1989). Heart Disease [Dataset]. UCI Machine "
        "Learning Repository. https://doi.org/10.24432/C52P4X",
        homepage="https://archive.ics.uci.edu/dataset/45/heart+disease",
        used_in="B3",
        downloads=manifest_downloads(NAME, "https://archive.ics.uci.edu/ml/machine-learning-databases/heart-disease/"),
    )
)


# --------------------------------------------------------------------------- loaders
#
# The processed files have 14 comma-separated columns and no header. `?` marks a missing
# value. The category codes are kept exactly as in the files (they are NOT 0-based:
# cp 1-4, slope 1-3, thal 3/6/7), because those are the codes heart-disease.names documents.


FEATURES: tuple[str, ...] = (
    "age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal",
)  # fmt: skip
"""The 13 clinical variables, in file order."""

RAW_COLUMNS: tuple[str, ...] = (*FEATURES, "num")
"""The 14 columns of a processed file; ``num`` is the angiographic diagnosis 0-4."""

NUMERIC: tuple[str, ...] = ("age", "trestbps", "chol", "thalach", "oldpeak", "ca")
"""Measured quantities (``ca`` is a count of vessels, 0-3, treated as an ordered number)."""

BINARY: tuple[str, ...] = ("sex", "fbs", "exang")
"""Yes/no variables coded 0/1."""

NOMINAL: tuple[str, ...] = ("cp", "restecg", "slope", "thal")
"""Categorical variables with more than two codes (one-hot encode these)."""

CATEGORICAL: tuple[str, ...] = tuple(c for c in FEATURES if c in BINARY + NOMINAL)
"""All coded (categorical) variables: :data:`BINARY` and :data:`NOMINAL`, in file order."""

SITES: dict[str, str] = {
    "cleveland": "processed.cleveland.data",
    "hungarian": "processed.hungarian.data",
    "switzerland": "processed.switzerland.data",
    "va": "processed.va.data",
}
"""Site name → file. Cleveland is the set used in almost all published work."""

CODES: dict[str, dict[int, str]] = {
    "sex": {0: "kvinne", 1: "mann"},
    "cp": {1: "typisk angina", 2: "atypisk angina", 3: "ikke-anginøs smerte", 4: "asymptomatisk"},
    "fbs": {0: "≤ 120 mg/dl", 1: "> 120 mg/dl"},
    "restecg": {0: "normalt", 1: "ST-T-forandringer", 2: "venstre ventrikkelhypertrofi"},
    "exang": {0: "nei", 1: "ja"},
    "slope": {1: "stigende", 2: "flat", 3: "fallende"},
    "ca": {0: "0 kar", 1: "1 kar", 2: "2 kar", 3: "3 kar"},
    "thal": {3: "normal", 6: "fiksert defekt", 7: "reversibel defekt"},
    "grade": {0: "< 50 % innsnevring", 1: "grad 1", 2: "grad 2", 3: "grad 3", 4: "grad 4"},
    "target": {0: "ingen sykdom", 1: "hjertesykdom"},
}
"""Code → Norwegian label for every coded variable, with the codes used in the files."""

TARGET_NAMES: tuple[str, str] = ("Ingen sykdom", "Hjertesykdom")
"""Class names for ``target`` 0 and 1 (plots, tables)."""

_DESCRIPTIONS: dict[str, tuple[str, str, str]] = {
    # name: (beskrivelse, enhet eller koder, type)
    "age": ("Alder", "år", "numerisk"),
    "sex": ("Kjønn", "0 = kvinne, 1 = mann", "binær"),
    "cp": ("Type brystsmerte", "1 = typisk angina, 2 = atypisk angina, 3 = ikke-anginøs smerte, 4 = asymptomatisk",
           "nominal"),
    "trestbps": ("Blodtrykk i hvile ved innleggelse", "mm Hg", "numerisk"),
    "chol": ("Serumkolesterol", "mg/dl", "numerisk"),
    "fbs": ("Fastende blodsukker > 120 mg/dl", "0 = nei, 1 = ja", "binær"),
    "restecg": ("EKG i hvile", "0 = normalt, 1 = ST-T-forandringer (T-inversjon og/eller ST-heving/-senkning > 0,05 mV), "
                "2 = sannsynlig/sikker venstre ventrikkelhypertrofi (Estes' kriterier)", "nominal"),
    "thalach": ("Høyeste hjertefrekvens under arbeidsbelastning", "slag/min", "numerisk"),
    "exang": ("Anstrengelsesutløst angina", "0 = nei, 1 = ja", "binær"),
    "oldpeak": ("ST-senkning ved belastning sammenlignet med hvile", "ikke oppgitt i kilden, trolig mm", "numerisk"),
    "slope": ("Helning på ST-segmentet ved maksimal belastning", "1 = stigende, 2 = flat, 3 = fallende", "nominal"),
    "ca": ("Antall store koronarkar farget ved gjennomlysning (fluoroskopi)", "0–3", "telling (ordnet)"),
    "thal": ("Thallium-scintigrafi (myokardperfusjon)", "3 = normal, 6 = fiksert defekt, 7 = reversibel defekt",
             "nominal"),
    "grade": ("Angiografisk diagnose (num i filen)", "0 = < 50 % innsnevring, 1–4 = > 50 % innsnevring i minst ett "
              "stort kar (gradene 1–4 er ikke nærmere forklart i heart-disease.names)", "utfall (ordnet)"),
    "target": ("Hjertesykdom, binært utfall", "0 = ingen (grade 0), 1 = sykdom (grade 1–4)", "utfall (binært)"),
}  # fmt: skip

# Zero is not a possible value for these; the Swiss and VA files use 0 for "not measured".
_ZERO_MEANS_MISSING = ("trestbps", "chol")


def describe_variables() -> pd.DataFrame:
    """A Norwegian table of the 13 variables and the two outcome columns (meaning, unit or codes, type)."""
    rows = [(name, *_DESCRIPTIONS[name]) for name in (*FEATURES, "grade", "target")]
    return pd.DataFrame(rows, columns=["variabel", "beskrivelse", "enhet / koder", "type"]).set_index("variabel")


def read(path: str | Path, *, site: str | None = None, zeros_as_missing: bool = True) -> pd.DataFrame:
    """Read one processed UCI heart file (14 columns, no header, ``?`` = missing) into a clean table.

    A header row (column names only, no numbers) is accepted. Every row must have 14 fields and every
    value must be a number or ``?``; otherwise a :class:`DataError` names the line, the column and the
    value — also on the first line, which is never mistaken for a header because of one bad value.
    See :func:`prepare` for the columns of the result.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read heart-disease file {path}: {exc}") from exc
    rows = [(i, [f.strip() for f in fields]) for i, fields in enumerate(csv.reader(io.StringIO(text)), start=1)
            if any(f.strip() for f in fields)]  # fmt: skip
    if not rows:
        raise DataError(f"{path} is empty; expected {len(RAW_COLUMNS)} comma-separated columns per line")
    header: list[str] | None = None
    first = rows[0][1]
    if not any(_is_number_or_missing(f) for f in first):  # a header line (no field is a value)
        header = [f.lower() for f in first]
        rows = rows[1:]
    names = header or list(RAW_COLUMNS)
    for lineno, fields in rows:
        if len(fields) != len(names):
            raise DataError(
                f"{path}, line {lineno}: expected {len(names)} comma-separated values "
                f"({', '.join(names)}), found {len(fields)}"
            )
        for name, value in zip(names, fields):
            if not _is_number_or_missing(value):
                raise DataError(
                    f"{path}, line {lineno}: column {name!r} has {value!r}, which is neither a number nor '?'"
                )
    frame = pd.DataFrame(
        [[np.nan if v == "?" else float(v) for v in fields] for _, fields in rows], columns=names, dtype="float64"
    )
    return prepare(frame, site=site, zeros_as_missing=zeros_as_missing, what=str(path))


def _is_number_or_missing(value: str) -> bool:
    if value == "?":
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def prepare(
    raw: pd.DataFrame, *, site: str | None = None, zeros_as_missing: bool = True, what: str = "heart-disease table"
) -> pd.DataFrame:
    """Check and tidy a table with the 14 raw columns (``age`` … ``thal``, ``num``).

    Returns the 13 :data:`FEATURES` as float64 (NaN = missing, original codes kept), ``grade``
    (the 0-4 diagnosis as nullable ``Int64``) and ``target`` (``grade > 0`` as int64).
    The Hungarian file only records 0/1 (absent/present), so its positive grades are unknown
    (``<NA>``) there; ``target`` is always known. With ``zeros_as_missing``, a resting blood pressure
    or cholesterol of 0 (used for "not measured" in the Swiss and VA files) becomes NaN.
    Columns are matched by name (any order); other columns are dropped; a value ``nan`` counts as missing.
    """
    require_columns(raw, RAW_COLUMNS, what=what)
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for col in FEATURES:
        values = pd.to_numeric(raw[col].replace("?", np.nan), errors="coerce").astype("float64").to_numpy()
        bad = raw[col].notna().to_numpy() & np.isnan(values) & (raw[col].astype(str).to_numpy() != "?")
        if bad.any():
            raise DataError(
                f"{what}: column {col!r} has non-numeric values {sorted(set(raw[col][bad].astype(str)))[:5]}"
            )
        out[col] = values
    if zeros_as_missing:
        for col in _ZERO_MEANS_MISSING:
            out.loc[out[col] == 0, col] = np.nan
    for col, codes in CODES.items():
        if col not in FEATURES:
            continue
        present = out[col].dropna()
        unknown = sorted(set(present[~present.isin(list(codes))].tolist()))
        if unknown:
            raise DataError(f"{what}: column {col!r} has codes {unknown} outside the documented set {sorted(codes)}")
    num = pd.to_numeric(raw["num"], errors="coerce")
    if num.isna().any() or not num.isin([0, 1, 2, 3, 4]).all():
        bad = sorted(set(raw["num"][num.isna() | ~num.isin([0, 1, 2, 3, 4])].astype(str)))[:5]
        raise DataError(f"{what}: the diagnosis column 'num' must be 0-4 with no missing values; found {bad}")
    grade = num.astype("int64").astype("Int64")
    if site == "hungarian":  # 0/1 only in the processed file: 1 means "grade 1-4, not recorded"
        grade = grade.mask(grade > 0)
    out["grade"] = grade.to_numpy()
    out["grade"] = out["grade"].astype("Int64")
    out["target"] = (num.to_numpy() > 0).astype("int64")
    return out


def table(site: str = "cleveland", *, root: str | Path | None = None, zeros_as_missing: bool = True) -> pd.DataFrame:
    """The raw UCI heart-disease table of one site, or of all four (``site="all"``, with a ``site`` column).

    ``root`` is a folder holding the processed files; by default :func:`dyplab.data.fetch` finds it
    (cache → course mirror → download, sha256-verified). Cleveland has 303 patients, 6 of them with a
    missing ``ca`` or ``thal`` (kept as NaN: impute them inside the model pipeline, do not drop them).
    """
    key = site.strip().lower()
    if key != "all" and key not in SITES:
        raise ValueError(f"Unknown site {site!r}; choose one of {', '.join([*SITES, 'all'])}.")
    folder = Path(root) if root is not None else fetch(NAME)
    if key != "all":
        return read(folder / SITES[key], site=key, zeros_as_missing=zeros_as_missing)
    parts = []
    for name, filename in SITES.items():
        part = read(folder / filename, site=name, zeros_as_missing=zeros_as_missing)
        part["site"] = name
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["site"] = pd.Categorical(frame["site"], categories=list(SITES))
    return frame


def load(site: str = "cleveland", *, root: str | Path | None = None, zeros_as_missing: bool = True) -> LabeledData:
    """The heart-disease patients of one site (or ``"all"``) as :class:`~dyplab.data.LabeledData`.

    ``X`` is the 13 :data:`FEATURES` (a DataFrame, NaN = missing, codes as in the files), ``y`` the
    ``target`` (1 = heart disease, class names :data:`TARGET_NAMES`), ``meta`` the ``grade`` (and the
    ``site`` for ``"all"``). Same rows, same order as :func:`table`.
    """
    frame = table(site, root=root, zeros_as_missing=zeros_as_missing)
    meta = frame[[c for c in ("grade", "site") if c in frame.columns]].reset_index(drop=True)
    return LabeledData(frame[list(FEATURES)], frame["target"].to_numpy(), list(TARGET_NAMES), meta=meta)
