"""The results store: one SQLite file per run directory (WAL mode, one row per cell, written atomically), a run
manifest, an exclusive lock held while a run writes, and compact per-cell forecast files (``.npz``, no pickles).

Layout of ``results/NAME/``::

    results.sqlite      cells + manifest
    forecasts/KEY.npz   predictions, truth and error curves of one cell (float32)
    .lock               held (flock) by the run writing to the directory
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import time
import zipfile
from pathlib import Path

import numpy as np

from ..exceptions import ResultsStoreError

__all__ = ["ResultsStore", "CELL_COLUMNS", "STATUSES"]

APPLICATION_ID = 0x43424E43  # "CBNC": marks a SQLite file as a chaosbench results store
SCHEMA_VERSION = 2  # 2: cell keys are JSON (schema 1's "system|forecaster|..." keys could collide)
READABLE_SCHEMAS = (1, 2)
STATUSES = ("ok", "diverged", "failed", "timeout")
DB_NAME = "results.sqlite"

# Column name -> SQLite type, in the order of cells.csv (metrics are expanded after the task settings).
CELL_COLUMNS = {
    "key": "TEXT PRIMARY KEY", "system": "TEXT NOT NULL", "forecaster": "TEXT NOT NULL", "seed": "INTEGER NOT NULL",
    "status": "TEXT NOT NULL", "noise": "REAL NOT NULL", "pts_per_period": "REAL", "n_train": "INTEGER",
    "horizon": "INTEGER", "n_context": "INTEGER", "n_test": "INTEGER", "standardize": "INTEGER", "dt": "REAL",
    "lyapunov_max": "REAL", "metrics": "TEXT", "fit_seconds": "REAL", "predict_seconds": "REAL",
    "cell_seconds": "REAL", "error": "TEXT", "params": "TEXT", "tuning": "TEXT", "fit_info": "TEXT",
    "task_seed": "INTEGER", "random_state": "INTEGER", "forecast_file": "TEXT", "worker": "TEXT",
    "finished_at": "TEXT",
}


def forecast_filename(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:20] + ".npz"


class ResultsStore:
    """A results directory opened for reading (``lock=False``) or for writing by one run (``lock=True``).

    Raises
    ------
    ResultsStoreError
        The path is a file or unwritable, another run holds the lock, or ``results.sqlite`` is corrupt or not a
        chaosbench store.
    """

    def __init__(self, path, *, lock: bool = False, create: bool = False):
        self.path = Path(path)
        self._lock_fd: int | None = None
        if self.path.exists() and not self.path.is_dir():
            raise ResultsStoreError(f"results directory {self.path} is a file")
        if not self.path.exists():
            if not create:
                raise ResultsStoreError(f"no results directory at {self.path}")
            try:
                self.path.mkdir(parents=True)
            except OSError as exc:
                raise ResultsStoreError(f"cannot create results directory {self.path}: {exc.strerror}") from None
        if not create and not (self.path / DB_NAME).exists():
            raise ResultsStoreError(f"{self.path} holds no chaosbench results (neither a store, {DB_NAME}, nor "
                                   "a shipped run's cells.csv and manifest.json)")
        if lock:
            if not os.access(self.path, os.W_OK | os.X_OK):
                raise ResultsStoreError(f"results directory {self.path} is not writable")
            self._acquire_lock()
        try:
            self.db = sqlite3.connect(self.path / DB_NAME, timeout=30, isolation_level=None)
            self._check_or_create(writable=lock)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ResultsStoreError(f"{self.path / DB_NAME} is not a usable SQLite file ({exc})") from None

    # --- lock ---------------------------------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        try:
            fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise ResultsStoreError(f"results directory {self.path} is not writable: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise ResultsStoreError(f"{self.path} is in use by another chaosbench run (pid {holder}); wait for it "
                                    "to finish or choose another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    @property
    def lock_fd(self) -> int | None:
        """File descriptor holding the lock (worker processes close their inherited copy)."""
        return self._lock_fd

    # --- schema -------------------------------------------------------------------------------------------------
    def _check_or_create(self, writable: bool) -> None:
        app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APPLICATION_ID:
            if tables or app_id != 0:
                raise ResultsStoreError(f"{self.path / DB_NAME} is a SQLite file but not a chaosbench results store")
            if not writable:
                raise ResultsStoreError(f"{self.path / DB_NAME} is empty")
            columns = ", ".join(f"{name} {kind}" for name, kind in CELL_COLUMNS.items())
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(f"CREATE TABLE cells ({columns})")
            self.db.execute("CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("COMMIT")
            return
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in READABLE_SCHEMAS or not {"cells", "manifest"} <= tables:
            raise ResultsStoreError(f"{self.path / DB_NAME} has store schema {version}; this chaosbench reads "
                                    f"schemas {', '.join(map(str, READABLE_SCHEMAS))}")
        if writable and version != SCHEMA_VERSION:
            raise ResultsStoreError(f"{self.path} was written by an older chaosbench (store schema {version}, whose "
                                    "cell keys could collide); it can still be read (leaderboard, report) but not "
                                    "continued: choose another --out")
        problems = [row[0] for row in self.db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            first = " ".join(problems[0].replace("*** in database main ***", "").split())
            raise ResultsStoreError(f"{self.path / DB_NAME} is damaged (SQLite quick_check: {first}); "
                                    "copy it aside and start a new run")
        if writable:
            self.db.execute("PRAGMA journal_mode=WAL")

    # --- manifest -----------------------------------------------------------------------------------------------
    def manifest(self) -> dict:
        try:
            return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM manifest")}
        except json.JSONDecodeError as exc:
            raise ResultsStoreError(f"the run manifest in {self.path / DB_NAME} is damaged ({exc})") from None

    def update_manifest(self, **entries) -> None:
        with self._writing(self.path / DB_NAME):
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO manifest VALUES (?, ?)",
                                [(k, json.dumps(v, sort_keys=True)) for k, v in entries.items()])
            self.db.execute("COMMIT")

    @contextlib.contextmanager
    def _writing(self, target: Path):
        """Turn a failed write (disk full, file size limit, read-only directory) into a ResultsStoreError and roll
        back the transaction it interrupted."""
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            if self.db is not None and self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ResultsStoreError(f"cannot write {target}: {reason}; finished cells are stored, continue with "
                                    f"'chaosbench run --resume --out {self.path}' once the problem is fixed") from None

    # --- cells --------------------------------------------------------------------------------------------------
    def finished_keys(self, statuses=STATUSES) -> set[str]:
        """Keys of the stored cells whose status is one of ``statuses`` and whose forecast file, if they have one,
        exists and opens (a deleted or truncated file makes its cell unfinished, to be run again)."""
        marks = ", ".join("?" * len(statuses))
        rows = self.db.execute(f"SELECT key, forecast_file FROM cells WHERE status IN ({marks})", statuses)
        return {key for key, file in rows if not file or self._forecast_opens(file)}

    def _forecast_opens(self, file: str) -> bool:
        try:
            with np.load(self.path / file, allow_pickle=False) as data:
                return bool(data.files)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile):
            return False

    def n_cells(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM cells").fetchone()[0]

    def write_cell(self, record: dict, arrays: dict | None = None) -> None:
        """Store one finished cell: its forecast file first (atomic rename), then its row (one transaction)."""
        row = dict(record)
        if arrays:
            folder = self.path / "forecasts"
            name = forecast_filename(row["key"])
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            with self._writing(folder / name):
                try:
                    folder.mkdir(exist_ok=True)
                    with open(tmp, "wb") as fh, np.errstate(over="ignore"):  # a runaway forecast is stored as ±inf
                        np.savez_compressed(fh, **{k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
                        fh.flush()
                        os.fsync(fh.fileno())
                    os.replace(tmp, folder / name)
                finally:
                    tmp.unlink(missing_ok=True)  # left behind only by a failed write
            row["forecast_file"] = f"forecasts/{name}"
        for key in ("metrics", "params", "tuning", "fit_info"):
            if key in row and not isinstance(row[key], str) and row[key] is not None:
                row[key] = json.dumps(row[key], sort_keys=True, default=_json_default)
        row.setdefault("finished_at", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        names = [c for c in CELL_COLUMNS if c in row]
        with self._writing(self.path / DB_NAME):
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(f"INSERT OR REPLACE INTO cells ({', '.join(names)}) "
                            f"VALUES ({', '.join('?' * len(names))})", [row[c] for c in names])
            self.db.execute("COMMIT")

    def rows(self) -> list[dict]:
        cursor = self.db.execute(f"SELECT {', '.join(CELL_COLUMNS)} FROM cells ORDER BY system, forecaster, seed, "
                                 "noise")
        return [dict(zip(CELL_COLUMNS, values)) for values in cursor]

    def load_forecast(self, row: dict) -> dict[str, np.ndarray]:
        """The arrays stored for a cell (empty when it has none).

        Raises
        ------
        ResultsStoreError
            The cell's forecast file is missing or damaged.
        """
        if not row.get("forecast_file"):
            return {}
        try:
            with np.load(self.path / row["forecast_file"], allow_pickle=False) as data:
                return {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            reason = "is missing" if isinstance(exc, FileNotFoundError) else f"is damaged ({type(exc).__name__})"
            raise ResultsStoreError(f"the forecast file {row['forecast_file']} of {row['system']}/"
                                    f"{row['forecaster']} {reason}; 'chaosbench run --resume --out {self.path}' "
                                    "runs that cell again") from None

    def archive(self) -> Path:
        """Move this directory's results into ``archive-DATE/`` and start an empty store, keeping the lock (nothing
        stored is ever deleted); returns the archive folder."""
        self.db.close()
        stamp = time.strftime("archive-%Y%m%d-%H%M%S")
        target, number = self.path / stamp, 1
        while target.exists():  # archived twice within a second
            number += 1
            target = self.path / f"{stamp}-{number}"
        target.mkdir()
        for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", "forecasts", "cells.csv", "leaderboard.csv",
                     "report"):
            if (self.path / name).exists():
                os.replace(self.path / name, target / name)
        self.db = sqlite3.connect(self.path / DB_NAME, timeout=30, isolation_level=None)
        self._check_or_create(writable=True)
        return target

    def close(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
