"""The B4 networks: shapes, parameter counts and clear errors on wrong input."""

from __future__ import annotations

import pytest
import torch

from dyplab.models.ecg import BeatCNN, OriginalB4CNN
from dyplab.training import count_parameters


def test_original_b4_network_has_the_recorded_parameter_count() -> None:
    model = OriginalB4CNN()
    assert count_parameters(model) == 2_219_717
    assert model(torch.randn(3, 500)).shape == (3, 5)
    assert model(torch.randn(3, 1, 500)).shape == (3, 5)


@pytest.mark.parametrize("in_channels,n_rr", [(1, 0), (1, 5), (2, 5)])
def test_beat_cnn_takes_waveform_channels_and_rr_features(in_channels: int, n_rr: int) -> None:
    model = BeatCNN(128, n_rr, n_classes=4, in_channels=in_channels).eval()
    x = torch.randn(6, in_channels * 128 + n_rr)
    assert model(x).shape == (6, 4)
    assert count_parameters(model) < 50_000  # "compact": two orders of magnitude below the original


def test_beat_cnn_uses_the_rr_features() -> None:
    torch.manual_seed(0)
    model = BeatCNN(64, 3, n_classes=2).eval()
    x = torch.randn(4, 64 + 3)
    changed = x.clone()
    changed[:, -3:] += 5.0
    assert not torch.allclose(model(x), model(changed))


def test_wrong_input_width_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="expects input"):
        BeatCNN(128, 5)(torch.randn(2, 130))
    with pytest.raises(ValueError, match="expects"):
        OriginalB4CNN()(torch.randn(2, 400))
    with pytest.raises(ValueError, match="at least 16"):
        BeatCNN(8)
