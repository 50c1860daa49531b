import sys
from pathlib import Path

import numpy as np
import pytest

import chaosbench
from chaosbench.testing import scoped_registries

FAULTY_FORECASTERS = Path(__file__).parent / "plugins" / "faulty_forecasters.py"


@pytest.fixture
def register():
    """Declare systems inside a test; whatever the test registers is unregistered afterwards."""

    def declare(fn=None, **kwargs):
        return chaosbench.system(**kwargs) if fn is None else chaosbench.system(fn, **kwargs)

    with scoped_registries():
        yield declare


@pytest.fixture(scope="module")
def faulty_plugin():
    """Path of a plugin file registering misbehaving forecasters (test_raises, test_nan, test_inf, test_dies,
    test_sleeps, test_slow_persistence); whatever plugins registered is unregistered after the module."""
    with scoped_registries():
        yield str(FAULTY_FORECASTERS)
    for module in [m for m in sys.modules if m.startswith("chaosbench_plugin_")]:
        del sys.modules[module]


@pytest.fixture(scope="session")
def forced_linear_series():
    """A function (n, seed=0) -> (x, u): x_{t+1} = A x_t + B u_{t+1} + c with a random known input u (n, 2), a
    series that the covariate regressions (and an ESN's covariate inputs) can follow exactly."""

    def make(n, seed=0):
        rng = np.random.default_rng(seed)
        a = np.array([[0.9, -0.2], [0.2, 0.9]])
        b = np.array([[1.0, 0.0], [0.5, -1.0]])
        u = rng.standard_normal((n, 2))
        x = np.zeros((n, 2))
        for t in range(n - 1):
            x[t + 1] = a @ x[t] + b @ u[t + 1] + [0.1, -0.2]
        return x, u

    return make
