"""Image classifiers of Part C: shapes, parameter counts, Grad-CAM layer, ViT training step."""

from __future__ import annotations

import pytest
import torch

from dyplab import explain
from dyplab.models.images import CompactCNN, SimpleCNN, SmallViT, parameter_table, stem_stride_for
from dyplab.training import count_parameters


def test_simple_cnn_has_the_course_parameter_count():
    with torch.device("meta"):  # counts only: no memory for 51 M weights
        model = SimpleCNN(n_classes=5, image_size=224)
    assert count_parameters(model) == 51_476_549
    assert model.fc1.weight.numel() + model.fc1.bias.numel() == 51_380_736
    small = SimpleCNN(n_classes=5, image_size=64)
    assert tuple(small(torch.zeros(2, 3, 64, 64)).shape) == (2, 5)
    with pytest.raises(ValueError, match="built for 64"):
        small(torch.zeros(1, 3, 96, 96))
    with pytest.raises(ValueError, match="divisible by 8"):
        SimpleCNN(image_size=100)


@pytest.mark.parametrize("size", [32, 64, 96])
def test_compact_cnn_is_small_and_size_independent(size):
    model = CompactCNN(n_classes=5)
    n = count_parameters(model)
    assert 50_000 < n < 150_000
    assert tuple(model(torch.randn(3, 3, size, size)).shape) == (3, 5)
    assert isinstance(model.last_conv, torch.nn.Conv2d) and model.last_conv.out_channels == 128
    assert sum(p for _, _, p in parameter_table(model)) == n
    with pytest.raises(ValueError, match=r"\[N, 3, H, W\]"):
        model(torch.zeros(2, 1, size, size))


def test_stem_stride_quarters_the_pixels_but_keeps_the_parameters():
    plain, strided = CompactCNN(n_classes=5), CompactCNN(n_classes=5, stem_stride=2)
    assert count_parameters(plain) == count_parameters(strided)
    x = torch.randn(2, 3, 224, 224)
    assert tuple(strided(x).shape) == (2, 5)
    assert tuple(plain.features(x).shape[-2:]) == (28, 28) and tuple(strided.features(x).shape[-2:]) == (14, 14)
    assert [stem_stride_for(s) for s in (32, 64, 127, 128, 224)] == [1, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="stem_stride"):
        CompactCNN(stem_stride=4)
    maps = explain.grad_cam(strided.eval(), x[:1], target=[0], layer=strided.last_conv)
    assert maps.shape == (1, 224, 224)  # Grad-CAM is upsampled to the input whatever the stride


def test_grad_cam_has_the_input_shape():
    torch.manual_seed(0)
    model = CompactCNN(n_classes=3).eval()
    x = torch.randn(2, 3, 40, 40)
    maps = explain.grad_cam(model, x, target=[0, 2], layer=model.last_conv)
    assert maps.shape == (2, 40, 40)
    assert maps.min() >= 0.0 and maps.max() <= 1.0


def test_cam_layer_is_the_post_activation_output_of_the_last_block():
    torch.manual_seed(0)
    model = CompactCNN(n_classes=3).eval()
    assert isinstance(model.cam_layer, torch.nn.ReLU) and model.cam_layer is model.features[-1]
    seen = []
    model.cam_layer.register_forward_hook(lambda m, i, o: seen.append(o))
    model(torch.randn(2, 3, 40, 40))
    assert seen[0].shape == (2, 128, 5, 5) and seen[0].min() >= 0  # after BatchNorm and ReLU
    assert explain.grad_cam(model, torch.randn(2, 3, 40, 40), None, model.cam_layer).shape == (2, 40, 40)


def test_small_vit_matches_the_hand_written_reference_size_and_learns():
    vit = SmallViT()  # 28×28 RGB, patches 4, dim 64, 4 blocks, 8 classes
    assert count_parameters(vit) == 206_984
    assert parameter_table(vit)[0] == ("(modellen selv)", "SmallViT", 64 + 50 * 64)
    torch.manual_seed(0)
    x, y = torch.randn(16, 3, 28, 28), torch.randint(0, 8, (16,))
    opt = torch.optim.AdamW(vit.parameters(), lr=3e-3)
    losses = []
    for _ in range(15):
        loss = torch.nn.functional.cross_entropy(vit(x), y)
        opt.zero_grad()
        loss.backward()
        assert vit.cls_token.grad is not None and vit.pos_embed.grad.abs().sum() > 0
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]  # it can fit a small batch: gradients flow through every block


def test_small_vit_checks_its_input():
    vit = SmallViT(image_size=32, patch_size=8, in_channels=1, n_classes=2, dim=32, depth=1, heads=2, mlp_dim=64)
    assert tuple(vit(torch.zeros(4, 1, 32, 32)).shape) == (4, 2)
    with pytest.raises(ValueError, match="built for 32"):
        vit(torch.zeros(1, 1, 28, 28))
    with pytest.raises(ValueError, match="divisible"):
        SmallViT(image_size=30, patch_size=4)
