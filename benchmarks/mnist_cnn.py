"""Benchmark: dyplab's A6 CNN against the original course recipe, on the course split.

Both models are trained in this one process, one after the other, on the same data: the course's
20,000-image subset (16,000 / 4,000, stratified, seed 42), with 10 % of the training part held out
as validation (both fits restore their best validation epoch), and are tested once on the 4,000
test images. Training goes through ``dyplab.training.fit`` (Lightning) for both.

- original: ``OriginalCNN`` (1,199,882 parameters), Adam 1e-3, batch 64, 10 epochs, no early stopping.
- dyplab:   ``CNN`` with the A6 recipe (``dyplab.models.mnist.MNIST_CNN``), here without early stopping.

The last line is ``ratio_time=<dyplab/original> acc_dyplab=<..> acc_original=<..>``. The goal is
acc_dyplab >= 0.990 with ratio_time <= 0.25. Wall times depend on the machine and on what else runs
on it; compare the ratio, not the seconds.

    python benchmarks/mnist_cnn.py                      # full run (minutes on a laptop CPU)
    python benchmarks/mnist_cnn.py --epochs-original 1  # quick check
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

import dyplab
from dyplab import metrics, training
from dyplab.course.report import comparison_line, format_run
from dyplab.data import mnist
from dyplab.models import mnist as models
from dyplab.training import Recipe


def _run(name: str, recipe: Recipe, train, val, test, *, epochs: int, seed: int, log_root: Path) -> dict:
    """Build (the caller has seeded) and train ``recipe``'s network, then test it once."""
    model = recipe.build()
    start = time.perf_counter()
    result = recipe.fit(model, train, val, max_epochs=epochs, seed=seed, progress=False, name=name,
                        log_dir=log_root / name)
    wall = time.perf_counter() - start
    pred = training.predict(result.model, test.X, device="cpu")
    return {"model": name, "test_acc": metrics.accuracy(test.y, pred), "wall_s": wall,
            "params": training.count_parameters(model), "epochs": result.stopped_epoch, "best_epoch": result.best_epoch}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs-original", type=int, default=models.MNIST_ORIGINAL_CNN.max_epochs,
                        help="epochs for the original recipe (default 10; 0 skips it)")
    parser.add_argument("--epochs-dyplab", type=int, default=models.MNIST_CNN.max_epochs,
                        help=f"epochs for dyplab's CNN (default {models.MNIST_CNN.max_epochs})")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    data = mnist.network_split()  # the course split (seed 42) with 10 % of its training part for validation
    train, val, test = data.train, data.val, data.test
    print(f"data: train {len(train)}, val {len(val)}, test {len(test)} · device {dyplab.device()} · "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")

    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-bench-") as tmp:
        if args.epochs_original > 0:
            dyplab.seed_everything(args.seed)
            rows["original"] = _run("original", models.MNIST_ORIGINAL_CNN, train, val, test, epochs=args.epochs_original,
                                    seed=args.seed, log_root=Path(tmp))
            print(format_run(rows["original"]), flush=True)
        dyplab.seed_everything(args.seed)
        rows["dyplab"] = _run("dyplab", models.MNIST_CNN.replace(patience=None), train, val, test,
                              epochs=args.epochs_dyplab, seed=args.seed, log_root=Path(tmp))
        print(format_run(rows["dyplab"]), flush=True)

    comparison_line("mnist_cnn", rows["dyplab"], rows.get("original"), test_split_of="A6")
    return rows


if __name__ == "__main__":
    main()
