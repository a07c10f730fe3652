"""A1, Oppgave 3: softmax av logits ganget med 3 og med 0."""

import numpy as np
from otter.test_files import test_case

OTTER_OK = False
name = "A1.3"


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def entropy(p):
    p = np.asarray(p, dtype=float)
    return float(-np.sum(p * np.log2(p + 1e-12)))


@test_case(failure_message="p_times3 og p_times0 skal være sannsynligheter for de tre diagnosene: tre tall som er "
                           "≥ 0 og summerer til 1 (bruk softmax, ikke logits direkte).")
def are_distributions(p_times3, p_times0):
    for p in (np.asarray(p_times3, dtype=float), np.asarray(p_times0, dtype=float)):
        assert p.shape == (3,) and np.all(p >= 0) and np.isclose(p.sum(), 1.0)


@test_case(failure_message="Med faktor 0 blir alle logits 0: da skal softmax gi like sannsynligheter for alle tre.")
def factor_zero_is_uniform(p_times0):
    assert np.allclose(np.asarray(p_times0, dtype=float), 1 / 3, atol=1e-6)


@test_case(failure_message="p_times3 er ikke softmax av 3 · logits: gang logits med 3 før du tar exp og normaliserer.")
def factor_three_is_softmax_of_scaled_logits(p_times3, logits):
    assert np.allclose(np.asarray(p_times3, dtype=float), softmax(3 * np.asarray(logits, dtype=float)), atol=1e-6)


@test_case(failure_message="Med faktor 3 skal fordelingen være skarpere (lavere entropi) enn med faktor 1.")
def sharper_than_original(p_times3, logits):
    assert entropy(p_times3) < entropy(softmax(np.asarray(logits, dtype=float)))
