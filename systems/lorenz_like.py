"""Lorenz-like and other three-dimensional quadratic flows (Lorenz, Chen and Lü families and relatives)."""

import numpy as np

from chaosbench import system

LORENZ_1984 = ("E. N. Lorenz, Irregularity: a fundamental property of the atmosphere, Tellus A 36(2), 98-110 "
               "(1984)")


# --- Lorenz family ----------------------------------------------------------------------------------------------


@system(
    ic=[11.25, 14.11, 27.02],
    citation="J. C. Sprott and A. Xiong, Classifying and quantifying basins of attraction, Chaos 25(8), 083101 "
    "(2015).",
    tags=["polynomial", "lorenz_like"],
)
def LorenzBounded(x, y, z, *, beta=2.667, r=64.0, rho=28.0, sigma=10.0):
    """Lorenz's convection flow multiplied by 1 - (x^2 + y^2 + z^2)/r^2, which confines every orbit to a ball."""
    f = 1 - (x**2 + y**2 + z**2) / r**2
    return sigma * (y - x) * f, (x * (rho - z) - y) * f, (x * y - beta * z) * f


@system(
    ic=[-0.6038, -2.458, 20.95, -1.216],
    citation="L. Stenflo, Generalized Lorenz equations for acoustic-gravity waves in the atmosphere, "
    "Phys. Scr. 53(1), 83-84 (1996).",
    tags=["polynomial", "lorenz_like"],
)
def LorenzStenflo(x, y, z, w, *, a=2.0, b=0.7, c=26.0, d=1.5):
    """Lorenz's model extended by a fourth mode that accounts for rotation in atmospheric acoustic-gravity waves."""
    return a * (y - x) + d * w, x * (c - z) - y, x * y - b * z, -x - a * w


@system(
    ic=[-2.435, -3.166, 10.94],
    citation="J. Lü and G. Chen, A new chaotic attractor coined, Int. J. Bifurcation Chaos 12(3), 659-661 (2002).",
    tags=["polynomial", "lorenz_like"],
)
def LuChen(x, y, z, *, a=36.0, b=3.0, c=20.0):
    """The Lü attractor, bridging the Lorenz and Chen flows in the generalized Lorenz family (dysts uses c = 18)."""
    return a * (y - x), c * y - x * z, x * y - b * z


@system(
    ic=[-9.15, -6.265, 11.78],
    citation="J. Lü, G. Chen and D. Cheng, A new chaotic system and beyond: the generalized Lorenz-like system, "
    "Int. J. Bifurcation Chaos 14(5), 1507-1537 (2004).",
    tags=["polynomial"],
)
def LuChenCheng(x, y, z, *, a=-10.0, b=-4.0, c=18.1):
    """A forced quadratic flow of the generalized Lorenz-like family with a constant drive c."""
    return -(a * b) / (a + b) * x - y * z + c, a * y + x * z, b * z + x * y


@system(
    ic=[-8.2, -6.92, 19.46],
    citation="T. Yanagita and K. Kaneko, Rayleigh-Bénard convection patterns, chaos, spatiotemporal chaos and "
    "turbulence, Physica D 82(3), 288-313 (1995).",
    tags=["polynomial", "lorenz_like"],
)
def RayleighBenard(x, y, z, *, a=30.0, b=5.0, r=18.0):
    """A three-mode Lorenz-type truncation of Rayleigh-Bénard convection with self-amplifying y."""
    return a * (y - x), r * y - x * z, x * y - b * z


@system(
    ic=[-6.056, -3.956, 60.72],
    citation="G. Qi et al., Chaos Solitons Fractals (2008) (reference as given by dysts).",
    tags=["polynomial"],
)
def QiChen(x, y, z, *, a=38.0, b=2.666, c=80.0):
    """A Lorenz-like flow with an extra yz coupling in the first equation and a self-amplifying y."""
    return a * (y - x) + y * z, c * x + y - x * z, x * y - b * z


@system(
    ic=[-3.797, -3.291, 6.891, 2.845],
    citation="G. Qi, M. A. van Wyk, B. J. van Wyk and G. Chen, On a new hyperchaotic system, "
    "Phys. Lett. A 372(2), 124-136 (2008).",
    tags=["polynomial"],
)
def Qi(x, y, z, w, *, a=45.0, b=10.0, c=1.0, d=10.0):
    """A four-dimensional quadratic-cubic flow in which each variable is driven by the product of the other three."""
    return a * (y - x) + y * z * w, b * (x + y) - x * z * w, -c * z + x * y * w, -d * w + x * y * z


# --- Atmospheric low-order models ------------------------------------------------------------------------------


@system(
    ic=[0.5624, -0.6443, 0.494],
    citation=LORENZ_1984 + " (Hadley circulation model; parameter values as in dysts).",
    tags=["polynomial"],
)
def Hadley(x, y, z, *, a=0.2, b=4.0, f=9.0, g=1.0):
    """Lorenz's 1984 model of the westerly jet (x) and a travelling eddy (y, z) forced by a pole-equator contrast f."""
    return -(y**2) - z**2 - a * x + a * f, x * y - b * x * z - y + g, b * x * y + x * z - z


@system(
    ic=[0.7, 2.01, -0.4451],
    citation=LORENZ_1984 + " (parameter values as in dysts).",
    tags=["polynomial"],
)
def Lorenz84(x, y, z, *, a=1.32, b=7.91, f=4.83, g=4.194):
    """Lorenz's 1984 general-circulation model (zonal jet and one eddy) at a second set of parameter values."""
    return -a * x - y**2 - z**2 + a * f, -y + x * y - b * x * z + g, -z + b * x * y + x * z


# --- Other quadratic flows --------------------------------------------------------------------------------------


@system(
    ic=[-0.4033, 3.365, 1.406],
    citation="S. Bouali, A novel strange attractor with a stretched loop, Nonlinear Dyn. 70(4), 2375-2381 (2012).",
    tags=["polynomial"],
)
def Bouali(x, y, z, *, a=1.0, b=-0.3, bb=1.0, c=0.05, g=1.0, m=1.0, y0=4.0):
    """Bouali's economic-cycle oscillator in the regime with a stretched loop (x' = x(4 - y) + 0.3z)."""
    return a * x * (y0 - y) - b * z, g * y * (x**2 - 1), m * x * (bb * z - 1.5) - c * z


@system(
    ic=[-0.8983, 0.4148, -0.542],
    citation="R. Shaw, Strange attractors, chaotic behavior, and information flow, Z. Naturforsch. A 36(1), 80-112 "
    "(1981) (Burke-Shaw system; sign of the linear y term and e as in dysts).",
    tags=["polynomial"],
)
def BurkeShaw(x, y, z, *, e=13.0, n=10.0):
    """The Burke-Shaw flow, a Lorenz-like attractor with a rotation symmetry about the z axis."""
    return -n * (x + y), y - n * x * z, n * x * y + e


@system(
    ic=[1.124, 0.4059, 4.637],
    citation="H.-K. Chen and C.-I. Lee, Anti-control of chaos in rigid body motion, Chaos Solitons Fractals 21(4), "
    "957-965 (2004).",
    tags=["polynomial"],
)
def ChenLee(x, y, z, *, a=5.0, b=-10.0, c=-0.38):
    """Euler's rigid-body equations with linear feedback on the angular velocities (gyro anti-control of chaos)."""
    return a * x - y * z, b * y + x * z, c * z + x * y / 3


@system(
    ic=[2.299, -1.184, -0.5331],
    citation="S. Dadras and H. R. Momeni, A novel three-dimensional autonomous chaotic system generating two, "
    "three and four-scroll attractors, Phys. Lett. A 373(40), 3637-3642 (2009).",
    tags=["polynomial"],
)
def Dadras(x, y, z, *, c=2.0, e=9.0, o=2.7, p=3.0, r=1.7):
    """A three-dimensional quadratic flow whose attractor has two, three or four scrolls depending on parameters."""
    return y - p * x + o * y * z, r * y - x * z + z, c * x * y - e * z


@system(
    ic=[-0.422, -4.064, -0.09493],
    citation="G. Cai and J. Huang, A new finance chaotic attractor, Int. J. Nonlinear Sci. 3(3), 213-220 (2007).",
    tags=["polynomial"],
)
def Finance(x, y, z, *, a=0.001, b=0.2, c=1.1):
    """Interest rate x, investment demand y and price index z in a macroeconomic finance model (y shifted by 1/b)."""
    return (1 / b - a) * x + z + x * y, -b * y - x**2, -x - c * z


@system(
    ic=[0.006307, 0.008987, 0.3029],
    citation="R. B. Leipnik and T. A. Newton, Double strange attractors in rigid body motion with linear feedback "
    "control, Phys. Lett. A 86(2), 63-67 (1981).",
    tags=["polynomial"],
)
def NewtonLiepnik(x, y, z, *, a=0.4, b=0.175):
    """Rigid-body rotation under linear feedback, with two coexisting strange attractors."""
    return -a * x + y + 10 * y * z, -x - 0.4 * y + 5 * x * z, b * z - 5 * x * y


@system(
    ic=[2.404, 2.534, -4.122],
    citation="I. Pehlivan and Z. Wei, Analysis, nonlinear control, and chaos generator circuit of another strange "
    "chaotic system, Turk. J. Electr. Eng. Comput. Sci. 20(Sup. 2) (2012).",
    tags=["polynomial"],
)
def PehlivanWei(x, y, z):
    """A parameter-free quadratic flow realised as an analogue chaos-generator circuit."""
    return y - y * z, y + y * z - 2 * x, 2 - x * y - y**2


@system(
    ic=[-0.5345, 1.23, 0.8219],
    citation="M. I. Rabinovich and A. L. Fabrikant, Stochastic self-modulation of waves in nonequilibrium media, "
    "Sov. Phys. JETP 50(2), 311-317 (1979).",
    tags=["polynomial"],
)
def RabinovichFabrikant(x, y, z, *, a=1.1, g=0.87):
    """Self-modulation of a wave packet in a nonequilibrium medium, with gain g and damping a."""
    return y * (z - 1 + x**2) + g * x, x * (3 * z + 1 - x**2) + g * y, -2 * z * (a + x * y)


@system(
    ic=[2.842, 1.962, 0.7105],
    citation="T. Rikitake, Oscillations of a system of disk dynamos, Proc. Cambridge Philos. Soc. 54(1), 89-105 "
    "(1958).",
    tags=["polynomial"],
)
def RikitakeDynamo(x, y, z, *, a=1.0, mu=1.0):
    """Two coupled disk dynamos: currents x, y and angular velocity z, a model of geomagnetic field reversals."""
    return -mu * x + y * z, -mu * y + x * (z - a), 1 - x * y


@system(
    ic=[0.7066, -3.21, 8.259],
    citation="A. M. Rucklidge, Chaos in models of double convection, J. Fluid Mech. 237, 209-229 (1992).",
    tags=["polynomial"],
)
def Rucklidge(x, y, z, *, a=2.0, b=6.7):
    """Double (thermosolutal or magnetoconvection) convection reduced to three modes."""
    return -a * x + b * y - y * z, x, -z + y**2


@system(
    ic=[1.149, 0.3318, 1.017],
    citation="T. Shimizu and N. Morioka, On the bifurcation of a symmetric limit cycle to an asymmetric one in a "
    "simple model, Phys. Lett. A 76(3-4), 201-204 (1980).",
    tags=["polynomial"],
)
def ShimizuMorioka(x, y, z, *, a=0.85, b=0.5):
    """A damped oscillator x'' = x - a x' - x z with slow quadratic feedback z, a Lorenz-like normal form."""
    return y, x - a * y - x * z, -b * z + x**2


@system(
    ic=[0.7959, -0.05097, 20.3],
    citation="F. Yu and C. Wang, A novel three dimension autonomous chaotic system with a quadratic exponential "
    "nonlinear term, Eng. Technol. Appl. Sci. Res. 2(2), 209-215 (2012).",
)
def YuWang(x, y, z, *, a=10.0, b=40.0, c=2.0, d=2.5):
    """A Lorenz-like flow in which z is driven by exp(xy) instead of a quadratic term."""
    return a * (y - x), b * x - c * x * z, np.exp(x * y) - d * z


@system(
    ic=[-1.455, -0.03017, 19.58],
    citation="F. Yu and C. Wang, A novel three dimension autonomous chaotic system with a quadratic exponential "
    "nonlinear term, Eng. Technol. Appl. Sci. Res. 2(2), 209-215 (2012) (hyperbolic-cosine variant and values "
    "as in dysts).",
)
def YuWang2(x, y, z, *, a=10.0, b=30.0, c=2.0, d=2.5):
    """Variant of the Yu-Wang flow with z driven by cosh(xy)."""
    return a * (y - x), b * x - c * x * z, np.cosh(x * y) - d * z


@system(
    ic=[-0.6826, 1.439, -0.03956],
    citation="S. Bouali, Feedback loop in extended van der Pol's equation applied to an economic model of "
    "cycles, Int. J. Bifurcation Chaos 9(4), 745-756 (1999).",
    tags=["polynomial"],
)
def Bouali2(x, y, z, *, a=3.0, b=2.2, bb=0.0, c=0.0, g=1.0, m=-0.0026667, y0=1.0):
    """A van der Pol-type business-cycle model with a slow integral feedback loop z."""
    return a * x * (y0 - y) - b * z, g * y * (x**2 - 1), m * x * (bb * z - 1.5) - c * z


@system(
    ic=[0.2071, 0.4138, -0.1723],
    citation="Z. Wang, Y. Sun, B. J. van Wyk, G. Qi and M. A. van Wyk, A 3-D four-wing attractor and its analysis, "
    "Braz. J. Phys. 39(3), 547-553 (2009).",
    tags=["polynomial"],
)
def WangSun(x, y, z, *, a=0.2, b=-0.01, d=-0.4, e=-1.0, f=-1.0, q=1.0):
    """A three-dimensional quadratic flow whose attractor has four wings."""
    return a * x + q * y * z, b * x + d * y - x * z, e * z + f * x * y


@system(
    ic=[-1.154, 1.657, 0.1282],
    citation="T. Zhou and G. Chen, A simple smooth chaotic system with a 3-layer attractor, Int. J. Bifurcation "
    "Chaos (2004).",
    tags=["polynomial"],
)
def ZhouChen(x, y, z, *, a=2.97, b=0.15, c=-3.0, d=1.0, e=-8.78):
    """A smooth quadratic flow whose attractor is stacked in three layers."""
    return a * x + b * y + y * z, c * y - x * z + d * y * z, e * z - x * y


@system(
    ic=[-13.08, -23.44, 24.26, -1.121, 0.6661, 0.3622],
    citation="E. N. Lorenz, Deterministic nonperiodic flow, J. Atmos. Sci. 20(2), 130-141 (1963), "
    "doi:10.1175/1520-0469(1963)020<0130:DNF>2.0.CO;2 (each unit); two Lorenz units with one-way diffusive coupling of x, configuration "
    "and parameter values as in dysts.",
    tags=["polynomial", "lorenz_like", "high_dim"],
)
def LorenzCoupled(x1, y1, z1, x2, y2, z2, *, beta=2.667, eps=2.85, rho=28.0, rho1=35.0, rho2=1.15, sigma=10.0):
    """A chaotic Lorenz unit (rho1) driving a second, non-chaotic one (rho2) through its x variable.

    The parameter rho is kept only for name compatibility with dysts and does not enter the equations.
    """
    return (
        sigma * (y1 - x1),
        rho1 * x1 - x1 * z1 - y1,
        x1 * y1 - beta * z1,
        sigma * (y2 - x2) + eps * (x1 - x2),
        rho2 * x2 - x2 * z2 - y2,
        x2 * y2 - beta * z2,
    )


@system(
    ic=[1.061, 0.5713, -1.661],
    citation="C. Li, I. Pehlivan, J. C. Sprott and A. Akgul, A novel four-wing strange attractor born in bistability, "
    "IEICE Electron. Express 12(4), 20141116 (2015) (equations as quoted from the paper in GilpinLab/dysts issue #10; "
    "parameter values a = b = m = 1 as in PredefinedDynamicalSystems.jl's sakarya).",
    tags=["polynomial"],
    deviation="dysts' Sakarya evaluates the earlier Sakarya flow x' = ax + hy + syz, y' = -by - px + qxz, "
    "z' = cz - rxy while citing Li et al. (2015); this declaration follows that paper, y' = z(y - x) and "
    "z' = -z - mxy + b with a constant drive b (reported in GilpinLab/dysts issue #10). Only a and r (the paper's m) "
    "keep dysts' meaning; b is the paper's constant, not dysts' y damping.",
)
def Sakarya(x, y, z, *, a=1.0, b=1.0, r=1.0):
    """A Sakarya-derived quadratic flow whose two coexisting attractors merge into one four-wing attractor.

    r is the paper's m; dysts uses a = -1 (in its different equations).
    """
    return a * x + y + y * z, z * (y - x), -z - r * x * y + b


@system(
    ic=[1.0, 1.0, 1.0],
    citation="W. Liu and G. Chen, Can a three-dimensional smooth autonomous quadratic chaotic system generate a "
    "single four-scroll attractor?, Int. J. Bifurcation Chaos 14(4), 1395-1403 (2004).",
    tags=["polynomial"],
)
def LiuChen(x, y, z, *, a=0.4, b=12.0, c=-5.0, h=0.0, p=0.0, q=-1.0, r=1.0, s=1.0):
    """A quadratic flow with a single four-scroll attractor, in dysts' general quadratic form; the paper's
    x' = ax - yz, y' = -by + xz, z' = -cz + xy is the same flow after y -> -y."""
    return a * x + h * y + s * y * z, -b * y - p * x + q * x * z, c * z - r * x * y


@system(
    ic=[36.68, 29.34, 18.66],
    citation="D. Li, A three-scroll chaotic attractor, Phys. Lett. A 372(4), 387-393 (2008).",
    tags=["polynomial", "nonchaotic"],
)
def DequanLi(x, y, z, *, a=40.0, c=1.833, d=0.16, eps=0.65, f=20.0, k=55.0):
    """The three-scroll unified system. At the paper's (and dysts') parameters the orbit found here is a long
    periodic one (spectrum about (0, -0.17, -1.53) from six starts over up to 40,000 periods), hence nonchaotic."""
    return a * (y - x) + d * x * z, k * x + f * y - x * z, c * z + x * y - eps * x**2
