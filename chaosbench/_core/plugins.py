"""Plugins: a user's Python file (``--plugin FILE.py``) or an installed package's entry points register extra
systems, forecasters and metrics by importing modules that use ``@chaosbench.system``, ``@chaosbench.forecaster``
or ``@chaosbench.metric``."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import select
import signal
import sys
import warnings
from importlib.metadata import entry_points
from pathlib import Path

from ..exceptions import ChaosbenchWarning, PluginError

__all__ = ["load_plugin_file", "load_entry_points"]

_loaded_groups: set[str] = set()


def load_plugin_file(path, *, probe_seconds: float | None = None) -> str:
    """Import the Python file ``path`` once per process (a second call is a no-op); returns its module name.

    Parameters
    ----------
    path : path-like
        The plugin file.
    probe_seconds : float, optional
        First import the file in a forked process, waiting at most this long, so that a plugin that hangs or ends
        its process (``os._exit``) while importing is reported instead of taking this process with it.

    Raises
    ------
    PluginError
        The file is not found, is not a ``.py`` file, raises on import, or fails the probe.
    """
    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise PluginError(f"plugin {path} not found")
    if not path.is_file() or path.suffix != ".py":
        raise PluginError(f"plugin {path} is not a Python file")
    name = f"chaosbench_plugin_{path.stem}_{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
    if name in sys.modules:
        return name
    if probe_seconds is not None:
        _probe(path, name, probe_seconds)
    _import(path, name)
    return name


def _import(path: Path, name: str) -> None:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit, KeyboardInterrupt) as exc:  # a plugin may raise anything; report it as one line
        del sys.modules[name]
        raise PluginError(f"plugin {path} failed to import: {type(exc).__name__}: {exc}") from None


def _probe(path: Path, name: str, seconds: float) -> None:
    """Import the plugin in a forked child; raise its import error, or a PluginError if it hangs or exits."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import, report "ok" or the error, and leave without any cleanup of the parent's
        os.close(read_fd)
        try:
            _import(path, name)
            report = b"ok"
        except BaseException as exc:
            report = f"error:{exc}".encode()
        os.write(write_fd, report[:60_000])
        os._exit(0)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], seconds)
        report = os.read(read_fd, 65_536) if ready else None
    finally:
        os.close(read_fd)
    if report is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if report is None:
        raise PluginError(f"plugin {path} did not finish importing within {seconds:g} s")
    if not report:
        raise PluginError(f"plugin {path} ended the process while importing (exit code "
                          f"{os.waitstatus_to_exitcode(status)})")
    if report.startswith(b"error:"):
        raise PluginError(report[len(b"error:"):].decode(errors="replace"))


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
