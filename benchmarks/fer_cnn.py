"""Benchmark: dyplab's FER2013 recipe (E2) against the earlier EmotionNet recipe, on the official 7-class split.

Both models are trained in this one process, one after the other, on the same data: the official train
folder with a stratified 10 % validation part (seed 42) and evaluated on the official test folder
(7,178 images, PublicTest + PrivateTest), E3's test set. Both fits restore their best validation epoch.
A run from a git checkout is a look at that test set, so ``comparison_line`` adds a row for E3 to the
test-set ledger (``dyplab.course.ledger``); never choose a recipe from its numbers
(``benchmarks/fer_recipe_selection.py`` chooses on validation).

- original: ``EmotionNet`` (1.7 M parameters), Adam 1e-3 with weight decay 1e-4, batch 32, 30 epochs,
  learning rate halved after 5 epochs without improvement, early stopping after 10 (on validation
  accuracy), no class weights; augmentation flip / ±10° / 10 % shift as in its torchvision pipeline.
- dyplab: ``FaceCNN`` with the E2 recipe (``dyplab.workflows.faces.FER``; bfloat16 where the CPU has it natively,
  the original stays float32): AdamW, OneCycle, batch 128,
  square-root class weights, augmentation layer.

The last line is ``ratio_time=<dyplab/original> acc_dyplab=<..> acc_original=<..>``; the goal is
acc_dyplab >= acc_original with ratio_time <= 0.33. Wall times depend on the machine and on what else
runs on it; compare the ratio, not the seconds.

    python benchmarks/fer_cnn.py --threads 1                              # full run (about 48 minutes on one core with 30 dyplab epochs)
    python benchmarks/fer_cnn.py --limit-per-class 100 --epochs-original 1 --epochs-dyplab 1   # quick check
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

import dyplab
from dyplab import metrics, training
from dyplab.course.report import comparison_line, format_run
from dyplab.data import fer2013
from dyplab.models.faces import EmotionNet, face_augmentation
from dyplab.training import Recipe
from dyplab.workflows import faces

#: The original course's recipe (its augmentation layer is put in front of the network in ``main``).
ORIGINAL = Recipe(EmotionNet, {"n_classes": 7}, optimizer="adam", lr=1e-3, weight_decay=1e-4, schedule="plateau",
                  monitor="val_acc", patience=10, batch_size=32, max_epochs=30)


def _row(name: str, res: training.FitResult, wall: float, test) -> dict:
    pred = training.predict(res.model, fer2013.to_tensor_input(test.X), device="cpu")
    return {"model": name, "test_acc": metrics.accuracy(test.y, pred), "wall_s": wall,
            "params": training.count_parameters(res.model), "epochs": res.stopped_epoch, "best_epoch": res.best_epoch,
            "precision": res.precision}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs-original", type=int, default=ORIGINAL.max_epochs, help="0 skips the original recipe")
    parser.add_argument("--epochs-dyplab", type=int, default=faces.FER.max_epochs)
    parser.add_argument("--limit-per-class", type=int, default=None, help="a seeded subset per class (quick checks)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    split = faces.official_split(val_size=0.1, seed=args.seed, limit_per_class=args.limit_per_class,
                                 test_limit_per_class=args.limit_per_class)
    print(f"data: {split.sizes()} · device {dyplab.device()} · torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads")
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dyplab-bench-") as tmp:
        if args.epochs_original > 0:
            dyplab.seed_everything(args.seed)
            model = nn.Sequential(face_augmentation(zoom=0.0), ORIGINAL.build())
            train = (fer2013.to_tensor_input(split.train.X), torch.as_tensor(split.train.y))
            val = (fer2013.to_tensor_input(split.val.X), torch.as_tensor(split.val.y))
            start = time.perf_counter()
            res = ORIGINAL.fit(model, train, val, max_epochs=args.epochs_original, seed=args.seed, progress=False,
                               name="original", log_dir=Path(tmp) / "original")
            rows["original"] = _row("original", res, time.perf_counter() - start, split.test)
            print(format_run(rows["original"]), flush=True)
        start = time.perf_counter()
        res, _ = faces.train_model(split.train, split.val, recipe=faces.FER.replace(max_epochs=args.epochs_dyplab, patience=None),
                                   balancing="weights", seed=args.seed, name="dyplab", progress=False)
        rows["dyplab"] = _row("dyplab", res, time.perf_counter() - start, split.test)
        print(format_run(rows["dyplab"]), flush=True)

    comparison_line("fer_cnn", rows["dyplab"], rows.get("original"), test_split_of="E3")
    return rows


if __name__ == "__main__":
    main()
