"""What "diverged" means: one policy for integrated trajectories, the system contract and forecasts.

A state has diverged when a value is non-finite or a bounded variable's magnitude exceeds ``factor`` times a
reference scale: the largest magnitude among the reference states, and at least one unit (so that states near the
origin do not make the bound tiny). The three uses differ only in the factor and the reference, for these reasons:

- **Integration** (:data:`TRAJECTORY_FACTOR`, 1e8, reference: the initial condition(s)). A numerical safety net, not
  a judgement of the dynamics: a true solution of a declared system never comes near it, even from a far-off start,
  while a blow-up (a wrong parameter, an unstable step) is stopped long before overflow and reported as
  :class:`~chaosbench.exceptions.IntegrationError`. The initial condition is the only scale known before integrating.
- **Contract** (:data:`ATTRACTOR_FACTOR`, 1e6, reference: the declared initial condition). What
  :func:`~chaosbench.check_system` accepts as a bounded attractor: two orders of magnitude inside the integration
  net, so that an orbit that escapes slowly fails the contract instead of ending in an integration error.
- **Forecast** (:data:`FORECAST_FACTOR`, 100, reference: the training data). A forecast that leaves the attractor's
  observed range by two orders of magnitude forecasts nothing of it; the training data is all a forecaster has
  seen, and the truth stays in its range. Variables that drift by design (angles) are exempt.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TRAJECTORY_FACTOR", "ATTRACTOR_FACTOR", "FORECAST_FACTOR", "FORECAST_RULE", "divergence_bound",
           "diverged"]

TRAJECTORY_FACTOR = 1e8
ATTRACTOR_FACTOR = 1e6
FORECAST_FACTOR = 100.0
#: The forecast rule in words, for messages and reports.
FORECAST_RULE = (f"a non-finite value, or |x| > {FORECAST_FACTOR:g} x the training data's largest magnitude in a "
                 "variable that does not drift by design")


def divergence_bound(reference, factor: float) -> float:
    """``factor`` times the largest magnitude in ``reference`` (any shape), at least ``factor``."""
    return factor * max(1.0, float(np.abs(np.asarray(reference, dtype=float)).max(initial=0.0)))


def diverged(states, bound: float, unbounded=()) -> np.ndarray:
    """Which states (along the last axis) have diverged: a non-finite value, or a magnitude beyond ``bound`` in a
    variable not listed in ``unbounded`` (the indices of variables that drift by design)."""
    states = np.asarray(states, dtype=float)
    checked = np.delete(states, list(unbounded), axis=-1)
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(states).all(axis=-1) | ~(np.abs(checked) <= bound).all(axis=-1)
