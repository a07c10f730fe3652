"""Small 2-D CNNs for brain MRI slices: one view, or three orthogonal views fused late.

- :class:`ViewCNN`: one grey-scale view ``[N, 1, H, W]`` (or ``[N, H, W]``) -> logits ``[N, C]``.
- :class:`ThreeViewCNN`: ``[N, V, H, W]`` with one view per channel; each view has its own convolutional
  branch (grouped convolutions: the views are different planes, so their pixels are not aligned and must
  not be mixed in the first convolution); the pooled features of all branches are concatenated before
  one linear layer (late fusion).
- :class:`ShiftRotate`: the anatomically plausible augmentation used with them (small shifts and
  rotations, no left-right flip: the brain is not symmetric and a flip changes which hemisphere is which).

``cam_layer(...)`` gives the last convolutional feature map of a view, the layer for
:func:`dyplab.explain.grad_cam`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ShiftRotate", "ThreeViewCNN", "ViewCNN"]


def _block(c_in: int, c_out: int, *, pool: bool, groups: int = 1) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False, groups=groups), nn.BatchNorm2d(c_out),
                               nn.ReLU()]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


def _blocks(in_channels: int, width: int, groups: int = 1) -> nn.Sequential:
    """Three pooled blocks and one unpooled block; with ``groups`` > 1 every group (view) has its own filters."""
    if width < 1 or in_channels < 1:
        raise ValueError(f"width and in_channels must be >= 1; got {width} and {in_channels}")
    w = width * groups
    return nn.Sequential(
        _block(in_channels, w, pool=True, groups=groups),
        _block(w, 2 * w, pool=True, groups=groups),
        _block(2 * w, 4 * w, pool=True, groups=groups),
        _block(4 * w, 4 * w, pool=False, groups=groups),
    )


class ViewCNN(nn.Module):
    """A small CNN for one grey-scale MRI view: ``[N, 1, H, W]`` or ``[N, H, W]`` -> logits ``[N, n_classes]``."""

    def __init__(self, n_classes: int = 2, *, width: int = 16, dropout: float = 0.3, in_channels: int = 1) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.blocks = _blocks(in_channels, width)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * width, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3 and self.in_channels == 1:
            x = x.unsqueeze(1)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"ViewCNN expects [N, {self.in_channels}, H, W]; got shape {tuple(x.shape)}")
        return self.head(F.adaptive_avg_pool2d(self.blocks(x), 1).flatten(1))

    def cam_layer(self) -> nn.Module:
        """The last convolutional block (target layer for Grad-CAM)."""
        return self.blocks[-1]


class ThreeViewCNN(nn.Module):
    """Late fusion of ``n_views`` views ``[N, n_views, H, W]``: one CNN branch per view, features concatenated.

    The branches are grouped convolutions (``groups=n_views``): each view has its own filters and never
    mixes with another view before the final linear layer. ``view_features(x)`` gives each branch's
    pooled features; ``cam_layer(v)`` is a tap on branch ``v``'s last feature map.
    """

    def __init__(self, n_classes: int = 2, *, n_views: int = 3, width: int = 16, dropout: float = 0.3) -> None:
        super().__init__()
        if n_views < 1:
            raise ValueError(f"n_views must be >= 1; got {n_views}")
        self.n_views = n_views
        self.blocks = _blocks(n_views, width, groups=n_views)
        self.taps = nn.ModuleList(nn.Identity() for _ in range(n_views))
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * width * n_views, n_classes))

    def view_features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Pooled features ``[N, 4 * width]`` of each view's branch."""
        if x.ndim != 4 or x.shape[1] != self.n_views:
            raise ValueError(f"ThreeViewCNN expects [N, {self.n_views}, H, W] (one view per channel); "
                             f"got shape {tuple(x.shape)}")
        maps = self.blocks(x).chunk(self.n_views, dim=1)
        return [F.adaptive_avg_pool2d(tap(m), 1).flatten(1) for tap, m in zip(self.taps, maps)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat(self.view_features(x), dim=1))

    def cam_layer(self, view: int) -> nn.Module:
        """The tap on ``view``'s last feature map (target layer for Grad-CAM of that view)."""
        if not 0 <= view < self.n_views:
            raise ValueError(f"view must be in 0..{self.n_views - 1}; got {view}")
        return self.taps[view]


class ShiftRotate:
    """Random small rotation (``±max_degrees``) and shift (``±max_shift`` of the size) of each view.

    Call on one example ``[H, W]`` or ``[V, H, W]`` (NumPy or tensor); returns a float tensor
    ``[1, H, W]`` / ``[V, H, W]``. Every view gets its own draw (the views are different planes).
    Bilinear interpolation, zeros outside the image (the background of the masked slices is 0).
    """

    def __init__(self, max_degrees: float = 8.0, max_shift: float = 0.05, seed: int | None = None) -> None:
        if max_degrees < 0 or not 0 <= max_shift < 0.5:
            raise ValueError(f"need max_degrees >= 0 and 0 <= max_shift < 0.5; got {max_degrees}, {max_shift}")
        self.max_degrees = float(max_degrees)
        self.max_shift = float(max_shift)
        self.generator = torch.Generator()
        if seed is not None:
            self.generator.manual_seed(int(seed))
        else:
            self.generator.seed()

    def _uniform(self, n: int, bound: float) -> torch.Tensor:
        return (torch.rand(n, generator=self.generator) * 2 - 1) * bound

    def __call__(self, x: Any) -> torch.Tensor:
        t = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=torch.float32)
        if t.ndim == 2:
            t = t.unsqueeze(0)
        if t.ndim != 3:
            raise ValueError(f"ShiftRotate expects one example [H, W] or [V, H, W]; got shape {tuple(t.shape)}")
        n = t.shape[0]
        angle = self._uniform(n, math.radians(self.max_degrees))
        shift = self._uniform(2 * n, 2 * self.max_shift).reshape(n, 2)  # affine_grid units: the image spans 2
        cos, sin = torch.cos(angle), torch.sin(angle)
        theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
        grid = F.affine_grid(theta, [n, 1, *t.shape[-2:]], align_corners=False)
        return F.grid_sample(t.unsqueeze(1), grid, mode="bilinear", padding_mode="zeros", align_corners=False)[:, 0]
