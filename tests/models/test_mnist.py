"""The MNIST models: shapes, parameter counts and the training-only augmentation."""

from __future__ import annotations

import pytest
import torch

from dyplab.models.mnist import CNN, MLP, OriginalCNN, random_shift
from dyplab.training import count_parameters


@pytest.mark.parametrize("cls", [MLP, CNN, OriginalCNN])
@pytest.mark.parametrize("shape", [(5, 1, 28, 28), (5, 28, 28)])
def test_output_shapes(cls, shape):
    torch.manual_seed(0)
    model = cls().eval()
    out = model(torch.randn(*shape))
    assert out.shape == (5, 10) and torch.isfinite(out).all()


def test_parameter_counts():
    assert count_parameters(OriginalCNN()) == 1_199_882  # printed by the original A6
    assert count_parameters(MLP()) == 536_586  # 784-512-256-10 with BatchNorm (the recipe, MNIST_MLP)
    assert count_parameters(MLP(hidden=(1024, 512))) == 1_335_306
    assert count_parameters(MLP(hidden=(100, 50), batch_norm=False, input_dropout=0.0)) == 84_060  # original A5 sklearn MLP
    assert count_parameters(CNN()) < count_parameters(OriginalCNN()) / 10


def test_mlp_first_layer_and_dropout_only_in_training():
    torch.manual_seed(0)
    model = MLP()
    assert model.first_layer.weight.shape == (512, 784)
    x = torch.randn(8, 1, 28, 28)
    model.eval()
    assert torch.equal(model(x), model(x))  # deterministic at evaluation
    model.train()
    assert not torch.equal(model(x), model(x))  # dropout active while training


def test_cnn_rejects_wrong_image_size():
    with pytest.raises(ValueError, match=r"\[N, 1, 28, 28\]"):
        CNN()(torch.randn(2, 1, 32, 32))


def test_cnn_features_for_grad_cam():
    model = CNN().eval()
    x = torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        feats = model.features(x)
        # the features are exactly what the classifier sees: Grad-CAM on them explains the real output
        assert torch.allclose(model.classifier(model.pool(feats)), model(x), atol=1e-6)
        x2 = x.clone()
        x2[1] += 1.0  # changing one image changes only its own feature maps
        feats2 = model.features(x2)
    assert feats.shape[0] == 3 and feats.shape[-2:] == (7, 7)
    assert torch.allclose(feats[0], feats2[0]) and torch.allclose(feats[2], feats2[2])
    assert not torch.allclose(feats[1], feats2[1])


def test_random_shift_only_in_training_and_keeps_content():
    torch.manual_seed(0)
    shift = random_shift(max_shift=2, pad_value=-1.0)
    x = torch.zeros(64, 1, 28, 28)
    x[:, :, 10:18, 10:18] = torch.arange(64, dtype=torch.float32)[:, None, None, None] + 1  # a block per image
    shift.eval()
    assert torch.equal(shift(x), x)
    shift.train()
    y = shift(x)
    assert y.shape == x.shape
    assert not torch.equal(y, x)  # some of the 64 images moved
    for i in range(64):  # each image is the same block, moved by at most 2 pixels
        rows, cols = torch.nonzero(y[i, 0] > 0, as_tuple=True)
        assert (y[i, 0][y[i, 0] > 0] == i + 1).all()
        assert rows.numel() == 64 and 8 <= rows.min() <= 12 and 8 <= cols.min() <= 12
        assert (y[i, 0] == -1.0).any() == bool(rows.min() != 10 or cols.min() != 10)  # padding enters when moved
    assert not [k for k in CNN().state_dict() if k.startswith("augment")]  # no state: old checkpoints still load
