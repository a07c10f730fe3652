"""F2, Oppgave 3: permutasjonsviktighet for EEG A/D med random forest, målt på testdelen av én fold."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "F2.3"


@test_case(failure_message="tr og te skal være trenings- og testindeksene til én fold, uten felles rader. "
                           "Viktigheten måles på rader modellen ikke er trent på.")
def held_out_rows(tr, te):
    tr, te = np.asarray(tr, dtype=int), np.asarray(te, dtype=int)
    assert len(tr) and len(te) and not set(tr.tolist()) & set(te.tolist())


@test_case(failure_message="imp skal være tabellen fra explain.permutation_importance_table: kolonnene feature og "
                           "importance_mean, én rad per EEG-egenskap.")
def one_row_per_feature(imp, features):
    assert {"feature", "importance_mean"} <= set(imp.columns)
    assert sorted(imp["feature"].tolist()) == sorted(features)


@test_case(failure_message="Tabellen skal være sortert med den viktigste egenskapen først (størst importance_mean).")
def largest_first(imp):
    values = np.asarray(imp["importance_mean"], dtype=float)
    assert np.isfinite(values).all() and (np.diff(values) <= 1e-12).all()
