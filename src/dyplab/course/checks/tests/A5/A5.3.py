"""A5, Oppgave 3 (valgfri): hvor ofte er Random Forest og MLP uenige, og hvor ofte tar begge feil?"""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A5.3"


@test_case(failure_message="rf_pred, pred og y_test skal være like lange: ett svar per testbilde.")
def same_length(rf_pred, pred, y_test):
    assert len(rf_pred) == len(pred) == len(y_test)


@test_case(failure_message="n_disagree skal telle bildene der de to modellene gir ulikt svar (rf_pred != pred).")
def disagreements(rf_pred, pred, n_disagree):
    assert int(n_disagree) == int((np.asarray(rf_pred) != np.asarray(pred)).sum())


@test_case(failure_message="n_both_wrong skal telle bildene der BEGGE modellene tar feil: (rf_pred != y_test) OG "
                           "(pred != y_test), med & og ikke |.")
def both_wrong(rf_pred, pred, y_test, n_both_wrong):
    y = np.asarray(y_test)
    assert int(n_both_wrong) == int(((np.asarray(rf_pred) != y) & (np.asarray(pred) != y)).sum())
