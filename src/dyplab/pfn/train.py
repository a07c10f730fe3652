"""Pre-training loop: draw synthetic tasks from the prior and teach the network to classify their query rows."""

from __future__ import annotations

import hashlib
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
    """Everything that decides a pre-training run (stored in the checkpoint and the log).

    ``init``: a checkpoint the run starts from instead of random weights (:func:`warm_start`); ``init_steps`` is
    that network's own pre-training length, so the network after this run has had ``init_steps + steps`` steps
    (:func:`total_steps`)."""

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
    init: str | None = None
    init_steps: int = 0
    prior: PriorConfig = field(default_factory=PriorConfig)

    def model_kwargs(self) -> dict:
        return {"dim": self.dim, "heads": self.heads, "layers": self.layers, "hidden": self.hidden,
                "n_classes": self.n_classes}


def total_steps(settings: dict) -> int:
    """All pre-training steps behind a checkpoint's network (its run's plus those of the network it started from)."""
    return int(settings["steps"]) + int(settings.get("init_steps") or 0)


def warm_start(model: TabularPFN, path: str | Path, seed: int) -> int:
    """Copy a pre-trained network's weights into ``model`` (same width; it may have fewer class outputs) and
    return that network's pre-training length.

    Every tensor of matching shape is copied. A network with fewer classes k gives its k class embeddings and
    output rows to classes 0..k-1 and its "unknown" embedding to ``model``'s; each further class gets the mean of
    the old class rows plus Gaussian noise of their spread (so classes start distinct and at the same scale).
    """
    from .. import checkpoints

    ckpt = checkpoints.load(path)
    old_k = int(ckpt.meta["model_kwargs"].get("n_classes", 2))
    new_k = model.n_classes
    if old_k > new_k:
        raise ValueError(f"{path}: the network has {old_k} class outputs; the new one only {new_k}")
    gen = torch.Generator().manual_seed(seed)
    state = model.state_dict()
    last = f"head.{len(model.head) - 1}"

    def grow(old: torch.Tensor, n_new: int) -> torch.Tensor:
        mean, spread = old.mean(0, keepdim=True), old.std(0, keepdim=True) if len(old) > 1 else old.abs()
        return mean + spread * torch.randn((n_new, *old.shape[1:]), generator=gen)

    for name, value in ckpt.state_dict.items():
        if name not in state:
            raise ValueError(f"{path}: weight {name!r} does not exist in TabularPFN(**{ckpt.meta['model_kwargs']})")
        if name == "label.weight":
            classes = value[:old_k]
            state[name] = torch.cat([classes, grow(classes, new_k - old_k), value[old_k:]])
        elif name in (f"{last}.weight", f"{last}.bias"):
            state[name] = torch.cat([value, grow(value, new_k - old_k)])
        elif value.shape != state[name].shape:
            raise ValueError(f"{path}: weight {name!r} has shape {tuple(value.shape)}, expected {tuple(state[name].shape)}"
                             f" (a network of another width)")
        else:
            state[name] = value
    model.load_state_dict(state)
    return total_steps(ckpt.meta["settings"])


def base_rate_loss(y_train: torch.Tensor, y_query: torch.Tensor, k: torch.Tensor) -> float:
    """Cross-entropy of the query labels under each task's context class shares (add-one smoothed): the loss of a
    network that ignores the features. The gap to the training loss is what the network has learned from them."""
    counts = F.one_hot(y_train, int(k.max())).sum(1).double() + 1.0  # [B, C]
    counts = counts * (torch.arange(counts.shape[1]) < k.unsqueeze(1))
    share = counts / counts.sum(1, keepdim=True)
    return float(-torch.log(share.gather(1, y_query)).mean())


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
    if cfg.init is not None:
        init_steps = warm_start(model, cfg.init, cfg.seed)
        if init_steps != cfg.init_steps:
            raise ValueError(f"{cfg.init}: its network had {init_steps} pre-training steps, the settings say "
                             f"init_steps={cfg.init_steps}")
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _lr_factor(s, cfg))
    rows: list[dict] = []
    loss_sum, acc_sum, base_sum, count, start = 0.0, 0.0, 0.0, 0, time.perf_counter()
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
        base_sum += base_rate_loss(y_train, y_query, k)
        acc_sum += (logits.detach().argmax(-1) == y_query).float().mean().item()
        count += 1
        if (step + 1) % cfg.log_every == 0 or step + 1 == cfg.steps:
            row = {"step": step + 1, "loss": loss_sum / count, "base": base_sum / count, "acc": acc_sum / count,
                   "lr": opt.param_groups[0]["lr"], "seconds": round(time.perf_counter() - start, 1)}
            rows.append(row)
            log(f"step {row['step']:>6}  loss {row['loss']:.4f}  base {row['base']:.4f}  acc {row['acc']:.3f}  lr {row['lr']:.2e}  {row['seconds']:.0f} s")
            loss_sum, acc_sum, base_sum, count = 0.0, 0.0, 0.0, 0
            if on_log is not None:
                on_log(model, rows)
    return model.eval(), rows


def runs_behind(path: str | Path, root: str | Path = ".") -> list[dict]:
    """The pre-training runs behind a checkpoint, the first (from random weights) first: ``steps``, ``seconds``,
    ``classes`` (the network's class outputs), ``seed`` and the checkpoint file's ``sha256`` of each. A checkpoint that records them (``meta["pretraining"]``,
    written when weights are shipped) answers itself; otherwise its ``init`` chain is followed (a relative path
    is taken from ``root``, where the run was started)."""
    from .. import checkpoints

    runs: list[dict] = []
    current: Path | None = Path(path)
    while current is not None:
        meta = checkpoints.load(current).meta
        if meta.get("pretraining"):
            return [*meta["pretraining"]["runs"], *runs]
        runs.insert(0, {"steps": int(meta["settings"]["steps"]), "seconds": float(meta.get("train_seconds", 0.0)),
                        "classes": int(meta["model_kwargs"].get("n_classes", 2)), "seed": int(meta["settings"]["seed"]),
                        "sha256": hashlib.sha256(current.read_bytes()).hexdigest()})
        init = meta["settings"].get("init")
        current = None if init is None else (Path(init) if Path(init).is_absolute() else Path(root) / init)
        if current is not None and not current.is_file():
            raise FileNotFoundError(f"{path}: the network its pre-training started from ({current}) is missing, so "
                                    f"its steps and time cannot be counted")
    return runs


def describe_runs(runs: list[dict]) -> str:
    """One Norwegian sentence: each run's steps, classes and time, and the sum when there are several."""
    parts = [f"{r['steps']} steg med {'2' if r['classes'] == 2 else '2–' + str(r['classes'])} klasser "
             f"({r['seconds'] / 60:.1f} min)" for r in runs]
    total = sum(r["seconds"] for r in runs)
    tail = f" = {sum(r['steps'] for r in runs)} steg, {total / 60:.1f} min i alt" if len(runs) > 1 else ""
    return " + ".join(parts) + tail + " på én CPU-tråd (delt maskin)"


def save(model: TabularPFN, cfg: TrainConfig, rows: list[dict], path: str | Path) -> Path:
    """Write the weights (``dyplab.checkpoints`` format, ``weights_only``-loadable) with the settings and the log."""
    from .. import checkpoints

    settings = asdict(cfg)
    return checkpoints.save(model, path, model_kwargs=cfg.model_kwargs(), class_names=[str(c) for c in range(cfg.n_classes)],
                            settings=settings, log=rows, train_seconds=rows[-1]["seconds"] if rows else 0.0)
