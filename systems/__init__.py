"""The built-in catalogue of chaotic systems, installed as ``chaosbench.systems``.

Each module groups a family; importing this package registers every system in it.
"""

from . import classic, forced, high_dim, sprott  # noqa: F401
