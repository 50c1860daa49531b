"""Sprott's algebraically simple chaotic flows."""

from chaosbench import system

SPROTT_1994 = ("J. C. Sprott, Some simple chaotic flows, Phys. Rev. E 50(2), R647-R650 (1994), "
               "doi:10.1103/PhysRevE.50.R647.")


@system(ic=[0.1, 0.0, 0.0], citation=SPROTT_1994, tags=["polynomial", "sprott"])
def SprottB(x, y, z):
    """Case B of Sprott's 19 simple flows: five terms, two quadratic nonlinearities."""
    return y * z, x - y, 1 - x * y
