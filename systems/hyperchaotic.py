"""Hyperchaotic flows: four or more dimensions with two or more positive Lyapunov exponents."""

import numpy as np

from chaosbench import system
