"""The LightningModule :class:`ClassifierModule` that :func:`~dyplab.training.fit` wraps around a classifier."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import lightning as L
import torch
from torch import nn

from .data import _split_batch
from .inference import _check_logits

__all__ = ["HISTORY_COLUMNS", "ClassifierModule"]

HISTORY_COLUMNS = ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr"]
_MONITORS = {
    "val_loss": "min", "val_acc": "max", "val_balanced_acc": "max", "val_macro_f1": "max", "val_auroc": "max",
}
_OPTIMIZERS = ("adam", "adamw", "sgd")
_SCHEDULES = (None, "plateau", "onecycle", "cosine")


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
