"""MIT-BIH Arrhythmia Database (PhysioNet mitdb 1.0.0): 48 two-lead 30-minute ECG records at 360 Hz."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import config
from ..io import save_npz_atomic
from ._core import DataError, DatasetInfo, fetch, manifest_downloads, register

NAME = "mitdb"

INFO = register(
    DatasetInfo(
        name=NAME,
        title="MIT-BIH Arrhythmia Database",
        description="48 half-hour two-lead ambulatory ECG records (47 patients), 360 Hz, with beat annotations.",
        license="ODC-By 1.0",
        citation="Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database. IEEE Eng Med Biol "
        "20(3):45-50 (2001); Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation "
        "101(23):e215-e220 (2000).",
        homepage="https://physionet.org/content/mitdb/1.0.0/",
        used_in="B4",
        downloads=manifest_downloads(NAME, "https://physionet.org/files/mitdb/1.0.0/"),
    )
)

# --------------------------------------------------------------------------- classes and record lists

#: MIT-BIH beat symbol → AAMI EC57 class (as used by de Chazal et al. 2004).
AAMI: dict[str, str] = {
    **dict.fromkeys("NLRej", "N"),
    **dict.fromkeys("AaJS", "S"),
    **dict.fromkeys("VE", "V"),
    "F": "F",
    **dict.fromkeys("/fQ", "Q"),
}
AAMI_CLASSES: tuple[str, ...] = ("N", "S", "V", "F", "Q")
#: The four classes of the inter-patient protocol (Q is excluded: 33 beats outside the paced records).
INTER_CLASSES: tuple[str, ...] = ("N", "S", "V", "F")
#: The five MIT-BIH beat types of the original B4 notebook (intra-patient protocol).
ORIGINAL_CLASSES: tuple[str, ...] = ("N", "L", "R", "A", "V")

#: de Chazal, O'Dwyer & Reilly, IEEE TBME 51(7):1196-1206 (2004): training set DS1 ...
DS1: tuple[str, ...] = (
    "101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
    "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230",
)  # fmt: skip
#: ... and test set DS2. The paced records 102, 104, 107 and 217 are in neither.
DS2: tuple[str, ...] = (
    "100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210",
    "212", "213", "214", "219", "221", "222", "228", "231", "232", "233", "234",
)  # fmt: skip
#: DS1 records held out for validation (early stopping) in the inter-patient protocol, chosen from the DS1 class
#: counts alone (never from DS2): 190 supraventricular (118, 220) and 536 ventricular (106, 118) beats from patients
#: the network does not train on, while most S, V and F beats (209, 201, 207, 223, 208) stay in training.
DS1_VAL: tuple[str, ...] = ("106", "118", "220")
#: Four fixed folds of the 19 other DS1 records, for choosing a recipe by record-grouped cross-validation
#: *within DS1* (never on DS2). Made from the DS1 class counts alone: each fold holds one of the records with
#: many supraventricular beats (209, 201, 207, 223) and a share of the ventricular ones.
DS1_CV_FOLDS: tuple[tuple[str, ...], ...] = (
    ("209", "208", "101", "112", "122"),
    ("201", "203", "114", "115", "230"),
    ("207", "119", "109", "205", "108"),
    ("223", "124", "215", "116"),
)
#: The paced records, in neither DS1 nor DS2.
PACED_RECORDS: tuple[str, ...] = ("102", "104", "107", "217")


def to_aami(symbols: Sequence[str] | np.ndarray) -> np.ndarray:
    """Map MIT-BIH beat symbols to AAMI classes (``'N'``, ``'S'``, ``'V'``, ``'F'``, ``'Q'``)."""
    sym = np.asarray(symbols).astype(str)
    unknown = sorted(set(np.unique(sym)) - set(AAMI))
    if unknown:
        raise ValueError(f"Symbols without an AAMI class: {unknown}; keep only beats with symbols in {sorted(AAMI)}.")
    return np.array([AAMI[s] for s in sym], dtype="<U1")


def encode(labels: Sequence[str] | np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """Class names → integer ids (int64) in the order of ``classes``; unknown names raise ``ValueError``."""
    lab = np.asarray(labels).astype(str)
    lookup = {c: i for i, c in enumerate(classes)}
    missing = sorted(set(np.unique(lab)) - set(lookup))
    if missing:
        raise ValueError(f"Labels {missing} are not among the classes {list(classes)}.")
    return np.array([lookup[x] for x in lab], dtype=np.int64)


# --------------------------------------------------------------------------- loaders

SAMPLING_RATE_HZ = 360
N_SAMPLES = 650_000
#: Annotation symbols that mark a heartbeat (WFDB convention); everything else is rhythm, noise or a comment.
BEAT_SYMBOLS: frozenset[str] = frozenset("NLRBAaJSVrFejnE/fQ?")
_CACHE_VERSION = 1


class ECGRecord(NamedTuple):
    """One record: ``signal`` [n_samples, n_leads] in mV, ``fs`` in Hz, annotation ``samples`` and ``symbols``."""

    signal: np.ndarray
    fs: float
    samples: np.ndarray
    symbols: np.ndarray


@dataclass(frozen=True)
class RecordInfo:
    """Header metadata of one record."""

    record: str
    signal_names: tuple[str, ...]
    fs: float
    n_samples: int
    paced: bool
    comments: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs


def _wfdb():
    """Import ``wfdb`` without the pandas deprecation warnings its module code raises (wfdb 4.x, pandas ≥ 3)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        import wfdb
    return wfdb


def _root(rec: str | None = None) -> Path:
    """The folder with the ``RECORDS`` list, or with the three files of record ``rec``, verified file by file:
    a damaged record is named in the error while the others stay usable."""
    files = ["RECORDS"] if rec is None else [f"{rec}.hea", f"{rec}.dat", f"{rec}.atr"]
    return fetch(NAME, progress=False, files=files)


def _check_record(rec: str | int) -> str:
    name = str(rec).strip()
    if name not in records():
        raise DataError(f"MIT-BIH has no record {rec!r}; valid records are {', '.join(records())}.")
    return name


def records() -> list[str]:
    """The 48 record names from the database's ``RECORDS`` file (e.g. ``'100'``)."""
    path = _root() / "RECORDS"
    try:
        names = [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read the MIT-BIH record list {path}: {exc}") from exc
    return names


def record_info(rec: str | int) -> RecordInfo:
    """Header metadata (lead names, fs, length, paced or not) of record ``rec``."""
    wfdb = _wfdb()
    name = _check_record(rec)
    try:
        hdr = wfdb.rdheader(str(_root(name) / name))
    except Exception as exc:  # noqa: BLE001 - wfdb raises many kinds; re-raise with the file named
        raise DataError(f"Cannot read the header of MIT-BIH record {name}: {exc}") from exc
    return RecordInfo(
        record=name,
        signal_names=tuple(hdr.sig_name),
        fs=float(hdr.fs),
        n_samples=int(hdr.sig_len),
        paced=name in PACED_RECORDS,
        comments=tuple(hdr.comments or ()),
    )


def load_record(rec: str | int) -> ECGRecord:
    """Read record ``rec`` with ``wfdb``: both leads in mV plus every reference annotation (``atr``)."""
    wfdb = _wfdb()
    name = _check_record(rec)
    path = str(_root(name) / name)
    try:
        with warnings.catch_warnings():  # wfdb 4.x trips pandas deprecation warnings inside rdann
            warnings.filterwarnings("ignore", message=".*inplace keyword.*")
            record = wfdb.rdrecord(path)
            ann = wfdb.rdann(path, "atr")
    except Exception as exc:  # noqa: BLE001
        raise DataError(f"Cannot read MIT-BIH record {name} (files {path}.hea/.dat/.atr): {exc}") from exc
    signal = np.asarray(record.p_signal, dtype=np.float64)
    if signal.ndim != 2 or not np.isfinite(signal).all():
        raise DataError(f"MIT-BIH record {name} has an invalid signal (shape {signal.shape} or non-finite values).")
    return ECGRecord(signal, float(record.fs), np.asarray(ann.sample, dtype=np.int64), np.asarray(ann.symbol))


def beat_features(records: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """de Chazal features (:func:`dyplab.models.ecg_lda.record_features`) of the beats given by
    ``(record, R-peak sample)`` pairs, e.g. a :class:`BeatSet`'s ``record`` and ``sample``. RR intervals use all
    annotated beats of the record, so each record is read whole."""
    from ..models.ecg_lda import record_features

    records = np.asarray(records).astype(str)
    samples = np.asarray(samples, dtype=np.int64)
    out = None
    for name in np.unique(records):
        rec = load_record(name)
        peaks = rec.samples[np.isin(rec.symbols, sorted(BEAT_SYMBOLS))]
        feats = record_features(rec.signal[:, :2], rec.fs, peaks)
        rows = np.flatnonzero(records == name)
        pos = np.searchsorted(peaks, samples[rows])
        if np.any(pos >= len(peaks)) or np.any(peaks[np.minimum(pos, len(peaks) - 1)] != samples[rows]):
            raise ValueError(f"Record {name}: some requested samples are not annotated beats.")
        if out is None:
            out = np.empty((len(records), feats.shape[1]))
        out[rows] = feats[pos]
    if out is None:
        raise ValueError("beat_features() needs at least one beat.")
    return out


def lead_index(info: RecordInfo, lead: str = "MLII") -> int:
    """Column of ``lead`` in the record, falling back to column 0 when the record lacks it (102 and 104)."""
    return info.signal_names.index(lead) if lead in info.signal_names else 0


class RecordBeats(NamedTuple):
    """Segmented beats of one record (see :func:`record_beats`)."""

    waves: np.ndarray  # [n_beats, window] float32, band-passed, not normalised
    rr: np.ndarray  # [n_beats, n_rr_features] float32 (see dyplab.signal.RR_FEATURES)
    symbols: np.ndarray  # [n_beats] str
    samples: np.ndarray  # [n_beats] R-peak sample index at the original 360 Hz
    fs: float  # sampling rate of ``waves``


def record_beats(
    rec: str | int,
    *,
    lead: str = "MLII",
    before_s: float = 0.25,
    after_s: float = 0.45,
    band: tuple[float, float] = (0.5, 40.0),
    target_fs: float = 180.0,
    local_beats: int = 10,
    cache: bool = True,
) -> RecordBeats:
    """Band-pass the whole record, downsample, cut one window per beat and compute RR features.

    The result is cached in the user's data cache (``dyplab.config.data_dir()``), keyed by all parameters,
    and written atomically; the course mirror is never written to.
    """
    from .. import signal

    name = _check_record(rec)
    params = {
        "v": _CACHE_VERSION,
        "rec": name,
        "lead": lead,
        "before_s": before_s,
        "after_s": after_s,
        "band": list(band),
        "target_fs": target_fs,
        "local_beats": local_beats,
    }
    path = _cache_file(params)
    if cache and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                return RecordBeats(z["waves"], z["rr"], z["symbols"], z["samples"], float(z["fs"]))
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below

    info = record_info(name)
    ecg_rec = load_record(name)
    beat = np.isin(ecg_rec.symbols, sorted(BEAT_SYMBOLS))
    samples, symbols = ecg_rec.samples[beat], ecg_rec.symbols[beat]
    x = signal.bandpass(ecg_rec.signal[:, lead_index(info, lead)], ecg_rec.fs, low=band[0], high=band[1])
    x, fs = signal.downsample(x, ecg_rec.fs, target_fs)
    factor = ecg_rec.fs / fs
    r_down = np.round(samples / factor).astype(np.int64)
    rr = signal.rr_features(samples, ecg_rec.fs, local_beats=local_beats)
    waves, kept = signal.segment_beats(x, r_down, before=round(before_s * fs), after=round(after_s * fs))
    out = RecordBeats(
        waves.astype(np.float32), rr[kept].astype(np.float32), symbols[kept].astype("<U1"), samples[kept], float(fs)
    )
    if cache:
        save_npz_atomic(path, waves=out.waves, rr=out.rr, symbols=out.symbols, samples=out.samples, fs=out.fs)
    return out


def _cache_file(params: dict) -> Path:
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    return config.data_dir() / "derived" / NAME / f"beats-{params['rec']}-{key}.npz"


class BeatSet(NamedTuple):
    """Beats of several records stacked: ``waves`` [n, window], ``rr`` [n, k], ``symbols``, ``record`` and
    ``sample`` (R-peak index at 360 Hz) [n]; ``fs`` is the sampling rate of ``waves``.

    The one classification loader that does not return :class:`~dyplab.data.LabeledData` (yet): B4 labels the same
    beats two ways (part 1: five beat symbols, :data:`ORIGINAL_CLASSES`; part 2: AAMI classes without Q, derived in
    the notebook from the symbols), so no single ``y`` fits; B4, ``app/ecg.py`` and two benchmarks read these fields
    one by one and must change together with a new run of B4 (``docs/arkitektur.md``, open seams).
    """

    waves: np.ndarray
    rr: np.ndarray
    symbols: np.ndarray
    record: np.ndarray
    sample: np.ndarray
    fs: float

    def __len__(self) -> int:  # type: ignore[override]
        return len(self.symbols)

    def subset(self, index: np.ndarray) -> BeatSet:
        """The beats at ``index`` (boolean mask or integer indices)."""
        return BeatSet(
            self.waves[index], self.rr[index], self.symbols[index], self.record[index], self.sample[index], self.fs
        )


def load_beats(recs: list[str] | tuple[str, ...] | None = None, **kwargs) -> BeatSet:
    """Segmented beats of ``recs`` (default: all 48 records), with the record id of every beat.

    Keyword arguments go to :func:`record_beats` (window, lead, band, sampling rate).
    """
    names = records() if recs is None else [_check_record(r) for r in recs]
    if not names:
        raise ValueError("load_beats() needs at least one record.")
    parts = [record_beats(name, **kwargs) for name in names]
    return BeatSet(
        np.concatenate([p.waves for p in parts]),
        np.concatenate([p.rr for p in parts]),
        np.concatenate([p.symbols for p in parts]),
        np.concatenate([np.full(len(p.symbols), name) for p, name in zip(parts, names)]),
        np.concatenate([p.samples for p in parts]),
        parts[0].fs,
    )
