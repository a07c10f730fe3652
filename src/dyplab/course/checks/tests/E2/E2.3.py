"""E2, Oppgave 3: temperaturskalering, T valgt etter lavest ECE på valideringsdelen (aldri på testmappen)."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "E2.3"


def scaled_ece(y_val, val_proba, T):
    """ECE på valideringsdelen for sannsynlighetene skalert med temperaturen T."""
    from dyplab import calibration

    z = np.log(np.clip(np.asarray(val_proba, dtype=float), 1e-12, 1)) / float(T)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return calibration.expected_calibration_error(np.asarray(y_val), p / p.sum(axis=1, keepdims=True))


@test_case(failure_message="ece_by_T skal være en ordbok {T: ECE} med minst to temperaturer T > 0 og ECE mellom 0 "
                           "og 1 for hver.")
def candidates_with_their_ece(ece_by_T):
    assert isinstance(ece_by_T, dict) and len(ece_by_T) >= 2
    for T, e in ece_by_T.items():
        assert np.isfinite(float(T)) and float(T) > 0 and np.isfinite(float(e)) and 0 <= float(e) <= 1


@test_case(failure_message="ECE-tallene stemmer ikke med valideringsdelen. Regn ECE med val.y og softmax av "
                           "logitene delt på T (logitene: log av val_proba). Temperaturen velges på "
                           "validering – aldri på testmappen.")
def ece_on_the_validation_part(ece_by_T, y_val, val_proba):
    for T, e in ece_by_T.items():
        assert np.isclose(float(e), scaled_ece(y_val, val_proba, T), atol=1e-3), f"T = {T}"


@test_case(failure_message="T_best skal være den temperaturen i ece_by_T som gir lavest ECE.")
def lowest_ece(T_best, ece_by_T):
    assert T_best in ece_by_T and ece_by_T[T_best] == min(ece_by_T.values())
