"""SHAP importances of any probability function (dyplab.pfn.importance)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from dyplab.pfn.importance import shap_table


def test_shap_names_match_columns_and_find_the_informative_feature():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"støy": rng.normal(size=200), "signal": rng.normal(size=200), "støy2": rng.normal(size=200)})
    y = (frame["signal"] > 0).astype(int)
    model = LogisticRegression().fit(frame.to_numpy(), y)
    table, values = shap_table(lambda a: model.predict_proba(a)[:, 1], frame.iloc[:20], frame.iloc[100:110])
    assert values.shape == (10, 3)
    assert set(table["feature"]) == set(frame.columns)
    assert table["feature"].iloc[0] == "signal"
    order = list(frame.columns)
    np.testing.assert_allclose(table.set_index("feature").loc[order, "mean_abs_shap"], np.abs(values).mean(0))
    with pytest.raises(ValueError, match="same columns"):
        shap_table(lambda a: a[:, 0], frame.iloc[:5, ::-1], frame.iloc[:5])
