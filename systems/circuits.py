"""Electronic circuits, lasers and neural networks."""

import numpy as np

from chaosbench import system


@system(
    ic=[-0.7869, -0.2062, 0.4942],
    citation="V. S. Anishchenko, V. Astakhov, A. Neiman, T. Vadivasova and L. Schimansky-Geier, Nonlinear Dynamics "
    "of Chaotic and Stochastic Systems: Tutorial and Modern Developments, 2nd ed., Springer, Berlin (2007).",
)
def AnishchenkoAstakhov(x, y, z, *, mu=1.2, eta=0.5):
    """Anishchenko-Astakhov generator: an oscillator with negative damping and an inertial (thermal) nonlinearity."""
    return mu * x + y - x * z, -x, -eta * z + eta * np.heaviside(x, 0) * x**2


@system(
    ic=[-0.2611, 0.08807, 1.067],
    citation="L. O. Chua, M. Komuro and T. Matsumoto, The double scroll family, IEEE Trans. Circuits Syst. 33(11), "
    "1072-1118 (1986); T. Matsumoto, A chaotic attractor from Chua's circuit, IEEE Trans. Circuits Syst. 31(12), "
    "1055-1058 (1984).",
)
def Chua(x, y, z, *, alpha=15.6, beta=28.0, m0=-1.142857, m1=-0.71429):
    """Chua's circuit in dimensionless form: an RLC oscillator with a piecewise-linear negative-resistance diode.

    m0 and m1 are the inner and outer slopes -8/7 and -5/7 of the diode, rounded as in dysts.
    """
    g = m1 * x + 0.5 * (m0 - m1) * (abs(x + 1) - abs(x - 1))
    return alpha * (y - x - g), x - y + z, -beta * y


@system(
    ic=[-15.21, 1.91, 13.3],
    citation="M. E. Yalçin, J. A. K. Suykens and J. P. L. Vandewalle, Cellular Neural Networks, Multi-Scroll Chaos "
    "and Synchronization, World Scientific, Singapore (2005).",
)
def MultiChua(x, y, z, *, a=9.0, b=14.286,
              c=(0.0, 1.0, 2.15, 3.6, 8.2, 13.0),
              m=(-0.14285714, 0.28571429, -0.57142857, 0.28571429, -0.57142857, 0.28571429)):
    """Chua-type circuit whose diode has six piecewise-linear segments (breakpoints c, slopes m): multi-scroll chaos."""
    m, c = np.asarray(m), np.asarray(c)
    g = m[-1] * x + np.sum(0.5 * (m[:-1] - m[1:]) * (np.abs(x + c[1:]) - np.abs(x - c[1:])))
    return a * (y - g), x - y + z, -b * y


@system(
    ic=[10.51, 0.3019, 10.74],
    citation="M. P. Kennedy, Chaos in the Colpitts oscillator, IEEE Trans. Circuits Syst. I 41(11), 771-774 (1994) "
    "(dimensionless form and parameter values as in dysts).",
)
def Colpitts(x, y, z, *, a=30.0, b=0.8, c=20.0, d=0.08, e=10.0):
    """Colpitts transistor oscillator with the base-emitter junction modelled as a piecewise-linear diode."""
    u = z - (e - 1)
    fz = -u * (1 - np.heaviside(u, 0))
    return y - a * fz, c - x - b * y - z, y - d * z


@system(
    ic=[0.3955, 0.2009, -0.1814],
    citation="P. Arena, R. Caponetto, L. Fortuna and D. Porto, Bifurcation and chaos in noninteger order cellular "
    "neural networks, Int. J. Bifurcation Chaos 8(7), 1527-1539 (1998).",
)
def CellularNeuralNetwork(x, y, z, *, a=4.4, b=3.21, c=1.1, d=1.24):
    """Three coupled cells of a cellular neural network with saturated piecewise-linear outputs."""
    f = lambda v: 0.5 * (abs(v + 1) - abs(v - 1))  # noqa: E731
    return (-x + d * f(x) - b * f(y) - b * f(z),
            -y - b * f(x) + c * f(y) - a * f(z),
            -z - b * f(x) + a * f(y) + f(z))


@system(
    dim=6,
    ic=[-0.1745, -1.203, 0.8419, 1.09, 1.181, -0.3706],
    citation="J. E. Lewis and L. Glass, Nonlinear dynamics and symbolic dynamics of neural networks, "
    "Neural Comput. 4(5), 621-642 (1992).",
    tags=["high_dim"],
)
def Hopfield(x, *, tau=2.5, eps=10.0, beta=0.5,
             k=((0, -1, 0, 0, -1, -1), (0, 0, 0, -1, -1, -1), (-1, -1, 0, 0, -1, 0),
                (-1, -1, -1, 0, 0, 0), (-1, -1, 0, -1, 0, 0), (0, -1, -1, -1, 0, 0))):
    """Six-neuron Hopfield-type network with inhibitory connections k and steep sigmoidal activation."""
    return -x / tau + (1 + np.tanh(eps * (np.asarray(k) @ x))) / 2 - beta


@system(
    dim=3,
    ic=[1.941, 2.129, 1.34],
    citation="R. D. Beer, On the dynamics of small continuous-time recurrent neural networks, Adapt. Behav. 3(4), "
    "469-509 (1995), doi:10.1177/105971239500300405.",
)
def BeerRNN(y, *, tau=(1.0, 2.5, 1.0), theta=(-4.108, -2.787, -1.114),
            w=((5.422, -0.018, 2.75), (-0.24, 4.59, 1.21), (0.535, -2.25, 3.885))):
    """Beer's three-neuron continuous-time recurrent neural network with logistic activations."""
    return (-y + np.asarray(w) @ (1 / (1 + np.exp(-(y + np.asarray(theta)))))) / np.asarray(tau)


@system(
    ic=[-0.4279, -0.5116, -1.302],
    citation="M. Abooee, H. A. Yaghini-Bonabi and M. R. Jahed-Motlagh, Analysis and circuitry realization of a novel "
    "three-dimensional chaotic system, Commun. Nonlinear Sci. Numer. Simul. 18(5), 1235-1245 (2013).",
    tags=["polynomial"],
)
def Laser(x, y, z, *, a=10.0, b=1.0, c=5.0, d=-1.0, h=-5.0, k=-6.0):
    """Abooee et al.'s three-dimensional flow with quadratic and cubic terms (dysts' "Laser"), built as a circuit."""
    return a * (y - x) + b * y * z**2, c * x + d * x * z**2, h * z + k * x**2


@system(
    ic=[1.696, 0.05652, 1.165, -1.063],
    citation="V. Baran and A. A. Raduta, Classical and quantal chaos described by a fourth order anharmonic "
    "oscillator, Int. J. Mod. Phys. E 7(4), 527-551 (1998).",
    tags=["polynomial", "conservative"],
)
def NuclearQuadrupole(q1, q2, p1, p2, *, a=1.0, b=0.55, d=0.4):
    """Hamiltonian of quadrupole nuclear surface vibrations: two oscillators with cubic and quartic coupling."""
    s = 3 / np.sqrt(2)
    return (a * p1, a * p2,
            -a * q1 + s * b * (q1**2 - q2**2) - d * q1 * (q1**2 + q2**2),
            -a * q2 - 2 * s * b * q1 * q2 - d * q2 * (q1**2 + q2**2))


@system(
    ic=[-0.9178, 0.1681, 36.74],
    citation="D. Li, A three-scroll chaotic attractor, Phys. Lett. A 372(4), 387-393 (2008); parameter values from "
    "L. Pan, W. Zhou and D. Li, Synchronization of three-scroll unified chaotic system (TSUCS) and its hyper-chaotic "
    "system using active pinning control (2013) (the reference dysts gives).",
    tags=["polynomial", "nonchaotic"],
)
def Tsucs2(x, y, z, *, a=40.0, c=0.833, d=0.5, eps=0.65, f=20.0, k=0.0):
    """Three-scroll unified chaotic system (Dequan Li's flow) at the TSUCS2 parameter set.

    Tagged nonchaotic: at these (dysts') parameter values the trajectory settles on a quasi-periodic torus, with
    two Lyapunov exponents indistinguishable from zero (|lambda| < 2e-3 over 5000 periods) and one near -1.5, and
    nearby trajectories do not separate.
    """
    return a * (y - x) + d * x * z, k * x + f * y - x * z, c * z + x * y - eps * x**2
