"""The built-in catalogue of chaotic systems, installed as ``chaosbench.systems``.

Each module groups a family; importing this package registers every system in it.
"""

from . import (  # noqa: F401
    biology,
    chemistry,
    circuits,
    classic,
    delay,
    fluids,
    forced,
    high_dim,
    hyperchaotic,
    jerk,
    lorenz_like,
    mechanics,
    sprott,
)
