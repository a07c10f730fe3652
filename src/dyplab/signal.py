"""ECG signal processing for beat classification (notebook B4).

1. :func:`bandpass` — zero-phase Butterworth band-pass on the *whole* record (no edge effects per beat);
2. :func:`downsample` — 360 Hz → 180 Hz is plenty for a 0.5–40 Hz signal;
3. :func:`segment_beats` — one fixed window around every annotated R peak, edge beats dropped;
4. :func:`rr_features` — the rhythm around each beat (premature beats have a short pre-RR);
5. :func:`zscore` per beat, :func:`minus_record_median` (how a beat differs from the patient's usual beat).
"""

from __future__ import annotations

import numpy as np

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
