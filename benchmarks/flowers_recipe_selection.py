"""Benchmark: choose C2's flower recipe (image size, schedule, epochs) on the validation split of the whole set.

Every candidate trains one ``CompactCNN`` with ``dyplab.training.fit`` on the training part of the whole flower set
(``flowers.source(whole=True)``: the original archive online, the offline stand-in ``flowers_256`` otherwise; the
70/15/15 manifest that C1–C4a use) and is scored on the validation part. The test part is never loaded.

Time is part of the choice: C2 must train in the class profile within a few minutes on a 2-core laptop CPU, so a
candidate whose training takes more than ``--budget-s`` seconds of CPU time (one thread; on a quiet machine about
its wall time, and unlike wall time not inflated when other jobs share the CPU) is not eligible. Among the eligible
candidates the highest validation accuracy wins. The last line names the winner and whether it is
``models.images.FLOWERS`` at ``FLOWERS_IMAGE_SIZE`` (the recipe C2 trains); if it is not, that is printed, not hidden.

    python benchmarks/flowers_recipe_selection.py              # all candidates (about 10 minutes, one thread)
    python benchmarks/flowers_recipe_selection.py --workers 3  # the candidates in parallel processes
    python benchmarks/flowers_recipe_selection.py --epochs 2   # a smoke run of the script itself
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import torch

import dyplab
from dyplab import training
from dyplab.course.report import record_benchmark
from dyplab.data import flowers
from dyplab.models import images as models
from dyplab.training import Recipe

ONECYCLE = models.COMPACT.replace(schedule="onecycle", patience=None)
#: Each candidate: the image size and the training recipe.
CANDIDATES: dict[str, tuple[int, Recipe]] = {
    "64 px, plateau + early stopping, 25 epochs (C2 before)": (64, models.COMPACT),
    "64 px, one-cycle, 25 epochs": (64, ONECYCLE.replace(max_epochs=25)),
    "128 px (stem stride 2), one-cycle, 20 epochs": (128, ONECYCLE.replace(max_epochs=20)),
    # Added on 7 December 2026 after the first three had run (the best, 0.7916, missed C2's 0.80 goal) and after
    # C3's test number had been seen twice; the guide says so. Both fit the CPU budget by the first three's times.
    "64 px, one-cycle, 35 epochs": (64, ONECYCLE.replace(max_epochs=35)),
    "128 px (stem stride 2), one-cycle, 30 epochs": (128, ONECYCLE.replace(max_epochs=30)),
}


def evaluate(name: str, source: flowers.FlowerSource, *, epochs: int | None, seed: int, threads: int,
             log_root: Path) -> dict:
    """Validation accuracy, epochs and training time (CPU and wall) of one candidate; the test part is not touched."""
    torch.set_num_threads(threads)
    size, recipe = CANDIDATES[name]
    split = flowers.prepare(size, source=source, seed=42)
    dyplab.seed_everything(seed)
    model = recipe.build(split.data.n_classes, stem_stride=models.stem_stride_for(size))
    cpu = time.process_time()
    fit = recipe.fit(model, split.dataset("train", augment=True), split.tensors("val"),
                     max_epochs=epochs or recipe.max_epochs, seed=seed, progress=False, name="candidate", log_dir=log_root)
    cpu = time.process_time() - cpu
    val = training.evaluate(fit.model, split.tensors("val"))
    return {"val_acc": val["acc"], "val_loss": val["loss"], "cpu_s": cpu, "wall_s": fit.elapsed_s,
            "epochs": fit.stopped_epoch, "best_epoch": fit.best_epoch, "n_train": len(split.index("train")),
            "n_val": len(split.index("val"))}


def same_recipe(cand: tuple[int, Recipe]) -> bool:
    """True when ``cand`` is the recipe C2 trains (``models.FLOWERS`` at ``models.FLOWERS_IMAGE_SIZE``)."""
    return cand == (models.FLOWERS_IMAGE_SIZE, models.FLOWERS)


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-s", type=float, default=240.0, help="most CPU seconds of training for C2 (default 240)")
    parser.add_argument("--workers", type=int, default=1, help="candidates trained in parallel processes (default 1)")
    parser.add_argument("--epochs", type=int, default=None, help="override every candidate's epochs (a smoke run)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1, as in the notebooks)")
    parser.add_argument("--only", nargs="*", help="run only candidates whose name contains one of these words")
    args = parser.parse_args(argv)
    source = flowers.source(whole=True)
    print(source.describe())
    names = [n for n in CANDIDATES if not args.only or any(w.lower() in n.lower() for w in args.only)]
    print(f"Candidates are scored on the validation part only; the test part is not loaded. Budget {args.budget_s:.0f} s "
          f"of training CPU time, {args.threads} thread(s) per candidate, {args.workers} worker(s), seed {args.seed}.",
          flush=True)
    for name in names:  # decode each image size once, before the workers read the cache
        flowers.prepare(CANDIDATES[name][0], source=source, seed=42)
    scores: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-flowers-select-") as tmp, \
            ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        jobs = {name: pool.submit(evaluate, name, source, epochs=args.epochs, seed=args.seed, threads=args.threads,
                                  log_root=Path(tmp) / str(i)) for i, name in enumerate(names)}
        print(f"{'candidate':<56} {'val_acc':>8} {'val_loss':>8} {'epochs':>9} {'cpu_s':>7} {'wall_s':>7}")
        for name, job in jobs.items():
            s = scores[name] = job.result()
            print(f"{name:<56} {s['val_acc']:>8.4f} {s['val_loss']:>8.4f} {s['epochs']:>4} ({s['best_epoch']:>2}) "
                  f"{s['cpu_s']:>6.0f}s {s['wall_s']:>6.0f}s", flush=True)
    first = next(iter(scores.values()))
    print(f"train {first['n_train']} / val {first['n_val']} photos")
    eligible = [n for n in scores if scores[n]["cpu_s"] <= args.budget_s]
    if eligible:
        best = max(eligible, key=lambda n: scores[n]["val_acc"])
    else:
        best = min(scores, key=lambda n: scores[n]["cpu_s"])
        print(f"no candidate trained within {args.budget_s:.0f} CPU seconds; the fastest is chosen")
    is_recipe = same_recipe(CANDIDATES[best])
    print(f"winner={best!r} val_acc={scores[best]['val_acc']:.4f} cpu_s={scores[best]['cpu_s']:.0f} "
          f"is_flowers_recipe={is_recipe}")
    record_benchmark("flowers_recipe_selection", winner=best, val_acc=scores[best]["val_acc"],
                     cpu_s=scores[best]["cpu_s"], is_flowers_recipe=is_recipe)
    return scores


if __name__ == "__main__":
    main()
