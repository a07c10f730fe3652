"""F2, Oppgave 1: DARWINs ID lagt tilbake som tall, og random forest med og uten den (kryssvalidering)."""

import numpy as np
import pandas as pd
from otter.test_files import test_case

OTTER_OK = False
name = "F2.1"


def id_numbers(raw_id):
    return pd.Series(np.asarray(raw_id)).astype(str).str.extract(r"(\d+)", expand=False).astype(int).to_numpy()


@test_case(failure_message="with_id skal være darwin.X (alle kolonnene, alle radene) med nøyaktig én ekstra kolonne.")
def table_plus_one_column(with_id, X):
    assert isinstance(with_id, pd.DataFrame) and with_id.shape == (len(X), X.shape[1] + 1), f"formen er {np.shape(with_id)}"
    assert set(X.columns) <= set(with_id.columns)


@test_case(failure_message="Den nye kolonnen skal være nummeret i ID som et tall (id_17 → 17), i samme rekkefølge som "
                           "radene i darwin.X – ikke tekst.")
def id_as_a_number_in_row_order(with_id, X, raw_id):
    new = [c for c in with_id.columns if c not in set(X.columns)]
    col = with_id[new[0]]
    assert pd.api.types.is_numeric_dtype(col)
    assert np.array_equal(col.to_numpy(dtype=float), id_numbers(raw_id).astype(float))


@test_case(failure_message="auc_without og auc_with skal være snitt-AUC over foldene: to tall mellom 0 og 1.")
def two_aucs(auc_without, auc_with):
    for a in (auc_without, auc_with):
        assert np.ndim(a) == 0 and np.isfinite(float(a)) and 0 <= float(a) <= 1
