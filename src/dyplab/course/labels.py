"""Norwegian labels and number formats for the headline metrics the notebooks record (one table, one term per concept).

:data:`LABELS` maps every metric key that a course notebook records with :func:`dyplab.results.record` to a
:class:`Label`: the Norwegian text the course report shows, the unit that decides how the value is written, and
whether it is one of the notebook's headline numbers. A metric's text is built from :data:`TERMS` (what is
measured) and :data:`SPLITS` (on which data), so accuracy is «nøyaktighet» everywhere.

An interval is stored beside its estimate, not labelled on its own (:func:`interval_of`): ``<key>_ci_low`` and
``<key>_ci_high``, or ``<key>_ci`` as ``[low, high]``; a spread over seeds is ``<base>_sd`` beside ``<base>_mean``.
An unknown key falls back to the key itself.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

#: What is measured: concept → (Norwegian term, unit).
TERMS: dict[str, tuple[str, str]] = {
    "acc": ("nøyaktighet", "andel"),
    "bacc": ("balansert nøyaktighet", "andel"),
    "auc": ("ROC AUC", "tall"),
    "f1": ("F1", "tall"),
    "macro_f1": ("makro-F1", "tall"),
    "sens": ("sensitivitet", "andel"),
    "spec": ("spesifisitet", "andel"),
    "ppv": ("PPV", "andel"),
    "npv": ("NPV", "andel"),
    "ece": ("kalibreringsfeil (ECE)", "tall"),
    "loss": ("tap", "tall"),
    "logloss": ("log-loss", "tall"),
}
#: On which data: key word → Norwegian name.
SPLITS: dict[str, str] = {"test": "test", "val": "validering", "cv": "kryssvalidering", "oob": "out-of-bag",
                          "train": "trening"}
#: Units and how :func:`format_value` writes them.
UNITS = ("andel", "tall", "heltall", "s", "min", "pp", "ja/nei", "differanse", "liten")


class Label(NamedTuple):
    """How the report shows one metric: Norwegian ``text``, ``unit`` (one of :data:`UNITS`), ``headline``."""

    text: str
    unit: str
    headline: bool = False


def _m(term: str, split: str, who: str = "", headline: bool = False) -> Label:
    name, unit = TERMS[term]
    return Label(f"{name}, {SPLITS[split]}" + (f" ({who})" if who else ""), unit, headline)


def _x(text: str, unit: str, headline: bool = False) -> Label:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} for {text!r}; use one of {UNITS}")
    return Label(text, unit, headline)


H = True  # headline
SEEDS = "snitt over frø"

LABELS: dict[str, Label] = {
    # A1
    "test_accuracy_trained": _m("acc", "test", "trent CNN", H),
    "test_accuracy_untrained": _m("acc", "test", "utrent CNN"),
    "val_accuracy_trained": _m("acc", "val", "trent CNN", H),
    "val_accuracy_untrained": _m("acc", "val", "utrent CNN"),
    # A2 (Bonn-EEG, pair A/E and A/D, per window or per recording)
    "AE_vindu_test_accuracy": _m("acc", "test", "EEG A/E, per vindu", H),
    "AE_opptak_test_accuracy": _m("acc", "test", "EEG A/E, per opptak"),
    "AD_vindu_test_accuracy": _m("acc", "test", "EEG A/D, per vindu", H),
    "AD_opptak_test_accuracy": _m("acc", "test", "EEG A/D, per opptak"),
    "AE_vindu_val_accuracy": _m("acc", "val", "EEG A/E, per vindu"),
    "AD_vindu_val_accuracy": _m("acc", "val", "EEG A/D, per vindu", H),
    # A3
    "n_images": _x("antall bilder", "heltall"),
    "matches_reference_counts": _x("tellingen per siffer stemmer med det tidligere kurset", "ja/nei", H),
    # A4
    "rf_test_accuracy": _m("acc", "test", "random forest", H),
    "rf_test_balanced_accuracy": _m("bacc", "test", "random forest"),
    "rf_oob_accuracy": _m("acc", "oob", "random forest", H),
    # A5
    "mlp_plain_test_accuracy": _m("acc", "test", "enkel MLP"),
    "mlp_test_accuracy": _m("acc", "test", "MLP", H),
    "mlp_plain_val_accuracy": _m("acc", "val", "enkel MLP"),
    "mlp_val_accuracy": _m("acc", "val", "MLP", H),
    # A6
    "cnn_test_accuracy": _m("acc", "test", "CNN", H),
    "cnn_test_balanced_accuracy": _m("bacc", "test", "CNN"),
    "cnn_test_macro_f1": _m("macro_f1", "test", "CNN"),
    "cnn_test_roc_auc": _m("auc", "test", "CNN, én mot resten"),
    "cnn_val_accuracy": _m("acc", "val", "CNN", H),
    # B1, B2
    "xor_two_layer_accuracy": _x("nøyaktighet på XOR (to lag)", "andel", H),
    "xor_final_loss": _x("tap til slutt på XOR", "tall"),
    "xor_autograd_accuracy": _x("nøyaktighet på XOR (autograd)", "andel", H),
    "xor_autograd_final_loss": _x("tap til slutt på XOR (autograd)", "tall"),
    # B3
    "mlp_test_roc_auc": _m("auc", "test", "MLP", H),
    "mlp_test_sensitivity": _m("sens", "test", "MLP"),
    "mlp_test_specificity": _m("spec", "test", "MLP"),
    "logreg_test_accuracy": _m("acc", "test", "logistisk regresjon"),
    "logreg_test_roc_auc": _m("auc", "test", "logistisk regresjon", H),
    "logreg_test_sensitivity": _m("sens", "test", "logistisk regresjon"),
    "logreg_test_specificity": _m("spec", "test", "logistisk regresjon"),
    "mlp_val_roc_auc": _m("auc", "val", "MLP", H),
    "logreg_val_roc_auc": _m("auc", "val", "logistisk regresjon"),
    # B4
    "intra_test_accuracy": _m("acc", "test", "intra-pasient, tilfeldig slag-splitt", H),
    "intra_val_accuracy": _m("acc", "val", "intra-pasient"),
    "veb_test_f1": _m("f1", "test", "VEB, inter-pasient, CNN", H),
    "sveb_test_f1": _m("f1", "test", "SVEB, inter-pasient, CNN", H),
    "test_macro_f1": _m("macro_f1", "test", "", H),
    "lda_veb_test_f1": _m("f1", "test", "VEB, de Chazal-LDA"),
    "lda_sveb_test_f1": _m("f1", "test", "SVEB, de Chazal-LDA"),
    "veb_val_f1": _m("f1", "val", "VEB, DS1-valideringsopptak", H),
    # C1
    "n_train": _x("antall i treningsdelen", "heltall"),
    "n_val": _x("antall i valideringsdelen", "heltall"),
    "n_test": _x("antall i testdelen", "heltall"),
    "params_compact": _x("parametre i CompactCNN", "heltall", H),
    "params_simple_224": _x("parametre i SimpleCNN (224 px)", "heltall"),
    "flatten_train_acc": _m("acc", "train", "SimpleCNN, kort trening"),
    "flatten_val_acc": _m("acc", "val", "SimpleCNN, kort trening"),
    "flatten_gap_pp": _x("avstand trening–validering (SimpleCNN)", "pp", H),
    "compact_short_gap_pp": _x("avstand trening–validering (CompactCNN)", "pp", H),
    # C2
    "best_val_acc": _m("acc", "val", "beste epoke", H),
    "best_val_loss": _m("loss", "val", "beste epoke"),
    "train_acc_clean": _m("acc", "train", "uten augmentering"),
    "gap_pp": _x("avstand trening–validering", "pp", H),
    "best_epoch": _x("beste epoke", "heltall"),
    "epochs_run": _x("epoker trent", "heltall"),
    "train_time_s": _x("treningstid", "s", H),
    # C3
    "test_acc": _m("acc", "test", "", H),
    "sanity_similarity_top": _x("Grad-CAM-fornuftssjekk: likhet etter første trinn", "tall"),
    "sanity_similarity_max": _x("Grad-CAM-fornuftssjekk: høyeste likhet", "tall"),
    "sanity_passed": _x("Grad-CAM-fornuftssjekken bestått", "ja/nei", H),
    "n_sanity": _x("bilder i fornuftssjekken", "heltall"),
    "ledger_looks_before": _x("tidligere titter på testsettet (skrevet ut av notebooken)", "heltall"),
    # C4
    "summaries_found": _x("notebooker med lagrede hovedtall", "heltall", H),
    "producers_accounted": _x("notebooker vist eller meldt som manglende", "heltall"),
    "flowers_val_acc": _m("acc", "val", "blomster, fra C2", H),
    # C4a
    "breast_val_auc_mean": _m("auc", "val", f"BreastMNIST, {SEEDS}"),
    "retina_val_auc_mean": _m("auc", "val", f"RetinaMNIST, {SEEDS}"),
    "breast_test_auc_mean": _m("auc", "test", f"BreastMNIST, {SEEDS}", H),
    "breast_test_acc_mean": _m("acc", "test", f"BreastMNIST, {SEEDS}"),
    "breast_test_sensitivity_mean": _m("sens", "test", f"BreastMNIST, ondartet, {SEEDS}"),
    "breast_test_specificity_mean": _m("spec", "test", f"BreastMNIST, {SEEDS}"),
    "retina_test_auc_mean": _m("auc", "test", f"RetinaMNIST, {SEEDS}", H),
    "retina_test_acc_mean": _m("acc", "test", f"RetinaMNIST, {SEEDS}"),
    "retina_test_sensitivity_mean": _m("sens", "test", f"RetinaMNIST, grad 2–4, {SEEDS}"),
    "retina_test_specificity_mean": _m("spec", "test", f"RetinaMNIST, {SEEDS}"),
    "flowers_own_cnn_val_acc": _m("acc", "val", "blomster, eget CNN"),
    "flowers_own_cnn_test_acc": _m("acc", "test", "blomster, eget CNN"),
    "flowers_resnet18_val_acc": _m("acc", "val", "blomster, ResNet-18"),
    "flowers_resnet18_test_acc": _m("acc", "test", "blomster, ResNet-18"),
    "resnet18_pretrained": _x("ResNet-18 med ImageNet-vekter", "ja/nei"),
    "vit_params_equal": _x("egen ViT og timm-ViT har like mange parametre", "ja/nei"),
    "vit_max_abs_diff": _x("største forskjell i utdata, egen ViT mot timm-ViT", "liten"),
    "vit_val_auc_mean": _m("auc", "val", f"ViT, BreastMNIST, {SEEDS}"),
    "vit_test_auc_mean": _m("auc", "test", f"ViT, BreastMNIST, {SEEDS}", H),
    "cnn_vit_same_budget": _x("CNN og ViT fikk samme budsjett", "ja/nei"),
    "earlier_test_looks": _x("tidligere titter på testsettet (skrevet ut av notebooken)", "heltall"),
    "seconds_total": _x("kjøretid (veggklokke)", "s"),
    "cpu_seconds_total": _x("CPU-tid", "s"),
    # D1
    "cv_balanced_accuracy_age": _m("bacc", "cv", "bare alder"),
    "cv_balanced_accuracy_tabular": _m("bacc", "cv", "kliniske mål, LR", H),
    "cv_roc_auc_tabular": _m("auc", "cv", "kliniske mål, LR"),
    "cv_balanced_accuracy_cnn": _m("bacc", "cv", "CNN, hovedmodell", H),
    "cv_roc_auc_cnn": _m("auc", "cv", "CNN, hovedmodell"),
    "cv_balanced_accuracy_cnn_other": _m("bacc", "cv", "CNN, den andre varianten"),
    "best_cv_balanced_accuracy": _m("bacc", "cv", "beste modell"),
    "cnn_minus_tabular_bacc": _x("balansert nøyaktighet, kryssvalidering: CNN minus kliniske mål", "differanse"),
    "threshold_cnn": _x("terskel for sensitivitet ≥ 0,85 (CNN)", "tall"),
    "threshold_tabular": _x("terskel for sensitivitet ≥ 0,85 (kliniske mål)", "tall"),
    "test_balanced_accuracy_cnn": _m("bacc", "test", "CNN", H),
    "test_roc_auc_cnn": _m("auc", "test", "CNN"),
    "test_sensitivity_cnn": _m("sens", "test", "CNN"),
    "test_specificity_cnn": _m("spec", "test", "CNN"),
    "test_ppv_cnn": _m("ppv", "test", "CNN"),
    "test_npv_cnn": _m("npv", "test", "CNN"),
    "test_balanced_accuracy_tabular": _m("bacc", "test", "kliniske mål, LR", H),
    "test_roc_auc_tabular": _m("auc", "test", "kliniske mål, LR"),
    "image_beats_tabular": _x("bildemodellen slår tabellmodellen", "ja/nei"),
    "runtime_s": _x("kjøretid", "s"),
    # E1
    "blank_images": _x("blanke bilder", "heltall"),
    "duplicate_groups_across_splits": _x("duplikatgrupper på tvers av trening og test", "heltall", H),
    "duplicate_groups_train_test": _x("duplikatgrupper på tvers av trening og test", "heltall"),
    "n_test_copied": _x("testbilder med en kopi i treningsmappen", "heltall", H),
    "parameters": _x("parametre i modellen", "heltall"),
    # E2
    "val_acc": _m("acc", "val", "", H),
    "val_macro_f1": _m("macro_f1", "val", "", H),
    "val_ece": _m("ece", "val"),
    "minutes": _x("kjøretid", "min", H),
    "cpu_minutes": _x("CPU-tid", "min"),
    "epochs": _x("epoker", "heltall"),
    # E3
    "test_macro_f1_flip_tta": _m("macro_f1", "test", "med speilings-TTA"),
    "test_acc_private": _m("acc", "test", "bare PrivateTest"),
    "test_ece": _m("ece", "test"),
    "test_acc_flip_tta": _m("acc", "test", "med speilings-TTA"),
    "test_acc_dedup": _m("acc", "test", "uten kopier fra treningsmappen", H),
    "n_test_dedup": _x("antall i testdelen uten kopier fra treningsmappen", "heltall"),
    "ledger_looks": _x("tidligere titter på testsettet (skrevet ut av notebooken)", "heltall"),
    "model_from_e2": _x("modellen kom fra E2", "ja/nei"),
    # F1, F2 (cross-validation on each table; the best baseline is measured in the same run)
    "pfn_auc_parkinsons": _m("auc", "cv", "PFN, Parkinson"),
    "best_baseline_auc_parkinsons": _m("auc", "cv", "beste grunnmodell, Parkinson"),
    "pfn_auc_breast_cancer": _m("auc", "cv", "PFN, brystkreft"),
    "best_baseline_auc_breast_cancer": _m("auc", "cv", "beste grunnmodell, brystkreft"),
    "pfn_auc_darwin": _m("auc", "cv", "PFN, DARWIN"),
    "pfn_auc_glioma": _m("auc", "cv", "PFN, gliom"),
    "pfn_auc_eeg_ae": _m("auc", "cv", "PFN, EEG A/E"),
    "pfn_auc_eeg_ad": _m("auc", "cv", "PFN, EEG A/D"),
    "best_baseline_auc_darwin": _m("auc", "cv", "beste grunnmodell, DARWIN"),
    "best_baseline_auc_glioma": _m("auc", "cv", "beste grunnmodell, gliom"),
    "best_baseline_auc_eeg_ae": _m("auc", "cv", "beste grunnmodell, EEG A/E"),
    "best_baseline_auc_eeg_ad": _m("auc", "cv", "beste grunnmodell, EEG A/D"),
    "pfn_gap_mean": _x("ROC AUC, kryssvalidering: PFN minus beste grunnmodell, snitt over tabeller", "differanse", H),
    "pfn_wins": _x("tabeller der PFN er best", "heltall", H),
    "pfn_losses": _x("tabeller der PFN taper", "heltall", H),
    "pfn_seconds_per_fit": _x("sekunder per tilpasning og prediksjon (PFN)", "s"),
    "bat_auc_large_context": _x("ROC AUC, flaggermusbildet med stor kontekst (PFN)", "tall"),
    "bat_mean_abs_change": _x("gjennomsnittlig endring i sannsynlighet, liten mot stor kontekst", "tall"),
    "darwin_auc_select_outside": _m("auc", "cv", "DARWIN, utvalg før kryssvalideringen (lekkasje)"),
    "darwin_auc_select_inside": _m("auc", "cv", "DARWIN, utvalg inne i folden"),
    "darwin_select_optimism": _x("ROC AUC, kryssvalidering: lekkasjens optimisme (DARWIN)", "differanse", H),
    "pfn_worst_gap": _x("ROC AUC, kryssvalidering: PFN minus beste grunnmodell, dårligste tabell", "differanse", H),
    # F1, several classes (log-loss per table; the goal is at least as good as the best baseline on half of them)
    "multiclass_logloss_wins": _x("tabeller med flere klasser der PFN-ens log-loss er minst like god", "heltall", H),
    "multiclass_tables": _x("tabeller med flere klasser", "heltall"),
    **{f"pfn_logloss_{t}": _m("logloss", "cv", f"PFN, {t}") for t in ("wine", "iris", "digits")},
    **{f"best_baseline_logloss_{t}": _m("logloss", "cv", f"beste grunnmodell, {t}") for t in ("wine", "iris", "digits")},
    "tabpfn_available": _x("TabPFN tilgjengelig", "ja/nei"),
}

_INTERVAL_SUFFIXES = ("_ci_low", "_ci_high", "_ci")


def is_part(key: str, metrics: dict[str, Any]) -> bool:
    """Whether ``key`` is the interval or spread of another recorded metric (shown with it, not on its own)."""
    for suffix in _INTERVAL_SUFFIXES:
        if key.endswith(suffix) and key.removesuffix(suffix) in metrics:
            return True
    return key.endswith("_sd") and key.removesuffix("_sd") + "_mean" in metrics


def label(key: str) -> str:
    """The Norwegian text for ``key``, or the key itself when the table has none."""
    found = LABELS.get(key)
    return found.text if found else key


def unit(key: str) -> str:
    """The unit of ``key`` (``"tall"`` when the table has none)."""
    found = LABELS.get(key)
    return found.unit if found else "tall"


def is_headline(key: str) -> bool:
    """Whether ``key`` is one of its notebook's headline numbers."""
    found = LABELS.get(key)
    return bool(found and found.headline)


def interval_of(key: str, metrics: dict[str, Any]) -> tuple[float, float] | None:
    """The 95 % interval recorded for ``key``: ``<key>_ci_low``/``<key>_ci_high`` or ``<key>_ci`` = ``[lo, hi]``."""
    lo, hi = metrics.get(f"{key}_ci_low"), metrics.get(f"{key}_ci_high")
    pair = metrics.get(f"{key}_ci")
    if lo is None and isinstance(pair, (list, tuple)) and len(pair) == 2:
        lo, hi = pair
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
        return float(lo), float(hi)
    return None


def spread_of(key: str, metrics: dict[str, Any]) -> float | None:
    """The standard deviation over seeds recorded for ``<base>_mean`` as ``<base>_sd``."""
    if not key.endswith("_mean"):
        return None
    sd = metrics.get(key.removesuffix("_mean") + "_sd")
    return float(sd) if isinstance(sd, (int, float)) and not isinstance(sd, bool) else None


def _decimal(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def _bare(value: float, unit_: str) -> str:
    """``value`` in ``unit_`` without the unit sign (used for interval ends)."""
    if unit_ == "andel":
        return _decimal(100 * value, 1)
    if unit_ == "differanse":
        return ("+" if value > 0 else "−" if value < 0 else "") + _decimal(abs(value), 3)
    if unit_ in ("s", "min", "pp"):
        return _decimal(value, 1)
    if unit_ == "heltall":
        return _decimal(value, 0) if float(value).is_integer() else _decimal(value, 1)
    if unit_ == "liten":
        return f"{value:.1e}".replace(".", ",")
    return _decimal(value, 3 if abs(value) >= 0.01 or value == 0 else 4)


_SIGN = {"andel": " %", "s": " s", "min": " min", "pp": " prosentpoeng"}


def format_value(key: str, value: Any) -> str:
    """``value`` of metric ``key`` written the Norwegian way: ``99,2 %``, ``0,947``, ``3 483``, ``ja``."""
    if value is None:
        return "–"
    if isinstance(value, bool) or unit(key) == "ja/nei" and value in (0, 1):
        return "ja" if value else "nei"
    if isinstance(value, (list, tuple)):
        return "[" + "; ".join(format_value(key, v) for v in value) + "]"
    if not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    u = unit(key)
    return _bare(value, u) + _SIGN.get(u, "")


def format_estimate(key: str, metrics: dict[str, Any]) -> str:
    """``metrics[key]`` with its interval or spread: ``99,2 % (95 % KI 98,9–99,4)``, ``0,909 (sd 0,010 over frø)``."""
    value = metrics.get(key)
    text = format_value(key, value)
    u = unit(key)
    interval = interval_of(key, metrics)
    if interval is not None and isinstance(value, (int, float)):
        return f"{text} (95 % KI {_bare(interval[0], u)}–{_bare(interval[1], u)})"
    sd = spread_of(key, metrics)
    if sd is not None and isinstance(value, (int, float)):
        spread = _decimal(100 * sd, 1) + " prosentpoeng" if u == "andel" else _bare(sd, u)
        return f"{text} (sd {spread} over frø)"
    return text
