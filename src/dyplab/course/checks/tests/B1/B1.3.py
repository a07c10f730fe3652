"""B1, oppgave 3: z og sigmoid-utgangen for x = (1, 0, 2), regnet for hånd."""

import math
from numbers import Real

from otter.test_files import test_case

name = "B1.3"
OTTER_OK = False
W, B, X = (0.5, -0.8, 1.2), 0.3, (1.0, 0.0, 2.0)


@test_case(failure_message="Regn ut den vektede summen pluss bias, og send den gjennom sigmoid.")
def test_by_hand(z_hand, sigmoid_hand):
    for label, value in (("z_hand", z_hand), ("sigmoid_hand", sigmoid_hand)):
        assert isinstance(value, Real) and not isinstance(value, bool), f"{label} skal være ett tall."
    z = sum(w * x for w, x in zip(W, X)) + B
    assert abs(z_hand - (z - B)) > 1e-6, "z_hand ser ut til å mangle biasen b."
    assert abs(z_hand - z) < 1e-3, "z_hand stemmer ikke: gang hver inngang med sin vekt, summer, og legg til b."
    assert 0 < sigmoid_hand < 1, "Sigmoid gir alltid et tall strengt mellom 0 og 1."
    assert abs(sigmoid_hand - 1 / (1 + math.exp(-z_hand))) < 1e-3, (
        "sigmoid_hand er ikke sigmoid av z_hand: σ(z) = 1 / (1 + e^(−z)).")
