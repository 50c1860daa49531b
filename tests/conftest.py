import pytest

import chaosbench
from chaosbench import _registry


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
