"""Pre-train dyplab's small prior-fitted network (TabularPFN) on synthetic tasks and save the checkpoint.

    python scripts/train_pfn.py                       # the shipped settings (about 40 min on one CPU thread)
    python scripts/train_pfn.py --steps 200 --out /tmp/pfn.pt   # a quick check that it learns

Deterministic for a given --seed: one CPU thread, seeded numpy and torch. Writes the checkpoint and, next to it,
``<name>.json`` (settings, log and time) and ``<name>.log`` (the printed log).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from dyplab.pfn.train import TrainConfig, pretrain, save

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "dyplab" / "pfn" / "weights" / "tabular_pfn.pt"


def main(argv: list[str] | None = None) -> int:
    defaults = TrainConfig()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=defaults.seed)
    ap.add_argument("--steps", type=int, default=defaults.steps)
    ap.add_argument("--batch-rows", type=int, default=defaults.batch_rows)
    ap.add_argument("--lr", type=float, default=defaults.lr)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)  # deterministic and polite on a shared CPU, whatever DYPLAB_THREADS says
    cfg = TrainConfig(seed=args.seed, steps=args.steps, batch_rows=args.batch_rows, lr=args.lr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    log_path = args.out.with_suffix(".log")
    with log_path.open("w", encoding="utf-8") as fh:
        def log(line: str) -> None:
            print(line, flush=True)
            fh.write(line + "\n")
            fh.flush()

        log(f"settings: {json.dumps(asdict(cfg))}")
        def snapshot(model, rows) -> None:  # an intermediate checkpoint every 5 log lines
            if len(rows) % 5 == 0:
                save(model, cfg, rows, args.out)

        model, rows = pretrain(cfg, log=log, on_log=snapshot)
    save(model, cfg, rows, args.out)
    seconds = rows[-1]["seconds"] if rows else 0.0
    args.out.with_suffix(".json").write_text(
        json.dumps({"settings": asdict(cfg), "train_seconds": seconds, "torch": torch.__version__, "log": rows}, indent=1),
        encoding="utf-8")
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) after {seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
