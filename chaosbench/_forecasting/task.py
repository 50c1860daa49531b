"""The data protocol every forecaster sees identically: a :class:`Task` and the :class:`TaskData` it generates."""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, field, fields
from typing import ClassVar

import numpy as np

from .._core.validation import (
    NON_NEGATIVE_FLOAT,
    NON_NEGATIVE_INT,
    POSITIVE_FLOAT,
    POSITIVE_INT,
    Options,
    validate_params,
)
from .._dynamics.system import System, get_system
from ..exceptions import InvalidParameterError
from .._dynamics.datafile import AGREEMENT, computed_invariants, gilpin2023_periods
from .._dynamics.invariants import lyapunov_max

__all__ = ["Task", "TaskData", "Window"]


@dataclass(frozen=True)
class Window:
    """A forecasting problem: ``context`` (observed, possibly noisy) followed by the true ``target``, with the known
    inputs over each (sin and cos of the forcing phases; zero columns for an autonomous system)."""

    context: np.ndarray
    target: np.ndarray
    context_covariates: np.ndarray
    target_covariates: np.ndarray

    @property
    def covariates(self) -> np.ndarray:
        """The known inputs over the context and the forecast steps, as :meth:`Forecaster.predict` takes them."""
        return np.vstack([self.context_covariates, self.target_covariates])


@dataclass(frozen=True)
class TaskData:
    """Arrays of a task, all standardized with the training data's mean and std when the task says so.

    Every series (training, each validation and test window, the long run and its reference) is integrated from its
    own independent start, so no target retraces the training data.

    Attributes
    ----------
    train : ndarray (n_train, dim)
    train_covariates : ndarray (n_train, k)
        Known inputs at the training steps (k = 0 for an autonomous system).
    validation : list of Window
        For choosing hyper-parameters; never used for scoring.
    test : list of Window
        The scored forecasting problems, ``horizon`` steps each.
    long_run : Window or None
        A context followed by ``n_long`` true steps, for scoring a long free run by its statistics (``None`` when
        ``n_long`` is 0).
    long_reference : ndarray (n_long, dim) or None
        An independent true series as long as ``long_run.target``: the truth-versus-truth noise floor of the
        long-term metrics.
    horizon : int
        Steps forecast in each test window (resolved from ``horizon_lyapunov`` when the task gives one).
    context : dict
        What metrics need: ``dt`` (sampling interval, time units), ``lyapunov_max`` (1/time units), ``scale``
        (per-variable std of the training data as the forecaster sees it), ``train``, ``loc`` and ``data_scale``
        (the standardization applied: physical = standardized * data_scale + loc), ``unbounded`` (indices of
        variables that drift by design) and ``lyapunov_resolved`` (see :func:`lyapunov_resolved`).
    loc, scale : ndarray (dim,)
        The standardization applied (identity when ``standardize=False``).
    """

    train: np.ndarray
    train_covariates: np.ndarray
    validation: list
    test: list
    long_run: Window | None
    long_reference: np.ndarray | None
    horizon: int
    context: dict
    loc: np.ndarray
    scale: np.ndarray


@dataclass(frozen=True)
class Task:
    """A forecasting task on one system.

    Parameters
    ----------
    system : str or System
    pts_per_period : float
        Sampling: points per characteristic period (default 100).
    n_train : int
        Training length (default 1,000 points, i.e. 10 periods).
    horizon : int
        Forecast length of each test window in steps (default 200 points, 2 periods); with ``horizon_lyapunov``,
        the most steps allowed.
    n_context : int
        Observed points before each test start, given to the forecaster as ``context`` (default 100).
    n_test, n_validation : int
        Number of test and validation windows.
    noise : float
        Observation noise: Gaussian, with standard deviation ``noise`` times each variable's std, added to the
        training data and the contexts (never to targets).
    standardize : bool
        Standardize everything with the (noisy) training data's mean and std.
    seed : int
        Every array follows deterministically from it.
    horizon_lyapunov : float, optional
        Forecast length in Lyapunov times: ``ceil(horizon_lyapunov / (λ_max dt))`` steps, capped at ``horizon``
        (``horizon`` steps for a system with λ_max <= 0).
    n_long : int
        Length of the long free run scored by the long-term metrics (default 10,000 steps; 0 for none).
    period_source : {"chaosbench", "dysts"}
        Which characteristic period ``pts_per_period`` refers to: chaosbench's (:attr:`System.period`) or the one
        published in the dysts catalogue (``systems/gilpin2023_periods.csv``), as in the 2023 study.

    Notes
    -----
    The field defaults are the only statement of the defaults: other code reads them with :meth:`defaults`. Every
    setting is checked on construction against :attr:`parameter_constraints`.
    """

    system: str | System
    pts_per_period: float = 100
    n_train: int = 1000
    horizon: int = 200
    n_context: int = 100
    n_test: int = 5
    n_validation: int = 1
    noise: float = 0.0
    standardize: bool = True
    seed: int = 0
    horizon_lyapunov: float | None = None
    n_long: int = 10_000
    period_source: str = "chaosbench"
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    parameter_constraints: ClassVar[dict] = {
        "system": [str, System],
        "pts_per_period": [POSITIVE_FLOAT],
        "n_train": [POSITIVE_INT],
        "horizon": [POSITIVE_INT],
        "n_context": [POSITIVE_INT],
        "n_test": [POSITIVE_INT],
        "n_validation": [NON_NEGATIVE_INT],
        "noise": [NON_NEGATIVE_FLOAT],
        "standardize": ["boolean"],
        "seed": [NON_NEGATIVE_INT],
        "horizon_lyapunov": [POSITIVE_FLOAT, None],
        "n_long": [NON_NEGATIVE_INT],
        "period_source": [Options(("chaosbench", "dysts"))],
    }
    #: The settings of :meth:`gilpin2023` (the study's protocol; a run preset can use them too).
    GILPIN2023: ClassVar[dict] = {"period_source": "dysts", "pts_per_period": 100, "n_train": 1000, "horizon": 200,
                                  "n_context": 1000, "n_long": 0}

    def __post_init__(self):
        validate_params(self.parameter_constraints, {f.name: getattr(self, f.name) for f in fields(self)},
                        owner="Task")

    @classmethod
    def defaults(cls) -> dict:
        """Each setting's default (every field but ``system``), e.g. for a run configuration's own defaults."""
        return {f.name: f.default for f in fields(cls) if f.default is not MISSING}

    @classmethod
    def long_horizon(cls, system, **kwargs) -> Task:
        """The long-horizon variant: 1,000-point forecasts (10 periods) from 500-point contexts."""
        return cls(system, **({"horizon": 1000, "n_context": 500} | kwargs))

    @classmethod
    def gilpin2023(cls, system, **kwargs) -> Task:
        """The protocol of Gilpin, "Model scale versus domain knowledge in statistical forecasting of chaotic
        systems", Phys. Rev. Research 5, 043252 (2023): 100 points per dominant period as published in the dysts
        catalogue, 1,000 training points, 200-step forecasts, scored by the cumulative-sMAPE VPT (``vpt_smape``).

        Departure, for a leak-free split: the study fitted each model on the first 1,000 points of each test
        trajectory and forecast the next 200; here a model is fitted once on an independent 1,000-point trajectory
        and forecasts 200 steps from each test window's 1,000-point context (the same history length). No long free
        run (``n_long=0``). Lyapunov times use chaosbench's λ_max, not dysts' estimates (compare ``vpt_smape_time``
        in time units with the study).
        """
        return cls(system, **(cls.GILPIN2023 | kwargs))

    def sampling_interval(self) -> float:
        """dt in time units: the chosen characteristic period divided by ``pts_per_period``."""
        system = self._system()
        if self.period_source == "chaosbench":
            return system.period / self.pts_per_period

        period = gilpin2023_periods().get(system.name) if system.has_default_params else None
        if period is None:
            raise InvalidParameterError(f"{system.name} has no published dysts period (at its default parameters); "
                                        "period_source='dysts' does not apply")
        return period / self.pts_per_period

    def _system(self) -> System:
        return self.system if isinstance(self.system, System) else get_system(self.system)

    @property
    def name(self) -> str:
        return self._system().name

    def generate(self) -> TaskData:
        """The task's arrays (computed once per Task object)."""
        if "data" not in self._cache:
            self._cache["data"] = self._generate()
        return self._cache["data"]

    def resolved_horizon(self, lyapunov_max: float, dt: float) -> int:
        """Steps per test window: ``horizon``, or ``horizon_lyapunov`` Lyapunov times capped at ``horizon``."""
        cap = int(self.horizon)
        if self.horizon_lyapunov is None or not lyapunov_max > 0:
            return cap
        return min(cap, max(1, math.ceil(self.horizon_lyapunov / (lyapunov_max * dt) - 1e-9)))

    def _generate(self) -> TaskData:
        system = self._system()
        n_train, n_context, n_test = int(self.n_train), int(self.n_context), int(self.n_test)
        dt = self.sampling_interval()
        lyapunov_max = lyapunov_time_scale(system)
        horizon = self.resolved_horizon(lyapunov_max, dt)
        # Independent, reproducible seeds from three streams, so that changing n_test never turns a validation window
        # into a test window: (training start, noise, long run, its reference), test windows, validation windows.
        general, tests, validations = np.random.SeedSequence(self.seed).spawn(3)
        seeds = [int(s) for s in general.generate_state(4)]
        window_seeds = [int(s) for s in np.r_[tests.generate_state(n_test),
                                              validations.generate_state(self.n_validation)]]
        kw = {"dt": dt}
        train = system.trajectory(n_train, seed=seeds[0], **kw)
        windows = [system.trajectory(n_context + horizon, seed=s, **kw) for s in window_seeds]
        if self.n_long:
            long_run = system.trajectory(n_context + self.n_long, seed=seeds[2], **kw)
            reference = system.trajectory(self.n_long, seed=seeds[3], **kw)
        rng = np.random.default_rng(seeds[1])
        raw_std = train.x.std(axis=0)

        def noisy(x):
            return x + self.noise * raw_std * rng.standard_normal(x.shape) if self.noise > 0 else x

        x_train = noisy(train.x)
        if self.standardize:
            loc, scale = x_train.mean(axis=0), x_train.std(axis=0)
            scale = np.where(scale > 0, scale, 1.0)
        else:
            loc, scale = np.zeros(system.dim), np.ones(system.dim)

        def std(x):
            return (x - loc) / scale

        def window(traj):
            covariates = system.forcing_covariates(traj.t)
            return Window(std(noisy(traj.x[:n_context])), std(traj.x[n_context:]), covariates[:n_context],
                          covariates[n_context:])

        made = [window(w) for w in windows]
        z_train = std(x_train)
        context = {"dt": train.dt, "lyapunov_max": lyapunov_max, "scale": z_train.std(axis=0), "train": z_train,
                   "loc": loc, "data_scale": scale, "unbounded": system.unbounded,
                   "lyapunov_resolved": lyapunov_resolved(system)}
        return TaskData(train=z_train, train_covariates=system.forcing_covariates(train.t),
                        validation=made[n_test:], test=made[:n_test],
                        long_run=window(long_run) if self.n_long else None,
                        long_reference=std(reference.x) if self.n_long else None, horizon=horizon, context=context,
                        loc=loc, scale=scale)


def lyapunov_time_scale(system: System) -> float:
    """λ_max used to express times in Lyapunov times: chaosbench's computed value from the invariants file for the
    default parameters, else computed now (short run). Non-positive for systems that are not chaotic."""
    shipped = system.computed_lyapunov_max
    return shipped if shipped is not None else lyapunov_max(system)


def lyapunov_resolved(system: System) -> bool:
    """Whether λ_max is trustworthy as a time unit: chaosbench's value agrees within ``AGREEMENT`` (5 %) with the
    independent two-trajectory reference in the invariants file. False for the default parameters of a system whose
    estimates disagree (e.g. LiuChen), for systems tagged ``nonchaotic`` (no Lyapunov time) and for parameters
    without a computed row (no independent check)."""

    row = computed_invariants(system.name) if system.has_default_params and "nonchaotic" not in system.tags else None
    if not row or row.get("lyapunov_max") is None or row.get("lyapunov_max_reference") is None:
        return False
    lam, ref = float(row["lyapunov_max"]), float(row["lyapunov_max_reference"])
    return abs(lam - ref) <= AGREEMENT * abs(ref)
