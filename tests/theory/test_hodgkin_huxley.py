"""Hodgkin–Huxley: rate functions, rest, threshold and the gating variables during a spike."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dyplab.theory import hodgkin_huxley as hh


def textbook_tau(gate: str, V: float) -> float:
    """τ = 1/(α+β) with the classic formulas written out independently of the module."""
    if gate == "m":
        a = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
        b = 4 * math.exp(-(V + 65) / 18)
    elif gate == "h":
        a = 0.07 * math.exp(-(V + 65) / 20)
        b = 1 / (1 + math.exp(-(V + 35) / 10))
    else:
        a = 0.01 * (V + 55) / (1 - math.exp(-(V + 55) / 10))
        b = 0.125 * math.exp(-(V + 65) / 80)
    return 1 / (a + b)


@pytest.mark.parametrize("gate", ["m", "h", "n"])
@pytest.mark.parametrize("V", [-80.0, -65.0, -50.0, -20.0, 0.0, 30.0])
def test_time_constants_match_textbook(gate: str, V: float) -> None:
    assert float(hh.time_constant(gate, V)) == pytest.approx(textbook_tau(gate, V), rel=1e-9)


def test_known_values_at_rest() -> None:
    # At -65 mV: τ_m ≈ 0.24 ms, τ_h ≈ 8.5 ms, τ_n ≈ 5.5 ms; m∞ ≈ 0.053, h∞ ≈ 0.596, n∞ ≈ 0.318.
    assert float(hh.time_constant("m", -65)) == pytest.approx(0.2368, abs=1e-3)
    assert float(hh.time_constant("h", -65)) == pytest.approx(8.516, abs=1e-2)
    assert float(hh.time_constant("n", -65)) == pytest.approx(5.459, abs=1e-2)
    assert float(hh.steady_state("m", -65)) == pytest.approx(0.0529, abs=1e-3)
    assert float(hh.steady_state("h", -65)) == pytest.approx(0.5961, abs=1e-3)
    assert float(hh.steady_state("n", -65)) == pytest.approx(0.3177, abs=1e-3)


@pytest.mark.parametrize(("fn", "V0", "limit"), [(hh.alpha_m, -40.0, 1.0), (hh.alpha_n, -55.0, 0.1)])
def test_removable_singularities(fn, V0: float, limit: float) -> None:
    assert float(fn(V0)) == pytest.approx(limit, rel=1e-12)
    near = fn(np.array([V0 - 1e-7, V0 + 1e-7, V0 - 1e-3, V0 + 1e-3]))
    assert np.all(np.isfinite(near))
    assert near == pytest.approx(limit, rel=1e-3)


def test_rest_is_stable_without_stimulus() -> None:
    res = hh.simulate(None, t_max=50.0)
    assert np.abs(res.V + 65.0).max() < 0.1
    assert res.spike_times().size == 0


def test_suprathreshold_pulse_spikes_and_subthreshold_does_not() -> None:
    sub = hh.simulate(hh.pulse(3.0, start=5.0, duration=1.0), t_max=25.0)
    supra = hh.simulate(hh.pulse(20.0, start=5.0, duration=1.0), t_max=25.0)
    assert sub.peak[1] < -50.0
    assert supra.peak[1] > 20.0
    assert len(supra.spike_times()) == 1


def test_gates_during_spike() -> None:
    res = hh.simulate(hh.pulse(20.0, start=5.0, duration=1.0), t_max=25.0)
    i_peak = int(np.argmax(res.V))
    before = int(np.searchsorted(res.t, 4.9))
    assert res.m[i_peak] > 0.8 > res.m[before]  # Na⁺ activation opens
    assert res.h[i_peak] < res.h[before] - 0.15  # Na⁺ inactivation: h falls
    assert res.h[i_peak:].min() < 0.2
    assert res.n[i_peak:].max() > res.n[before] + 0.2  # K⁺ activation opens, later
    assert np.argmax(res.n) > i_peak
    # Currents: inward Na⁺ (negative) dominates at the upstroke, outward K⁺ during repolarisation.
    assert res.I_Na.min() < -100 and res.I_K.max() > 100
    dV = np.gradient(res.V, res.t)
    up, down = int(np.argmax(dV)), int(np.argmin(dV))
    assert up < i_peak < down
    assert -res.I_Na[up] > res.I_K[up]  # depolarisation: Na⁺ in
    assert res.I_K[down] > -res.I_Na[down]  # repolarisation: K⁺ out


def test_refractory_period() -> None:
    """A second pulse 3 ms after the first fails; 15 ms after it succeeds."""
    close = hh.simulate(hh.Pulses(((5.0, 1.0, 10.0), (8.0, 1.0, 10.0))), t_max=30.0)
    far = hh.simulate(hh.Pulses(((5.0, 1.0, 10.0), (20.0, 1.0, 10.0))), t_max=35.0)
    assert len(close.spike_times()) == 1
    assert len(far.spike_times()) == 2


def test_firing_rate_grows_with_current() -> None:
    assert hh.firing_rate(0.0, t_max=120.0) == 0.0
    r10, r40 = hh.firing_rate(10.0, t_max=120.0), hh.firing_rate(40.0, t_max=120.0)
    assert 0 < r10 < r40


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="dt"):
        hh.simulate(None, t_max=10.0, dt=0.0)
    with pytest.raises(KeyError):
        hh.time_constant("q", -65.0)
