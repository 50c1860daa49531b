"""Chemical reaction kinetics."""

import numpy as np

from chaosbench import system
