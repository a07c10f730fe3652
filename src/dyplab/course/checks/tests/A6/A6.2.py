"""A6, Oppgave 2: terskelen for 95 % sensitivitet, valgt på valideringssettet."""

import numpy as np
from otter.test_files import test_case

from dyplab import metrics

OTTER_OK = False
name = "A6.2"


@test_case(failure_message="t95 skal være ett tall mellom 0 og 1 (en terskel på P(8)).")
def is_a_probability(t95):
    assert np.ndim(t95) == 0 and 0.0 <= float(t95) <= 1.0


@test_case(failure_message="Terskelen er valgt på testsettet. Velg den på valideringssettet (is8_val, p8_val); "
                           "testsettet brukes bare til å måle den valgte terskelen.")
def not_chosen_on_test(t95, is8_val, p8_val, is8_test, p8_test):
    on_val = metrics.threshold_for_sensitivity(is8_val, p8_val, target=0.95)
    on_test = metrics.threshold_for_sensitivity(is8_test, p8_test, target=0.95)
    assert np.isclose(float(t95), on_val) or not np.isclose(float(t95), on_test)


@test_case(failure_message="Med t95 fanges under 95 % av 8-erne i valideringssettet: terskelen er for høy.")
def reaches_the_target(t95, is8_val, p8_val):
    assert metrics.binary_metrics(is8_val, p8_val, threshold=float(t95))["sensitivity"] >= 0.95 - 1e-12


@test_case(failure_message="t95 kan ikke være lavere enn terskelen for 100 % sensitivitet: et lavere krav gir like "
                           "høy eller høyere terskel. Velg den høyeste terskelen som når 95 % (target=0.95).")
def highest_threshold(t95, threshold, is8_val, p8_val):
    assert float(t95) >= float(threshold) - 1e-12
    assert np.isclose(float(t95), metrics.threshold_for_sensitivity(is8_val, p8_val, target=0.95))
