"""The one return type of every classification loader, and the one data-carrying split (no torch).

- :class:`LabeledData`: examples, labels, class names and groups.
- :class:`LabeledSplit`: training, validation and test parts, each a :class:`LabeledData`. (A split of row
  *indices* is :class:`dyplab.splits.Split`; :meth:`LabeledSplit.from_indices` turns one into the other.)
"""

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


@dataclass(frozen=True)
class LabeledSplit:
    """Training, validation and test parts of one data set, each a :class:`LabeledData` (``val`` may be ``None``).

    A student reads ``split.train.X``, ``split.val.y``, ``split.test.class_names``.
    """

    train: LabeledData
    val: LabeledData | None
    test: LabeledData

    def __post_init__(self) -> None:
        for name, part in self.parts().items():
            if not isinstance(part, LabeledData):
                raise TypeError(f"the {name} part must be LabeledData, got {type(part).__name__}")
            if part.class_names != self.train.class_names:
                raise ValueError(f"the {name} part has classes {part.class_names}, the train part "
                                 f"{self.train.class_names}")

    @classmethod
    def from_indices(cls, data: LabeledData, split: Any) -> LabeledSplit:
        """The parts of ``data`` at the indices of ``split`` (a :class:`dyplab.splits.Split` or anything with
        ``train``, ``val`` and ``test`` index arrays; ``val`` may be ``None``)."""
        val = getattr(split, "val", None)
        return cls(data.subset(split.train), None if val is None else data.subset(val), data.subset(split.test))

    def parts(self) -> dict[str, LabeledData]:
        """``{"train": ..., "val": ..., "test": ...}`` (without ``val`` when there is none)."""
        out = {"train": self.train, "val": self.val, "test": self.test}
        return {name: part for name, part in out.items() if part is not None}

    def sizes(self) -> dict[str, int]:
        """Examples per part: ``{"train": n, "val": n, "test": n}``."""
        return {name: len(part) for name, part in self.parts().items()}

    def group_sizes(self) -> dict[str, int]:
        """Distinct groups (patients, records, recordings ...) per part; every example counts as its own group
        in a part without groups."""
        return {name: len(part) if part.groups is None else len(np.unique(part.groups))
                for name, part in self.parts().items()}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={n}" for name, n in self.sizes().items())
        return f"LabeledSplit({sizes}, classes={self.train.class_names})"
