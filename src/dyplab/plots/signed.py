"""Signed maps (weights, filters, attributions) in the course's one colour convention.

Diverging colour map ``RdBu_r``, symmetric around 0 on one shared scale for all maps in the figure
(red = positive, blue = negative, white = 0), with a colour bar, so two maps can be compared by colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

CMAP = "RdBu_r"


def symmetric_limit(maps: np.ndarray) -> float:
    """The colour limit: the largest absolute value (1.0 when everything is 0)."""
    vmax = float(np.nanmax(np.abs(maps))) if np.size(maps) else 0.0
    return vmax if vmax > 0 else 1.0


def signed_maps(maps, *, title: str, titles: Sequence[str] | None = None, ncols: int = 8,
                colorbar_label: str = "Verdi (rødt positiv, blått negativ)", save: str | Path | None = None):
    """A grid of signed 2-D maps ``[K, H, W]`` on one symmetric diverging scale with a colour bar."""
    import matplotlib.pyplot as plt

    m = np.asarray(maps.detach().cpu() if hasattr(maps, "detach") else maps, dtype=float)
    if m.ndim == 2:
        m = m[None]
    if m.ndim != 3:
        raise ValueError(f"signed_maps() needs maps [K, H, W]; got shape {m.shape}.")
    if titles is not None and len(titles) != len(m):
        raise ValueError(f"{len(titles)} titles but {len(m)} maps.")
    vmax = symmetric_limit(m)
    cols = min(ncols, len(m))
    rows = -(-len(m) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols + 1.0, 1.6 * rows + 0.6), squeeze=False)
    image = None
    for i, ax in enumerate(axes.flat):
        if i >= len(m):
            ax.remove()
            continue
        image = ax.imshow(m[i], cmap=CMAP, vmin=-vmax, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(str(titles[i]) if titles is not None else f"#{i}", fontsize=8)
    fig.suptitle(title)
    fig.colorbar(image, ax=list(fig.axes), shrink=0.8, label=colorbar_label)
    if save is not None:
        fig.savefig(save, dpi=120, bbox_inches="tight")
    return fig
