"""Declaring systems (:func:`system`), looking them up (:func:`get_system`, :func:`list_systems`), and the
:class:`System` object that integrates them."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .._core.provenance import __version__
from .._core.registry import Registry
from .._core.validation import (
    NON_NEGATIVE_FLOAT,
    NON_NEGATIVE_INT,
    POSITIVE_FLOAT,
    POSITIVE_INT,
    positive_float,
    positive_int,
    validate_params,
)
from . import symbolic as _symbolic
from .._core.divergence import TRAJECTORY_FACTOR, divergence_bound
from .datafile import computed_invariants
from .solvers import Problem, Solver, get_solver
from .timescales import time_scales
from .trajectory import Trajectory
from ..exceptions import (
    DuplicateSystemError,
    IntegrationError,
    InvalidParameterError,
    SystemDefinitionError,
    UnknownSystemError,
    did_you_mean,
)

__all__ = ["System", "system", "get_system", "list_systems"]

#: Literature invariants a declaration may state (values from the cited papers, never computed by chaosbench).
LITERATURE_FIELDS = ("lyapunov_max", "lyapunov_spectrum", "kaplan_yorke_dimension", "correlation_dimension")
# Independent starts (System.sample_ics, trajectory(seed=...)): the declared initial condition perturbed by
# START_PERTURBATION times each variable's std (measured on START_SAMPLES states), then integrated until the
# perturbation has grown to the attractor's size: DECORRELATION_LYAPUNOV_TIMES Lyapunov times, at least and at most
# the given numbers of periods.
START_SAMPLES = 1000
START_PERTURBATION = 1e-2
DECORRELATION_LYAPUNOV_TIMES = 8.0
DECORRELATION_PERIODS = (10.0, 200.0)

_registry = Registry("system", "chaosbench.systems", "chaosbench.systems", unknown_error=UnknownSystemError,
                     duplicate_error=DuplicateSystemError)
_lock = threading.Lock()  # one thread at a time generates a compiled module


@dataclass(eq=False)
class _Definition:
    """Everything declared about a system; shared by all its parameter variants."""

    name: str
    function: object
    variables: tuple
    param_names: tuple
    defaults: tuple  # float for a scalar parameter, read-only ndarray for an array parameter
    ic: np.ndarray
    citation: str
    description: str
    period: float | None
    literature: dict
    tags: frozenset
    vector: bool
    nonautonomous: bool
    unbounded: tuple = ()
    deviation: str | None = None
    delay: str | None = None  # name of the delay parameter of a delay differential equation
    delayed_variables: tuple = ()
    forcing_period: object = None  # number, sequence, or function of parameters giving the forcing period(s)
    jac_function: object = None
    _starts: dict = field(default_factory=dict, repr=False)  # parameter values -> (spread, decorrelation time)
    _traced: object = field(default=None, repr=False)
    _compiled: object = field(default=None, repr=False)

    def traced(self):
        if self._traced is None:
            self._traced = _symbolic.trace(
                self.function, name=self.name, state_names=self.variables + self.delayed_variables,
                n_outputs=len(self.variables),
                param_shapes={k: np.shape(v) for k, v in zip(self.param_names, self.defaults)}, vector=self.vector, nonautonomous=self.nonautonomous, jac_fn=self.jac_function,
            )
        return self._traced

    def compiled(self) -> _symbolic.Compiled:
        """The compiled functions ``.rhs`` and ``.jac``, each generated and compiled on first use."""
        if self._compiled is None:
            self._compiled = _symbolic.Compiled(self._module_path)
        return self._compiled

    def _module_path(self, kind: str):
        """Path of the generated module of ``kind`` ("rhs" or "jac"), from the cache or generated now."""
        with _lock:
            key = _symbolic.declaration_key(self.name, self.function, self.jac_function,
                                            extra=repr((kind, self.variables + self.delayed_variables,
                                                        self.param_names, [np.shape(v) for v in self.defaults])))
            path = _symbolic.cached_module(key)
            if path is None:
                source = _symbolic.generate_source(self.traced(), self.name, kind)
                path = _symbolic.write_module(source, f"{self.name}_{kind}", key)
            return path


def _as_state(values, dim: int, what: str, name: str) -> np.ndarray:
    try:
        arr = np.array(values, dtype=float).reshape(-1) if np.ndim(values) <= 1 else None
    except (TypeError, ValueError):
        arr = None
    if arr is None or np.ndim(values) != 1 or arr.size != dim:
        raise InvalidParameterError(f"{name}: {what} must be a sequence of {dim} numbers, got {values!r}")
    if not np.isfinite(arr).all():
        raise InvalidParameterError(f"{name}: {what} must be finite, got {arr.tolist()}")
    return np.ascontiguousarray(arr)


def _param_value(system: str, key: str, value, shape: tuple):
    """A parameter value checked against its declared shape: a float, or a read-only float array."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or isinstance(value, (bool, str)) or arr.shape != shape:
        want = "a number" if shape == () else f"an array of shape {shape}"
        raise InvalidParameterError(f"{system}: parameter {key} must be {want}, got {value!r}")
    if not np.isfinite(arr).all():
        raise InvalidParameterError(f"{system}: parameter {key} must be finite, got {value!r}")
    if shape == ():
        return float(arr)
    arr.setflags(write=False)
    return arr


#: The arguments of :meth:`System.trajectory` that stand on their own (``ic`` and ``method`` are checked in use).
TRAJECTORY_CONSTRAINTS = {
    "n": [POSITIVE_INT],
    "pts_per_period": [POSITIVE_FLOAT],
    "dt": [POSITIVE_FLOAT, None],
    "transient": [NON_NEGATIVE_FLOAT],
    "rtol": [POSITIVE_FLOAT, None],
    "atol": [POSITIVE_FLOAT, None],
    "seed": [NON_NEGATIVE_INT, None],
    "standardize": ["boolean"],
}


class System:
    """A registered dynamical system with one set of parameter values.

    Obtain one with :func:`get_system` or by declaring it with :func:`system`; derive variants with
    :meth:`with_params`. Instances are immutable.
    """

    def __init__(self, definition: _Definition, params: Mapping[str, float]):
        self._definition = definition
        self._params = MappingProxyType(dict(params))
        flat = [np.ravel(params[k]) for k in definition.param_names]
        self._p = np.concatenate(flat) if flat else np.zeros(0)

    # --- declared facts -------------------------------------------------------------------------------------
    name = property(lambda self: self._definition.name, doc="Registered name.")
    dim = property(lambda self: len(self._definition.variables), doc="Number of state variables.")
    variables = property(lambda self: self._definition.variables, doc="Names of the state variables.")
    params = property(lambda self: self._params, doc="Parameter values (read-only mapping).")
    citation = property(lambda self: self._definition.citation, doc="Source of the equations and parameters.")
    description = property(lambda self: self._definition.description, doc="The declaration's docstring.")
    tags = property(lambda self: self._definition.tags, doc="Tags such as ``polynomial`` or ``nonautonomous``.")
    nonautonomous = property(lambda self: self._definition.nonautonomous, doc="Whether time enters the equations.")
    unbounded = property(lambda self: self._definition.unbounded,
                         doc="Indices of state variables that drift without bound (angles, positions on a torus).")
    deviation = property(lambda self: self._definition.deviation,
                         doc="How and why this declaration differs from dysts' system of the same name, if it does.")

    @property
    def forcing_periods(self) -> tuple:
        """Periods (time units) of the explicit time dependence of a non-autonomous system, one per forcing
        frequency, for the current parameters; empty for an autonomous system."""
        declared = self._definition.forcing_period
        if declared is None:
            return ()
        if callable(declared):
            names = inspect.signature(declared).parameters
            declared = declared(**{k: self._params[k] for k in names})
        return tuple(float(v) for v in np.ravel(declared))

    def forcing_covariates(self, t) -> np.ndarray:
        """The known inputs of a forced system at times ``t``: sin and cos of each forcing phase 2π t / T_j.

        Returns an array of shape (len(t), 2 * len(forcing_periods)); zero columns for an autonomous system.
        """
        t = np.asarray(t, dtype=float).reshape(-1)
        phases = [2 * np.pi * np.mod(t, period) / period for period in self.forcing_periods]
        return np.stack([f(ph) for ph in phases for f in (np.sin, np.cos)], axis=1) if phases else np.zeros(
            (len(t), 0))

    @property
    def ic(self) -> np.ndarray:
        """Declared initial condition (a copy)."""
        return self._definition.ic.copy()

    @property
    def literature(self) -> Mapping:
        """Invariants published in the cited literature, for the default parameters (empty if none)."""
        return MappingProxyType(self._definition.literature)

    @property
    def lyapunov_max(self) -> float | None:
        """Largest Lyapunov exponent from the literature, or None (see :func:`lyapunov_spectrum` to compute)."""
        return self._definition.literature.get("lyapunov_max") if self.has_default_params else None

    @property
    def period(self) -> float:
        """Characteristic period: declared, or the dominant period of the power spectrum (computed once)."""
        if self._definition.period is not None and self.has_default_params:
            return self._definition.period
        return self.time_scales()[0]

    def time_scales(self) -> tuple[float, float]:
        """``(period, step)`` measured on the equations (never the declared period): the dominant spectral period
        and the natural step of an explicit solver (see :func:`chaosbench._dynamics.timescales.time_scales`)."""
        return time_scales(self.problem(), self.ic, stiff="stiff" in self.tags, unbounded=self.unbounded)

    @property
    def has_default_params(self) -> bool:
        """Whether every parameter has its declared (literature) value: the shipped computed invariants, published
        invariants and dysts' periods describe only this parameter set."""
        return all(np.array_equal(self._params[k], v) for k, v in zip(self._definition.param_names,
                                                                       self._definition.defaults))

    # --- equations ------------------------------------------------------------------------------------------
    def _compiled(self):
        return self._definition.compiled()

    @property
    def delay(self) -> float | None:
        """The delay of a delay differential equation (the value of its delay parameter), else None."""
        return None if self._definition.delay is None else self._params[self._definition.delay]

    def _arguments(self, u, delayed) -> np.ndarray:
        u = _as_state(u, self.dim, "state", self.name)
        if self._definition.delay is None:
            if delayed is not None:
                raise InvalidParameterError(f"{self.name} is not a delay equation; do not pass a delayed state")
            return u
        delayed = u if delayed is None else _as_state(delayed, self.dim, "delayed state", self.name)
        return np.concatenate([u, delayed])

    def rhs(self, u, t: float = 0.0, delayed=None) -> np.ndarray:
        """Time derivative du/dt at state ``u`` and time ``t``; for a delay equation, ``delayed`` is the state one
        delay earlier (default: ``u``, as on a constant history)."""
        du = np.empty(self.dim)
        self._compiled().rhs(float(t), self._arguments(u, delayed), self._p, du)
        return du

    def jac(self, u, t: float = 0.0, delayed=None) -> np.ndarray:
        """Jacobian d(du/dt)/du (dim x dim) at state ``u`` and time ``t`` (for a delay equation: with respect to the
        current state, the delayed one held fixed)."""
        args = self._arguments(u, delayed)
        J = np.empty((self.dim, args.size))
        self._compiled().jac(float(t), args, self._p, J)
        return J[:, :self.dim].copy()

    def equations(self) -> list[str]:
        """The traced equations as text, one ``dx/dt = ...`` line per variable."""
        traced = self._definition.traced()
        return [f"d{v}/dt = {expr}" for v, expr in zip(self.variables, traced.rhs)]

    def with_params(self, **params) -> System:
        """A copy with some parameters changed; unknown names and non-finite values are errors."""
        new = dict(self._params)
        for key, value in params.items():
            if key not in self._params:
                hint = did_you_mean(key, self._params) or f" Parameters: {', '.join(self._params) or 'none'}."
                raise InvalidParameterError(f"{self.name} has no parameter {key!r}.{hint}")
            new[key] = _param_value(self.name, key, value, np.shape(self._params[key]))
        return System(self._definition, new)

    # --- integration ----------------------------------------------------------------------------------------
    def default_solver(self) -> Solver:
        """DelayRK4 for delay equations, Radau for systems tagged ``stiff``, DOP853 otherwise."""
        return get_solver("dde_rk4" if self._definition.delay is not None else "radau" if "stiff" in self.tags
                          else "dop853")

    def _solver(self, method, rtol, atol) -> Solver:
        solver = get_solver(self.default_solver().name if method is None else method, rtol, atol)
        if (self._definition.delay is not None) != solver.delay_equations:
            raise InvalidParameterError(
                f"{self.name}: method {solver.name!r} does not apply; delay equations use 'dde_rk4' and other "
                "systems cannot")
        return solver

    def problem(self, *reference_states) -> Problem:
        """What a :class:`Solver` integrates: the compiled equations with these parameter values, and the divergence
        bound of integration (:data:`~chaosbench._core.divergence.TRAJECTORY_FACTOR` times the scale of the declared
        initial condition and of any ``reference_states``)."""
        scale = np.concatenate([self._definition.ic, *(np.ravel(u) for u in reference_states)])
        return Problem(self.name, self._compiled(), self._p, divergence_bound(scale, TRAJECTORY_FACTOR), self.delay)

    def _integrate(self, u0, *, t_first, dt, n, solver, t0=0.0, user_ic=None):
        problem = self.problem() if user_ic is None else self.problem(user_ic)
        return solver.solve(problem, u0, t0=t0, t_first=t_first, dt=dt, n=n)

    def trajectory(
        self,
        n: int,
        *,
        pts_per_period: float = 100,
        dt: float | None = None,
        ic=None,
        transient: float = 20.0,
        method: str | Solver | None = None,
        rtol: float | None = None,
        atol: float | None = None,
        seed: int | None = None,
        standardize: bool = False,
    ) -> Trajectory:
        """Integrate and sample ``n`` states.

        Parameters
        ----------
        n : int
            Number of samples.
        pts_per_period : float
            Samples per characteristic period (:attr:`period`); ignored when ``dt`` is given.
        dt : float, optional
            Sampling interval in time units.
        ic : sequence of float, optional
            Initial condition (for a delay equation: the constant history); default the declared one. Exclusive with
            ``seed``.
        transient : float
            Characteristic periods integrated and discarded before the first sample.
        method : str or Solver, optional
            ``"dop853"`` (default), ``"dopri5"``, ``"rk4"``, ``"radau"``, ``"bdf"``, ``"lsoda"`` or a Solver
            object; systems tagged ``stiff`` default to ``"radau"``, delay equations use ``"dde_rk4"``.
        rtol, atol : float, optional
            Tolerances of adaptive solvers (defaults: 1e-10 and 1e-12 for explicit ones, 1e-8 and 1e-10 for
            implicit ones).
        seed : int, optional
            Start from an independent on-attractor state drawn reproducibly with this seed (see
            :meth:`sample_ics`); for a forced system, at a random forcing phase. Different seeds give trajectories
            that do not retrace each other.
        standardize : bool
            Return zero-mean, unit-variance variables; ``info`` keeps ``loc`` and ``scale``.

        Raises
        ------
        IntegrationError
            If the state becomes non-finite or runs away.
        """
        validate_params(TRAJECTORY_CONSTRAINTS, {"n": n, "pts_per_period": pts_per_period, "dt": dt,
                                                 "transient": transient, "rtol": rtol, "atol": atol, "seed": seed,
                                                 "standardize": standardize}, owner=self.name)
        n, transient = int(n), float(transient)
        if ic is not None and seed is not None:
            raise InvalidParameterError("give either ic or seed, not both")
        period = self.period
        sample_dt = float(dt) if dt is not None else period / pts_per_period
        solver = self._solver(method, rtol, atol)
        if seed is not None:
            t, x = self._integrate_from_independent_start(seed, t_after=transient * period, dt=sample_dt, n=n,
                                                          solver=solver)
        else:
            u0 = self.ic if ic is None else _as_state(ic, self.dim, "initial condition", self.name)
            t, x = self._integrate(u0, t_first=transient * period, dt=sample_dt, n=n, solver=solver, user_ic=ic)
        info = {"period": period, "solver": solver.describe(), "version": __version__}
        if standardize:
            loc, scale = x.mean(axis=0), x.std(axis=0)
            scale = np.where(scale > 0, scale, 1.0)
            x = (x - loc) / scale
            info |= {"loc": loc, "scale": scale}
        settings = {
            "n": n, "pts_per_period": pts_per_period, "dt": dt, "ic": None if ic is None else u0.tolist(),
            "transient": transient, "method": method if isinstance(method, Solver) else solver.name,
            "rtol": rtol, "atol": atol, "seed": seed, "standardize": standardize,
        }
        return Trajectory(t=t, x=x, system=self.name, params=dict(self._params), dt=sample_dt, settings=settings,
                          variables=self.variables, info=info, source=self)

    def sample_ics(self, k: int, seed: int | None = None) -> np.ndarray:
        """``k`` states on the attractor, each from its own independent start (see :meth:`trajectory`'s ``seed``):
        no two are points of one orbit, so trajectories started from them do not retrace each other. For a forced
        system each state belongs to a random forcing phase, which is not returned: use :meth:`trajectory` with
        ``seed`` to get states with their times.

        Returns an array of shape (k, dim).
        """
        k = positive_int(k, "k", owner=self.name)
        children = np.random.SeedSequence(seed).spawn(k)
        solver = self.default_solver()
        return np.concatenate([self._integrate_from_independent_start(child, t_after=0.0, dt=1.0, n=1,
                                                                      solver=solver)[1] for child in children])

    def _integrate_from_independent_start(self, seed, *, t_after: float, dt: float, n: int, solver: Solver):
        """Sample ``n`` states every ``dt``, the first ``t_after`` time units after an independent start.

        The start is :attr:`ic` (for a delay equation, its constant history) perturbed by Gaussian noise of
        ``START_PERTURBATION`` times each variable's std on the attractor, drawn with ``seed``; the integration first
        runs for :meth:`decorrelation_time` plus a uniform fraction of the longest forcing period (so forced systems
        start at spread-out forcing phases). A perturbation that leaves the attractor's basin (e.g. a negative
        population, or an energy above escape) is shrunk tenfold, up to three times.
        """
        spread, decorrelation = self._start_scales()
        rng = np.random.default_rng(seed)
        noise = spread * rng.standard_normal(self.dim)
        t_first = decorrelation + rng.uniform() * max(self.forcing_periods, default=0.0) + t_after
        for attempt in range(4):
            try:
                return self._integrate(self._definition.ic + START_PERTURBATION * 10.0 ** -attempt * noise,
                                       t_first=t_first, dt=dt, n=n, solver=solver)
            except IntegrationError:
                if attempt == 3:
                    raise

    def _start_scales(self) -> tuple[np.ndarray, float]:
        """Each variable's std on the attractor (one unit for drifting variables) and the decorrelation time;
        computed once per parameter set."""
        key = self._p.tobytes()
        if key not in self._definition._starts:
            spread = self.trajectory(START_SAMPLES, pts_per_period=20).x.std(axis=0)
            spread[list(self.unbounded)] = 1.0
            self._definition._starts[key] = (np.where(spread > 0, spread, 1.0), self.decorrelation_time())
        return self._definition._starts[key]

    @property
    def computed_lyapunov_max(self) -> float | None:
        """chaosbench's computed λ_max (1/time units) from the shipped invariants file, for the default parameters;
        None for other parameters or a system without a row."""
        if not self.has_default_params:
            return None
        value = (computed_invariants(self.name) or {}).get("lyapunov_max")
        return None if value is None else float(value)

    def decorrelation_time(self) -> float:
        """Time (time units) over which an independent start's perturbation grows to the attractor's size:
        ``DECORRELATION_LYAPUNOV_TIMES`` / λ_max (chaosbench's computed λ_max for the default parameters), between
        ``DECORRELATION_PERIODS`` periods; the lower bound for other parameters or non-chaotic systems."""
        low, high = DECORRELATION_PERIODS
        lam = self.computed_lyapunov_max
        periods = low if not lam or lam <= 0 else DECORRELATION_LYAPUNOV_TIMES / (lam * self.period)
        return min(max(periods, low), high) * self.period

    def __repr__(self) -> str:
        return f"<System {self.name} dim={self.dim} ({format_params(self._params)})>"

    def __reduce__(self):
        # Pickled by registered name and parameter values, as a function is pickled by its qualified name.
        return _registered_system, (self.name, dict(self._params))


def _registered_system(name: str, params: Mapping) -> System:
    return get_system(name).with_params(**params)


def format_params(params: Mapping) -> str:
    """``a=1, w=[3x3]``: scalars by value, arrays by shape."""
    return ", ".join(f"{k}={v:g}" if np.ndim(v) == 0 else f"{k}=[{'x'.join(map(str, np.shape(v)))}]"
                     for k, v in params.items())



def _parse_signature(fn, name: str, dim: int | None, delay: str | None):
    sig = inspect.signature(fn)
    positional, params, nonautonomous = [], [], False
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional.append(p.name)
        elif p.kind is p.KEYWORD_ONLY and p.name == "t":
            nonautonomous = True
        elif p.kind is p.KEYWORD_ONLY:
            if p.default is p.empty:
                raise SystemDefinitionError(f"{name}: parameter {p.name} needs a numeric default (its literature value)")
            try:
                params.append((p.name, _param_value(name, p.name, p.default, np.shape(p.default))))
            except InvalidParameterError:
                raise SystemDefinitionError(f"{name}: parameter {p.name} needs a numeric default "
                                            "(a number or an array of numbers: its literature value)") from None
        else:
            raise SystemDefinitionError(f"{name}: *args and **kwargs are not allowed in a system's equations")
    delayed = ()
    if delay is not None:
        if dim is not None or len(positional) % 2:
            raise SystemDefinitionError(f"{name}: a delay equation takes the state variables and then, in the same "
                                        "order, their delayed values as positional arguments")
        if delay not in dict(params) or np.ndim(dict(params)[delay]) != 0:
            raise SystemDefinitionError(f"{name}: delay={delay!r} must name a scalar keyword-only parameter")
        positional, delayed = positional[:len(positional) // 2], tuple(positional[len(positional) // 2:])
    if dim is None:
        if not positional:
            raise SystemDefinitionError(f"{name}: the function needs one positional argument per state variable")
        variables = tuple(positional)
    else:
        if len(positional) != 1:
            raise SystemDefinitionError(f"{name}: with dim={dim} the function takes the whole state as one array")
        variables = tuple(f"{positional[0]}{i}" for i in range(positive_int(dim, "dim", owner=name)))
    return variables, delayed, tuple(params), nonautonomous


def system(
    fn=None,
    *,
    ic: Iterable[float],
    citation: str,
    dim: int | None = None,
    period: float | None = None,
    jac=None,
    tags: Iterable[str] = (),
    unbounded: Iterable[int] = (),
    deviation: str | None = None,
    delay: str | None = None,
    forcing_period=None,
    name: str | None = None,
    replace: bool = False,
    **literature,
):
    """Declare and register a dynamical system; returns its :class:`System` with the default parameters.

    The decorated function states the equations in plain Python: its positional arguments are the state
    variables (or, with ``dim``, one array holding the whole state) and it returns their time derivatives; its
    keyword-only arguments are the parameters with their literature values (numbers or arrays) as defaults; a
    keyword-only ``t``
    makes the system non-autonomous. Branches must be written with ``np.where``, ``np.heaviside``, ``min``,
    ``max`` or ``abs`` so that the equations can be traced and differentiated exactly.

    Parameters
    ----------
    ic : sequence of float
        Initial condition from the literature (on or near the attractor).
    citation : str
        Source of the equations and parameter values (authors, year, venue, DOI).
    dim : int, optional
        Dimension of a system whose function takes the state as one array.
    period : float, optional
        Characteristic period, if published; otherwise estimated from the power spectrum.
    jac : callable, optional
        Analytic Jacobian with the same arguments, returning a dim x dim nested sequence; by default it is derived
        symbolically.
    tags : iterable of str
        E.g. ``polynomial``, ``stiff`` (integrated with Radau by default), ``high_dim``, ``discontinuous`` (the
        right-hand side jumps, e.g. through ``np.sign``: Lyapunov exponents then come from two trajectories),
        ``nonchaotic`` (not chaotic at the default parameters: exempt from the positive-exponent check).
    unbounded : iterable of int
        Indices of state variables that drift without bound by design (angles, positions on a periodic domain);
        they are exempt from the boundedness check.
    deviation : str, optional
        How and why the declaration differs from dysts' system of the same name, with the source that justifies it.
    delay : str, optional
        Declares a delay differential equation x'(t) = f(x(t), x(t - tau)): the name of the parameter holding the
        delay tau. The function then takes the state variables followed by their delayed values, and the initial
        condition is the constant history.
    forcing_period : float, sequence of float or callable, optional
        The period(s) of the explicit time dependence of a non-autonomous system (one per forcing frequency), or a
        function of some of the parameters (matched by argument name) returning them, e.g.
        ``lambda omega: 2 * np.pi / omega``. Forecasters receive sin and cos of each forcing phase as known inputs.
    name : str, optional
        Registered name; default the function's name.
    replace : bool
        Allow replacing a system already registered under this name.
    **literature
        Published invariants: ``lyapunov_max``, ``lyapunov_spectrum``, ``kaplan_yorke_dimension``,
        ``correlation_dimension``.
    """
    if fn is None:
        return lambda f: system(f, ic=ic, citation=citation, dim=dim, period=period, jac=jac, tags=tags,
                                unbounded=unbounded, deviation=deviation, delay=delay, forcing_period=forcing_period,
                                name=name, replace=replace, **literature)
    sys_name = name or fn.__name__
    unknown = set(literature) - set(LITERATURE_FIELDS)
    if unknown:
        key = sorted(unknown)[0]
        raise SystemDefinitionError(f"{sys_name}: unknown keyword {key!r}.{did_you_mean(key, LITERATURE_FIELDS)}")
    if not isinstance(citation, str) or not citation.strip():
        raise SystemDefinitionError(f"{sys_name}: a citation is required")
    variables, delayed, params, nonautonomous = _parse_signature(fn, sys_name, dim, delay)
    try:
        ic_arr = _as_state(ic, len(variables), "initial condition", sys_name)
    except InvalidParameterError as exc:
        raise SystemDefinitionError(str(exc)) from None
    unbounded = tuple(sorted(int(i) for i in unbounded))
    if any(not 0 <= i < len(variables) for i in unbounded):
        raise SystemDefinitionError(f"{sys_name}: unbounded indices {unbounded} out of range for dim {len(variables)}")
    tag_set = (frozenset(tags) | ({"nonautonomous"} if nonautonomous else set())
               | ({"unbounded"} if unbounded else set()) | ({"delay"} if delay else set()))
    definition = _Definition(
        name=sys_name, function=fn, variables=variables, param_names=tuple(k for k, _ in params),
        defaults=tuple(v for _, v in params), ic=ic_arr, citation=citation.strip(),
        description=inspect.cleandoc(fn.__doc__ or ""), period=None if period is None else positive_float(
            period, "period", owner=sys_name), literature=dict(literature), tags=tag_set, vector=dim is not None,
        nonautonomous=nonautonomous, unbounded=unbounded, deviation=deviation, delay=delay,
        delayed_variables=delayed, jac_function=jac, forcing_period=forcing_period,
    )
    if forcing_period is not None and not nonautonomous:
        raise SystemDefinitionError(f"{sys_name}: forcing_period applies only to equations taking a keyword-only t")
    if callable(forcing_period):
        unknown = set(inspect.signature(forcing_period).parameters) - set(definition.param_names)
        if unknown:
            raise SystemDefinitionError(f"{sys_name}: forcing_period takes unknown parameters {sorted(unknown)}")
    _registry.register(sys_name, definition, replace=replace, module=getattr(fn, "__module__", None))
    return System(definition, dict(params))


def get_system(name: str) -> System:
    """The registered system ``name`` with its default parameters.

    Raises
    ------
    UnknownSystemError
        With close matches suggested.
    """
    definition = _registry.lookup(name)
    return System(definition, dict(zip(definition.param_names, definition.defaults)))


def list_systems(tag: str | None = None, dim: int | None = None) -> list[str]:
    """Sorted names of registered systems, optionally only those with ``tag`` and/or dimension ``dim``."""
    return _registry.names(lambda d: (tag is None or tag in d.tags) and (dim is None or len(d.variables) == dim))
