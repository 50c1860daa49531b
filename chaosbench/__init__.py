"""chaosbench: a benchmark suite for forecasting and reconstructing chaotic dynamical systems."""

from ._core.provenance import __version__

from . import exceptions
from ._dynamics.checks import check_system
from ._forecasting.checks import check_forecaster
from ._forecasting.forecaster import Forecaster, forecaster, get_forecaster, list_forecasters
from ._core.validation import Interval, Options
from ._forecasting.task import Task, TaskData, Window
from ._dynamics.invariants import dominant_period, kaplan_yorke_dimension, lyapunov_spectrum
from ._forecasting.metrics import error_curve, get_metric, list_metrics, metric
from ._bench.runner import Results, load_results, run
from ._dynamics.system import System, get_system, list_systems, system
from ._dynamics.solvers import BDF, DOP853, LSODA, RK4, DelayRK4, Dopri5, Radau, Solver, get_solver
from ._dynamics.trajectory import Trajectory
from .exceptions import (
    ChaosbenchError,
    ChaosbenchWarning,
    NotFittedError,
    UnknownForecasterError,
    IntegrationError,
    InvalidParameterError,
    MissingDependencyError,
    UnknownMetricError,
    UnknownSystemError,
)

__all__ = [
    "__version__",
    "system", "get_system", "list_systems", "System", "Trajectory", "check_system",
    "Forecaster", "forecaster", "get_forecaster", "list_forecasters", "check_forecaster", "Task", "TaskData", "Window",
    "Interval", "Options",
    "lyapunov_spectrum", "kaplan_yorke_dimension", "dominant_period",
    "metric", "get_metric", "list_metrics", "error_curve", "run", "load_results", "Results",
    "Solver", "RK4", "Dopri5", "DOP853", "Radau", "BDF", "LSODA", "DelayRK4", "get_solver",
    "exceptions", "ChaosbenchError", "ChaosbenchWarning", "IntegrationError", "InvalidParameterError", "UnknownSystemError",
    "UnknownForecasterError", "NotFittedError", "UnknownMetricError", "MissingDependencyError",
]
