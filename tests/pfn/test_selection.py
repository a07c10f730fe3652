import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from dyplab import splits
from dyplab.data import LabeledData
from dyplab.pfn import selection

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.mirror
def test_dev_tables_are_multiclass_and_none_of_the_evaluation_tables(mirror):
    tables = selection.dev_tables()
    assert set(tables) == {"wine", "iris", "digits", "diabetes", "heart 0/1", "heart 0-4"}
    assert set(selection.BINARY_ENTRIES) <= set(tables)
    assert not {n.lower() for n in tables} & {n.lower() for n in selection.EVALUATION_TABLES}
    classes = {name: set(np.unique(data.y)) for name, data in tables.items()}
    assert classes == {"wine": {0, 1, 2}, "iris": {0, 1, 2}, "digits": set(range(10)), "diabetes": {0, 1},
                       "heart 0/1": {0, 1}, "heart 0-4": set(range(5))}
    np.testing.assert_array_equal(tables["heart 0/1"].y, tables["heart 0-4"].y > 0)  # same patients, same order
    assert all(len(d.X) == len(d.y) for d in tables.values())
    assert tables["digits"].X.shape[1] == 64  # wider than the pre-training maximum: the cap matters
    assert tables["heart 0-4"].X.isna().any().any()  # imputed inside the folds by score_table


def test_prior_draws_are_reproducible_in_range_and_refuse_a_training_seed():
    a = selection.prior_draws(5, (30, 40))
    b = selection.prior_draws(5, (30, 40))
    assert all(np.array_equal(s.X, t.X) and np.array_equal(s.y, t.y) for s, t in zip(a, b))
    for t in a:
        assert 30 <= t.X.shape[1] <= 40 and 100 <= len(t.y) <= 500
        assert set(t.y[: t.n_train]) == set(range(t.n_classes)) and len(set(t.y[t.n_train :])) >= 2
    assert {t.n_classes for t in selection.prior_draws(20, (30, 80))} - {2}  # several classes too, also when wide
    assert not np.array_equal(a[0].X, selection.prior_draws(1, (30, 40), seed=selection.PRIOR_SEED + 1)[0].X)
    with pytest.raises(ValueError, match="pre-training seed"):
        selection.prior_draws(1, (2, 5), seed=0)


def test_scores_are_aucs_and_missing_values_are_imputed_in_the_fold():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    y = (X["a"] > 0).astype(int).to_numpy()
    X.iloc[::7, 1] = np.nan
    data = LabeledData(X, y, ["0", "1"])
    folds = splits.repeated_folds(y, n_splits=3, n_repeats=1)
    assert selection.score_table(LogisticRegression(), data, folds) > 0.95
    noise = LabeledData(X, rng.permutation(y), ["0", "1"])
    assert selection.score_table(LogisticRegression(), noise, folds) < 0.8
    tasks = selection.prior_draws(3, (2, 6))
    assert 0.0 <= selection.score_prior(LogisticRegression(max_iter=2000), tasks) <= 1.0
    three = LabeledData(X, np.digitize(X["a"], [-0.5, 0.5]), ["lav", "middels", "høy"])
    assert selection.score_table(LogisticRegression(), three, splits.repeated_folds(three.y, n_splits=3)) > 0.9


def test_choose_takes_the_highest_criterion_and_refuses_missing_scores():
    scores = pd.DataFrame({"steg": [1000, 2000, 2000], "max_features": [24, 12, 24], "kriterium": [0.8, 0.9, 0.85]})
    best = selection.choose(scores)
    assert (best["steg"], best["max_features"]) == (2000, 12)
    with pytest.raises(ValueError, match="no candidates"):
        selection.choose(scores.iloc[:0])
    with pytest.raises(ValueError, match="kriterium"):
        selection.choose(scores.assign(kriterium=[0.8, np.nan, 0.7]))


def test_the_binary_guard_keeps_a_candidate_that_loses_on_binary_tables_out():
    scores = pd.DataFrame({"steg": [6000, 14000, 10000], "kriterium": [0.85, 0.88, 0.87], "binær": [0.84, 0.80, 0.837]})
    assert selection.choose(scores)["steg"] == 14000  # without the guard: the best criterion
    assert selection.choose(scores, guard="binær")["steg"] == 10000  # 0.003 below the best binary mean: allowed
    assert selection.choose(scores, guard="binær", tolerance=0.001)["steg"] == 6000
    with pytest.raises(ValueError, match="binær"):
        selection.choose(scores.assign(binær=[0.8, np.nan, 0.8]), guard="binær")


def test_summarise_adds_the_binary_mean_and_the_criterion():
    row = selection.summarise({"wine": 0.9, "diabetes": 0.8, "heart 0/1": 0.7, "prior 2-24": 0.6})
    assert row["binær"] == pytest.approx(0.75) and row["kriterium"] == pytest.approx(0.75)
    assert row["wine"] == 0.9
    with pytest.raises(ValueError, match="heart 0/1"):
        selection.summarise({"wine": 0.9, "diabetes": 0.8})


def _record(is_shipped: bool) -> dict:
    rows = [{"steg": s, "max_features": c, "max_context": 512, "n_estimators": 4, "kriterium": 0.8 + s / 1e5 + c / 1e3}
            for s in (1000, 2000) for c in (12, 24)]
    return {"date": "2026-12-07", "entries": ["wine", "prior 2-24"], "candidates": rows, "choice": rows[-1],
            "shipped": rows[-1] if is_shipped else rows[1], "is_shipped": is_shipped}


def test_record_sentences_come_from_the_record(tmp_path):
    assert "ikke kjørt" in selection.describe_record(None)[0]
    lines = selection.describe_record(_record(True))
    assert "4 kandidater" in lines[0] and "steg [1000, 2000]" in lines[0] and "wine, prior 2-24" in lines[0]
    assert "Valgt: 2000 steg forhåndstrening, høyst 24 egenskaper og 512 kontekstrader per pass, 4 pass" in lines[1]
    assert "(kriterium 0.8440)" in lines[1]
    assert "følger med dyplab" in lines[2]
    assert "IKKE" in selection.describe_record(_record(False))[2]
    guarded = {**_record(True), "binary_tolerance": 0.005,
               "pretraining": {"text": "6000 steg med 2 klasser (2490 s) + 8000 steg med 2-10 klasser (1 s)."}}
    guarded["choice"] = {**guarded["choice"], "binær": 0.81234}
    guarded["networks"] = {"1000": {"classes": 2}, "2000": {"classes": 10}}
    lines = selection.describe_record(guarded)
    assert "binære tabeller 0.8123, valgt blant kandidatene høyst 0.005 under den beste" in lines[1]
    assert lines[2] == "Nettverkene (beste kriterium): 1000 steg, 2 klasser (0.8340), 2000 steg, 2–10 klasser (0.8440)."
    assert lines[3] == ("Forhåndstreningen av de valgte vektene: 6000 steg med 2 klasser (2490 s) + 8000 steg med "
                        "2-10 klasser (1 s).")
    path = tmp_path / "selection.json"
    path.write_text(json.dumps(_record(True)), encoding="utf-8")
    assert selection.load_record(path)["choice"]["steg"] == 2000
    assert selection.load_record(tmp_path / "none.json") is None
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="selection.json: not valid JSON"):
        selection.load_record(path)
    path.write_text(json.dumps({"choice": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks"):
        selection.load_record(path)


def test_shipped_record_if_present_is_valid():
    record = selection.load_record()
    if record is None:
        pytest.skip("benchmarks/pfn_selection.py has not written a record for the shipped weights")
    assert {r["steg"] for r in record["candidates"]} >= {record["choice"]["steg"]}
    assert record["is_shipped"] and record["choice"] == {**record["choice"], **record["shipped"]}
    assert all(name.lower() not in {e.lower() for e in selection.EVALUATION_TABLES} for name in record["entries"])


@pytest.mark.slow
def test_train_pfn_snapshots_are_that_runs_networks(tmp_path):
    train_pfn = _script("train_pfn")
    out = tmp_path / "pfn.pt"
    assert train_pfn.main(["--steps", "100", "--batch-rows", "48", "--out", str(out), "--snapshots", "50"]) == 0
    from dyplab import checkpoints

    snap = checkpoints.load(train_pfn.snapshot_path(out, 50))
    final = checkpoints.load(out)
    assert snap.meta["log"][-1]["step"] == 50 and final.meta["log"][-1]["step"] == 100
    assert snap.meta["log"] == final.meta["log"][:1]
    assert any(not np.array_equal(snap.state_dict[k], final.state_dict[k]) for k in final.state_dict)
    with pytest.raises(SystemExit):
        train_pfn.main(["--steps", "100", "--out", str(out), "--snapshots", "70"])
    with pytest.raises(SystemExit):
        train_pfn.main(["--steps", "100", "--out", str(out), "--snapshots", "150"])
