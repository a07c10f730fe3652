"""B1, oppgave 1: den minste pulsstyrken som gir et aksjonspotensial for en puls på 0.5 ms."""

from numbers import Real

from otter.test_files import test_case

name = "B1.1"
OTTER_OK = False


def _fires(amplitude: float, duration: float) -> bool:
    from dyplab.theory import hodgkin_huxley as hh

    res = hh.simulate(hh.pulse(float(amplitude), start=5.0, duration=duration), t_max=20.0)
    return res.spike_times().size > 0


@test_case(failure_message="Se på pulsen på 0.5 ms: finn den minste styrken som gir et aksjonspotensial.")
def test_threshold(threshold_05):
    assert isinstance(threshold_05, Real) and not isinstance(threshold_05, bool), (
        "threshold_05 skal være ett tall: pulsstyrken i µA/cm².")
    assert _fires(threshold_05, 0.5), (
        "En puls på 0.5 ms med denne styrken gir ikke noe aksjonspotensial: terskelen ligger høyere. "
        "Sjekk at pulsen varer 0.5 ms (duration), ikke 1 ms.")
    assert not _fires(threshold_05 - 0.15, 0.5), (
        "Også en litt svakere puls gir et aksjonspotensial, så dette er ikke den minste styrken. "
        "Let nærmere grensen (med én desimal), for eksempel med halveringssøk.")
