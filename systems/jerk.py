"""Jerk flows and other minimal chaotic flows (Sprott's jerk systems, Arneodo, Coullet, Genesio-Tesi, ...)."""

import numpy as np

from chaosbench import system
