"""Characteristic time scales of a system: its dominant spectral period and the natural step of an explicit solver.

Computed from an integration :class:`~chaosbench._dynamics.solvers.Problem`, so that :class:`System` can ask for its
period without this module knowing about systems.
"""

from __future__ import annotations

import numpy as np

from .solvers import DOP853, DelayRK4, Problem, Radau
from ..exceptions import InvalidParameterError

__all__ = ["spectral_period", "time_scales"]

_cache: dict = {}


def spectral_period(x: np.ndarray, dt: float, unbounded=(), min_cycles: int = 4) -> float:
    """The shortest of the variables' dominant periods in samples ``x`` (n, dim) taken every ``dt``.

    Each variable's dominant period is the highest peak of its Hann-windowed power spectrum among frequencies with
    at least ``min_cycles`` cycles in the window (slower components are drift, not oscillation). Taking the
    shortest keeps a slow variable from setting the time scale of a fast one. Constant variables are ignored;
    drifting (``unbounded``) ones enter through their increments.
    """
    if unbounded:
        drifting = list(unbounded)
        x = x.copy()
        x[1:, drifting] = np.diff(x[:, drifting], axis=0)
        x = x[1:]
    x = x[:, x.std(axis=0) > 0]
    if x.shape[1] == 0:
        raise InvalidParameterError("cannot estimate a period: every variable is constant (a fixed point?)")
    power = np.abs(np.fft.rfft((x - x.mean(axis=0)) * np.hanning(len(x))[:, None], axis=0)) ** 2
    freqs = np.fft.rfftfreq(len(x), d=dt)
    peaks = min_cycles + np.argmax(power[min_cycles:], axis=0)
    return float(1.0 / freqs[peaks].max())


def time_scales(problem: Problem, ic: np.ndarray, *, stiff: bool = False, unbounded=(), probe_steps: int = 2000,
                n_samples: int = 2**14) -> tuple[float, float]:
    """``(period, step)``: the characteristic period, and the natural step of an explicit solver (the mean step of
    ``probe_steps`` adaptive DOP853 steps at rtol 1e-6 from ``ic``, which also serve as transient).

    The period is :func:`spectral_period` of ``n_samples`` samples a quarter of the natural step apart; for stiff
    systems the natural step comes from Radau instead, and for delay equations the samples are a twentieth of the
    delay apart after 50 delays of transient and the step is a hundredth of the delay. Computed once per equations
    and parameter values; deterministic.
    """
    key = (problem.equations, problem.p.tobytes())
    if key not in _cache:
        _cache[key] = _measure(problem, ic, stiff, unbounded, probe_steps, n_samples)
    return _cache[key]


def _measure(problem, ic, stiff, unbounded, probe_steps, n_samples):
    if problem.delay is not None:
        dt = problem.delay / 20
        _, x = DelayRK4().solve(problem, ic, t0=0.0, t_first=50 * problem.delay, dt=dt, n=n_samples)
        return spectral_period(x, dt, unbounded), problem.delay / 100
    t_probe, u, explicit_step = DOP853(rtol=1e-6, atol=1e-9).mean_step(problem, ic, t0=0.0, n_steps=probe_steps)
    solver, sample_step = DOP853(rtol=1e-8, atol=1e-10), explicit_step
    if stiff:
        solver = Radau()
        t_probe, u, sample_step = Radau(rtol=1e-6, atol=1e-9).mean_step(problem, u, t0=t_probe,
                                                                        n_steps=probe_steps // 10)
    dt = sample_step / 4
    _, x = solver.solve(problem, u, t0=t_probe, t_first=t_probe, dt=dt, n=n_samples)
    return spectral_period(x, dt, unbounded), explicit_step
