"""The exercise checks of D1, E1–E3 and F1–F2: a right answer passes, and typical wrong answers (wrong shape, data
leakage, the test set used for selection, wrong range, ...) fail with their message.

The answers are small made-up arrays with the properties of the notebooks' variables, so these tests run in
well under a second each and need no data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dyplab.course.checks import run_check


def passes(exercise_id: str, **answers: object) -> None:
    result = run_check(exercise_id, **answers)
    assert result.passed, f"{exercise_id}: a right answer failed: {result.message}"


def fails(exercise_id: str, starts_with: str, **answers: object) -> str:
    result = run_check(exercise_id, **answers)
    assert not result.passed, f"{exercise_id}: a wrong answer passed"
    assert result.message.startswith(starts_with), f"{exercise_id}: unexpected message {result.message!r}"
    return result.message


# ---------------------------------------------------------------- D1


@pytest.fixture(scope="module")
def d1() -> dict:
    """Out-of-fold probabilities for 60 persons and two repeats: a weak tabular model, a strong leaky one (MMSE),
    the main CNN, and the clinical table."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    signal = y[:, None] + rng.normal(0, 1.5, (60, 2))
    P_tab = 1 / (1 + np.exp(-signal))
    P_mmse = 1 / (1 + np.exp(-(3 * y[:, None] + rng.normal(0, 0.8, (60, 2)) - 1.5)))
    P_main = 1 / (1 + np.exp(-(y[:, None] + rng.normal(0, 1.2, (60, 2)))))
    tab = pd.DataFrame(rng.normal(size=(60, 7)), columns=["age", "male", "educ", "ses", "etiv", "nwbv", "asf"])
    return {"y": y, "P_tab": P_tab, "P_mmse": P_mmse, "P_main": P_main, "tab": tab}


def test_d1_1_mmse_leak(d1: dict) -> None:
    ctx = {"P_tab": d1["P_tab"], "y_cv": d1["y"]}
    passes("D1.1", P_mmse=d1["P_mmse"], **ctx)
    fails("D1.1", "Modellen er ikke bedre", P_mmse=d1["P_tab"], **ctx)           # MMSE forgotten
    fails("D1.1", "P_mmse skal være", P_mmse=d1["P_mmse"][:, 0], **ctx)          # one repeat only: wrong shape
    fails("D1.1", "Du har gitt klasser", P_mmse=(d1["P_mmse"] >= 0.5).astype(float), **ctx)   # predict, not proba
    holes = d1["P_mmse"].copy()
    holes[:5, 1] = np.nan                                                          # other folds than the table's
    fails("D1.1", "Verdiene skal være sannsynligheter", P_mmse=holes, **ctx)


def test_d1_2_pixels(d1: dict) -> None:
    rng = np.random.default_rng(1)
    small = rng.uniform(0, 1, (60, 256))
    small[:, :10] = 0.0                                                            # background outside the brain
    passes("D1.2", small=small, P_pix=d1["P_main"], y_cv=d1["y"])
    scaled = (small - small.mean(axis=0)) / np.where(small.std(axis=0) > 0, small.std(axis=0), 1)
    fails("D1.2", "Pikslene er standardisert på alle personene", small=scaled, P_pix=d1["P_main"], y_cv=d1["y"])
    fails("D1.2", "small skal ha én rad per person", small=np.hstack([small] * 3), P_pix=d1["P_main"], y_cv=d1["y"])
    fails("D1.2", "P_pix skal være", small=small, P_pix=d1["P_main"] * 100, y_cv=d1["y"])


def test_d1_3_threshold_on_out_of_fold_predictions(d1: dict) -> None:
    from dyplab import crossval

    y, P = d1["y"], d1["P_main"]
    thr = crossval.threshold_for_sensitivity(y, P, 0.95)
    share = float((P >= thr)[y == 0].mean())
    ctx = {"P_main": P, "y_cv": y}
    passes("D1.3", thr95=thr, healthy_flagged=share, **ctx)
    # a threshold chosen elsewhere (e.g. on the test set) that is too high for the out-of-fold predictions
    fails("D1.3", "Med denne terskelen er sensitiviteten under 95 %", thr95=float(np.median(P)),
          healthy_flagged=share, **ctx)
    fails("D1.3", "Terskelen er lavere enn den trenger", thr95=0.0, healthy_flagged=1.0, **ctx)
    fails("D1.3", "healthy_flagged skal være andelen", thr95=thr, healthy_flagged=float((P >= thr).mean()), **ctx)
    fails("D1.3", "thr95 skal være ett tall", thr95=[thr], healthy_flagged=share, **ctx)


def test_d1_4_combined_model(d1: dict) -> None:
    tab, P_main = d1["tab"], d1["P_main"]
    combo = tab.assign(cnn=P_main[:, 0])
    ctx = {"tab": tab, "P_main": P_main}
    passes("D1.4", combo=combo, P_combo=d1["P_tab"][:, :1], **ctx)
    passes("D1.4", combo=tab.assign(cnn=P_main.mean(axis=1)), P_combo=d1["P_tab"][:, :1], **ctx)
    in_sample = tab.assign(cnn=np.clip(P_main[:, 0] + 0.2, 0, 1))                 # e.g. the final model's output
    fails("D1.4", "CNN-kolonnen er ikke utenfor-fold", combo=in_sample, P_combo=d1["P_tab"][:, :1], **ctx)
    fails("D1.4", "combo skal være de kliniske variablene", combo=tab, P_combo=d1["P_tab"][:, :1], **ctx)
    fails("D1.4", "P_combo skal være", combo=combo, P_combo=d1["P_tab"][:30, :1], **ctx)
