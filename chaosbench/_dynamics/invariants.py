"""Invariants chaosbench computes: dominant period, Lyapunov spectrum, Kaplan-Yorke dimension."""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import integrators as kernels
from .._core.validation import positive_float, positive_int
from .system import System, get_system
from .solvers import DOP853, DelayRK4, Radau, scipy_callables
from ..exceptions import ChaosbenchWarning, IntegrationError, InvalidParameterError

__all__ = ["dominant_period", "lyapunov_spectrum", "kaplan_yorke_dimension"]

_period_cache: dict = {}


def _as_system(system_or_name) -> System:
    return system_or_name if isinstance(system_or_name, System) else get_system(system_or_name)


def dominant_period(system_or_name) -> float:
    """Characteristic period: the shortest of the variables' dominant spectral periods.

    Computed once per system and parameter values from a trajectory sampled at a quarter of the solver's natural
    step (see :func:`_spectral_peak_period`); deterministic.
    """
    return _time_scales(_as_system(system_or_name))[0]


def _time_scales(system: System, probe_steps: int = 2000, n_samples: int = 2**14) -> tuple[float, float]:
    """``(period, step)``: the characteristic period, and the natural step of an explicit solver (the mean step of
    ``probe_steps`` adaptive DOP853 steps at rtol 1e-6 from the initial condition, which also serve as transient).

    The spectrum is taken from ``n_samples`` samples a quarter of the natural step apart; for systems tagged
    ``stiff`` the natural step comes from scipy's Radau instead, and for delay equations from a hundredth of the
    delay.
    """
    key = (system._definition, tuple(system._p))
    if key in _period_cache:
        return _period_cache[key]
    if system.delay is not None:  # sampled at a twentieth of the delay after 50 delays of transient
        dt = system.delay / 20
        _, x = system._integrate(system.ic, t_first=50 * system.delay, dt=dt, n=n_samples, solver=DelayRK4())
        return _period_cache.setdefault(key, (_spectral_peak_period(x, dt, system.unbounded), system.delay / 100))
    compiled = system._compiled()
    status, _, t_probe, u, _ = kernels.kernel("dop853")(
        compiled.rhs, 0.0, system.ic, system._p, math.inf, 1.0, 1, 1e-6, 1e-9, system._divergence_bound(), probe_steps)
    if status != kernels.TOO_MANY_STEPS:
        raise IntegrationError(system.name, t_probe, u, kernels.STATUS_MESSAGES.get(status, "probe ended early"))
    explicit_step = t_probe / probe_steps
    solver, sample_step = DOP853(rtol=1e-8, atol=1e-10), explicit_step
    if "stiff" in system.tags:
        solver, (t_probe, u, sample_step) = Radau(), _radau_probe(system, compiled, u, t_probe, probe_steps // 10)
    dt = sample_step / 4
    _, x = system._integrate(u, t0=t_probe, t_first=t_probe, dt=dt, n=n_samples, solver=solver)
    return _period_cache.setdefault(key, (_spectral_peak_period(x, dt, system.unbounded), explicit_step))


def _radau_probe(system, compiled, u, t0, n_steps):
    """``(t, u, mean step)`` after ``n_steps`` steps of scipy's Radau (rtol 1e-6) from ``(t0, u)``."""
    from scipy.integrate import Radau as RadauStepper

    fun, jacobian = scipy_callables(compiled, system._p)
    stepper = RadauStepper(fun, t0, u, t_bound=math.inf, rtol=1e-6, atol=1e-9, jac=jacobian)
    for _ in range(n_steps):
        if stepper.step() is not None or not np.isfinite(stepper.y).all():
            raise IntegrationError(system.name, stepper.t, stepper.y, "stiff probe failed")
    return stepper.t, np.ascontiguousarray(stepper.y), (stepper.t - t0) / n_steps


def _spectral_peak_period(x: np.ndarray, dt: float, unbounded=(), min_cycles: int = 4) -> float:
    """The shortest of the variables' dominant periods.

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


def lyapunov_spectrum(
    system_or_name,
    k: int | None = None,
    *,
    n_periods: float = 5000.0,
    steps_per_period: int = 200,
    transient: float = 50.0,
    renorm_every: int = 10,
    ic=None,
    seed: int | None = None,
) -> np.ndarray:
    """Lyapunov exponents by Benettin's method with Gram-Schmidt re-orthonormalisation.

    The state and ``k`` tangent vectors evolve under the variational equations (exact Jacobian), integrated with
    compiled RK4 at ``steps_per_period`` steps per characteristic period (or a tenth of the natural step of an
    explicit solver, if smaller); the log stretch factors are accumulated
    over ``n_periods`` periods after ``transient`` periods (Benettin et al., Meccanica 15, 9-30, 1980). For a delay
    equation only the largest exponent is available (``k=1``): a perturbed solution is renormalised over the whole
    history segment, with at least 100 steps per delay.

    Parameters
    ----------
    system_or_name : System or str
    k : int, optional
        Number of exponents (default: all).
    ic, seed
        Starting point as in :meth:`System.trajectory`.

    Returns
    -------
    ndarray, shape (k,)
        Exponents in descending order, per unit time.
    """
    system = _as_system(system_or_name)
    if "discontinuous" in system.tags:
        warnings.warn(f"{system.name} has a discontinuous right-hand side: the tangent-space method ignores the "
                      "jumps; lyapunov_max_reference gives the largest exponent reliably", ChaosbenchWarning,
                      stacklevel=2)
    k = system.dim if k is None else positive_int(k, "k")
    if k > system.dim:
        raise InvalidParameterError(f"{system.name}: k={k} exceeds the dimension {system.dim}")
    if system.delay is not None and k != 1:
        raise InvalidParameterError(f"{system.name} is a delay equation: only its largest exponent (k=1) is available")
    n_periods = positive_float(n_periods, "n_periods")
    steps_per_period = positive_int(steps_per_period, "steps_per_period")
    renorm_every = positive_int(renorm_every, "renorm_every")
    start = system.trajectory(1, ic=ic, seed=seed, transient=transient)
    period, natural_step = _time_scales(system)
    if system.delay is not None:
        return _delay_lyapunov_max(system, start.x[0], period / steps_per_period, n_periods, renorm_every)
    h = min(period / steps_per_period, natural_step / 10)  # resolve the period; stay inside RK4's stability
    n_steps = int(round(n_periods * steps_per_period))
    n_align = 10 * steps_per_period  # let the tangent vectors align before accumulating
    compiled = system._compiled()
    bound = 1e8 * max(1.0, float(np.abs(start.x).max()))
    status, logs, t, u, _ = kernels.kernel("benettin")(
        compiled.rhs, compiled.jac, float(start.t[0]), np.ascontiguousarray(start.x[0]), system._p, h, n_align, n_steps, k,
        renorm_every, bound)
    if status != kernels.OK:
        raise IntegrationError(system.name, t, u, kernels.STATUS_MESSAGES[status])
    return np.sort(logs / (n_steps * h))[::-1]


def _delay_lyapunov_max(system, hist, h, n_periods, renorm_every) -> np.ndarray:
    m = max(100, math.ceil(system.delay / h))
    h = system.delay / m
    n_steps = int(round(n_periods * system.period / h))
    status, logs, t, u, _ = kernels.kernel("dde_lyapunov")(
        system._compiled().rhs, 0.0, np.ascontiguousarray(hist), system._p, h, m, 20 * m, n_steps, renorm_every, 1e-8,
        system._divergence_bound())
    if status != kernels.OK:
        raise IntegrationError(system.name, t, u, kernels.STATUS_MESSAGES[status])
    return logs / (n_steps * h)


def kaplan_yorke_dimension(exponents) -> float:
    """Kaplan-Yorke (Lyapunov) dimension j + (λ1 + ... + λj) / |λ(j+1)|, j the largest index with a
    non-negative partial sum (Kaplan & Yorke 1979). Returns 0 when λ1 < 0 and the full dimension when every partial
    sum is non-negative."""
    lam = np.sort(np.asarray(exponents, dtype=float))[::-1]
    if lam.size == 0 or not np.isfinite(lam).all():
        raise InvalidParameterError("exponents must be a non-empty sequence of finite numbers")
    partial = np.cumsum(lam)
    if partial[0] < 0:
        return 0.0
    j = int(np.nonzero(partial >= 0)[0][-1]) + 1
    if j == lam.size:
        return float(lam.size)
    return j + partial[j - 1] / abs(lam[j])


def lyapunov_max_reference(
    system_or_name, *, n_periods: float = 10000.0, renorm_periods: int = 2, eps: float = 1e-6,
    rtol: float = 1e-10, transient: float = 50.0, seed: int = 1,
) -> float:
    """Largest Lyapunov exponent by the two-trajectory method, independent of :func:`lyapunov_spectrum`.

    A reference and a perturbed trajectory (initial separation ``eps`` relative to the attractor's scale) start
    from an on-attractor state drawn with ``seed``, are integrated with adaptive DOP853 (``rtol``, atol =
    rtol/100), without the Jacobian, and the separation is renormalised every ``renorm_periods`` characteristic
    periods; the exponent is the mean log growth rate over ``n_periods`` periods (Benettin et al., Phys. Rev. A 14,
    2338, 1976). The two trajectories are integrated separately, so ``eps`` must stay far above the integration
    error: with eps = rtol the error itself is amplified and inflates the exponent (seen on Chua's circuit).
    Delay equations use the perturbed-history method with a four times finer step.
    """
    system = _as_system(system_or_name)
    n_periods = positive_float(n_periods, "n_periods")
    if system.delay is not None:
        period = system.period
        return float(_delay_lyapunov_max(system, system.sample_ics(1, seed=seed)[0], period / 400, n_periods, 50)[0])
    start = system.trajectory(1, seed=seed, transient=transient)
    interval = system.period * renorm_periods
    while True:  # shorten the renormalisation interval until the separation stays small (linear regime)
        rate = _two_trajectory_rate(system, start, interval, n_periods * system.period / interval, eps, rtol)
        if rate is not None:
            return rate
        interval /= 4


def _two_trajectory_rate(system, start, interval, n_intervals, eps, rtol, max_growth=1e4):
    """Mean log growth rate of the separation over ``n_intervals`` intervals, or None if the separation grew by more
    than ``max_growth`` within one interval (it then leaves the linear regime: the interval is too long)."""
    n_intervals = max(1, int(round(n_intervals)))
    t = float(start.t[0])
    scale = max(1.0, float(np.abs(start.x).max()))
    run = kernels.kernel("dop853")
    rhs, p, bound = system._compiled().rhs, system._p, system._divergence_bound()
    u = np.ascontiguousarray(start.x[0])
    direction = np.cos(np.arange(system.dim) + 0.5)
    v = u + eps * scale * direction / np.linalg.norm(direction)
    total = 0.0
    for _ in range(n_intervals):
        states = []
        for w in (u, v):
            status, x, t_end, w_end, _ = run(rhs, t, w, p, t + interval, 1.0, 1, rtol, 1e-2 * rtol, bound, 10**7)
            if status != kernels.OK:
                raise IntegrationError(system.name, t_end, w_end, kernels.STATUS_MESSAGES[status])
            states.append(x[0])
        u, v = states
        dist = float(np.linalg.norm(v - u))
        if not (dist > 0 and math.isfinite(dist)):
            raise IntegrationError(system.name, t, v, "the perturbed trajectory collapsed onto the reference")
        growth = dist / (eps * scale)
        if growth > max_growth:
            return None
        total += math.log(growth)
        v = u + (v - u) / growth
        t += interval
    return total / (n_intervals * interval)


def correlation_dimension(
    points, *, theiler: int = 10, n_radii: int = 20, fit_range: tuple = (1e-3, 1e-1)
) -> float:
    """Grassberger-Procaccia correlation dimension of a point cloud (rows are points).

    The correlation sum C(r), the fraction of pairs closer than r, excluding pairs fewer than ``theiler`` samples
    apart, is evaluated at ``n_radii`` radii; the dimension is the least-squares slope of log C against log r over
    the radii where C lies within ``fit_range`` (Grassberger & Procaccia, Phys. Rev. Lett. 50, 346, 1983).
    """
    x = np.asarray(points, dtype=float)
    if x.ndim != 2 or len(x) <= 2 * theiler + 10 or not np.isfinite(x).all():
        raise InvalidParameterError("points must be a finite (n, dim) array with n well above the Theiler window")
    from scipy.spatial.distance import pdist

    x = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    n = len(x)
    dist = pdist(x)
    # Drop pairs (i, i + k), k <= theiler: their condensed index is n*i - i*(i+1)/2 + k - 1.
    keep = np.ones(dist.size, dtype=bool)
    for k in range(1, theiler + 1):
        i = np.arange(n - k)
        keep[n * i - i * (i + 1) // 2 + k - 1] = False
    dist = np.sort(dist[keep])
    dist = dist[dist > 0]
    lo, hi = (dist[int(q * (len(dist) - 1))] for q in fit_range)
    radii = np.geomspace(lo, hi, n_radii)
    counts = np.searchsorted(dist, radii, side="right") / len(dist)
    return float(np.polyfit(np.log(radii), np.log(counts), 1)[0])
