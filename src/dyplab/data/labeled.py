"""The one return type of every classification loader: examples, labels, class names and groups (no torch)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class LabeledData:
    """Examples with integer labels, the names of the classes and, where the data has them, groups.

    - ``X``: an array with one example per row (images ``[N, H, W]`` or ``[N, H, W, C]``, signals
      ``[N, T]``, feature rows ``[N, F]``), a pandas DataFrame (a table, column names kept) or a list of
      file paths (images on disk).
    - ``y``: ``int64`` labels, an index into ``class_names``.
    - ``groups``: the patient, subject or record of each example (``group_kind`` says which), so that
      splits can keep a group on one side; ``None`` when every example is its own source.
    - ``meta``: a per-example table with anything else the loader knows (file, age, ...), or ``None``.

    ``to_dataset(transform)`` gives a ``torch.utils.data.Dataset`` of ``(x, y)`` pairs.
    """

    X: Any
    y: np.ndarray
    class_names: list[str]
    groups: np.ndarray | None = None
    group_kind: str | None = None
    meta: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.y = np.asarray(self.y, dtype=np.int64)
        self.class_names = [str(c) for c in self.class_names]
        if self.y.ndim != 1:
            raise ValueError(f"labels must be 1-D, got shape {self.y.shape}")
        if len(self.X) != len(self.y):
            raise ValueError(f"{len(self.X)} examples but {len(self.y)} labels")
        if len(self.y) and (self.y.min() < 0 or self.y.max() >= len(self.class_names)):
            raise ValueError(f"labels must lie in 0..{len(self.class_names) - 1} (one per class name)")
        if self.groups is not None:
            self.groups = np.asarray(self.groups)
            if len(self.groups) != len(self.y):
                raise ValueError(f"{len(self.groups)} groups but {len(self.y)} labels")
        if self.meta is not None and len(self.meta) != len(self.y):
            raise ValueError(f"meta has {len(self.meta)} rows but there are {len(self.y)} labels")

    def __len__(self) -> int:
        return len(self.y)

    def __repr__(self) -> str:
        kind = "paths" if self.is_paths else f"X{tuple(np.shape(self.X))}"
        groups = "" if self.groups is None else f", {len(np.unique(self.groups))} {self.group_kind or 'groups'}"
        return f"LabeledData({len(self)} examples, {kind}, classes={self.class_names}{groups})"

    @property
    def is_paths(self) -> bool:
        """True when ``X`` is a list of file paths rather than an array."""
        return isinstance(self.X, (list, tuple)) and (not self.X or isinstance(self.X[0], (str, Path)))

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def subset(self, index: Sequence[int] | np.ndarray) -> LabeledData:
        """The examples at ``index`` (same class names)."""
        index = np.asarray(index, dtype=np.int64)
        if self.is_paths:
            X = [self.X[i] for i in index]
        elif isinstance(self.X, pd.DataFrame):  # a table keeps its column names
            X = self.X.iloc[index].reset_index(drop=True)
        else:
            X = np.asarray(self.X)[index]
        return LabeledData(
            X=X,
            y=self.y[index],
            class_names=list(self.class_names),
            groups=None if self.groups is None else self.groups[index],
            group_kind=self.group_kind,
            meta=None if self.meta is None else self.meta.iloc[index].reset_index(drop=True),
        )

    def counts(self) -> pd.Series:
        """Number of examples per class, indexed by class name."""
        n = np.bincount(self.y, minlength=self.n_classes)
        return pd.Series(n, index=pd.Index(self.class_names, name="klasse"), name="antall")

    def to_dataset(self, transform: Callable | None = None, *, loader: Callable[[Any], Any] | None = None):
        """A ``torch.utils.data.Dataset`` of ``(transform(x), y)``.

        Array rows are passed to ``transform`` as they are (``None``: converted with ``torch.as_tensor``).
        Paths are opened with ``loader`` (default: an RGB PIL image via
        :func:`dyplab.data.image_io.read_image`) before ``transform``.
        """
        from .labeled_dataset import LabeledDataset  # torch is imported only when a Dataset is asked for

        return LabeledDataset(self, transform, loader)
