"""Benchmark: dyplab's CompactCNN recipe against the earlier course's SimpleCNN recipe on the flower photos.

Both models are trained in this one process, one after the other, on the same data: the flowers of
``dyplab.data.flowers`` (the mirror's 400-image subset offline, 3,670 online) decoded at the same image size
and divided by the same manifest (70/15/15, stratified, seed 42; the one C1-C3 use). Both fits go through
``dyplab.training.fit`` (Lightning), restore their best validation epoch and are tested once on the test part.

- original: ``SimpleCNN`` (flatten-FC; 51,476,549 parameters at 224 px), Adam 1e-3, weight decay 1e-4,
  batch 32, at most 25 epochs, LR halved and early stopping (patience 5) on validation accuracy, float32, the
  augmentation of the course (flip, rotation 15°, colour jitter).
- dyplab: ``CompactCNN`` with C2's recipe (``COMPACT_FIT``: AdamW, plateau schedule and early stopping on the
  validation loss, bfloat16 mixed precision where the CPU/GPU computes it natively, channels-last memory layout),
  same augmentation. From 128 px its first convolution steps two pixels (``stem_stride_for``; C2's 64 px
  images need no such step), so every later layer works on a quarter of the pixels.

Both use dyplab's data pipeline: the decoded-image cache and the augmentation computed per batch
(``dyplab.data.image_tensors.augment_batch``), so the difference in time is the network and the recipe.

The last line is ``ratio_time=<dyplab/original> acc_dyplab=<..> acc_original=<..>``. The goal is
acc_dyplab >= acc_original with ratio_time <= 0.25. With 60 test images one image is 1.7 percentage points,
so compare the accuracies with that in mind. Wall times depend on the machine and on what else runs on it;
compare the ratio, not the seconds.

    python benchmarks/flowers_cnn.py                    # 224 px as in the course (long on a laptop CPU)
    python benchmarks/flowers_cnn.py --image-size 64    # the notebooks' size (minutes)
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
from dyplab.data import flowers
from dyplab.models import images as models


def _run(name: str, model: torch.nn.Module, split, *, epochs: int, patience: int, fit_kwargs: dict, seed: int,
         log_root: Path) -> dict:
    start = time.perf_counter()
    result = training.fit(model, split.dataset("train", augment=True), split.tensors("val"), max_epochs=epochs,
                          patience=patience, seed=seed, progress=False, name=name, log_dir=log_root / name,
                          **fit_kwargs)
    wall = time.perf_counter() - start
    X_test, y_test = split.tensors("test")
    pred = training.predict(result.model, X_test, device="cpu")
    return {"model": name, "test_acc": metrics.accuracy(y_test.numpy(), pred), "wall_s": wall,
            "params": training.count_parameters(model), "epochs": result.stopped_epoch, "best_epoch": result.best_epoch,
            "precision": result.precision}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image-size", type=int, default=224, help="image size for both models (default 224)")
    parser.add_argument("--epochs-original", type=int, default=models.SIMPLE_EPOCHS,
                        help=f"most epochs for the original recipe (default {models.SIMPLE_EPOCHS}; 0 skips it)")
    parser.add_argument("--epochs-dyplab", type=int, default=models.COMPACT_EPOCHS,
                        help=f"most epochs for dyplab's recipe (default {models.COMPACT_EPOCHS})")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    split = flowers.prepare(args.image_size, seed=args.seed)
    sizes = split.split.sizes()
    print(f"data: {len(split.data)} flower photos at {args.image_size} px · train {sizes['train']}, val {sizes['val']}, "
          f"test {sizes['test']} · device {dyplab.device()} · torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads", flush=True)

    rows: dict[str, dict] = {}
    n_classes = split.data.n_classes
    with tempfile.TemporaryDirectory(prefix="dyplab-bench-") as tmp:
        if args.epochs_original > 0:
            dyplab.seed_everything(args.seed)
            rows["original"] = _run("original", models.SimpleCNN(n_classes, image_size=args.image_size), split,
                                    epochs=args.epochs_original, patience=models.SIMPLE_PATIENCE,
                                    fit_kwargs=models.SIMPLE_FIT, seed=args.seed, log_root=Path(tmp))
            print(format_run(rows["original"]), flush=True)
        dyplab.seed_everything(args.seed)
        compact = models.CompactCNN(n_classes, stem_stride=models.stem_stride_for(args.image_size))
        rows["dyplab"] = _run("dyplab", compact, split, epochs=args.epochs_dyplab,
                              patience=models.COMPACT_PATIENCE, fit_kwargs=models.COMPACT_FIT, seed=args.seed,
                              log_root=Path(tmp))
        print(format_run(rows["dyplab"]), flush=True)

    comparison_line("flowers_cnn", rows["dyplab"], rows.get("original"))
    return rows


if __name__ == "__main__":
    main()
