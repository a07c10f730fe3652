"""ECG signal processing for beat classification: filtering, segmentation, RR features, AAMI classes and splits.

The pieces follow the usual MIT-BIH pipeline (see notebook B4):

1. :func:`bandpass` — zero-phase Butterworth band-pass on the *whole* record (no edge effects per beat);
2. :func:`downsample` — 360 Hz → 180 Hz is plenty for a 0.5–40 Hz signal;
3. :func:`segment_beats` — one fixed window around every annotated R peak, edge beats dropped;
4. :func:`rr_features` — the rhythm around each beat (premature beats have a short pre-RR);
5. :func:`zscore` per beat and :func:`model_inputs` to feed a network;
6. :data:`AAMI` classes and the inter-patient DS1/DS2 division of de Chazal et al. (2004).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
PACED: tuple[str, ...] = ("102", "104", "107", "217")
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

RR_FEATURES: tuple[str, ...] = (
    "pre_rr_s",  # time since the previous beat
    "post_rr_s",  # time to the next beat
    "local_rr_s",  # mean RR of the surrounding beats
    "pre_rr_rel",  # pre-RR / the record's mean RR
    "post_rr_rel",  # post-RR / the record's mean RR
    "local_rr_rel",  # local RR / the record's mean RR
    "pre_over_local",  # prematurity: pre-RR / local RR
    "pre_over_post",  # pre-RR / post-RR (short-long pattern of an ectopic beat)
)
#: The RR features that do not depend on the patient's heart rate (ratios only); B4 uses these.
RELATIVE_RR: tuple[str, ...] = ("pre_rr_rel", "post_rr_rel", "local_rr_rel", "pre_over_local", "pre_over_post")
#: B4's inter-patient recipe, chosen among candidate recipes by F1(S) + F1(V) on the pooled out-of-fold
#: predictions of :data:`DS1_CV_FOLDS` (each fold: train on the other folds, early-stop on :data:`DS1_VAL`).
#: Inputs: z-scored MLII beat, the same minus the record's median beat (:func:`minus_record_median`) as a
#: second channel, and the relative RR features; N beats capped, square-root class weights, 3-seed ensemble.
INTER_RECIPE: dict[str, object] = {
    "channels": ("beat", "beat_minus_record_median"),
    "rr_features": RELATIVE_RR,
    "max_n_beats": 15_000,
    "class_weight_power": 0.5,
    "lr": 1e-3,
    "max_epochs": 12,
    "patience": 3,
    "n_models": 3,
}


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


# --------------------------------------------------------------------------- signal processing


def bandpass(x: np.ndarray, fs: float, low: float = 0.5, high: float = 40.0, order: int = 4, axis: int = 0) -> np.ndarray:
    """Zero-phase Butterworth band-pass (``scipy.signal.sosfiltfilt``), ``low``–``high`` Hz along ``axis``.

    Apply it to the whole record: filtering each short beat window separately gives edge artefacts.
    """
    from scipy.signal import butter, sosfiltfilt

    x = np.asarray(x, dtype=np.float64)
    if not np.isfinite(x).all():
        raise ValueError("bandpass() got NaN or infinite samples; clean or interpolate the signal first.")
    if not 0 < low < high < fs / 2:
        raise ValueError(f"Need 0 < low < high < fs/2; got low={low}, high={high}, fs={fs}.")
    sos = butter(order, [low, high], btype="bandpass", fs=fs, output="sos")
    min_len = 3 * (2 * len(sos) + 1)
    if x.shape[axis] <= min_len:
        raise ValueError(f"Signal too short to filter: {x.shape[axis]} samples, need more than {min_len}.")
    return sosfiltfilt(sos, x, axis=axis)


def downsample(x: np.ndarray, fs: float, target_fs: float) -> tuple[np.ndarray, float]:
    """Decimate by the integer factor ``fs / target_fs`` (zero-phase anti-alias filter); returns ``(y, new_fs)``."""
    from scipy.signal import decimate

    factor = fs / target_fs
    if target_fs <= 0 or factor < 1 or abs(factor - round(factor)) > 1e-9:
        raise ValueError(f"fs / target_fs must be an integer ≥ 1; got {fs} / {target_fs}.")
    q = int(round(factor))
    if q == 1:
        return np.asarray(x, dtype=np.float64), float(fs)
    return decimate(np.asarray(x, dtype=np.float64), q, ftype="fir", zero_phase=True, axis=0), fs / q


def segment_beats(x: np.ndarray, r_peaks: np.ndarray, before: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``x[r - before : r + after]`` around every R peak.

    Returns ``(windows [k, before + after], kept)`` where ``kept`` are the indices into ``r_peaks`` of beats whose
    window fits inside the signal (beats at the edges are dropped).
    """
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"segment_beats() expects a 1-D signal, got shape {x.shape}.")
    if before < 0 or after <= 0:
        raise ValueError(f"Need before ≥ 0 and after > 0 samples; got {before}, {after}.")
    r = np.asarray(r_peaks, dtype=np.int64)
    kept = np.flatnonzero((r - before >= 0) & (r + after <= len(x)))
    idx = r[kept, None] + np.arange(-before, after)[None, :]
    return x[idx], kept


def zscore(waves: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Normalise every beat (row) to mean 0 and standard deviation 1."""
    w = np.asarray(waves, dtype=np.float32)
    mu = w.mean(axis=-1, keepdims=True)
    sd = w.std(axis=-1, keepdims=True)
    return (w - mu) / np.maximum(sd, eps)


def rr_features(r_peaks: np.ndarray, fs: float, *, local_beats: int = 10, clip: float = 5.0) -> np.ndarray:
    """RR-interval features of every beat, columns as in :data:`RR_FEATURES` (float64 [n, 8]).

    ``r_peaks`` are all beat positions of one record, in samples and in time order. The first beat borrows
    its pre-RR from the second, the last its post-RR from the one before. The local RR is the mean over
    ``local_beats`` surrounding intervals; the relative features divide by the record's mean RR, which makes
    them comparable between patients with different heart rates. Values are clipped to ``[0, clip]``.
    """
    r = np.asarray(r_peaks, dtype=np.float64)
    if r.ndim != 1 or len(r) < 3:
        raise ValueError(f"rr_features() needs a 1-D series of at least 3 R peaks, got shape {r.shape}.")
    if np.any(np.diff(r) <= 0):
        raise ValueError("R peaks must be strictly increasing.")
    rr = np.diff(r) / fs  # rr[i] = interval between beat i and i + 1
    pre = np.concatenate([[rr[0]], rr])
    post = np.concatenate([rr, [rr[-1]]])
    half = max(local_beats // 2, 1)
    csum = np.concatenate([[0.0], np.cumsum(pre)])
    lo = np.clip(np.arange(len(pre)) - half, 0, len(pre))
    hi = np.clip(np.arange(len(pre)) + half + 1, 0, len(pre))
    local = (csum[hi] - csum[lo]) / (hi - lo)
    mean_rr = rr.mean()
    feats = np.column_stack([pre, post, local, pre / mean_rr, post / mean_rr, local / mean_rr, pre / local, pre / post])
    return np.clip(feats, 0.0, clip)


def model_inputs(waves: np.ndarray, rr: np.ndarray | None = None, features: Sequence[str] | None = None) -> np.ndarray:
    """Network input: z-scored beats, with RR features appended as extra columns (float32 [n, window + k]).

    ``rr`` holds all :data:`RR_FEATURES` columns; ``features`` picks some of them by name (default: all).
    :class:`dyplab.models.ecg.BeatCNN` splits the columns again, so ``(X, y)`` can go straight to ``fit``.
    """
    z = zscore(waves)
    if rr is None:
        return z
    rr = np.asarray(rr, dtype=np.float32)
    if rr.ndim != 2 or len(rr) != len(z) or rr.shape[1] != len(RR_FEATURES):
        raise ValueError(f"rr must be [n_beats, {len(RR_FEATURES)}] with n_beats={len(z)}; got shape {rr.shape}.")
    if features is not None:
        unknown = sorted(set(features) - set(RR_FEATURES))
        if unknown:
            raise ValueError(f"Unknown RR features {unknown}; choose from {list(RR_FEATURES)}.")
        rr = rr[:, [RR_FEATURES.index(f) for f in features]]
    return np.concatenate([z, rr], axis=1)


def minus_record_median(waves: np.ndarray, record: np.ndarray) -> np.ndarray:
    """Every beat minus the median beat of its record (float32, same shape): how the beat differs from the
    patient's usual beat. Uses all beats of each record and no labels."""
    w = np.asarray(waves, dtype=np.float32)
    rec = np.asarray(record).astype(str)
    if w.ndim != 2 or len(rec) != len(w):
        raise ValueError(f"Need waves [n, window] and one record name per beat; got {w.shape} and {rec.shape}.")
    out = np.empty_like(w)
    for name in np.unique(rec):
        m = rec == name
        out[m] = w[m] - np.median(w[m], axis=0)
    return out


# --------------------------------------------------------------------------- splits and sampling


def intra_patient_split(
    y: np.ndarray, *, test_size: float = 0.15, val_size: float = 0.15, seed: int = 42
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random stratified split of *beats* (the original B4 protocol): indices ``(train, val, test)``.

    Beats of the same patient end up in all three parts, so test scores are optimistic.
    """
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    rest, test = train_test_split(idx, test_size=test_size, stratify=y, random_state=seed)
    train, val = train_test_split(rest, test_size=val_size / (1 - test_size), stratify=y[rest], random_state=seed)
    return np.sort(train), np.sort(val), np.sort(test)


def inter_patient_split(
    record: np.ndarray,
    *,
    train_records: Sequence[str] = DS1,
    test_records: Sequence[str] = DS2,
    val_records: Sequence[str] = DS1_VAL,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split beats *by record* (de Chazal protocol): indices ``(train, val, test)``.

    ``val_records`` are taken out of ``train_records``; beats of records in no list are left out.
    """
    train_set, test_set, val_set = {str(r) for r in train_records}, {str(r) for r in test_records}, set(map(str, val_records))
    if train_set & test_set:
        raise ValueError(f"Records in both train and test: {sorted(train_set & test_set)}.")
    if not val_set <= train_set:
        raise ValueError(f"Validation records {sorted(val_set - train_set)} are not among the training records.")
    rec = np.asarray(record).astype(str)
    train = np.flatnonzero(np.isin(rec, sorted(train_set - val_set)))
    val = np.flatnonzero(np.isin(rec, sorted(val_set)))
    test = np.flatnonzero(np.isin(rec, sorted(test_set)))
    return train, val, test


def subsample_class(y: np.ndarray, cls: int, max_count: int, *, seed: int = 42) -> np.ndarray:
    """Indices that keep at most ``max_count`` random examples of class ``cls`` and all others (sorted)."""
    y = np.asarray(y)
    idx = np.flatnonzero(y == cls)
    if len(idx) > max_count:
        idx = np.random.default_rng(seed).choice(idx, size=max_count, replace=False)
    return np.sort(np.concatenate([idx, np.flatnonzero(y != cls)]))


def class_weights(y: np.ndarray, n_classes: int, *, power: float = 1.0, max_weight: float | None = None) -> list[float]:
    """Inverse-frequency class weights ``(n / (C · n_c)) ** power``, optionally capped; absent classes get 0."""
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=n_classes).astype(np.float64)
    w = np.zeros(n_classes)
    present = counts > 0
    w[present] = (counts.sum() / (present.sum() * counts[present])) ** power
    if max_weight is not None:
        w = np.minimum(w, max_weight)
    return w.tolist()
