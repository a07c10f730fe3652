"""Benchmark: choose the PFN's pre-training length, feature cap, context size and number of forward passes without
the six tables F1 and F2 report.

Candidates are scored on development tables and held-out prior draws only (:mod:`dyplab.pfn.selection`: wine,
iris, digits, diabetes made binary, Cleveland heart disease yes/no and 0-4; 2-24 and 30-80-feature prior draws with
2-10 classes and an unused seed). Parkinson, breast cancer, DARWIN, glioma and the Bonn EEG tables are never loaded.
At every stage the highest criterion wins among the candidates whose mean over the binary tables is within
``selection.BINARY_TOLERANCE`` of the best one's (binary results must not get worse for the sake of several classes).

The search changes one setting at a time (the CPU is shared, so the grid is small):

1. the pre-training length: the networks kept along one pre-training run (``scripts/train_pfn.py --snapshots``; a
   snapshot at step k is that run's network after k steps, the last one is the full run), and any finished network
   given with ``--also`` (here the earlier binary network, 6000 steps, which handles several classes through
   output codes), with the starting values of the other settings. A run started from another network
   (``--init``) counts that network's steps too: 8000 steps from the 6000-step binary network are 14000 steps;
2. ``max_features`` (12 or 24 columns per forward pass), 3. ``max_context`` (256 or 512 context rows),
   4. ``n_estimators`` (4 or 8 forward passes), each with the best values found so far.

The model width (48) is not searched: one pre-training run is what the CPU budget allows.
It prints every candidate's scores and the choice, writes the record ``dyplab/pfn/weights/selection.json``
(F1 and F2 print it) and says whether the choice is what dyplab ships (the weights in ``dyplab/pfn/weights`` and
``PFNClassifier()``'s defaults). ``--ship`` copies the chosen snapshot into ``dyplab/pfn/weights`` (the defaults
in ``PFNClassifier`` are code: set them to the choice by hand).

    git show 95dfb5f:src/dyplab/pfn/weights/tabular_pfn.pt > results/pfn_candidates/binary_v1.pt
    python scripts/train_pfn.py --steps 8000 --lr 5e-4 --init results/pfn_candidates/binary_v1.pt \
        --out results/pfn_pretrain_v2/tabular_pfn.pt --snapshots 2000,4000
    python benchmarks/pfn_selection.py --snapshots results/pfn_pretrain_v2 \
        --also results/pfn_candidates/binary_v1.pt          # about 25 min, one shared thread
    python benchmarks/pfn_selection.py --quick            # 3 folds, 6 prior draws: a smoke run

Scores are kept per candidate (keyed by the weights' sha256 and the settings) in
``<snapshots>/selection_scores.json``, so a repeated run only scores what is new.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import torch

from dyplab import checkpoints
from dyplab.course.report import record_benchmark
from dyplab.pfn import selection
from dyplab.pfn.classifier import WEIGHTS, PFNClassifier, load_pretrained
from dyplab.pfn.model import TabularPFN
from dyplab.pfn.train import describe_runs, runs_behind, total_steps

ROOT = Path(__file__).resolve().parents[1]
START = {"max_features": 24, "max_context": 512, "n_estimators": 4}
"""Values of the inference settings while the pre-training length is chosen."""
GRID = {"max_features": (12, 24), "max_context": (256, 512), "n_estimators": (4, 8)}
"""The values tried for each inference setting, in this order, after the pre-training length."""


def snapshots(folder: Path, also: list[Path] = ()) -> dict[int, Path]:
    """``{total steps: path}`` of the run's ``<name>_step<k>.pt`` files and of its final ``<name>.pt`` if the run
    finished (an unfinished run's ``<name>.pt`` is an intermediate save, not a candidate)."""
    found = {}
    for snap in folder.glob("*_step*.pt"):
        if m := re.search(r"_step(\d+)\.pt$", snap.name):
            found[int(m.group(1)) + int(checkpoints.load(snap).meta["settings"].get("init_steps") or 0)] = snap
    for final in folder.glob("*.pt"):
        if "_step" in final.name:
            continue
        meta = checkpoints.load(final).meta
        if meta["log"] and meta["log"][-1]["step"] == meta["settings"]["steps"]:
            found[total_steps(meta["settings"])] = final
    if not found:
        raise SystemExit(f"{folder}: no finished PFN pre-training run. Run first: python scripts/train_pfn.py --steps 8000 "
                         f"--lr 5e-4 --init results/pfn_candidates/binary_v1.pt --out {folder}/tabular_pfn.pt "
                         f"--snapshots 2000,4000")
    for extra in also:
        meta = checkpoints.load(extra).meta
        step = total_steps(meta["settings"])
        if step in found:
            raise SystemExit(f"{extra}: a candidate with {step} steps exists already ({found[step]})")
        found[step] = extra
    return dict(sorted(found.items()))


def same_weights(a: Path, b: Path) -> bool:
    """True when two checkpoints hold identical tensors."""
    sa, sb = checkpoints.load(a).state_dict, checkpoints.load(b).state_dict
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


class Scorer:
    """Scores candidates on one :class:`selection.Setup`, with a resumable cache on disk."""

    def __init__(self, setup: selection.Setup, steps: dict[int, Path], cache_path: Path) -> None:
        self.setup, self.steps, self.cache_path = setup, steps, cache_path
        self.cache = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path.exists() else {}
        self.digest = {k: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for k, p in steps.items()}
        self.rows: list[dict] = []

    def __call__(self, step: int, max_features: int, max_context: int, n_estimators: int) -> dict:
        key = f"{step}:{self.digest[step]}:{max_features}:{max_context}:{n_estimators}"
        if key not in self.cache:
            start = time.perf_counter()
            model = PFNClassifier(n_estimators=n_estimators, max_features=max_features, max_context=max_context,
                                  weights=str(self.steps[step]))
            self.cache[key] = selection.score(model, self.setup)
            self.cache_path.write_text(json.dumps(self.cache, indent=1), encoding="utf-8")
            print(f"  scored steps={step} max_features={max_features} max_context={max_context} "
                  f"n_estimators={n_estimators} in {time.perf_counter() - start:.0f} s", flush=True)
        scores = self.cache[key]
        row = {"steg": step, "max_features": max_features, "max_context": max_context, "n_estimators": n_estimators,
               **selection.summarise(scores)}
        if row not in self.rows:
            self.rows.append(row)
        return row


def search(score: Scorer, steps: list[int]) -> pd.Series:
    """One setting at a time: the pre-training length, then each inference setting of :data:`GRID`."""
    best = dict(START)
    stage = pd.DataFrame([score(k, **best) for k in steps])
    best_row = selection.choose(stage, guard="binær")
    best["step"] = int(best_row["steg"])
    for name, values in GRID.items():
        stage = pd.DataFrame([score(**{**best, name: v}) for v in values])
        best[name] = int(selection.choose(stage, guard="binær")[name])
    return selection.choose(pd.DataFrame([score(**best)]))


def shipped_settings() -> dict[str, int]:
    """The settings dyplab ships: the shipped weights' pre-training length and ``PFNClassifier()``'s defaults."""
    default = PFNClassifier()
    _, pretrained_max = load_pretrained(WEIGHTS)
    return {"steg": total_steps(checkpoints.load(WEIGHTS).meta["settings"]),
            "max_features": int(min(default.max_features or pretrained_max, pretrained_max)),
            "max_context": int(default.max_context), "n_estimators": int(default.n_estimators)}


def pretraining(path: Path) -> dict:
    """The runs behind a checkpoint (the network it started from first) with their sum and a Norwegian sentence."""
    try:
        runs = runs_behind(path, ROOT)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from exc
    return {"runs": runs, "steps": sum(r["steps"] for r in runs), "seconds": sum(r["seconds"] for r in runs),
            "text": describe_runs(runs) + "."}


def write_record(scores: pd.DataFrame, best: pd.Series, entries: list[str], is_shipped: bool,
                 setup: selection.Setup, pre: dict, steps: dict[int, Path]) -> None:
    """Write the candidates, scores and choice next to the shipped weights (F1 and F2 print them)."""
    def plain(row) -> dict:
        return {k: (int(v) if k in selection.SETTINGS else round(float(v), 6)) for k, v in row.items()}

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    record = {"date": datetime.date.today().isoformat(), "commit": commit or None, "entries": entries,
              "sizes": {n: list(d.X.shape) for n, d in setup.tables.items()} | {n: len(t) for n, t in setup.prior.items()},
              "candidates": [plain(r) for _, r in scores.iterrows()], "choice": plain(best),
              "shipped": shipped_settings(), "is_shipped": bool(is_shipped), "binary_tolerance": selection.BINARY_TOLERANCE,
              "pretraining": pre, "train_seconds": pre["seconds"],
              "networks": {str(k): {"classes": int(checkpoints.load(p).meta["model_kwargs"].get("n_classes", 2))}
                           for k, p in steps.items()}}
    selection.RECORD.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {selection.RECORD.relative_to(ROOT)}")


def ship(path: Path) -> None:
    """Copy a chosen checkpoint with its ``.json`` and ``.log`` into ``dyplab/pfn/weights``; the copy records the
    runs behind it (``meta["pretraining"]``), since the network a warm-started run began from is not shipped."""
    ckpt = checkpoints.load(path)
    meta = {**ckpt.meta, "pretraining": pretraining(path)}
    model = TabularPFN(**meta["model_kwargs"])
    model.load_state_dict(ckpt.state_dict)
    checkpoints.save(model, WEIGHTS, **{k: v for k, v in meta.items() if k != "model"})
    WEIGHTS.with_suffix(".json").write_text(json.dumps({"settings": meta["settings"], "train_seconds":
                                                        meta.get("train_seconds"), "pretraining": meta["pretraining"],
                                                        "torch": torch.__version__, "log": meta["log"]}, indent=1),
                                            encoding="utf-8")
    log = path.with_suffix(".log")
    if log.exists() and "_step" not in path.name:
        shutil.copyfile(log, WEIGHTS.with_suffix(".log"))
    print(f"shipped {path} as {WEIGHTS.relative_to(ROOT)} ({WEIGHTS.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=Path, default=ROOT / "results" / "pfn_pretrain_v2",
                        help="folder with the pre-training run's snapshots")
    parser.add_argument("--quick", action="store_true", help="3 folds and 6 prior draws per group (a smoke run)")
    parser.add_argument("--ship", action="store_true", help="copy the chosen snapshot into dyplab/pfn/weights")
    parser.add_argument("--also", type=Path, action="append", default=[],
                        help="a further finished network to compare (e.g. an earlier pre-training's weights)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    n_splits, n_prior = (3, 6) if args.quick else (5, 20)
    steps = snapshots(args.snapshots, args.also)
    for k, path in steps.items():
        kwargs = checkpoints.load(path).meta["model_kwargs"]
        print(f"network {k} steps: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} "
              f"({kwargs['n_classes']} class outputs)")
    setup = selection.Setup.build(n_splits=n_splits, n_repeats=1, n_prior=n_prior)
    entries = [*setup.tables, *setup.prior]
    print(f"Development tables: {', '.join(f'{n} {d.X.shape[0]}×{d.X.shape[1]} ({d.n_classes} klasser)' for n, d in setup.tables.items())}; "
          f"{n_splits} stratified folds. Prior draws (seed {selection.PRIOR_SEED}, 2-10 classes): "
          f"{', '.join(f'{n}: {len(t)} tables' for n, t in setup.prior.items())}.")
    print(f"Not used: {', '.join(selection.EVALUATION_TABLES)}.")
    print(f"Candidates: pre-training steps {list(steps)} (with {START}), then one at a time {GRID}"
          f"{' (quick)' if args.quick else ''}", flush=True)
    score = Scorer(setup, steps, args.snapshots / f"selection_scores{'_quick' if args.quick else ''}.json")
    best = search(score, list(steps))
    scores = pd.DataFrame(score.rows)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(scores.round(4).to_string(index=False))
    choice = {k: int(best[k]) for k in selection.SETTINGS}
    print(f"choice: {choice} criterion={best['kriterium']:.4f}")
    if args.ship and not args.quick and not same_weights(steps[choice["steg"]], WEIGHTS):
        ship(steps[choice["steg"]])
    shipped = shipped_settings()
    is_shipped = choice == shipped and same_weights(steps[choice["steg"]], WEIGHTS)
    print(f"shipped: {shipped}; is_shipped={is_shipped}")
    pre = pretraining(steps[choice["steg"]])
    print(f"pre-training of the choice: {pre['text']}")
    if not args.quick:
        write_record(scores, best, entries, is_shipped, setup, pre, steps)
    record_benchmark("pfn_selection", **choice, criterion=float(best["kriterium"]), is_shipped=is_shipped,
                     quick=args.quick)


if __name__ == "__main__":
    main()
