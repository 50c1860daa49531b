"""Plugins: a user's Python file (``--plugin FILE.py``) or an installed package's entry points register extra
systems, forecasters and metrics by importing modules that use ``@chaosbench.system``, ``@chaosbench.forecaster``
or ``@chaosbench.metric``."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import warnings
from importlib.metadata import entry_points
from pathlib import Path

from ..exceptions import ChaosbenchWarning, PluginError

__all__ = ["load_plugin_file", "load_entry_points"]

ENTRY_POINT_GROUPS = ("chaosbench.systems", "chaosbench.forecasters", "chaosbench.metrics")
_loaded_groups: set[str] = set()


def load_plugin_file(path) -> str:
    """Import the Python file ``path`` once per process (a second call is a no-op); returns its module name.

    Raises
    ------
    PluginError
        The file does not exist, is not a ``.py`` file, or raises on import.
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file() or path.suffix != ".py":
        raise PluginError(f"plugin {path} is not a Python file")
    name = f"chaosbench_plugin_{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
    if name in sys.modules:
        return name
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a plugin may raise anything (even exit); report it as one line
        del sys.modules[name]
        raise PluginError(f"plugin {path} failed to import: {type(exc).__name__}: {exc}") from None
    return name


def load_entry_points(group: str) -> None:
    """Import every entry point of ``group`` (once per process); a broken one is skipped with a warning."""
    if group in _loaded_groups:
        return
    _loaded_groups.add(group)
    for point in entry_points(group=group):
        try:
            point.load()
        except Exception as exc:  # third-party code: never let it break chaosbench itself
            warnings.warn(f"entry point {point.name!r} ({point.value}) of group {group} failed to load: "
                          f"{type(exc).__name__}: {exc}", ChaosbenchWarning, stacklevel=2)
