"""Signed maps: one symmetric diverging scale around 0 and a colour bar."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from dyplab import plots


def test_one_symmetric_scale_and_a_colour_bar(tmp_path) -> None:
    maps = np.stack([np.full((3, 3), 0.5), np.full((3, 3), -2.0), np.zeros((3, 3))])
    fig = plots.signed_maps(maps, title="Vekter", titles=["a", "b", "c"], save=tmp_path / "w.png")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 3
    assert all(im.get_clim() == (-2.0, 2.0) for im in images)
    assert all(im.get_cmap().name == plots.CMAP for im in images)
    assert len(fig.axes) == 4  # three maps and the colour bar
    assert (tmp_path / "w.png").stat().st_size > 0


def test_all_zero_maps_and_bad_shapes() -> None:
    assert plots.symmetric_limit(np.zeros((2, 3, 3))) == 1.0
    with pytest.raises(ValueError, match="K, H, W"):
        plots.signed_maps(np.zeros((2, 2, 3, 3)), title="x")
    with pytest.raises(ValueError, match="titles"):
        plots.signed_maps(np.zeros((2, 3, 3)), title="x", titles=["a"])
