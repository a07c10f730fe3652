"""The Lightning-based :func:`fit` with its result :class:`FitResult`, precision and accelerator choice, the
process state Lightning changes, and :func:`snapshot`."""

from __future__ import annotations

import contextlib
import copy
import inspect
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
import pandas as pd
import torch
from lightning.pytorch.callbacks import Callback, EarlyStopping
from torch import nn
from torch.utils.data import DataLoader

from .. import config
from .callbacks import _bars_off, _BestWeights, _LastEpochCheckpoint, _ProgressBar, _quiet_lightning
from .data import make_loader, to_dataset
from .inference import _resolve_device
from .module import _MONITORS, HISTORY_COLUMNS, ClassifierModule

__all__ = ["PRECISIONS", "FitResult", "fit", "native_bf16", "snapshot"]


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

#: ``lightning.Trainer`` arguments that :func:`fit` sets itself under another name or not at all, with the ``fit``
#: keyword that controls each (``None``: fixed by ``fit``); the rest it sets (``max_epochs``, ``devices``,
#: ``strategy``, ``precision``, ``callbacks``, ``deterministic``, ``gradient_clip_val``) are ``fit`` keywords of the
#: same name. Passing one of these through ``**trainer_kwargs`` is a ``TypeError``.
_SET_BY_FIT: dict[str, str | None] = {
    "accelerator": "device", "default_root_dir": "log_dir", "enable_progress_bar": "progress",
    "enable_model_summary": "verbose", "enable_checkpointing": "checkpoint_dir", "logger": None,
    "num_sanity_val_steps": None, "check_val_every_n_epoch": None, "log_every_n_steps": None,
}


def _check_trainer_kwargs(trainer_kwargs: dict[str, Any]) -> None:
    """Refuse keywords that :func:`fit` sets itself or that ``lightning.Trainer`` does not take."""
    for key in trainer_kwargs:
        if key in _SET_BY_FIT:
            own = _SET_BY_FIT[key]
            how = f"use fit's own `{own}=` instead" if own is not None else "fit sets it itself and it cannot be changed"
            raise TypeError(f"fit() got the lightning.Trainer argument `{key}` as an extra keyword; {how}.")
    accepted = set(inspect.signature(L.Trainer.__init__).parameters) - {"self"}
    unknown = sorted(set(trainer_kwargs) - accepted)
    if unknown:
        raise TypeError(f"fit() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}: neither a fit "
                        "keyword nor a lightning.Trainer argument.")


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
    **trainer_kwargs: Any,
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
    - Any further keyword goes to ``lightning.Trainer`` as it is (``**trainer_kwargs``), e.g.
      ``accumulate_grad_batches=4``, ``limit_train_batches=10`` (batches per epoch; a float is a fraction),
      ``limit_val_batches``, ``max_time`` or ``val_check_interval``. A Trainer argument that ``fit`` sets itself
      (``accelerator``, ``logger``, ``enable_progress_bar``, ...) or a keyword the Trainer does not know raises
      ``TypeError`` naming it; use ``fit``'s own keyword where there is one (``device``, ``progress``, ...).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    _check_trainer_kwargs(trainer_kwargs)
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
                **trainer_kwargs,
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
