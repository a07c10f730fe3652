"""The de Chazal et al. (2004) baseline: a linear discriminant on RR-interval and ECG-morphology features.

de Chazal P, O'Dwyer M, Reilly RB. *Automatic classification of heartbeats using ECG morphology and heartbeat
interval features.* IEEE Trans Biomed Eng 51(7):1196-1206, 2004. Features per beat, as the paper describes them:

- RR intervals (s): pre-RR, post-RR, *average RR* (mean RR over a 5-minute window around the beat) and
  *local average RR* (mean of the 10 RR intervals around the beat);
- fixed-interval morphology of **each lead**: 10 samples from 50 ms before to 100 ms after the R peak
  (QRS morphology, about 60 Hz) and 8 samples from 150 ms to 500 ms after it (T-wave morphology, 20 Hz).

Deviations, said plainly: the paper's heartbeat-interval features that need a wave delineator (QRS duration,
T-wave duration, P-wave present) are left out, and the signal is band-passed 0.5-40 Hz (``dyplab.signal``)
instead of the paper's median-filter baseline removal and 35 Hz low-pass. The classifier is scikit-learn's
:class:`~sklearn.discriminant_analysis.LinearDiscriminantAnalysis` with equal class priors, so the rare
classes are not swamped by N (the paper weighted the classes for the same reason). Nothing is tuned.
"""

from __future__ import annotations

import numpy as np

from ..signal import bandpass

RR_NAMES: tuple[str, ...] = ("pre_rr", "post_rr", "average_rr", "local_rr")
QRS_WINDOW_S: tuple[float, float, int] = (-0.050, 0.100, 10)  # start, end, number of samples
T_WINDOW_S: tuple[float, float, int] = (0.150, 0.500, 8)
AVERAGE_WINDOW_S = 300.0  # the 5-minute window of the average RR
LOCAL_INTERVALS = 10


def rr_intervals(r_peaks: np.ndarray, fs: float) -> np.ndarray:
    """pre-RR, post-RR, 5-minute average RR and local (10-interval) average RR of every beat, in seconds [n, 4]."""
    r = np.asarray(r_peaks, dtype=np.float64)
    if r.ndim != 1 or len(r) < 3 or np.any(np.diff(r) <= 0):
        raise ValueError(f"rr_intervals() needs at least 3 strictly increasing R peaks, got shape {r.shape}.")
    rr = np.diff(r) / fs
    pre = np.concatenate([[rr[0]], rr])
    post = np.concatenate([rr, [rr[-1]]])
    t = r / fs
    csum = np.concatenate([[0.0], np.cumsum(pre)])
    lo = np.searchsorted(t, t - AVERAGE_WINDOW_S / 2, side="left")
    hi = np.searchsorted(t, t + AVERAGE_WINDOW_S / 2, side="right")
    average = (csum[hi] - csum[lo]) / (hi - lo)
    half = LOCAL_INTERVALS // 2
    idx = np.arange(len(pre))
    lo_l, hi_l = np.clip(idx - half, 0, len(pre)), np.clip(idx + half, 0, len(pre))
    local = (csum[hi_l] - csum[lo_l]) / np.maximum(hi_l - lo_l, 1)
    return np.column_stack([pre, post, average, local])


def morphology(x: np.ndarray, fs: float, r_peaks: np.ndarray) -> np.ndarray:
    """QRS (10) and T-wave (8) samples of one filtered lead around every R peak [n, 18] (edges are clamped)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"morphology() needs one lead (1-D signal), got shape {x.shape}.")
    offsets = np.concatenate([np.linspace(a, b, n) for a, b, n in (QRS_WINDOW_S, T_WINDOW_S)])
    where = np.asarray(r_peaks, dtype=np.int64)[:, None] + np.round(offsets * fs).astype(np.int64)[None, :]
    return x[np.clip(where, 0, len(x) - 1)]


def record_features(signal: np.ndarray, fs: float, r_peaks: np.ndarray) -> np.ndarray:
    """de Chazal features of every beat of one record: RR intervals then the morphology of each lead.

    ``signal`` is [n_samples, n_leads] (unfiltered, mV); ``r_peaks`` are all beat positions in time order.
    Returns float64 [n_beats, 4 + 18 * n_leads].
    """
    sig = np.asarray(signal, dtype=np.float64)
    if sig.ndim != 2:
        raise ValueError(f"record_features() needs a [n_samples, n_leads] signal, got shape {sig.shape}.")
    parts = [rr_intervals(r_peaks, fs)]
    for lead in range(sig.shape[1]):
        parts.append(morphology(bandpass(sig[:, lead], fs), fs, r_peaks))
    return np.concatenate(parts, axis=1)


def feature_names(n_leads: int = 2) -> list[str]:
    """Column names of :func:`record_features`."""
    names = list(RR_NAMES)
    for lead in range(1, n_leads + 1):
        names += [f"lead{lead}_qrs{i}" for i in range(QRS_WINDOW_S[2])]
        names += [f"lead{lead}_t{i}" for i in range(T_WINDOW_S[2])]
    return names


def make_classifier():
    """The linear discriminant (equal class priors are set in :func:`fit`, from the number of classes)."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LinearDiscriminantAnalysis())


def fit(X: np.ndarray, y: np.ndarray, n_classes: int):
    """Train the linear discriminant with equal priors for ``n_classes`` classes (all must occur in ``y``)."""
    present = np.unique(y)
    if len(present) != n_classes:
        raise ValueError(f"Training labels hold classes {present.tolist()}, expected all {n_classes}.")
    model = make_classifier()
    model.set_params(lineardiscriminantanalysis__priors=np.full(n_classes, 1.0 / n_classes))
    return model.fit(X, y)
