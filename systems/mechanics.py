"""Mechanical oscillators and Hamiltonian systems, including periodically forced ones."""

import numpy as np

from chaosbench import system


@system(
    ic=[1.0, 2.0, 0.0, 0.0],
    period=2 * np.pi / np.sqrt(9.81 * (2 - np.sqrt(2))),
    citation="T. Shinbrot, C. Grebogi, J. Wisdom, J. A. Yorke, Chaos in a double pendulum, Am. J. Phys. 60(6), "
    "491-499 (1992), doi:10.1119/1.16860; Hamiltonian form as in J. B. Marion, S. T. Thornton, Classical Dynamics "
    "of Particles and Systems (Brooks/Cole).",
    tags=["conservative"],
    unbounded=[0, 1],
    deviation="Hamilton's equations of the double pendulum with the coupling term 2 m2 l1 l2 p1 p2 cos(th1 - th2) in "
    "full: dysts' momentum equations carry only half of this cross term (and l2/l1 instead of l2^2 in the p1^2 term), "
    "so its flow does not conserve the pendulum's energy (checked numerically: H drifts from -2.94 to -10.4 within "
    "t = 50 under dysts' equations, conserved to 1e-9 here).",
)
def DoublePendulum(th1, th2, p1, p2, *, g=9.81, l1=1.0, l2=1.0, m1=1.0, m2=1.0):
    """Planar double pendulum of two point masses in canonical coordinates (angles from the downward vertical and
    their conjugate momenta); a Hamiltonian system chaotic at high energy."""
    d = th1 - th2
    q = m1 + m2 * np.sin(d) ** 2
    dth1 = (l2 * p1 - l1 * p2 * np.cos(d)) / (l1**2 * l2 * q)
    dth2 = ((m1 + m2) * l1 * p2 - m2 * l2 * p1 * np.cos(d)) / (m2 * l1 * l2**2 * q)
    c1 = p1 * p2 * np.sin(d) / (l1 * l2 * q)
    c2 = ((m2 * l2**2 * p1**2 + (m1 + m2) * l1**2 * p2**2 - 2 * m2 * l1 * l2 * p1 * p2 * np.cos(d))
          * np.sin(2 * d) / (2 * l1**2 * l2**2 * q**2))
    return dth1, dth2, -(m1 + m2) * g * l1 * np.sin(th1) - c1 + c2, -m2 * g * l2 * np.sin(th2) + c1 - c2


@system(
    ic=[0.1, 1.571, 0.1, 0.18],
    citation="N. B. Tufillaro, T. A. Abbott, D. J. Griffiths, Swinging Atwood's machine, Am. J. Phys. 52(10), "
    "895-903 (1984), doi:10.1119/1.13791.",
    tags=["conservative"],
    unbounded=[1],
)
def SwingingAtwood(r, th, pr, pth, *, m1=1.0, m2=4.5):
    """Atwood machine whose lighter mass m1 swings as a pendulum of variable length r against the counterweight m2
    (Hamiltonian form, g = 9.82 as in dysts)."""
    g = 9.82
    return (pr / (m1 + m2), pth / (m1 * r**2),
            pth**2 / (m1 * r**3) - m2 * g + m1 * g * np.cos(th), -m1 * g * r * np.sin(th))


@system(
    ic=[0.0, -0.2, 0.53, 0.0],
    citation="M. Henon, C. Heiles, The applicability of the third integral of motion: some numerical experiments, "
    "Astron. J. 69, 73-79 (1964), doi:10.1086/109234.",
    tags=["polynomial", "conservative"],
)
def HenonHeiles(x, y, px, py, *, lam=1.0):
    """Star in an axisymmetric galactic potential with a cubic perturbation of strength lam (Henon-Heiles
    Hamiltonian)."""
    return px, py, -x - 2 * lam * x * y, -y - lam * x**2 + lam * y**2


_PHASE = ("non-autonomous with time in the equations: dysts appends a phase variable ({0}' = {1}) and writes the "
          "forcing with {2}({0}); here the forcing is {2}({1} t) and the state drops the phase")


@system(
    ic=[-1.991, 0.07737],
    citation="B. van der Pol, A theory of the amplitude of free and forced triode vibrations, Radio Review 1, "
    "701-710, 754-762 (1920).",
    tags=["polynomial", "nonchaotic"],
    deviation=_PHASE.format("z", "w", "sin"),
    forcing_period=lambda w: 2 * np.pi / abs(w),  # sin(w t)
)
def ForcedVanDerPol(x, y, *, t, a=1.2, mu=8.53, w=0.63):
    """Relaxation oscillator x'' - mu (1 - x^2) x' + x = a sin(w t) of a triode circuit driven periodically.

    Not chaotic at these (dysts') defaults: with w = 0.63 the response locks onto a subharmonic cycle (a stroboscopic
    section at the forcing period shows 8 points; largest Lyapunov exponent about -0.013 from a tight-tolerance
    Benettin run, and dysts' own estimate 0.0035 is the neutral phase direction). Chaos of this oscillator is
    confined to narrow windows, e.g. near w = 2 pi / 10.
    """
    return y, mu * (1 - x**2) * y - x + a * np.sin(w * t)


@system(
    ic=[1.787, 0.9069],
    citation="R. FitzHugh, Impulses and physiological states in theoretical models of nerve membrane, Biophys. J. "
    "1(6), 445-466 (1961), doi:10.1016/S0006-3495(61)86902-6.",
    tags=["polynomial", "nonchaotic"],
    deviation=_PHASE.format("z", "omega", "sin"),
    forcing_period=lambda omega: 2 * np.pi / abs(omega),  # sin(omega t)
)
def ForcedFitzHughNagumo(v, w, *, t, a=0.7, b=0.8, curr=0.965, f=0.4008225, gamma=0.08,
                         omega=0.043650793650793655):
    """FitzHugh's excitable nerve membrane model (fast voltage v, slow recovery w) under a constant current curr
    plus a periodic stimulus.

    Not chaotic at these (dysts') defaults: the spiking locks onto the stimulus (a stroboscopic section at the
    forcing period 2 pi / omega shows a finite set of points; largest Lyapunov exponent about -2e-4, and dysts' own
    estimate 0.0076 is the neutral phase direction).
    """
    return v - v**3 / 3 - w + curr + f * np.sin(omega * t), gamma * (v + a - b * w)


@system(
    ic=[0.4034, 3.265],
    citation="I. Prigogine, R. Lefever, Symmetry breaking instabilities in dissipative systems. II, J. Chem. Phys. "
    "48(4), 1695-1700 (1968), doi:10.1063/1.1668896; I. Prigogine, From Being to Becoming (W. H. Freeman, 1980).",
    tags=["polynomial"],
    deviation=_PHASE.format("z", "w", "cos"),
    forcing_period=lambda w: 2 * np.pi / abs(w),  # cos(w t)
)
def ForcedBrusselator(x, y, *, t, a=0.4, b=1.2, f=0.05, w=0.81):
    """Brusselator autocatalytic reaction scheme with a periodically modulated inflow of the first species."""
    return a + x**2 * y - (b + 1) * x + f * np.cos(w * t), b * x - x**2 * y


@system(
    ic=[-0.9249, -0.08989, 0.7495],
    citation="J. Guckenheimer, P. Holmes, Nonlinear Oscillations, Dynamical Systems, and Bifurcations of Vector "
    "Fields, Applied Mathematical Sciences 42 (Springer, 1983), doi:10.1007/978-1-4612-1140-2.",
    tags=["polynomial"],
)
def GuckenheimerHolmes(x, y, z, *, a=0.4, b=20.25, c=3.0, d=1.6, e=1.7, f=0.44):
    """Unfolding of a Hopf/steady-state mode interaction: a rotating planar oscillation coupled to an amplitude
    mode z, giving a torus that breaks up into a strange attractor."""
    return (a * x - b * y + c * z * x + d * z * (x**2 + y**2),
            a * y + b * x + c * z * y,
            e - z**2 - f * (x**2 + y**2) - a * z**3)


@system(
    ic=[0.0, 0.0],
    period=3 * np.pi,
    citation="G. L. Baker and J. P. Gollub, Chaotic Dynamics: An Introduction, 2nd ed., Cambridge University Press "
    "(1996), Ch. 4 (q = 2, g = 1.5, forcing frequency 2/3).",
    unbounded=[0],
    forcing_period=lambda omega_d: 2 * np.pi / abs(omega_d),  # cos(omega_d t)
)
def ForcedPendulum(theta, omega, *, t, q=2.0, g=1.5, omega_d=2 / 3):
    """Damped pendulum driven by a periodic torque: omega' = -omega/q - sin(theta) + g cos(omega_d t). Not in dysts;
    the angle theta rotates without bound when the pendulum goes over the top."""
    return omega, -omega / q - np.sin(theta) + g * np.cos(omega_d * t)
