"""Benchmark: choose A5's MLP recipe and A6's CNN recipe on the validation images (never the test images).

Both recipes predate the course's test-set rule, and the CNN's was first written to reach 99 % on the course
test set. This script chooses them again the honest way. Data: the course's 20,000-image MNIST subset (seed 42);
only its 16,000 training images are used, split as in A5/A6 (``mnist.network_split``: 10 % stratified for
validation, seed 42). The 4,000 test images are never converted, predicted or scored here.

For each candidate (one seed, one thread): train with ``dyplab.training.fit`` as the notebook does (early
stopping patience 5 for the MLP, 3 for the CNN; best validation-loss epoch restored), then score the validation images. The choice rule, fixed before any run: the highest validation
accuracy; candidates within ``--tolerance`` (default 0.25 percentage points, four of the 1,600 validation
images) of it count as tied, and among tied candidates the one with the fewest epochs (then fewest parameters)
wins, because a student's laptop pays for every epoch. The last line of each part names the choice and whether
it is the recipe in ``dyplab.models.mnist`` (``MNIST_MLP``, ``MNIST_CNN``).

    python benchmarks/mnist_recipe_selection.py                # both parts (a few CPU-minutes, one thread)
    python benchmarks/mnist_recipe_selection.py --part cnn     # only the CNN
    python benchmarks/mnist_recipe_selection.py --quick        # 2,000 images, 1 epoch (a smoke run)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

import dyplab
from dyplab import metrics, splits, training
from dyplab.course.report import record_benchmark
from dyplab.data import mnist
from dyplab.models import mnist as models
from dyplab.training import Recipe


@dataclass(frozen=True)
class Candidate:
    """One candidate recipe under a name; ``is_current`` marks the recipe in ``dyplab.models.mnist``."""

    name: str
    recipe: Recipe
    is_current: bool = False


_WIDE = {"hidden": (1024, 512)}
MLP_CANDIDATES = (
    Candidate("MLP 1024-512, dropout 0.3, 15 epochs", models.MNIST_MLP.replace(model_kwargs=_WIDE)),
    Candidate("MLP 1024-512, dropout 0.3, 8 epochs", models.MNIST_MLP.replace(model_kwargs=_WIDE, max_epochs=8)),
    Candidate("MLP 512-256, dropout 0.3, 15 epochs (MNIST_MLP)", models.MNIST_MLP, is_current=True),
    Candidate("MLP 1024-512, dropout 0.3, 15 epochs, Adam 1e-3 without schedule",
              models.MNIST_MLP.replace(model_kwargs=_WIDE, optimizer="adam", lr=1e-3, weight_decay=0.0, schedule=None)),
)
CNN_CANDIDATES = (
    Candidate("CNN 16-32-64, 8 epochs (MNIST_CNN)", models.MNIST_CNN, is_current=True),
    Candidate("CNN 16-32-64, 4 epochs", models.MNIST_CNN.replace(max_epochs=4)),
    Candidate("CNN 16-32-64, 12 epochs", models.MNIST_CNN.replace(max_epochs=12)),
    Candidate("CNN 8-16-32, 8 epochs", models.MNIST_CNN.replace(model_kwargs={"channels": (8, 16, 32)})),
)
PARTS = {"mlp": MLP_CANDIDATES, "cnn": CNN_CANDIDATES}


def development_data(n: int, seed: int = 42) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The training and validation images of A5/A6 (same indices as ``mnist.network_split``); no test images."""
    course = mnist.course_subset(n=n, seed=seed)
    fit_pos, val_pos = splits.train_val(course.y_train, val_size=0.1, seed=seed)
    X, y = course.X_train, course.y_train
    return ((mnist.to_tensor_input(X[fit_pos]), y[fit_pos]), (mnist.to_tensor_input(X[val_pos]), y[val_pos]))


def evaluate(cand: Candidate, train, val, *, epochs: int | None, seed: int, log_root: Path) -> dict:
    """Train one candidate and return its validation accuracy, epochs, parameters and wall time."""
    dyplab.seed_everything(seed)
    model = cand.recipe.build()
    start = time.perf_counter()
    epochs = epochs or cand.recipe.max_epochs
    result = cand.recipe.fit(model, train, val, max_epochs=epochs, seed=seed, progress=False, name="cand",
                             log_dir=log_root)
    wall = time.perf_counter() - start
    acc = metrics.accuracy(val[1], training.predict(result.model, val[0], device="cpu"))
    return {"val_acc": acc, "epochs": epochs, "params": training.count_parameters(model),
            "wall_s": wall, "best_epoch": result.best_epoch}


def choose(scores: dict[str, dict], tolerance: float) -> str:
    """The cheapest candidate whose validation accuracy is within ``tolerance`` of the best."""
    best = max(s["val_acc"] for s in scores.values())
    tied = [n for n, s in scores.items() if s["val_acc"] >= best - tolerance]
    return min(tied, key=lambda n: (scores[n]["epochs"], scores[n]["params"]))


def run_part(part: str, train, val, *, epochs: int | None, seed: int, tolerance: float) -> str:
    """Print every candidate of one part and the choice; record the choice for the course report."""
    candidates = PARTS[part]
    print(f"\n{part.upper()}: {len(candidates)} candidates, seed {seed}, validation {len(val[1])} images, "
          f"tolerance {100 * tolerance:.2f} points")
    print(f"{'candidate':<66} {'val_acc':>8} {'epochs':>6} {'best':>5} {'params':>10} {'time':>7}")
    scores = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-select-") as tmp:
        for k, cand in enumerate(candidates):
            s = evaluate(cand, train, val, epochs=epochs, seed=seed, log_root=Path(tmp) / str(k))
            scores[cand.name] = s
            print(f"{cand.name:<66} {s['val_acc']:>8.4f} {s['epochs']:>6} {s['best_epoch']:>5} {s['params']:>10,} "
                  f"{s['wall_s']:>6.0f}s", flush=True)
    winner = choose(scores, tolerance)
    current = next(c.name for c in candidates if c.is_current)
    print(f"{part}: choice={winner!r} val_acc={scores[winner]['val_acc']:.4f} is_current_recipe={winner == current}")
    record_benchmark(f"mnist_recipe_selection_{part}", choice=winner, val_acc=scores[winner]["val_acc"],
                     is_current_recipe=winner == current)
    return winner


def main(argv: list[str] | None = None) -> dict[str, str]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--quick", action="store_true", help="2,000 images and 1 epoch per candidate (a smoke run)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tolerance", type=float, default=0.0025, help="accuracy counted as a tie (default 0.0025)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    train, val = development_data(2_000 if args.quick else 20_000)
    print(f"MNIST development data: train {len(train[1])}, validation {len(val[1])} (test images not used) · "
          f"{torch.get_num_threads()} thread(s)")
    parts = list(PARTS) if args.part == "all" else [args.part]
    return {p: run_part(p, train, val, epochs=1 if args.quick else None, seed=args.seed, tolerance=args.tolerance)
            for p in parts}


if __name__ == "__main__":
    main()
