"""Pre-training loop: draw synthetic tasks from the prior and teach the network to classify their query rows."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from . import preprocess
from .model import TabularPFN, task_logits
from .prior import PriorConfig, sample_batch


@dataclass
class TrainConfig:
    """Everything that decides a pre-training run (stored in the checkpoint and the log)."""

    seed: int = 0
    steps: int = 2000
    batch_rows: int = 768
    lr: float = 1.5e-3
    weight_decay: float = 0.01
    warmup: int = 60
    dim: int = 48
    heads: int = 4
    layers: int = 3
    hidden: int = 96
    n_classes: int = 10
    log_every: int = 50
    prior: PriorConfig = field(default_factory=PriorConfig)

    def model_kwargs(self) -> dict:
        return {"dim": self.dim, "heads": self.heads, "layers": self.layers, "hidden": self.hidden,
                "n_classes": self.n_classes}


def batch_tensors(tasks: list, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Preprocess each task with its context statistics (a random method per task) and stack: x, y_train, y_query
    and the tasks' class counts [B]."""
    xs = []
    for t in tasks:
        method = "rank" if rng.random() < 0.5 else "standard"
        c, q = preprocess.transform(method, t.X[: t.n_train], t.X[t.n_train :])
        xs.append(np.concatenate([c, q]))
    x = torch.from_numpy(np.stack(xs))
    y = torch.from_numpy(np.stack([t.y for t in tasks]))
    n_train = tasks[0].n_train
    k = torch.tensor([t.n_classes for t in tasks])
    return x, y[:, :n_train], y[:, n_train:], k


def _lr_factor(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup:
        return (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return 0.5 * (1.0 + math.cos(math.pi * progress)) * 0.95 + 0.05


def pretrain(cfg: TrainConfig, log=print, on_log=None) -> tuple[TabularPFN, list[dict]]:
    """Train a fresh :class:`TabularPFN` on ``cfg.steps`` batches from the prior; returns the model and the log rows.

    ``on_log(model, rows)`` is called after each log line (e.g. to save an intermediate checkpoint).
    The run is deterministic for ``cfg.seed`` on one CPU thread (the caller sets ``torch.set_num_threads(1)``).
    """
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = TabularPFN(**cfg.model_kwargs())
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _lr_factor(s, cfg))
    rows: list[dict] = []
    loss_sum, acc_sum, count, start = 0.0, 0.0, 0, time.perf_counter()
    for step in range(cfg.steps):
        x, y_train, y_query, k = batch_tensors(sample_batch(rng, cfg.batch_rows, cfg.prior), rng)
        logits = task_logits(model(x, y_train), k)
        loss = F.cross_entropy(logits.reshape(-1, cfg.n_classes), y_query.reshape(-1))
        if not torch.isfinite(loss):
            raise FloatingPointError(f"pre-training step {step + 1}: the loss is {loss.item()} (a non-finite input "
                                     f"from the prior? {int((~torch.isfinite(x)).sum())} non-finite cells)")
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        loss_sum += loss.item()
        acc_sum += (logits.detach().argmax(-1) == y_query).float().mean().item()
        count += 1
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.steps:
            row = {"step": step + 1, "loss": loss_sum / count, "acc": acc_sum / count,
                   "lr": opt.param_groups[0]["lr"], "seconds": round(time.perf_counter() - start, 1)}
            rows.append(row)
            log(f"step {row['step']:>6}  loss {row['loss']:.4f}  acc {row['acc']:.3f}  lr {row['lr']:.2e}  {row['seconds']:.0f} s")
            loss_sum, acc_sum, count = 0.0, 0.0, 0
            if on_log is not None:
                on_log(model, rows)
    return model.eval(), rows


def save(model: TabularPFN, cfg: TrainConfig, rows: list[dict], path: str | Path) -> Path:
    """Write the weights (``dyplab.checkpoints`` format, ``weights_only``-loadable) with the settings and the log."""
    from .. import checkpoints

    settings = asdict(cfg)
    return checkpoints.save(model, path, model_kwargs=cfg.model_kwargs(), class_names=[str(c) for c in range(cfg.n_classes)],
                            settings=settings, log=rows, train_seconds=rows[-1]["seconds"] if rows else 0.0)
