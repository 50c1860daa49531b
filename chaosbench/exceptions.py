"""Every error chaosbench raises on purpose.

All of them derive from :class:`ChaosbenchError`, so a caller (and the CLI) can tell a problem with the input
or the numerics apart from a bug.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ChaosbenchError",
    "UnknownNameError",
    "UnknownSystemError",
    "UnknownMetricError",
    "UnknownForecasterError",
    "NotFittedError",
    "DuplicateNameError",
    "DuplicateSystemError",
    "SystemDefinitionError",
    "InvalidParameterError",
    "IntegrationError",
    "ConfigError",
    "UnknownPresetError",
    "ResultsStoreError",
    "PluginError",
    "ExecutorError",
    "MissingDependencyError",
    "ChaosbenchWarning",
    "ContractError",
]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" Did you mean 'X'?"`` for the closest candidates, or ``""`` when none is close."""
    by_lower = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(by_lower[m]) for m in matches) + "?"


class ChaosbenchError(Exception):
    """Base class of chaosbench's errors: bad input or a numerical failure, never a bug."""


class UnknownNameError(ChaosbenchError, LookupError):
    """A name that is not registered; the message suggests close matches."""

    kind = "name"

    def __init__(self, name: str, known: Iterable[str]):
        self.name = name
        super().__init__(f"Unknown {self.kind} {name!r}.{did_you_mean(name, known)}")

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])


class UnknownSystemError(UnknownNameError):
    """No system is registered under this name."""

    kind = "system"


class UnknownMetricError(UnknownNameError):
    """No metric is registered under this name."""

    kind = "metric"


class UnknownForecasterError(UnknownNameError):
    """No forecaster is registered under this name."""

    kind = "forecaster"


class NotFittedError(ChaosbenchError, AttributeError):
    """A forecaster was asked to predict before it was fitted."""


class DuplicateNameError(ChaosbenchError):
    """A declaration uses a name that is already registered (a built-in's or a user's) without ``replace=True``."""

    kind = "name"

    def __init__(self, name: str, kind: str | None = None):
        self.name = name
        self.kind = kind or self.kind
        super().__init__(f"A {self.kind} named {name!r} is already registered; pass replace=True to replace it")


class DuplicateSystemError(DuplicateNameError):
    """A system of this name is already registered and ``replace=True`` was not given."""

    kind = "system"


class SystemDefinitionError(ChaosbenchError):
    """A system's declaration is inconsistent (initial condition length, parameters, equations)."""


class InvalidParameterError(ChaosbenchError, ValueError):
    """An argument is out of range, of the wrong shape, or not finite."""


class ChaosbenchWarning(UserWarning):
    """A result that is computed but may be unreliable (the message says why)."""


class IntegrationError(ChaosbenchError, ArithmeticError):
    """Integration failed: the state became non-finite or ran away, or the step size collapsed.

    Attributes
    ----------
    system : str
        Name of the system being integrated.
    t : float
        Time at which the failure was detected.
    state : numpy.ndarray
        Last state reached (may contain non-finite values).
    """

    def __init__(self, system: str, t: float, state, reason: str):
        self.system, self.t, self.state, self.reason = system, float(t), state, reason
        shown = ", ".join(f"{v:.6g}" for v in list(state)[:6]) + (", ..." if len(state) > 6 else "")
        super().__init__(f"{system}: integration failed at t={self.t:.6g} ({reason}); state=[{shown}]")


class ConfigError(ChaosbenchError, ValueError):
    """A run configuration (options or a TOML file) is malformed, has unknown keys or out-of-range values."""


class UnknownPresetError(UnknownNameError):
    """No run preset has this name."""

    kind = "preset"


class ResultsStoreError(ChaosbenchError):
    """A results directory cannot be used: not a directory, unwritable, in use by another run, a corrupt or
    foreign SQLite file, or settings that differ from those it was started with."""


class PluginError(ChaosbenchError):
    """A plugin file or entry point failed to import."""


class ExecutorError(ChaosbenchError):
    """The executor could not start (e.g. a Dask scheduler that cannot be reached)."""


class MissingDependencyError(ChaosbenchError, ImportError):
    """An optional dependency of a forecaster is not installed; the message says how to install it."""


class ContractError(ChaosbenchError, AssertionError):
    """A system or forecaster breaks the contract that :func:`chaosbench.check_system` or
    :func:`chaosbench.check_forecaster` checks.

    Raised explicitly, so the checks hold under ``python -O``; an :class:`AssertionError` too, as test runners
    expect of a failed check.

    Attributes
    ----------
    subject : str
        The system or forecaster checked.
    check : str
        Name of the check that failed, e.g. ``"params_unchanged_by_fit"``.
    """

    def __init__(self, subject: str, check: str, message: str):
        self.subject, self.check, self.message = subject, check, message
        super().__init__(f"{subject} fails {check}: {message}")

    def __reduce__(self):  # picklable, e.g. from a worker process
        return type(self), (self.subject, self.check, self.message)
