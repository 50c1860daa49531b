"""One way to validate parameters: a declared table of constraints per class or function.

A table maps each parameter name to a list of constraints; a value is valid when it satisfies any of them::

    parameter_constraints = {
        "n_units": [Interval(int, 1, None)],          # a positive integer (numpy integers too, never a bool)
        "leak_rate": [Interval(float, 0, 1, closed="right")],
        "ic": [Options({"aic", "bic"})],
        "verbose": ["boolean"],
        "time_budget_s": [Interval(float, 0, None, closed="neither"), None],
    }
    validate_params(parameter_constraints, {"n_units": 0, ...}, owner="EchoStateNetwork")
    # InvalidParameterError: EchoStateNetwork: n_units must be a positive integer, got 0

Constraints: an :class:`Interval`, :class:`Options`, ``"boolean"`` (``True``/``False``, numpy's too), ``None``
(the value ``None``) or a type (any instance of it).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["Interval", "Options", "validate_params", "check_param", "positive_int", "positive_float",
           "POSITIVE_INT", "NON_NEGATIVE_INT", "POSITIVE_FLOAT", "NON_NEGATIVE_FLOAT"]


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


class Interval:
    """Numbers of one kind between two bounds.

    Parameters
    ----------
    kind : {int, float}
        ``int``: integers (Python's or numpy's); ``float``: finite real numbers (integers included). Booleans are
        neither.
    left, right : number or None
        Bounds; None for none on that side.
    closed : {"left", "right", "both", "neither"}
        Which bounds belong to the interval.
    """

    def __init__(self, kind: type, left, right, *, closed: str = "left"):
        if kind not in (int, float):
            raise TypeError(f"Interval kind must be int or float, got {kind!r}")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"closed must be 'left', 'right', 'both' or 'neither', got {closed!r}")
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def is_satisfied_by(self, value) -> bool:
        if _is_bool(value):
            return False
        if self.kind is int and not isinstance(value, numbers.Integral):
            return False
        if self.kind is float and not (isinstance(value, numbers.Real) and math.isfinite(value)):
            return False
        if self.left is not None and not (value >= self.left if self.closed in ("left", "both") else
                                          value > self.left):
            return False
        return self.right is None or (value <= self.right if self.closed in ("right", "both") else value < self.right)

    def __str__(self) -> str:
        noun = "integer" if self.kind is int else "number"
        if self.right is None and self.left == 0:
            return f"a non-negative {noun}" if self.closed in ("left", "both") else f"a positive {noun}"
        if self.right is None and self.left == 1 and self.kind is int and self.closed in ("left", "both"):
            return "a positive integer"
        left = "(-inf" if self.left is None else ("[" if self.closed in ("left", "both") else "(") + f"{self.left:g}"
        right = "inf)" if self.right is None else f"{self.right:g}" + ("]" if self.closed in ("right", "both") else ")")
        return f"an {noun} in {left}, {right}" if noun == "integer" else f"a {noun} in {left}, {right}"


class Options:
    """One of a fixed set of values (e.g. strings), named in the given order in messages (sorted if a set)."""

    def __init__(self, values: Iterable):
        self.values = tuple(sorted(values, key=repr) if isinstance(values, (set, frozenset)) else values)

    def is_satisfied_by(self, value) -> bool:
        if isinstance(value, np.ndarray):
            return False
        return any(_is_bool(value) == _is_bool(v) and value == v for v in self.values)

    def __str__(self) -> str:
        names = [repr(v) for v in self.values]
        return " or ".join(names) if len(names) <= 2 else "one of " + ", ".join(names)


def _satisfies(value, constraint) -> bool:
    if constraint is None:
        return value is None
    if constraint == "boolean":
        return _is_bool(value)
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.is_satisfied_by(value)


def _describe(constraint) -> str:
    if constraint is None:
        return "None"
    if constraint == "boolean":
        return "True or False"
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__}"
    return str(constraint)


def check_param(value, name: str, constraints: list, owner: str | None = None):
    """Return ``value`` if it satisfies one of ``constraints``; else raise :class:`InvalidParameterError`, one line
    naming the owner, the parameter, what is allowed and what was given."""
    if any(_satisfies(value, c) for c in constraints):
        return value
    prefix = f"{owner}: " if owner else ""
    allowed = " or ".join(_describe(c) for c in constraints)
    raise InvalidParameterError(f"{prefix}{name} must be {allowed}, got {value!r}")


def validate_params(constraints: Mapping[str, list], values: Mapping[str, object], owner: str | None = None) -> None:
    """Check every value of ``values`` that ``constraints`` declares (see :func:`check_param`)."""
    for name, value in values.items():
        if name in constraints:
            check_param(value, name, constraints[name], owner)


POSITIVE_INT = Interval(int, 1, None)
NON_NEGATIVE_INT = Interval(int, 0, None)
POSITIVE_FLOAT = Interval(float, 0, None, closed="neither")
NON_NEGATIVE_FLOAT = Interval(float, 0, None)


def positive_int(value, name: str, owner: str | None = None) -> int:
    """``value`` as an int if it is a positive integer (Python's or numpy's, not a bool), else the error."""
    return int(check_param(value, name, [POSITIVE_INT], owner))


def positive_float(value, name: str, owner: str | None = None) -> float:
    """``value`` as a float if it is a finite positive number, else the error."""
    return float(check_param(value, name, [POSITIVE_FLOAT], owner))
