"""A6, Oppgave 1: analysen fra avsnitt 6 for sifferet 4 eller 9 (sensitivitet og PPV per modell)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A6.1"


def one_vs_rest(y, pred, positive):
    y, pred = np.asarray(y) == positive, np.asarray(pred) == positive
    tp = int((y & pred).sum())
    return {"sensitivity": tp / max(int(y.sum()), 1), "ppv": tp / max(int(pred.sum()), 1)}


@test_case(failure_message="positive skal være sifferet du ser på, 4 eller 9.")
def four_or_nine(positive):
    assert int(positive) in (4, 9)


@test_case(failure_message="table skal ha én rad per modell (samme navn som i preds) og kolonnene sensitivity og ppv.")
def one_row_per_model(table, preds):
    assert set(table.index) == set(preds) and {"sensitivity", "ppv"} <= set(table.columns)


@test_case(failure_message="Tallene passer med sifferet 8 fra avsnitt 6: bytt positive=POSITIVE ut med sifferet du "
                           "har valgt.")
def not_still_eight(table, preds, y_test, positive):
    for name_, pred in preds.items():
        if not np.isclose(table.loc[name_, "sensitivity"], one_vs_rest(y_test, pred, positive)["sensitivity"]):
            assert not np.isclose(table.loc[name_, "sensitivity"], one_vs_rest(y_test, pred, 8)["sensitivity"])


@test_case(failure_message="Sensitivitet eller PPV stemmer ikke med modellenes svar for det valgte sifferet: bruk "
                           "metrics.one_vs_rest(y_test, pred_m, positive=...) for hver modell i preds.")
def values_match(table, preds, y_test, positive):
    for name_, pred in preds.items():
        expected = one_vs_rest(y_test, pred, int(positive))
        assert np.isclose(table.loc[name_, "sensitivity"], expected["sensitivity"])
        assert np.isclose(table.loc[name_, "ppv"], expected["ppv"])
