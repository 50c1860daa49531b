"""Periodically forced (non-autonomous) oscillators."""

import numpy as np

from chaosbench import system


@system(
    ic=[3.0, 4.0],
    period=2 * np.pi,
    citation="Y. Ueda, Randomly transitional phenomena in the system governed by Duffing's equation, "
    "J. Stat. Phys. 20(2), 181-196 (1979), doi:10.1007/BF01011512 (k = 0.05, B = 7.5: delta = 0.05, gamma = 7.5, cubic stiffness 1, no linear stiffness).",
    tags=["polynomial"],
    deviation="non-autonomous with time in the equations (dysts appends a phase variable z' = omega) and Ueda's "
    "(1979) parameters delta=0.05, gamma=7.5, omega=1, cubic stiffness only (dysts: a double well, "
    "alpha=1, beta=-1, delta=0.1, gamma=0.35, omega=1.4)",
    forcing_period=lambda omega: 2 * np.pi / abs(omega),  # cos(omega t)
)
def Duffing(x, y, *, t, alpha=1.0, beta=0.0, delta=0.05, gamma=7.5, omega=1.0):
    """Forced Duffing oscillator x'' + delta x' + beta x + alpha x^3 = gamma cos(omega t) (Ueda's attractor).

    Parameter roles follow dysts (alpha cubic, beta linear stiffness); time enters explicitly instead of through a
    phase variable, so the state is (x, x').
    """
    return y, -delta * y - beta * x - alpha * x**3 + gamma * np.cos(omega * t)
