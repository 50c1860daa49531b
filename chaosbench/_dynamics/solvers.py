"""Solver objects: small descriptions of how to integrate, applied by :meth:`System.trajectory`.

Every solver integrates a :class:`Problem` (a system's compiled equations with its parameter values) through the
same :meth:`Solver.solve`. Explicit Runge-Kutta solvers run in compiled kernels
(:mod:`chaosbench._dynamics.integrators`); the stiff solvers delegate to scipy with the compiled right-hand side and
exact Jacobian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import integrators as kernels
from . import tableaux
from .._core.divergence import diverged
from .._core.validation import NON_NEGATIVE_FLOAT, POSITIVE_FLOAT, POSITIVE_INT, validate_params
from ..exceptions import IntegrationError, InvalidParameterError, did_you_mean

__all__ = ["Problem", "Solver", "RK4", "Dopri5", "DOP853", "Radau", "BDF", "LSODA", "DelayRK4", "get_solver"]


@dataclass(frozen=True, eq=False)
class Problem:
    """What a solver integrates; made by :meth:`System.problem`.

    Attributes
    ----------
    name : str
        The system's name, for error messages.
    equations
        The compiled functions ``.rhs`` and ``.jac`` (see :class:`chaosbench._dynamics.symbolic.Compiled`).
    p : ndarray
        Parameter values, flattened in declaration order.
    bound : float
        Divergence bound: a state beyond it stops the integration (see :mod:`chaosbench._core.divergence`).
    delay : float or None
        The delay of a delay differential equation, else None.
    """

    name: str
    equations: object
    p: np.ndarray
    bound: float
    delay: float | None = None


class Solver:
    """Base class. Subclasses implement :meth:`solve`."""

    name = "solver"
    delay_equations = False  # whether the solver integrates delay equations (and only those)
    parameter_constraints: dict = {}  # settings -> allowed values (checked before each use)

    def _validate(self) -> None:
        validate_params(self.parameter_constraints, vars(self), owner=self.name)

    def solve(self, problem: Problem, u0: np.ndarray, *, t0: float, t_first: float, dt: float,
              n: int) -> tuple[np.ndarray, np.ndarray]:
        """Integrate ``problem`` from ``(t0, u0)`` and return ``(t, x)`` sampled at ``t_first + k*dt`` for ``k < n``.

        For a delay equation ``u0`` is the constant history. ``t_first`` may be moved forward slightly by fixed-step
        solvers so that samples fall on steps; the returned ``t`` is exact. Raises :class:`IntegrationError` on
        divergence.
        """
        raise NotImplementedError

    def describe(self) -> dict:
        """Settings that reproduce this solver (its name and hyper-parameters)."""
        return {"method": self.name, **{k: v for k, v in vars(self).items() if v is not None}}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if v is not None)
        return f"{type(self).__name__}({args})"


def _raise_on_failure(status, problem: Problem, t, u):
    if status != kernels.OK:
        raise IntegrationError(problem.name, t, np.asarray(u), kernels.STATUS_MESSAGES[status])


class _RungeKutta(Solver):
    """Explicit Runge-Kutta with fixed steps: ``dt``, or by default a tenth of the sampling interval."""

    tableau: tuple = ()  # (A, b, c) of the stages that advance the solution
    parameter_constraints = {"dt": [POSITIVE_FLOAT, None]}

    def __init__(self, dt: float | None = None):
        self.dt = dt

    def solve(self, problem, u0, *, t0, t_first, dt, n):
        self._validate()
        step = self.dt if self.dt is not None else dt / 10
        substeps = max(1, math.ceil(dt / step - 1e-9))
        h = dt / substeps
        n_skip = math.ceil((t_first - t0) / h - 1e-9)
        A, b, c = self.tableau
        status, x, t, u, _ = kernels.kernel("fixed_rk")(problem.equations.rhs, A, b, c, t0, u0, problem.p, h, n_skip,
                                                        substeps, n, problem.bound)
        _raise_on_failure(status, problem, t, u)
        return t0 + n_skip * h + dt * np.arange(n), x


def _stages(tableau, n_stages: int) -> tuple:
    """The first ``n_stages`` stages of a tableau, as the writable contiguous arrays the kernel's signature takes."""
    A, b, c = tableau
    return tuple(np.array(a, order="C") for a in (A[:n_stages, :n_stages], b[:n_stages], c[:n_stages]))


class RK4(_RungeKutta):
    """Classical 4th-order Runge-Kutta with fixed step ``dt`` (default: a tenth of the sampling interval)."""

    name = "rk4"
    tableau = _stages(tableaux.RK4, 4)

    def lyapunov_sums(self, problem: Problem, u0, *, t0: float, n_transient: int, n_steps: int, k: int,
                      renorm_every: int) -> tuple[np.ndarray, float]:
        """Benettin's method on RK4 steps of size ``dt``: the state and ``k`` tangent vectors (exact Jacobian) evolve
        for ``n_transient`` steps, then ``n_steps`` more over which the log stretch factors of Gram-Schmidt
        re-orthonormalisation every ``renorm_every`` steps are summed. Returns ``(sums, dt)``: divide the sums by
        ``n_steps * dt`` for the exponents."""
        if self.dt is None:
            raise InvalidParameterError(f"{self.name}: Lyapunov exponents need an explicit step dt")
        self._validate()
        status, logs, t, u, _ = kernels.kernel("benettin")(
            problem.equations.rhs, problem.equations.jac, t0, np.ascontiguousarray(u0, dtype=float), problem.p,
            self.dt, n_transient, n_steps, k, renorm_every, problem.bound)
        _raise_on_failure(status, problem, t, u)
        return logs, self.dt


class _Embedded(_RungeKutta):
    """Embedded explicit Runge-Kutta pair: adaptive with ``rtol``/``atol`` and dense output, or fixed steps when
    ``dt`` is set."""

    adaptive_kernel = ""
    order = 0  # of the error estimate, for the starting step
    parameter_constraints = {**_RungeKutta.parameter_constraints, "rtol": [POSITIVE_FLOAT],
                             "atol": [NON_NEGATIVE_FLOAT], "max_steps": [POSITIVE_INT]}

    def __init__(self, rtol: float = 1e-10, atol: float = 1e-12, dt: float | None = None,
                 max_steps: int = 5_000_000):
        super().__init__(dt)
        self.rtol, self.atol, self.max_steps = rtol, atol, max_steps

    def solve(self, problem, u0, *, t0, t_first, dt, n):
        self._validate()
        if self.dt is not None:
            return super().solve(problem, u0, t0=t0, t_first=t_first, dt=dt, n=n)
        status, x, t, u, _ = kernels.kernel(self.adaptive_kernel)(
            problem.equations.rhs, t0, u0, problem.p, t_first, dt, n, self.rtol, self.atol, problem.bound,
            self.max_steps)
        _raise_on_failure(status, problem, t, u)
        return t_first + dt * np.arange(n), x

    def mean_step(self, problem: Problem, u0, *, t0: float, n_steps: int) -> tuple[float, np.ndarray, float]:
        """``(t, u, step)`` after ``n_steps`` accepted adaptive steps from ``(t0, u0)``, and their mean size."""
        self._validate()
        status, _, t, u, _ = kernels.kernel(self.adaptive_kernel)(
            problem.equations.rhs, t0, np.ascontiguousarray(u0, dtype=float), problem.p, math.inf, 1.0, 1, self.rtol,
            self.atol, problem.bound, n_steps)
        if status != kernels.TOO_MANY_STEPS:  # the step budget, not the end time, must end this run
            raise IntegrationError(problem.name, t, u, kernels.STATUS_MESSAGES.get(status, "probe ended early"))
        return t, u, (t - t0) / n_steps


class Dopri5(_Embedded):
    """Dormand-Prince 5(4) (Dormand & Prince 1980) with 4th-order dense output (Shampine 1986)."""

    name = "dopri5"
    adaptive_kernel = "dopri5"
    tableau = _stages(tableaux.DOPRI5, 6)


class DOP853(_Embedded):
    """Dormand-Prince 8(5,3) (Hairer, Nørsett & Wanner 1993) with 7th-order dense output."""

    name = "dop853"
    adaptive_kernel = "dop853"
    tableau = _stages(tableaux.DOP853, 12)


class _Scipy(Solver):
    """An implicit scipy solver given the compiled right-hand side and its exact Jacobian."""

    scipy_method = ""
    parameter_constraints = {"rtol": [POSITIVE_FLOAT], "atol": [NON_NEGATIVE_FLOAT]}

    def __init__(self, rtol: float = 1e-8, atol: float = 1e-10):
        self.rtol, self.atol = rtol, atol

    def solve(self, problem, u0, *, t0, t_first, dt, n):
        from scipy.integrate import solve_ivp

        self._validate()
        fun, jacobian = _scipy_callables(problem)
        t_eval = t_first + dt * np.arange(n)
        sol = solve_ivp(fun, (t0, t_eval[-1]), u0, method=self.scipy_method, t_eval=t_eval, rtol=self.rtol,
                        atol=self.atol, jac=jacobian)
        x = np.ascontiguousarray(sol.y.T)
        bad = diverged(x, problem.bound)
        if bad.any() or not sol.success:
            i = int(np.argmax(bad)) if bad.any() else max(len(sol.t) - 1, 0)
            state = x[i] if len(x) else u0
            reason = kernels.STATUS_MESSAGES[kernels.NON_FINITE] if bad.any() else sol.message
            raise IntegrationError(problem.name, sol.t[i] if len(sol.t) else t0, state, reason)
        return t_eval, x

    def mean_step(self, problem: Problem, u0, *, t0: float, n_steps: int) -> tuple[float, np.ndarray, float]:
        """``(t, u, step)`` after ``n_steps`` steps of scipy's stepper from ``(t0, u0)``, and their mean size."""
        import scipy.integrate

        self._validate()
        fun, jacobian = _scipy_callables(problem)
        stepper = getattr(scipy.integrate, self.scipy_method)(fun, t0, u0, t_bound=math.inf, rtol=self.rtol,
                                                               atol=self.atol, jac=jacobian)
        for _ in range(n_steps):
            if stepper.step() is not None or diverged(stepper.y, problem.bound):
                raise IntegrationError(problem.name, stepper.t, stepper.y, f"{self.name} probe failed")
        return stepper.t, np.ascontiguousarray(stepper.y), (stepper.t - t0) / n_steps


def _scipy_callables(problem: Problem):
    """``(fun, jac)`` in scipy's calling convention."""
    equations, p = problem.equations, problem.p

    def fun(t, u):
        du = np.empty(u.size)
        equations.rhs(t, np.ascontiguousarray(u, dtype=float), p, du)
        return du

    def jac(t, u):
        J = np.empty((u.size, u.size))
        equations.jac(t, np.ascontiguousarray(u, dtype=float), p, J)
        return J

    return fun, jac


class Radau(_Scipy):
    """Implicit Radau IIA of order 5 (scipy), for stiff systems."""

    name, scipy_method = "radau", "Radau"


class BDF(_Scipy):
    """Variable-order backward differentiation formulas (scipy), for stiff systems."""

    name, scipy_method = "bdf", "BDF"


class LSODA(_Scipy):
    """LSODA (scipy): switches automatically between Adams and BDF."""

    name, scipy_method = "lsoda", "LSODA"


class DelayRK4(Solver):
    """RK4 method of steps for delay equations, with cubic Hermite interpolation of the history and dense sampling.

    The step is the delay divided by an integer, at most ``dt`` (default: a hundredth of the delay).
    """

    name = "dde_rk4"
    delay_equations = True
    #: Initial size of the perturbation of the history segment in :meth:`lyapunov_sums` (root mean square).
    perturbation = 1e-8
    parameter_constraints = {"dt": [POSITIVE_FLOAT, None], "max_steps": [POSITIVE_INT]}

    def __init__(self, dt: float | None = None, max_steps: int = 50_000_000):
        self.dt, self.max_steps = dt, max_steps

    def steps_per_delay(self, delay: float) -> int:
        self._validate()
        if not (math.isfinite(delay) and delay > 0):
            raise InvalidParameterError(f"the delay must be a positive number, got {delay!r}")
        return 100 if self.dt is None else max(1, math.ceil(delay / self.dt - 1e-9))

    def solve(self, problem, u0, *, t0, t_first, dt, n):
        m = self.steps_per_delay(problem.delay)
        status, x, t, u, _ = kernels.kernel("dde_rk4")(problem.equations.rhs, t0, u0, problem.p, problem.delay / m, m,
                                                       t_first, dt, n, problem.bound, self.max_steps)
        _raise_on_failure(status, problem, t, u)
        return t_first + dt * np.arange(n), x

    def lyapunov_sums(self, problem: Problem, u0, *, t0: float, n_transient: int, n_steps: int, k: int,
                      renorm_every: int) -> tuple[np.ndarray, float]:
        """The largest exponent only (``k=1``): a solution and one whose history segment is perturbed by
        :attr:`perturbation` are integrated from the constant history ``u0``; after ``n_transient`` steps (at least
        one delay) the log growth of their separation over the whole segment, renormalised every
        ``renorm_every`` steps, is summed over ``n_steps`` steps (Farmer, Physica D 4, 366-393, 1982). Returns
        ``(sums, step)``."""
        if k != 1:
            raise InvalidParameterError(f"{problem.name} is a delay equation: only its largest exponent (k=1) is "
                                        "available")
        m = self.steps_per_delay(problem.delay)
        h = problem.delay / m
        status, logs, t, u, _ = kernels.kernel("dde_lyapunov")(
            problem.equations.rhs, t0, np.ascontiguousarray(u0, dtype=float), problem.p, h, m, n_transient, n_steps,
            renorm_every, self.perturbation, problem.bound)
        _raise_on_failure(status, problem, t, u)
        return logs, h


_SOLVERS = {cls.name: cls for cls in (RK4, Dopri5, DOP853, Radau, BDF, LSODA, DelayRK4)}


def get_solver(method, rtol: float | None = None, atol: float | None = None) -> Solver:
    """A solver from a name (``rk4``, ``dopri5``, ``dop853``, ``radau``, ``bdf``, ``lsoda``, ``dde_rk4``; any case)
    or a Solver object. Tolerances apply to the adaptive solvers only: giving them for a fixed-step solver, or
    together with a Solver object, is an error."""
    tolerances = {k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None}
    if isinstance(method, Solver):
        if tolerances:
            raise InvalidParameterError(f"give the tolerances to the solver object, not beside it: {method!r}")
        return method
    cls = _SOLVERS.get(str(method).lower())
    if cls is None:
        raise InvalidParameterError(f"Unknown method {method!r}.{did_you_mean(str(method), _SOLVERS)} "
                                    f"Choose from {', '.join(_SOLVERS)}.")
    if tolerances and cls in (RK4, DelayRK4):
        raise InvalidParameterError(f"method {cls.name!r} takes fixed steps: rtol and atol do not apply")
    solver = cls(**tolerances)
    solver._validate()
    return solver
