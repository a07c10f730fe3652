"""UCI heart disease: the loader on the course mirror and on small files written by the tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from dyplab.data import DataError, heart
from dyplab.models.tabular import TabularMLP

ROWS = [
    "63.0,1.0,1.0,145.0,233.0,1.0,2.0,150.0,0.0,2.3,3.0,0.0,6.0,0",
    "67.0,1.0,4.0,160.0,286.0,0.0,2.0,108.0,1.0,1.5,2.0,3.0,3.0,2",
    "53.0,0.0,3.0,128.0,216.0,0.0,2.0,115.0,0.0,0.0,1.0,0.0,?,0",
    "43.0,1.0,4.0,132.0,247.0,1.0,2.0,143.0,1.0,0.1,2.0,?,7.0,1",
]


def _write(tmp_path: Path, lines: list[str], name: str = "processed.test.data") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- files written by the test


def test_question_mark_becomes_nan_and_codes_are_kept(tmp_path: Path) -> None:
    df = heart.read(_write(tmp_path, ROWS))
    assert list(df.columns) == [*heart.FEATURES, "grade", "target"]
    assert len(df) == 4
    assert np.isnan(df.loc[2, "thal"]) and np.isnan(df.loc[3, "ca"])
    assert df.isna().sum().sum() == 2, "only the two '?' may be missing"
    assert df.loc[3, "ca"] != 0 and df.loc[2, "thal"] != 0
    assert df["cp"].tolist() == [1, 4, 3, 4], "chest-pain codes must stay 1-4 as in the file"
    assert df["thal"].dropna().tolist() == [6, 3, 7]
    assert df["grade"].tolist() == [0, 2, 0, 1]
    assert df["target"].tolist() == [0, 1, 0, 1]
    assert all(pd.api.types.is_float_dtype(df[c]) for c in heart.FEATURES)
    assert df["target"].dtype == np.int64


def test_header_line_is_accepted(tmp_path: Path) -> None:
    df = heart.read(_write(tmp_path, [",".join(heart.RAW_COLUMNS), *ROWS]))
    assert len(df) == 4 and df.loc[1, "chol"] == 286


def test_missing_column_in_header_is_a_clear_error(tmp_path: Path) -> None:
    header = ",".join(c for c in heart.RAW_COLUMNS if c != "thal")
    rows = [",".join(r.split(",")[:12] + r.split(",")[13:]) for r in ROWS]
    with pytest.raises(DataError, match=r"missing column.*thal"):
        heart.read(_write(tmp_path, [header, *rows]))


def test_wrong_column_count_names_the_line(tmp_path: Path) -> None:
    lines = [ROWS[0], ROWS[1], ROWS[2].rsplit(",", 1)[0]]  # third row lost its last field
    with pytest.raises(DataError, match=r"line 3: expected 14 comma-separated values.*found 13"):
        heart.read(_write(tmp_path, lines))


def test_non_numeric_value_is_a_clear_error(tmp_path: Path) -> None:
    bad = ROWS[1].replace("286.0", "high")
    with pytest.raises(DataError, match=r"line 2: column 'chol' has 'high'"):
        heart.read(_write(tmp_path, [ROWS[0], bad]))


def test_undocumented_code_is_rejected(tmp_path: Path) -> None:
    bad = ROWS[0].replace("63.0,1.0,1.0,", "63.0,1.0,0.0,", 1)  # cp = 0 (a 0-based re-coding) is not a valid code
    with pytest.raises(DataError, match=r"'cp' has codes \[0.0\] outside the documented set \[1, 2, 3, 4\]"):
        heart.read(_write(tmp_path, [bad]))


def test_grade_outside_0_to_4_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="'num' must be 0-4"):
        heart.read(_write(tmp_path, [ROWS[0][:-1] + "5"]))


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="empty"):
        heart.read(_write(tmp_path, [""]))


def test_zero_cholesterol_means_not_measured(tmp_path: Path) -> None:
    row = ROWS[0].replace("233.0", "0")
    assert np.isnan(heart.read(_write(tmp_path, [row]))["chol"][0])
    assert heart.read(_write(tmp_path, [row]), zeros_as_missing=False)["chol"][0] == 0


def test_hungarian_positive_grade_is_unknown(tmp_path: Path) -> None:
    df = heart.read(_write(tmp_path, [ROWS[0], ROWS[1][:-1] + "1"]), site="hungarian")
    assert df["grade"][0] == 0 and df["grade"].isna()[1]
    assert df["target"].tolist() == [0, 1]


def test_unknown_site_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown site 'oslo'"):
        heart.load("oslo")


def test_variable_table_and_codes_cover_every_variable() -> None:
    table = heart.describe_variables()
    assert list(table.index) == [*heart.FEATURES, "grade", "target"]
    assert set(table.columns) == {"beskrivelse", "enhet / koder", "type"}
    assert set(heart.CATEGORICAL) <= set(heart.CODES)
    assert sorted(heart.CODES["cp"]) == [1, 2, 3, 4] and heart.CODES["cp"][4] == "asymptomatisk"
    assert sorted(heart.CODES["thal"]) == [3, 6, 7] and sorted(heart.CODES["slope"]) == [1, 2, 3]
    assert sorted(heart.CODES["restecg"]) == [0, 1, 2]
    assert set(heart.NUMERIC) | set(heart.BINARY) | set(heart.NOMINAL) == set(heart.FEATURES)


def test_mlp_shapes_and_bad_input() -> None:
    model = TabularMLP(22).eval()
    assert model(torch.zeros(5, 22)).shape == (5, 2)
    with pytest.raises(ValueError, match=r"expects input \[N, 22\]"):
        model(torch.zeros(5, 13))


# --------------------------------------------------------------------------- the course mirror


@pytest.fixture()
def mirror(tmp_path: Path, monkeypatch) -> Path:
    root = os.environ.get("DYPLAB_DATA_MIRROR")
    if not root:
        pytest.skip("DYPLAB_DATA_MIRROR is not set (the course data mirror is needed)")
    monkeypatch.setenv("DYPLAB_DATA_DIR", str(tmp_path / "cache"))
    return Path(root)


@pytest.mark.mirror
def test_cleveland_counts_match_source(mirror: Path) -> None:
    df = heart.table("cleveland")
    assert df.shape == (303, 15)
    # SOURCE.md / heart-disease.names: num 0:164, 1:55, 2:36, 3:35, 4:13 on all 303 rows
    assert df["grade"].value_counts().sort_index().to_dict() == {0: 164, 1: 55, 2: 36, 3: 35, 4: 13}
    assert df["target"].value_counts().sort_index().to_dict() == {0: 164, 1: 139}
    # the original notebook dropped the 6 incomplete rows: 297 rows, grades {0:160, ...}, 160/137
    complete = df.dropna()
    assert len(complete) == 297
    assert complete["grade"].value_counts().sort_index().to_dict() == {0: 160, 1: 54, 2: 35, 3: 35, 4: 13}
    assert complete["target"].value_counts().sort_index().to_dict() == {0: 160, 1: 137}


@pytest.mark.mirror
def test_cleveland_missing_values_are_nan_not_zero(mirror: Path) -> None:
    df = heart.table("cleveland")
    assert df.isna().sum()[lambda s: s > 0].to_dict() == {"ca": 4, "thal": 2}
    assert sorted(df.index[df["ca"].isna()]) == [166, 192, 287, 302]
    assert sorted(df.index[df["thal"].isna()]) == [87, 266]


@pytest.mark.mirror
def test_cleveland_code_sets(mirror: Path) -> None:
    df = heart.table("cleveland")
    expected = {
        "sex": {0, 1},
        "cp": {1, 2, 3, 4},
        "fbs": {0, 1},
        "restecg": {0, 1, 2},
        "exang": {0, 1},
        "slope": {1, 2, 3},
        "ca": {0, 1, 2, 3},
        "thal": {3, 6, 7},
    }
    for col, codes in expected.items():
        assert set(df[col].dropna().astype(int)) == codes, col


@pytest.mark.mirror
def test_all_sites(mirror: Path) -> None:
    df = heart.table("all")
    assert len(df) == 920
    assert df["site"].value_counts().to_dict() == {"cleveland": 303, "hungarian": 294, "va": 200, "switzerland": 123}
    # heart-disease.names: the presence counts per site (grades 1-4 together)
    assert df.groupby("site", observed=True)["target"].sum().to_dict() == {
        "cleveland": 139,
        "hungarian": 106,
        "switzerland": 115,
        "va": 149,
    }
    assert df.loc[df["site"] == "hungarian", "grade"].isna().sum() == 106
    assert not (df["chol"] == 0).any(), "cholesterol 0 means 'not measured' and must be NaN"
    assert df.loc[df["site"] == "switzerland", "chol"].isna().all()


@pytest.mark.mirror
def test_pipeline_on_cleveland_learns_from_training_rows_only(mirror: Path) -> None:
    from dyplab import splits, tabular

    data = heart.load("cleveland")
    X, y = data.X, data.y
    train, val, test = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=42)
    assert (len(train), len(val), len(test)) == (181, 61, 61)
    pre = tabular.make_preprocessor(numeric=heart.NUMERIC, nominal=heart.NOMINAL, binary=heart.BINARY)
    pre.fit(X.iloc[train])
    scaler = pre.named_transformers_["numeric"].named_steps["scale"]
    np.testing.assert_allclose(scaler.mean_[:5], X.iloc[train][list(heart.NUMERIC[:5])].mean().to_numpy())
    assert not np.allclose(scaler.mean_[:5], X[list(heart.NUMERIC[:5])].mean().to_numpy())
    names = list(pre.get_feature_names_out())
    assert len(names) == 22 and {"cp_4", "thal_7", "slope_3", "restecg_2"} <= set(names)
    out = pre.transform(X)
    assert not np.isnan(out).any(), "the 6 missing ca/thal values are imputed inside the pipeline"
    assert set(tabular.feature_origin(pre).values()) == set(heart.FEATURES)


@pytest.mark.mirror
def test_load_is_the_raw_table_as_labeled_data(mirror: Path) -> None:
    for site in ("cleveland", "all"):
        df, data = heart.table(site), heart.load(site)
        assert list(data.X.columns) == list(heart.FEATURES) and data.class_names == list(heart.TARGET_NAMES)
        pd.testing.assert_frame_equal(data.X, df[list(heart.FEATURES)])
        assert data.y.dtype == np.int64 and np.array_equal(data.y, df["target"].to_numpy())
        assert data.meta["grade"].equals(df["grade"]) and data.groups is None
    assert list(data.meta["site"]) == list(df["site"])
    assert "site" not in heart.load("cleveland").meta.columns
