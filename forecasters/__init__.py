"""Forecaster implementations, installed as ``chaosbench.forecasters``; importing registers them all.

The neural forecasters (``plrnn``, ``transformer``, ``recurrent``, ``tcn``, ``node``) import torch only when
fitted; their base class, :class:`NeuralForecaster`, is public for third-party PyTorch forecasters.
"""

from . import baselines, classical, plrnn, recurrent, reservoir, transformer  # noqa: F401
from . import parroting, pretrained  # noqa: F401
from . import regression, sindy  # noqa: F401
from . import basis, linear_nets  # noqa: F401
from . import node, tcn  # noqa: F401
from ._neural import NeuralForecaster

__all__ = ["NeuralForecaster"]
