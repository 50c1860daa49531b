"""Electronic circuits, lasers and neural networks."""

import numpy as np

from chaosbench import system
