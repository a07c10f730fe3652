"""One training recipe as a value: :class:`Recipe` (model factory, optimiser, schedule, epochs, batch size, ...).

Every part of the course that trains a network keeps its chosen settings as a ``Recipe`` constant beside the
network (``models.mnist.MNIST_CNN``, ``models.tabular.HEART_MLP``, ``workflows.faces.FER``, ...). Notebooks, the
app and the benchmarks import that constant; a variant is ``recipe.replace(...)``, never a copy.

``Recipe.fit_kwargs()`` gives exactly the training keywords of :func:`dyplab.training.fit`, so a recipe trains the
same way as the keyword dictionaries it replaced. Settings that are not ``fit`` keywords (augmentation, the power
of the class weights) are data here; the code that applies them lives with the data (transforms) and the part.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from torch import nn

from .module import _MONITORS

if TYPE_CHECKING:
    from .fit import FitResult

__all__ = ["OPTIMIZERS", "SCHEDULES", "Recipe", "Settings"]

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = (None, "plateau", "onecycle", "cosine")
_PRECISIONS = ("auto", "32", "bf16")  # the same as dyplab.training.PRECISIONS (checked by the tests)


def _frozen(value: Any) -> Any:
    """Lists become tuples and mappings :class:`Settings`, so a recipe cannot be changed after it is made."""
    if isinstance(value, Mapping):
        return Settings(value)
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class Settings(Mapping[str, Any]):
    """A read-only, hashable and picklable mapping (the model's keyword arguments, the augmentation settings)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        pairs = tuple((str(k), _frozen(v)) for k, v in dict(items or {}).items())
        object.__setattr__(self, "_items", pairs)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Settings are read-only; make a new one (or use Recipe.replace)")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Settings, (dict(self._items),))

    def __getitem__(self, key: str) -> Any:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items))

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self._items) + "}"


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How one network is built and trained. Frozen: a variant is :meth:`replace`.

    - ``model``: the network class (or another picklable factory); ``model_kwargs`` its keyword arguments.
      :meth:`build` gives a fresh network; seed before calling it (the initial weights are drawn then).
    - ``optimizer``, ``lr``, ``weight_decay``, ``schedule``, ``max_epochs``, ``patience`` (``None``: no early
      stopping), ``batch_size``, ``monitor``, ``precision``, ``channels_last``: the keywords of
      :func:`dyplab.training.fit` of the same names (:meth:`fit_kwargs`).
    - ``augment``: augmentation settings (a mapping, ``None``: none); the part's transforms read them.
    - ``class_weight_power``: class weights ``(1 / frequency) ** power`` (:func:`dyplab.splits.class_weights`);
      ``None``: an unweighted loss.
    """

    model: Callable[..., nn.Module]
    model_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=Settings)
    optimizer: str = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    schedule: str | None = None
    max_epochs: int = 10
    patience: int | None = 5
    batch_size: int = 64
    monitor: str = "val_loss"
    precision: str = "32"
    channels_last: bool = False
    augment: Mapping[str, Any] | None = None
    class_weight_power: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "model_kwargs", Settings(self.model_kwargs))
        if self.augment is not None:
            object.__setattr__(self, "augment", Settings(self.augment))
        problems = []
        if not callable(self.model):
            problems.append(f"model must be a network class or factory; got {self.model!r}")
        if self.optimizer not in OPTIMIZERS:
            problems.append(f"optimizer must be one of {OPTIMIZERS}; got {self.optimizer!r}")
        if self.schedule not in SCHEDULES:
            problems.append(f"schedule must be one of {SCHEDULES}; got {self.schedule!r}")
        if not self.lr > 0:
            problems.append(f"lr must be > 0; got {self.lr!r}")
        if not self.weight_decay >= 0:
            problems.append(f"weight_decay must be >= 0; got {self.weight_decay!r}")
        for name in ("max_epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(f"{name} must be a whole number >= 1; got {value!r}")
        if self.patience is not None and (isinstance(self.patience, bool) or not isinstance(self.patience, int)
                                          or self.patience < 1):
            problems.append(f"patience must be a whole number >= 1 or None (no early stopping); got {self.patience!r}")
        if self.monitor not in _MONITORS:
            problems.append(f"monitor must be one of {sorted(_MONITORS)}; got {self.monitor!r}")
        if self.precision not in _PRECISIONS:
            problems.append(f"precision must be one of {_PRECISIONS}; got {self.precision!r}")
        if self.class_weight_power is not None and not self.class_weight_power >= 0:
            problems.append(f"class_weight_power must be >= 0 or None; got {self.class_weight_power!r}")
        if problems:
            raise ValueError("invalid Recipe: " + "; ".join(problems))

    def build(self, *args: Any, **kwargs: Any) -> nn.Module:
        """A freshly initialised network: ``model(*args, **model_kwargs, **kwargs)`` (``kwargs`` win).

        Seed first (``dyplab.seed_everything``): the initial weights are drawn here."""
        return self.model(*args, **self.model_kwargs_for(**kwargs))

    def model_kwargs_for(self, **kwargs: Any) -> dict[str, Any]:
        """The model's keyword arguments with ``kwargs`` on top, as a plain dict (e.g. for a checkpoint)."""
        return {**self.model_kwargs, **kwargs}

    def fit_kwargs(self) -> dict[str, Any]:
        """The training keywords of :func:`dyplab.training.fit` for this recipe."""
        return {"max_epochs": self.max_epochs, "lr": self.lr, "batch_size": self.batch_size,
                "optimizer": self.optimizer, "weight_decay": self.weight_decay, "schedule": self.schedule,
                "patience": self.patience, "monitor": self.monitor, "precision": self.precision,
                "channels_last": self.channels_last}

    def fit(self, model: nn.Module, train: Any, val: Any, **kwargs: Any) -> FitResult:
        """:func:`dyplab.training.fit` with this recipe's keywords; ``kwargs`` add to them or override them
        (``name``, ``log_dir``, ``seed``, ``class_weights``, a shorter ``max_epochs`` for the smoke profile, ...)."""
        from .fit import fit

        return fit(model, train, val, **{**self.fit_kwargs(), **kwargs})

    def replace(self, **changes: Any) -> Recipe:
        """A copy with some settings changed (``dataclasses.replace``; validated again)."""
        return dataclasses.replace(self, **changes)

    def describe(self) -> str:
        """One line (Norwegian, like the notebooks' printouts) for printouts and the test-set ledger's recipe column."""
        name = getattr(self.model, "__name__", type(self.model).__name__)
        args = ", ".join(f"{k}={v!r}" for k, v in self.model_kwargs.items())
        parts = [f"{name}({args})", f"{self.optimizer} lr {self.lr:g}"]
        if self.weight_decay:
            parts.append(f"vektforfall {self.weight_decay:g}")
        parts.append(f"plan {self.schedule or 'ingen'}")
        parts.append(f"batch {self.batch_size}")
        stop = f"tidlig stopp etter {self.patience} ({self.monitor})" if self.patience else f"beste epoke på {self.monitor}"
        parts.append(f"maks {self.max_epochs} epoker, {stop}")
        if self.precision != "32":
            parts.append(f"presisjon {self.precision}")
        if self.channels_last:
            parts.append("channels-last")
        if self.augment is not None:
            parts.append("augmentering " + ", ".join(f"{k}={v!r}" for k, v in self.augment.items()))
        if self.class_weight_power is not None:
            parts.append(f"klassevekter med potens {self.class_weight_power:g}")
        return "; ".join(parts)
