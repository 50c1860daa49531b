import sys
from pathlib import Path

import pytest

import chaosbench
from chaosbench._forecasting import forecaster as _forecaster
from chaosbench._dynamics import system as _registry

FAULTY_FORECASTERS = Path(__file__).parent / "plugins" / "faulty_forecasters.py"


@pytest.fixture
def register():
    """Declare systems inside a test; they are unregistered afterwards."""
    names = []

    def declare(fn=None, **kwargs):
        def wrap(f):
            s = chaosbench.system(f, **kwargs)
            names.append(s.name)
            return s

        return wrap if fn is None else wrap(fn)

    yield declare
    for name in names:
        _registry._registry.pop(name, None)


@pytest.fixture(scope="module")
def faulty_plugin():
    """Path of a plugin file registering misbehaving forecasters (test_raises, test_nan, test_inf, test_dies,
    test_sleeps, test_slow_persistence); whatever plugins registered is unregistered after the module."""
    yield str(FAULTY_FORECASTERS)
    for registry in (_forecaster._registry, _registry._registry):
        for name, item in list(registry.items()):
            module = getattr(item, "__module__", None) or getattr(getattr(item, "fn", None), "__module__", "")
            if str(module).startswith("chaosbench_plugin_"):
                registry.pop(name)
    for module in [m for m in sys.modules if m.startswith("chaosbench_plugin_")]:
        del sys.modules[module]
