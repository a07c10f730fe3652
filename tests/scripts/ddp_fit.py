"""Run dyplab.training.fit with Lightning's DDP on two CPU processes (gloo); used by tests/training/test_fit.py.

Usage: python ddp_fit.py OUT_DIR. Each process writes ``rank<k>.json`` with its history and final weights' sum.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dyplab import seed_everything, training


def main(out: Path) -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 8)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    seed_everything(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    res = training.fit(model, (X[:192], y[:192]), (X[192:], y[192:]), max_epochs=3, lr=0.05, batch_size=32,
                       patience=None, progress=False, log_dir=out / "log", device="cpu", devices=2, strategy="ddp")
    rank = torch.distributed.get_rank() if torch.distributed.is_initialized() else 0
    world = torch.distributed.get_world_size() if torch.distributed.is_initialized() else 1
    weight_sum = float(sum(p.detach().double().sum() for p in res.model.parameters()))
    (out / f"rank{rank}.json").write_text(json.dumps({
        "world": world, "val_acc": res.history["val_acc"].tolist(), "best_epoch": res.best_epoch,
        "weight_sum": weight_sum,
    }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
