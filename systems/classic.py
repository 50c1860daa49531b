"""Classic three-dimensional chaotic flows."""

import numpy as np

from chaosbench import system

SPROTT_2003 = "Invariants: J. C. Sprott, Chaos and Time-Series Analysis, Oxford University Press (2003)."


@system(
    ic=[0.0, 1.0, 0.0],
    citation="E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20(2), 130-141 (1963), "
    "doi:10.1175/1520-0469(1963)020<0130:DNF>2.0.CO;2. " + SPROTT_2003,
    tags=["polynomial", "lorenz_like"],
    lyapunov_max=0.9056,
    lyapunov_spectrum=(0.9056, 0.0, -14.5723),
    kaplan_yorke_dimension=2.0621,
    correlation_dimension=2.05,
)
def Lorenz(x, y, z, *, sigma=10.0, rho=28.0, beta=8 / 3):
    """Convection in a fluid layer heated from below, truncated to three Fourier modes."""
    return sigma * (y - x), x * (rho - z) - y, x * y - beta * z


@system(
    ic=[1.0, 1.0, 1.0],
    citation="O. E. Rössler, An equation for continuous chaos, Phys. Lett. A 57(5), 397-398 (1976), "
    "doi:10.1016/0375-9601(76)90101-8. " + SPROTT_2003,
    tags=["polynomial"],
    lyapunov_max=0.0714,
    lyapunov_spectrum=(0.0714, 0.0, -5.3943),
    kaplan_yorke_dimension=2.0132,
)
def Rossler(x, y, z, *, a=0.2, b=0.2, c=5.7):
    """Spiral chaos with a single nonlinear term, built to be simpler than Lorenz's flow."""
    return -y - z, x + a * y, b + z * (x - c)


@system(
    ic=[-10.0, 0.0, 37.0],
    citation="G. Chen and T. Ueta, Yet another chaotic attractor, Int. J. Bifurcation Chaos 9(7), 1465-1466 (1999), "
    "doi:10.1142/S0218127499001024. " + SPROTT_2003,
    tags=["polynomial", "lorenz_like"],
    lyapunov_max=2.0272,
    lyapunov_spectrum=(2.0272, 0.0, -12.0272),
    kaplan_yorke_dimension=2.1686,
)
def Chen(x, y, z, *, a=35.0, b=3.0, c=28.0):
    """Anti-control of the Lorenz system: a dual of Lorenz's attractor with a different topology."""
    return a * (y - x), (c - a) * x - x * z + c * y, x * y - b * z


@system(
    ic=[0.1, 0.0, 0.0],
    citation="R. Thomas, Deterministic chaos seen in terms of feedback circuits: analysis, synthesis, "
    "'labyrinth chaos', Int. J. Bifurcation Chaos 9(10), 1889-1905 (1999), doi:10.1142/S0218127499001383; "
    "b = 0.208186 from J. C. Sprott and K. E. Chlouverakis, Labyrinth chaos, Int. J. Bifurcation Chaos 17(6), "
    "2097-2108 (2007), doi:10.1142/S0218127407018245.",
    tags=["cyclically_symmetric"],
)
def Thomas(x, y, z, *, a=0.208186, b=1.0):
    """Cyclically symmetric feedback circuit with sinusoidal coupling ('labyrinth chaos')."""
    return -a * x + b * np.sin(y), -a * y + b * np.sin(z), -a * z + b * np.sin(x)


@system(
    ic=[-5.0, 0.0, 0.0],
    citation="J. C. Sprott, Elegant Chaos: Algebraically Simple Chaotic Flows, World Scientific (2010), "
    "doi:10.1142/7183 (attributed to A. Halvorsen).",
    tags=["polynomial", "cyclically_symmetric"],
)
def Halvorsen(x, y, z, *, a=1.4, b=4.0):
    """Cyclically symmetric flow with quadratic nonlinearities."""
    return (-a * x - b * (y + z) - y**2, -a * y - b * (z + x) - z**2, -a * z - b * (x + y) - x**2)


@system(
    ic=[0.1, 0.0, 0.0],
    citation="Y. Aizawa and T. Uezu, Topological aspects in chaos and in 2^k-period doubling cascade, "
    "Prog. Theor. Phys. 67(3), 982-985 (1982), doi:10.1143/PTP.67.982.",
    tags=["polynomial"],
)
def Aizawa(x, y, z, *, a=0.95, b=0.7, c=0.6, d=3.5, e=0.25, f=0.1):
    """A torus-like attractor: rotation about the z axis with a cubic vertical nonlinearity."""
    return (
        (z - b) * x - d * y,
        d * x + (z - b) * y,
        c + a * z - z**3 / 3 - (x**2 + y**2) * (1 + e * z) + f * z * x**3,
    )
