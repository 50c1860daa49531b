"""The contract every registered system must pass (:func:`check_system`)."""

from __future__ import annotations

import numpy as np

from ..exceptions import ContractError
from .._core.divergence import ATTRACTOR_FACTOR, divergence_bound, diverged
from .invariants import lyapunov_max
from .system import System, get_system

__all__ = ["check_system"]


def _declared_rhs(system: System, u: np.ndarray, t: float) -> np.ndarray:
    """The declaration evaluated in plain Python/numpy, bypassing tracing and compilation."""
    d = system._definition
    kwargs = dict(system.params) | ({"t": t} if d.nonautonomous else {})
    args = (u.copy(),) if d.vector else tuple(u) + (tuple(u) if d.delay else ())
    return np.asarray(d.function(*args, **kwargs), dtype=float).ravel()


def _require(condition, name: str, check: str, message: str) -> None:
    if not condition:
        raise ContractError(name, check, message)


def check_system(system_or_name, *, n: int = 1000, lyapunov_periods: float = 200.0, seed: int = 0) -> None:
    """Check the contract of a system; raises :class:`~chaosbench.exceptions.ContractError` naming the first
    violation and its check.

    Checks: the compiled right-hand side is finite at the initial condition and equals the declared Python function
    at states along the attractor; the Jacobian matches central finite differences; an ``n``-point trajectory stays
    finite and bounded; parameters round-trip through :meth:`System.with_params`; ``standardize`` gives zero mean
    and unit variance; the largest Lyapunov exponent is positive unless the system is tagged ``nonchaotic`` (for
    systems tagged ``discontinuous`` it is estimated from two trajectories, without the Jacobian).
    """
    s = system_or_name if isinstance(system_or_name, System) else get_system(system_or_name)
    name = s.name
    _require(np.isfinite(s.rhs(s.ic)).all(), name, "finite_rhs",
             "right-hand side is not finite at the initial condition")

    traj = s.trajectory(n)
    x = traj.x
    _require(x.shape == (n, s.dim) and np.isfinite(x).all(), name, "finite_trajectory", "trajectory is not finite")
    _require(not diverged(x, divergence_bound(s.ic, ATTRACTOR_FACTOR), s.unbounded).any(), name, "bounded_trajectory",
             "trajectory is unbounded")
    _require((x.std(axis=0) > 0).any(), name, "moving_trajectory", "trajectory is stationary (a fixed point?)")

    rng = np.random.default_rng(seed)
    for i in rng.choice(n, size=5, replace=False):
        u, t = x[i], float(traj.t[i])
        compiled, declared = s.rhs(u, t), _declared_rhs(s, u, t)
        held = u if s.delay is not None else None
        _require(np.allclose(compiled, declared, rtol=1e-12, atol=1e-12 * np.abs(declared).max()), name,
                 "compiled_rhs", f"compiled right-hand side {compiled} differs from the declaration {declared} at {u}")
        J = s.jac(u, t, held)
        scale = np.maximum(np.abs(u), 1.0)
        fd = np.empty_like(J)
        for j in range(s.dim):
            h = 1e-6 * scale[j]
            e = np.zeros(s.dim)
            e[j] = h
            fd[:, j] = (s.rhs(u + e, t, held) - s.rhs(u - e, t, held)) / (2 * h)
        tol = 1e-5 * max(1.0, np.abs(J).max())
        _require(np.allclose(J, fd, rtol=1e-5, atol=tol), name, "jacobian",
                 f"Jacobian differs from finite differences at {u}")

    same = s.with_params(**s.params)
    _require(all(np.array_equal(same.params[k], v) for k, v in s.params.items()), name, "params_round_trip",
             "parameters do not round-trip through with_params")
    _require(np.array_equal(same.rhs(x[0], 0.0), s.rhs(x[0], 0.0)), name, "params_round_trip",
             "with_params changed the equations")

    z = s.trajectory(n, standardize=True).x
    varying = x.std(axis=0) > 0
    _require(np.allclose(z.mean(axis=0), 0, atol=1e-9), name, "standardize", "standardized mean is not zero")
    _require(np.allclose(z.std(axis=0)[varying], 1, atol=1e-9), name, "standardize", "standardized std is not one")

    if "nonchaotic" not in s.tags:
        lam = lyapunov_max(s, n_periods=lyapunov_periods)
        _require(lam > 0, name, "chaotic", f"largest Lyapunov exponent {lam:.3g} is not positive")
