"""One registry mechanism for every kind of named plug-in (systems, forecasters, metrics).

A :class:`Registry` maps names to items. Its built-ins (a module, imported on first use) and the entry points of
its group are always loaded before a user's declaration is accepted, so a user who declares a name that a built-in
holds is refused at once, whatever the order of declarations and lookups.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Callable, Iterator

from ..exceptions import DuplicateNameError, UnknownNameError
from .plugins import load_entry_points

__all__ = ["Registry"]

_NOT_LOADED, _LOADING, _LOADED = "not loaded", "loading", "loaded"


class Registry:
    """Named items of one kind, with their built-ins loaded before any user declaration.

    Parameters
    ----------
    kind : str
        What the items are, for messages ("system", "forecaster", "metric").
    builtins : str
        Module whose import declares the built-in items (e.g. ``"chaosbench.systems"``). Declarations made by this
        module or its submodules, or while it is being imported, are the built-ins.
    entry_point_group : str
        Entry-point group of third-party packages that register items of this kind; loaded after the built-ins.
    unknown_error, duplicate_error : type
        Raised for a name that is not registered (a :class:`UnknownNameError`) and for a declaration of a name that
        is (a :class:`DuplicateNameError`).
    """

    def __init__(self, kind: str, builtins: str, entry_point_group: str, *,
                 unknown_error: type[UnknownNameError] = UnknownNameError,
                 duplicate_error: type[DuplicateNameError] = DuplicateNameError):
        self.kind = kind
        self.builtins = builtins
        self.entry_point_group = entry_point_group
        self._unknown_error = unknown_error
        self._duplicate_error = duplicate_error
        self._items: dict[str, object] = {}
        self._state = _NOT_LOADED
        self._lock = threading.RLock()  # re-entrant: the built-ins' declarations arrive while it is held

    def __repr__(self) -> str:
        return f"<Registry of {len(self._items)} {self.kind}s ({self._state})>"

    # --- loading --------------------------------------------------------------------------------------------
    def _is_builtin_module(self, module: str | None) -> bool:
        return module is not None and (module == self.builtins or module.startswith(self.builtins + "."))

    def load(self) -> None:
        """Import the built-ins and the entry points (once). A failure leaves the registry as it was before, with
        the built-in modules unimported, so the next call raises the same error again."""
        if self._state == _LOADED:
            return
        with self._lock:
            if self._state != _NOT_LOADED:  # loaded by another thread meanwhile, or loading in this one
                return
            before = dict(self._items)
            self._state = _LOADING
            try:
                importlib.import_module(self.builtins)
            except BaseException:
                self._items = before
                self._state = _NOT_LOADED
                for module in [m for m in sys.modules if self._is_builtin_module(m)]:
                    del sys.modules[module]
                raise
            self._state = _LOADED
        load_entry_points(self.entry_point_group)  # user code: declares like any user, after the built-ins

    # --- declaring ------------------------------------------------------------------------------------------
    def register(self, name: str, item, *, replace: bool = False, module: str | None = None) -> None:
        """Register ``item`` under ``name``.

        ``module`` is the declaring module (``fn.__module__``): the built-in modules' own declarations do not
        trigger loading. Any other declaration first loads the built-ins, then is refused with ``duplicate_error``
        if ``name`` is taken and ``replace`` is false. Registering the very same item again is a no-op.
        """
        if not self._is_builtin_module(module):
            self.load()
        with self._lock:
            current = self._items.get(name)
            if current is not None and current is not item and not replace:
                raise self._duplicate_error(name, self.kind)
            self._items[name] = item

    @contextlib.contextmanager
    def scoped(self) -> Iterator[Registry]:
        """Context manager: whatever is registered, replaced or removed inside is undone on exit (the built-ins are
        loaded first). Meant for tests::

            with chaosbench.testing.scoped_registries():
                @chaosbench.system(...)
                def Toy(x): ...
        """
        self.load()
        with self._lock:
            saved = dict(self._items)
        try:
            yield self
        finally:
            with self._lock:
                self._items = saved

    # --- looking up -----------------------------------------------------------------------------------------
    def lookup(self, name: str):
        """The item registered as ``name``; ``unknown_error`` (with close names suggested) if there is none."""
        self.load()
        try:
            return self._items[name]
        except (KeyError, TypeError):
            raise self._unknown_error(str(name), self._items) from None

    def items(self, where: Callable[[object], bool] | None = None) -> list[tuple[str, object]]:
        """``(name, item)`` pairs sorted by name, optionally only those for which ``where(item)`` is true."""
        self.load()
        with self._lock:
            pairs = sorted(self._items.items())
        return [(name, item) for name, item in pairs if where is None or where(item)]

    def names(self, where: Callable[[object], bool] | None = None) -> list[str]:
        """Sorted registered names, optionally only those whose item satisfies ``where``."""
        return [name for name, _ in self.items(where)]

    def __contains__(self, name) -> bool:
        self.load()
        return name in self._items

    def __len__(self) -> int:
        self.load()
        return len(self._items)
