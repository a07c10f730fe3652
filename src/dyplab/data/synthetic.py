"""Seeded synthetic teaching data (A2): toy X-ray images, toy EEG and toy blood tests.

Every generator returns a :class:`~dyplab.data.LabeledData` (``X`` a float32 array ready for a network,
``y`` int64, the Norwegian class names) with balanced classes (the counts differ by at most one) in
shuffled order, and gives identical arrays for the same ``seed``.
The data are *made up*: they teach the mechanics of a network, not medicine.
"""

from __future__ import annotations

import numpy as np

from .labeled import LabeledData

#: names and units of the columns of :func:`tabular_patients`
PATIENT_FEATURES = ("Hb (g/dL)", "Leukocytter (10⁹/L)", "CRP (mg/L)")
XRAY_CLASSES = ("Normal", "Lesjon")
EEG_CLASSES = ("Normal (alfa, ~10 Hz)", "Anfallslignende (~25 Hz)")
PATIENT_CLASSES = ("Frisk", "Bakteriell infeksjon")


def _balanced_labels(n: int, rng: np.random.Generator) -> np.ndarray:
    if n < 2:
        raise ValueError(f"n must be at least 2 (one example per class), got {n}")
    y = np.arange(n, dtype=np.int64) % 2
    return rng.permutation(y)


def xray_lesions(n: int, size: int = 32, seed: int = 42) -> LabeledData:
    """Toy "X-ray" images: ``X`` float32 ``[n, 1, size, size]`` in about 0..1, ``y`` int64 ``[n]``,
    classes :data:`XRAY_CLASSES`.

    Class 0 (normal): a smooth background (brightness 0.25-0.35 with a gentle gradient) plus
    pixel noise (sd 0.1). Class 1 (lesion): the same kind of background plus one round, brighter
    "lesion" (radius 2-5 pixels, +0.25 to +0.45) at a random place away from the border.
    """
    if size < 12:
        raise ValueError(f"size must be at least 12 pixels, got {size}")
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    X = np.empty((n, 1, size, size), dtype=np.float32)
    for i in range(n):
        level = rng.uniform(0.25, 0.35)
        gx, gy = rng.uniform(-0.05, 0.05, size=2)
        img = level + gx * (xx / size - 0.5) + gy * (yy / size - 0.5) + 0.1 * rng.standard_normal((size, size))
        if y[i] == 1:
            cx, cy = rng.uniform(size / 4, 3 * size / 4, size=2)
            radius = rng.uniform(2.0, 5.0)
            img = img + rng.uniform(0.25, 0.45) * (((xx - cx) ** 2 + (yy - cy) ** 2) < radius**2)
        X[i, 0] = img
    return LabeledData(X, y, list(XRAY_CLASSES))


def eeg(n: int, length: int = 256, fs: float = 173.61, seed: int = 42) -> LabeledData:
    """Toy single-channel EEG: ``X`` float32 ``[n, 1, length]`` (about ±2), ``y`` int64 ``[n]``, classes
    :data:`EEG_CLASSES`.

    ``length`` samples at ``fs`` Hz (256 samples at 173.61 Hz ≈ 1.47 s, like a Bonn EEG window).
    Class 0 "normal": an alpha-like rhythm, amplitude 0.4-0.6 at 9-11 Hz, random phase, noise sd 0.1.
    Class 1 "seizure-like": amplitude 0.6-1.0 at 23-27 Hz, amplitude-modulated at 2-4 Hz
    (``1 + 0.5 sin``), random phases, noise sd 0.3.
    """
    if length < 16:
        raise ValueError(f"length must be at least 16 samples, got {length}")
    if fs <= 0:
        raise ValueError(f"fs must be positive, got {fs}")
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    t = np.arange(length) / fs
    X = np.empty((n, 1, length), dtype=np.float32)
    for i in range(n):
        phase = rng.uniform(0, 2 * np.pi)
        if y[i] == 0:
            sig = rng.uniform(0.4, 0.6) * np.sin(2 * np.pi * rng.uniform(9, 11) * t + phase)
            sig = sig + 0.1 * rng.standard_normal(length)
        else:
            mod = 1 + 0.5 * np.sin(2 * np.pi * rng.uniform(2, 4) * t + rng.uniform(0, 2 * np.pi))
            sig = rng.uniform(0.6, 1.0) * np.sin(2 * np.pi * rng.uniform(23, 27) * t + phase) * mod
            sig = sig + 0.3 * rng.standard_normal(length)
        X[i, 0] = sig
    return LabeledData(X, y, list(EEG_CLASSES))


def tabular_patients(n: int, seed: int = 42) -> LabeledData:
    """Toy blood tests: ``X`` float32 ``[n, 3]`` = Hb (g/dL), leukocytes (10⁹/L), CRP (mg/L); ``y`` int64 ``[n]``,
    classes :data:`PATIENT_CLASSES`.

    y = 1 ("bacterial infection") patients have, on average, raised CRP (median ≈ 60 vs ≈ 3 mg/L),
    raised leukocytes (median ≈ 13 vs ≈ 7) and slightly lower Hb (13.0 vs 14.0), with overlapping
    distributions (CRP and leukocytes log-normal), so no single rule is perfect. Column names:
    :data:`PATIENT_FEATURES`.
    """
    rng = np.random.default_rng(seed)
    y = _balanced_labels(n, rng)
    sick = y == 1
    hb = np.where(sick, rng.normal(13.0, 1.4, n), rng.normal(14.0, 1.2, n))
    leuk = np.exp(np.where(sick, rng.normal(np.log(13.0), 0.3, n), rng.normal(np.log(7.0), 0.25, n)))
    crp = np.exp(np.where(sick, rng.normal(np.log(60.0), 0.8, n), rng.normal(np.log(3.0), 0.8, n)))
    X = np.column_stack([hb, leuk, crp]).astype(np.float32)
    return LabeledData(X, y, list(PATIENT_CLASSES))
