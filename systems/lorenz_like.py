"""Lorenz-like and other three-dimensional quadratic flows (Lorenz, Chen and Lü families and relatives)."""

import numpy as np

from chaosbench import system
