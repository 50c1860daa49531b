"""Delay differential equations x'(t) = f(x(t), x(t - tau)) with one delay.

Each function takes the current state and then the delayed state; ``ic`` is the constant history on [-tau, 0].
"""

import numpy as np

from chaosbench import system


@system(
    delay="tau",
    ic=[1.2],
    citation="M. C. Mackey and L. Glass, Oscillation and chaos in physiological control systems, Science 197(4300), "
    "287-289 (1977), doi:10.1126/science.267326; tau = 17 as in J. D. Farmer, Chaotic attractors of an "
    "infinite-dimensional dynamical system, Physica D 4(3), 366-393 (1982), doi:10.1016/0167-2789(82)90042-2.",
    tags=["physiology"],
)
def MackeyGlass(x, xt, *, beta=0.2, gamma=0.1, n=10.0, tau=17.0):
    """Blood-cell production with delayed feedback (Mackey-Glass); dysts uses tau = 16."""
    return beta * xt / (1 + xt**n) - gamma * x


@system(
    delay="tau",
    ic=[0.5],
    citation="K. Ikeda and K. Matsumoto, High-dimensional chaotic behavior in systems with time-delayed feedback, "
    "Physica D 29(1-2), 223-235 (1987), doi:10.1016/0167-2789(87)90058-3.",
    tags=["optics"],
)
def IkedaDelay(x, xt, *, c=1.0, mu=-20.0, tau=2.0, x0=0.0):
    """Optical ring cavity with a delayed nonlinear (sinusoidal) feedback."""
    return mu * np.sin(xt - x0) - c * x


@system(
    delay="tau",
    ic=[0.5],
    citation="J. C. Sprott, A simple chaotic delay differential equation, Phys. Lett. A 366(4-5), 397-402 (2007), "
    "doi:10.1016/j.physleta.2007.01.083.",
    unbounded=[0],
)
def SprottDelay(x, xt, *, c=0.0, mu=1.0, x0=0.0, tau=5.1):
    """The simplest chaotic delay equation, x' = sin(x(t - tau)), in the Ikeda form; x wanders between the wells of
    the sine, so it is declared unbounded."""
    return mu * np.sin(xt - x0) - c * x


@system(
    delay="tau",
    ic=[0.5],
    citation="R. D. Driver, Ordinary and Delay Differential Equations, Springer, New York (1977), "
    "doi:10.1007/978-1-4684-9467-9.",
)
def ScrollDelay(x, xt, *, alpha=0.2, beta=0.2, tau=10.0):
    """Delayed feedback through a steep sigmoid, which produces multi-scroll chaos."""
    return -alpha * xt + beta * np.tanh(10 * xt)


@system(
    delay="tau",
    ic=[0.1],
    citation="H. U. Voss, Real-time anticipation of chaotic states of an electronic circuit, Int. J. Bifurcation "
    "Chaos 12(7), 1619-1625 (2002), doi:10.1142/S0218127402005364.",
    tags=["polynomial", "circuit"],
)
def VossDelay(x, xt, *, alpha=3.24, tau=13.28):
    """Electronic delay circuit with a cubic nonlinearity in the delayed feedback."""
    return -alpha * x - 10.44 * xt**3 - 13.95 * xt**2 - 3.63 * xt + 0.85


@system(
    delay="tau",
    ic=[0.5],
    citation="A. Tamaševičius, G. Mykolaitis and S. Bumelienė, Delayed feedback chaotic oscillator with improved "
    "spectral characteristics, Electron. Lett. 42(13), 736-737 (2006), doi:10.1049/el:20061059.",
    tags=["polynomial", "circuit"],
)
def PiecewiseCircuit(x, xt, *, alpha=1.0, beta=1.0, c=2.24, tau=4.9):
    """Delayed-feedback electronic oscillator with a cubic characteristic."""
    return -alpha * xt + beta * (-((xt / c) ** 3) + 3 * xt / c)
