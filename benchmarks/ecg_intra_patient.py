"""Benchmark: the original B4 network against dyplab's BeatCNN on the intra-patient (random beat) split.

Both models are trained in this one process, one after the other, on the same beats and the same split: all
48 MIT-BIH records, beat types N/L/R/A/V, a stratified random 70/15/15 split of beats (seed 42; beats whose
windows fit both windowings). The signal is band-passed (0.5-40 Hz) over the whole record for both.

- original: ``OriginalB4CNN`` (2,219,717 parameters) on 500-sample windows at 360 Hz (R peak ± 250 samples),
  Adam 1e-3 with weight decay 1e-4, batch 32, the full training split, a fixed number of epochs
  (default 2; the original ran 50 epochs on a noise-doubled training set), no early stopping.
- dyplab: ``BeatCNN`` (about 25 k parameters) on 126-sample windows at 180 Hz plus 5 relative RR features,
  the B4 notebook's recipe: N beats in training subsampled to 30,000, batch 256, Adam 1e-3, at most 8 epochs
  with early stopping (patience 3) on the validation loss, best epoch restored.

Both are tested once on the same test beats. Training goes through ``dyplab.training.fit`` for both; the
times are the wall time of ``fit``. They depend on the machine and on what else runs on it: compare the ratio.
The last line is ``ratio_time=<dyplab/original> acc_dyplab=<..> acc_original=<..>``.

    python benchmarks/ecg_intra_patient.py            # full run (several minutes on a 2-core CPU)
    python benchmarks/ecg_intra_patient.py --quick    # 8,000 training beats, 1 + 3 epochs (one to two minutes)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

import dyplab
from dyplab import metrics, signal, splits, training
from dyplab.course.report import comparison_line
from dyplab.data import mitbih
from dyplab.models import ecg as ecg_models
from dyplab.models.ecg import BeatCNN, OriginalB4CNN

ORIGINAL_HALF_WINDOW = 250  # samples at 360 Hz on each side of the R peak


def _common_beats() -> tuple[mitbih.BeatSet, mitbih.BeatSet]:
    """Beats of types N/L/R/A/V in both windowings, aligned on (record, R-peak sample)."""
    orig = mitbih.load_beats(before_s=ORIGINAL_HALF_WINDOW / 360, after_s=ORIGINAL_HALF_WINDOW / 360, target_fs=360.0)
    ours = mitbih.load_beats()
    key_o = np.char.add(np.char.add(orig.record, ":"), orig.sample.astype(str))
    key_d = np.char.add(np.char.add(ours.record, ":"), ours.sample.astype(str))
    common = np.intersect1d(key_o[np.isin(orig.symbols, mitbih.ORIGINAL_CLASSES)], key_d)
    io, idd = np.flatnonzero(np.isin(key_o, common)), np.flatnonzero(np.isin(key_d, common))
    orig, ours = orig.subset(io[np.argsort(key_o[io])]), ours.subset(idd[np.argsort(key_d[idd])])
    assert np.array_equal(orig.sample, ours.sample) and np.array_equal(orig.symbols, ours.symbols)
    return orig, ours


def _run(name: str, model: torch.nn.Module, X: np.ndarray, y: np.ndarray, train: np.ndarray, val: np.ndarray,
         test: np.ndarray, *, log_root: Path, **fit_kwargs) -> dict:
    dyplab.seed_everything(42)
    result = training.fit(model, (X[train], y[train]), (X[val], y[val]), seed=42, progress=False, name=name,
                          log_dir=log_root / name, **fit_kwargs)
    pred = training.predict(result.model, X[test], device="cpu")
    return {"model": name, "acc": metrics.accuracy(y[test], pred), "wall_s": result.elapsed_s,
            "params": training.count_parameters(model), "epochs": result.stopped_epoch, "best_epoch": result.best_epoch,
            "n_train": len(train)}


def main(argv: list[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8,000 training beats, 1 epoch original, 3 epochs dyplab")
    parser.add_argument("--epochs-original", type=int, default=2, help="epochs for the original network (default 2)")
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    orig, ours = _common_beats()
    y = mitbih.encode(ours.symbols, mitbih.ORIGINAL_CLASSES)
    train, val, test = splits.train_val_test(y, val_size=0.15, test_size=0.15, seed=42).sorted()
    rng = np.random.default_rng(42)
    if args.quick:
        train = np.sort(rng.choice(train, size=8_000, replace=False))
        val = np.sort(rng.choice(val, size=4_000, replace=False))
    X_orig = ecg_models.model_inputs(orig.waves)
    X_ours = ecg_models.model_inputs(ours.waves, ours.rr, features=signal.RELATIVE_RR)
    train_ours = train[splits.subsample_class(y[train], 0, 30_000, seed=42)]
    print(f"{len(y):,} beats (N/L/R/A/V) · train {len(train):,} · val {len(val):,} · test {len(test):,} · "
          f"data {time.perf_counter() - t0:.1f} s · torch threads {torch.get_num_threads()}")

    with tempfile.TemporaryDirectory() as tmp:
        log_root = Path(tmp)
        original = _run("original", OriginalB4CNN(500, 5), X_orig, y, train, val, test, log_root=log_root,
                        max_epochs=1 if args.quick else args.epochs_original, patience=None, batch_size=32, lr=1e-3,
                        weight_decay=1e-4)
        dyp = _run("dyplab", BeatCNN(ours.waves.shape[1], len(signal.RELATIVE_RR), 5), X_ours, y, train_ours, val,
                   test, log_root=log_root, max_epochs=3 if args.quick else 8, patience=3, batch_size=256, lr=1e-3)
    for r in (original, dyp):
        print(f"{r['model']:>9}: test accuracy {r['acc']:.4f} · fit {r['wall_s']:.1f} s · {r['params']:,} parameters · "
              f"{r['n_train']:,} training beats · epochs {r['epochs']} (best {r['best_epoch']})")
    comparison_line("ecg_intra_patient", dyp, original, acc_key="acc", test_split_of="B4")
    return {"original": original, "dyplab": dyp}


if __name__ == "__main__":
    main()
