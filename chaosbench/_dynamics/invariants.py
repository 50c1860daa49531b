"""Invariants chaosbench computes: dominant period, Lyapunov exponents (and the rule for λ_max), Kaplan-Yorke and
correlation dimensions, and the rows of the shipped invariants file."""

from __future__ import annotations

import datetime
import json
import math
import time
import warnings
from collections.abc import Iterable

import numpy as np

from .._core.provenance import __version__, git_commit
from .._core.validation import positive_float, positive_int
from .datafile import AGREEMENT, COLUMNS, NEAR_ZERO
from .solvers import DOP853, RK4, DelayRK4
from .system import System, get_system
from ..exceptions import ChaosbenchError, ChaosbenchWarning, IntegrationError, InvalidParameterError

__all__ = ["dominant_period", "lyapunov_spectrum", "lyapunov_max", "lyapunov_max_method", "lyapunov_max_reference",
           "kaplan_yorke_dimension", "correlation_dimension", "compute_invariants", "invariants_table"]


def _as_system(system_or_name) -> System:
    return system_or_name if isinstance(system_or_name, System) else get_system(system_or_name)


def dominant_period(system_or_name) -> float:
    """Characteristic period: the shortest of the variables' dominant spectral periods.

    Computed once per system and parameter values from a trajectory sampled at a quarter of the solver's natural
    step (see :func:`chaosbench._dynamics.timescales.time_scales`); deterministic.
    """
    return _as_system(system_or_name).time_scales()[0]


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
    period, natural_step = system.time_scales()
    if system.delay is not None:
        return _delay_lyapunov_max(system, start.x[0], period / steps_per_period, n_periods, renorm_every)
    h = min(period / steps_per_period, natural_step / 10)  # resolve the period; stay inside RK4's stability
    n_steps = int(round(n_periods * steps_per_period))
    n_align = 10 * steps_per_period  # let the tangent vectors align before accumulating
    logs, h = RK4(dt=h).lyapunov_sums(system.problem(start.x[0]), start.x[0], t0=float(start.t[0]),
                                      n_transient=n_align, n_steps=n_steps, k=k, renorm_every=renorm_every)
    return np.sort(logs / (n_steps * h))[::-1]


def _delay_lyapunov_max(system, hist, h, n_periods, renorm_every) -> np.ndarray:
    """λ_max of a delay equation with at least 100 steps per delay, at most ``h``, after 20 delays of transient."""
    m = max(100, math.ceil(system.delay / h))
    n_steps = int(round(n_periods * system.period / (system.delay / m)))
    logs, h = DelayRK4(dt=system.delay / m).lyapunov_sums(system.problem(), hist, t0=0.0, n_transient=20 * m,
                                                          n_steps=n_steps, k=1, renorm_every=renorm_every)
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
    solver, problem = DOP853(rtol=rtol, atol=1e-2 * rtol, max_steps=10**7), system.problem()
    u = np.ascontiguousarray(start.x[0])
    direction = np.cos(np.arange(system.dim) + 0.5)
    v = u + eps * scale * direction / np.linalg.norm(direction)
    total = 0.0
    for _ in range(n_intervals):
        states = [solver.solve(problem, w, t0=t, t_first=t + interval, dt=1.0, n=1)[1][0] for w in (u, v)]
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


def lyapunov_max_method(system_or_name) -> str:
    """How chaosbench measures a system's largest Lyapunov exponent: ``"two_trajectory"`` (:func:`lyapunov_max_reference`)
    for systems tagged ``discontinuous``, whose tangent dynamics ignore the jumps of the right-hand side, else
    ``"benettin"`` (:func:`lyapunov_spectrum` with the exact Jacobian)."""
    return "two_trajectory" if "discontinuous" in _as_system(system_or_name).tags else "benettin"


def lyapunov_max(system_or_name, *, n_periods: float = 1000.0, seed: int | None = None,
                 steps_per_period: int = 200) -> float:
    """The largest Lyapunov exponent by chaosbench's rule (:func:`lyapunov_max_method`), over ``n_periods``
    characteristic periods with either method; ``seed`` draws the start as in :meth:`System.trajectory` (default:
    each method's own default start). ``steps_per_period`` applies to Benettin's method."""
    system = _as_system(system_or_name)
    start = {} if seed is None else {"seed": seed}
    if lyapunov_max_method(system) == "two_trajectory":
        return float(lyapunov_max_reference(system, n_periods=n_periods, **start))
    return float(lyapunov_spectrum(system, 1, n_periods=n_periods, steps_per_period=steps_per_period, **start)[0])


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


DEFAULT_SETTINGS = {
    "n_periods": 5000.0,  # Benettin spectrum
    "reference_periods": 10000.0,  # two-trajectory reference for lambda_max
    "corrdim_points": 4000,  # Grassberger-Procaccia, sampled at 10 points per period
    "seed": 1,
}


def _vector(values) -> str:
    return " ".join(f"{v:.6g}" for v in values)


def compute_invariants(name: str, **settings) -> dict:
    """Every computed invariant of one system, as a row of the data file (see ``COLUMNS``)."""
    cfg = DEFAULT_SETTINGS | settings
    system = get_system(name)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ChaosbenchWarning)  # recorded in the notes below instead
        steps = resolved_steps_per_period(system, cfg["seed"]) if system.delay is None else None
        run = {"n_periods": cfg["n_periods"], "seed": cfg["seed"]} | ({"steps_per_period": steps} if steps else {})
        spectrum = lyapunov_spectrum(system, 1 if system.delay is not None else None, **run)
    method = lyapunov_max_method(system)
    # Benettin's lambda_max is the spectrum's first exponent, already computed over the same run
    lam = float(spectrum[0]) if method == "benettin" else lyapunov_max(system, **run)
    notes = []
    if method == "two_trajectory":
        notes.append("discontinuous right-hand side: the tangent-space spectrum ignores the jumps, so lambda_max "
                     "is the two-trajectory estimate (the spectrum column is Benettin's, for reference only)")
    # A conservative system's mixed phase space is not ergodic: a different start may sample another component
    # with another exponent, so its reference follows the same start (the method is what is independent).
    reference_seed = cfg["seed"] if "conservative" in system.tags else cfg["seed"] + 1
    try:
        reference = lyapunov_max_reference(system, n_periods=cfg["reference_periods"], seed=reference_seed)
    except ChaosbenchError as exc:
        reference = None
        notes.append(f"reference run failed: {exc}")
    traj = system.trajectory(cfg["corrdim_points"], pts_per_period=10, seed=cfg["seed"])
    points = traj.x if system.dim > 1 or system.delay is None else _delay_embedding(system, cfg)
    rel = None if not reference else (lam - reference) / abs(reference)
    if rel is not None and abs(rel) > AGREEMENT:
        notes.append(_disagreement_note(lam, reference, system.period))
    return {
        "system": name, "dim": system.dim, "period": system.period, "lyapunov_max": lam,
        "lyapunov_max_reference": reference, "rel_diff": rel, "lyapunov_spectrum": _vector(spectrum),
        "kaplan_yorke_dimension": kaplan_yorke_dimension(spectrum) if system.delay is None else None,
        "correlation_dimension": correlation_dimension(points), "mean": _vector(traj.x.mean(axis=0)),
        "std": _vector(traj.x.std(axis=0)), "seconds": round(time.perf_counter() - start, 2),
        "notes": "; ".join(notes), "settings": json.dumps(cfg | {"benettin_steps_per_period": steps}, sort_keys=True),
    }


def resolved_steps_per_period(system, seed: int, probe_periods: float = 1000.0, base: int = 200,
                              tolerance: float = 0.1, max_refinements: int = 3) -> int:
    """RK4 steps per period at which Benettin's lambda_max is resolved: starting from ``base``, the step is divided
    by 4 while a ``probe_periods`` estimate moves by more than ``tolerance`` (relative), at most
    ``max_refinements`` times. A steep feature that the smooth-flow step jumps over (e.g. WindmiReduced's tanh
    switch, 0.132 at 200 steps per period against 0.087 at 2,000 and 0.085 at 10,000) is caught; the differences
    between two resolved runs are statistical and stay well under the tolerance. Exponents that are zero within
    statistical error (|lambda| * period < 0.02) need no refinement."""
    lam = lyapunov_spectrum(system, 1, n_periods=probe_periods, steps_per_period=base, seed=seed)[0]
    steps = base
    for _ in range(max_refinements):
        finer = lyapunov_spectrum(system, 1, n_periods=probe_periods, steps_per_period=4 * steps, seed=seed)[0]
        scale = max(abs(finer), abs(lam))
        if abs(finer - lam) <= tolerance * scale or scale * system.period < NEAR_ZERO:
            break
        steps, lam = 4 * steps, finer
    return steps


def _delay_embedding(system, cfg) -> np.ndarray:
    """A delay equation's scalar series embedded in 5 dimensions with a lag of a quarter period (Takens)."""
    x = system.trajectory(cfg["corrdim_points"] + 40, pts_per_period=40, seed=cfg["seed"]).x[:, 0]
    return np.column_stack([x[k * 10: len(x) - 40 + k * 10] for k in range(5)])[::4]


def _disagreement_note(lam: float, reference: float, period: float) -> str:
    if abs(reference) * period < NEAR_ZERO or abs(lam) * period < NEAR_ZERO:
        return ("lambda_max is near zero on the scale of a period (|lambda| * period < 0.02): the relative "
                "difference reflects the estimators' statistical error, not a disagreement in the exponent")
    return f"lambda_max and the reference differ by {abs(lam - reference) / abs(reference):.0%}: under review"


def invariants_table(names: Iterable[str], *, progress: bool | None = None, **settings):
    """Rows of :func:`compute_invariants` for ``names``; a system that fails gets its error in ``notes``."""
    import pandas as pd
    from tqdm import tqdm

    cfg = DEFAULT_SETTINGS | settings
    provenance = {"chaosbench_version": __version__, "git_commit": git_commit() or "",
                  "computed_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "settings": json.dumps(cfg, sort_keys=True)}
    rows = []
    for name in tqdm(list(names), desc="invariants", unit="system", disable=None if progress is None else not progress):
        try:
            row = compute_invariants(name, **cfg)
        except ChaosbenchError as exc:
            row = {"system": name, "notes": f"failed: {exc}"}
        rows.append(provenance | row)  # a row's own settings (e.g. the resolved step) are kept
    return pd.DataFrame(rows, columns=COLUMNS)
