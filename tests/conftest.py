import sys
from pathlib import Path

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
