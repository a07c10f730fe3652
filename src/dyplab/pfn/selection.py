"""Choosing the PFN's settings without the evaluation tables: development tables and held-out prior draws.

F1 and F2 report the PFN on six tables (:data:`EVALUATION_TABLES`). Settings of the PFN (the pre-training
length, the feature cap ``max_features``, the context size ``max_context``, the number of forward passes
``n_estimators``) must not be chosen on them. This module scores candidate settings on other tables only:

- six small tables that ship with scikit-learn or dyplab and are none of the six: wine (3 cultivars), iris
  (3 species), digits (10 digits, 64 pixel features: the one wide table), diabetes (progression above the
  median: binary), Cleveland heart disease as disease yes/no (binary) and with the angiographic grade 0-4
  (5 classes); missing values imputed inside each fold;
- synthetic tables drawn from the pre-training prior (2 to 10 classes) with a seed the pre-training never used,
  narrow (2-24 features) and wide (30-80 features, wider than any pre-training table, so the feature cap matters).

Each real table is scored by the mean fold ROC AUC (macro one-vs-rest for several classes) over stratified folds
(the same folds for every candidate); each group of prior draws by the mean ROC AUC on the draws' own query rows.
The criterion is the mean over these eight scores; the highest wins among the candidates whose mean over the
binary tables (:data:`BINARY_ENTRIES`) is within :data:`BINARY_TOLERANCE` of the best such mean, so that a
network better at several classes cannot be chosen at the price of binary tables, the case most course tables
have. ``benchmarks/pfn_selection.py`` runs it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import crossval, metrics, splits
from ..data import LabeledData
from .prior import PriorConfig, Task, draw_n_classes, sample_task

EVALUATION_TABLES = ("Parkinson", "Brystkreft", "DARWIN", "Gliom", "EEG A/E", "EEG A/D")
"""The six tables F1 and F2 report; never used to choose a PFN setting."""

RECORD = Path(__file__).resolve().parent / "weights" / "selection.json"
"""The last full run of ``benchmarks/pfn_selection.py``: candidates, scores and choice (shipped with the weights)."""

BINARY_ENTRIES = ("diabetes", "heart 0/1")
"""The binary development tables; their mean is the column ``binær`` of the candidate table."""

BINARY_TOLERANCE = 0.005
"""How far (AUC) a candidate's binary mean may fall below the best candidate's and still be chosen."""

PRIOR_SEED = 20_261_207
"""Seed of the held-out prior draws (pre-training uses seeds 0, 1, ...; this one was never used for it)."""


def _table(X, y, class_names: Sequence[str]) -> LabeledData:
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=np.float64))
    return LabeledData(frame.reset_index(drop=True), np.asarray(y, dtype=np.int64), list(class_names))


def dev_tables() -> dict[str, LabeledData]:
    """The six development tables (none of :data:`EVALUATION_TABLES`); heart has NaN (impute in the fold)."""
    from sklearn.datasets import load_diabetes, load_digits, load_iris, load_wine

    from ..data import heart

    out: dict[str, LabeledData] = {}
    wine = load_wine(as_frame=True)
    out["wine"] = _table(wine.data, wine.target, [f"kultivar {c + 1}" for c in range(3)])
    iris = load_iris(as_frame=True)
    out["iris"] = _table(iris.data, iris.target, list(iris.target_names))
    digits = load_digits()
    out["digits"] = _table(digits.data, digits.target, [str(d) for d in range(10)])
    diabetes = load_diabetes(as_frame=True)
    target = diabetes.target.to_numpy()
    out["diabetes"] = _table(diabetes.data, target > np.median(target), ["lav progresjon", "høy progresjon"])
    patients = heart.load("cleveland")
    out["heart 0/1"] = _table(patients.X, patients.y, patients.class_names)
    out["heart 0-4"] = _table(patients.X, patients.meta["grade"].astype("int64"), [f"grad {g}" for g in range(5)])
    clash = set(out) & {t.lower() for t in EVALUATION_TABLES}
    if clash:
        raise RuntimeError(f"development tables overlap the evaluation tables: {sorted(clash)}")
    return out


def prior_draws(n_tasks: int, features: tuple[int, int], *, seed: int = PRIOR_SEED,
                cfg: PriorConfig | None = None) -> list[Task]:
    """``n_tasks`` synthetic tables from the pre-training prior with ``features[0]..features[1]`` columns
    (inclusive), 100-500 rows, 40-80 % of them as context and 2 to 10 classes as in pre-training, drawn with
    ``seed`` (the causal graphs' width limit is raised to fit wide tables)."""
    if seed < 1000:
        raise ValueError(f"seed {seed} may be a pre-training seed; use a held-out seed (>= 1000)")
    cfg = cfg or PriorConfig()
    # a one-layer causal graph needs a layer as wide as the table; widen it for tables wider than pre-training's
    cfg = replace(cfg, max_width=max(cfg.max_width, features[1] + cfg.max_classes + 2))
    rng = np.random.default_rng(seed)
    tasks = []
    for _ in range(n_tasks):
        n = int(rng.integers(100, cfg.max_rows + 1))
        f = int(rng.integers(features[0], features[1] + 1))
        n_train = int(round(n * rng.uniform(cfg.min_train_fraction, cfg.max_train_fraction)))
        tasks.append(sample_task(rng, n, f, n_train, cfg, draw_n_classes(rng, n_train, cfg)))
    return tasks


def score_prior(model, tasks: Sequence[Task]) -> float:
    """Mean ROC AUC of ``model`` (cloned per task) on the query rows of each task, given its context rows."""
    from sklearn.base import clone

    aucs = []
    for t in tasks:
        est = clone(model).fit(t.X[: t.n_train], t.y[: t.n_train])
        aucs.append(metrics.roc_auc(t.y[t.n_train :], est.predict_proba(t.X[t.n_train :])))
    return float(np.mean(aucs))


def score_table(model, data: LabeledData, folds) -> float:
    """Mean fold ROC AUC (macro one-vs-rest for several classes) of ``model`` on ``data`` over ``folds``
    (missing values imputed inside each fold): :func:`dyplab.crossval.oof_sklearn` and :func:`~dyplab.crossval.per_fold`."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    est = make_pipeline(SimpleImputer(strategy="median"), model) if data.X.isna().any().any() else model
    P = crossval.oof_sklearn(est, data.X.to_numpy(dtype=np.float64), data.y, folds)
    return float(crossval.per_fold(data.y, P, folds, metrics=["roc_auc"])["roc_auc"].mean())


@dataclass(frozen=True)
class Setup:
    """What one selection run evaluates: folds on the development tables and the held-out prior draws."""

    tables: dict[str, LabeledData]
    folds: dict[str, list]
    prior: dict[str, list[Task]]

    @classmethod
    def build(cls, *, n_splits: int = 5, n_repeats: int = 1, n_prior: int = 20, seed: int = 42) -> Setup:
        """Development tables with ``n_repeats`` × ``n_splits`` stratified folds and two groups of prior draws."""
        tables = dev_tables()
        folds = {name: splits.repeated_folds(d.y, n_splits=n_splits, n_repeats=n_repeats, seed=seed)
                 for name, d in tables.items()}
        prior = {"prior 2-24": prior_draws(n_prior, (2, 24)),
                 "prior 30-80": prior_draws(n_prior, (30, 80), seed=PRIOR_SEED + 1)}
        return cls(tables, folds, prior)

    def n_features(self, name: str) -> int:
        """Columns of a development table, or the widest draw of a prior group."""
        if name in self.tables:
            return self.tables[name].X.shape[1]
        return max(t.X.shape[1] for t in self.prior[name])


def score(model, setup: Setup, names: Sequence[str] | None = None) -> dict[str, float]:
    """``{entry: score}`` of one candidate model for every (or the named) development table and prior group."""
    out = {}
    for name in names if names is not None else [*setup.tables, *setup.prior]:
        if name in setup.tables:
            out[name] = score_table(model, setup.tables[name], setup.folds[name])
        else:
            out[name] = score_prior(model, setup.prior[name])
    return out


SETTINGS = ("steg", "max_features", "max_context", "n_estimators")
"""The settings a candidate is made of (columns of the candidate table and keys of the record's choice)."""


def choose(scores: pd.DataFrame, criterion: str = "kriterium", guard: str | None = None,
           tolerance: float = BINARY_TOLERANCE) -> pd.Series:
    """The row with the highest ``criterion`` (the first such row if several tie exactly); with ``guard`` (a
    column, e.g. ``"binær"``), only among the rows whose ``guard`` is at most ``tolerance`` below its best."""
    if scores.empty:
        raise ValueError("no candidates were scored")
    for column in (criterion, guard) if guard else (criterion,):
        if scores[column].isna().any():
            raise ValueError(f"a candidate has no {column}: {scores[scores[column].isna()].to_dict('records')}")
    eligible = scores[scores[guard] >= scores[guard].max() - tolerance] if guard else scores
    return eligible.loc[eligible[criterion].idxmax()]


def summarise(scores: dict[str, float]) -> dict[str, float]:
    """A candidate's entry scores with ``binær`` (mean over :data:`BINARY_ENTRIES`) and ``kriterium`` (mean over
    all entries) added."""
    missing = [e for e in BINARY_ENTRIES if e not in scores]
    if missing:
        raise ValueError(f"the scores lack the binary tables {missing}: {sorted(scores)}")
    return {**scores, "binær": float(np.mean([scores[e] for e in BINARY_ENTRIES])),
            "kriterium": float(np.mean(list(scores.values())))}


def load_record(path: str | Path = RECORD) -> dict | None:
    """The selection record written by ``benchmarks/pfn_selection.py``, or ``None`` if it has not been run."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    missing = {"choice", "shipped", "is_shipped", "candidates", "entries"} - set(record)
    if missing:
        raise ValueError(f"{path}: the selection record lacks {sorted(missing)}")
    return record


def _setting_text(row: dict) -> str:
    return (f"{int(row['steg'])} steg forhåndstrening, høyst {int(row['max_features'])} egenskaper og "
            f"{int(row['max_context'])} kontekstrader per pass, {int(row['n_estimators'])} pass")


def describe_record(record: dict | None) -> list[str]:
    """Norwegian sentences, generated from the record, about how the PFN's settings were chosen."""
    if record is None:
        return ["Utvalgsskriptet benchmarks/pfn_selection.py er ikke kjørt for disse vektene; innstillingene er "
                "ikke valgt på utviklingstabeller."]
    c = record["choice"]
    values = {k: sorted({int(r[k]) for r in record["candidates"]}) for k in SETTINGS}
    lines = [f"Utvalg (benchmarks/pfn_selection.py, {record.get('date', '?')}): {len(record['candidates'])} kandidater "
             f"(steg {values['steg']}, max_features {values['max_features']}, max_context {values['max_context']}, "
             f"n_estimators {values['n_estimators']}, én innstilling om gangen), målt på {', '.join(record['entries'])} "
             f"– ingen av de seks tabellene i F1 og F2.",
             f"Valgt: {_setting_text(c)} (kriterium {c['kriterium']:.4f}"
             + (f"; binære tabeller {c['binær']:.4f}, valgt blant kandidatene høyst {record['binary_tolerance']} "
                f"under den beste der" if "binær" in c and "binary_tolerance" in record else "") + ")."]
    if record.get("networks"):
        best = {k: max(r["kriterium"] for r in record["candidates"] if str(r["steg"]) == k) for k in record["networks"]}
        lines.append("Nettverkene (beste kriterium): " + ", ".join(
            f"{k} steg, {'2' if n['classes'] == 2 else '2–' + str(n['classes'])} klasser ({best[k]:.4f})"
            for k, n in record["networks"].items()) + ".")
    if record.get("pretraining"):
        pre = record["pretraining"]
        lines.append(f"Forhåndstreningen av de valgte vektene: {pre['text']}")
    if record["is_shipped"]:
        lines.append("Dette er innstillingene som følger med dyplab (vektene og standardverdiene i PFNClassifier).")
    else:
        lines.append("Utvalget valgte IKKE innstillingene som følger med dyplab; se lærerveiledningen.")
    return lines
