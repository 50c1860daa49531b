"""Hyperchaotic flows: four or more dimensions with two or more positive Lyapunov exponents."""

import numpy as np

from chaosbench import system

MEIER_2003 = ("J. Meier, Presentation of attractors with Cinema (2003), online catalogue of attractors, "
              "http://www.3d-meier.de (the source dysts gives)")


@system(
    ic=[11.89, 13.08, 25.43, -29.52],
    citation="B. Bao and Z. Liu, A hyperchaotic attractor coined from chaotic Lü system, Chin. Phys. Lett. 25(7), "
    "2396-2399 (2008).",
    tags=["polynomial", "hyperchaotic"],
)
def HyperBao(x, y, z, w, *, a=36.0, b=3.0, c=20.0, d=0.1, e=21.0):
    """Lü's flow with a fourth state fed back into the first equation, driven by x and yz (hyperchaotic)."""
    return a * (y - x) + w, c * y - x * z, x * y - b * z, e * x + d * y * z


@system(
    ic=[-6.623, -9.528, 14.36, -2.686],
    citation="G. Cai and J. Huang, A new finance chaotic attractor, Int. J. Nonlinear Sci. 3(3), 213-220 (2007) "
    "(the source dysts gives for this four-dimensional extension of Cai's system).",
    tags=["polynomial", "hyperchaotic"],
)
def HyperCai(x, y, z, w, *, a=27.5, b=3.0, c=19.3, d=2.9, e=3.3):
    """Cai's quadratic three-dimensional flow with a linear integrator state w' = -e x fed into y'."""
    return a * (y - x), b * x + c * y - x * z + w, -d * z + y**2, -e * x


@system(
    ic=[-7.429, -15.85, 9.695, 18.25],
    citation=MEIER_2003 + ".",
    tags=["polynomial", "hyperchaotic"],
)
def HyperJha(x, y, z, w, *, a=10.0, b=28.0, c=2.667, d=1.3):
    """Lorenz's convection model extended by a state w driven by -xz and fed back into x' (hyperchaotic)."""
    return a * (y - x) + w, b * x - y - x * z, x * y - c * z, d * w - x * z


@system(
    ic=[15.31, 6.413, 37.96, 5.632],
    citation=MEIER_2003 + ".",
    tags=["polynomial", "hyperchaotic"],
)
def HyperLorenz(x, y, z, w, *, a=10.0, b=2.667, c=28.0, d=1.1):
    """Hyperchaotic Lorenz flow: a fourth state, grown by d w and driven by -xz, feeds the x equation."""
    return a * (y - x) + w, c * x - y - x * z, x * y - b * z, d * w - x * z


@system(
    ic=[-3.584, -6.459, 14.19, 40.6],
    citation="A. Chen, J. Lu, J. Lü and S. Yu, Generating hyperchaotic Lü attractor via state feedback control, "
    "Physica A 364, 103-110 (2006), doi:10.1016/j.physa.2005.09.039.",
    tags=["polynomial", "hyperchaotic"],
)
def HyperLu(x, y, z, w, *, a=36.0, b=3.0, c=20.0, d=1.0):
    """Lü's flow made hyperchaotic by a state-feedback controller w' = xz + d w added to x'.

    d = 1 lies inside the hyperchaotic range of the paper; dysts uses d = 1.3, at which trajectories from every
    initial condition tried (dysts' own included) escape to infinity after a chaotic transient.
    """
    return a * (y - x) + w, c * y - x * z, x * y - b * z, d * w + x * z


@system(
    ic=[14.39, 8.731, 33.46, -9.748],
    citation="S. Pang and Y. Liu, A new hyperchaotic system from the Lü system and its control, "
    "J. Comput. Appl. Math. 235(8), 2775-2789 (2011).",
    tags=["polynomial", "hyperchaotic"],
)
def HyperPang(x, y, z, w, *, a=36.0, b=3.0, c=20.0, d=2.0):
    """Lü's flow with a linear feedback state w' = -d (x + y) entering the y equation."""
    return a * (y - x), c * y - x * z + w, x * y - b * z, -d * (x + y)


@system(
    ic=[-60.63, -163.1, -59.47, 421.9],
    citation="G. Qi, M. A. van Wyk, B. J. van Wyk and G. Chen, On a new hyperchaotic system, Phys. Lett. A 372(2), "
    "124-136 (2008).",
    tags=["polynomial", "hyperchaotic"],
)
def HyperQi(x, y, z, w, *, a=50.0, b=24.0, c=13.0, d=8.0, e=33.0, f=30.0):
    """Qi's four-wing quadratic flow with cross-product terms in every equation; strongly hyperchaotic."""
    return a * (y - x) + y * z, b * (x + y) - x * z, -c * z - e * w + x * y, -d * w + f * z + x * y


@system(
    ic=[-61.65, 7.088, 0.04876, 29.4],
    citation="O. E. Rössler, An equation for hyperchaos, Phys. Lett. A 71(2-3), 155-157 (1979), "
    "doi:10.1016/0375-9601(79)90150-6.",
    tags=["polynomial", "hyperchaotic"],
)
def HyperRossler(x, y, z, w, *, a=0.25, b=3.0, c=0.5, d=0.05):
    """Rössler's first hyperchaotic flow: his spiral oscillator coupled to a slowly growing fourth variable."""
    return -y - z, x + a * y + w, b + x * z, -c * z + d * w


@system(
    ic=[-0.1135, -1.071, 40.84, 12.12],
    citation="Z. Wang, Y. Sun, B. J. van Wyk, G. Qi and M. A. van Wyk, A 3-D four-wing attractor and its analysis, "
    "Braz. J. Phys. 39(3), 547-553 (2009) (the source dysts gives for this four-dimensional flow).",
    tags=["polynomial", "hyperchaotic"],
)
def HyperWang(x, y, z, w, *, a=10.0, b=40.0, c=2.5, d=10.6, e=4.0):
    """Quadratic Lorenz-type flow (z driven by x^2) with an integrator state w' = -d x feeding y'."""
    return a * (y - x), b * x - x * z + w, -c * z + e * x**2, -d * x


@system(
    ic=[-1.345, -1.682, -2.398, 8.251],
    citation="C. Letellier and O. E. Rössler, Hyperchaos, Scholarpedia 2(8), 1936 (2007), "
    "doi:10.4249/scholarpedia.1936.",
    tags=["polynomial", "hyperchaotic"],
)
def HyperXu(x, y, z, w, *, a=10.0, b=40.0, c=2.5, d=2.0, e=16.0):
    """Hyperchaotic extension of Xu's three-dimensional flow with a fourth state w' = xz - d y fed into x'."""
    return a * (y - x) + w, b * x + e * x * z, -c * z - x * y, x * z - d * y


@system(
    ic=[5.038, 6.046, 10.31, 0.2043],
    citation=MEIER_2003 + ".",
    tags=["polynomial"],
)
def HyperYan(x, y, z, w, *, a=37.0, b=3.0, c=26.0, d=38.0):
    """Chen-type flow with extra yz and xz terms and a strongly damped fourth state.

    At these parameters only one Lyapunov exponent is positive (about 1.27, computed), so it is not tagged
    hyperchaotic despite its name.
    """
    return (a * (y - x), (c - a) * x - x * z + c * y, -b * z + x * y - y * z + x * z - w,
            -d * w + y * z - x * z)


@system(
    ic=[-7.558, -7.941, 34.9, -22.79],
    citation=MEIER_2003 + ".",
    tags=["polynomial", "hyperchaotic"],
)
def HyperYangChen(x, y, z, w, *, a=30.0, b=3.0, c=35.0, d=8.0):
    """Yang-Chen-type Lorenz-like flow with an integrator state w' = -d x fed into the y equation."""
    return a * (y - x), c * x - x * z + w, -b * z + x * y, -d * x
