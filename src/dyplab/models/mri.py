"""Small 2-D CNNs for brain MRI slices: one view, or three orthogonal views fused late.

- :class:`ViewCNN`: one grey-scale view ``[N, 1, H, W]`` (or ``[N, H, W]``) -> logits ``[N, C]``.
- :class:`ThreeViewCNN`: ``[N, V, H, W]`` with one view per channel; each view has its own convolutional
  branch (grouped convolutions: the views are different planes, so their pixels are not aligned and must
  not be mixed in the first convolution); the pooled features of all branches are concatenated before
  one linear layer (late fusion).
- the recipe's ``augment(seed)``: the anatomically plausible augmentation used with them (small shifts and
  rotations of each view on its own, :mod:`dyplab.transforms`; no left-right flip: the brain is not symmetric
  and a flip changes which hemisphere is which).

``cam_layer(...)`` gives the last convolutional feature map of a view, the layer for
:func:`dyplab.explain.grad_cam`.

D1's protocol lives here too, so that the notebook and ``benchmarks/mri_recipe_selection.py`` share it:

- :func:`protocol_parts` splits the subjects into three disjoint parts: a test set, a *selection part* on
  which the benchmark chooses the recipe, and a *cross-validation part* on which the notebook compares
  the models. The reported cross-validation never scores a subject the recipe was chosen on.
- :class:`MRIRecipe` is one CNN recipe (views and image size beside the training :class:`~dyplab.training.Recipe`
  :data:`MRI_CNN`, which holds width, optimiser, epochs and augmentation); :data:`CANDIDATES`
  are the recipes the benchmark compares and :data:`RECIPE` is the one it chose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .. import splits, transforms
from ..training.recipe import Recipe

__all__ = ["CANDIDATES", "MRI_CNN", "RECIPE", "SELECTION_SHARE", "TEST_SHARE", "MRIRecipe", "Parts",
           "ThreeViewCNN", "ViewCNN", "protocol_parts"]


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


# ------------------------------------------------------------------------------------ D1's protocol

TEST_SHARE = 0.15
"""Share of the subjects held out as D1's test set (cut first, so it does not depend on the other shares)."""
SELECTION_SHARE = 0.30
"""Share of all subjects (about a third of the rest) on which ``benchmarks/mri_recipe_selection.py`` chooses."""


class Parts(NamedTuple):
    """Sorted row indices of D1's three disjoint parts (whole subjects)."""

    cv: np.ndarray
    select: np.ndarray
    test: np.ndarray


def protocol_parts(y: Any, groups: Any, *, seed: int = 42) -> Parts:
    """Split rows by subject into the cross-validation part, the recipe-selection part and the test set.

    Stratified on ``y`` and grouped by ``groups`` (:func:`dyplab.splits.train_val_test`); the test set is
    cut first (:data:`TEST_SHARE`), then the selection part (:data:`SELECTION_SHARE` of all rows).
    """
    part = splits.train_val_test(y, val_size=SELECTION_SHARE, test_size=TEST_SHARE, seed=seed, groups=groups)
    out = Parts(np.sort(part.train), np.sort(part.val), np.sort(part.test))
    splits.check_disjoint(*out, groups=groups)
    return out


#: D1's training recipe for the CNNs (width 8, Adam 3e-3, weight decay 1e-3, at most 20 epochs with early stopping
#: after 6, batch 16; each view rotated up to ±8° and shifted up to 5 % of its size during training).
MRI_CNN = Recipe(ThreeViewCNN, {"width": 8}, optimizer="adam", lr=3e-3, weight_decay=1e-3, max_epochs=20, patience=6,
                 batch_size=16, augment={"max_degrees": 8.0, "max_shift": 0.05})


@dataclass(frozen=True)
class MRIRecipe:
    """One D1 CNN recipe: which views and image size (input choices) beside the training :class:`Recipe`.

    One view gives a :class:`ViewCNN`, several a :class:`ThreeViewCNN` (late fusion, one branch per view).
    """

    views: tuple[str, ...] = ("axial", "coronal", "sagittal")
    size: int = 48
    recipe: Recipe = MRI_CNN

    def __post_init__(self) -> None:
        if not self.views:
            raise ValueError("a recipe needs at least one view")
        if not isinstance(self.recipe, Recipe) or self.recipe.augment is None:
            raise ValueError(f"recipe must be a dyplab.training.Recipe with augmentation settings; got {self.recipe!r}")
        if self.size < 16 or self.width < 1:
            raise ValueError(f"need size >= 16 and width >= 1; got {self.size} and {self.width}")

    @property
    def width(self) -> int:
        """The network width (channels of each view's first block)."""
        return int(self.recipe.model_kwargs["width"])

    @property
    def batch_size(self) -> int:
        return self.recipe.batch_size

    def model(self, n_classes: int = 2) -> nn.Module:
        """A freshly initialised network for this recipe (seed before calling it)."""
        if len(self.views) == 1:
            return self.recipe.replace(model=ViewCNN).build(n_classes)
        return self.recipe.build(n_classes, n_views=len(self.views))

    def augment(self, seed: int | None = None) -> transforms.Augment:
        """The recipe's training augmentation for one example ``[H, W]`` / ``[V, H, W]``: each view its own
        small rotation and shift (bilinear, zeros outside), drawn from an own stream started at ``seed``."""
        aug = self.recipe.augment
        return transforms.Augment(transforms.augmentation(degrees=aug["max_degrees"], translate=aug["max_shift"]),
                                  per_channel=True, seed=seed)

    def fit_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`dyplab.training.fit` / :func:`dyplab.crossval.oof_torch`."""
        return self.recipe.fit_kwargs()

    def inputs(self, X: np.ndarray, planes: Sequence[str]) -> np.ndarray:
        """This recipe's views taken from ``X [N, len(planes), H, W]`` (``[N, H, W]`` for one view)."""
        X = np.asarray(X)
        planes = list(planes)
        if X.ndim != 4 or X.shape[1] != len(planes):
            raise ValueError(f"X must be [N, {len(planes)}, H, W] with one channel per plane {planes}; "
                             f"got shape {X.shape}")
        missing = [v for v in self.views if v not in planes]
        if missing:
            raise ValueError(f"the recipe's views {missing} are not among the loaded planes {planes}")
        index = [planes.index(v) for v in self.views]
        return X[:, index[0]] if len(index) == 1 else X[:, index]

    def select(self, data: Any, planes: Sequence[str]) -> Any:
        """A copy of a :class:`~dyplab.data.LabeledData` whose ``X`` holds only this recipe's views."""
        return replace(data, X=self.inputs(data.X, planes))

    def with_views(self, *views: str) -> MRIRecipe:
        """The same recipe on other views (e.g. the one-view contrast of a three-view recipe)."""
        return replace(self, views=tuple(views))

    def scaled(self, *, size: int | None = None, width: int | None = None, max_epochs: int | None = None) -> MRIRecipe:
        """The same recipe made smaller (e.g. for the smoke profile)."""
        model_kwargs = {**self.recipe.model_kwargs, "width": width or self.width}
        return replace(self, size=size or self.size, recipe=self.recipe.replace(
            model_kwargs=model_kwargs, max_epochs=max_epochs or self.recipe.max_epochs))

    @property
    def view_text(self) -> str:
        """The views in Norwegian: ``"tre snitt"`` or e.g. ``"aksialt"``."""
        names = {"axial": "aksialt", "coronal": "koronalt", "sagittal": "sagittalt"}
        return "tre snitt" if len(self.views) == 3 else " + ".join(names.get(v, v) for v in self.views)

    def describe(self) -> str:
        """Short Norwegian text: views, size, width, epochs and learning rate."""
        views = f"{self.view_text} (sen fusjon)" if len(self.views) > 1 else self.view_text
        r = self.recipe
        return (f"{views}, {self.size}×{self.size} px, bredde {self.width}, maks {r.max_epochs} epoker "
                f"(tålmodighet {r.patience}), Adam lr {r.lr:g}, batch {r.batch_size}")


_PREVIOUS = MRIRecipe()
CANDIDATES: dict[str, MRIRecipe] = {
    "tre snitt, 48 px, bredde 8 (forrige oppskrift)": _PREVIOUS,
    "aksialt, 48 px, bredde 8": replace(_PREVIOUS, views=("axial",)),
    "koronalt, 48 px, bredde 8": replace(_PREVIOUS, views=("coronal",)),
    "tre snitt, 64 px, bredde 8": replace(_PREVIOUS, size=64),
    "tre snitt, 48 px, bredde 16": replace(_PREVIOUS, recipe=MRI_CNN.replace(model_kwargs={"width": 16})),
    "tre snitt, 48 px, bredde 8, 40 epoker": replace(_PREVIOUS, recipe=MRI_CNN.replace(max_epochs=40, patience=10)),
}
"""The recipes ``benchmarks/mri_recipe_selection.py`` compares on the selection part."""

RECIPE: MRIRecipe = CANDIDATES["aksialt, 48 px, bredde 8"]
"""The recipe the benchmark chose: highest mean ROC AUC on the selection part (0.565, 4 folds x 3 repeats; the
teacher's guide, Del D, has every candidate's printed line). The margins between candidates are small."""
