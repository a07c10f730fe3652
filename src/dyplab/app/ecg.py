"""The «EKG» tab: one MIT-BIH beat at a time, its RR context, the ECG model's class probabilities and the truth.

The model is a :class:`dyplab.models.ecg.BeatCNN` on B4's inputs (z-scored 0.7 s MLII window + the relative RR
features) for the four inter-patient AAMI classes N, S, V, F. :func:`train` makes it on the DS1 training
records (early stopping on ``DS1_VAL``); DS2 is never used for training, so a DS2 record shows the model on
patients it has not seen (the tab says which kind a record is).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score

from .. import checkpoints, config, metrics, splits, training
from ..data import mitbih
from ..models.ecg import BeatCNN, model_inputs
from ..signal import RELATIVE_RR

CLASSES = mitbih.INTER_CLASSES
#: Norwegian meaning of the AAMI classes and of the MIT-BIH beat symbols.
CLASS_TEXT = {"N": "normalt slag (også grenblokk)", "S": "supraventrikulært ekstraslag", "V": "ventrikulært ekstraslag",
              "F": "fusjonsslag", "Q": "pacet / uklassifiserbart"}
SYMBOL_TEXT = {"N": "normalt", "L": "venstre grenblokk", "R": "høyre grenblokk", "e": "atrialt escape", "j": "nodalt escape",
               "A": "atrialt ekstraslag", "a": "avvikende atrialt ekstraslag", "J": "nodalt ekstraslag",
               "S": "supraventrikulært ekstraslag", "V": "ventrikulært ekstraslag", "E": "ventrikulært escape",
               "F": "fusjon av ventrikulært og normalt", "/": "pacet", "f": "fusjon av pacet og normalt",
               "Q": "uklassifiserbart", "B": "grenblokk (uspesifisert)", "r": "R-på-T", "n": "supraventrikulært escape",
               "?": "uklassifiserbart"}
FIT = {"lr": 1e-3, "batch_size": 256, "patience": 2, "monitor": "val_loss", "progress": False}
SEED = 7


def _inputs(beats: mitbih.BeatSet | mitbih.RecordBeats) -> np.ndarray:
    return model_inputs(beats.waves, beats.rr, RELATIVE_RR).astype(np.float32)


def train(path: Path, *, progress: Callable[[str], None] = print) -> Path:
    """Train the app's beat model on DS1 (minus the validation records) and save it with its validation scores."""
    import dyplab

    P = config.profile()
    val_recs = list(mitbih.DS1_VAL)
    train_recs = [r for r in mitbih.DS1 if r not in val_recs]
    train_recs = P.pick(smoke=train_recs[:4], klass=train_recs)
    progress(f"EKG: leser {len(train_recs) + len(val_recs)} DS1-opptak og trener slagmodellen …")
    tr, va = mitbih.load_beats(train_recs), mitbih.load_beats(val_recs)
    tr, va = [b.subset(np.isin(mitbih.to_aami(b.symbols), CLASSES)) for b in (tr, va)]
    y_tr = mitbih.encode(mitbih.to_aami(tr.symbols), CLASSES)
    y_va = mitbih.encode(mitbih.to_aami(va.symbols), CLASSES)
    rng = np.random.default_rng(SEED)
    max_n = P.pick(smoke=3000, klass=12000)
    n_idx = np.flatnonzero(y_tr == 0)
    keep = np.sort(np.concatenate([rng.choice(n_idx, min(max_n, len(n_idx)), replace=False), np.flatnonzero(y_tr != 0)]))
    X_tr, y_tr = _inputs(tr)[keep], y_tr[keep]
    X_va = _inputs(va)
    dyplab.seed_everything(SEED)
    kwargs = {"n_samples": int(tr.waves.shape[1]), "n_rr": len(RELATIVE_RR), "n_classes": len(CLASSES)}
    model = BeatCNN(**kwargs)
    weights = splits.class_weights(y_tr, len(CLASSES), power=0.5)
    with tempfile.TemporaryDirectory(prefix="dyplab-app-") as tmp:
        fit = training.fit(model, (X_tr, y_tr), (X_va, y_va), max_epochs=P.pick(smoke=2, klass=6), **FIT,
                           class_weights=weights, seed=SEED, log_dir=tmp)
    pred = training.predict(fit.model, X_va)
    macro = float(f1_score(y_va, pred, labels=list(range(len(CLASSES))), average="macro", zero_division=0))
    acc = metrics.accuracy(y_va, pred)
    checkpoints.save(fit.model, path, model_kwargs=kwargs, class_names=list(CLASSES), rr_features=list(RELATIVE_RR),
                     train_records=list(train_recs), val_records=val_recs, n_train=int(len(y_tr)),
                     val={"accuracy": acc, "macro_f1": macro}, epochs=int(fit.stopped_epoch), seed=SEED,
                     trained_by="dyplab app", profile=P.name)
    progress(f"EKG: ferdig (validering på {', '.join(val_recs)}: nøyaktighet {acc:.3f}, makro-F1 {macro:.3f}); "
             f"lagret {path}")
    return path


@dataclass
class Beat:
    """The beat of ``record`` nearest to a chosen time."""

    record: str
    index: int  # position among the record's segmented beats
    time_s: float  # R peak
    symbol: str
    beats: mitbih.RecordBeats

    @property
    def aami(self) -> str:
        return str(mitbih.to_aami(np.array([self.symbol]))[0])

    @property
    def truth(self) -> str:
        """The reference annotation in words (Norwegian)."""
        return (f"Sann annotasjon: «{self.symbol}» ({SYMBOL_TEXT.get(self.symbol, 'ukjent')}) → AAMI-klasse "
                f"{self.aami} ({CLASS_TEXT.get(self.aami, '')})")


def beat_at(record: str, time_s: float) -> Beat:
    """The annotated beat of ``record`` whose R peak is nearest to ``time_s`` seconds."""
    record = str(record).strip()
    info = mitbih.record_info(record)
    if not 0 <= float(time_s) <= info.duration_s:
        raise ValueError(f"tidspunktet må være mellom 0 og {info.duration_s:.0f} s; fikk {time_s}")
    beats = mitbih.record_beats(record)
    r_s = beats.samples / info.fs
    i = int(np.argmin(np.abs(r_s - float(time_s))))
    return Beat(record, i, float(r_s[i]), str(beats.symbols[i]), beats)


def probabilities(model: torch.nn.Module, beat: Beat) -> dict[str, float]:
    """The model's class probabilities for the beat, keyed «N: normalt slag …»."""
    x = _inputs(beat.beats)[beat.index: beat.index + 1]
    proba = training.predict_proba(model, x)[0]
    return {f"{c}: {CLASS_TEXT[c]}": float(p) for c, p in zip(CLASSES, proba)}


def record_role(record: str, meta: dict) -> str:
    """Whether the model trained or early-stopped on this record's patient (Norwegian)."""
    if record in meta.get("train_records", []):
        return f"Opptak {record} var med i treningsdataene: resultatet her er optimistisk."
    if record in meta.get("val_records", []):
        return f"Opptak {record} ble brukt til tidlig stopp (validering)."
    return f"Opptak {record} var ikke med i treningen: modellen har ikke sett denne pasienten."


def figure(beat: Beat, context_s: float = 2.0):
    """Matplotlib figure: ±``context_s`` of MLII with the beats and RR intervals, and the window the model sees."""
    import matplotlib.pyplot as plt

    from .. import signal

    rec = mitbih.load_record(beat.record)
    info = mitbih.record_info(beat.record)
    lead = mitbih.lead_index(info)
    fs = rec.fs
    lo, hi = max(0, int((beat.time_s - context_s) * fs)), min(len(rec.signal), int((beat.time_s + context_s) * fs))
    pad = int(2 * fs)
    a, b = max(0, lo - pad), min(len(rec.signal), hi + pad)
    x = signal.bandpass(rec.signal[a:b, lead], fs)[lo - a: hi - a]
    t = np.arange(lo, hi) / fs
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [2.2, 1]})
    ax1.plot(t, x, color="black", lw=0.9)
    peaks = beat.beats.samples[(beat.beats.samples >= lo) & (beat.beats.samples < hi)]
    syms = beat.beats.symbols[(beat.beats.samples >= lo) & (beat.beats.samples < hi)]
    for k, (s, sym) in enumerate(zip(peaks, syms)):
        chosen = abs(s / fs - beat.time_s) < 1e-6
        ax1.annotate(sym, (s / fs, x[min(len(x) - 1, s - lo)]), textcoords="offset points", xytext=(0, 8), ha="center",
                     color="tab:red" if chosen else "tab:blue", fontweight="bold" if chosen else "normal")
        if k > 0:
            rr_ms = (s - peaks[k - 1]) / fs * 1000
            ax1.annotate(f"{rr_ms:.0f} ms", ((s + peaks[k - 1]) / 2 / fs, x.min()), ha="center", fontsize=8, color="gray")
    before, after = 0.25, 0.45
    ax1.axvspan(beat.time_s - before, beat.time_s + after, color="tab:red", alpha=0.12, label="vinduet modellen ser")
    ax1.set_title(f"Opptak {beat.record}, MLII rundt t = {beat.time_s:.2f} s (RR-intervaller i grått)")
    ax1.set_xlabel("Tid (s)")
    ax1.set_ylabel("Spenning (mV, båndpass 0,5–40 Hz)")
    ax1.legend(loc="upper right", fontsize=8)
    w = beat.beats.waves[beat.index]
    z = (w - w.mean()) / (w.std() + 1e-6)
    tw = (np.arange(len(w)) / beat.beats.fs) - before
    ax2.plot(tw, z, color="tab:red")
    ax2.axvline(0, color="gray", lw=0.8, ls="--")
    ax2.set_title(f"Slaget modellen klassifiserer («{beat.symbol}»)")
    ax2.set_xlabel("Tid fra R-takken (s)")
    ax2.set_ylabel("Standardisert amplitude")
    fig.tight_layout()
    return fig
