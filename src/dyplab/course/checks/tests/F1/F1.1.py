"""F1, Oppgave 1: PFN-ens P(flaggermus) på rutenettet med max_context 512 og 1024, og tiden for hver.

Rutenettet er en leke-oppgave (ingen testdeling); sjekken ser bare på formen på svaret, ikke på hvor høy AUC er.
"""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "F1.1"
CAPS = {512, 1024}


@test_case(failure_message="proba_by_cap og seconds_by_cap skal være ordbøker med nøklene 512 og 1024 "
                           "(verdiene av max_context du prøvde).")
def one_entry_per_context_cap(proba_by_cap, seconds_by_cap):
    assert isinstance(proba_by_cap, dict) and set(proba_by_cap) == CAPS
    assert isinstance(seconds_by_cap, dict) and set(seconds_by_cap) == CAPS


@test_case(failure_message="Hver verdi i proba_by_cap skal være P(flaggermus) for hvert punkt i rutenettet: én "
                           "sannsynlighet per rad i grid_X (kolonne 1 fra predict_proba), mellom 0 og 1.")
def one_probability_per_grid_point(proba_by_cap, grid_X):
    for cap, p in proba_by_cap.items():
        p = np.asarray(p, dtype=float)
        assert p.shape == (len(grid_X),), f"max_context {cap}: formen er {p.shape}"
        assert np.isfinite(p).all() and p.min() >= 0 and p.max() <= 1, f"max_context {cap}"


@test_case(failure_message="Du har gitt klasser (0/1), ikke sannsynligheter: bruk predict_proba, ikke predict.")
def probabilities_not_labels(proba_by_cap):
    assert all(len(np.unique(np.asarray(p, dtype=float))) > 2 for p in proba_by_cap.values())


@test_case(failure_message="Tidene skal være sekunder (tall over 0) for fit + predict_proba med hver max_context.")
def positive_times(seconds_by_cap):
    assert all(np.isfinite(float(s)) and float(s) > 0 for s in seconds_by_cap.values())
