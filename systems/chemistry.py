"""Chemical reaction kinetics."""

import numpy as np

from chaosbench import system


@system(
    ic=[44.98, 69.08, 0.07863],
    citation="O. Decroly, A. Goldbeter, Birhythmicity, chaos, and other patterns of temporal self-organization in "
    "a multiply regulated biochemical system, Proc. Natl. Acad. Sci. USA 79(22), 6917-6921 (1982), "
    "doi:10.1073/pnas.79.22.6917.",
)
def GlycolyticOscillation(a, b, c, *, d=0.0, k=4.422, l1=5e8, l2=100.0, nu=1.0, q1=50.0, q2=0.02, s1=22.2222,
                          s2=22.2222):
    """Two allosteric enzymes in series, each activated by its product (substrate a, intermediate b, product
    c): a biochemical system with birhythmicity and chaos.

    Time is scaled by the substrate input rate v = 0.45/s of the paper (so nu = 1, s1 = s2 = 10/0.45 and
    k = ks/v = 1.99/0.45).
    """
    phi = a * (1 + a) * (1 + b) ** 2 / (l1 + (1 + a) ** 2 * (1 + b) ** 2)
    eta = b * (1 + d * b) * (1 + c) ** 2 / (l2 + (1 + d * b) ** 2 * (1 + c) ** 2)
    return nu - s1 * phi, q1 * s1 * phi - s2 * eta, q2 * s2 * eta - k * c


@system(
    ic=[0.4494, 1.735, 1.063],
    citation="V. Petrov, S. K. Scott, K. Showalter, Mixed-mode oscillations in chemical systems, J. Chem. Phys. "
    "97(9), 6191-6198 (1992).",
    tags=["polynomial"],
)
def IsothermalChemical(alpha, beta, gamma, *, delta=1.0, kappa=2.5, mu=0.29786, sigma=0.013):
    """Isothermal autocatalator (cubic autocatalysis with uncatalysed conversion) fed from a precursor and
    coupled to a third species: mixed-mode oscillations and chaos."""
    alphadot = mu * (kappa + gamma) - alpha * beta**2 - alpha
    betadot = (alpha * beta**2 + alpha - beta) / sigma
    gammadot = (beta - gamma) / delta
    return alphadot, betadot, gammadot


@system(
    ic=[-0.9359, 5.451, -1.178],
    citation="P. E. Strizhak, A. L. Kawczynski, Regularities in complex transient oscillations in the "
    "Belousov-Zhabotinsky reaction in a batch reactor, J. Phys. Chem. 99(27), 10830-10833 (1995).",
    tags=["polynomial", "nonchaotic"],
)
def KawczynskiStrizhak(x, y, z, *, beta=-0.4, gamma=0.49, kappa=0.2, mu=2.1):
    """Three-variable model of the Belousov-Zhabotinsky reaction: a fast cubic (relaxation) variable x coupled
    to slow variables y and z, giving mixed-mode and chaotic oscillations.

    Not chaotic at these (dysts') parameter values: every initial condition tried settles on a mixed-mode limit
    cycle of period about 74 (largest Lyapunov exponent about -5e-5, power spectrum made of harmonics of 1/74).
    """
    xdot = gamma * (y - x**3 + 3 * mu * x)
    ydot = -2 * mu * x - y - z + beta
    zdot = kappa * (x - z)
    return xdot, ydot, zdot


@system(
    ic=[0.1, 0.86, 0.85],
    citation="L. Gyorgyi, R. J. Field, A three-variable model of deterministic chaos in the Belousov-Zhabotinsky "
    "reaction, Nature 355, 808-810 (1992), doi:10.1038/355808a0.",
)
def BelousovZhabotinsky(x, z, v, *, c1=-8.03474, c10=0.0223915, c11=7.53559e-05, c12=8.07384e-06,
                        c13=-0.000499825, c2=0.05408, c3=-0.0115886, c4=832.587, c5=-0.029155, c6=0.00321617,
                        c7=-0.01352, c8=-0.0831709, c9=-0.0199985, ci=0.000833, kf=0.00035, t0=2308.62,
                        y0=7.72571e-06, yb1=6.92813e-07, yb2=2.00869, yb3=0.01352, z0=8.33e-06):
    """Gyorgyi-Field reduced model of the Belousov-Zhabotinsky reaction in a flow reactor: scaled HBrO2 x,
    catalyst z and bromomalonic acid v, with bromide eliminated adiabatically."""
    ybar = yb1 * z * v / (y0 * (yb2 * x + yb3 + kf))
    xp = max(x, 0.0)
    rf = (ci - z0 * z) * np.sqrt(xp)
    xdot = c1 * xp * ybar + c2 * ybar + c3 * xp**2 + c4 * rf + c5 * xp * z - kf * xp
    zdot = c6 / z0 * rf + c7 * xp * z + c8 * z * v + c9 * z - kf * z
    vdot = c10 * xp * ybar + c11 * ybar + c12 * xp**2 + c13 * z * v - kf * v
    return t0 * xdot, t0 * zdot, t0 * vdot
