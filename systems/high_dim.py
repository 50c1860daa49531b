"""Systems whose dimension is a parameter of the declaration."""

import numpy as np

from chaosbench import system


@system(
    dim=10,
    ic=[8.01] + [8.0] * 9,
    citation="E. N. Lorenz, Predictability: a problem partly solved, Proc. ECMWF Seminar on Predictability, "
    "vol. 1, 1-18 (1996).",
    tags=["polynomial", "high_dim"],
)
def Lorenz96(x, *, f=8.0):
    """Lorenz's atmospheric toy model: advection, damping and forcing on a ring of N sites."""
    return (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + f
