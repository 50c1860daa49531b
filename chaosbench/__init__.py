"""chaosbench: a benchmark suite for forecasting and reconstructing chaotic dynamical systems."""

__version__ = "0.1.0"

from . import exceptions
from ._checks import check_system
from ._invariants import dominant_period, kaplan_yorke_dimension, lyapunov_spectrum
from ._registry import System, get_system, list_systems, system
from ._solvers import BDF, DOP853, LSODA, RK4, DelayRK4, Dopri5, Radau, Solver, get_solver
from ._trajectory import Trajectory
from .exceptions import (
    ChaosbenchError,
    ChaosbenchWarning,
    IntegrationError,
    InvalidParameterError,
    UnknownSystemError,
)

__all__ = [
    "__version__",
    "system", "get_system", "list_systems", "System", "Trajectory", "check_system",
    "lyapunov_spectrum", "kaplan_yorke_dimension", "dominant_period",
    "Solver", "RK4", "Dopri5", "DOP853", "Radau", "BDF", "LSODA", "DelayRK4", "get_solver",
    "exceptions", "ChaosbenchError", "ChaosbenchWarning", "IntegrationError", "InvalidParameterError", "UnknownSystemError",
]
