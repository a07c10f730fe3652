"""The Hodgkin–Huxley model of the squid giant axon (1952).

Units: membrane potential V in mV, time in ms, current densities in µA/cm²,
conductances in mS/cm², capacitance in µF/cm². The rate functions use the
modern sign convention (resting potential about -65 mV):

    C_m dV/dt = I_stim - g_Na m³h (V - E_Na) - g_K n⁴ (V - E_K) - g_L (V - E_L)
    dx/dt     = α_x(V) (1 - x) - β_x(V) x          for x in m, h, n

Equivalently dx/dt = (x_∞(V) - x) / τ_x(V) with τ_x = 1/(α_x + β_x) and
x_∞ = α_x/(α_x + β_x). m (Na⁺ activation) and n (K⁺ activation) rise when the
membrane depolarises; h (Na⁺ inactivation) falls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

ArrayLike = float | np.ndarray


@dataclass(frozen=True)
class HHParams:
    """Classic squid-axon parameters (Hodgkin & Huxley 1952, shifted so rest is about -65 mV)."""

    C_m: float = 1.0  # µF/cm²
    g_Na: float = 120.0  # mS/cm²
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 50.0  # mV
    E_K: float = -77.0
    E_L: float = -54.387


# --- rate functions (1/ms) ---------------------------------------------------
def _x_over_1_minus_exp(x: ArrayLike, k: float) -> np.ndarray:
    """x / (1 - exp(-x/k)), continuous at x = 0 where the limit is k (a removable singularity)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x / k) < 1e-6
    safe = np.where(small, 1.0, x)  # avoid 0/0 in the branch we throw away
    return np.where(small, k + x / 2.0, safe / -np.expm1(-safe / k))


def alpha_m(V: ArrayLike) -> np.ndarray:
    """Na⁺ activation opening rate; 0.1 (V+40) / (1 - exp(-(V+40)/10)), equal to 1.0 at V = -40."""
    return 0.1 * _x_over_1_minus_exp(np.asarray(V, dtype=float) + 40.0, 10.0)


def beta_m(V: ArrayLike) -> np.ndarray:
    """Na⁺ activation closing rate; 4 exp(-(V+65)/18)."""
    return 4.0 * np.exp(-(np.asarray(V, dtype=float) + 65.0) / 18.0)


def alpha_h(V: ArrayLike) -> np.ndarray:
    """Na⁺ inactivation recovery rate; 0.07 exp(-(V+65)/20)."""
    return 0.07 * np.exp(-(np.asarray(V, dtype=float) + 65.0) / 20.0)


def beta_h(V: ArrayLike) -> np.ndarray:
    """Na⁺ inactivation rate; 1 / (1 + exp(-(V+35)/10))."""
    return 1.0 / (1.0 + np.exp(-(np.asarray(V, dtype=float) + 35.0) / 10.0))


def alpha_n(V: ArrayLike) -> np.ndarray:
    """K⁺ activation opening rate; 0.01 (V+55) / (1 - exp(-(V+55)/10)), equal to 0.1 at V = -55."""
    return 0.01 * _x_over_1_minus_exp(np.asarray(V, dtype=float) + 55.0, 10.0)


def beta_n(V: ArrayLike) -> np.ndarray:
    """K⁺ activation closing rate; 0.125 exp(-(V+65)/80)."""
    return 0.125 * np.exp(-(np.asarray(V, dtype=float) + 65.0) / 80.0)


_RATES = {"m": (alpha_m, beta_m), "h": (alpha_h, beta_h), "n": (alpha_n, beta_n)}


def time_constant(gate: str, V: ArrayLike) -> np.ndarray:
    """τ_x(V) = 1 / (α_x + β_x) in ms for gate 'm', 'h' or 'n'."""
    a, b = _RATES[gate]
    return 1.0 / (a(V) + b(V))


def steady_state(gate: str, V: ArrayLike) -> np.ndarray:
    """x_∞(V) = α_x / (α_x + β_x) for gate 'm', 'h' or 'n'."""
    a, b = _RATES[gate]
    return a(V) / (a(V) + b(V))


# --- stimulus ------------------------------------------------------------------
@dataclass(frozen=True)
class Pulses:
    """A stimulus made of square current pulses: (start ms, duration ms, amplitude µA/cm²)."""

    pulses: tuple[tuple[float, float, float], ...] = field(default_factory=tuple)

    def __call__(self, t: ArrayLike) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        out = np.zeros_like(t)
        for start, dur, amp in self.pulses:
            out = out + np.where((t >= start) & (t < start + dur), amp, 0.0)
        return out

    @property
    def edges(self) -> list[float]:
        """Times where the stimulus jumps (the integrator must not step over them)."""
        return sorted({e for s, d, _ in self.pulses for e in (s, s + d)})


def pulse(amplitude: float, start: float = 5.0, duration: float = 1.0) -> Pulses:
    """One square pulse."""
    return Pulses(((start, duration, amplitude),))


def step(amplitude: float, start: float = 0.0, t_end: float = 1e9) -> Pulses:
    """A constant current switched on at ``start``."""
    return Pulses(((start, t_end - start, amplitude),))


# --- simulation ------------------------------------------------------------------
@dataclass
class HHResult:
    """Time course of one simulation; the currents are derived on demand."""

    t: np.ndarray
    V: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray
    I_stim: np.ndarray
    params: HHParams

    @property
    def I_Na(self) -> np.ndarray:
        p = self.params
        return p.g_Na * self.m**3 * self.h * (self.V - p.E_Na)

    @property
    def I_K(self) -> np.ndarray:
        p = self.params
        return p.g_K * self.n**4 * (self.V - p.E_K)

    @property
    def I_L(self) -> np.ndarray:
        p = self.params
        return p.g_L * (self.V - p.E_L)

    @property
    def peak(self) -> tuple[float, float]:
        """(time in ms, voltage in mV) of the highest membrane potential."""
        i = int(np.argmax(self.V))
        return float(self.t[i]), float(self.V[i])

    def spike_times(self, threshold: float = 0.0) -> np.ndarray:
        """Times where V crosses ``threshold`` mV upwards (one per action potential)."""
        up = np.flatnonzero((self.V[:-1] < threshold) & (self.V[1:] >= threshold))
        return self.t[up + 1]


def _rhs(t: float, y: np.ndarray, stim: Callable[[ArrayLike], np.ndarray], p: HHParams) -> np.ndarray:
    V, m, h, n = y
    I_ion = p.g_Na * m**3 * h * (V - p.E_Na) + p.g_K * n**4 * (V - p.E_K) + p.g_L * (V - p.E_L)
    dV = (float(stim(t)) - I_ion) / p.C_m
    dm = alpha_m(V) * (1 - m) - beta_m(V) * m
    dh = alpha_h(V) * (1 - h) - beta_h(V) * h
    dn = alpha_n(V) * (1 - n) - beta_n(V) * n
    return np.array([dV, dm, dh, dn], dtype=float)


def simulate(
    stimulus: Pulses | None = None,
    t_max: float = 30.0,
    dt: float = 0.01,
    V0: float = -65.0,
    params: HHParams | None = None,
    max_step: float = 0.1,
) -> HHResult:
    """Integrate the HH equations with scipy's ``solve_ivp`` (RK45, rtol 1e-6).

    Gating variables start at their steady state for ``V0``, so with no stimulus
    the membrane stays at rest. The integration is split at every stimulus edge,
    so a short pulse is never stepped over. Output is sampled every ``dt`` ms.
    """
    if t_max <= 0 or dt <= 0 or dt > t_max:
        raise ValueError(f"need 0 < dt <= t_max (got dt={dt}, t_max={t_max})")
    p = params or HHParams()
    stim = stimulus or Pulses()
    t_eval = np.arange(int(np.floor(t_max / dt + 1e-9)) + 1) * dt  # 0, dt, ..., never past t_max
    y = np.array([V0, steady_state("m", V0), steady_state("h", V0), steady_state("n", V0)], dtype=float)
    bounds = [0.0, *[e for e in stim.edges if 0.0 < e < t_max], t_max]
    pieces = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        level = float(stim(0.5 * (a + b)))  # the stimulus is constant on (a, b)
        sol = solve_ivp(
            _rhs,
            (a, b),
            y,
            args=(lambda _t, c=level: c, p),
            dense_output=True,
            rtol=1e-6,
            atol=1e-8,
            max_step=max_step,
        )
        if not sol.success:
            raise RuntimeError(f"HH integration failed on [{a}, {b}] ms: {sol.message}")
        inside = (t_eval >= a) & (t_eval < b) if b < t_max else t_eval >= a  # the last piece takes the rest
        pieces.append(sol.sol(t_eval[inside]))
        y = sol.y[:, -1]
    Y = np.concatenate(pieces, axis=1)
    return HHResult(t_eval, Y[0], Y[1], Y[2], Y[3], stim(t_eval), p)


def firing_rate(
    amplitude: float, t_max: float = 200.0, transient: float = 50.0, params: HHParams | None = None
) -> float:
    """Spikes per second for a constant current ``amplitude`` (µA/cm²), ignoring the first ``transient`` ms."""
    res = simulate(step(amplitude), t_max=t_max, dt=0.05, params=params, max_step=0.2)
    spikes = res.spike_times()
    spikes = spikes[spikes >= transient]
    return 1000.0 * len(spikes) / (t_max - transient)


def threshold_sweep(amplitudes: Sequence[float], duration: float = 1.0, t_max: float = 20.0) -> list[HHResult]:
    """One simulation per pulse amplitude (pulse at 5 ms)."""
    return [simulate(pulse(a, start=5.0, duration=duration), t_max=t_max) for a in amplitudes]
