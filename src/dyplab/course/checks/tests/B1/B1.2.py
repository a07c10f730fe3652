"""B1, oppgave 2: hvor langt må g_Na ned før pulsen på 10 µA/cm² ikke lenger gir et aksjonspotensial?"""

from numbers import Real

from otter.test_files import test_case

name = "B1.2"
OTTER_OK = False
STEP = 5.0  # nøyaktigheten oppgaven ber om (mS/cm²)


def _fires(g_na: float) -> bool:
    from dyplab.theory import hodgkin_huxley as hh

    stim = hh.pulse(amplitude=10.0, start=5.0, duration=1.0)
    return hh.simulate(stim, t_max=30.0, params=hh.HHParams(g_Na=float(g_na))).spike_times().size > 0


@test_case(failure_message="Se på g_Na-verdiene rundt grensen der aksjonspotensialet forsvinner.")
def test_block(g_Na_block):
    assert isinstance(g_Na_block, Real) and not isinstance(g_Na_block, bool), (
        "g_Na_block skal være ett tall: den største g_Na (mS/cm²) som ikke gir aksjonspotensial.")
    assert 0 < g_Na_block < 120, "g_Na_block skal ligge mellom 0 og normalverdien 120 mS/cm²."
    assert not _fires(g_Na_block), (
        "Med denne g_Na gir pulsen fortsatt et aksjonspotensial: Na⁺-kanalene må blokkeres mer.")
    assert _fires(g_Na_block + STEP), (
        f"Heller ikke g_Na {STEP:g} mS/cm² høyere gir aksjonspotensial: du er ikke ved grensen ennå. "
        f"Prøv verdier med høyst {STEP:g} mS/cm² mellomrom.")
