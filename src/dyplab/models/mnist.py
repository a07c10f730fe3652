"""Models for MNIST (notebooks A5 and A6): an MLP, dyplab's fast CNN and the original course CNN.

All take float images ``[N, 1, 28, 28]`` (or ``[N, 28, 28]``, or ``[N, 784]`` for the MLP),
standardised with :data:`dyplab.data.mnist.MEAN`/``STD`` (see ``mnist.to_tensor_input``; the numbers are
:mod:`dyplab.normalization`'s, so that models do not import data), and
return logits ``[N, 10]``.
"""

from __future__ import annotations

import torch
from torch import nn

from ..normalization import MNIST_MEAN, MNIST_STD
from ..training.recipe import Recipe
from ..transforms import TrainingAugment, augmentation

N_CLASSES = 10


def random_shift(max_shift: int = 2, pad_value: float = 0.0) -> TrainingAugment:
    """Data augmentation as a layer: shift each image by up to ``max_shift`` whole pixels (training only).

    The image is padded with ``pad_value`` (in the standardised scale, the background value) and a 28×28
    window is cut out at a random offset per image (``v2.RandomCrop(28, padding=max_shift, fill=pad_value)``,
    :class:`dyplab.transforms.TrainingAugment`). In ``eval()`` mode it does nothing, so validation and test
    images are never altered.
    """
    return TrainingAugment(augmentation(shift=int(max_shift), size=28, fill=float(pad_value)))


def _as_images(x: torch.Tensor) -> torch.Tensor:
    if x.dim() == 3:
        x = x.unsqueeze(1)
    elif x.dim() == 2 and x.shape[1] == 784:
        x = x.view(-1, 1, 28, 28)
    if x.dim() != 4 or tuple(x.shape[1:]) != (1, 28, 28):
        raise ValueError(f"expected MNIST images [N, 1, 28, 28], got shape {tuple(x.shape)}")
    return x


class MLP(nn.Module):
    """A multilayer perceptron: 784 → hidden layers (Linear, BatchNorm, ReLU, Dropout) → 10 logits.

    The image is flattened first, so the network sees 784 numbers without any notion of which
    pixels are neighbours. ``input_dropout`` blanks a share of the pixels during training.
    ``MLP()`` is A5's recipe network, 784-512-256-10 (536,586 parameters; the hidden sizes of :data:`MNIST_MLP`).
    """

    def __init__(
        self,
        hidden: tuple[int, ...] | None = None,
        dropout: float = 0.3,
        batch_norm: bool = True,
        input_dropout: float = 0.2,
    ) -> None:
        super().__init__()
        hidden = MNIST_MLP.model_kwargs["hidden"] if hidden is None else tuple(hidden)
        layers: list[nn.Module] = [nn.Flatten()]
        if input_dropout > 0:
            layers.append(nn.Dropout(input_dropout))  # blanks random pixels during training
        width = 28 * 28
        for h in hidden:
            layers.append(nn.Linear(width, h, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm1d(h))
            layers += [nn.ReLU(), nn.Dropout(dropout)]
            width = h
        layers.append(nn.Linear(width, N_CLASSES))
        self.net = nn.Sequential(*layers)

    @property
    def first_layer(self) -> nn.Linear:
        """The first Linear layer; its weight rows can be shown as 28×28 images."""
        return next(m for m in self.net if isinstance(m, nn.Linear))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(x.shape[0], -1))


def _conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU())


class CNN(nn.Module):
    """dyplab's A6 network: small, fast and accurate (about 98,000 parameters).

    Three blocks of 3×3 convolution → BatchNorm → ReLU → 2×2 max-pooling (28 → 14 → 7 → 3), then
    a small classifier (576 → 128 → 10) with dropout. Pooling early keeps the computation small;
    BatchNorm lets it train fast with a large learning rate (OneCycle); :func:`random_shift` moves the
    digits by up to ``max_shift`` pixels during training only. Width and the epochs of :data:`MNIST_CNN` were chosen on the
    validation images (``benchmarks/mnist_recipe_selection.py``); ``benchmarks/mnist_cnn.py`` compares its time
    with the original recipe's.
    """

    def __init__(
        self, channels: tuple[int, int, int] = (16, 32, 64), hidden: int = 128, dropout: float = 0.3, max_shift: int = 2
    ) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.augment = random_shift(max_shift, pad_value=_background())
        self.conv1 = _conv_block(1, c1)
        self.conv2 = _conv_block(c1, c2)
        self.conv3 = _conv_block(c2, c3)
        self.pool = nn.MaxPool2d(2)
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(c3 * 3 * 3, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, N_CLASSES)
        )
        # "Channels last" memory layout: max-pooling and BatchNorm run about a third faster on CPU.
        self.to(memory_format=torch.channels_last)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last convolution's feature maps ``[N, c3, 7, 7]`` (before the last pooling; for Grad-CAM)."""
        x = _as_images(x).contiguous(memory_format=torch.channels_last)
        x = self.pool(self.conv1(x))
        x = self.pool(self.conv2(x))
        return self.conv3(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.augment(_as_images(x))
        return self.classifier(self.pool(self.features(x)))


class OriginalCNN(nn.Module):
    """The original course A6 network (PyTorch's ``examples/mnist``): 1,199,882 parameters.

    conv32 → ReLU → conv64 → ReLU → maxpool → dropout 0.25 → fc128 → ReLU → dropout 0.5 → fc10.
    Kept for the benchmark (``benchmarks/mnist_cnn.py``) and for comparison in A6.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.pool = nn.MaxPool2d(2)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(9216, 128)
        self.dropout2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, N_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.conv1(_as_images(x)))
        x = torch.relu(self.conv2(x))
        x = self.dropout1(self.pool(x))
        x = torch.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(self.dropout2(x))


#: How A5 trains :class:`MLP` (784-512-256-10) and A6 trains :class:`CNN`. Notebooks and the benchmarks share them so
#: that the numbers they report come from the same recipe. Both were chosen on the validation images by
#: ``benchmarks/mnist_recipe_selection.py`` (it prints candidates and choice); early stopping as in A5 and A6.
MNIST_MLP = Recipe(MLP, {"hidden": (512, 256)}, optimizer="adamw", lr=2e-3, weight_decay=0.05, schedule="onecycle",
                   batch_size=128, max_epochs=15, patience=5)
MNIST_CNN = Recipe(CNN, optimizer="adamw", lr=1e-2, weight_decay=1e-4, schedule="onecycle", batch_size=128,
                   max_epochs=8, patience=3)
#: The original A6 recipe (Adam 1e-3, batch 64, 10 epochs, no schedule, no early stopping) for :class:`OriginalCNN`.
MNIST_ORIGINAL_CNN = Recipe(OriginalCNN, optimizer="adam", lr=1e-3, batch_size=64, max_epochs=10, patience=None)


def _background() -> float:
    """The value of a black pixel after standardisation (used to pad shifted images)."""
    return -MNIST_MEAN / MNIST_STD
