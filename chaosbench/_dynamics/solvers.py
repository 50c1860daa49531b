"""Solver objects: small descriptions of how to integrate, applied by :meth:`System.trajectory`.

Explicit Runge-Kutta solvers run in compiled kernels (:mod:`chaosbench._dynamics.integrators`); the stiff solvers delegate
to scipy with the compiled right-hand side and exact Jacobian.
"""

from __future__ import annotations

import math

import numpy as np

from . import integrators as kernels
from ..exceptions import IntegrationError, InvalidParameterError, did_you_mean

__all__ = ["Solver", "RK4", "Dopri5", "DOP853", "Radau", "BDF", "LSODA", "DelayRK4", "get_solver"]


class Solver:
    """Base class. Subclasses implement :meth:`solve`."""

    name = "solver"

    def solve(self, compiled, *, system, u0, p, t0, t_first, dt, n, bound):
        """Integrate from ``(t0, u0)`` and return ``(t, x)`` sampled at ``t_first + k*dt`` for ``k < n``.

        ``compiled`` holds the system's compiled ``rhs`` and ``jac`` (see :class:`chaosbench._dynamics.symbolic.Compiled`).

        ``t_first`` may be moved forward slightly by fixed-step solvers so that samples fall on steps; the returned
        ``t`` is exact. Raises :class:`IntegrationError` on divergence.
        """
        raise NotImplementedError

    def describe(self) -> dict:
        """Settings that reproduce this solver (its name and hyper-parameters)."""
        return {"method": self.name, **{k: v for k, v in vars(self).items() if v is not None}}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if v is not None)
        return f"{type(self).__name__}({args})"


def _raise_on_failure(status, system, t, u):
    if status != kernels.OK:
        raise IntegrationError(system, t, np.asarray(u), kernels.STATUS_MESSAGES[status])


class _ExplicitRK(Solver):
    """Explicit Runge-Kutta: adaptive with ``rtol``/``atol`` and dense output, or fixed steps when ``dt`` is set."""

    adaptive_kernel: str | None = None
    tableau: tuple = ()

    def __init__(self, rtol: float = 1e-10, atol: float = 1e-12, dt: float | None = None,
                 max_steps: int = 5_000_000):
        self.rtol, self.atol, self.dt, self.max_steps = rtol, atol, dt, max_steps

    def _check(self):
        if self.dt is not None and not (math.isfinite(self.dt) and self.dt > 0):
            raise InvalidParameterError(f"{self.name}: step size dt must be a positive number, got {self.dt!r}")
        if not (self.rtol > 0 and self.atol >= 0):
            raise InvalidParameterError(f"{self.name}: need rtol > 0 and atol >= 0, got {self.rtol!r}, {self.atol!r}")

    def solve(self, compiled, *, system, u0, p, t0, t_first, dt, n, bound):
        self._check()
        rhs = compiled.rhs
        if self.dt is None and self.adaptive_kernel is not None:
            run = kernels.kernel(self.adaptive_kernel)
            status, x, t, u, _ = run(rhs, t0, u0, p, t_first, dt, n, self.rtol, self.atol, bound, self.max_steps)
            _raise_on_failure(status, system, t, u)
            return t_first + dt * np.arange(n), x
        step = self.dt if self.dt is not None else dt / 10
        substeps = max(1, math.ceil(dt / step - 1e-9))
        h = dt / substeps
        n_skip = math.ceil((t_first - t0) / h - 1e-9)
        A, b, c = self.tableau
        status, x, t, u, _ = kernels.kernel("fixed_rk")(rhs, A, b, c, t0, u0, p, h, n_skip, substeps, n, bound)
        _raise_on_failure(status, system, t, u)
        return t0 + n_skip * h + dt * np.arange(n), x


class RK4(_ExplicitRK):
    """Classical 4th-order Runge-Kutta with fixed step ``dt`` (default: a tenth of the sampling interval)."""

    name = "rk4"
    tableau = kernels.RK4_TABLEAU

    def __init__(self, dt: float | None = None):
        super().__init__(dt=dt)

    def describe(self) -> dict:
        return {"method": self.name, "dt": self.dt}


class Dopri5(_ExplicitRK):
    """Dormand-Prince 5(4) (Dormand & Prince 1980) with 4th-order dense output."""

    name = "dopri5"
    adaptive_kernel = "dopri5"
    tableau = kernels.DP5_TABLEAU


class DOP853(_ExplicitRK):
    """Dormand-Prince 8(5,3) (Hairer, Nørsett & Wanner 1993) with 7th-order dense output."""

    name = "dop853"
    adaptive_kernel = "dop853"
    tableau = kernels.DOP853_TABLEAU


class _Scipy(Solver):
    """An implicit scipy solver given the compiled right-hand side and its exact Jacobian."""

    def __init__(self, rtol: float = 1e-8, atol: float = 1e-10):
        self.rtol, self.atol = rtol, atol

    def solve(self, compiled, *, system, u0, p, t0, t_first, dt, n, bound):
        from scipy.integrate import solve_ivp

        fun, jacobian = scipy_callables(compiled, p)
        t_eval = t_first + dt * np.arange(n)
        sol = solve_ivp(fun, (t0, t_eval[-1]), u0, method=self.scipy_method, t_eval=t_eval, rtol=self.rtol,
                        atol=self.atol, jac=jacobian)
        x = np.ascontiguousarray(sol.y.T)
        bad = ~np.isfinite(x).all(axis=1) | (np.abs(x) > bound).any(axis=1)
        if bad.any() or not sol.success:
            i = int(np.argmax(bad)) if bad.any() else max(len(sol.t) - 1, 0)
            state = x[i] if len(x) else u0
            reason = kernels.STATUS_MESSAGES[kernels.NON_FINITE] if bad.any() else sol.message
            raise IntegrationError(system, sol.t[i] if len(sol.t) else t0, state, reason)
        return t_eval, x


def scipy_callables(compiled, p):
    """``(fun, jac)`` in scipy's calling convention for a system's compiled functions and parameters ``p``."""

    def fun(t, u):
        du = np.empty(u.size)
        compiled.rhs(t, np.ascontiguousarray(u, dtype=float), p, du)
        return du

    def jac(t, u):
        J = np.empty((u.size, u.size))
        compiled.jac(t, np.ascontiguousarray(u, dtype=float), p, J)
        return J

    return fun, jac


class Radau(_Scipy):
    """Implicit Radau IIA of order 5 (scipy), for stiff systems."""

    name = scipy_method = "Radau"


class BDF(_Scipy):
    """Variable-order backward differentiation formulas (scipy), for stiff systems."""

    name = scipy_method = "BDF"


class LSODA(_Scipy):
    """LSODA (scipy): switches automatically between Adams and BDF."""

    name = scipy_method = "LSODA"


class DelayRK4(Solver):
    """RK4 method of steps for delay equations, with cubic Hermite interpolation of the history and dense sampling.

    The step is the delay divided by an integer, at most ``dt`` (default: a hundredth of the delay).
    """

    name = "dde_rk4"

    def __init__(self, dt: float | None = None, max_steps: int = 50_000_000):
        self.dt, self.max_steps = dt, max_steps

    def steps_per_delay(self, delay: float) -> int:
        if self.dt is not None and not (math.isfinite(self.dt) and self.dt > 0):
            raise InvalidParameterError(f"{self.name}: step size dt must be a positive number, got {self.dt!r}")
        if not (math.isfinite(delay) and delay > 0):
            raise InvalidParameterError(f"the delay must be a positive number, got {delay!r}")
        return 100 if self.dt is None else max(1, math.ceil(delay / self.dt - 1e-9))

    def solve(self, compiled, *, system, u0, p, t0, t_first, dt, n, bound, delay):
        m = self.steps_per_delay(delay)
        status, x, t, u, _ = kernels.kernel("dde_rk4")(compiled.rhs, t0, u0, p, delay / m, m, t_first, dt, n, bound,
                                                       self.max_steps)
        _raise_on_failure(status, system, t, u)
        return t_first + dt * np.arange(n), x


_SOLVERS = {"rk4": RK4, "dopri5": Dopri5, "dop853": DOP853, "radau": Radau, "bdf": BDF, "lsoda": LSODA,
            "dde_rk4": DelayRK4}


def get_solver(method, rtol: float | None = None, atol: float | None = None) -> Solver:
    """A solver from a name (``rk4``, ``dopri5``, ``dop853``, ``radau``, ``bdf``, ``lsoda``, ``dde_rk4``) or a Solver
    object."""
    if isinstance(method, Solver):
        return method
    cls = _SOLVERS.get(str(method).lower())
    if cls is None:
        raise InvalidParameterError(f"Unknown method {method!r}.{did_you_mean(str(method), _SOLVERS)} "
                                    f"Choose from {', '.join(_SOLVERS)}.")
    if cls in (RK4, DelayRK4):
        return cls()
    tolerances = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
    return cls(**tolerances)
