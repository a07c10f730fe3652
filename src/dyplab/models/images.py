"""Image classifiers for colour images ``[N, 3, H, W]`` (Part C: flowers, MedMNIST).

- :class:`CompactCNN`: dyplab's network. Conv → BatchNorm → ReLU blocks, global average pooling and
  one linear layer: about 0.1 M parameters at any image size. ``.cam_layer`` (the last block's ReLU) is
  the layer for Grad-CAM.
- :class:`SimpleCNN`: the earlier course's network, kept for comparison (benchmark and C1). Three
  conv layers without BatchNorm, then *flatten* into a 512-unit fully connected layer: the size of
  that layer grows with the image (51,476,549 parameters at 224×224, 99.8 % of them in ``fc1``).
- :class:`SmallViT`: a small Vision Transformer written out plainly (patch embedding, [CLS] token,
  positional embedding, pre-norm encoder blocks with multi-head self-attention and a GELU MLP).

All constructor arguments are plain values, so :func:`dyplab.checkpoints.save` / ``load_model`` can
rebuild any of them. Inputs are normalised with :data:`dyplab.data.images.NORMALIZATION`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..training.recipe import Recipe


def _check_images(x: torch.Tensor, channels: int, size: int | None = None) -> None:
    if x.dim() != 4 or x.shape[1] != channels:
        raise ValueError(f"expected images [N, {channels}, H, W], got shape {tuple(x.shape)}")
    if size is not None and tuple(x.shape[-2:]) != (size, size):
        raise ValueError(f"this model was built for {size}×{size} images, got {tuple(x.shape[-2:])}")


class CompactCNN(nn.Module):
    """``len(channels)`` blocks of Conv3×3 → BatchNorm → ReLU (→ MaxPool 2×2, except after the last),
    global average pooling, dropout and a linear layer to ``n_classes`` logits.

    Global average pooling makes the parameter count independent of the image size, and the map
    of the last block keeps enough resolution (image size / (stem_stride · 2^(blocks-1))) for Grad-CAM.
    ``stem_stride=2`` makes the first convolution step two pixels (as the stem of ResNet): a quarter of the
    computation in every later layer, for large images (:func:`stem_stride_for`); the parameters are the same.
    """

    def __init__(self, n_classes: int = 5, in_channels: int = 3, channels: tuple[int, ...] | list[int] = (16, 32, 64, 128),
                 dropout: float = 0.3, stem_stride: int = 1) -> None:
        super().__init__()
        if int(stem_stride) not in (1, 2):
            raise ValueError(f"stem_stride must be 1 or 2; got {stem_stride}")
        self.in_channels = int(in_channels)
        layers: list[nn.Module] = []
        prev = self.in_channels
        for i, c in enumerate(channels):
            stride = int(stem_stride) if i == 0 else 1
            layers += [nn.Conv2d(prev, int(c), 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(int(c)), nn.ReLU()]
            if i < len(channels) - 1:
                layers.append(nn.MaxPool2d(2))
            prev = int(c)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(float(dropout))
        self.classifier = nn.Linear(prev, int(n_classes))

    @property
    def last_conv(self) -> nn.Conv2d:
        """The last convolution layer (before its BatchNorm and ReLU)."""
        return [m for m in self.features if isinstance(m, nn.Conv2d)][-1]

    @property
    def cam_layer(self) -> nn.ReLU:
        """The ReLU of the last block: its output (after BatchNorm and ReLU) is the map Grad-CAM weights."""
        return [m for m in self.features if isinstance(m, nn.ReLU)][-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x, self.in_channels)
        x = self.pool(self.features(x)).flatten(1)
        return self.classifier(self.dropout(x))


def stem_stride_for(image_size: int) -> int:
    """dyplab's choice of :class:`CompactCNN`'s ``stem_stride``: 2 from 128 px (224 px works at 112 px after the
    first layer, still finer than C2's 64 px images), else 1."""
    return 2 if int(image_size) >= 128 else 1


class SimpleCNN(nn.Module):
    """The earlier course's flower network: three Conv3×3 → ReLU → MaxPool steps (32, 64, 128 channels),
    flatten, Linear(128·(s/8)² → 512) → ReLU → Dropout(0.5) → Linear(512 → ``n_classes``).

    Tied to ``image_size`` (divisible by 8) by the flatten step; no BatchNorm.
    """

    def __init__(self, n_classes: int = 5, image_size: int = 224) -> None:
        super().__init__()
        if image_size % 8:
            raise ValueError(f"image_size must be divisible by 8, got {image_size}")
        self.image_size = int(image_size)
        self.conv1 = nn.Conv2d(3, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.conv3 = nn.Conv2d(64, 128, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(128 * (self.image_size // 8) ** 2, 512)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(512, int(n_classes))

    @property
    def last_conv(self) -> nn.Conv2d:
        return self.conv3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x, 3, self.image_size)
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = self.pool(torch.relu(self.conv3(x)))
        x = self.dropout(torch.relu(self.fc1(x.flatten(1))))
        return self.fc2(x)


class MultiHeadSelfAttention(nn.Module):
    """Scaled dot-product attention with ``heads`` heads: softmax(Q·Kᵀ/√d)·V, then an output projection."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim ({dim}) must be divisible by heads ({heads})")
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, d = x.shape
        q, k, v = self.qkv(x).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)  # [n, heads, t, t]
        attn = self.drop(attn.softmax(dim=-1))
        out = (attn @ v).transpose(1, 2).reshape(n, t, d)
        return self.drop(self.proj(out))


class EncoderBlock(nn.Module):
    """Pre-norm transformer block: x + Attention(LN(x)), then x + MLP(LN(x)) with a GELU MLP."""

    def __init__(self, dim: int, heads: int, mlp_dim: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = MultiHeadSelfAttention(dim, heads, dropout)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_dim), nn.GELU(), nn.Dropout(dropout), nn.Linear(mlp_dim, dim),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SmallViT(nn.Module):
    """A small Vision Transformer for ``image_size``² images cut into ``patch_size``² patches.

    Patches are embedded by a strided convolution (one linear map per patch), a learned [CLS] token
    is put in front, a learned positional embedding is added, ``depth`` encoder blocks follow, and the
    [CLS] token goes through LayerNorm and a linear head. With the defaults (28×28 RGB, patches 4×4,
    dim 64, 4 blocks, 4 heads, MLP 256, 8 classes) it has 206,984 parameters.
    """

    def __init__(self, image_size: int = 28, patch_size: int = 4, in_channels: int = 3, n_classes: int = 8,
                 dim: int = 64, depth: int = 4, heads: int = 4, mlp_dim: int = 256, dropout: float = 0.1) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ValueError(f"image_size ({image_size}) must be divisible by patch_size ({patch_size})")
        self.image_size, self.in_channels = int(image_size), int(in_channels)
        n_patches = (image_size // patch_size) ** 2
        self.patch_embed = nn.Conv2d(in_channels, dim, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n_patches + 1, dim))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.Sequential(*[EncoderBlock(dim, heads, mlp_dim, dropout) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, int(n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_images(x, self.in_channels, self.image_size)
        tokens = self.patch_embed(x).flatten(2).transpose(1, 2)  # [N, patches, dim]
        cls = self.cls_token.expand(len(tokens), -1, -1)
        tokens = self.drop(torch.cat([cls, tokens], dim=1) + self.pos_embed)
        return self.head(self.norm(self.blocks(tokens))[:, 0])


def parameter_table(model: nn.Module) -> list[tuple[str, str, int]]:
    """``(layer name, layer type, parameters)`` for every layer that has its own parameters, in order."""
    rows = []
    for name, module in model.named_modules():
        own = sum(p.numel() for p in module.parameters(recurse=False))
        if own:
            rows.append((name or "(modellen selv)", type(module).__name__, own))
    return rows


#: dyplab's training recipe for :class:`CompactCNN`: AdamW, the learning rate halved when ``val_loss`` stalls, early
#: stopping on the same ``val_loss``; bfloat16 mixed precision where the processor computes it natively
#: (``precision="auto"``), float32 elsewhere; channels-last memory layout for faster convolutions.
COMPACT = Recipe(CompactCNN, optimizer="adamw", lr=3e-3, weight_decay=1e-4, schedule="plateau", batch_size=32,
                 max_epochs=25, patience=6, monitor="val_loss", precision="auto", channels_last=True)
#: C2's flower recipe on the whole set (one learning-rate cycle over 30 epochs, no early stopping) and its image
#: size. Chosen on the validation split by ``benchmarks/flowers_recipe_selection.py``. The stem stride follows
#: the image size (:func:`stem_stride_for`), so it is given when the network is built.
FLOWERS = COMPACT.replace(schedule="onecycle", max_epochs=30, patience=None)
FLOWERS_IMAGE_SIZE = 128
#: The earlier course's recipe for :class:`SimpleCNN`: Adam 1e-3 with weight decay 1e-4, LR halved on a plateau
#: of the validation loss, early stopping (patience 5) on validation accuracy, at most 25 epochs.
SIMPLE_CNN = Recipe(SimpleCNN, optimizer="adam", lr=1e-3, weight_decay=1e-4, schedule="plateau", batch_size=32,
                    max_epochs=25, patience=5, monitor="val_acc")
