"""B3, oppgave 1: terskler for sensitivitet ≥ 0,80 og ≥ 0,95, valgt på valideringsdata."""

import numpy as np
from otter.test_files import test_case

name = "B3.1"
OTTER_OK = False
TARGETS = (0.80, 0.95)


def _sensitivity(y, score, threshold) -> float:
    y = np.asarray(y).astype(bool)
    return float(np.mean(np.asarray(score)[y] >= threshold))


@test_case(failure_message="Velg hver terskel på valideringsdata: den høyeste som gir minst målet for sensitivitet.")
def test_thresholds(chosen_thresholds, y_val, p_val):
    from dyplab import metrics

    assert isinstance(chosen_thresholds, dict), "chosen_thresholds skal være en ordbok {målet for sensitivitet: terskel}."
    assert len(y_val) == len(p_val), "y_val og p_val skal høre til de samme pasientene (valideringsdelen)."
    for target in TARGETS:
        found = [k for k in chosen_thresholds if abs(float(k) - target) < 1e-9]
        assert found, f"chosen_thresholds mangler en terskel for målet {target:.2f}."
        thr = float(chosen_thresholds[found[0]])
        assert _sensitivity(y_val, p_val, thr) >= target - 1e-12, (
            f"Terskelen for {target:.2f} gir lavere sensitivitet enn {target:.2f} på valideringsdata. "
            "Ble den valgt på andre pasienter (for eksempel testdelen)?")
        best = metrics.threshold_for_sensitivity(y_val, p_val, target)
        assert thr >= best - 1e-9, (
            f"Terskelen for {target:.2f} når målet, men det finnes en høyere terskel som også gjør det "
            "(og gir færre falske positive).")
        assert thr <= best + 1e-9, (
            f"Terskelen for {target:.2f} er ikke den vi finner på valideringsdata. Velg den på y_val og "
            "p_val_mlp, aldri på testdelen.")
