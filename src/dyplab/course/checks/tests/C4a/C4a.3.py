"""C4a, oppgave 3: terskel for minst 90 % sensitivitet for ondartet svulst, valgt på valideringssettet (BreastMNIST)."""

from numbers import Real

import numpy as np
from otter.test_files import test_case

name = "C4a.3"
OTTER_OK = False
TARGET = 0.90


@test_case(failure_message="Velg terskelen på valideringssettet: den høyeste som finner minst 90 % av de ondartede.")
def test_threshold(threshold, y_val, score_val):
    from dyplab import metrics
    from dyplab.data import medmnist
    from dyplab.workflows import medimaging

    assert isinstance(threshold, Real) and not isinstance(threshold, bool), "threshold skal være ett tall."
    positive = medimaging.POSITIVE["breastmnist"]
    val = np.isin(medmnist.load("breastmnist", "val").y, positive).astype(int)
    y = np.asarray(y_val).astype(int)
    if not np.array_equal(y, val):
        test = np.isin(medmnist.load("breastmnist", "test").y, positive).astype(int)
        assert not np.array_equal(y, test), (
            "Terskelen er valgt på testsettet. Da er testtallet ikke lenger et ærlig mål: bruk valideringssettet.")
        raise AssertionError("y_val er ikke BreastMNIST sitt valideringssett (ondartet = 1).")
    score = np.asarray(score_val, dtype=float)
    sensitivity = float(np.mean(score[y == 1] >= threshold))
    assert sensitivity >= TARGET - 1e-12, (
        f"Med denne terskelen finner modellen bare {sensitivity:.0%} av de ondartede på valideringssettet.")
    assert threshold >= metrics.threshold_for_sensitivity(y, score, TARGET) - 1e-9, (
        "Terskelen når målet, men en høyere terskel gjør det også og gir færre falske positive.")
