"""F1's toy task: labelled pixels of the bat mask and a grid in the same coordinates."""

import numpy as np
import pytest

from dyplab.data import tabpfn_demo


@pytest.mark.mirror
def test_points_and_grid(mirror):
    pts = tabpfn_demo.points(100, seed=0)
    assert pts.X.shape == (100, 2) and set(np.unique(pts.y)) <= {0, 1}
    assert pts.X.to_numpy().min() >= 0 and pts.X.to_numpy().max() <= 1
    assert pts.class_names == ["bakgrunn", "flaggermus"]
    grid, mask = tabpfn_demo.grid(step=60)
    assert len(grid) == mask.size == 9 * 16 and mask.shape == (9, 16)
    image = tabpfn_demo.load()
    # the corners of the grid are the corners of the image, in [0, 1] with y pointing up
    assert tuple(grid.iloc[0]) == (0.0, 1.0) and mask[0, 0] == image[0, 0]
