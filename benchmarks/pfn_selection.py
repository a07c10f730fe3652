"""Benchmark: choose the PFN's pre-training length and feature cap without the six tables F1 and F2 report.

Candidates: the networks kept along one pre-training run (``scripts/train_pfn.py --snapshots``; a snapshot at step
k is that run's network after k steps, the last one is the full run) × feature caps ``max_features``. Each is scored
on development tables and held-out prior draws only (:mod:`dyplab.pfn.selection`: wine, iris, diabetes, digits 3/8,
Cleveland heart disease; 2-24 and 30-80-feature prior draws with an unused seed). Parkinson, breast cancer, DARWIN,
glioma and the Bonn EEG tables are never loaded. It prints every candidate's scores, the choice, and whether the
choice is what dyplab ships (the weights in ``dyplab/pfn/weights`` and ``PFNClassifier(max_features=None)``).

History (issue 20): the shipped settings (24 features, 6,000 steps) were first chosen after the six evaluation
tables had missed the target with 8 features and 1,000 steps. This script re-makes both choices on other data.

    python scripts/train_pfn.py --out results/pfn_pretrain/tabular_pfn.pt --snapshots 1000,1500,2000,3000,4000,5000
    python benchmarks/pfn_selection.py                    # about 10-20 minutes on one thread
    python benchmarks/pfn_selection.py --quick            # 2 × 3 folds, 10 prior draws: a smoke run
    python benchmarks/pfn_selection.py --score-only       # score the snapshots written so far (while training runs)

Scores are kept per candidate (keyed by the weights' sha256) in ``<snapshots>/selection_scores.json``, so a run can
be repeated while the pre-training is still writing snapshots and only scores what is new.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import subprocess
import time
from pathlib import Path

import pandas as pd
import torch

from dyplab import checkpoints
from dyplab.course.report import record_benchmark
from dyplab.pfn import selection
from dyplab.pfn.classifier import WEIGHTS, PFNClassifier, load_pretrained

ROOT = Path(__file__).resolve().parents[1]
CAPS = (4, 8, 12, 16, 24)
N_ESTIMATORS = 4  # as F1/F2's class profile


def snapshots(folder: Path) -> tuple[dict[int, Path], dict]:
    """``{step: path}`` of the run's ``<name>_step<k>.pt`` files and of its final ``<name>.pt`` if the run finished,
    and the run's latest metadata (settings and log so far). ``<name>.pt`` of an unfinished run is an intermediate
    save: it is read for the log but is not a candidate."""
    found = {int(m.group(1)): p for p in folder.glob("*_step*.pt") if (m := re.search(r"_step(\d+)\.pt$", p.name))}
    metas = [checkpoints.load(p).meta for p in folder.glob("*.pt")]
    if not metas:
        raise SystemExit(f"{folder}: no PFN checkpoints. Run first: python scripts/train_pfn.py --out {folder}/tabular_pfn.pt "
                         "--snapshots 1000,1500,2000,3000,4000,5000")
    for final in folder.glob("*.pt"):
        last = checkpoints.load(final).meta if "_step" not in final.name else None
        if last is not None and last["log"] and last["log"][-1]["step"] == last["settings"]["steps"]:
            found[int(last["settings"]["steps"])] = final
    return dict(sorted(found.items())), max(metas, key=lambda m: len(m["log"]))


def same_weights(a: Path, b: Path) -> bool:
    """True when two checkpoints hold identical tensors."""
    sa, sb = checkpoints.load(a).state_dict, checkpoints.load(b).state_dict
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def same_run_as_shipped(meta: dict, shipped: dict) -> tuple[bool, int]:
    """Whether a run has the shipped network's settings and the same log (loss and accuracy at every logged step
    both runs reached): then, being deterministic, its step-k network is the shipped run's step-k network.
    Returns the verdict and the number of log rows compared."""
    if meta["settings"] != shipped["settings"]:
        return False, 0
    common = min(len(meta["log"]), len(shipped["log"]))
    same = all(a["step"] == b["step"] and a["loss"] == b["loss"] and a["acc"] == b["acc"]
               for a, b in zip(meta["log"][:common], shipped["log"][:common]))
    return same and common > 0, common


def write_record(scores: pd.DataFrame, best: pd.Series, at_shipped: pd.DataFrame, entries: list[str],
                 is_shipped: bool, setup: selection.Setup, reproduced_to: int | None = None) -> None:
    """Write the candidates, scores and choice next to the shipped weights (F1 and F2 print them)."""
    def plain(row) -> dict:
        return {k: (int(v) if k in ("steg", "max_features") else round(float(v), 6)) for k, v in row.items()}

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    record = {"date": datetime.date.today().isoformat(), "commit": commit or None, "entries": entries,
              "sizes": {n: list(d.X.shape) for n, d in setup.tables.items()} | {n: len(t) for n, t in setup.prior.items()},
              "n_estimators": N_ESTIMATORS, "candidates": [plain(r) for _, r in scores.iterrows()],
              "choice": plain(best), "shipped": plain(at_shipped.iloc[0]) if len(at_shipped) else None,
              "is_shipped": bool(is_shipped), "reproduced_to": reproduced_to}
    selection.RECORD.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {selection.RECORD.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=Path, default=ROOT / "results" / "pfn_pretrain",
                        help="folder with the pre-training run's snapshots")
    parser.add_argument("--quick", action="store_true", help="2 × 3 folds and 10 prior draws per group (a smoke run)")
    parser.add_argument("--score-only", action="store_true",
                        help="score the candidates found so far into the cache; choose nothing, record nothing")
    args = parser.parse_args()
    torch.set_num_threads(1)
    n_splits, n_repeats, n_prior = (3, 2, 10) if args.quick else (5, 2, 20)
    steps, run_meta = snapshots(args.snapshots)
    shipped_meta = checkpoints.load(WEIGHTS).meta
    shipped_steps = int(shipped_meta["settings"]["steps"])
    _, shipped_cap = load_pretrained(WEIGHTS)
    same_run, n_rows = same_run_as_shipped(run_meta, shipped_meta)
    stand_in = False
    print(f"This run has the shipped settings and the shipped log on all {n_rows} common log rows: {same_run}")
    if shipped_steps in steps:
        identical = same_weights(steps[shipped_steps], WEIGHTS)
        print(f"Its final {shipped_steps}-step network and the shipped weights are identical tensors: {identical}")
        same_run = same_run and identical
    elif same_run:  # an unfinished reproduction: the shipped weights are this run's last network
        steps[shipped_steps] = WEIGHTS
        stand_in = True
        print(f"The run stopped before {shipped_steps} steps; the shipped weights stand in for its final network.")
    if not same_run:
        print("WARNING: this run is not a reproduction of the shipped pre-training; the shipped network is not a candidate.")
    setup = selection.Setup.build(n_splits=n_splits, n_repeats=n_repeats, n_prior=n_prior)
    entries = [*setup.tables, *setup.prior]
    print(f"Development tables: {', '.join(f'{n} {d.X.shape[0]}×{d.X.shape[1]}' for n, d in setup.tables.items())}; "
          f"{n_repeats} × {n_splits} stratified folds. Prior draws (seed {selection.PRIOR_SEED}): "
          f"{', '.join(f'{n}: {len(t)} tables' for n, t in setup.prior.items())}.")
    print(f"Not used: {', '.join(selection.EVALUATION_TABLES)}. PFN: {N_ESTIMATORS} forward passes per prediction.")
    print(f"Candidates: pre-training steps {list(steps)} × max_features {list(CAPS)}{' (quick)' if args.quick else ''}")
    cache_path = args.snapshots / f"selection_scores{'_quick' if args.quick else ''}.json"
    cache = json.loads(cache_path.read_text(encoding="utf-8")) if cache_path.exists() else {}
    rows = []
    for step, path in steps.items():
        start = time.perf_counter()
        key = f"{step}:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"  # scores of these exact weights
        by_cap: dict[int, dict[str, float]] = {int(c): v for c, v in cache.get(key, {}).items()}
        for cap in CAPS:
            if cap not in by_cap:
                # a cap at or above a table's width changes nothing there: reuse the score of such a cap
                reuse = {n: by_cap[c][n] for n in entries for c in by_cap if c >= setup.n_features(n)}
                model = PFNClassifier(n_estimators=N_ESTIMATORS, max_features=cap, weights=str(path))
                by_cap[cap] = {**reuse, **selection.score(model, setup, [n for n in entries if n not in reuse])}
                cache[key] = {str(c): v for c, v in by_cap.items()}
                cache_path.write_text(json.dumps(cache, indent=1), encoding="utf-8")  # resumable
            rows.append({"steg": step, "max_features": cap, **{n: by_cap[cap][n] for n in entries}})
        print(f"  {step} steps: scored in {time.perf_counter() - start:.0f} s (scores kept in {cache_path.name})", flush=True)
    if args.score_only:
        return
    scores = pd.DataFrame(rows)
    scores["kriterium"] = scores[entries].mean(axis=1)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(scores.round(4).to_string(index=False))
    best = selection.choose(scores)
    best_steps, best_cap = int(best["steg"]), int(best["max_features"])
    at_shipped = scores[(scores["steg"] == shipped_steps) & (scores["max_features"] == shipped_cap)]
    shipped_text = f"{at_shipped['kriterium'].iloc[0]:.4f}" if len(at_shipped) else "not scored"
    print(f"choice: steps={best_steps} max_features={best_cap} criterion={best['kriterium']:.4f}; "
          f"shipped: steps={shipped_steps} max_features={shipped_cap} criterion={shipped_text}")
    is_shipped = best_steps == shipped_steps and best_cap == shipped_cap and same_run
    print(f"is_shipped={is_shipped}")
    if not args.quick:
        write_record(scores, best, at_shipped, entries, is_shipped, setup,
                     reproduced_to=int(run_meta["log"][-1]["step"]) if stand_in else None)
    record_benchmark("pfn_selection", steps=best_steps, max_features=best_cap, criterion=float(best["kriterium"]),
                     is_shipped=is_shipped, quick=args.quick)


if __name__ == "__main__":
    main()
