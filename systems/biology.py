"""Biological systems: neurons, cells, ecology and epidemiology."""

import numpy as np

from chaosbench import system
