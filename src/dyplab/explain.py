"""Explaining models: Grad-CAM, Integrated Gradients and saliency via Captum; permutation importance via sklearn.

The gradient methods take a PyTorch classifier returning logits ``[N, C]`` and inputs ``[N, ...]``
with a batch axis (exceptions: ``grad_cam`` also takes one image ``[C, H, W]``, and a 1-D ``X`` is one
tabular sample; the result then has no batch axis either). ``target`` is a class id, one id per
sample, or ``None`` for the model's own prediction. Attributions are computed on the model's device
and returned as NumPy arrays; the model's train/eval mode is restored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Saliency
from scipy.stats import spearmanr
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance
from torch import nn

from .convert import to_numpy
from .models import evaluating, model_device

__all__ = [
    "SanityCheck",
    "attribution_agreement",
    "compare_attributions",
    "check_input_shape",
    "grad_cam",
    "integrated_gradients",
    "permutation_importance_table",
    "randomization_check",
    "saliency",
]


def _inputs(model: nn.Module, X: Any, min_ndim: int = 2) -> tuple[torch.Tensor, bool]:
    """Float tensor on the model's device with a batch axis; flag whether one was added."""
    x = X.detach() if isinstance(X, torch.Tensor) else torch.as_tensor(to_numpy(X, "inputs"))
    x = x.to(device=model_device(model), dtype=torch.float32)
    if not torch.isfinite(x).all():
        raise ValueError("Inputs contain NaN or infinite values.")
    added = False
    if x.ndim < min_ndim:
        x, added = x.unsqueeze(0), True
    check_input_shape(model, x)
    return x, added


def check_input_shape(model: nn.Module, x: torch.Tensor) -> None:
    """Compare a batch with the model's first layer and say what was expected and what came.

    Convolutions are checked for the number of channels (axis 1); a first ``Linear`` layer for the number of
    features (last axis). Other first layers are not checked (the model's own error then stands).
    """
    first = next((m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear))), None)
    if first is None:
        return
    if isinstance(first, nn.Linear):
        if x.ndim == 2 and x.shape[1] != first.in_features:
            raise ValueError(f"the model's first layer takes {first.in_features} features per example, but the "
                             f"input has {x.shape[1]} (input shape {tuple(x.shape)})")
        return
    spatial = {nn.Conv1d: 1, nn.Conv2d: 2, nn.Conv3d: 3}[type(first)]
    if x.ndim != spatial + 2:
        return  # the model may add the channel axis itself (e.g. [N, 28, 28] for an MNIST CNN)
    if x.shape[1] != first.in_channels:
        hint = " (grayscale image to an RGB model? repeat the channel 3 times)" if (x.shape[1], first.in_channels) == (1, 3) \
            else " (RGB image to a grayscale model? average the channels)" if (x.shape[1], first.in_channels) == (3, 1) else ""
        raise ValueError(f"the model's first layer expects {first.in_channels} input channel(s) but the input has "
                         f"{x.shape[1]} (input shape {tuple(x.shape)}, channels on axis 1){hint}")


def _targets(model: nn.Module, x: torch.Tensor, target: Any) -> torch.Tensor:
    with torch.no_grad():
        logits = model(x)
    if logits.ndim != 2:
        raise ValueError(f"The model must return logits [N, C]; got shape {tuple(logits.shape)}.")
    n_classes = logits.shape[1]
    if target is None:
        return logits.argmax(dim=1)
    t = torch.as_tensor(np.asarray(target), dtype=torch.long, device=x.device).reshape(-1)
    if t.numel() == 1:
        t = t.expand(len(x)).clone()
    if t.numel() != len(x):
        raise ValueError(f"target has {t.numel()} entries but there are {len(x)} inputs.")
    if (t < 0).any() or (t >= n_classes).any():
        raise ValueError(f"target must be class ids in 0..{n_classes - 1}; got {sorted(set(t.tolist()))}.")
    return t


def grad_cam(model: nn.Module, images: Any, target: int | Sequence[int] | None, layer: nn.Module, *,
             relu: bool = True) -> np.ndarray:
    """Grad-CAM heat maps ``[N, H, W]`` for ``layer`` (usually the last conv layer), upsampled to the
    image size and scaled to 0..1 per image (a map that is all zero stays zero)."""
    if not isinstance(layer, nn.Module):
        raise TypeError("layer must be a module of the model (e.g. model.conv2), not a name.")
    if not any(m is layer for m in model.modules()):
        raise ValueError("layer is not a sub-module of model.")
    x, added = _inputs(model, images, min_ndim=4)
    if x.ndim != 4:
        raise ValueError(f"images must be [N, C, H, W] (or [C, H, W]); got shape {tuple(x.shape)}.")
    with evaluating(model):
        t = _targets(model, x, target)
        attr = LayerGradCam(model, layer).attribute(x, target=t, relu_attributions=relu)
        if attr.ndim != 4:
            raise ValueError(f"layer output must be a feature map [N, C, h, w]; Grad-CAM gave shape {tuple(attr.shape)}.")
        up = LayerAttribution.interpolate(attr.detach(), tuple(x.shape[-2:]), interpolate_mode="bilinear")[:, 0]
    up = up.clamp_min(0) if relu else up
    flat = up.reshape(len(up), -1)
    lo = flat.min(dim=1).values.clamp_max(0)[:, None, None]
    hi = flat.max(dim=1).values[:, None, None]
    scale = torch.where(hi - lo > 0, hi - lo, torch.ones_like(hi))
    out = ((up - lo) / scale).clamp(0, 1).cpu().numpy()
    return out[0] if added else out


def integrated_gradients(model: nn.Module, X: Any, target: int | Sequence[int] | None, baseline: Any = None,
                         n_steps: int = 50, *, internal_batch_size: int | None = None,
                         return_delta: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Integrated Gradients attributions (same shape as ``X``) of the target logit, baseline zeros by default.

    Completeness: attributions of a sample sum to ``f(x) - f(baseline)`` up to the integration error,
    which ``return_delta=True`` also returns (one value per sample).
    """
    x, added = _inputs(model, X)
    base = None
    if baseline is not None:
        base, _ = _inputs(model, baseline, min_ndim=x.ndim)
        if base.shape[1:] != x.shape[1:]:
            raise ValueError(f"baseline shape {tuple(base.shape)} does not match inputs {tuple(x.shape)}.")
    with evaluating(model):
        t = _targets(model, x, target)
        ig = IntegratedGradients(model)
        res = ig.attribute(x, baselines=base, target=t, n_steps=int(n_steps),
                           internal_batch_size=internal_batch_size, return_convergence_delta=return_delta)
    attr, delta = (res if return_delta else (res, None))
    a = attr.detach().cpu().numpy()
    a = a[0] if added else a
    if return_delta:
        return a, delta.detach().cpu().numpy()
    return a


def saliency(model: nn.Module, X: Any, target: int | Sequence[int] | None, *, absolute: bool = True) -> np.ndarray:
    """Gradient of the target logit w.r.t. the input (absolute value by default), same shape as ``X``."""
    x, added = _inputs(model, X)
    x = x.clone().requires_grad_(True)
    with evaluating(model):
        t = _targets(model, x, target)
        attr = Saliency(model).attribute(x, target=t, abs=absolute)
    a = attr.detach().cpu().numpy()
    return a[0] if added else a


class _FnClassifier(ClassifierMixin, BaseEstimator):
    """A scikit-learn classifier around a probability function (so sklearn scorers can call it)."""

    def __init__(self, fn: Callable[[Any], Any] | None = None) -> None:
        self.fn = fn

    def fit(self, X: Any, y: Any) -> _FnClassifier:
        self.classes_ = np.unique(np.asarray(y))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        p = self.fn(X)  # type: ignore[misc]
        if isinstance(p, torch.Tensor):
            p = p.detach().cpu().numpy()
        p = np.asarray(p, dtype=np.float64)
        if p.ndim == 2 and p.shape[1] == 1:
            p = p[:, 0]
        if p.ndim == 1:
            p = np.column_stack([1 - p, p])
        if p.ndim != 2 or len(p) != len(X):
            raise ValueError(f"The predict function must return probabilities [N] or [N, C]; got shape {p.shape}.")
        if not np.isfinite(p).all():
            raise ValueError("The predict function returned NaN or infinite probabilities.")
        return p

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def permutation_importance_table(predict_fn_or_estimator: Any, X: Any, y: Any, feature_names: Sequence[str] | None,
                                 *, scoring: str = "roc_auc", n_repeats: int = 20, seed: int = 42) -> pd.DataFrame:
    """Permutation importance (drop in ``scoring`` when one column is shuffled), largest first.

    Give a fitted scikit-learn estimator, or a function ``X -> probabilities`` ([N] = P(positive), or
    [N, C]), e.g. a wrapper around a PyTorch model. Columns: ``feature, importance_mean,
    importance_std``. Evaluate on held-out data.
    """
    if isinstance(X, pd.DataFrame) and feature_names is None:
        feature_names = [str(c) for c in X.columns]
    Xa = X if isinstance(X, pd.DataFrame) else np.asarray(X)
    if Xa.ndim != 2:
        raise ValueError(f"X must be a 2-D table [N, features]; got shape {Xa.shape}.")
    ya = np.asarray(y).reshape(-1)
    if len(ya) != len(Xa):
        raise ValueError(f"X has {len(Xa)} rows but y has {len(ya)} labels.")
    if feature_names is None:
        feature_names = [f"x{i}" for i in range(Xa.shape[1])]
    if len(feature_names) != Xa.shape[1]:
        raise ValueError(f"{len(feature_names)} feature names for {Xa.shape[1]} columns.")
    if isinstance(Xa, np.ndarray) and np.issubdtype(Xa.dtype, np.number) and not np.isfinite(Xa).all():
        raise ValueError("X contains NaN or infinite values.")
    if scoring == "roc_auc" and len(np.unique(ya)) > 2:
        scoring = "roc_auc_ovr"
    if hasattr(predict_fn_or_estimator, "fit") and (hasattr(predict_fn_or_estimator, "predict")
                                                    or hasattr(predict_fn_or_estimator, "predict_proba")):
        est = predict_fn_or_estimator
    elif callable(predict_fn_or_estimator):
        est = _FnClassifier(predict_fn_or_estimator).fit(Xa, ya)
    else:
        raise TypeError("Give a fitted scikit-learn estimator or a function X -> probabilities.")
    res = permutation_importance(est, Xa, ya, scoring=scoring, n_repeats=int(n_repeats), random_state=seed)
    df = pd.DataFrame({"feature": [str(f) for f in feature_names], "importance_mean": res.importances_mean,
                       "importance_std": res.importances_std})
    return df.sort_values("importance_mean", ascending=False, kind="stable").reset_index(drop=True)


def _aligned(tables: dict[str, pd.Series]) -> pd.DataFrame:
    if len(tables) < 1:
        raise ValueError("Give at least one attribution table.")
    series = {}
    for name, s in tables.items():
        if isinstance(s, pd.DataFrame):
            if {"feature", "importance_mean"} <= set(s.columns):
                s = s.set_index("feature")["importance_mean"]
            else:
                raise TypeError(f"{name!r}: give a Series indexed by feature (or a permutation_importance_table).")
        s = pd.Series(s, dtype=float)
        if s.index.has_duplicates:
            raise ValueError(f"{name!r} has duplicate feature names.")
        series[name] = s
    first = next(iter(series.values())).index
    for name, s in series.items():
        if set(s.index) != set(first):
            missing = sorted(set(first) ^ set(s.index))
            raise ValueError(f"{name!r} does not cover the same features as the others; differing: {missing}.")
    return pd.DataFrame({name: s.reindex(first) for name, s in series.items()})


def compare_attributions(tables: dict[str, pd.Series]) -> pd.DataFrame:
    """Put attributions from several methods side by side (one Series per method, indexed by feature).

    Columns: ``<method>`` = |value| / max |value| (1 = most important), ``<method>_rank`` (1 = most
    important) and ``mean_rank``; rows sorted by mean rank. The Spearman rank correlation between
    methods is in ``result.attrs["spearman"]`` (also from :func:`attribution_agreement`).
    """
    raw = _aligned(tables)
    mag = raw.abs()
    out = pd.DataFrame(index=raw.index)
    for m in raw.columns:
        top = mag[m].max()
        out[m] = mag[m] / top if top > 0 else 0.0
    for m in raw.columns:
        out[f"{m}_rank"] = mag[m].rank(ascending=False, method="min").astype(int)
    out["mean_rank"] = out[[f"{m}_rank" for m in raw.columns]].mean(axis=1)
    out = out.sort_values("mean_rank", kind="stable")
    out.index.name = "feature"
    out.attrs["spearman"] = attribution_agreement(tables)
    return out


def attribution_agreement(tables: dict[str, pd.Series]) -> pd.DataFrame:
    """Spearman rank correlation of |attribution| between every pair of methods (methods × methods)."""
    mag = _aligned(tables).abs()
    names = list(mag.columns)
    mat = np.eye(len(names))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            rho = spearmanr(mag.iloc[:, i], mag.iloc[:, j]).statistic if len(mag) > 1 else float("nan")
            mat[i, j] = mat[j, i] = rho
    return pd.DataFrame(mat, index=names, columns=names)


# --------------------------------------------------------------------------- sanity check (Adebayo et al. 2018)


@dataclass
class SanityCheck:
    """The result of :func:`randomization_check`.

    ``steps`` has one row per cascade step: ``step``, ``randomized`` (the layer re-initialised at that step, from the
    output down, cumulatively), ``similarity`` (the mean over the images of the Spearman correlation with the trained
    model's map, a constant map counted as 1), ``constant_maps``, ``changed`` (images whose correlation is below the
    threshold) and ``passed``. ``spearman`` is ``[steps, images]`` (NaN where a map is constant), ``maps`` is
    ``[steps + 1, images, H, W]`` with the trained model's maps first.
    """

    steps: pd.DataFrame
    spearman: np.ndarray
    maps: np.ndarray
    threshold: float

    @property
    def passed(self) -> bool:
        """True when the mean similarity is below the threshold at every step of the cascade."""
        return bool(self.steps["passed"].all())

    def summary(self) -> str:
        """One Norwegian sentence with the verdict."""
        n = self.spearman.shape[1]
        worst = self.steps.loc[self.steps["similarity"].idxmax()]
        if self.passed:
            return (f"Fornuftssjekken er bestått: i alle {len(self.steps)} trinn av den trinnvise randomiseringen var "
                    f"likheten med de trente kartene under {self.threshold:.2f} (høyest {worst['similarity']:.2f}, etter "
                    f"at {worst['randomized']} ble randomisert; {n} bilder).")
        return (f"Fornuftssjekken er IKKE bestått: etter at {worst['randomized']} ble randomisert, var likheten med de "
                f"trente kartene {worst['similarity']:.2f} (grense {self.threshold:.2f}; {int(worst['constant_maps'])} "
                f"av {n} kart konstante). Kartet forklarer da mer av bildet enn av modellen.")


def _randomizable(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Modules with parameters of their own and ``reset_parameters``, from the output back to the input."""
    found = [(n, m) for n, m in model.named_modules()
             if any(True for _ in m.parameters(recurse=False)) and hasattr(m, "reset_parameters")]
    return found[::-1]


def randomization_check(model: nn.Module, images: Any, target: int | Sequence[int] | None, layer: nn.Module, *,
                        explainer: Callable[[nn.Module, torch.Tensor, Any, nn.Module], np.ndarray] | None = None,
                        threshold: float = 0.5, min_images: int = 16, seed: int = 0) -> SanityCheck:
    """Cascading model-parameter randomisation (Adebayo et al. 2018, *Sanity checks for saliency maps*).

    A copy of ``model`` has its layers re-initialised one at a time, from the output layer down to the input
    (cumulatively, each with its own ``reset_parameters`` under ``seed``; modules are taken in the order the
    model defines them); after each step the maps of the same ``images`` and classes (``target``; ``None`` = the
    trained model's predictions) are made again and compared with the trained model's maps by Spearman rank
    correlation. A constant map (trained or randomised) has no defined correlation and counts as unchanged
    (similarity 1), never as a pass. A step passes when the mean similarity over the images is below
    ``threshold``; the check passes when every step does.

    ``explainer(model, images, target, layer) -> maps [N, H, W]`` defaults to :func:`grad_cam`; ``layer`` is
    a module of ``model`` (for Grad-CAM the post-activation output of the last block), found in each copy by
    its name. At least ``min_images`` images are required.
    """
    explain_fn = explainer or (lambda m, x, t, lay: grad_cam(m, x, t, lay))
    x, _ = _inputs(model, images, min_ndim=4)
    if len(x) < min_images:
        raise ValueError(f"the sanity check needs at least {min_images} images; got {len(x)}")
    names = [n for n, m in model.named_modules() if m is layer]
    if not names:
        raise ValueError("layer is not a sub-module of model.")
    with evaluating(model):
        t = _targets(model, x, target)
    trained = np.asarray(explain_fn(model, x, t, layer), dtype=np.float64)
    if trained.shape[0] != len(x):
        raise ValueError(f"the explainer returned {trained.shape[0]} maps for {len(x)} images")
    layers = _randomizable(model)
    if not layers:
        raise ValueError("the model has no layer with parameters to randomise")
    shadow = copy.deepcopy(model)
    modules = dict(shadow.named_modules())
    maps, sims, rows = [trained], [], []
    flat0 = trained.reshape(len(x), -1)
    constant0 = np.ptp(flat0, axis=1) == 0
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for step, (name, _) in enumerate(layers, start=1):
            with torch.no_grad():
                modules[name].reset_parameters()
            now = np.asarray(explain_fn(shadow, x, t, modules[names[0]]), dtype=np.float64)
            flat = now.reshape(len(x), -1)
            constant = constant0 | (np.ptp(flat, axis=1) == 0)
            rho = np.array([np.nan if c else spearmanr(a, b).statistic for a, b, c in zip(flat0, flat, constant)])
            similarity = float(np.where(constant, 1.0, rho).mean())
            rows.append({"step": step, "randomized": name or "(model)", "similarity": similarity,
                         "constant_maps": int(constant.sum()), "changed": int(np.sum(~constant & (rho < threshold))),
                         "passed": similarity < threshold})
            maps.append(now)
            sims.append(rho)
    return SanityCheck(steps=pd.DataFrame(rows), spearman=np.vstack(sims), maps=np.stack(maps),
                       threshold=float(threshold))
