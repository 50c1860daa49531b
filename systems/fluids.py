"""Fluid flows, advection of tracers, and climate models."""

import numpy as np

from chaosbench import system
