"""Training and prediction for classifiers: a Lightning-based :func:`fit` and plain-PyTorch helpers.

The notebooks show the ideas (a model class, a hand-written training loop); this module is the
plumbing they reuse:

- :func:`fit` trains any ``nn.Module`` classifier (logits ``[N, C]``) with Lightning: train/val loops,
  early stopping, an optional learning-rate schedule, a per-epoch history (``history.csv``) and it
  **restores the best epoch's weights** (a real copy taken at each improvement) before returning.
- :func:`evaluate` is a plain PyTorch evaluation loop (the training loop a notebook shows stays in the notebook).
- :func:`predict_proba` / :func:`predict` run a model over any data in batches.

Data (``train``, ``val``, ``data``) may be a ``torch.utils.data.Dataset`` yielding ``(x, y)``, a tuple
``(X, y)`` of NumPy arrays / tensors (X float, y integer class ids), or a ``DataLoader``.

Reproducibility: :func:`fit` reseeds (``seed``) the data shuffling and everything random that happens
during training. The *initial weights* are drawn when the caller constructs the model, so seed before
that (``dyplab.seed_everything(42)`` or ``session.start``). On CPU two runs with the same seed give
identical histories and predictions; on CUDA/MPS results are close but not guaranteed bit-identical.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightning as L
import numpy as np
import pandas as pd
import torch
from lightning.pytorch.callbacks import Callback, EarlyStopping, TQDMProgressBar
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from .. import config
from ..convert import to_numpy
from ..models import evaluating, model_device

__all__ = [
    "HISTORY_COLUMNS",
    "ClassifierModule",
    "FitResult",
    "count_parameters",
    "evaluate",
    "fit",
    "make_loader",
    "predict",
    "predict_proba",
    "snapshot",
    "to_dataset",
]

HISTORY_COLUMNS = ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr"]
_MONITORS = {
    "val_loss": "min", "val_acc": "max", "val_balanced_acc": "max", "val_macro_f1": "max", "val_auroc": "max",
}
_OPTIMIZERS = ("adam", "adamw", "sgd")
_SCHEDULES = (None, "plateau", "onecycle", "cosine")


# --------------------------------------------------------------------------------------------- data


def _as_tensor(a: Any, what: str) -> torch.Tensor:
    if isinstance(a, torch.Tensor):
        return a.detach().cpu()
    return torch.from_numpy(np.ascontiguousarray(to_numpy(a, what)))


def _check_xy(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if X.ndim == 0:
        raise ValueError("X must have a sample axis (shape [N, ...]); got a scalar.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D class ids of shape [N]; got shape {tuple(y.shape)}.")
    if len(X) != len(y):
        raise ValueError(f"X and y have different lengths: {len(X)} samples vs {len(y)} labels.")
    if len(X) == 0:
        raise ValueError("The data set is empty (0 samples).")
    if not (X.is_floating_point() or X.dtype in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)):
        raise TypeError(f"X must be numeric; got dtype {X.dtype}.")
    X = X.to(torch.float32)
    if not torch.isfinite(X).all():
        bad = int((~torch.isfinite(X)).reshape(len(X), -1).any(dim=1).sum())
        raise ValueError(f"X contains NaN or infinite values in {bad} of {len(X)} samples; clean or impute them first.")
    if y.is_floating_point():
        if not torch.isfinite(y).all() or not torch.equal(y, y.round()):
            raise ValueError("y must hold integer class ids (0, 1, ...); got non-integer or NaN values.")
    elif y.dtype == torch.bool:
        y = y.to(torch.int64)
    y = y.to(torch.int64)
    if (y < 0).any():
        raise ValueError("y contains negative class ids; labels must be 0, 1, ..., C-1.")
    return X, y


def to_dataset(data: Any) -> Dataset:
    """Turn ``(X, y)`` arrays/tensors or array-backed :class:`~dyplab.data.LabeledData` into a ``TensorDataset``
    (X float32, y int64); pass a Dataset through. (Image paths: use ``LabeledData.to_dataset(transform)``.)"""
    from ..data.labeled import LabeledData

    if isinstance(data, LabeledData):
        if data.is_paths:
            raise TypeError("LabeledData of image paths needs a transform: pass data.to_dataset(transform) instead.")
        data = (data.X, data.y)
    if isinstance(data, DataLoader):
        return data.dataset
    if isinstance(data, Dataset):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = _check_xy(_as_tensor(data[0], "X"), _as_tensor(data[1], "y"))
        return TensorDataset(X, y)
    raise TypeError(
        "Data must be a torch Dataset, a DataLoader, LabeledData or a tuple (X, y) of arrays/tensors; "
        f"got {type(data).__name__}."
    )


def make_loader(data: Any, *, batch_size: int = 64, shuffle: bool = False, seed: int | None = None,
                pin_memory: bool = False, drop_last: bool = False) -> DataLoader:
    """A ``num_workers=0`` DataLoader over ``data``; shuffling uses its own generator seeded with ``seed``."""
    if isinstance(data, DataLoader):
        return data
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1; got {batch_size}.")
    ds = to_dataset(data)
    gen = None
    if shuffle:
        gen = torch.Generator()
        gen.manual_seed(config.DEFAULT_SEED if seed is None else int(seed))
    return DataLoader(ds, batch_size=batch_size, shuffle=shuffle, generator=gen, num_workers=0,
                      pin_memory=pin_memory, drop_last=drop_last)


def _split_batch(batch: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
    if isinstance(batch, (tuple, list)):
        if len(batch) >= 2:
            return batch[0], batch[1]
        return batch[0], None
    if isinstance(batch, dict):
        x = batch.get("x", batch.get("image", batch.get("input")))
        y = batch.get("y", batch.get("label", batch.get("target")))
        if x is None:
            raise TypeError(f"Batch dict needs an 'x'/'image'/'input' key; got keys {sorted(batch)}.")
        return x, y
    return batch, None


def _inputs_loader(data: Any, batch_size: int) -> DataLoader:
    """A loader for prediction: also accepts X alone (array/tensor)."""
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, Dataset) or (isinstance(data, (tuple, list)) and len(data) == 2):
        return make_loader(data, batch_size=batch_size)
    X = _as_tensor(data, "X")
    if X.ndim == 0:
        raise ValueError("X must have a sample axis (shape [N, ...]); got a scalar.")
    X = X.to(torch.float32)
    if not torch.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; clean or impute them first.")
    return DataLoader(TensorDataset(X), batch_size=batch_size, shuffle=False, num_workers=0)


def _resolve_device(device: Any) -> torch.device:
    if device is None:
        return config.device()
    if isinstance(device, torch.device):
        device = str(device)
    return config.device(str(device))


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of parameters (all, or only those with ``requires_grad`` when ``trainable_only``)."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only))


# ------------------------------------------------------------------------------------- plain loops


def _check_logits(logits: torch.Tensor, y: torch.Tensor) -> None:
    if logits.ndim != 2:
        raise ValueError(
            f"The model must return logits of shape [batch, n_classes]; got shape {tuple(logits.shape)}."
        )
    if y.numel() and int(y.max()) >= logits.shape[1]:
        raise ValueError(
            f"Label {int(y.max())} is out of range for a model with {logits.shape[1]} outputs (classes 0..{logits.shape[1] - 1})."
        )


@torch.no_grad()
def evaluate(model: nn.Module, data: Any, *, loss: nn.Module | None = None, batch_size: int = 512,
             device: Any = None) -> dict[str, float]:
    """Loss and accuracy of ``model`` on ``data`` (eval mode, no gradients): ``{"loss", "acc"}``.

    ``loss`` defaults to ``CrossEntropyLoss()``. ``device=None`` uses the model's current device.
    The model's train/eval mode is restored afterwards.
    """
    loss_fn = loss if loss is not None else nn.CrossEntropyLoss()
    dev = model_device(model) if device is None else _resolve_device(device)
    loss_fn = loss_fn.to(dev)
    total_loss = torch.zeros((), device=dev)
    correct = torch.zeros((), device=dev, dtype=torch.long)
    n = 0
    with evaluating(model, dev):
        for batch in make_loader(data, batch_size=batch_size):
            x, y = _split_batch(batch)
            if y is None:
                raise ValueError("evaluate needs labelled data (x, y).")
            x, y = x.to(dev), y.to(dev)
            logits = model(x)
            _check_logits(logits, y)
            total_loss += loss_fn(logits, y) * len(y)
            correct += (logits.argmax(dim=1) == y).sum()
            n += len(y)
    if n == 0:
        raise ValueError("The data set is empty (0 samples).")
    return {"loss": float(total_loss) / n, "acc": float(correct) / n}


@torch.no_grad()
def predict_proba(model: nn.Module, data: Any, *, batch_size: int = 512, device: Any = None) -> np.ndarray:
    """Class probabilities ``[N, C]`` (softmax of the logits), in data order.

    ``data`` may also be inputs ``X`` alone. A model with a single output column is treated as a
    binary logit: the result is ``[1 - sigmoid, sigmoid]``. ``device=None`` uses ``dyplab.device()``;
    the model is moved back to where it was and its train/eval mode is restored.
    """
    dev = _resolve_device(device)
    out: list[torch.Tensor] = []
    with evaluating(model, dev):
        for batch in _inputs_loader(data, batch_size):
            x, _ = _split_batch(batch)
            logits = model(x.to(dev))
            if logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):
                p = torch.sigmoid(logits.reshape(-1, 1).float())
                probs = torch.cat([1 - p, p], dim=1)
            elif logits.ndim == 2:
                probs = torch.softmax(logits.float(), dim=1)
            else:
                raise ValueError(f"The model must return logits [N, C]; got shape {tuple(logits.shape)}.")
            out.append(probs.cpu())
    if not out:
        raise ValueError("The data set is empty (0 samples).")
    return torch.cat(out).numpy()


def predict(model: nn.Module, data: Any, **kw: Any) -> np.ndarray:
    """Predicted class ids ``[N]`` (argmax of :func:`predict_proba`)."""
    return predict_proba(model, data, **kw).argmax(axis=1)


# ------------------------------------------------------------------------------------ Lightning


class ClassifierModule(L.LightningModule):
    """A LightningModule around any classifier ``nn.Module`` returning logits ``[N, C]``.

    Epoch-level metrics are accumulated by torchmetrics (weighted over all samples, synchronised across
    processes under DDP): ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``, ``val_balanced_acc``
    (mean recall over classes), ``val_macro_f1`` and, when monitored, ``val_auroc``. One row per epoch is
    kept in :attr:`history`.

    ``optimizer`` is ``"adam"``, ``"adamw"``, ``"sgd"`` or a callable ``params -> Optimizer`` (e.g. lower
    rates for a pretrained backbone); ``schedule`` is ``None``, ``"plateau"``, ``"onecycle"``, ``"cosine"`` or a
    callable ``(optimizer, total_steps) -> LRScheduler`` stepped after every batch (e.g. warm-up for a ViT).
    """

    def __init__(self, model: nn.Module, *, loss: nn.Module | None = None, lr: float = 1e-3,
                 optimizer: str | Callable[..., torch.optim.Optimizer] = "adam", weight_decay: float = 0.0,
                 schedule: str | Callable[..., Any] | None = None, monitor: str = "val_loss",
                 momentum: float = 0.9, plateau_patience: int = 2, plateau_factor: float = 0.5,
                 channels_last: bool = False) -> None:
        super().__init__()
        if not callable(optimizer) and optimizer not in _OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {_OPTIMIZERS} or a callable params -> Optimizer; got {optimizer!r}.")
        if not callable(schedule) and schedule not in _SCHEDULES:
            raise ValueError(f"schedule must be one of {_SCHEDULES} or a callable (optimizer, total_steps) -> "
                             f"scheduler; got {schedule!r}.")
        if monitor not in _MONITORS:
            raise ValueError(f"monitor must be one of {tuple(_MONITORS)}; got {monitor!r}.")
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"lr must be a positive number; got {lr!r}.")
        self.model = model
        self.loss_fn = loss if loss is not None else nn.CrossEntropyLoss()
        self.lr = float(lr)
        self.optimizer = optimizer
        self.weight_decay = float(weight_decay)
        self.schedule = schedule
        self.monitor = monitor
        self.momentum = momentum
        self.plateau_patience = plateau_patience
        self.plateau_factor = plateau_factor
        self.channels_last = bool(channels_last)
        self.history: list[dict[str, float]] = []
        self.epoch_metrics = nn.ModuleDict()  # created at the first batch, when the number of classes is known

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)

    def _metrics(self, stage: str, n_classes: int) -> nn.ModuleDict:
        key = f"{stage}_metrics"  # "train" itself would clash with nn.Module.train
        if key not in self.epoch_metrics:
            from torchmetrics import MeanMetric
            from torchmetrics.classification import MulticlassAccuracy, MulticlassAUROC, MulticlassF1Score

            metrics: dict[str, nn.Module] = {"loss": MeanMetric(), "acc": MulticlassAccuracy(n_classes, average="micro")}
            if stage == "val":
                metrics["balanced_acc"] = MulticlassAccuracy(n_classes, average="macro")
                metrics["macro_f1"] = MulticlassF1Score(n_classes, average="macro")
                if self.monitor == "val_auroc":
                    metrics["auroc"] = MulticlassAUROC(n_classes)
            self.epoch_metrics[key] = nn.ModuleDict(metrics).to(self.device)
        return self.epoch_metrics[key]

    def _step(self, batch: Any, stage: str) -> tuple[torch.Tensor, int]:
        x, y = _split_batch(batch)
        if y is None:
            raise ValueError("Training needs labelled batches (x, y).")
        if self.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        logits = self.model(x)
        _check_logits(logits, y)
        loss = self.loss_fn(logits, y)
        metrics = self._metrics(stage, logits.shape[1])
        detached = logits.detach()
        metrics["loss"].update(loss.detach(), weight=len(y))
        for name, metric in metrics.items():
            if name != "loss":
                metric.update(detached, y)
        return loss, len(y)

    def _compute(self, stage: str) -> dict[str, float]:
        """The epoch's values of ``stage``'s metrics (NaN when the stage saw no batch), then reset them."""
        metrics = self.epoch_metrics[f"{stage}_metrics"] if f"{stage}_metrics" in self.epoch_metrics else None
        if metrics is None or not metrics["loss"].update_called:
            return {}
        values = {f"{stage}_{name}": float(metric.compute()) for name, metric in metrics.items()}
        for metric in metrics.values():
            metric.reset()
        return values

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss, n = self._step(batch, "train")
        self.log("loss", loss.detach(), on_step=True, on_epoch=False, prog_bar=True, batch_size=n)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        self._step(batch, "val")

    def _current_lr(self) -> float:
        try:
            return float(self.trainer.optimizers[0].param_groups[0]["lr"])
        except (AttributeError, IndexError, RuntimeError):
            return float("nan")

    def on_validation_epoch_end(self) -> None:
        if self.trainer.sanity_checking:
            return
        row = {**self._compute("train"), **self._compute("val")}
        for key, value in row.items():
            self.log(key, value, prog_bar=key in ("val_loss", "val_acc", "train_acc", self.monitor))
        self._record(row)

    def on_train_epoch_end(self) -> None:
        # Without a validation loop the epoch is recorded here (val columns NaN).
        if not self.history or self.history[-1]["epoch"] != self.current_epoch + 1:
            row = self._compute("train")
            for key, value in row.items():
                self.log(key, value)
            self._record(row)

    def _record(self, values: dict[str, float]) -> None:
        row = {"epoch": self.current_epoch + 1, **{c: values.get(c, float("nan")) for c in HISTORY_COLUMNS[1:-1]},
               **{k: v for k, v in values.items() if k not in HISTORY_COLUMNS}, "lr": self._current_lr()}
        if self.history and self.history[-1]["epoch"] == row["epoch"]:
            self.history[-1] = row  # several validations in one epoch: keep the last
        else:
            self.history.append(row)

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        checkpoint["dyplab_history"] = [dict(row) for row in self.history]

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        self.history = [dict(row) for row in checkpoint.get("dyplab_history", [])]

    def configure_optimizers(self) -> Any:
        params = [p for p in self.model.parameters() if p.requires_grad]
        if not params:
            raise ValueError("The model has no trainable parameters (all requires_grad=False).")
        if callable(self.optimizer):
            opt = self.optimizer(params)
        elif self.optimizer == "adam":
            opt = torch.optim.Adam(params, lr=self.lr, weight_decay=self.weight_decay)
        elif self.optimizer == "adamw":
            opt = torch.optim.AdamW(params, lr=self.lr, weight_decay=self.weight_decay)
        else:
            opt = torch.optim.SGD(params, lr=self.lr, momentum=self.momentum, weight_decay=self.weight_decay)
        if self.schedule is None:
            return opt
        if callable(self.schedule):
            sched = self.schedule(opt, int(self.trainer.estimated_stepping_batches))
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}
        if self.schedule == "plateau":
            sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
                opt, mode=_MONITORS[self.monitor], factor=self.plateau_factor, patience=self.plateau_patience)
            return {"optimizer": opt,
                    "lr_scheduler": {"scheduler": sched, "monitor": self.monitor, "interval": "epoch"}}
        if self.schedule == "cosine":
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, int(self.trainer.max_epochs or 1)))
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "epoch"}}
        total = int(self.trainer.estimated_stepping_batches)
        # +1: Lightning steps the scheduler after every batch, the last step must stay inside the cycle
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=self.lr, total_steps=max(2, total + 1))
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}


class _BestWeights(Callback):
    """Keeps a real (deep, CPU) copy of the weights at every improvement of ``monitor``."""

    def __init__(self, monitor: str) -> None:
        self.monitor = monitor
        self.mode = _MONITORS[monitor]
        self.best_score: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, torch.Tensor] | None = None

    def _improved(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.best_score is None:
            return True
        return value < self.best_score if self.mode == "min" else value > self.best_score

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or self.monitor not in trainer.callback_metrics:
            return
        value = float(trainer.callback_metrics[self.monitor])
        if self._improved(value):
            self.best_score = value
            self.best_epoch = trainer.current_epoch + 1
            # .to("cpu", copy=True) always allocates new storage: later optimizer steps cannot change it.
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in pl_module.model.state_dict().items()}

    def state_dict(self) -> dict[str, Any]:
        return {"best_score": self.best_score, "best_epoch": self.best_epoch, "best_state": self.best_state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_score, self.best_epoch, self.best_state = state["best_score"], state["best_epoch"], state["best_state"]


class _LastEpochCheckpoint(Callback):
    """After every epoch, write a checkpoint (``last.ckpt``) from which :func:`fit` can continue.

    Written to a temporary file and renamed, so an interruption never leaves half a checkpoint. Besides
    Lightning's own state (weights, optimizer, schedule, loop, callbacks) it keeps the random state of
    PyTorch and of the training loader's shuffling, so a resumed run on CPU ends exactly where an
    uninterrupted one would.
    """

    FILE = "last.ckpt"

    def __init__(self, folder: Path, loader: DataLoader) -> None:
        self.folder = Path(folder)
        self.loader = loader

    @property
    def path(self) -> Path:
        return self.folder / self.FILE

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.sanity_checking or not trainer.is_global_zero:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{self.FILE}.tmp"
        try:
            trainer.save_checkpoint(tmp, weights_only=False)
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            warnings.warn(f"could not write the checkpoint {self.path} ({exc}); training goes on without it, "
                          "the last good checkpoint is kept", stacklevel=2)

    def state_dict(self) -> dict[str, Any]:
        gen = getattr(self.loader, "generator", None)
        return {"torch_rng": torch.get_rng_state(), "loader_rng": None if gen is None else gen.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        torch.set_rng_state(state["torch_rng"])
        gen = getattr(self.loader, "generator", None)
        if gen is not None and state.get("loader_rng") is not None:
            gen.set_state(state["loader_rng"])


@dataclass
class FitResult:
    """What :func:`fit` returns.

    ``model`` is the same object that was passed in, with the best epoch's weights loaded, in eval
    mode and on the CPU. ``best_epoch`` and ``stopped_epoch`` are 1-based.
    """

    model: nn.Module
    history: pd.DataFrame
    best_epoch: int
    best_score: float
    stopped_epoch: int
    elapsed_s: float
    csv_path: Path
    precision: str = "32"

    def __repr__(self) -> str:
        return (f"FitResult(best_epoch={self.best_epoch}, best_score={self.best_score:.4f}, "
                f"stopped_epoch={self.stopped_epoch}, elapsed_s={self.elapsed_s:.1f}, precision={self.precision!r}, csv_path={str(self.csv_path)!r})")


_QUIET_LOGGERS = ("lightning.pytorch", "lightning.fabric", "lightning", "pytorch_lightning")
_QUIET_WARNINGS = (
    r".*does not have many workers.*",
    r".*GPU available but not used.*",
    r".*number of training batches.*is smaller than the logging interval.*",
    r".*Checkpoint directory.*exists and is not empty.*",
    r".*`isinstance\(treespec, LeafSpec\)` is deprecated.*",
)


@contextlib.contextmanager
def _quiet_lightning(verbose: bool) -> Iterator[None]:
    """Silence Lightning's info messages and harmless warnings (unless ``verbose``)."""
    if verbose:
        yield
        return
    loggers = [logging.getLogger(n) for n in _QUIET_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            for msg in _QUIET_WARNINGS:
                warnings.filterwarnings("ignore", message=msg)
            yield
    finally:
        for lg, lvl in zip(loggers, levels):
            lg.setLevel(lvl)


class _ProgressBar(TQDMProgressBar):
    """Lightning's tqdm bar (notebook widget or terminal) with 1-based epochs: "Epoke 3/10"."""

    def on_train_epoch_start(self, trainer: L.Trainer, *args: Any) -> None:
        super().on_train_epoch_start(trainer, *args)
        self.train_progress_bar.set_description(f"Epoke {trainer.current_epoch + 1}/{trainer.max_epochs}")


def _bars_off() -> bool:
    """True in CI (``CI`` set) or when ``DYPLAB_PROGRESS=0``."""
    ci = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
    return ci or os.environ.get("DYPLAB_PROGRESS", "").strip().lower() in {"0", "false", "no", "off"}


@contextlib.contextmanager
def _restored_process_state() -> Iterator[None]:
    """Put back what Lightning changes for the whole process: the SIGINT handler, PyTorch's deterministic
    mode and ``CUBLAS_WORKSPACE_CONFIG``.

    Lightning answers Ctrl+C / "Interrupt kernel" by ignoring SIGINT for good and calling ``sys.exit``;
    restoring the handler keeps the notebook interruptible, and :func:`fit` raises ``KeyboardInterrupt``.
    """
    in_main = threading.current_thread() is threading.main_thread()
    old_sigint = signal.getsignal(signal.SIGINT) if in_main else None
    prev_det = torch.are_deterministic_algorithms_enabled()
    prev_warn = torch.is_deterministic_algorithms_warn_only_enabled()
    prev_cublas = os.environ.get("CUBLAS_WORKSPACE_CONFIG")
    try:
        yield
    finally:
        if in_main and old_sigint is not None:
            signal.signal(signal.SIGINT, old_sigint)
        torch.use_deterministic_algorithms(prev_det, warn_only=prev_warn)
        if prev_cublas is None:
            os.environ.pop("CUBLAS_WORKSPACE_CONFIG", None)
        else:
            os.environ["CUBLAS_WORKSPACE_CONFIG"] = prev_cublas


PRECISIONS = ("auto", "32", "bf16")


def native_bf16(dev: torch.device) -> bool:
    """Whether ``dev`` computes in bfloat16 natively (CUDA with bf16; a CPU with AVX-512 BF16/AMX via oneDNN).

    On other CPUs (most laptops, Apple) bfloat16 is emulated and slower than float32, so ``"auto"`` keeps float32.
    """
    if dev.type == "cuda":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    if dev.type == "cpu":
        try:
            return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def _resolve_precision(precision: str, dev: torch.device) -> str:
    """``"32"`` or ``"bf16"``: ``"auto"`` becomes bf16 where :func:`native_bf16`, else float32."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}; got {precision!r}.")
    if precision == "auto":
        return "bf16" if native_bf16(dev) else "32"
    return precision


def _accelerator(dev: torch.device) -> tuple[str, Any]:
    if dev.type == "cuda":
        return "gpu", [dev.index if dev.index is not None else 0]
    if dev.type == "mps":
        return "mps", 1
    return "cpu", 1


def fit(
    model: nn.Module,
    train: Any,
    val: Any,
    *,
    max_epochs: int,
    lr: float = 1e-3,
    batch_size: int = 64,
    optimizer: str | Callable[..., torch.optim.Optimizer] = "adam",
    weight_decay: float = 0.0,
    schedule: str | Callable[..., Any] | None = None,
    patience: int | None = 5,
    monitor: str = "val_loss",
    class_weights: Sequence[float] | None = None,
    loss: nn.Module | None = None,
    seed: int = 42,
    progress: bool = True,
    name: str = "run",
    log_dir: Path | str | None = None,
    device: Any = None,
    deterministic: bool | None = None,
    gradient_clip_val: float | None = None,
    verbose: bool = False,
    callbacks: Sequence[Callback] = (),
    eval_batch_size: int | None = None,
    devices: Any = None,
    strategy: Any = "auto",
    checkpoint_dir: Path | str | None = None,
    resume: bool = False,
    precision: str = "32",
    channels_last: bool = False,
) -> FitResult:
    """Train a classifier with Lightning and return it with the best epoch's weights restored.

    - ``train``/``val``: Dataset, DataLoader or ``(X, y)``; DataLoaders are built with ``num_workers=0``
      and the training set is shuffled with a generator seeded by ``seed``.
    - Early stopping on ``monitor`` (``"val_loss"`` minimised; ``"val_acc"``, ``"val_balanced_acc"``,
      ``"val_macro_f1"``, ``"val_auroc"`` maximised) after ``patience`` epochs without improvement
      (``None`` turns it off); the same criterion picks the best epoch.
    - ``optimizer``: ``"adam"``, ``"adamw"``, ``"sgd"`` or a callable ``params -> Optimizer``.
    - ``schedule``: ``None``, ``"plateau"`` (halve LR when ``monitor`` stalls), ``"onecycle"`` (per step,
      peak ``lr``), ``"cosine"`` (to 0 over ``max_epochs``) or a callable ``(optimizer, total_steps) ->
      scheduler`` stepped after every batch (warm-up, for example).
    - ``loss`` defaults to ``CrossEntropyLoss(weight=class_weights)``.
    - One row per epoch (``epoch, train_loss, train_acc, val_loss, val_acc, lr``; accuracies are
      correct / all samples, ``lr`` is the value at the end of the epoch) goes to ``log_dir/history.csv``
      (default ``results_dir("runs", name)``). Nothing is written anywhere else.
    - ``device=None`` uses ``dyplab.device()`` (cuda → mps → cpu). ``deterministic=None`` means
      deterministic algorithms on CPU only. The returned model is on the CPU in eval mode.
    - The caller seeds before building the model (initial weights); ``fit`` reseeds with ``seed``.
    - Interrupting (Ctrl+C, "Interrupt kernel") stops training, loads the best weights so far into
      ``model``, writes the history and raises ``KeyboardInterrupt``.
    - ``progress``: a tqdm bar (notebook widget or terminal); always off when the ``CI`` env var is set
      or ``DYPLAB_PROGRESS=0``.
      ``verbose=True`` shows Lightning's own messages and the model summary.
    - Extra: ``callbacks`` (more Lightning callbacks), ``gradient_clip_val``, ``eval_batch_size``
      (validation batch size, default ``max(batch_size, 256)``).
    - ``checkpoint_dir``: after every epoch a checkpoint ``last.ckpt`` is written there (atomically). With
      ``resume=True`` and such a checkpoint present, training continues from its last finished epoch
      (weights, optimizer, schedule, early stopping, best weights and random state restored; the file is
      read with ``weights_only=True``); on CPU the result equals that of an uninterrupted run.
    - ``precision``: ``"32"`` (float32, default), ``"bf16"`` (bfloat16 mixed precision: convolutions and
      matrix products in bfloat16, weights, BatchNorm and the loss in float32) or ``"auto"`` (bf16 only where
      the device computes it natively, :func:`native_bf16`; about twice as fast for CNNs on such CPUs).
      ``FitResult.precision`` says what was used.
    - ``channels_last=True`` stores the convolution weights and image batches ``[N, C, H, W]`` channels-last in
      memory during training (faster convolutions on CPUs and GPUs); the returned model is back in the usual layout.
    - Several devices: ``devices`` and ``strategy`` go to Lightning's ``Trainer`` as they are, e.g.
      ``device="cuda", devices=4, strategy="ddp"`` on a GPU server (run it from a script, not a notebook:
      DDP starts one process per device). Metrics are synchronised across processes.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    if int(max_epochs) < 1:
        raise ValueError(f"max_epochs must be >= 1; got {max_epochs}.")
    if monitor not in _MONITORS:
        raise ValueError(f"monitor must be one of {tuple(_MONITORS)}; got {monitor!r}.")
    if patience is not None and patience < 1:
        raise ValueError(f"patience must be >= 1 or None; got {patience}.")
    if loss is not None and class_weights is not None:
        raise ValueError("Give either `loss` or `class_weights`, not both (put the weights into your loss).")
    if loss is None:
        weight = None if class_weights is None else torch.as_tensor(list(class_weights), dtype=torch.float32)
        if weight is not None and (weight.ndim != 1 or not torch.isfinite(weight).all() or (weight < 0).any()):
            raise ValueError("class_weights must be a flat sequence of finite, non-negative numbers.")
        loss = nn.CrossEntropyLoss(weight=weight)

    dev = _resolve_device(device)
    precision = _resolve_precision(precision, dev)
    accelerator, default_devices = _accelerator(dev)
    devices = default_devices if devices is None else devices
    if deterministic is None:
        deterministic = dev.type == "cpu"
    log_dir = Path(log_dir) if log_dir is not None else config.results_dir("runs", name)
    log_dir.mkdir(parents=True, exist_ok=True)
    csv_path = log_dir / "history.csv"

    L.seed_everything(seed, workers=True, verbose=False)
    train_ds = None if isinstance(train, DataLoader) else to_dataset(train)
    n_train = len(train_ds) if train_ds is not None else None  # type: ignore[arg-type]
    # A last batch of one sample breaks BatchNorm in train mode; drop it in that rare case.
    drop_last = bool(n_train and n_train > batch_size and n_train % batch_size == 1)
    pin = dev.type == "cuda"
    train_loader = train if isinstance(train, DataLoader) else make_loader(
        train_ds, batch_size=batch_size, shuffle=True, seed=seed, pin_memory=pin, drop_last=drop_last)
    val_loader = make_loader(val, batch_size=eval_batch_size or max(batch_size, 256), pin_memory=pin)

    module = ClassifierModule(model, loss=loss, lr=lr, optimizer=optimizer, weight_decay=weight_decay,
                              schedule=schedule, monitor=monitor,
                              plateau_patience=max(1, (patience or 4) // 2), channels_last=channels_last)
    best = _BestWeights(monitor)
    cbs: list[Callback] = [best, *callbacks]
    resume_from = None
    if checkpoint_dir is not None:
        last = _LastEpochCheckpoint(Path(checkpoint_dir), train_loader)
        cbs.append(last)
        if resume and last.path.is_file():
            resume_from = last.path
    elif resume:
        raise ValueError("resume=True needs checkpoint_dir (the folder of an earlier fit's last.ckpt).")
    if patience is not None:
        cbs.append(EarlyStopping(monitor=monitor, mode=_MONITORS[monitor], patience=patience, check_finite=True))
    show_bar = bool(progress) and not _bars_off()
    if show_bar:
        cbs.append(_ProgressBar(refresh_rate=max(1, len(train_loader) // 20)))

    model.train()  # a model coming back from an earlier fit/evaluation is in eval mode
    if channels_last:
        model.to(memory_format=torch.channels_last)
    interrupted = False
    t0 = time.perf_counter()
    try:
        with _restored_process_state(), _quiet_lightning(verbose):
            trainer = L.Trainer(
                max_epochs=int(max_epochs), accelerator=accelerator, devices=devices, strategy=strategy, logger=False,
                enable_checkpointing=False, enable_model_summary=verbose, enable_progress_bar=show_bar,
                callbacks=cbs, deterministic=True if deterministic else None, default_root_dir=str(log_dir),
                num_sanity_val_steps=0, check_val_every_n_epoch=1, gradient_clip_val=gradient_clip_val,
                log_every_n_steps=max(1, min(50, len(train_loader))), precision="bf16-mixed" if precision == "bf16" else "32-true",
            )
            try:
                trainer.fit(module, train_dataloaders=train_loader, val_dataloaders=val_loader, ckpt_path=resume_from,
                            weights_only=True if resume_from is not None else None)
            except SystemExit:
                if not trainer.interrupted:
                    raise
                interrupted = True
    finally:
        elapsed = time.perf_counter() - t0
        history = pd.DataFrame(module.history)
        history = history.reindex(columns=[*HISTORY_COLUMNS, *[c for c in history.columns if c not in HISTORY_COLUMNS]])
        history["epoch"] = history["epoch"].astype(int)
        history.to_csv(csv_path, index=False)

    model.cpu()
    if channels_last:
        model.to(memory_format=torch.contiguous_format)
    if best.best_state is not None:
        model.load_state_dict(best.best_state)
        best_epoch, best_score = int(best.best_epoch), float(best.best_score)  # type: ignore[arg-type]
    else:
        warnings.warn(f"`{monitor}` never had a finite value; keeping the last epoch's weights.", stacklevel=2)
        best_epoch, best_score = len(history), float("nan")
    model.eval()
    if interrupted:
        raise KeyboardInterrupt(
            f"Training interrupted after {len(history)} epoch(s); the model now holds the best epoch's weights "
            f"(epoch {best_epoch}) and the history is in {csv_path}.")
    return FitResult(model=model, history=history, best_epoch=best_epoch, best_score=best_score,
                     stopped_epoch=len(history), elapsed_s=elapsed, csv_path=csv_path,
                     precision=precision)


def snapshot(model: nn.Module) -> dict[str, torch.Tensor]:
    """A real copy of ``model.state_dict()`` (the fix for ``state_dict().copy()``, which shares tensors)."""
    return copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})
