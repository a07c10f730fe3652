"""Benchmark: the A6 CNN recipe alone and beside a competing CPU load, for torch thread counts and OMP_WAIT_POLICY.

Each configuration runs in a fresh Python process (``OMP_WAIT_POLICY`` must be set before torch starts):
the A6 network (``dyplab.models.mnist.MNIST_CNN``) trains for a fixed number of epochs on a
course-split subset, and the wall time of ``fit`` is printed. The competing load is one busy-loop process
per CPU core, started before the training and stopped after it. The table shows the time under load
divided by the time alone ("slowdown"): the default to recommend is the one whose slowdown stays small.

Times depend on the machine and on what else runs on it; on a shared machine the "alone" column is not
really alone, so compare rows measured in the same run.

    python benchmarks/threads.py             # 4,000 images, 1 epoch per configuration (a few minutes)
    python benchmarks/threads.py --n 2000    # faster
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys

from dyplab.course.report import record_benchmark

WORKER = r"""
import json, sys, tempfile, time
import torch
torch.set_num_threads(int(sys.argv[1]))
import dyplab
from dyplab import training
from dyplab.data import mnist
from dyplab.models import mnist as mnist_models
data = mnist.network_split(n=int(sys.argv[2]))
dyplab.seed_everything(42)
with tempfile.TemporaryDirectory() as tmp:
    start = time.perf_counter()
    recipe = mnist_models.MNIST_CNN
    res = recipe.fit(recipe.build(), data.train, data.val, max_epochs=int(sys.argv[3]), patience=None,
                     name="threads", log_dir=tmp, progress=False)
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "threads": torch.get_num_threads()}))
"""


def _busy(stop: mp.Event) -> None:  # type: ignore[valid-type]
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def run_once(threads: int, policy: str, n: int, epochs: int, load: bool) -> float:
    """Wall time (s) of one training run in a fresh process, optionally beside one busy loop per core."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OMP_WAIT_POLICY": policy, "DYPLAB_PROGRESS": "0"}
    env.pop("DYPLAB_THREADS", None)
    stop = mp.Event()
    busy = [mp.Process(target=_busy, args=(stop,), daemon=True) for _ in range(os.cpu_count() or 1)] if load else []
    for p in busy:
        p.start()
    try:
        out = subprocess.run([sys.executable, "-c", WORKER, str(threads), str(n), str(epochs)], env=env,
                             capture_output=True, text=True, check=False)
    finally:
        stop.set()
        for p in busy:
            p.join(timeout=5)
    if out.returncode != 0:
        raise RuntimeError(f"worker failed (threads={threads}, policy={policy}): {out.stderr[-800:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="course-subset size (default 4000)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    print(f"A6 recipe, {args.n} images, {args.epochs} epoch(s); CPU cores seen: {os.cpu_count()}; "
          f"competing load = {os.cpu_count()} busy-loop processes")
    print(f"{'threads':>7} {'OMP_WAIT_POLICY':>15} {'alone (s)':>10} {'loaded (s)':>11} {'slowdown':>9}")
    rows = []
    for threads in args.threads:
        for policy in ("passive", "active"):
            alone = run_once(threads, policy, args.n, args.epochs, load=False)
            loaded = run_once(threads, policy, args.n, args.epochs, load=True)
            rows.append((threads, policy, alone, loaded))
            print(f"{threads:>7} {policy:>15} {alone:>10.1f} {loaded:>11.1f} {loaded / alone:>8.1f}×", flush=True)
    best = min(rows, key=lambda r: r[3])
    print(f"best_under_load threads={best[0]} policy={best[1]} loaded_s={best[3]:.1f}")
    record_benchmark("threads", best_threads=best[0], best_policy=best[1], loaded_s=best[3])


if __name__ == "__main__":
    main()
