"""Models for FER2013 facial expressions (notebooks E1–E3): dyplab's 4-block CNN and the earlier EmotionNet.

Both take float images ``[N, 1, 48, 48]`` (or ``[N, 48, 48]``) standardised with
:func:`dyplab.data.fer2013.to_tensor_input` and return logits ``[N, n_classes]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..transforms import TrainingAugment, augmentation

N_CLASSES = 7
SIZE = 48


def _as_images(x: torch.Tensor) -> torch.Tensor:
    if x.dim() == 3:
        x = x.unsqueeze(1)
    if x.dim() != 4 or tuple(x.shape[1:]) != (1, SIZE, SIZE):
        raise ValueError(f"expected face images [N, 1, 48, 48], got shape {tuple(x.shape)}")
    return x


def face_augmentation(flip: bool = True, degrees: float = 10.0, shift: float = 0.1, zoom: float = 0.1) -> TrainingAugment:
    """Augmentation as a layer (training only; :class:`dyplab.transforms.TrainingAugment`): horizontal flip,
    rotation up to ``degrees``, shift up to ``shift`` of the size and zoom within ``1 ± zoom``, each face its own
    draw. In ``eval()`` mode it does nothing, so validation and test images are never altered.

    A shift alone (the light recipe: no rotation, no zoom) is a whole-pixel shift by padding with the border
    pixels and a random 48×48 crop (``v2.RandomCrop(padding_mode="edge")``), as the earlier hand-written warp
    repeated the border; with rotation or zoom it is one bilinear ``v2.RandomAffine`` with the value 0 (the data
    set's mean grey) outside the face, since v2's affine fills with a constant only.
    """
    flip_p = 0.5 if flip else 0.0
    if not degrees and not zoom:
        return TrainingAugment(augmentation(flip=flip_p, shift=round(shift * SIZE), size=SIZE, padding_mode="edge"))
    return TrainingAugment(augmentation(flip=flip_p, degrees=degrees, translate=shift, scale=zoom))


def _block(c_in: int, c_out: int, convs: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(convs):
        layers += [nn.Conv2d(c_in if i == 0 else c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                   nn.ReLU(inplace=True)]
    layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class FaceCNN(nn.Module):
    """dyplab's FER2013 CNN: 4 blocks of (Conv3×3 → BatchNorm → ReLU) × ``convs`` → MaxPool, then a small head.

    Channels ``width · (1, 2, 4, 8)``, or ``channels`` (four numbers) when given; ``convs`` is one number for
    every block or four, one per block. 48 → 24 → 12 → 6 → 3 pixels; the 3×3 maps are flattened (where in
    the face a feature fired matters) into a hidden layer of ``hidden`` units with dropout, then the logits.
    :attr:`last_conv` is the last convolution (6×6 feature maps) for Grad-CAM.
    ``augment=True`` puts :func:`face_augmentation` in front (active in training only) with ``degrees``, ``shift``
    and ``zoom``; the defaults are the light recipe chosen on validation (flip and shift only).
    """

    def __init__(self, n_classes: int = N_CLASSES, width: int = 32, convs: int | Sequence[int] = 1,
                 hidden: int = 256, dropout: float = 0.2, augment: bool = True, degrees: float = 0.0,
                 shift: float = 0.1, zoom: float = 0.0, channels: Sequence[int] | None = None) -> None:
        super().__init__()
        widths = [width, 2 * width, 4 * width, 8 * width] if channels is None else [int(c) for c in channels]
        per_block = [int(convs)] * 4 if isinstance(convs, int) else [int(c) for c in convs]
        if len(widths) != 4 or len(per_block) != 4 or min(widths) < 1 or min(per_block) < 1:
            raise ValueError(f"need four blocks with >= 1 channel and >= 1 convolution each; got "
                             f"channels={widths}, convs={per_block}")
        chans = [1, *widths]
        self.augment = face_augmentation(degrees=degrees, shift=shift, zoom=zoom) if augment else nn.Identity()
        self.features = nn.Sequential(*[_block(chans[i], chans[i + 1], per_block[i]) for i in range(4)])
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(chans[-1] * 9, hidden),
                                  nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(hidden, n_classes))

    @property
    def last_conv(self) -> nn.Conv2d:
        """The last ``Conv2d`` (block 4, working at 6×6): the layer Grad-CAM looks at."""
        return [m for m in self.features.modules() if isinstance(m, nn.Conv2d)][-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(self.augment(_as_images(x))))


class EmotionNet(nn.Module):
    """The earlier course's EmotionNet (1,701,830 parameters with 6 classes), kept for the benchmark.

    4 blocks Conv3×3 → BatchNorm → ReLU → MaxPool → Dropout2d(0.25) (1→32→64→128→256 channels), then
    Flatten → Linear(2304, 512) → ReLU → Dropout(0.5) → Linear(512, 256) → ReLU → Dropout(0.5) → Linear(256, C).
    """

    def __init__(self, n_classes: int = N_CLASSES) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for c_in, c_out in ((1, 32), (32, 64), (64, 128), (128, 256)):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
                       nn.MaxPool2d(2), nn.Dropout2d(0.25)]
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d((3, 3))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(256 * 9, 512), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(512, 256), nn.ReLU(inplace=True), nn.Dropout(0.5), nn.Linear(256, n_classes),
        )

    @property
    def last_conv(self) -> nn.Conv2d:
        return self.features[15]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.pool(self.features(_as_images(x))))
