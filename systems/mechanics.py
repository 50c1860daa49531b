"""Mechanical oscillators and Hamiltonian systems, including periodically forced ones."""

import numpy as np

from chaosbench import system
