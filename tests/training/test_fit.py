"""Tests for dyplab.training.fit: best-epoch restore, determinism, early stopping, history and accuracy."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import lightning as L
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import accuracy_score
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import dyplab
from dyplab import training as T

from .helpers import data as _data
from .helpers import mlp as _mlp


class _Sabotage(L.Callback):
    """From epoch ``start`` (0-based) on, scramble the weights at the start of each epoch."""

    def __init__(self, start: int) -> None:
        self.start = start

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.current_epoch >= self.start:
            g = torch.Generator().manual_seed(trainer.current_epoch)
            with torch.no_grad():
                for p in pl_module.parameters():
                    p.copy_(torch.randn(p.shape, generator=g) * 3)


class _Snapshots(L.Callback):
    """Deep copies of the weights after every validation (1-based epoch -> state_dict)."""

    def __init__(self) -> None:
        self.states: dict[int, dict[str, torch.Tensor]] = {}

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.states[trainer.current_epoch + 1] = copy.deepcopy(pl_module.model.state_dict())


def _same_state(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k].cpu(), b[k].cpu()) for k in a)


def test_fit_restores_best_epoch_not_last(tmp_path: Path) -> None:
    X, y = _data()
    train, val = (X[:160], y[:160]), (X[160:], y[160:])
    snaps = _Snapshots()
    res = T.fit(_mlp(), train, val, max_epochs=5, lr=0.05, patience=None, progress=False, log_dir=tmp_path,
                callbacks=[_Sabotage(start=2), snaps], device="cpu")
    h = res.history
    assert len(h) == 5 and res.stopped_epoch == 5
    best_row = int(h["val_loss"].idxmin())
    assert res.best_epoch == int(h.loc[best_row, "epoch"]) <= 2
    assert res.best_score == pytest.approx(h.loc[best_row, "val_loss"])
    assert h["val_loss"].iloc[-1] > res.best_score + 0.1  # the last epoch really is worse
    # the returned weights are the best epoch's, not the last epoch's
    state = res.model.state_dict()
    assert _same_state(state, snaps.states[res.best_epoch])
    assert not _same_state(state, snaps.states[5])
    ev = T.evaluate(res.model, val)
    assert ev["loss"] == pytest.approx(res.best_score, abs=1e-5)
    assert abs(ev["loss"] - h["val_loss"].iloc[-1]) > 0.1
    assert not res.model.training
    assert next(res.model.parameters()).device.type == "cpu"


def test_fit_monitor_val_acc_restores_max(tmp_path: Path) -> None:
    X, y = _data()
    res = T.fit(_mlp(), (X[:160], y[:160]), (X[160:], y[160:]), max_epochs=4, lr=0.05, patience=None,
                monitor="val_acc", progress=False, log_dir=tmp_path, callbacks=[_Sabotage(start=2)], device="cpu")
    h = res.history
    assert res.best_score == pytest.approx(h["val_acc"].max())
    assert res.best_epoch == int(h.loc[h["val_acc"].idxmax(), "epoch"])
    pred = T.predict(res.model, X[160:], device="cpu")
    assert accuracy_score(y[160:], pred) == pytest.approx(res.best_score)


def test_same_seed_gives_identical_runs(tmp_path: Path) -> None:
    X, y = _data()
    train, val = (X[:160], y[:160]), (X[160:], y[160:])

    def run(seed: int, sub: str) -> tuple[pd.DataFrame, np.ndarray]:
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
        model.load_state_dict(init)  # same initial weights; only fit's seed varies
        res = T.fit(model, train, val, max_epochs=3, batch_size=16, patience=None, seed=seed, progress=False,
                    log_dir=tmp_path / sub, device="cpu")
        return res.history, T.predict_proba(res.model, X[160:], device="cpu")

    dyplab.seed_everything(0)
    init = copy.deepcopy(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2)).state_dict())
    h1, p1 = run(7, "a")
    h2, p2 = run(7, "b")
    h3, p3 = run(8, "c")
    pd.testing.assert_frame_equal(h1, h2, check_exact=True)
    np.testing.assert_array_equal(p1, p2)
    # the seed matters (shuffling/dropout), so the test above can fail
    assert not h1["train_loss"].equals(h3["train_loss"])


def test_early_stopping_stops(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 8)).astype(np.float32)
    y = rng.integers(0, 2, size=120)  # labels without signal: validation loss soon gets worse
    res = T.fit(_mlp(h=64), (X[:60], y[:60]), (X[60:], y[60:]), max_epochs=40, lr=0.05, patience=2,
                progress=False, log_dir=tmp_path, device="cpu")
    assert res.stopped_epoch < 40
    assert res.stopped_epoch == res.best_epoch + 2
    assert len(res.history) == res.stopped_epoch


def test_history_csv_columns_and_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("DYPLAB_RESULTS_DIR", str(tmp_path / "results"))
    X, y = _data(120)
    res = T.fit(_mlp(), TensorDataset(torch.from_numpy(X[:80]), torch.from_numpy(y[:80])), (X[80:], y[80:]),
                max_epochs=3, schedule="cosine", progress=False, name="demo", device="cpu")
    assert res.csv_path == tmp_path / "results" / "runs" / "demo" / "history.csv"
    df = pd.read_csv(res.csv_path)
    assert T.HISTORY_COLUMNS == ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr"]
    assert list(df.columns)[: len(T.HISTORY_COLUMNS)] == T.HISTORY_COLUMNS
    assert {"val_balanced_acc", "val_macro_f1"} <= set(df.columns)
    assert df["epoch"].tolist() == [1, 2, 3]
    pd.testing.assert_frame_equal(df, res.history, check_dtype=False, atol=1e-12)
    assert df["lr"].is_monotonic_decreasing and df["lr"].iloc[0] < 1e-3  # cosine steps after each epoch
    assert list(cwd.iterdir()) == []  # nothing in ./lightning_logs or ./checkpoints
    assert sorted(p.name for p in res.csv_path.parent.iterdir()) == ["history.csv"]


def test_accuracy_is_over_all_samples(tmp_path: Path) -> None:
    # 50 validation samples in batches of 16 (16, 16, 16, 2): a mean of batch means would differ.
    X, y = _data(130, noise=2.0)
    Xtr, ytr, Xv, yv = X[:80], y[:80], X[80:], y[80:]
    model = _mlp()
    before = copy.deepcopy(model.state_dict())
    # a vanishing learning rate keeps the model fixed, so epoch-1 training metrics can be checked too
    res = T.fit(model, (Xtr, ytr), (Xv, yv), max_epochs=1, lr=1e-12, optimizer="sgd", batch_size=16,
                eval_batch_size=16, patience=None, progress=False, log_dir=tmp_path, device="cpu")
    row = res.history.iloc[0]
    ref = copy.deepcopy(model)
    ref.load_state_dict(before)
    assert row["val_acc"] == pytest.approx(accuracy_score(yv, T.predict(ref, Xv, device="cpu")), abs=1e-6)
    assert row["train_acc"] == pytest.approx(accuracy_score(ytr, T.predict(ref, Xtr, device="cpu")), abs=1e-6)
    assert row["val_loss"] == pytest.approx(T.evaluate(ref, (Xv, yv))["loss"], abs=1e-6)
    assert row["train_loss"] == pytest.approx(T.evaluate(ref, (Xtr, ytr))["loss"], abs=1e-6)
    batch_means = [accuracy_score(yv[i:i + 16], T.predict(ref, Xv[i:i + 16], device="cpu")) for i in range(0, 50, 16)]
    assert not np.isclose(np.mean(batch_means), row["val_acc"])  # the data make the distinction visible


def test_plateau_schedule_halves_lr(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 8)).astype(np.float32)
    y = rng.integers(0, 2, size=120)  # no signal: validation loss stalls, so the LR must be cut
    res = T.fit(_mlp(h=64), (X[:60], y[:60]), (X[60:], y[60:]), max_epochs=8, lr=0.05, patience=None,
                schedule="plateau", progress=False, log_dir=tmp_path, device="cpu")
    lrs = res.history["lr"].to_numpy()
    assert lrs[0] == pytest.approx(0.05) and lrs.min() < 0.05
    assert set(np.round(lrs / 0.05, 6)) <= {1.0, 0.5, 0.25, 0.125, 0.0625}


@pytest.mark.parametrize("schedule", ["onecycle", "cosine"])
def test_schedules_change_lr(tmp_path: Path, schedule: str) -> None:
    X, y = _data(120)
    res = T.fit(_mlp(), (X[:80], y[:80]), (X[80:], y[80:]), max_epochs=4, lr=0.01, patience=None,
                schedule=schedule, progress=False, log_dir=tmp_path, device="cpu")
    lrs = res.history["lr"].to_numpy()
    assert (lrs <= 0.01 + 1e-12).all() and lrs[0] > lrs[1] > lrs[2] > lrs[3]
    # one-cycle anneals to (almost) 0 at the last step; cosine per epoch ends at 0 after max_epochs
    assert lrs[-1] == pytest.approx(0.0, abs=0.01 / 1000)


def test_class_weights_and_errors(tmp_path: Path) -> None:
    X, y = _data(100)
    res = T.fit(_mlp(), (X[:60], y[:60]), (X[60:], y[60:]), max_epochs=1, class_weights=[1.0, 3.0],
                progress=False, log_dir=tmp_path, device="cpu")
    assert len(res.history) == 1
    loaders = T.fit(_mlp(), T.make_loader((X[:60], y[:60]), batch_size=16, shuffle=True, seed=0),
                    DataLoader(TensorDataset(torch.from_numpy(X[60:]), torch.from_numpy(y[60:])), batch_size=8),
                    max_epochs=2, progress=False, log_dir=tmp_path / "loaders", device="cpu")
    assert loaders.history["epoch"].tolist() == [1, 2]
    with pytest.raises(ValueError, match="different lengths"):
        T.fit(_mlp(), (X[:60], y[:50]), (X[60:], y[60:]), max_epochs=1, log_dir=tmp_path, progress=False)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        T.fit(_mlp(), (Xn, y), (X, y), max_epochs=1, log_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="either `loss` or `class_weights`"):
        T.fit(_mlp(), (X, y), (X, y), max_epochs=1, loss=nn.CrossEntropyLoss(), class_weights=[1, 2],
              log_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="monitor"):
        T.fit(_mlp(), (X, y), (X, y), max_epochs=1, monitor="val_auc", log_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="out of range"):
        T.fit(_mlp(), (X, y + 2), (X, y), max_epochs=1, log_dir=tmp_path, progress=False, device="cpu")


def test_fit_is_quiet_without_progress(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = _data(80)
    T.fit(_mlp(), (X[:40], y[:40]), (X[40:], y[40:]), max_epochs=2, progress=False, log_dir=tmp_path, device="cpu")
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # no "GPU available", model summary, seed or worker messages
    monkeypatch.setenv("DYPLAB_PROGRESS", "0")
    T.fit(_mlp(), (X[:40], y[:40]), (X[40:], y[40:]), max_epochs=1, progress=True, log_dir=tmp_path, device="cpu")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    monkeypatch.delenv("DYPLAB_PROGRESS")
    monkeypatch.delenv("CI", raising=False)
    T.fit(_mlp(), (X[:40], y[:40]), (X[40:], y[40:]), max_epochs=1, progress=True, log_dir=tmp_path, device="cpu")
    out, err = capfd.readouterr()
    assert "Epoke 1/1" in out + err  # the bar itself, 1-based


def test_fit_leaves_global_determinism_flag_alone(tmp_path: Path) -> None:
    X, y = _data(80)
    assert not torch.are_deterministic_algorithms_enabled()
    T.fit(_mlp(), (X[:40], y[:40]), (X[40:], y[40:]), max_epochs=1, progress=False, log_dir=tmp_path, device="cpu")
    assert not torch.are_deterministic_algorithms_enabled()


def test_snapshot_is_a_real_copy() -> None:
    model = _mlp()
    snap = T.snapshot(model)
    shallow = model.state_dict().copy()  # the original course's bug
    with torch.no_grad():
        model[0].weight.add_(1.0)
    assert torch.equal(shallow["0.weight"], model[0].weight)  # shallow copy follows the model
    assert not torch.equal(snap["0.weight"], model[0].weight)


@pytest.mark.skipif(not torch.cuda.is_available() and not os.environ.get("DYPLAB_TEST_GPU"),
                    reason="needs a CUDA GPU")
def test_fit_on_cuda(tmp_path: Path) -> None:
    X, y = _data()
    res = T.fit(_mlp(), (X[:160], y[:160]), (X[160:], y[160:]), max_epochs=3, progress=False, log_dir=tmp_path,
                device="cuda", schedule="onecycle")
    assert next(res.model.parameters()).device.type == "cpu"
    assert len(res.history) == 3
    ev = T.evaluate(res.model, (X[160:], y[160:]), device="cuda")
    assert ev["loss"] == pytest.approx(res.best_score, abs=1e-4)


class _Interrupt(L.Callback):
    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.current_epoch == 2:
            raise KeyboardInterrupt


def test_interrupt_keeps_best_weights_and_sigint_handler(tmp_path: Path) -> None:
    import signal

    before = signal.getsignal(signal.SIGINT)
    X, y = _data()
    snaps = _Snapshots()
    model = _mlp()
    with pytest.raises(KeyboardInterrupt, match="interrupted after 2 epoch"):
        T.fit(model, (X[:160], y[:160]), (X[160:], y[160:]), max_epochs=10, lr=0.05, patience=None,
              progress=False, log_dir=tmp_path, callbacks=[snaps, _Interrupt()], device="cpu")
    assert signal.getsignal(signal.SIGINT) is before  # Lightning had set SIG_IGN
    h = pd.read_csv(tmp_path / "history.csv")
    assert len(h) == 2
    best = int(h.loc[h["val_loss"].idxmin(), "epoch"])
    assert _same_state(model.state_dict(), snaps.states[best])


@pytest.mark.parametrize("monitor", ["val_balanced_acc", "val_macro_f1", "val_auroc"])
def test_fit_monitors_any_validation_metric(tmp_path: Path, monitor: str) -> None:
    from sklearn.metrics import balanced_accuracy_score, f1_score, roc_auc_score

    X, y = _data(noise=1.0)
    res = T.fit(_mlp(), (X[:160], y[:160]), (X[160:], y[160:]), max_epochs=4, lr=0.05, patience=None,
                monitor=monitor, progress=False, log_dir=tmp_path, callbacks=[_Sabotage(start=2)], device="cpu")
    h = res.history
    assert res.best_score == pytest.approx(h[monitor].max())
    assert res.best_epoch == int(h.loc[h[monitor].idxmax(), "epoch"])
    proba = T.predict_proba(res.model, X[160:], device="cpu")
    reference = {
        "val_balanced_acc": balanced_accuracy_score(y[160:], proba.argmax(1)),
        "val_macro_f1": f1_score(y[160:], proba.argmax(1), average="macro"),
        "val_auroc": roc_auc_score(y[160:], proba[:, 1]),
    }[monitor]
    assert res.best_score == pytest.approx(reference, abs=1e-4)  # the restored weights give the best score


def test_fit_accepts_optimizer_and_schedule_factories(tmp_path: Path) -> None:
    X, y = _data(120)
    made: dict[str, object] = {}

    def optimizer(params):
        made["opt"] = torch.optim.SGD(params, lr=0.2, momentum=0.0)
        return made["opt"]

    def warmup(opt, total_steps):
        made["total"] = total_steps
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / total_steps))

    res = T.fit(_mlp(), (X[:96], y[:96]), (X[96:], y[96:]), max_epochs=3, batch_size=32, optimizer=optimizer,
                schedule=warmup, patience=None, progress=False, log_dir=tmp_path, device="cpu")
    assert isinstance(made["opt"], torch.optim.SGD) and made["total"] == 9  # 3 batches × 3 epochs
    lrs = res.history["lr"].tolist()
    assert lrs[0] < lrs[1] < lrs[2] == pytest.approx(0.2)  # warm-up reached the factory's rate
    with pytest.raises(ValueError, match="optimizer"):
        T.fit(_mlp(), (X, y), (X, y), max_epochs=1, optimizer="lion", log_dir=tmp_path, progress=False)


def test_class_weights_change_what_is_learned(tmp_path: Path) -> None:
    X, y = _data(200, noise=2.0)
    runs = {}
    for name, weights in (("plain", None), ("weighted", [1.0, 20.0])):
        res = T.fit(_mlp(), (X[:150], y[:150]), (X[150:], y[150:]), max_epochs=5, lr=0.05, class_weights=weights,
                    patience=None, progress=False, log_dir=tmp_path / name, device="cpu")
        runs[name] = T.predict(res.model, X, device="cpu").mean()
    # a heavy weight on class 1 makes the model predict class 1 far more often
    assert runs["weighted"] > runs["plain"] + 0.15


@pytest.mark.slow
def test_fit_passes_devices_and_strategy_to_lightning_ddp(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    script = Path(__file__).parents[1] / "scripts" / "ddp_fit.py"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PL_DISABLE_FORK": "1"}
    proc = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=240,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{k}.json").read_text()) for k in (0, 1)]
    assert all(r["world"] == 2 for r in ranks)
    # DDP keeps the replicas identical and the synchronised validation metrics agree on both processes
    assert ranks[0]["weight_sum"] == pytest.approx(ranks[1]["weight_sum"], abs=1e-6)
    assert ranks[0]["val_acc"] == ranks[1]["val_acc"] and len(ranks[0]["val_acc"]) == 3


class _InterruptAt(L.Callback):
    """Press Ctrl+C (raise KeyboardInterrupt) at the start of epoch ``epoch`` (0-based)."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        if trainer.current_epoch == self.epoch:
            raise KeyboardInterrupt


class _EpochCounter(L.Callback):
    def __init__(self) -> None:
        self.started: list[int] = []

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.started.append(trainer.current_epoch)


def test_interrupted_fit_resumes_to_the_same_result(tmp_path: Path) -> None:
    X, y = _data(160, noise=1.0)

    def model_with_dropout() -> nn.Module:
        dyplab.seed_everything(0)  # dropout makes the random state matter
        return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))

    common = dict(max_epochs=5, lr=0.05, batch_size=16, schedule="onecycle", patience=None, progress=False,
                  device="cpu")
    whole = T.fit(model_with_dropout(), (X[:120], y[:120]), (X[120:], y[120:]), log_dir=tmp_path / "whole",
                  checkpoint_dir=tmp_path / "ck_whole", **common)
    with pytest.raises(KeyboardInterrupt):
        T.fit(model_with_dropout(), (X[:120], y[:120]), (X[120:], y[120:]), log_dir=tmp_path / "part",
              checkpoint_dir=tmp_path / "ck", callbacks=[_InterruptAt(3)], **common)
    assert (tmp_path / "ck" / "last.ckpt").is_file() and not list((tmp_path / "ck").glob(".*tmp"))
    fresh = model_with_dropout()
    epochs_run = _EpochCounter()
    resumed = T.fit(fresh, (X[:120], y[:120]), (X[120:], y[120:]), log_dir=tmp_path / "part",
                    checkpoint_dir=tmp_path / "ck", resume=True, callbacks=[epochs_run], **common)
    assert epochs_run.started == [3, 4]  # it continued after the three finished epochs, it did not start over
    assert resumed.history["epoch"].tolist() == [1, 2, 3, 4, 5]
    pd.testing.assert_frame_equal(resumed.history, whole.history)
    assert resumed.best_epoch == whole.best_epoch
    assert _same_state(resumed.model.state_dict(), whole.model.state_dict())


def test_resume_needs_a_checkpoint_dir_and_refuses_pickles(tmp_path: Path) -> None:
    X, y = _data(80)
    with pytest.raises(ValueError, match="checkpoint_dir"):
        T.fit(_mlp(), (X, y), (X, y), max_epochs=1, resume=True, progress=False, log_dir=tmp_path)
    bad = tmp_path / "ck"
    bad.mkdir()
    torch.save({"state": object()}, bad / "last.ckpt")  # a pickled object: never unpickled
    with pytest.raises(Exception, match="(?i)weights_only|unpickl|unsupported"):
        T.fit(_mlp(), (X, y), (X, y), max_epochs=1, checkpoint_dir=bad, resume=True, progress=False,
              log_dir=tmp_path, device="cpu")


def test_precision_bf16_trains_in_bfloat16_and_auto_follows_the_hardware(tmp_path: Path) -> None:
    X, y = _data(noise=0.1)
    train, val = (X[:160], y[:160]), (X[160:], y[160:])
    seen: list[torch.dtype] = []

    class Probe(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = _mlp()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.net(x)
            if self.training:
                seen.append(out.dtype)
            return out

    res = T.fit(Probe(), train, val, max_epochs=4, lr=1e-2, batch_size=32, patience=None, progress=False,
                log_dir=tmp_path / "bf16", device="cpu", precision="bf16")
    assert res.precision == "bf16" and seen and set(seen) == {torch.bfloat16}
    assert all(p.dtype == torch.float32 for p in res.model.parameters())  # weights stay float32
    assert T.evaluate(res.model, val)["acc"] > 0.8  # it learned despite bfloat16 matrix products

    seen.clear()
    res32 = T.fit(Probe(), train, val, max_epochs=1, batch_size=32, patience=None, progress=False,
                  log_dir=tmp_path / "fp32", device="cpu", precision="32")
    assert res32.precision == "32" and set(seen) == {torch.float32}

    seen.clear()
    auto = T.fit(Probe(), train, val, max_epochs=1, batch_size=32, patience=None, progress=False,
                 log_dir=tmp_path / "auto", device="cpu", precision="auto")
    expected = "bf16" if T.native_bf16(torch.device("cpu")) else "32"
    assert auto.precision == expected
    assert set(seen) == {torch.bfloat16 if expected == "bf16" else torch.float32}
    assert not T.native_bf16(torch.device("mps"))  # emulated elsewhere: auto keeps float32

    with pytest.raises(ValueError, match="precision must be one of"):
        T.fit(_mlp(), train, val, max_epochs=1, progress=False, log_dir=tmp_path / "bad", precision="16")


def test_channels_last_trains_in_that_layout_and_returns_the_usual_one(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3, 8, 8)).astype(np.float32)
    y = (X[:, 0].mean(axis=(1, 2)) > 0).astype(np.int64)
    layouts: list[bool] = []

    class Probe(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.head = nn.Linear(4, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if self.training:
                layouts.append(x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous())
            return self.head(self.conv(x).mean(dim=(2, 3)))

    dyplab.seed_everything(0)
    plain = Probe()
    init = copy.deepcopy(plain.state_dict())
    a = T.fit(plain, (X[:48], y[:48]), (X[48:], y[48:]), max_epochs=2, batch_size=16, patience=None,
              progress=False, log_dir=tmp_path / "a", device="cpu")
    assert layouts and not any(layouts)
    layouts.clear()
    fast = Probe()
    fast.load_state_dict(init)
    b = T.fit(fast, (X[:48], y[:48]), (X[48:], y[48:]), max_epochs=2, batch_size=16, patience=None,
              progress=False, log_dir=tmp_path / "b", device="cpu", channels_last=True)
    assert layouts and all(layouts)
    assert b.model.conv.weight.is_contiguous()  # back in the usual layout
    np.testing.assert_allclose(b.history["train_loss"], a.history["train_loss"], rtol=1e-4)  # same arithmetic


class _StepCounter(L.Callback):
    """Counts the training batches Lightning runs and keeps the optimizer-step count at the end."""

    def __init__(self) -> None:
        self.batches = 0
        self.optimizer_steps = 0

    def on_train_batch_end(self, trainer: L.Trainer, *args: object) -> None:
        self.batches += 1

    def on_train_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.optimizer_steps = trainer.global_step


def test_unknown_keywords_go_to_the_lightning_trainer(tmp_path: Path) -> None:
    X, y = _data(240)
    full, limited, accumulated = _StepCounter(), _StepCounter(), _StepCounter()
    common = dict(max_epochs=3, batch_size=32, patience=None, progress=False)
    T.fit(_mlp(), (X[:192], y[:192]), (X[192:], y[192:]), log_dir=tmp_path / "a", callbacks=[full], **common)
    start = copy.deepcopy(_mlp().state_dict())
    model = _mlp()
    res = T.fit(model, (X[:192], y[:192]), (X[192:], y[192:]), log_dir=tmp_path / "b", callbacks=[limited],
                limit_train_batches=1, **common)
    T.fit(_mlp(), (X[:192], y[:192]), (X[192:], y[192:]), log_dir=tmp_path / "c", callbacks=[accumulated],
          accumulate_grad_batches=3, **common)
    assert (full.batches, full.optimizer_steps) == (18, 18)  # 192 / 32 = 6 batches per epoch, 3 epochs
    assert (limited.batches, limited.optimizer_steps) == (3, 3)  # one batch per epoch
    assert (accumulated.batches, accumulated.optimizer_steps) == (18, 6)  # one step per three batches
    assert res.stopped_epoch == 3 and not _same_state(start, model.state_dict())  # it did train, one step an epoch


def test_trainer_keywords_fit_sets_itself_are_refused(tmp_path: Path) -> None:
    X, y = _data(64)
    run = tmp_path / "run"
    for key, value, hint in [("accelerator", "cpu", "device="), ("logger", True, "cannot be changed"),
                             ("enable_progress_bar", False, "progress="), ("default_root_dir", str(tmp_path), "log_dir=")]:
        with pytest.raises(TypeError, match=f"`{key}`.*{hint}"):
            T.fit(_mlp(), (X[:48], y[:48]), (X[48:], y[48:]), max_epochs=1, log_dir=run, progress=False,
                  **{key: value})
    with pytest.raises(TypeError, match="'max_epoch'.*neither a fit keyword nor a lightning.Trainer argument"):
        T.fit(_mlp(), (X[:48], y[:48]), (X[48:], y[48:]), max_epochs=1, max_epoch=2, log_dir=run, progress=False)
    assert not run.exists()  # refused before anything was written
