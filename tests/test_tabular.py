"""dyplab.tabular: preprocessing fitted on training rows only, split sizes, one-hot bookkeeping."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from dyplab import splits, tabular


def _table(n: int = 200, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.normal(55, 9, n),
            "chol": rng.normal(240, 50, n),
            "cp": rng.choice([1.0, 2.0, 3.0, 4.0], n),
            "thal": rng.choice([3.0, 6.0, 7.0], n),
            "sex": rng.choice([0.0, 1.0], n),
        }
    )
    df.loc[[3, 17], "chol"] = np.nan
    df.loc[[5], "thal"] = np.nan
    y = (df["age"] + rng.normal(0, 5, n) > 55).astype(int).to_numpy()
    return df, y


def test_preprocessor_learns_only_from_training_rows() -> None:
    df, y = _table()
    train, val, test = splits.train_val_test(y, val_size=0.2, test_size=0.2, seed=42)
    # make the held-out rows very different: if they leaked into fit, the statistics would move
    df.loc[test, "age"] += 1000.0
    df.loc[val, "chol"] = np.nan
    pre = tabular.make_preprocessor(numeric=["age", "chol"], nominal=["cp", "thal"], binary=["sex"])
    pre.fit(df.iloc[train])
    scaler = pre.named_transformers_["numeric"].named_steps["scale"]
    imputer = pre.named_transformers_["numeric"].named_steps["impute"]
    np.testing.assert_allclose(scaler.mean_[0], df["age"].iloc[train].mean())
    np.testing.assert_allclose(imputer.statistics_[1], df["chol"].iloc[train].median())
    out = pre.transform(df.iloc[train])
    np.testing.assert_allclose(out[:, 0].mean(), 0.0, atol=1e-9)
    assert not np.isnan(pre.transform(df.iloc[val])).any(), "imputation must fill the validation rows"
    assert pre.transform(df.iloc[test])[:, 0].min() > 50, "test rows are scaled with the training statistics"


def test_onehot_names_and_origin() -> None:
    df, _ = _table()
    pre = tabular.make_preprocessor(numeric=["age", "chol"], nominal=["cp", "thal"], binary=["sex"]).fit(df)
    names = list(pre.get_feature_names_out())
    assert names == ["age", "chol", "cp_1", "cp_2", "cp_3", "cp_4", "thal_3", "thal_6", "thal_7", "sex"]
    origin = tabular.feature_origin(pre)
    assert origin["cp_4"] == "cp" and origin["thal_7"] == "thal" and origin["sex"] == "sex"
    x = pre.transform(df)
    onehot = x[:, 2:6]
    assert set(np.unique(onehot)) == {0.0, 1.0} and (onehot.sum(axis=1) == 1).all()


def test_unseen_code_does_not_crash() -> None:
    df, _ = _table()
    pre = tabular.make_preprocessor(nominal=["cp"]).fit(df[df["cp"] != 4.0])
    row = pd.DataFrame({"cp": [4.0]})
    assert pre.transform(row).sum() == 0.0


def test_group_by_origin_sums_onehot_columns() -> None:
    origin = {"age": "age", "cp_1": "cp", "cp_2": "cp", "sex": "sex"}
    values = np.array([[1.0, 0.5, -0.25, 2.0], [0.0, 1.0, 1.0, -1.0]])
    grouped = tabular.group_by_origin(values, list(origin), origin)
    assert list(grouped.columns) == ["age", "cp", "sex"]
    np.testing.assert_allclose(grouped["cp"], [0.25, 2.0])
    np.testing.assert_allclose(grouped.sum(axis=1), values.sum(axis=1))
    with pytest.raises(ValueError, match="3 column names"):
        tabular.group_by_origin(values, ["age", "cp_1", "sex"], origin)


def test_preprocessor_argument_checks() -> None:
    with pytest.raises(ValueError, match="at least one"):
        tabular.make_preprocessor()
    with pytest.raises(ValueError, match=r"\['age'\] are listed in more than one group"):
        tabular.make_preprocessor(numeric=["age"], binary=["age"])
    with pytest.raises(ValueError, match="not fitted"):
        tabular.feature_origin(tabular.make_preprocessor(numeric=["age"]))
