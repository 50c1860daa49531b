"""Jerk flows and other minimal chaotic flows (Sprott's jerk systems, Arneodo, Coullet, Genesio-Tesi, ...)."""

import numpy as np

from chaosbench import system

SPROTT_1997 = ("J. C. Sprott, Simplest dissipative chaotic flow, Phys. Lett. A 228(4-5), 271-274 (1997), "
               "doi:10.1016/S0375-9601(97)00088-1.")
ARNEODO_1980 = ("A. Arneodo, P. Coullet and C. Tresser, Occurrence of strange attractors in three-dimensional "
                "Volterra equations, Phys. Lett. A 79(4), 259-263 (1980), doi:10.1016/0375-9601(80)90342-4.")


@system(ic=[0.1242, 1.005, 0.4536], citation=SPROTT_1997, tags=["polynomial", "jerk", "sprott"])
def SprottJerk(x, y, z, *, mu=2.017):
    """Simplest quadratic jerk x''' = -mu x'' + x'^2 - x: chaos from one quadratic term and one parameter."""
    return y, z, -x + y**2 - mu * z


@system(
    ic=[2.027, 1.16, -2.249],
    citation="J. C. Sprott, Do we need more chaos examples?, Chaos Theory and Applications 2(2), 49-51 (2020).",
    tags=["sprott", "discontinuous"],
)
def SprottMore(x, y, z):
    """Oscillator whose damping switches sign with z, driven by a Gaussian feedback; its strange attractor is
    multifractal with dimension close to 3."""
    return y, -x - np.sign(z) * y, y**2 - np.exp(-(x**2))


@system(
    ic=[0.7082, 0.131, -0.4275],
    citation="J. C. Sprott, A dynamical system with a strange attractor and invariant tori, Phys. Lett. A "
    "378(20), 1361-1363 (2014).",
    tags=["polynomial", "sprott"],
)
def SprottTorus(x, y, z):
    """Quadratic flow in which a strange attractor coexists with nested invariant tori; the initial condition lies
    on the strange attractor."""
    return y + 2 * x * y + x * z, 1 - 2 * x**2 + y * z, x - x**2 - y**2


@system(ic=[1.095, 2.221, 0.5632], citation=ARNEODO_1980, tags=["polynomial", "jerk"])
def Arneodo(x, y, z, *, a=-5.5, b=4.5, c=1.0, d=-1.0):
    """Jerk form of a three-species Volterra model with a cubic nonlinearity (spiral Shilnikov chaos)."""
    return y, z, -a * x - b * y - c * z + d * x**3


@system(ic=[-0.8474, 0.8953, 0.6336], citation=ARNEODO_1980, tags=["polynomial", "jerk"])
def Coullet(x, y, z, *, a=-0.8, b=1.1, c=0.45, d=-1.0):
    """The Arneodo-Coullet-Tresser cubic jerk flow at a second parameter set (spiral chaos)."""
    return y, z, -a * x - b * y - c * z + d * x**3


@system(
    ic=[0.3754, -0.5684, -0.04849],
    citation="R. Genesio and A. Tesi, Harmonic balance methods for the analysis of chaotic dynamics in nonlinear "
    "systems, Automatica 28(3), 531-548 (1992), doi:10.1016/0005-1098(92)90177-H.",
    tags=["polynomial", "jerk"],
)
def GenesioTesi(x, y, z, *, a=0.44, b=1.1, c=1.0):
    """Lur'e-type feedback loop (linear filter with quadratic feedback) written as a jerk equation."""
    return y, z, -c * x - b * y - a * z + x**2


@system(
    ic=[-0.9867, 3.06, 1.526],
    citation="S. Nosé, A unified formulation of the constant temperature molecular dynamics methods, J. Chem. "
    "Phys. 81(1), 511-519 (1984), doi:10.1063/1.447334; W. G. Hoover, Canonical dynamics: Equilibrium "
    "phase-space distributions, Phys. Rev. A 31(3), 1695-1697 (1985), doi:10.1103/PhysRevA.31.1695.",
    tags=["polynomial", "conservative"],
)
def NoseHoover(x, y, z, *, a=1.5):
    """Harmonic oscillator coupled to a Nosé-Hoover thermostat variable z: time-reversible, volume-preserving on
    average, with a chaotic sea around invariant tori (the initial condition lies in the sea)."""
    return y, -x + y * z, a - y**2


@system(
    ic=[-2.101, 1.957, -8.053],
    citation="R. Thomas, Deterministic chaos seen in terms of feedback circuits: analysis, synthesis, "
    "'labyrinth chaos', Int. J. Bifurcation Chaos 9(10), 1889-1905 (1999), doi:10.1142/S0218127499001383.",
    tags=["cyclically_symmetric"],
)
def ThomasLabyrinth(x, y, z, *, a=0.5, b=10.0):
    """Thomas' cyclic feedback circuit with weak damping relative to the sinusoidal coupling: chaotic walks
    through a lattice of unstable equilibria ('labyrinth chaos')."""
    return -a * x + b * np.sin(y), -a * y + b * np.sin(z), -a * z + b * np.sin(x)


@system(
    ic=[0.4125, 0.2975, -1.182],
    citation="W. San-Um and B. Srisuchinwong, Highly complex chaotic system with piecewise linear nonlinearity "
    "and compound structures, J. Comput. 7(4), 1041-1047 (2012).",
)
def SanUmSrisuchinwong(x, y, z, *, a=2.0):
    """Three-dimensional flow with tanh and absolute-value nonlinearities giving a compound attractor."""
    return y - x, -z * np.tanh(x), -a + x * y + abs(y)


@system(
    ic=[0.8841, -1.287, -1.969],
    citation="D. W. Moore and E. A. Spiegel, A thermally excited nonlinear oscillator, Astrophys. J. 143, 871-887 "
    "(1966), doi:10.1086/148562.",
    tags=["polynomial", "jerk"],
)
def MooreSpiegel(x, y, z, *, a=10.0, b=4.0, eps=9.0):
    """Thermally driven oscillation of a gas element in a stellar atmosphere (a cubic jerk equation), in a
    rescaled form with y' = a z."""
    return y, a * z, -z + eps * y - y * x**2 - b * x


@system(
    ic=[0.2396, 0.3419, -0.1402],
    citation="J. C. Sprott, A new chaotic jerk circuit, IEEE Trans. Circuits Syst. II 58(4), 240-243 (2011).",
    tags=["jerk"],
)
def JerkCircuit(x, y, z, *, eps=1e-9, y0=0.026):
    """Jerk electronic circuit whose only nonlinearity is a diode's exponential current-voltage law."""
    return y, z, -z - x - eps * (np.exp(y / y0) - 1)


@system(
    ic=[1.5, 0.0, 0.0],
    citation="S. H. Strogatz, Nonlinear Dynamics and Chaos, Addison-Wesley (1994), Sec. 8.6 (flow on a torus).",
    tags=["nonchaotic"],
    forcing_period=lambda n: (2 * np.pi, 2 * np.pi / abs(n)),  # cos(t), sin(t) and cos(n t), sin(n t)
)
def Torus(x, y, z, *, t, a=0.5, n=15.3, r=1.0):
    """Point winding around a torus (tube radius a, centre radius r) n times per revolution, driven by time only;
    not chaotic: for irrational n the motion is quasi-periodic, so the largest Lyapunov exponent is zero."""
    c = r + a * np.cos(n * t)
    s = -a * n * np.sin(n * t)
    return s * np.cos(t) - c * np.sin(t), s * np.sin(t) + c * np.cos(t), a * n * np.cos(n * t)
