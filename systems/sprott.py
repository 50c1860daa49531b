"""Sprott's algebraically simple chaotic flows."""

from chaosbench import system

SPROTT_1994 = ("J. C. Sprott, Some simple chaotic flows, Phys. Rev. E 50(2), R647-R650 (1994), "
               "doi:10.1103/PhysRevE.50.R647.")


@system(ic=[0.1, 0.0, 0.0], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottB(x, y, z):
    """Case B of Sprott's 19 simple flows: five terms, two quadratic nonlinearities."""
    return y * z, x - y, 1 - x * y


@system(ic=[0.0, 5.0, 0.0], citation=SPROTT_1994, tags=["polynomial", "sprott", "conservative"])
def SprottA(x, y, z):
    """Case A, a special case of the Nose-Hoover thermostatted oscillator: time-reversible, volume-preserving
    on average, with a chaotic sea surrounding nested invariant tori (the initial condition lies in the sea)."""
    return y, -x + y * z, 1 - y**2


@system(ic=[-0.4496, -0.5612, 0.5387], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottC(x, y, z):
    """Case C: five terms, two quadratic nonlinearities; like case B with x^2 in place of xy."""
    return y * z, x - y, 1 - x**2


@system(ic=[-1.473, 1.169, 2.034], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottD(x, y, z):
    """Case D: five terms, two quadratic nonlinearities, a single non-hyperbolic equilibrium at the origin."""
    return -y, x + z, x * z + 3 * y**2


@system(ic=[0.1227, 0.009607, 5.335], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottE(x, y, z):
    """Case E: five terms, two quadratic nonlinearities, a single equilibrium."""
    return y * z, x**2 - y, 1 - 4 * x


@system(ic=[0.9899, -0.848, 0.6693], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottF(x, y, z, *, a=0.5):
    """Case F: six terms with the single quadratic nonlinearity x^2."""
    return y + z, -x + a * y, x**2 - z


@system(ic=[-0.9624, -0.9265, 1.433], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottG(x, y, z, *, a=0.4):
    """Case G: six terms with the single quadratic nonlinearity xz."""
    return a * x + z, x * z - y, -x + y


@system(ic=[1.4, 0.9664, 0.9712], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottH(x, y, z, *, a=0.5):
    """Case H: six terms with the single quadratic nonlinearity z^2."""
    return -y + z**2, x + a * y, x - z


@system(ic=[0.1088, 0.01054, 0.129], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottI(x, y, z, *, a=0.2):
    """Case I: six terms with the single quadratic nonlinearity y^2; weakly chaotic."""
    return -a * y, x + z, x + y**2 - z


@system(ic=[5.135, 2.126, 5.638], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottJ(x, y, z):
    """Case J: six terms with the single quadratic nonlinearity y^2."""
    return 2 * z, -2 * y + z, -x + y + y**2


@system(ic=[1.057, 0.6412, 0.4745], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottK(x, y, z, *, a=0.3):
    """Case K: six terms with the single quadratic nonlinearity xy."""
    return x * y - z, x - y, x + a * z


@system(ic=[7.095, 29.46, -7.658], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottL(x, y, z, *, a=0.9, b=3.9):
    """Case L: six terms with the single quadratic nonlinearity x^2."""
    return y + b * z, a * x**2 - y, 1 - x


@system(ic=[-1.921, -1.334, 0.8816], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottM(x, y, z, *, a=1.7):
    """Case M: six terms with the single quadratic nonlinearity x^2 (constant term and x share the coefficient a)."""
    return -z, -(x**2) - y, a + a * x + y


@system(ic=[1.455, 4.406, 1.541], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottN(x, y, z):
    """Case N: six terms with the single quadratic nonlinearity z^2."""
    return -2 * y, x + z**2, 1 + y - 2 * z


@system(ic=[-0.03717, 0.3799, 0.01309], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottO(x, y, z, *, a=2.7):
    """Case O: six terms with the single quadratic nonlinearity xz."""
    return y, x - z, x + x * z + a * y


@system(ic=[-0.1189, 0.02929, -0.04549], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottP(x, y, z, *, a=2.7):
    """Case P: six terms with the single quadratic nonlinearity y^2."""
    return a * y + z, -x + y**2, x + y


@system(ic=[-0.1721, -1.004, -1.611], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottQ(x, y, z, *, a=3.1, b=0.5):
    """Case Q: six terms with the single quadratic nonlinearity y^2."""
    return -z, x - y, a * x + y**2 + b * z


@system(ic=[0.3081, -0.5615, 0.3536], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottR(x, y, z, *, a=0.9, b=0.4):
    """Case R: six terms with the single quadratic nonlinearity xy."""
    return a - y, b + z, x * y - z


@system(ic=[0.935, 0.1226, 1.358], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottS(x, y, z):
    """Case S: six terms with the single quadratic nonlinearity z^2."""
    return -x - 4 * y, x + z**2, 1 + x
