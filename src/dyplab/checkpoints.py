"""Save a trained model with what is needed to use it, and load it back safely.

A checkpoint is a ``torch.save`` of plain tensors and plain values only::

    {"format": 1, "state_dict": {...tensors...}, "meta": {"model": "dyplab.models.images.CompactCNN",
     "model_kwargs": {...}, "class_names": [...], "image_size": 64, "normalization": {...}, ...}}

and is read with ``torch.load(weights_only=True)``, so a file holding pickled objects is refused.
The model class must live in ``dyplab.models``; :func:`load_model` rebuilds it from ``meta``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .io import write_atomic

FORMAT = 1
_MODELS_PACKAGE = "dyplab.models."


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, unreadable, unsafe or does not fit its model."""


@dataclass
class Checkpoint:
    """The weights and the description read from a checkpoint file."""

    state_dict: dict[str, torch.Tensor]
    meta: dict[str, Any]
    path: Path

    @property
    def class_names(self) -> list[str]:
        return list(self.meta.get("class_names", []))


def model_name(model: nn.Module) -> str:
    """The import path of ``model``'s class, e.g. ``dyplab.models.images.CompactCNN``."""
    cls = type(model)
    return f"{cls.__module__}.{cls.__qualname__}"


def _check_plain(value: Any, where: str) -> None:
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: keys must be strings, got {k!r}")
            _check_plain(v, f"{where}.{k}")
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_plain(v, f"{where}[{i}]")
        return
    raise TypeError(f"{where}: {type(value).__name__} is not a plain value (numbers, strings, lists, dicts)")


def save(
    model: nn.Module,
    path: str | Path,
    *,
    model_kwargs: Mapping[str, Any] | None = None,
    class_names: Sequence[str] | None = None,
    **meta: Any,
) -> Path:
    """Save ``model``'s weights and a description (plain values only) to ``path`` atomically.

    ``model_kwargs`` are the constructor arguments that rebuild the architecture; any further keyword
    (``image_size=64``, ``normalization={"mean": [...], "std": [...]}``, ``metrics={...}``) is stored as is.
    """
    path = Path(path)
    description = {
        "model": model_name(model),
        "model_kwargs": dict(model_kwargs or {}),
        "class_names": [str(c) for c in class_names] if class_names is not None else [],
        **meta,
    }
    _check_plain(description, "meta")
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    payload = {"format": FORMAT, "state_dict": state, "meta": description}
    if not write_atomic(path, lambda fh: torch.save(payload, fh)):
        raise CheckpointError(f"could not write checkpoint {path}; check that the folder is writable")
    return path


def load(path: str | Path) -> Checkpoint:
    """Read a checkpoint with ``torch.load(weights_only=True)``; a clear error for anything else."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist; run the notebook that trains it first")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch raises several types for unsafe or corrupt files
        raise CheckpointError(
            f"{path} is not a dyplab checkpoint that can be loaded safely ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); delete it and train again"
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or "state_dict" not in payload:
        raise CheckpointError(f"{path} is not a dyplab checkpoint (format {FORMAT}); delete it and train again")
    return Checkpoint(state_dict=payload["state_dict"], meta=dict(payload.get("meta", {})), path=path)


def build(meta: Mapping[str, Any]) -> nn.Module:
    """An untrained model of the architecture ``meta`` describes (a class in ``dyplab.models``)."""
    name = str(meta.get("model", ""))
    if not name.startswith(_MODELS_PACKAGE):
        raise CheckpointError(f"model {name!r} is not a dyplab.models class; refusing to build it")
    module_name, _, cls_name = name.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except (ImportError, AttributeError) as exc:
        raise CheckpointError(f"model class {name} does not exist in this dyplab version") from exc
    return cls(**dict(meta.get("model_kwargs", {})))


def load_model(path: str | Path, *, device: str | torch.device | None = None) -> tuple[nn.Module, dict[str, Any]]:
    """Rebuild the model saved at ``path``, load its weights, put it in eval mode: ``(model, meta)``."""
    ckpt = load(path)
    model = build(ckpt.meta)
    try:
        model.load_state_dict(ckpt.state_dict)
    except RuntimeError as exc:
        raise CheckpointError(f"{path}: the weights do not fit {ckpt.meta.get('model')} ({str(exc).splitlines()[0]})") from exc
    if device is not None:
        model.to(device)
    return model.eval(), ckpt.meta
