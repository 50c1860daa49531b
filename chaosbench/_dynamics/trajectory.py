"""The one type that carries sampled states of a system."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..exceptions import InvalidParameterError

SAVE_FORMATS = (".csv", ".npy", ".parquet")


@dataclass(frozen=True, eq=False)
class Trajectory:
    """States of a system sampled at equally spaced times.

    Attributes
    ----------
    t : ndarray, shape (n,)
        Sample times (integration time, after the discarded transient).
    x : ndarray, shape (n, dim)
        States; standardized when ``settings["standardize"]`` is true.
    system : str
        Name of the system.
    params : Mapping
        Parameter values used.
    dt : float
        Sampling interval.
    settings : Mapping
        Keyword arguments of :meth:`System.trajectory` that reproduce this trajectory.
    variables : tuple of str
        Names of the state variables (columns of ``x``).
    info : Mapping
        Derived facts: characteristic period used, chaosbench version, and ``loc``/``scale`` of standardization.
    source : System, optional
        The system (with these parameters) that made it, for :meth:`regenerate`.
    """

    t: np.ndarray
    x: np.ndarray
    system: str
    params: Mapping
    dt: float
    settings: Mapping
    variables: tuple
    info: Mapping = field(default_factory=dict)
    source: object = field(default=None, repr=False)  # the System whose trajectory method made it

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.x, dtype=dtype)

    def __len__(self) -> int:
        return len(self.t)

    @property
    def dim(self) -> int:
        """Number of state variables."""
        return self.x.shape[1]

    def regenerate(self) -> Trajectory:
        """Integrate again from the stored settings with the system that made it (bit-identical on the same machine
        and versions)."""
        if self.source is None:
            raise InvalidParameterError("only a trajectory made by System.trajectory knows its system to regenerate")
        return self.source.trajectory(**self.settings)

    def to_frame(self):
        """A pandas DataFrame with a ``t`` column and one column per state variable."""
        import pandas as pd

        frame = pd.DataFrame(self.x, columns=list(self.variables))
        frame.insert(0, "t", self.t)
        return frame

    def save(self, path) -> Path:
        """Write to ``.csv``, ``.npy`` (array of shape (n, 1 + dim): t then states) or ``.parquet``, by suffix."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in SAVE_FORMATS:
            raise InvalidParameterError(
                f"Cannot write {path.name!r}: unsupported suffix {suffix or '(none)'}; use one of {', '.join(SAVE_FORMATS)}"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".npy":
            with open(path, "wb") as fh:  # a file object: np.save would append ".npy" to a name ending in ".NPY"
                np.save(fh, np.column_stack([self.t, self.x]))
        elif suffix == ".csv":
            self.to_frame().to_csv(path, index=False)
        else:
            self.to_frame().to_parquet(path, index=False)
        return path

    def __repr__(self) -> str:
        return f"Trajectory(system={self.system!r}, n={len(self)}, dim={self.dim}, dt={self.dt:.6g})"
