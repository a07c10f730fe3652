"""The «Hjerte» tab: the 13 Cleveland variables checked against valid ranges, B3's MLP, its threshold and
this patient's attributions.

The model is B3's recipe (same split, preprocessing, network and training settings, threshold chosen on the
validation data for sensitivity ≥ 0.90). :func:`train` makes it and saves the network through
:mod:`dyplab.checkpoints`; the preprocessing (median/mean/SD and the one-hot codes) is refitted on the same
training rows at load time, which is deterministic, and checked against the column names saved with the network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import checkpoints, config, explain, metrics, splits, tabular, training
from ..data import heart as heart_data
from ..models.tabular import HEART_MLP

SEED = 42
TARGET_SENSITIVITY = 0.90
# B3's recipe is imported, never copied: dyplab.models.tabular.HEART_MLP (network and training settings chosen by
# benchmarks/heart_recipe_selection.py).

#: Valid range (inclusive) and unit of each measured variable: wide enough for any real patient, narrow
#: enough to catch typing errors (the Cleveland data lie well inside).
RANGES: dict[str, tuple[float, float, str]] = {
    "age": (18, 100, "år"),
    "trestbps": (60, 250, "mm Hg"),
    "chol": (80, 700, "mg/dl"),
    "thalach": (50, 230, "slag/min"),
    "oldpeak": (0.0, 10.0, "mm"),
    "ca": (0, 3, "kar"),
}

#: A typical patient to start the form with (the Cleveland medians / most common codes).
DEFAULTS: dict[str, float] = {"age": 56, "sex": 1, "cp": 4, "trestbps": 130, "chol": 241, "fbs": 0, "restecg": 0,
                              "thalach": 153, "exang": 0, "oldpeak": 0.8, "slope": 1, "ca": 0, "thal": 3}


def label(name: str) -> str:
    """The Norwegian description of a variable, with its unit and valid range or its codes."""
    desc = heart_data.describe_variables().loc[name, "beskrivelse"]
    if name in RANGES:
        lo, hi, unit = RANGES[name]
        return f"{desc} ({unit}, {lo:g}–{hi:g})"
    return str(desc)


def choices(name: str) -> list[tuple[str, int]]:
    """``(«code: meaning», code)`` pairs for a coded variable, in code order."""
    return [(f"{code}: {text}", int(code)) for code, text in heart_data.CODES[name].items()]


def validate(values: Mapping[str, Any]) -> tuple[pd.DataFrame | None, list[str]]:
    """Check one patient's 13 values: ``(one-row frame, [])`` when valid, else ``(None, [messages])``.

    Every measured variable must be a number inside :data:`RANGES` (``ca`` a whole number); every coded
    variable one of its codes. The messages name the variable in Norwegian and say what is allowed.
    """
    errors, row = [], {}
    for name in heart_data.FEATURES:
        value = values.get(name)
        desc = heart_data.describe_variables().loc[name, "beskrivelse"]
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(f"{desc} ({name}) mangler.")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.append(f"{desc} ({name}): «{value}» er ikke et tall.")
            continue
        if not np.isfinite(number):
            errors.append(f"{desc} ({name}): {value} er ikke et endelig tall.")
            continue
        if name in RANGES:
            lo, hi, unit = RANGES[name]
            if not lo <= number <= hi:
                errors.append(f"{desc} ({name}) = {number:g} er utenfor gyldig område {lo:g}–{hi:g} {unit}.")
                continue
            if name == "ca" and number != int(number):
                errors.append(f"{desc} ({name}) må være et helt tall 0–3; fikk {number:g}.")
                continue
        else:
            codes = heart_data.CODES[name]
            if number not in codes:
                allowed = ", ".join(f"{c} = {t}" for c, t in codes.items())
                errors.append(f"{desc} ({name}) = {number:g} er ingen gyldig kode (gyldige: {allowed}).")
                continue
            number = int(number)
        row[name] = number
    if errors:
        return None, errors
    return pd.DataFrame([row], columns=list(heart_data.FEATURES)), []


# --------------------------------------------------------------------------- the model


def _split() -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """B3's Cleveland patients (features, target) and its train/val/test indices."""
    data = heart_data.load("cleveland")
    idx_train, idx_val, idx_test = splits.train_val_test(data.y, val_size=0.2, test_size=0.2, seed=SEED)
    return data.X, data.y, idx_train, idx_val, idx_test


def _preprocessor(X_train: pd.DataFrame):
    pre = tabular.make_preprocessor(numeric=heart_data.NUMERIC, nominal=heart_data.NOMINAL, binary=heart_data.BINARY)
    return pre.fit(X_train)


def train(path: Path, *, progress: Callable[[str], None] = print) -> Path:
    """Train B3's MLP on B3's training rows (test rows untouched), choose the threshold on validation, save it."""
    import dyplab

    progress("Hjerte: trener B3-modellen (MLP) på treningsdelen av Cleveland-dataene …")
    X, y, idx_train, idx_val, _ = _split()
    pre = _preprocessor(X.iloc[idx_train])
    Xt_train = pre.transform(X.iloc[idx_train]).astype(np.float32)
    Xt_val = pre.transform(X.iloc[idx_val]).astype(np.float32)
    names = [str(n) for n in pre.get_feature_names_out()]
    dyplab.seed_everything(SEED)
    mlp = HEART_MLP.build(len(names))
    epochs = config.profile().pick(smoke=30, klass=HEART_MLP.max_epochs)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dyplab-app-") as tmp:
        fit = HEART_MLP.fit(mlp, (Xt_train, y[idx_train]), (Xt_val, y[idx_val]), max_epochs=epochs, seed=SEED,
                            progress=False, log_dir=tmp)
    p_val = training.predict_proba(fit.model, Xt_val)[:, 1]
    thr = metrics.threshold_for_sensitivity(y[idx_val], p_val, TARGET_SENSITIVITY)
    m = metrics.binary_metrics(y[idx_val], p_val, thr)
    checkpoints.save(fit.model, path, model_kwargs=HEART_MLP.model_kwargs_for(n_features=len(names)), class_names=list(heart_data.TARGET_NAMES),
                     feature_names=names, threshold=float(thr), target_sensitivity=TARGET_SENSITIVITY,
                     val={k: float(m[k]) for k in ("sensitivity", "specificity", "roc_auc", "accuracy")},
                     n_val=int(len(idx_val)), n_train=int(len(idx_train)), epochs=int(fit.stopped_epoch),
                     best_epoch=int(fit.best_epoch), seed=SEED, trained_by="dyplab app (B3-oppskriften)",
                     profile=config.profile().name)
    progress(f"Hjerte: ferdig (validering: ROC AUC {m['roc_auc']:.3f}); lagret {path}")
    return path


@dataclass
class HeartModel:
    """B3's MLP with its preprocessing, threshold and validation numbers."""

    model: Any
    meta: dict
    preprocessor: Any
    baseline: np.ndarray  # the mean training patient after preprocessing (reference for the attributions)

    @classmethod
    def load(cls, path: Path) -> HeartModel:
        model, meta = checkpoints.load_model(path)
        X, _, idx_train, _, _ = _split()
        pre = _preprocessor(X.iloc[idx_train])
        names = [str(n) for n in pre.get_feature_names_out()]
        if names != list(meta.get("feature_names", [])):
            raise checkpoints.CheckpointError(f"{path} was trained on other columns than the data give now; delete it "
                                              "and start the app again to retrain")
        baseline = pre.transform(X.iloc[idx_train]).astype(np.float32).mean(axis=0, keepdims=True)
        return cls(model, meta, pre, baseline)

    def probability(self, patient: pd.DataFrame) -> float:
        """P(hjertesykdom) for one validated patient."""
        x = self.preprocessor.transform(patient).astype(np.float32)
        return float(training.predict_proba(self.model, x)[0, 1])

    def attributions(self, patient: pd.DataFrame, n_steps: int = 32) -> pd.Series:
        """Integrated Gradients per clinical variable (one-hot columns summed; logit scale, vs. the mean patient)."""
        x = self.preprocessor.transform(patient).astype(np.float32)
        ig = explain.integrated_gradients(self.model, x, target=1, baseline=self.baseline, n_steps=n_steps)
        names = list(self.meta["feature_names"])
        grouped = tabular.group_by_origin(ig, names, tabular.feature_origin(self.preprocessor))
        return grouped.iloc[0].reindex(list(heart_data.FEATURES))

    def threshold_text(self, p: float) -> str:
        """What the chosen threshold means, and which side of it this patient is on (Norwegian)."""
        thr, val = self.meta["threshold"], self.meta["val"]
        side = ("over terskelen: modellen markerer pasienten som mulig syk" if p >= thr
                else "under terskelen: modellen markerer ikke pasienten")
        return (f"Terskelen {thr:.3f} ble valgt på valideringsdataene ({self.meta['n_val']} pasienter) for sensitivitet "
                f"≥ {self.meta['target_sensitivity']:.2f}. Der ga den sensitivitet {val['sensitivity']:.2f} (andel syke som "
                f"fanges opp) og spesifisitet {val['specificity']:.2f} (andel friske som ikke markeres). "
                f"Denne pasienten: P = {p:.3f}, {side}.")
