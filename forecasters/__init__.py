"""Forecaster implementations, installed as ``chaosbench.forecasters``; importing registers them all.

The neural forecasters (``plrnn``, ``transformer``) import torch only when fitted.
"""

from . import baselines, plrnn, reservoir, transformer  # noqa: F401
