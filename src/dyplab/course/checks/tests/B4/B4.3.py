"""B4, oppgave 3: en tabell per testopptak med S-slag, funne S og N-slag kalt S."""

import numpy as np
from otter.test_files import test_case

name = "B4.3"
OTTER_OK = False
COLUMNS = ("S-slag", "S funnet", "N kalt S")


@test_case(failure_message="Lag én rad per testopptak i protokoll 2 og tell fra fasit og prediksjon for testslagene.")
def test_per_record(per_rec, records, y_true, y_pred):
    import pandas as pd

    assert isinstance(per_rec, pd.DataFrame), "per_rec skal være en pandas-tabell."
    assert all(c in per_rec.columns for c in COLUMNS), f"per_rec skal ha kolonnene {', '.join(COLUMNS)}."
    records, y_true, y_pred = np.asarray(records), np.asarray(y_true), np.asarray(y_pred)
    assert len(records) == len(y_true) == len(y_pred), "records, y_true og y_pred skal gjelde de samme testslagene."
    assert set(map(str, per_rec.index)) == set(map(str, np.unique(records))), (
        "Radene er ikke de samme opptakene som i testsettet (DS2): bruk bare testslagene.")
    table = per_rec.loc[:, list(COLUMNS)].astype(int)
    assert (table["S funnet"] <= table["S-slag"]).all(), "Et opptak kan ikke ha flere funne S enn S-slag."
    expected = {"S-slag": int((y_true == 1).sum()), "S funnet": int(((y_true == 1) & (y_pred == 1)).sum()),
                "N kalt S": int(((y_true == 0) & (y_pred == 1)).sum())}
    for column, total in expected.items():
        assert int(table[column].sum()) == total, (
            f"Summen av «{column}» over opptakene stemmer ikke med testslagene. Klassene er N=0, S=1, V=2, F=3.")
