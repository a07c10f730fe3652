"""Benchmark: dyplab's A6 CNN against the original course recipe, on the course split.

Both models are trained in this one process, one after the other, on the same data: the course's
20,000-image subset (16,000 / 4,000, stratified, seed 42), with 10 % of the training part held out
as validation (both fits restore their best validation epoch), and are tested once on the 4,000
test images. Training goes through ``dyplab.training.fit`` (Lightning) for both.

- original: ``OriginalCNN`` (1,199,882 parameters), Adam 1e-3, batch 64, 10 epochs, no early stopping.
- dyplab:   ``CNN`` with the A6 recipe (``dyplab.models.mnist.CNN_FIT``, ``CNN_EPOCHS``).

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


def _run(name: str, model: torch.nn.Module, train, val, test, *, epochs: int, fit_kwargs: dict,
         patience: int | None, seed: int, log_root: Path) -> dict:
    start = time.perf_counter()
    result = training.fit(model, train, val, max_epochs=epochs, patience=patience, seed=seed, progress=False,
                          name=name, log_dir=log_root / name, **fit_kwargs)
    wall = time.perf_counter() - start
    pred = training.predict(result.model, test[0], device="cpu")
    return {"model": name, "test_acc": metrics.accuracy(test[1], pred), "wall_s": wall,
            "params": training.count_parameters(model), "epochs": result.stopped_epoch, "best_epoch": result.best_epoch}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs-original", type=int, default=models.ORIGINAL_EPOCHS,
                        help="epochs for the original recipe (default 10; 0 skips it)")
    parser.add_argument("--epochs-dyplab", type=int, default=models.CNN_EPOCHS,
                        help=f"epochs for dyplab's CNN (default {models.CNN_EPOCHS})")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    data = mnist.network_split()  # the course split (seed 42) with 10 % of its training part for validation
    train, val, test = data.train, data.val, data.test
    print(f"data: train {len(train[1])}, val {len(val[1])}, test {len(test[1])} · device {dyplab.device()} · "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")

    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-bench-") as tmp:
        if args.epochs_original > 0:
            dyplab.seed_everything(args.seed)
            rows["original"] = _run("original", models.OriginalCNN(), train, val, test, epochs=args.epochs_original,
                                    fit_kwargs=models.ORIGINAL_FIT, patience=None, seed=args.seed, log_root=Path(tmp))
            print(format_run(rows["original"]), flush=True)
        dyplab.seed_everything(args.seed)
        rows["dyplab"] = _run("dyplab", models.CNN(), train, val, test, epochs=args.epochs_dyplab,
                              fit_kwargs=models.CNN_FIT, patience=None, seed=args.seed, log_root=Path(tmp))
        print(format_run(rows["dyplab"]), flush=True)

    comparison_line("mnist_cnn", rows["dyplab"], rows.get("original"), test_split_of="A6")
    return rows


if __name__ == "__main__":
    main()
