"""The benchmark runner behind ``chaosbench run``: the system × forecaster × seed × noise grid, executed locally or
on Dask, every finished cell stored at once, resumable, ending with ``cells.csv`` and ``leaderboard.csv``."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import platform
import socket
import sys
import time
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from .._core.optional import EXTRAS
from .._core.provenance import git_commit, uncommitted_source_changes
from .cell import cell_specs
from .config import RunConfig, make_config, plugin_paths, read_config_file
from .leaderboard import cells_frame, leaderboard, read_cells, task_settings
from .._forecasting.task import Task
from .._core.plugins import load_plugin_file
from .store import DB_NAME, STATUSES, ResultsStore
from ..exceptions import ResultsStoreError
from .executors import DaskExecutor, LocalExecutor

__all__ = ["run", "load_results", "Results", "check_run"]

PROGRESS_LINE_SECONDS = 10.0
PLUGIN_IMPORT_SECONDS = 120.0  # a plugin still importing after this long is reported as hanging
SHIPPED_FILES = ("cells.csv", "manifest.json")  # a shipped run's source; leaderboard.csv and report/ derive from them


class Results:
    """A run directory's results: ``.cells`` (one row per cell), ``.leaderboard()``, ``.manifest``.

    The directory is either a run's store (``results.sqlite`` with the forecast arrays) or a shipped run, the
    tables alone (``cells.csv``, ``manifest.json``, ``leaderboard.csv``, as ``chaosbench export`` writes them), whose
    ``.shipped`` is True and which has no forecast arrays.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.shipped = not (self.path / DB_NAME).exists() and all(
            (self.path / name).is_file() for name in SHIPPED_FILES)
        if self.shipped:
            self.manifest = _read_manifest(self.path / "manifest.json")
            self._rows = []
        else:
            with ResultsStore(self.path) as store:
                self.manifest = store.manifest()
                self._rows = store.rows()
        self.metrics = list(self.manifest.get("settings", {}).get("metrics", []))
        self.cells = (read_cells(self.path / "cells.csv", self.metrics) if self.shipped
                      else cells_frame(self._rows, self.metrics))

    @property
    def default_metric(self) -> str:
        """The metric the leaderboard ranks by by default: ``vpt_nrmse``, or the run's first metric without it."""
        return "vpt_nrmse" if "vpt_nrmse" in self.metrics or not self.metrics else self.metrics[0]

    def leaderboard(self, metric: str | None = None, agg: str = "median",
                    include_unresolved: bool = False) -> pd.DataFrame:
        """Forecasters ranked by ``metric`` (default :attr:`default_metric`), over the systems whose λ_max is
        resolved unless ``include_unresolved``."""
        metric = metric or self.default_metric
        return leaderboard(self.cells, self.metrics, metric=metric, agg=agg, include_unresolved=include_unresolved)

    def forecast(self, system: str, forecaster: str, seed: int = 0, noise: float = 0.0) -> dict:
        """Stored arrays of one cell: ``forecast``, ``truth`` (n_test, horizon, dim) and ``error_curve``; empty for a
        cell without arrays (failed, or in a shipped run)."""
        match = [r for r in self._rows if (r["system"], r["forecaster"], r["seed"], r["noise"])
                 == (system, forecaster, seed, noise)]
        if not match:
            return {}
        with ResultsStore(self.path) as store:
            return store.load_forecast(match[0])

    def write_tables(self, metric: str | None = None, agg: str = "median", leaderboard_file=None,
                     include_unresolved: bool = False, folder=None) -> Path:
        """Write ``cells.csv``, the leaderboard (default ``leaderboard.csv``) and ``manifest.json`` (the run's
        settings, versions, commit and times, as stored) into ``folder`` (default the run directory; a shipped
        run's own cells and manifest are its source and are left as they are)."""
        folder = Path(folder) if folder is not None else self.path
        target = Path(leaderboard_file) if leaderboard_file else folder / "leaderboard.csv"
        board = self.leaderboard(metric, agg, include_unresolved)
        manifest = json.dumps(self.manifest, indent=1, sort_keys=True) + "\n"
        files = [(target, lambda f: board.to_csv(f, index=False))]
        if not (self.shipped and folder.resolve() == self.path.resolve()):
            files += [(folder / "cells.csv", lambda f: self.cells.to_csv(f, index=False)),
                      (folder / "manifest.json", lambda f: f.write_text(manifest))]
        for file, write in files:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
                write(file)
            except OSError as exc:
                raise ResultsStoreError(f"cannot write {file}: {exc.strerror or exc}") from None
        return target

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r}, cells={len(self.cells)}{', shipped' if self.shipped else ''})"


def load_results(path) -> Results:
    """Open a run directory: a finished (or interrupted) run's store, or a shipped run's tables."""
    return Results(path)


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultsStoreError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("settings"), dict):
        raise ResultsStoreError(f"{path} is not a chaosbench run manifest (it has no settings)")
    return manifest


def check_run(path) -> list[str]:
    """What is wrong with a run directory, measured against its manifest (empty when nothing is).

    Its cells are exactly the grid of the manifest's settings (systems × forecasters × seeds × noise levels, each
    once), no forecaster recorded as left out (``forecasters_left_out``, with its reason) has cells, each cell's
    task settings are the manifest's (``horizon`` as the task resolves it from ``horizon_lyapunov``), and
    ``leaderboard.csv`` is the default leaderboard computed from the cells.
    """
    results = load_results(path)
    settings, cells, problems = results.manifest.get("settings", {}), results.cells, []
    expected = set(itertools.product(settings.get("systems", []), settings.get("forecasters", []),
                                     settings.get("seeds", []), map(float, settings.get("noise", []))))
    found = list(zip(cells["system"], cells["forecaster"], cells["seed"].astype(int), cells["noise"]))
    for label, keys in (("missing", sorted(expected - set(found))),
                        ("not in the settings", sorted(set(found) - expected))):
        if keys:
            problems.append(f"{len(keys)} cell(s) {label}, e.g. {'/'.join(map(str, keys[0]))}")
    if len(found) != len(set(found)):
        problems.append(f"{len(found) - len(set(found))} cell(s) stored twice")
    left_out = results.manifest.get("forecasters_left_out", {})
    for name, reason in left_out.items():
        if name in settings.get("forecasters", []) or not str(reason).strip():
            problems.append(f"forecaster {name!r} is recorded as left out but is in the run or has no reason")
    task = task_settings(settings)
    for column in ("pts_per_period", "n_train", "n_context", "n_test", "standardize"):
        differing = cells[cells[column].ne(task[column]).fillna(True)]
        if len(differing):
            row = differing.iloc[0]
            problems.append(f"{len(differing)} cell(s) with {column} other than the manifest's {task[column]}, "
                            f"e.g. {row['system']}/{row['forecaster']}: {row[column]}")
    for row in cells.itertuples():
        resolved = task["horizon"] if pd.isna(row.lyapunov_max) else Task(row.system, **task).resolved_horizon(
            row.lyapunov_max, row.dt)
        if row.horizon != resolved:
            problems.append(f"{row.system}/{row.forecaster}: horizon {row.horizon} steps, but the manifest's task "
                            f"resolves to {resolved}")
            break
    board_file = results.path / "leaderboard.csv"
    try:
        shipped = pd.read_csv(board_file, float_precision="round_trip")
        pd.testing.assert_frame_equal(shipped, results.leaderboard(), check_dtype=False, rtol=1e-12, atol=0.0)
    except (OSError, ValueError) as exc:
        problems.append(f"cannot read {board_file}: {exc}")
    except AssertionError as exc:
        problems.append(f"{board_file} is not the leaderboard of the cells: {' '.join(str(exc).split())[:300]}")
    return problems


def _code_provenance(manifest: dict, resumed: bool) -> dict:
    """The code's git commit and whether it had uncommitted changes, for the manifest; on resuming, combined with
    the sessions that made the earlier cells: ``earlier_git_commits`` lists their other commits, and
    ``uncommitted_changes`` is True if any session had such changes, else None if any could not tell, else False."""
    commit, dirty = git_commit(), uncommitted_source_changes()
    if not resumed:
        return {"git_commit": commit, "uncommitted_changes": dirty, "earlier_git_commits": []}
    earlier = [c for c in (*manifest.get("earlier_git_commits", ()), manifest.get("git_commit")) if c != commit]
    flags = (manifest.get("uncommitted_changes"), dirty)
    return {"git_commit": commit, "uncommitted_changes": True if True in flags else None if None in flags else False,
            "earlier_git_commits": list(dict.fromkeys(earlier))}


def _package_versions() -> dict:
    out = {"python": platform.python_version()}
    for name in ("chaosbench", "numpy", "scipy", "numba", "pandas", "statsmodels", "torch", "distributed",
                 *(distribution for distribution, _extra in EXTRAS.values())):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def plugin_sources(paths) -> dict[str, str]:
    """SHA-256 of each plugin file's source, to notice a plugin edited between a run and its resumption."""
    return {path: hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in paths}


class _Progress:
    """A tqdm bar on a terminal, a plain line every few seconds otherwise, nothing when quiet."""

    def __init__(self, total: int, done: int, quiet: bool):
        self.total, self.done, self.failed, self.quiet = total, done, 0, quiet
        self.started, self.last_line = time.monotonic(), 0.0
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="cell", dynamic_ncols=True, file=sys.stderr)

    def update(self, record: dict) -> None:
        self.done += 1
        self.failed += record["status"] not in ("ok",)
        if self.bar is not None:
            self.bar.set_postfix_str(f"not ok: {self.failed}, last: {record['system']}/{record['forecaster']}")
            self.bar.update(1)
        elif not self.quiet and (time.monotonic() - self.last_line > PROGRESS_LINE_SECONDS
                                 or self.done == self.total):
            self.last_line = time.monotonic()
            elapsed = time.monotonic() - self.started
            print(f"[chaosbench] {self.done}/{self.total} cells, {self.failed} not ok, {elapsed:.0f} s elapsed",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def default_out() -> str:
    return os.path.join("results", time.strftime("run-%Y%m%d-%H%M%S"))


def run(preset: str | None = None, *, config_file=None, resume: bool = False, force: bool = False,
        retry_failed: bool = False, **options) -> Results:
    """Run a benchmark and return its :class:`Results`.

    Parameters
    ----------
    preset : {"quick", "standard", "full", "gilpin2023"}, optional
        Base settings (default ``quick``, or the stored run's settings when resuming).
    config_file : path, optional
        A TOML file with the same option names.
    resume : bool
        Continue the run stored in ``out``: options not given are taken from it; given ones must match.
    force : bool
        Start over when the settings differ from those stored in ``out`` (the old results are archived).
    retry_failed : bool
        Run the stored cells whose status is ``failed`` or ``timeout`` again (e.g. with a longer ``cell_timeout``).
    **options
        Any :class:`~chaosbench._bench.config.RunConfig` field (``systems``, ``tag``, ``forecasters``, ``metrics``,
        ``seeds``, ``noise``, ``n_train``, ``horizon``, ``out``, ``workers``, ``executor``, ``scheduler``,
        ``cell_timeout``, ``tune``, ``plugins``, ``forecaster_params``, ``quiet``, ...).
    """
    out = options.get("out")
    if resume and out is None:
        raise ResultsStoreError("--resume needs --out: the directory of the run to continue")
    base = None
    if resume:
        with ResultsStore(out) as stored:
            manifest = stored.manifest()
        base = manifest.get("settings")
        if base is None:
            raise ResultsStoreError(f"{out} has no run to resume")
        if "cell_timeout" in manifest:  # an execution option, not a setting, but the run's own unless given
            base = {**base, "cell_timeout": manifest["cell_timeout"]}
        if not options.get("plugins"):
            options["plugins"] = manifest.get("plugins", [])
    if options.get("plugins") is None and config_file is not None:
        options["plugins"] = read_config_file(config_file).get("plugins")
    for path in plugin_paths(options.get("plugins")):  # before the names they register are validated
        load_plugin_file(path, probe_seconds=PLUGIN_IMPORT_SECONDS)
    config = make_config(preset, config_file, base=base, **options)
    config = replace(config, out=config.out or default_out(), workers=config.workers or os.cpu_count() or 1)
    return _execute(config, force, retry_failed)


def _execute(config: RunConfig, force: bool, retry_failed: bool) -> Results:
    path = Path(config.out)
    if config.executor == "dask":
        executor = DaskExecutor(config.workers, config.cell_timeout, config.scheduler)
    else:
        executor = LocalExecutor(config.workers, config.cell_timeout)
    executor.start()  # fails fast (e.g. an unreachable scheduler) before anything is written
    store = None
    try:
        store = ResultsStore(path, lock=True, create=True)
        manifest = store.manifest()
        stored = manifest.get("settings_hash")
        sources = plugin_sources(config.plugins)
        edited = [p for p, digest in manifest.get("plugin_sources", {}).items() if sources.get(p, digest) != digest]
        conflict = None
        if stored is not None and stored != config.settings_hash():
            old, new = manifest.get("settings", {}), config.settings()
            changed = ", ".join(k for k in new if old.get(k) != new[k])
            conflict = (f"{path} holds a run with different settings ({changed}); use the same options (or --resume "
                        "alone), another --out, or --force to archive it and start over")
        elif edited and store.n_cells():
            conflict = (f"plugin {edited[0]} changed since the run in {path} stored its cells, so old and new results "
                        "would mix; use another --out, or --force to archive them and start over")
        if conflict:
            if not force:
                raise ResultsStoreError(conflict)
            store.archive()
            manifest = {}
        executor.inherited_fds = (store.lock_fd,)  # forked workers must not keep the directory locked
        specs = cell_specs(config)
        finished = store.finished_keys(("ok", "diverged") if retry_failed else STATUSES)
        todo = [s for s in specs if s.key not in finished]
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        store.update_manifest(settings=config.settings(), settings_hash=config.settings_hash(),
                              plugins=list(config.plugins), plugin_sources=sources,
                              cell_timeout=config.cell_timeout, versions=_package_versions(),
                              **_code_provenance(manifest, bool(finished)),
                              host=socket.gethostname(), started_at=manifest.get("started_at") or now,
                              resumed_at=now if finished else None,
                              executor=config.executor, workers=config.workers, finished_at=None,
                              tuning="searched per cell" if config.tune else "defaults (no tuning)",
                              forecasters_left_out=dict(config.left_out))
        if not config.quiet:
            for name, reason in config.left_out:
                print(f"[chaosbench] left out forecaster {name!r}: it {reason}", file=sys.stderr, flush=True)
            print(f"[chaosbench] {len(specs)} cells ({len(specs) - len(todo)} already stored) -> {path}",
                  file=sys.stderr, flush=True)
        progress = _Progress(len(specs), len(specs) - len(todo), config.quiet)
        try:
            if todo:
                for _spec, record, arrays in executor.run(todo):
                    store.write_cell(record, arrays)
                    progress.update(record)
        finally:
            progress.close()
        store.update_manifest(finished_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    finally:
        executor.close()
        if store is not None:
            store.close()
    results = Results(path)
    results.write_tables()
    return results
