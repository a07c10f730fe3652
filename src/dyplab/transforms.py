"""Image transforms on ``torchvision.transforms.v2``: uint8 images → normalised tensors, and augmentation.

The only place in dyplab that turns ``uint8`` images into model input and the only place that builds a
training augmentation. The numbers each data set is normalised with live beside the data set (MNIST in
:mod:`dyplab.normalization`, FER2013 in :mod:`dyplab.data.fer2013`, photos in
:data:`dyplab.data.image_io.NORMALIZATION`, MedMNIST in :mod:`dyplab.workflows.medimaging`); they are passed in
here as ``{"mean": ..., "std": ...}`` with one number, or one per channel.

- :func:`to_tensor`: ``uint8`` ``[N, H, W]`` / ``[N, H, W, C]`` (also one image ``[H, W]`` / ``[H, W, C]``;
  NumPy or tensor) → ``float32 [N, C, H, W]``, scaled to 0..1 (``v2.ToDtype(scale=True)``) and normalised
  (``v2.Normalize``). :func:`normalize` is the second half alone, :func:`denormalize` the inverse for showing.
- :func:`augmentation`: one ``v2.Compose`` from a few settings (flips, pixel shift by pad-and-crop, rotation,
  affine shift/zoom, colour jitter).
- :func:`augment_each`: applies such a transform to a batch ``[N, C, H, W]`` so that **every image gets its
  own random draw** (a v2 transform called on a batched tensor draws one set of parameters for the whole
  batch), on whatever device the batch is on.
- :class:`Augment` (for a ``Dataset``: one example at a time, optionally with its own seed) and
  :class:`TrainingAugment` (a layer for models that keep augmentation inside: active in ``train()``,
  identity in ``eval()``, no parameters).

Randomness comes from torch's global generator (seeded by :func:`dyplab.seed_everything` and
:func:`dyplab.training.fit`), so ``torch.manual_seed`` makes an augmentation reproducible.

Colour jitter is v2's ``ColorJitter``: brightness, contrast and saturation factors in ``1 ± setting`` and a
hue shift of ``± hue`` of a full turn in HSV space. (Before this module, dyplab rotated the hue in YIQ space;
the two differ slightly in how a given shift changes a colour, not in what the augmentation is for.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn
from torchvision.transforms import InterpolationMode, v2
from torchvision.transforms.v2 import functional as TF

__all__ = ["Augment", "TrainingAugment", "augment_each", "augmentation", "denormalize", "normalize", "to_tensor"]

Normalization = Mapping[str, float | Sequence[float]] | None


def _stats(normalization: Normalization, channels: int) -> tuple[list[float], list[float]] | None:
    """``(mean, std)`` as lists of 1 or ``channels`` numbers, or ``None`` (no normalisation)."""
    if normalization is None:
        return None
    if not isinstance(normalization, Mapping) or not {"mean", "std"} <= set(normalization):
        raise ValueError(f"normalization must be {{'mean': ..., 'std': ...}} or None; got {normalization!r}")
    mean = [float(v) for v in np.atleast_1d(np.asarray(normalization["mean"], dtype=np.float64))]
    std = [float(v) for v in np.atleast_1d(np.asarray(normalization["std"], dtype=np.float64))]
    for what, values in (("mean", mean), ("std", std)):
        if len(values) not in (1, channels):
            raise ValueError(f"normalization {what} has {len(values)} numbers; the images have {channels} "
                             f"channel(s): give one number or one per channel")
    if min(std) <= 0:
        raise ValueError(f"normalization std must be > 0; got {std}")
    return mean, std


def _as_uint8_batch(images: Any) -> torch.Tensor:
    """``uint8`` ``[H, W]``, ``[H, W, C]``, ``[N, H, W]`` or ``[N, H, W, C]`` → ``uint8 [N, C, H, W]``.

    Three dimensions with a last axis of 1 or 3 are one image ``[H, W, C]``; otherwise a batch of grey images.
    """
    if isinstance(images, torch.Tensor):
        x = images
        shape = tuple(x.shape)
    else:
        a = np.asarray(images)
        if a.dtype != np.uint8:
            raise ValueError(f"expected uint8 images (0-255); got dtype {a.dtype} with shape {a.shape}")
        x, shape = torch.from_numpy(np.ascontiguousarray(a)), a.shape
    if x.dtype != torch.uint8:
        raise ValueError(f"expected uint8 images (0-255); got dtype {x.dtype} with shape {tuple(x.shape)}")
    if x.dim() == 2:
        x = x[None, :, :, None]
    elif x.dim() == 3:
        x = x[None] if x.shape[-1] in (1, 3) else x[..., None]
    if x.dim() != 4 or not 1 <= x.shape[-1] <= 4 or min(x.shape[1:3]) < 2:
        raise ValueError(f"expected images [N, H, W] or [N, H, W, C] (channels last, C <= 4), or one image "
                         f"[H, W] / [H, W, C]; got shape {shape}")
    return x.permute(0, 3, 1, 2)


def normalize(x: torch.Tensor, normalization: Normalization) -> torch.Tensor:
    """Float images ``[N, C, H, W]`` (or ``[C, H, W]``) in 0..1 → ``(x - mean) / std`` (``v2`` ``normalize``).

    ``normalization`` is ``{"mean": ..., "std": ...}`` with one number or one per channel; ``None`` returns
    ``x`` unchanged.
    """
    if not torch.is_floating_point(x) or x.dim() not in (3, 4):
        raise ValueError(f"expected float images [N, C, H, W] or [C, H, W]; got {x.dtype} {tuple(x.shape)}")
    stats = _stats(normalization, x.shape[-3])
    return x if stats is None else TF.normalize(x, mean=stats[0], std=stats[1])


def to_tensor(images: Any, normalization: Normalization = None) -> torch.Tensor:
    """``uint8`` images (NumPy or tensor) → ``float32 [N, C, H, W]``: scaled to 0..1, then normalised.

    Accepts a batch ``[N, H, W]`` (grey) or ``[N, H, W, C]`` (channels last), or one image ``[H, W]`` /
    ``[H, W, C]`` (C = 1 or 3), which gives ``N = 1``. ``normalization``: ``{"mean": ..., "std": ...}`` with
    one number or one per channel (the data set's constants); ``None`` keeps the 0..1 scale.
    A tensor stays on its device.
    """
    x = TF.to_dtype(_as_uint8_batch(images), torch.float32, scale=True).contiguous()
    return normalize(x, normalization)


def denormalize(x: Any, normalization: Normalization = None) -> np.ndarray:
    """Undo :func:`to_tensor` for showing: ``[C, H, W]`` / ``[N, C, H, W]`` → NumPy ``[..., H, W, C]`` in 0..1."""
    a = np.asarray(x.detach().float().cpu() if isinstance(x, torch.Tensor) else x, dtype=np.float32)
    if a.ndim not in (3, 4):
        raise ValueError(f"expected images [C, H, W] or [N, C, H, W]; got shape {a.shape}")
    stats = _stats(normalization, a.shape[-3])
    if stats is not None:
        mean, std = (np.asarray(s, dtype=np.float32).reshape(-1, 1, 1) for s in stats)
        a = a * std + mean
    return np.clip(np.moveaxis(a, -3, -1), 0.0, 1.0)


def augmentation(*, flip: float = 0.0, vflip: float = 0.0, shift: int = 0, size: int | None = None,
                 padding_mode: str = "constant", degrees: float = 0.0, translate: float = 0.0, scale: float = 0.0,
                 fill: float = 0.0, brightness: float = 0.0, contrast: float = 0.0, saturation: float = 0.0,
                 hue: float = 0.0) -> v2.Transform:
    """A random training augmentation for float images ``[C, H, W]``, in this order:

    - ``flip`` / ``vflip``: probability of a horizontal / vertical mirror (``v2.RandomHorizontalFlip`` /
      ``RandomVerticalFlip``);
    - ``shift``: a whole-pixel shift of up to ``shift`` pixels, as padding by ``shift`` and a random
      ``size × size`` crop (``v2.RandomCrop(size, padding=shift, fill=fill, padding_mode=padding_mode)``;
      ``padding_mode="edge"`` repeats the border pixels);
    - ``degrees`` (rotation within ±degrees), ``translate`` (shift up to that share of the width/height) and
      ``scale`` (zoom within ``1 ± scale``): one bilinear ``v2.RandomAffine`` (``v2.RandomRotation`` when only
      ``degrees`` is set), ``fill`` outside the image;
    - ``brightness``, ``contrast``, ``saturation``, ``hue``: ``v2.ColorJitter`` (images in 0..1, 3 channels for
      saturation and hue).

    ``fill`` is in the scale of the images the transform will see (e.g. the normalised value of a black
    pixel). With every setting off it returns ``v2.Identity()``.
    """
    if not (0 <= flip <= 1 and 0 <= vflip <= 1):
        raise ValueError(f"flip and vflip are probabilities in 0..1; got {flip}, {vflip}")
    if shift < 0 or degrees < 0 or not 0 <= translate < 1 or not 0 <= scale < 1:
        raise ValueError(f"need shift >= 0, degrees >= 0, 0 <= translate < 1 and 0 <= scale < 1; got "
                         f"shift={shift}, degrees={degrees}, translate={translate}, scale={scale}")
    steps: list[v2.Transform] = []
    if flip:
        steps.append(v2.RandomHorizontalFlip(flip))
    if vflip:
        steps.append(v2.RandomVerticalFlip(vflip))
    if shift:
        if size is None:
            raise ValueError("a pixel shift (shift > 0) needs the image size (size=...) for the crop")
        steps.append(v2.RandomCrop(int(size), padding=int(shift), fill=fill, padding_mode=padding_mode))
    if translate or scale:
        steps.append(v2.RandomAffine(degrees, translate=(translate, translate) if translate else None,
                                     scale=(1 - scale, 1 + scale) if scale else None,
                                     interpolation=InterpolationMode.BILINEAR, fill=fill))
    elif degrees:
        steps.append(v2.RandomRotation(degrees, interpolation=InterpolationMode.BILINEAR, fill=fill))
    if brightness or contrast or saturation or hue:
        steps.append(v2.ColorJitter(brightness=brightness, contrast=contrast, saturation=saturation, hue=hue))
    if not steps:
        return v2.Identity()
    return v2.Compose(steps)


def augment_each(x: torch.Tensor, transform: v2.Transform | None, *, per_channel: bool = False) -> torch.Tensor:
    """Apply ``transform`` to every image of ``x [N, C, H, W]`` with its own random draw; the same shape back.

    ``per_channel=True`` treats each channel as its own grey image with its own draw (e.g. D1's MRI views,
    which are different planes). Runs on ``x``'s device; ``None`` or ``v2.Identity`` returns ``x``.
    """
    if x.dim() != 4:
        raise ValueError(f"expected a batch of images [N, C, H, W]; got shape {tuple(x.shape)}")
    if transform is None or isinstance(transform, v2.Identity) or x.shape[0] == 0:
        return x
    if per_channel:
        n, c = x.shape[:2]
        return augment_each(x.reshape(n * c, 1, *x.shape[2:]), transform).reshape(x.shape)
    return torch.stack([transform(image) for image in x.unbind(0)])


class Augment:
    """``transform`` for one example of a ``Dataset``: ``[H, W]`` or ``[C, H, W]`` (NumPy or tensor) → float tensor
    ``[1, H, W]`` / ``[C, H, W]`` (:func:`augment_each` on a batch of one; ``per_channel`` as there).

    ``seed``: draw from an own random stream started at ``seed`` (the same sequence of augmentations whatever
    else uses torch's generator); ``None``: torch's global generator.
    """

    def __init__(self, transform: v2.Transform, *, per_channel: bool = False, seed: int | None = None) -> None:
        self.transform, self.per_channel = transform, bool(per_channel)
        self._state = None if seed is None else torch.Generator().manual_seed(int(seed)).get_state()

    def __call__(self, x: Any) -> torch.Tensor:
        t = torch.as_tensor(x if isinstance(x, torch.Tensor) else np.asarray(x), dtype=torch.float32)
        if t.dim() == 2:
            t = t[None]
        if t.dim() != 3:
            raise ValueError(f"expected one example [H, W] or [C, H, W]; got shape {tuple(t.shape)}")
        if self._state is None:
            return augment_each(t[None], self.transform, per_channel=self.per_channel)[0]
        with torch.random.fork_rng(devices=[]):
            torch.set_rng_state(self._state)
            out = augment_each(t[None], self.transform, per_channel=self.per_channel)[0]
            self._state = torch.get_rng_state()
        return out

    def __repr__(self) -> str:
        return f"Augment({self.transform!r}, per_channel={self.per_channel})"


class TrainingAugment(nn.Module):
    """Augmentation as a layer: :func:`augment_each` with ``transform`` in ``train()`` mode, identity in ``eval()``.

    It has no parameters or buffers, so a model's checkpoint is the same with or without it.
    """

    def __init__(self, transform: v2.Transform) -> None:
        super().__init__()
        self.transform = transform

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return augment_each(x, self.transform) if self.training else x
