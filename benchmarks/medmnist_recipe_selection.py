"""Benchmark: choose C4a's MedMNIST recipes (CNN and ViT) on MedMNIST's official validation split only.

For every model kind and data set C4a trains (CompactCNN on BreastMNIST and RetinaMNIST, the SmallViT on
BreastMNIST), each candidate of ``dyplab.workflows.medimaging.CANDIDATES`` (learning rate × augmentation) is trained
with the shared budget of ``medimaging.MEDMNIST_CNN``/``MEDMNIST_VIT`` (the same epochs for CNN and ViT, cosine schedule, the epoch with
the lowest validation loss kept) through ``medimaging.train_seeds`` without a test split: the test files are
never read. The rule, the same for every model and data set: the highest mean validation AUC (as MedMNIST v2
defines it) over the seeds; a tie goes to the earlier candidate. The script prints every candidate and the
choice, and whether the choice is the one in ``medimaging.CHOSEN`` (what the notebook uses).

Honesty note: before this script existed, C4a's test splits had been evaluated in class runs (see the
test-set ledger, ``dyplab.course.ledger.looks("C4a")``), and the candidate list was written after that.
Whatever the script prints is the answer; if it disagrees with ``CHOSEN``, ``CHOSEN`` is changed, not the list.

    python benchmarks/medmnist_recipe_selection.py                # 4 candidates × 3 (model, set), seeds 0 and 1
    python benchmarks/medmnist_recipe_selection.py --quick        # 2 epochs (a smoke run of the script)
    python benchmarks/medmnist_recipe_selection.py --seeds 0 1 2  # more seeds (slower, less noisy)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from dyplab.course.report import record_benchmark
from dyplab.data import medmnist
from dyplab.workflows import medimaging

#: (model kind, MedMNIST flag) pairs C4a trains.
PAIRS = (("cnn", "breastmnist"), ("cnn", "retinamnist"), ("vit", "breastmnist"))


def evaluate(kind: str, flag: str, candidate: str, *, seeds: tuple[int, ...], epochs: int | None,
             log_root: Path) -> dict[str, float]:
    """Mean validation AUC/accuracy, mean best epoch and total seconds of one candidate (train + val only)."""
    train, val = medmnist.load(flag, "train"), medmnist.load(flag, "val")
    recipe = medimaging.recipe(kind, flag, candidate)
    if epochs is not None:
        recipe = recipe.replace(max_epochs=epochs)
    start = time.perf_counter()
    table, _ = medimaging.train_seeds(recipe, train, val, seeds=seeds, name=f"{kind}_{flag}", log_dir=log_root)
    return {"val_auc": float(table["val_auc"].mean()), "val_acc": float(table["val_acc"].mean()),
            "best_epoch": float(table["best_epoch"].mean()), "seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> dict[tuple[str, str], str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 epochs per candidate (checks that the script runs)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="seeds per candidate (default: 0 1)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    seeds = tuple(args.seeds)
    epochs = 2 if args.quick else None
    print(f"MedMNIST recipe selection on the official validation splits (test splits not read): "
          f"{epochs or medimaging.MEDMNIST_CNN.max_epochs} epochs max, seeds {list(seeds)}, {torch.get_num_threads()} "
          f"thread(s){' (quick)' if args.quick else ''}. Rule: highest mean validation AUC.", flush=True)
    print(f"{'model':<5} {'data set':<12} {'candidate':<30} {'val AUC':>8} {'val acc':>8} {'best ep':>8} {'time':>7}")
    chosen: dict[tuple[str, str], str] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-medmnist-") as tmp:
        for kind, flag in PAIRS:
            scores = {}
            for name in medimaging.CANDIDATES:
                s = evaluate(kind, flag, name, seeds=seeds, epochs=epochs, log_root=Path(tmp) / f"{kind}_{flag}_{len(scores)}")
                scores[name] = s
                print(f"{kind:<5} {flag:<12} {name:<30} {s['val_auc']:>8.3f} {s['val_acc']:>8.3f} "
                      f"{s['best_epoch']:>8.1f} {s['seconds']:>6.0f}s", flush=True)
            best = max(scores, key=lambda n: scores[n]["val_auc"])  # max keeps the first of equal values
            chosen[(kind, flag)] = best
            in_use = medimaging.CHOSEN.get((kind, flag))
            print(f"-> {kind} on {flag}: chosen {best!r} (val AUC {scores[best]['val_auc']:.3f}); "
                  f"medimaging.CHOSEN has {in_use!r}{'' if best == in_use else '  <-- DIFFERENT: update CHOSEN'}",
                  flush=True)
    agree = all(medimaging.CHOSEN.get(pair) == name for pair, name in chosen.items())
    print(f"chosen={ {f'{k}/{f}': n for (k, f), n in chosen.items()} } matches_CHOSEN={agree}")
    if not args.quick:
        record_benchmark("medmnist_recipe_selection", matches_chosen=agree,
                         **{f"{k}_{f}": n for (k, f), n in chosen.items()})
    return chosen


if __name__ == "__main__":
    main()
