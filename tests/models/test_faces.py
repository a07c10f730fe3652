"""FER2013 models: shapes, parameter counts, training-only augmentation and a 48×48 Grad-CAM."""

from __future__ import annotations

import pytest
import torch
from torchvision.transforms import v2

from dyplab import checkpoints
from dyplab.explain import grad_cam
from dyplab.models.faces import EmotionNet, FaceCNN, face_augmentation
from dyplab.training import count_parameters
from dyplab.transforms import TrainingAugment


@pytest.mark.parametrize("model", [FaceCNN(), FaceCNN(width=8, convs=2), EmotionNet()])
@pytest.mark.parametrize("shape", [(3, 1, 48, 48), (3, 48, 48)])
def test_output_shapes(model, shape):
    out = model.eval()(torch.randn(*shape))
    assert out.shape == (3, 7) and torch.isfinite(out).all()


def test_emotionnet_parameter_count_and_last_conv():
    assert count_parameters(EmotionNet(n_classes=6)) == 1_701_830  # as printed by the earlier course
    net = EmotionNet()
    assert net.last_conv.in_channels == 128 and net.last_conv.out_channels == 256


def test_last_conv_works_at_6x6():
    model = FaceCNN(width=8).eval()
    seen = []
    model.last_conv.register_forward_hook(lambda m, i, o: seen.append(o.shape))
    model(torch.randn(2, 1, 48, 48))
    assert seen == [torch.Size([2, 64, 6, 6])]


def test_wrong_image_size_is_refused():
    with pytest.raises(ValueError, match=r"\[N, 1, 48, 48\]"):
        FaceCNN()(torch.randn(2, 1, 28, 28))


def test_augmentation_only_in_training():
    torch.manual_seed(0)
    aug = face_augmentation()
    x = torch.randn(4, 1, 48, 48)
    assert torch.equal(aug.eval()(x), x)
    y = aug.train()(x)
    assert y.shape == x.shape and not torch.equal(y, x)


def _steps(layer: TrainingAugment) -> dict[type, v2.Transform]:
    return {type(t): t for t in layer.transform.transforms}


def test_facecnn_passes_its_augmentation_settings_on():
    steps = _steps(FaceCNN(width=4, degrees=5.0, shift=0.05, zoom=0.2).augment)
    affine = steps[v2.RandomAffine]
    assert v2.RandomHorizontalFlip in steps
    assert (list(affine.degrees), list(affine.translate), list(affine.scale)) == ([-5.0, 5.0], [0.05, 0.05], [0.8, 1.2])
    light = _steps(FaceCNN(width=4).augment)  # the default is the light recipe: flip and shift only
    assert v2.RandomAffine not in light and v2.RandomHorizontalFlip in light
    crop = light[v2.RandomCrop]  # 0.1 of 48 px: up to 5 whole pixels, the border pixels repeated
    assert crop.padding == [5, 5, 5, 5] and crop.padding_mode == "edge" and list(crop.size) == [48, 48]


def test_light_shift_repeats_the_border():
    torch.manual_seed(0)
    x = torch.arange(48.0).repeat(48, 1)[None, None].repeat(16, 1, 1, 1)  # columns 0..47, every row the same
    y = FaceCNN(width=4).augment.train()(x)
    assert y.shape == x.shape and y.min() >= 0 and y.max() <= 47  # edge values only, no constant fill
    rows_equal = (y == y[:, :, :1, :]).all()
    assert rows_equal and not torch.equal(y, x)
    assert not isinstance(FaceCNN(width=4, augment=False).augment, TrainingAugment)
    model = FaceCNN(width=4)  # no state in the augmentation: checkpoints of FaceCNN keep their keys
    assert not [k for k in model.state_dict() if k.startswith("augment")]


def test_grad_cam_is_48x48():
    torch.manual_seed(0)
    model = FaceCNN(width=8).eval()
    maps = grad_cam(model, torch.randn(3, 1, 48, 48), target=[0, 3, 6], layer=model.last_conv)
    assert maps.shape == (3, 48, 48) and maps.min() >= 0 and maps.max() <= 1


def test_channels_and_convs_per_block():
    model = FaceCNN(channels=[4, 6, 8, 10], convs=[1, 1, 1, 2], hidden=16)
    convs = [[m for m in block if isinstance(m, torch.nn.Conv2d)] for block in model.features]
    assert [len(c) for c in convs] == [1, 1, 1, 2]
    assert [c[-1].out_channels for c in convs] == [4, 6, 8, 10] and model.last_conv.in_channels == 10
    assert model.eval()(torch.randn(2, 1, 48, 48)).shape == (2, 7)
    # the same numbers given as width/convs build the same network
    assert count_parameters(FaceCNN(channels=[8, 16, 32, 64], convs=2)) == count_parameters(FaceCNN(width=8, convs=2))


@pytest.mark.parametrize("kwargs", [{"channels": [8, 16, 32]}, {"convs": [1, 1, 0, 1]}, {"width": 0}])
def test_bad_block_settings_are_refused(kwargs):
    with pytest.raises(ValueError, match="four blocks"):
        FaceCNN(**kwargs)


def test_checkpoint_round_trip(tmp_path):
    torch.manual_seed(0)
    kwargs = {"n_classes": 7, "channels": [4, 8, 16, 32], "convs": [1, 1, 1, 2], "hidden": 32, "dropout": 0.1}
    model = FaceCNN(**kwargs).eval()
    path = checkpoints.save(model, tmp_path / "fer.pt", model_kwargs=kwargs, class_names=list("abcdefg"))
    again, meta = checkpoints.load_model(path)
    x = torch.randn(2, 1, 48, 48)
    assert torch.allclose(model(x), again(x)) and meta["class_names"] == list("abcdefg")
