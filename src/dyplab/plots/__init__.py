"""Figures for the course: every function returns a matplotlib ``Figure`` with a title and axis labels.

Labels are Norwegian by default (``lang="no"``) or English (``lang="en"``); ``save=path`` also writes a
PNG. No backend is forced: notebooks keep their inline backend, scripts and tests get matplotlib's
default (Agg when there is no display).

In a notebook, assign the result (``fig = plots.training_curves(h)``) or end the line with ``;``:
a bare call on the last line would be shown twice (once by the inline backend, once as the value).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..convert import to_numpy

__all__ = [
    "class_distribution",
    "confusion_matrix",
    "CMAP",
    "explanation_figure",
    "layer_diagram",
    "mlp_layers",
    "overlay",
    "signed_maps",
    "symmetric_limit",
    "tiny_cnn_layers",
    "image_maps",
    "probability_histogram",
    "roc_curves",
    "sample_grid",
    "signals",
    "training_curves",
    "variable_distributions",
]

_TEXT: dict[str, dict[str, str]] = {
    "no": {
        "samples": "Eksempelbilder",
        "class_dist": "Klassefordeling",
        "class": "Klasse",
        "count": "Antall",
        "share": "Andel",
        "curves": "Læringskurver",
        "loss": "Tap (loss)",
        "acc": "Nøyaktighet (accuracy)",
        "epoch": "Epoke",
        "train": "trening",
        "val": "validering",
        "best": "beste epoke",
        "confusion": "Forvirringsmatrise",
        "true": "Sann klasse",
        "pred": "Predikert klasse",
        "roc": "ROC-kurve",
        "fpr": "1 − spesifisitet (falsk positiv rate)",
        "tpr": "Sensitivitet (sann positiv rate)",
        "chance": "tilfeldig gjetting",
        "prob_hist": "Fordeling av predikert sannsynlighet",
        "prob": "Predikert sannsynlighet for positiv klasse",
        "threshold": "terskel",
        "negative": "negativ (0)",
        "positive": "positiv (1)",
        "signals": "Signaler",
        "time_s": "Tid (s)",
        "sample_idx": "Prøvenummer",
        "amplitude": "Amplitude",
        "maps": "Aktiveringskart",
        "overlay": "Hvor modellen så",
        "relevance": "Relevans (skalert 0–1 per bilde)",
        "true_short": "sann",
        "pred_short": "pred",
        "lr": "Læringsrate",
    },
    "en": {
        "samples": "Example images",
        "class_dist": "Class distribution",
        "class": "Class",
        "count": "Count",
        "share": "Share",
        "curves": "Learning curves",
        "loss": "Loss",
        "acc": "Accuracy",
        "epoch": "Epoch",
        "train": "train",
        "val": "validation",
        "best": "best epoch",
        "confusion": "Confusion matrix",
        "true": "True class",
        "pred": "Predicted class",
        "roc": "ROC curve",
        "fpr": "1 − specificity (false positive rate)",
        "tpr": "Sensitivity (true positive rate)",
        "chance": "chance",
        "prob_hist": "Distribution of predicted probability",
        "prob": "Predicted probability of the positive class",
        "threshold": "threshold",
        "negative": "negative (0)",
        "positive": "positive (1)",
        "signals": "Signals",
        "time_s": "Time (s)",
        "sample_idx": "Sample",
        "amplitude": "Amplitude",
        "maps": "Activation maps",
        "overlay": "Where the model looked",
        "relevance": "Relevance (scaled 0-1 per image)",
        "true_short": "true",
        "pred_short": "pred",
        "lr": "Learning rate",
    },
}


def _t(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}; got {lang!r}.")
    return _TEXT[lang]


def _finish(fig: Figure, save: str | Path | None) -> Figure:
    fig.tight_layout()
    if save is not None:
        path = Path(save)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig


def _name(i: int, class_names: Sequence[str] | None) -> str:
    if class_names is None:
        return str(i)
    if not 0 <= int(i) < len(class_names):
        raise ValueError(f"Label {i} has no entry in class_names (0..{len(class_names) - 1}).")
    return str(class_names[int(i)])


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return int(np.ceil(n / ncols)), ncols


def _to_display(img: np.ndarray) -> np.ndarray:
    """One image as HxW or HxWxC (C=3/4) in a displayable range."""
    img = np.asarray(img)
    if img.ndim == 3 and img.shape[0] in (1, 3, 4) and img.shape[-1] not in (1, 3, 4):
        img = np.moveaxis(img, 0, -1)  # CHW -> HWC
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[-1] not in (3, 4)):
        raise ValueError(f"Cannot show an image of shape {img.shape}; expected HxW, HxWxC or CxHxW.")
    if img.dtype == np.uint8:
        return img
    img = img.astype(np.float64)
    if not np.isfinite(img).all():
        raise ValueError("Image contains NaN or infinite values.")
    lo, hi = img.min(), img.max()
    if img.ndim == 3 and (lo < 0 or hi > 1):
        img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
    return img


def sample_grid(images: Any, labels: Any = None, *, class_names: Sequence[str] | None = None, n: int = 20,
                ncols: int = 10, title: str | None = None, cmap: str = "gray", preds: Any = None, seed: int = 0,
                lang: str = "no", save: str | Path | None = None) -> Figure:
    """A grid of ``n`` randomly chosen (seeded) images with their class (and prediction, red if wrong)."""
    t = _t(lang)
    imgs = to_numpy(images, "images")
    if imgs.ndim < 3:
        raise ValueError(f"images must be a stack [N, H, W(, C)] or [N, C, H, W]; got shape {imgs.shape}.")
    lab = None if labels is None else to_numpy(labels, "labels").reshape(-1)
    prd = None if preds is None else to_numpy(preds, "preds").reshape(-1)
    for arr, what in ((lab, "labels"), (prd, "preds")):
        if arr is not None and len(arr) != len(imgs):
            raise ValueError(f"{what} has {len(arr)} entries but there are {len(imgs)} images.")
    k = min(int(n), len(imgs))
    idx = np.sort(np.random.default_rng(seed).choice(len(imgs), size=k, replace=False))
    rows, cols = _grid(k, ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.4 * cols, 1.6 * rows + 0.6), squeeze=False)
    for ax in axes.flat[k:]:
        ax.remove()
    for ax, i in zip(axes.flat, idx):
        ax.imshow(_to_display(imgs[i]), cmap=cmap)
        ax.set_xticks([])
        ax.set_yticks([])
        parts = []
        if lab is not None:
            parts.append(_name(lab[i], class_names))
        if prd is not None:
            parts.append(f"{t['pred_short']}: {_name(prd[i], class_names)}")
        ax.set_title("\n".join(parts) if parts else f"#{i}", fontsize=8,
                     color="red" if (prd is not None and lab is not None and prd[i] != lab[i]) else "black")
    fig.suptitle(title or t["samples"])
    return _finish(fig, save)


def class_distribution(labels: Any, *, class_names: Sequence[str] | None = None, title: str | None = None,
                       lang: str = "no", save: str | Path | None = None) -> Figure:
    """Bar chart of how many samples each class has (with counts on the bars)."""
    t = _t(lang)
    lab = to_numpy(labels, "labels").reshape(-1)
    if len(lab) == 0:
        raise ValueError("labels is empty.")
    if class_names is not None:
        classes = np.arange(len(class_names))
        counts = np.array([(lab == c).sum() for c in classes])
        if counts.sum() != len(lab):
            raise ValueError("labels contains values without an entry in class_names.")
        names = [str(c) for c in class_names]
    else:
        classes, counts = np.unique(lab, return_counts=True)
        names = [str(c) for c in classes]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.7 * len(names) + 2), 3.5))
    bars = ax.bar(names, counts, color="tab:blue")
    ax.bar_label(bars, labels=[f"{c}\n({c / len(lab):.0%})" for c in counts], fontsize=8)
    ax.set_xlabel(t["class"])
    ax.set_ylabel(t["count"])
    ax.set_title(title or t["class_dist"])
    ax.margins(y=0.2)
    if len(names) > 6:
        ax.tick_params(axis="x", rotation=45)
    return _finish(fig, save)


def training_curves(history: pd.DataFrame, *, title: str | None = None, monitor: str = "val_loss",
                    lang: str = "no", save: str | Path | None = None) -> Figure:
    """Loss and accuracy per epoch, training vs validation, with the best epoch (by ``monitor``) marked."""
    t = _t(lang)
    if not isinstance(history, pd.DataFrame):
        history = pd.DataFrame(history)
    if "epoch" not in history.columns or len(history) == 0:
        raise ValueError("history must be a non-empty table with an 'epoch' column (see dyplab.training.fit).")
    panels = [(m, t["loss"] if m == "loss" else t["acc"]) for m in ("loss", "acc")
              if f"train_{m}" in history.columns or f"val_{m}" in history.columns]
    if not panels:
        raise ValueError("history needs train_/val_ loss or acc columns.")
    best = None
    if monitor in history.columns and history[monitor].notna().any():
        best = int(history.loc[history[monitor].idxmin() if monitor.endswith("loss") else history[monitor].idxmax(), "epoch"])
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for ax, (m, label) in zip(axes.flat, panels):
        for split, style in (("train", "-o"), ("val", "-s")):
            col = f"{split}_{m}"
            if col in history.columns and history[col].notna().any():
                ax.plot(history["epoch"], history[col], style, ms=3, label=t[split])
        if best is not None:
            ax.axvline(best, color="gray", ls="--", lw=1, label=f"{t['best']} ({best})")
        ax.set_xlabel(t["epoch"])
        ax.set_ylabel(label)
        ax.set_title(label)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(title or t["curves"])
    return _finish(fig, save)


def confusion_matrix(y_true: Any, y_pred: Any, *, class_names: Sequence[str] | None = None, normalize: bool = False,
                     title: str | None = None, lang: str = "no", save: str | Path | None = None) -> Figure:
    """Confusion matrix (rows = true class) drawn by scikit-learn's ``ConfusionMatrixDisplay``, labelled in
    ``lang``; ``normalize`` shows row shares (the recall of each class)."""
    from sklearn.metrics import ConfusionMatrixDisplay

    from .. import metrics

    t = _t(lang)
    yt, yp = to_numpy(y_true, "y_true").reshape(-1), to_numpy(y_pred, "y_pred").reshape(-1)
    if class_names is not None:
        labels = list(range(len(class_names)))
        names = [str(c) for c in class_names]
    else:
        labels = sorted(set(yt.tolist()) | set(yp.tolist()))
        names = [str(c) for c in labels]
    cm = metrics.confusion(yt, yp, labels=labels)
    if cm.sum() != len(yt):
        raise ValueError("y_true/y_pred contain labels without an entry in class_names.")
    shown = cm.astype(float)
    if normalize:
        rows = shown.sum(axis=1, keepdims=True)
        shown = np.divide(shown, rows, out=np.zeros_like(shown), where=rows > 0)
    size = max(3.5, 0.6 * len(names) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    display = ConfusionMatrixDisplay(shown if normalize else cm, display_labels=names)
    display.plot(ax=ax, cmap="Blues", colorbar=True, values_format=".2f" if normalize else "d",
                 include_values=len(names) <= 20, xticks_rotation=45 if len(names) > 4 else "horizontal")
    if normalize:
        display.im_.set_clim(0, 1)
    display.im_.colorbar.set_label(t["share"] if normalize else t["count"])
    ax.set_xlabel(t["pred"])
    ax.set_ylabel(t["true"])
    ax.set_title(title or t["confusion"])
    return _finish(fig, save)


def roc_curves(y_true: Any, y_score: Any, *, class_names: Sequence[str] | None = None, title: str | None = None,
               lang: str = "no", save: str | Path | None = None) -> Figure:
    """ROC curves drawn by scikit-learn's ``RocCurveDisplay`` with AUC in the legend: binary (score =
    P(positive), [N] or [N, 2]) or one-vs-rest for every class ([N, C])."""
    from sklearn.metrics import RocCurveDisplay

    from .. import metrics

    t = _t(lang)
    yt = metrics.class_ids(y_true)
    s = to_numpy(y_score, "y_score").astype(float)
    if not np.isfinite(s).all():
        raise ValueError("y_score contains NaN or infinite values.")
    if len(s) != len(yt):
        raise ValueError(f"y_true and y_score have different lengths: {len(yt)} vs {len(s)}.")
    if s.ndim == 1 or s.shape[1] <= 2:
        yt = metrics.binary_labels(yt)
        if len(np.unique(yt)) < 2:
            raise ValueError("A ROC curve needs both classes in y_true.")
        name = _name(1, class_names) if class_names is not None and len(class_names) >= 2 else t["positive"]
        curves = [(name, yt, metrics.binary_scores(s, len(yt)))]
    else:
        if yt.max() >= s.shape[1]:
            raise ValueError(f"y_true has labels outside 0..{s.shape[1] - 1}, the columns of y_score.")
        curves = [(_name(c, class_names), (yt == c).astype(int), s[:, c]) for c in range(s.shape[1])
                  if 0 < (yt == c).sum() < len(yt)]
    fig, ax = plt.subplots(figsize=(4.8, 4.4))
    for name, positive, score in curves:
        RocCurveDisplay.from_predictions(positive, score, ax=ax, name=name, plot_chance_level=False,
                                         curve_kwargs={"lw": 2 if len(curves) == 1 else 1.5})
        ax.lines[-1].set_label(f"{name}: AUC = {metrics.roc_auc(positive, score):.3f}")
    ax.plot([0, 1], [0, 1], ls="--", color="gray", lw=1, label=t["chance"])
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_xlabel(t["fpr"])
    ax.set_ylabel(t["tpr"])
    ax.set_title(title or t["roc"])
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return _finish(fig, save)


def probability_histogram(y_true: Any, y_score: Any, *, threshold: float = 0.5, title: str | None = None,
                          bins: int = 25, lang: str = "no", save: str | Path | None = None) -> Figure:
    """Histograms of P(positive) for the true negatives and positives, with the decision threshold."""
    from .. import metrics

    t = _t(lang)
    yt = metrics.binary_labels(y_true)
    s = metrics.binary_scores(y_score, len(yt))
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    lo, hi = min(0.0, s.min()), max(1.0, s.max())
    edges = np.linspace(lo, hi, bins + 1)
    ax.hist(s[yt == 0], bins=edges, alpha=0.6, color="tab:blue", label=t["negative"])
    ax.hist(s[yt == 1], bins=edges, alpha=0.6, color="tab:red", label=t["positive"])
    ax.axvline(threshold, color="black", ls="--", lw=1, label=f"{t['threshold']} = {threshold:.2f}")
    ax.set_xlabel(t["prob"])
    ax.set_ylabel(t["count"])
    ax.set_title(title or t["prob_hist"])
    ax.legend(fontsize=8)
    return _finish(fig, save)


def signals(signals: Any, labels: Any = None, *, fs: float | None = None, class_names: Sequence[str] | None = None,
            n: int = 4, title: str | None = None, lang: str = "no", save: str | Path | None = None) -> Figure:
    """The first ``n`` 1-D traces (EEG/ECG), one panel each; time in seconds when ``fs`` (Hz) is given."""
    t = _t(lang)
    sig = to_numpy(signals, "signals").astype(float)
    if sig.ndim == 1:
        sig = sig[None, :]
    if sig.ndim == 3 and sig.shape[1] == 1:
        sig = sig[:, 0, :]
    if sig.ndim != 2:
        raise ValueError(f"signals must be [N, T] (or [N, 1, T]); got shape {sig.shape}.")
    lab = None if labels is None else to_numpy(labels, "labels").reshape(-1)
    if lab is not None and len(lab) != len(sig):
        raise ValueError(f"labels has {len(lab)} entries but there are {len(sig)} signals.")
    k = min(int(n), len(sig))
    x = np.arange(sig.shape[1]) / fs if fs else np.arange(sig.shape[1])
    fig, axes = plt.subplots(k, 1, figsize=(8, 1.8 * k + 0.6), squeeze=False, sharex=True)
    for i, ax in enumerate(axes.flat):
        ax.plot(x, sig[i], lw=0.8)
        ax.set_ylabel(t["amplitude"])
        ax.set_xlabel(t["time_s"] if fs else t["sample_idx"])
        ax.set_title(f"#{i}" + (f" · {_name(lab[i], class_names)}" if lab is not None else ""), fontsize=9)
        ax.grid(alpha=0.3)
    fig.suptitle(title or t["signals"])
    return _finish(fig, save)


def image_maps(maps: Any, *, titles: Sequence[str] | None = None, ncols: int = 8, title: str | None = None,
               cmap: str = "viridis", lang: str = "no", save: str | Path | None = None) -> Figure:
    """A grid of 2-D maps (feature maps, conv filters, first-layer weights): ``[K, H, W]`` or ``[K, C, H, W]``."""
    t = _t(lang)
    m = to_numpy(maps, "maps").astype(float)
    if m.ndim == 2:
        m = m[None]
    if m.ndim == 4:
        m = m.mean(axis=1) if m.shape[1] not in (3,) else np.moveaxis(m, 1, -1)
    if m.ndim not in (3, 4):
        raise ValueError(f"maps must be [K, H, W] or [K, C, H, W]; got shape {m.shape}.")
    if titles is not None and len(titles) != len(m):
        raise ValueError(f"{len(titles)} titles but {len(m)} maps.")
    rows, cols = _grid(len(m), ncols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols, 1.6 * rows + 0.6), squeeze=False)
    for ax in axes.flat[len(m):]:
        ax.remove()
    for i, ax in enumerate(axes.flat[: len(m)]):
        ax.imshow(_to_display(m[i]) if m.ndim == 4 else m[i], cmap=cmap)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(str(titles[i]) if titles is not None else f"#{i}", fontsize=8)
    fig.suptitle(title or t["maps"])
    return _finish(fig, save)


def variable_distributions(
    frame: pd.DataFrame,
    variables: Sequence[str],
    *,
    target: str = "target",
    categorical: Sequence[str] = (),
    codes: Mapping[str, Mapping[int, str]] | None = None,
    labels: Mapping[str, str] | None = None,
    target_names: Sequence[str] | None = None,
    ncols: int = 4,
    title: str = "Variablene fordelt på utfall",
    save=None,
):
    """One panel per variable, split by the outcome ``target``.

    Numeric variables: overlaid histograms (density) per outcome. Categorical variables: bars with
    the number of patients per code and outcome, labelled with ``codes`` (e.g. ``heart.CODES``).
    Missing values are left out of each panel (the panel title gives their count). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    missing = [v for v in [*variables, target] if v not in frame.columns]
    if missing:
        raise KeyError(f"variable_distributions: columns {missing} are not in the table")
    codes = codes or {}
    labels = labels or {}
    classes = sorted(frame[target].dropna().unique().tolist())
    names = list(target_names) if target_names is not None else [str(c) for c in classes]
    if len(names) != len(classes):
        raise ValueError(f"target_names has {len(names)} names but {target!r} has {len(classes)} classes")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    nrows = int(np.ceil(len(variables) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows), squeeze=False)
    for ax, var in zip(axes.flat, variables):
        col = frame[var]
        n_missing = int(col.isna().sum())
        sub = f" ({n_missing} mangler)" if n_missing else ""
        if var in categorical:
            levels = sorted(codes[var]) if var in codes else sorted(col.dropna().unique().tolist())
            width = 0.8 / len(classes)
            pos = np.arange(len(levels))
            for k, cls in enumerate(classes):
                counts = col[frame[target] == cls].value_counts()
                heights = [int(counts.get(level, 0)) for level in levels]
                ax.bar(
                    pos + (k - (len(classes) - 1) / 2) * width,
                    heights,
                    width,
                    label=names[k],
                    color=colors[k % len(colors)],
                )
            ticks = [f"{int(lv)}: {codes[var][lv]}" if var in codes else str(lv) for lv in levels]
            ax.set_xticks(
                pos,
                ticks,
                rotation=30 if max(len(t) for t in ticks) > 8 else 0,
                ha="right" if max(len(t) for t in ticks) > 8 else "center",
                fontsize=8,
            )
            ax.set_ylabel("Antall pasienter")
        else:
            bins = np.histogram_bin_edges(col.dropna(), bins=20)
            for k, cls in enumerate(classes):
                ax.hist(
                    col[frame[target] == cls].dropna(),
                    bins=bins,
                    density=True,
                    alpha=0.55,
                    label=names[k],
                    color=colors[k % len(colors)],
                )
            ax.set_ylabel("Tetthet")
        ax.set_xlabel(textwrap.fill(labels.get(var, var), 40), fontsize=9)
        ax.set_title(f"{var}{sub}", fontsize=10)
    for ax in list(axes.flat)[len(variables) :]:
        ax.set_visible(False)
    axes.flat[0].legend(title=target, fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=120, bbox_inches="tight")
    return fig


# Figures by concept, in their own modules; all reachable as ``dyplab.plots.<name>``.
from .architecture import layer_diagram, mlp_layers, tiny_cnn_layers  # noqa: E402
from .overlay import explanation_figure, overlay  # noqa: E402
from .signed import CMAP, signed_maps, symmetric_limit  # noqa: E402
