"""dyplab.transforms: uint8 → normalised tensors and augmentation on torchvision.transforms.v2."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from dyplab import transforms

RNG = np.random.default_rng(0)
GRAY = RNG.integers(0, 256, (5, 12, 10), dtype=np.uint8)
COLOUR = RNG.integers(0, 256, (4, 12, 10, 3), dtype=np.uint8)
PHOTO_NORM = {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else []) + (
    ["mps"] if torch.backends.mps.is_available() else [])


def test_to_tensor_shapes_dtypes_and_ranges_for_grey_and_colour():
    g = transforms.to_tensor(GRAY)
    assert g.shape == (5, 1, 12, 10) and g.dtype == torch.float32
    assert torch.allclose(g[:, 0], torch.from_numpy(GRAY).float() / 255)
    c = transforms.to_tensor(torch.from_numpy(COLOUR), PHOTO_NORM)
    assert c.shape == (4, 3, 12, 10) and c.dtype == torch.float32
    expected = (COLOUR[1, 3, 2] / 255 - np.array(PHOTO_NORM["mean"])) / np.array(PHOTO_NORM["std"])
    assert np.allclose(c[1, :, 3, 2].numpy(), expected, atol=1e-6)
    assert transforms.to_tensor(COLOUR[0]).shape == (1, 3, 12, 10)  # one colour image
    one = transforms.to_tensor(GRAY[0], {"mean": 0.5, "std": 0.25})  # one grey image
    assert one.shape == (1, 1, 12, 10)
    assert float(one.min()) >= -2.0 and float(one.max()) <= 2.0
    assert torch.equal(transforms.to_tensor(np.full((2, 4, 4), 255, np.uint8)), torch.ones(2, 1, 4, 4))


def test_denormalize_inverts_to_tensor():
    back = transforms.denormalize(transforms.to_tensor(COLOUR, PHOTO_NORM), PHOTO_NORM)
    assert back.shape == COLOUR.shape and np.allclose(back, COLOUR / 255, atol=1e-6)
    grey = transforms.denormalize(transforms.to_tensor(GRAY, {"mean": 0.5, "std": 0.25})[0], {"mean": 0.5, "std": 0.25})
    assert grey.shape == (12, 10, 1) and np.allclose(grey[..., 0], GRAY[0] / 255, atol=1e-6)


def test_bad_input_gives_a_clear_error():
    with pytest.raises(ValueError, match="uint8"):
        transforms.to_tensor(GRAY.astype(np.float32))
    with pytest.raises(ValueError, match="uint8"):
        transforms.to_tensor(torch.zeros(2, 8, 8))
    with pytest.raises(ValueError, match=r"channels last.*got shape \(2, 3, 8, 8, 1\)"):
        transforms.to_tensor(np.zeros((2, 3, 8, 8, 1), np.uint8))
    with pytest.raises(ValueError, match="channels last"):
        transforms.to_tensor(np.zeros((2, 8, 8, 16), np.uint8))  # [N, C, H, W] by mistake
    with pytest.raises(ValueError, match="one number or one per channel"):
        transforms.to_tensor(GRAY, PHOTO_NORM)
    with pytest.raises(ValueError, match="std must be > 0"):
        transforms.to_tensor(GRAY, {"mean": 0.5, "std": 0.0})
    with pytest.raises(ValueError, match="mean"):
        transforms.to_tensor(GRAY, {"average": 0.5})
    with pytest.raises(ValueError, match="needs the image size"):
        transforms.augmentation(shift=2)
    with pytest.raises(ValueError, match="probabilities"):
        transforms.augmentation(flip=2.0)
    with pytest.raises(ValueError, match=r"\[N, C, H, W\]"):
        transforms.augment_each(torch.zeros(8, 8), transforms.augmentation(flip=0.5))


def test_every_image_of_a_batch_gets_its_own_draw():
    x = torch.arange(64, dtype=torch.float32).reshape(1, 1, 8, 8).repeat(64, 1, 1, 1)
    torch.manual_seed(0)
    out = transforms.augment_each(x, transforms.augmentation(flip=0.5))
    flipped = [torch.equal(o, x[0].flip(-1)) for o in out]
    assert all(f or torch.equal(o, x[0]) for f, o in zip(flipped, out))
    assert 0 < sum(flipped) < 64
    rotated = transforms.augment_each(x, transforms.augmentation(degrees=30.0))
    assert len({tuple(r.flatten().tolist()) for r in rotated}) > 32


def test_augmentation_is_reproducible_under_manual_seed():
    x = transforms.to_tensor(COLOUR)
    aug = transforms.augmentation(flip=0.5, degrees=15.0, brightness=0.2, contrast=0.2, saturation=0.2, hue=0.1)
    torch.manual_seed(3)
    a = transforms.augment_each(x, aug)
    torch.manual_seed(3)
    b = transforms.augment_each(x, aug)
    c = transforms.augment_each(x, aug)
    assert torch.equal(a, b) and not torch.equal(b, c)
    assert float(a.min()) >= 0.0 and float(a.max()) <= 1.0  # colour jitter stays in 0..1


def test_nothing_set_is_the_identity():
    x = torch.rand(3, 1, 8, 8)
    assert transforms.augment_each(x, transforms.augmentation()) is x


def test_mnist_shift_is_pad_and_crop():
    """RandomCrop(28, padding=s, fill=background) = pad with the background, cut a 28×28 window at a random offset."""
    s, background = 2, -0.4242
    x = torch.randn(200, 1, 28, 28)
    torch.manual_seed(0)
    out = transforms.augment_each(x, transforms.augmentation(shift=s, size=28, fill=background))
    padded = F.pad(x, (s, s, s, s), value=background)
    offsets = []
    for i in range(len(x)):
        hits = [(dy, dx) for dy in range(2 * s + 1) for dx in range(2 * s + 1)
                if torch.equal(out[i], padded[i, :, dy:dy + 28, dx:dx + 28])]
        assert len(hits) == 1, f"image {i} is not one pad-and-crop window of its input"
        offsets.append(hits[0])
    assert len(set(offsets)) == (2 * s + 1) ** 2  # every offset occurs


def test_edge_padding_repeats_the_border():
    x = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4).repeat(50, 1, 1, 1)
    torch.manual_seed(1)
    out = transforms.augment_each(x, transforms.augmentation(shift=1, size=4, padding_mode="edge"))
    padded = F.pad(x[:1], (1, 1, 1, 1), mode="replicate")[0]
    windows = [padded[:, dy:dy + 4, dx:dx + 4] for dy in range(3) for dx in range(3)]
    assert all(any(torch.equal(o, w) for w in windows) for o in out)


def test_training_augment_is_identity_in_eval_and_has_no_state():
    layer = transforms.TrainingAugment(transforms.augmentation(flip=0.5, translate=0.2))
    x = torch.rand(16, 1, 12, 12)
    assert layer.eval()(x) is x
    torch.manual_seed(0)
    assert not torch.equal(layer.train()(x), x)
    assert layer.state_dict() == {} and not list(layer.parameters())


def test_augment_for_one_example_per_channel_with_its_own_seed():
    aug = transforms.augmentation(degrees=8.0, translate=0.05)
    views = np.repeat(np.random.default_rng(2).random((1, 24, 24)), 3, axis=0)
    a = transforms.Augment(aug, per_channel=True, seed=5)
    first = a(views)
    assert first.shape == (3, 24, 24) and first.dtype == torch.float32
    assert not torch.equal(first[0], first[1])  # each view its own draw
    torch.manual_seed(0)
    again = transforms.Augment(aug, per_channel=True, seed=5)(views)
    assert torch.equal(first, again)  # the own stream, whatever the global generator did
    assert not torch.equal(a(views), first)  # the stream moves on
    assert transforms.Augment(aug)(views[0]).shape == (1, 24, 24)
    with pytest.raises(ValueError, match="one example"):
        a(np.zeros((2, 3, 8, 8)))


@pytest.mark.parametrize("device", DEVICES)
def test_augmentation_runs_on_the_batch_device(device):
    x = torch.rand(4, 3, 16, 16, device=device)
    aug = transforms.augmentation(flip=0.5, degrees=10.0, translate=0.1, brightness=0.2, hue=0.1)
    out = transforms.augment_each(x, aug)
    assert out.device == x.device and out.shape == x.shape
