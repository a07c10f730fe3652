"""The Lightning callbacks :func:`~dyplab.training.fit` adds (best weights, last-epoch checkpoint, progress bar)
and the context that quiets Lightning's messages."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback, TQDMProgressBar
from torch.utils.data import DataLoader

from .module import _MONITORS


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
