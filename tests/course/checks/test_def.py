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


# ---------------------------------------------------------------- E1


def test_e1_1_class_shares_and_majority_model() -> None:
    counts = pd.Series([958, 111, 1024, 1774, 1233, 1247, 831],
                       index=["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"])
    share = counts / counts.sum()
    passes("E1.1", share=share, majority_accuracy=share.max(), test_counts=counts)
    fails("E1.1", "Andelene skal være tall mellom 0 og 1 som summerer til 1", share=100 * share,
          majority_accuracy=share.max(), test_counts=counts)
    train_counts = pd.Series([3995, 436, 4097, 7215, 4965, 4830, 3171], index=counts.index)
    fails("E1.1", "Andelene stemmer ikke med testmappen", share=train_counts / train_counts.sum(),
          majority_accuracy=share.max(), test_counts=counts)
    fails("E1.1", "majority_accuracy er ikke riktig", share=share, majority_accuracy=1 / 7, test_counts=counts)
    fails("E1.1", "share skal ha én andel per klasse", share=share["disgust"], majority_accuracy=share.max(),
          test_counts=counts)


def test_e1_2_highest_pixel_variance() -> None:
    rng = np.random.default_rng(0)
    images = (rng.uniform(0, 1, (30, 48, 48)) * rng.uniform(1, 255, 30)[:, None, None]).astype(np.uint8)
    order = np.argsort(images.reshape(30, -1).astype(float).std(axis=1))
    passes("E1.2", top=order[-4:], images=images)
    fails("E1.2", "Dette er ikke de fire med høyest pikselvarians", top=order[:4], images=images)   # lowest four
    fails("E1.2", "top skal være fire ulike indekser", top=order[-3:], images=images)
    fails("E1.2", "top skal være fire ulike indekser", top=order[-4:].astype(float), images=images)


def test_e1_3_parameter_counts() -> None:
    from dyplab import training
    from dyplab.models.faces import FaceCNN

    n16, n32 = training.count_parameters(FaceCNN(width=16)), training.count_parameters(FaceCNN(width=32))
    passes("E1.3", n_small=n16, n_wide=n32)
    fails("E1.3", "Tallene er byttet om", n_small=n32, n_wide=n16)
    fails("E1.3", "Antallet stemmer ikke", n_small=n32 // 4, n_wide=n32)         # 'a quarter' is not the count
    fails("E1.3", "n_small og n_wide skal være hele tall", n_small="394 359", n_wide=n32)


# ---------------------------------------------------------------- E2


@pytest.fixture(scope="module")
def e2() -> dict:
    """Validation labels, over-confident class probabilities (7 classes) and their reliability table."""
    from dyplab import calibration

    rng = np.random.default_rng(0)
    y = rng.integers(0, 7, 400)
    logits = rng.normal(0, 1, (400, 7))
    logits[np.arange(400), y] += 1.5
    proba = np.exp(3 * logits) / np.exp(3 * logits).sum(axis=1, keepdims=True)
    rel = calibration.reliability_table(y, proba, n_bins=10)
    return {"y": y, "proba": proba, "pred": proba.argmax(axis=1), "rel": rel,
            "ece": calibration.expected_calibration_error(y, proba, n_bins=10)}


def test_e2_1_ece_by_hand(e2: dict) -> None:
    rel = e2["rel"]
    filled = rel[rel["antall"] > 0]
    gaps = filled["nøyaktighet"] - filled["konfidens"]
    weights = filled["antall"] / filled["antall"].sum()
    ctx = {"rel": rel, "ece": e2["ece"]}
    passes("E2.1", ece_manual=float((weights * gaps.abs()).sum()), **ctx)
    fails("E2.1", "Du har tatt et vanlig snitt", ece_manual=float(gaps.abs().mean()), **ctx)
    fails("E2.1", "Husk absoluttverdien", ece_manual=float((weights * gaps).sum()), **ctx)
    all_bins = (rel["antall"] / rel["antall"].sum() * (rel["nøyaktighet"] - rel["konfidens"]).abs())
    fails("E2.1", "ece_manual skal være ett tall", ece_manual=float(all_bins.to_numpy().sum()), **ctx)


def test_e2_2_most_confused_pair(e2: dict) -> None:
    from sklearn.metrics import confusion_matrix

    y, pred = e2["y"], e2["pred"]
    cm = confusion_matrix(y, pred, labels=np.arange(7))
    np.fill_diagonal(cm, 0)
    i, j = np.unravel_index(cm.argmax(), cm.shape)
    ctx = {"y_val": y, "val_pred": pred}
    passes("E2.2", true_class=i, predicted_class=j, **ctx)
    with_diagonal = confusion_matrix(y, pred, labels=np.arange(7))
    k = int(np.argmax(np.diag(with_diagonal)))
    fails("E2.2", "Samme klasse to ganger", true_class=k, predicted_class=k, **ctx)   # diagonal not removed
    if cm[j, i] != cm.max() and (cm + cm.T)[i, j] != (cm + cm.T).max():
        fails("E2.2", "Rad og kolonne er byttet om", true_class=j, predicted_class=i, **ctx)
    # the same question answered on another split (e.g. the test folder): another pair
    other = np.random.default_rng(5).integers(0, 7, 400)
    cm_other = confusion_matrix(other, pred, labels=np.arange(7))
    np.fill_diagonal(cm_other, 0)
    a, b = np.unravel_index(cm_other.argmax(), cm_other.shape)
    assert cm[a, b] != cm.max(), "the made-up test split must have another most confused pair"
    fails("E2.2", "Dette er ikke det største tallet", true_class=a, predicted_class=b, **ctx)


def test_e2_3_temperature_chosen_on_validation(e2: dict) -> None:
    from dyplab import calibration

    def ece_at(y, proba, T):
        z = np.log(np.clip(proba, 1e-12, 1)) / T
        p = np.exp(z - z.max(axis=1, keepdims=True))
        return calibration.expected_calibration_error(y, p / p.sum(axis=1, keepdims=True))

    temps = (0.8, 1.0, 1.2, 1.5)
    on_val = {T: ece_at(e2["y"], e2["proba"], T) for T in temps}
    best = min(on_val, key=on_val.get)
    ctx = {"y_val": e2["y"], "val_proba": e2["proba"]}
    passes("E2.3", T_best=best, ece_by_T=on_val, **ctx)
    # T chosen on other data (the test folder): ECE values that are not the validation part's
    rng = np.random.default_rng(7)
    y_test = rng.integers(0, 7, 400)
    on_test = {T: ece_at(y_test, e2["proba"], T) for T in temps}
    fails("E2.3", "ECE-tallene stemmer ikke med valideringsdelen", T_best=min(on_test, key=on_test.get),
          ece_by_T=on_test, **ctx)
    worst = max(on_val, key=on_val.get)
    fails("E2.3", "T_best skal være den temperaturen", T_best=worst, ece_by_T=on_val, **ctx)
    fails("E2.3", "ece_by_T skal være en ordbok", T_best=best, ece_by_T=[on_val[T] for T in temps], **ctx)


# ---------------------------------------------------------------- E3


@pytest.fixture(scope="module")
def e3() -> dict:
    """Test labels, predictions and confidences of a made-up 7-class model."""
    rng = np.random.default_rng(3)
    y = rng.integers(0, 7, 300)
    pred = np.where(rng.uniform(size=300) < 0.6, y, rng.integers(0, 7, 300))
    return {"y": y, "pred": pred, "conf": rng.uniform(0.2, 1.0, 300)}


def test_e3_1_sensitivity_of_disgust(e3: dict) -> None:
    from dyplab import metrics

    y, pred = e3["y"], e3["pred"]
    d = y == 1
    r, lo, hi = metrics.bootstrap_ci(metrics.accuracy, y[d], pred[d], n_boot=200)
    ctx = {"y_test": y, "pred": pred}
    passes("E3.1", sens_disgust=r, ci_low=lo, ci_high=hi, **ctx)
    ppv = float(np.mean(y[pred == 1] == 1))
    assert not np.isclose(ppv, r)
    fails("E3.1", "Dette er ikke sensitiviteten for avsky", sens_disgust=ppv, ci_low=0.0, ci_high=1.0, **ctx)
    fails("E3.1", "Intervallet skal omslutte estimatet", sens_disgust=r, ci_low=hi, ci_high=lo, **ctx)
    fails("E3.1", "sens_disgust, ci_low og ci_high skal være tre tall", sens_disgust=100 * r, ci_low=100 * lo,
          ci_high=100 * hi, **ctx)


def test_e3_2_confident_wrong_answers(e3: dict) -> None:
    y, pred, conf = e3["y"], e3["pred"], e3["conf"]
    wrong = np.flatnonzero((pred != y) & (conf > 0.8))
    ctx = {"y_test": y, "pred": pred, "conf": conf}
    passes("E3.2", wrong=wrong, **ctx)
    fails("E3.2", "Noen av bildene er riktig klassifisert", wrong=np.flatnonzero(conf > 0.8), **ctx)
    fails("E3.2", "Noen av bildene har konfidens 0,8 eller lavere", wrong=np.flatnonzero(pred != y), **ctx)
    fails("E3.2", "Du mangler noen", wrong=wrong[:-1], **ctx)
    fails("E3.2", "wrong skal være indekser", wrong=(pred != y) & (conf > 0.8), **ctx)         # a mask, not indices


def test_e3_3_grad_cam_for_two_classes() -> None:
    maps = np.random.default_rng(0).uniform(0, 1, (2, 48, 48))
    passes("E3.3", maps=maps, targets=[5, 3])
    fails("E3.3", "targets skal være to forskjellige klassenumre", maps=maps, targets=[5, 5])
    fails("E3.3", "maps skal ha formen (2, 48, 48)", maps=maps[:, ::8, ::8], targets=[5, 3])   # 6 × 6, not upsampled
    fails("E3.3", "Kartene skal ha verdier mellom 0 og 1", maps=maps * 255, targets=[5, 3])


# ---------------------------------------------------------------- F1


def test_f1_1_context_caps() -> None:
    rng = np.random.default_rng(0)
    grid_X = rng.uniform(size=(50, 2))
    proba = {512: rng.uniform(size=50), 1024: rng.uniform(size=50)}
    seconds = {512: 0.4, 1024: 0.9}
    passes("F1.1", proba_by_cap=proba, seconds_by_cap=seconds, grid_X=grid_X)
    fails("F1.1", "proba_by_cap og seconds_by_cap skal være ordbøker", proba_by_cap={512: proba[512]},
          seconds_by_cap=seconds, grid_X=grid_X)
    both_columns = {cap: np.column_stack([1 - p, p]) for cap, p in proba.items()}       # [:, 1] forgotten
    fails("F1.1", "Hver verdi i proba_by_cap skal være P(flaggermus)", proba_by_cap=both_columns,
          seconds_by_cap=seconds, grid_X=grid_X)
    labels = {cap: (p >= 0.5).astype(float) for cap, p in proba.items()}
    fails("F1.1", "Du har gitt klasser", proba_by_cap=labels, seconds_by_cap=seconds, grid_X=grid_X)


def test_f1_2_folds_without_groups() -> None:
    from dyplab import splits

    groups = np.repeat(np.arange(12), 5)
    y = (np.arange(12) % 2).repeat(5)
    by_rows = splits.repeated_folds(y, n_splits=3, n_repeats=1)
    grouped = splits.repeated_folds(y, n_splits=3, n_repeats=1, groups=groups)
    leaky = pd.DataFrame({"modell": ["random forest", "dyplab-PFN"], "auc_fold_snitt": [0.9, 0.88]})
    passes("F1.2", folds_rows=by_rows, leaky=leaky, groups=groups)
    fails("F1.2", "Foldene er fortsatt gruppert", folds_rows=grouped, leaky=leaky, groups=groups)
    overlapping = [(np.arange(60), te) for _, te in by_rows]
    fails("F1.2", "En fold har samme rad både i trening og test", folds_rows=overlapping, leaky=leaky, groups=groups)


def test_f1_3_leak_with_shuffled_labels() -> None:
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 40)
    ys = rng.permutation(y)
    P_in = rng.uniform(size=(80, 1))                                               # no signal: AUC near 0.5
    P_out = np.clip(0.5 + 0.3 * (ys[:, None] - 0.5) + rng.normal(0, 0.2, (80, 1)), 0, 1)   # the leak's optimism
    passes("F1.3", y_shuffled=ys, P_out=P_out, P_in=P_in, y=y)
    fails("F1.3", "Etikettene er ikke blandet", y_shuffled=y, P_out=P_out, P_in=P_in, y=y)
    fails("F1.3", "y_shuffled skal være darwin.y i tilfeldig rekkefølge", y_shuffled=rng.integers(0, 2, 80),
          P_out=P_out, P_in=P_in, y=y)
    fails("F1.3", "Med utvalg inne i hver fold skal AUC ligge nær 0,5", y_shuffled=ys, P_out=P_out, P_in=P_out, y=y)
    fails("F1.3", "P_out og P_in skal være", y_shuffled=ys, P_out=P_out[:40], P_in=P_in, y=y)


# ---------------------------------------------------------------- F2


def test_f2_1_id_as_a_feature() -> None:
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(6, 3)), columns=["a", "b", "c"])
    raw_id = pd.Series([f"id_{i}" for i in (3, 1, 2, 17, 5, 4)])
    numbers = [3, 1, 2, 17, 5, 4]
    ctx = {"X": X, "raw_id": raw_id, "auc_without": 0.8, "auc_with": 0.99}
    passes("F2.1", with_id=X.assign(ID_nr=numbers), **ctx)
    fails("F2.1", "Den nye kolonnen skal være nummeret i ID", with_id=X.assign(ID_nr=raw_id.to_numpy()), **ctx)
    fails("F2.1", "Den nye kolonnen skal være nummeret i ID", with_id=X.assign(ID_nr=sorted(numbers)), **ctx)
    fails("F2.1", "with_id skal være darwin.X", with_id=X, **ctx)


def test_f2_2_threshold_for_sensitivity() -> None:
    from dyplab import metrics

    rng = np.random.default_rng(2)
    y = np.repeat([0, 1], 50)
    p = np.clip(0.35 + 0.3 * y + rng.normal(0, 0.2, 100), 0, 1)
    thr = metrics.threshold_for_sensitivity(y, p, 0.90)
    ctx = {"y": y, "p": p}
    passes("F2.2", thr=thr, m=metrics.binary_metrics(y, p, thr), **ctx)
    fails("F2.2", "Med denne terskelen er sensitiviteten under 0,90", thr=0.9, m=metrics.binary_metrics(y, p, 0.9),
          **ctx)
    fails("F2.2", "Terskelen er lavere enn den trenger", thr=0.0, m=metrics.binary_metrics(y, p, 0.0), **ctx)
    fails("F2.2", "m skal være målene ved terskelen", thr=thr, m=metrics.binary_metrics(y, p, 0.5), **ctx)


def test_f2_3_permutation_importance_on_held_out_rows() -> None:
    features = ["std", "line_length", "delta", "theta"]
    imp = pd.DataFrame({"feature": ["delta", "std", "theta", "line_length"],
                        "importance_mean": [0.2, 0.1, 0.05, 0.0], "importance_std": [0.01] * 4})
    tr, te = np.arange(0, 60), np.arange(60, 80)
    passes("F2.3", imp=imp, features=features, tr=tr, te=te)
    fails("F2.3", "tr og te skal være trenings- og testindeksene", imp=imp, features=features, tr=tr, te=tr)
    fails("F2.3", "imp skal være tabellen", imp=imp.iloc[:2], features=features, tr=tr, te=te)
    fails("F2.3", "Tabellen skal være sortert", imp=imp.iloc[::-1], features=features, tr=tr, te=te)
