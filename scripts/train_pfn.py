"""Pre-train dyplab's small prior-fitted network (TabularPFN) on synthetic tasks and save the checkpoint.

The tasks have 2 to 10 classes (:mod:`dyplab.pfn.prior`); the network outputs logits for up to 10 classes.

    git show 95dfb5f:src/dyplab/pfn/weights/tabular_pfn.pt > results/pfn_candidates/binary_v1.pt
    python scripts/train_pfn.py --steps 8000 --lr 5e-4 --init results/pfn_candidates/binary_v1.pt \
        --out results/pfn_pretrain_v2/tabular_pfn.pt --snapshots 2000,4000
        # the shipped run: 8000 steps with 2-10 classes from the 6000-step binary network (seed 0; 42 min on one
        # shared CPU thread, 14000 steps in all), keeping the network after 2000 and 4000 of its steps
        # (``<name>_step2000.pt``, ...) for benchmarks/pfn_selection.py, which chooses among them and copies the
        # chosen one into dyplab/pfn/weights (``--ship``)
    python scripts/train_pfn.py --steps 200 --out /tmp/pfn.pt   # a quick check that it learns

Deterministic for a given --seed (and --init weights): one CPU thread, seeded numpy and torch. Writes the checkpoint and, next to it,
``<name>.json`` (settings, log and time) and ``<name>.log`` (the printed log). A snapshot at step k is the network
of this very run after k steps (same learning-rate schedule, which decays over ``--steps``), so one run gives every
candidate length up to ``--steps``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from dyplab.pfn.train import TrainConfig, pretrain, save, total_steps

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "dyplab" / "pfn" / "weights" / "tabular_pfn.pt"


def snapshot_path(out: Path, step: int) -> Path:
    """Where the network after ``step`` steps of the run writing ``out`` is kept."""
    return out.with_name(f"{out.stem}_step{step}{out.suffix}")


def parse_steps(text: str) -> tuple[int, ...]:
    """``"1000,2000"`` -> ``(1000, 2000)``; positive integers only."""
    try:
        steps = tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--snapshots {text!r}: expected comma-separated integers") from exc
    if any(k <= 0 for k in steps):
        raise argparse.ArgumentTypeError(f"--snapshots {text!r}: steps must be positive")
    return steps


def main(argv: list[str] | None = None) -> int:
    defaults = TrainConfig()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=defaults.seed)
    ap.add_argument("--steps", type=int, default=defaults.steps)
    ap.add_argument("--batch-rows", type=int, default=defaults.batch_rows)
    ap.add_argument("--lr", type=float, default=defaults.lr)
    ap.add_argument("--warmup", type=int, default=defaults.warmup, help="steps of linear learning-rate warm-up")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from this checkpoint's network (e.g. the binary one) instead of random weights")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--snapshots", type=parse_steps, default=(),
                    help="comma-separated steps at which to keep the network as <name>_step<k>.pt")
    args = ap.parse_args(argv)
    bad = [k for k in args.snapshots if k > args.steps or k % defaults.log_every]
    if bad:
        ap.error(f"--snapshots {bad}: a snapshot step must be a multiple of {defaults.log_every} (the log interval) "
                 f"and at most --steps {args.steps}")
    torch.set_num_threads(1)  # deterministic and polite on a shared CPU, whatever DYPLAB_THREADS says
    init_steps = 0
    if args.init is not None:
        from dyplab import checkpoints

        init_steps = total_steps(checkpoints.load(args.init).meta["settings"])
    cfg = TrainConfig(seed=args.seed, steps=args.steps, batch_rows=args.batch_rows, lr=args.lr, warmup=args.warmup,
                      init=None if args.init is None else str(args.init), init_steps=init_steps)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    log_path = args.out.with_suffix(".log")
    with log_path.open("w", encoding="utf-8") as fh:
        def log(line: str) -> None:
            print(line, flush=True)
            fh.write(line + "\n")
            fh.flush()

        log(f"settings: {json.dumps(asdict(cfg))}")
        def snapshot(model, rows) -> None:  # an intermediate checkpoint every 5 log lines, and the requested steps
            if len(rows) % 5 == 0:
                save(model, cfg, rows, args.out)
            if rows[-1]["step"] in args.snapshots:
                save(model, cfg, rows, snapshot_path(args.out, rows[-1]["step"]))

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
