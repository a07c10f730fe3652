"""B2, oppgave 3: ∂L/∂w22 regnet for hånd med kjerneregelen."""

import math
from numbers import Real

from otter.test_files import test_case

name = "B2.3"
OTTER_OK = False


@test_case(failure_message="Gå bakover fra tapet til w22 og gang sammen de lokale deriverte.")
def test_chain(dL_dw22, w22):
    assert isinstance(dL_dw22, Real) and not isinstance(dL_dw22, bool), "dL_dw22 skal være ett tall."
    assert hasattr(w22, "grad"), "Send med w22 fra regneeksempelet (Value-objektet), så kan svaret sammenlignes."
    assert math.isclose(dL_dw22, w22.grad, rel_tol=1e-6, abs_tol=1e-9), (
        "Tallet stemmer ikke med motorens gradient for w22. Kjeden går L → ŷ → h2 → z2 → w22: "
        "sjekk at hvert ledd er med, også den deriverte av tanh.")
