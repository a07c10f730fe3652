"""Architecture drawings: one block per layer, labelled, and layer lists that match the real networks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest
import torch

from dyplab.models.teaching import TinyCNN
from dyplab.plots import architecture as pa


def test_diagram_has_title_blocks_and_saves(tmp_path) -> None:
    layers = pa.mlp_layers(784, (256, 128), 10)
    fig = pa.layer_diagram(layers, title="MLP", save=tmp_path / "mlp.png")
    ax = fig.axes[0]
    assert ax.get_title() == "MLP" and ax.get_xlabel()
    assert len(ax.patches) == 2 * len(layers) - 1  # blocks and arrows
    assert (tmp_path / "mlp.png").stat().st_size > 0


def test_tiny_cnn_layers_match_the_network_shapes() -> None:
    net = TinyCNN()
    x = torch.zeros(1, 1, 28, 28)
    after_conv = net.pool(torch.relu(net.conv2(net.pool(torch.relu(net.conv1(x))))))
    assert pa._size(pa.tiny_cnn_layers()[4][1]) == after_conv[0].numel()
    assert int(pa.tiny_cnn_layers()[5][1]) == net.fc1.in_features


def test_bad_shape_and_empty_list_are_named() -> None:
    with pytest.raises(ValueError, match="numbers separated"):
        pa.layer_diagram([("Inndata", "28 by 28")], title="x")
    with pytest.raises(ValueError, match="at least one"):
        pa.layer_diagram([], title="x")
