"""E3, Oppgave 1: sensitiviteten for «avsky» med 95 %-konfidensintervall.

Sjekken kontrollerer at det riktige målet er regnet ut (sensitivitet, ikke PPV eller nøyaktighet) og at
intervallet omslutter estimatet. Den sier aldri bestått eller ikke bestått ut fra hvor høyt tallet er.
"""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E3.1"
DISGUST = 1


@test_case(failure_message="sens_disgust, ci_low og ci_high skal være tre tall mellom 0 og 1 (andeler, ikke prosent).")
def three_numbers_between_0_and_1(sens_disgust, ci_low, ci_high):
    for v in (sens_disgust, ci_low, ci_high):
        assert np.ndim(v) == 0 and np.isfinite(float(v)) and 0 <= float(v) <= 1


@test_case(failure_message="Intervallet skal omslutte estimatet: ci_low ≤ sens_disgust ≤ ci_high.")
def interval_around_the_estimate(sens_disgust, ci_low, ci_high):
    assert float(ci_low) <= float(sens_disgust) + 1e-9 and float(sens_disgust) <= float(ci_high) + 1e-9


@test_case(failure_message="Dette er ikke sensitiviteten for avsky. Sensitivitet er andelen av bildene som ER avsky "
                           "(test.y == 1) som modellen kaller avsky. (Andelen riktige blant bildene modellen kaller "
                           "avsky, er PPV.)")
def recall_of_disgust(sens_disgust, y_test, pred):
    y, p = np.asarray(y_test), np.asarray(pred)
    assert np.isclose(float(sens_disgust), np.mean(p[y == DISGUST] == DISGUST), atol=1e-9)
