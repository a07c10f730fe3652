"""B2, oppgave 4: softplus laget av motorens operasjoner, og gradienten fra backward()."""

import math

from otter.test_files import test_case

name = "B2.4"
OTTER_OK = False


@test_case(failure_message="Bygg softplus av exp, + og log i motoren, og kall backward() på resultatet.")
def test_softplus(z, s):
    assert hasattr(z, "data") and hasattr(z, "grad") and hasattr(s, "data"), (
        "z og s skal være Value-objekter fra motoren (z = Value(...), s = ...).")
    expected = math.log1p(math.exp(z.data))
    assert math.isclose(s.data, expected, rel_tol=1e-9, abs_tol=1e-12), (
        "s er ikke softplus av z: softplus er log(1 + e^z).")
    assert z.grad != 0.0, "z.grad er 0: kalte du s.backward()?"
    assert math.isclose(z.grad, 1 / (1 + math.exp(-z.data)), rel_tol=1e-9, abs_tol=1e-12), (
        "z.grad stemmer ikke med den deriverte av softplus. Ble backward() kalt mer enn én gang, eller på noe annet enn s?")
