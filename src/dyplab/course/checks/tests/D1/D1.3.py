"""D1, Oppgave 3: terskel for sensitivitet ≥ 95 % på hovedmodellens utenfor-fold-prediksjoner, og andelen av
personene uten demens som da flagges. Terskelen velges i kryssvalideringsdelen, aldri på testsettet."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "D1.3"
TARGET = 0.95


def flagged(P, thr):
    """Hvilke prediksjoner som er over terskelen (alle gjentakelser)."""
    return np.asarray(P, dtype=float) >= float(thr)


@test_case(failure_message="thr95 skal være ett tall mellom 0 og 1 (en terskel for sannsynligheten).")
def threshold_is_a_probability(thr95):
    assert np.ndim(thr95) == 0 and 0 <= float(thr95) <= 1


@test_case(failure_message="Med denne terskelen er sensitiviteten under 95 % på utenfor-fold-prediksjonene. Velg "
                           "terskelen på P_cnn[MAIN_CNN] og y_cv fra kryssvalideringsdelen (alle gjentakelser "
                           "slått sammen) – ikke på testsettet.")
def sensitivity_at_least_95_percent(thr95, P_main, y_cv):
    y = np.asarray(y_cv)
    assert flagged(P_main, thr95)[y == 1].mean() >= TARGET - 1e-12


@test_case(failure_message="Terskelen er lavere enn den trenger å være: flere friske flagges enn nødvendig. Finn den "
                           "høyeste terskelen som fortsatt gir minst 95 % sensitivitet.")
def highest_such_threshold(thr95, P_main, y_cv):
    from dyplab import crossval

    y = np.asarray(y_cv)
    best = crossval.threshold_for_sensitivity(y, np.asarray(P_main, dtype=float), TARGET)
    assert flagged(P_main, thr95)[y == 0].mean() <= flagged(P_main, best)[y == 0].mean() + 1e-12


@test_case(failure_message="healthy_flagged skal være andelen av personene UTEN demens (y_cv == 0) som har "
                           "sannsynlighet ≥ thr95, i snitt over gjentakelsene (et tall mellom 0 og 1).")
def share_of_healthy_flagged(healthy_flagged, thr95, P_main, y_cv):
    y = np.asarray(y_cv)
    assert np.ndim(healthy_flagged) == 0
    assert np.isclose(float(healthy_flagged), flagged(P_main, thr95)[y == 0].mean(), atol=1e-9)
