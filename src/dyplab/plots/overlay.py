"""Heat maps (Grad-CAM, saliency) laid over the image they explain, with Norwegian labels.

:func:`overlay` blends a ``[H, W]`` map in 0..1 onto an RGB image of the **same** size (the map must already be
upsampled to the input size, as :func:`dyplab.explain.grad_cam` does); :func:`explanation_figure` draws
image | map | overlay rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def _rgb01(image: Any) -> np.ndarray:
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (1, 3):
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=-1)
    if a.ndim != 3 or a.shape[-1] not in (1, 3):
        raise ValueError(f"image must be [H, W], [H, W, 3] or [3, H, W]; got shape {a.shape}")
    if a.shape[-1] == 1:
        a = np.repeat(a, 3, axis=-1)
    if a.dtype == np.uint8:
        return a.astype(np.float64) / 255.0
    a = a.astype(np.float64)
    if a.min() < 0 or a.max() > 1:
        raise ValueError("a float image must lie in 0..1 (denormalise it first, e.g. data.image_tensors.denormalize)")
    return a


def overlay(image: Any, heatmap: Any, *, alpha: float = 0.45, cmap: str = "jet") -> np.ndarray:
    """``(1 - alpha·m) · image + alpha·m · colour(m)``: the map coloured by ``cmap`` where it is high.

    ``image``: uint8 or 0..1 float, ``[H, W(, 3)]`` or ``[3, H, W]``; ``heatmap``: ``[H, W]`` in 0..1, the same
    ``H, W`` (a map of another size is an error, not silently stretched). Returns ``[H, W, 3]`` in 0..1.
    """
    img = _rgb01(image)
    m = np.asarray(heatmap, dtype=np.float64)
    if m.shape != img.shape[:2]:
        raise ValueError(f"heatmap {m.shape} and image {img.shape[:2]} differ in size; upsample the map to the image first")
    if not np.isfinite(m).all() or m.min() < 0 or m.max() > 1:
        raise ValueError("heatmap must be finite and scaled to 0..1")
    colour = plt.get_cmap(cmap)(m)[..., :3]
    weight = alpha * m[..., None]
    return np.clip((1 - weight) * img + weight * colour, 0.0, 1.0)


def explanation_figure(images: Sequence[Any], heatmaps: Sequence[Any], *, titles: Sequence[str] | None = None,
                       map_name: str = "Grad-CAM", title: str | None = None, alpha: float = 0.45, cmap: str = "jet",
                       save: str | Path | None = None) -> Figure:
    """One row per image: the image (with ``titles[i]``), the map with a colour bar, and the overlay."""
    if len(images) != len(heatmaps):
        raise ValueError(f"{len(images)} images but {len(heatmaps)} maps")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles but {len(images)} images")
    n = len(images)
    fig, axes = plt.subplots(n, 3, figsize=(9.5, 3.0 * n + 0.5), squeeze=False)
    for i, (img, m) in enumerate(zip(images, heatmaps)):
        rgb = _rgb01(img)
        ax0, ax1, ax2 = axes[i]
        ax0.imshow(rgb)
        ax0.set_title(titles[i] if titles is not None else "Bilde", fontsize=9)
        shown = ax1.imshow(np.asarray(m), cmap=cmap, vmin=0, vmax=1)
        ax1.set_title(map_name, fontsize=9)
        fig.colorbar(shown, ax=ax1, fraction=0.046, pad=0.04, label="betydning (0–1)")
        ax2.imshow(overlay(rgb, m, alpha=alpha, cmap=cmap))
        ax2.set_title("Overlegg", fontsize=9)
        for ax in axes[i]:
            ax.set_xlabel("x (piksel)", fontsize=8)
            ax.set_ylabel("y (piksel)", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle(title or f"{map_name}: hvor i bildet modellen henter bevis")
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=120, bbox_inches="tight")
    return fig
