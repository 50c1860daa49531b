"""The data protocol every forecaster sees identically: a :class:`Task` and the :class:`TaskData` it generates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._registry import System, _positive_float, _positive_int, get_system
from .exceptions import InvalidParameterError

__all__ = ["Task", "TaskData", "Window"]


@dataclass(frozen=True)
class Window:
    """A forecasting problem: ``context`` (observed, possibly noisy) followed by the true ``target``."""

    context: np.ndarray
    target: np.ndarray


@dataclass(frozen=True)
class TaskData:
    """Arrays of a task, all standardized with the training data's mean and std when the task says so.

    Attributes
    ----------
    train : ndarray (n_train, dim)
    validation : list of Window
        For choosing hyper-parameters; never used for scoring.
    test : list of Window
        Each starting from its own on-attractor state.
    context : dict
        What metrics need: ``dt`` (sampling interval, time units), ``lyapunov_max`` (1/time units), ``scale``
        (per-variable std of the training data as the forecaster sees it), ``train``.
    loc, scale : ndarray (dim,)
        The standardization applied (identity when ``standardize=False``).
    """

    train: np.ndarray
    validation: list
    test: list
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
        Forecast length of each test window (default 200 points, 2 periods).
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
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def long_horizon(cls, system, **kwargs) -> Task:
        """The long-horizon variant: 1,000-point forecasts (10 periods) from 500-point contexts."""
        return cls(system, **({"horizon": 1000, "n_context": 500} | kwargs))

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

    def _generate(self) -> TaskData:
        system = self._system()
        n_train = _positive_int(self.n_train, "n_train")
        horizon = _positive_int(self.horizon, "horizon")
        n_context = _positive_int(self.n_context, "n_context")
        n_test = _positive_int(self.n_test, "n_test")
        if not (isinstance(self.n_validation, int) and self.n_validation >= 0):
            raise InvalidParameterError(f"n_validation must be a non-negative integer, got {self.n_validation!r}")
        _positive_float(self.pts_per_period, "pts_per_period")
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise InvalidParameterError(f"noise must be a non-negative number, got {self.noise!r}")
        # Independent, reproducible seeds for the training start, each window's start, and the noise.
        seeds = np.random.SeedSequence(self.seed).generate_state(2 + n_test + self.n_validation)
        kw = {"pts_per_period": self.pts_per_period}
        train = system.trajectory(n_train, seed=int(seeds[0]), **kw)
        windows = [system.trajectory(n_context + horizon, seed=int(s), **kw).x for s in seeds[2:]]
        rng = np.random.default_rng(int(seeds[1]))
        raw_std = train.x.std(axis=0)

        def noisy(x):
            return x + self.noise * raw_std * rng.standard_normal(x.shape) if self.noise > 0 else x

        x_train = noisy(train.x)
        contexts = [noisy(w[:n_context]) for w in windows]
        if self.standardize:
            loc, scale = x_train.mean(axis=0), x_train.std(axis=0)
            scale = np.where(scale > 0, scale, 1.0)
        else:
            loc, scale = np.zeros(system.dim), np.ones(system.dim)

        def std(x):
            return (x - loc) / scale

        made = [Window(std(c), std(w[n_context:])) for c, w in zip(contexts, windows)]
        context = {"dt": train.dt, "lyapunov_max": lyapunov_time_scale(system), "scale": std(x_train).std(axis=0),
                   "train": std(x_train)}
        return TaskData(train=std(x_train), validation=made[n_test:], test=made[:n_test], context=context, loc=loc,
                        scale=scale)


def lyapunov_time_scale(system: System) -> float:
    """λ_max used to express times in Lyapunov times: chaosbench's computed value from the invariants file for the
    default parameters, else computed now (short run). Non-positive for systems that are not chaotic."""
    from ._datafile import computed_invariants
    from ._invariants import lyapunov_max_reference, lyapunov_spectrum

    if system._is_default():
        row = computed_invariants(system.name)
        if row and row.get("lyapunov_max") is not None:
            return float(row["lyapunov_max"])
    if "discontinuous" in system.tags:
        return float(lyapunov_max_reference(system, n_periods=500))
    return float(lyapunov_spectrum(system, 1, n_periods=1000)[0])
