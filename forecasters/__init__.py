"""Forecaster implementations, installed as ``chaosbench.forecasters``; importing registers them all.

The neural forecasters (``plrnn``, ``transformer``, ``lstm``) import torch only when fitted.
"""

from . import baselines, lstm, plrnn, reservoir, transformer  # noqa: F401
