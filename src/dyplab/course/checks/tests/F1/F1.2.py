"""F1, Oppgave 2: Parkinson med vanlige stratifiserte folder (uten grupper), for å se hva lekkasjen gjør."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "F1.2"


def pairs(folds):
    return [(np.asarray(tr, dtype=int), np.asarray(te, dtype=int)) for tr, te in folds]


@test_case(failure_message="folds_rows skal være en liste med (treningsindekser, testindekser) per fold, som fra "
                           "splits.repeated_folds.")
def list_of_train_test_pairs(folds_rows):
    assert len(pairs(folds_rows)) >= 2


@test_case(failure_message="En fold har samme rad både i trening og test, eller testdelene dekker ikke alle rader "
                           "nøyaktig én gang per repetisjon. Bruk splits.repeated_folds(park.y, ...).")
def valid_folds(folds_rows, groups):
    folds = pairs(folds_rows)
    tested = np.zeros(len(groups), dtype=int)
    for tr, te in folds:
        assert not set(tr.tolist()) & set(te.tolist())
        np.add.at(tested, te, 1)
    assert tested.min() == tested.max() >= 1


@test_case(failure_message="Foldene er fortsatt gruppert: ingen person har opptak på begge sider. Oppgaven er å "
                           "lage folder UTEN groups=, så du ser hva det gjør med AUC.")
def folds_share_persons(folds_rows, groups):
    g = np.asarray(groups)
    assert any(set(g[tr].tolist()) & set(g[te].tolist()) for tr, te in pairs(folds_rows))


@test_case(failure_message="leaky skal være tabellen fra pfn_comparison.run_table, med kolonnen auc_fold_snitt "
                           "(AUC mellom 0 og 1).")
def comparison_table(leaky):
    auc = np.asarray(leaky["auc_fold_snitt"], dtype=float)
    assert len(auc) >= 1 and np.isfinite(auc).all() and auc.min() >= 0 and auc.max() <= 1
