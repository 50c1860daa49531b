"""Helpers for testing code that declares systems, forecasters or metrics (chaosbench's tests and plugins')."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ._dynamics.system import _registry as _systems
from ._forecasting.forecaster import _registry as _forecasters
from ._forecasting.metrics import _registry as _metrics

__all__ = ["scoped_registries"]


@contextlib.contextmanager
def scoped_registries() -> Iterator[None]:
    """Context manager: every system, forecaster and metric declared (or replaced) inside is unregistered (or
    restored) on exit; the built-ins are loaded on entry. ::

        with chaosbench.testing.scoped_registries():
            @chaosbench.system(ic=[1.0], citation="test")
            def Toy(x):
                return -x

            ...  # Toy is registered here
        # and gone here
    """
    with contextlib.ExitStack() as stack:
        for registry in (_systems, _forecasters, _metrics):
            stack.enter_context(registry.scoped())
        yield
