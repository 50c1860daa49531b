"""Executors run cells and yield ``(spec, record, arrays)`` as each one finishes, in any order.

* :class:`LocalExecutor`: a pool of forked worker processes, one cell at a time each. A cell past its timeout has
  its worker killed and replaced; a cell whose worker dies is run once more, then recorded as failed.
* :class:`DaskExecutor`: Dask ``distributed`` — a ``LocalCluster`` or a running scheduler. Each cell runs in a
  process forked from its Dask worker, so a cell that times out or kills its process fails alone, as locally; cells
  of a worker that dies are rescheduled by Dask. The client (this process) stays the only writer of the store.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
from collections import deque
from collections.abc import Iterator

from .cell import CellSpec, cell_record, run_cell
from ..exceptions import ExecutorError

__all__ = ["LocalExecutor", "DaskExecutor", "timeout_record"]

POLL_SECONDS = 0.5
WORKER_DEATH_RETRIES = 1  # a cell whose worker dies is run once more before it is recorded as failed


def timeout_record(spec: CellSpec, seconds: float) -> dict:
    return cell_record(spec) | {"status": "timeout", "error": f"cell exceeded the timeout of {seconds:g} s",
                                "cell_seconds": seconds}


def failed_record(spec: CellSpec, message: str) -> dict:
    return cell_record(spec) | {"status": "failed", "error": message}


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no orphaned workers after kill -9 of a run)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_main(conn, inherited_fds: tuple) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for fd in inherited_fds:  # e.g. the results directory's lock: it must die with the run, not with a worker
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_run_cell_guarded(spec))


def _run_cell_guarded(spec: CellSpec) -> tuple[dict, dict]:
    """:func:`run_cell`, with what escapes the cell's own handling (a forecaster raising KeyboardInterrupt or
    SystemExit, a plugin missing on this host) recorded as the cell's failure instead of a worker traceback."""
    try:
        return run_cell(spec)
    except BaseException as exc:
        return failed_record(spec, f"worker: {type(exc).__name__}: {str(exc)[:300]}"), {}


class _Worker:
    def __init__(self, context, inherited_fds):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, inherited_fds), daemon=True)
        self.process.start()
        child.close()
        self.spec: CellSpec | None = None
        self.deadline = 0.0

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Idle:
    """A retired pool slot (its worker timed out and no cell is left to run)."""

    spec = None

    def stop(self) -> None:
        pass


class LocalExecutor:
    """Run cells in ``workers`` local processes with a per-cell wall-clock ``timeout`` (seconds)."""

    def __init__(self, workers: int, timeout: float, inherited_fds: tuple = ()):
        self.workers, self.timeout, self.inherited_fds = workers, timeout, inherited_fds
        self._context = multiprocessing.get_context("fork")

    def start(self) -> None:
        """Nothing to prepare: the worker pool lives for one :meth:`run`."""

    def close(self) -> None:
        """Nothing to release (see :meth:`start`)."""

    def run(self, specs: list[CellSpec]) -> Iterator[tuple[CellSpec, dict, dict]]:
        pending = deque(specs)
        deaths: dict[str, int] = {}
        pool = [_Worker(self._context, self.inherited_fds) for _ in range(min(self.workers, len(specs)))]
        try:
            while pending or any(w.spec for w in pool):
                for index, worker in enumerate(pool):
                    if worker.spec is None and pending:
                        if isinstance(worker, _Idle):  # a retried cell arrived after the slot was retired
                            worker = pool[index] = _Worker(self._context, self.inherited_fds)
                        worker.spec = pending.popleft()
                        worker.deadline = time.monotonic() + self.timeout
                        worker.conn.send(worker.spec)
                busy = [w for w in pool if w.spec is not None]
                wait = min(POLL_SECONDS, max(0.0, min(w.deadline for w in busy) - time.monotonic()))
                ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait)
                for index, worker in enumerate(pool):
                    if worker.spec is None:
                        continue
                    spec = worker.spec
                    if worker.conn in ready:
                        try:
                            record, arrays = worker.conn.recv()
                        except (EOFError, OSError):
                            worker.stop()
                            pool[index] = _Worker(self._context, self.inherited_fds)
                            deaths[spec.key] = deaths.get(spec.key, 0) + 1
                            if deaths[spec.key] <= WORKER_DEATH_RETRIES:  # e.g. killed from outside: run it again
                                pending.appendleft(spec)
                            else:
                                message = f"worker process died (exit code {worker.process.exitcode})"
                                yield spec, failed_record(spec, message), {}
                            continue
                        worker.spec = None
                        yield spec, record, arrays
                    elif time.monotonic() >= worker.deadline:
                        worker.stop()
                        pool[index] = _Worker(self._context, self.inherited_fds) if pending else _Idle()
                        yield spec, timeout_record(spec, self.timeout), {}
        finally:
            for worker in pool:
                worker.stop()


def _run_cell_in_child(spec: CellSpec, timeout: float) -> tuple[dict, dict]:
    """Run a cell in a process forked from this Dask worker, as the local executor does: a cell that kills its
    process (or outlives ``timeout``) fails alone, and the worker, with any other cell it holds, lives on. A cell
    whose process dies is run once more before it is recorded as failed."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    for _attempt in range(WORKER_DEATH_RETRIES + 1):
        read_fd, write_fd = os.pipe()
        pid = os.fork()  # not multiprocessing: Dask's worker processes are daemonic, which may not have children
        if pid == 0:  # the child: run the cell, send the result, leave without running the worker's own cleanup
            status = 0
            try:
                os.close(read_fd)
                _die_with_parent()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                with multiprocessing.connection.Connection(write_fd, readable=False) as conn:
                    conn.send(_run_cell_guarded(spec))
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(write_fd)
        with multiprocessing.connection.Connection(read_fd, writable=False) as conn:
            try:
                if not conn.poll(timeout):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return timeout_record(spec, timeout) | {"worker": worker}, {}
                record, arrays = conn.recv()
            except (EOFError, OSError):  # the cell's process died: try it once more
                _, status = os.waitpid(pid, 0)
                exit_code = os.waitstatus_to_exitcode(status)
                continue
        os.waitpid(pid, 0)
        return record | {"worker": worker}, arrays
    return failed_record(spec, f"worker process died (exit code {exit_code})") | {"worker": worker}, {}


class DaskExecutor:
    """Run cells on Dask: a new ``LocalCluster`` of ``workers`` single-threaded processes, or the scheduler at
    ``scheduler`` (``tcp://HOST:PORT``)."""

    def __init__(self, workers: int, timeout: float, scheduler: str | None = None):
        self.workers, self.timeout, self.scheduler = workers, timeout, scheduler
        self.inherited_fds: tuple = ()  # unused: Dask workers are not forked from this process
        self._client = self._cluster = None

    def start(self) -> None:
        """Connect to the scheduler (failing within 5 s with its address) or start a ``LocalCluster``."""
        from distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="5s")
            except (OSError, TimeoutError, ValueError, TypeError) as exc:  # unreachable, or a malformed address
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise ExecutorError(f"cannot reach the Dask scheduler at {self.scheduler}: {message}") from None
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=50)
            self._client = Client(self._cluster)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def run(self, specs: list[CellSpec]) -> Iterator[tuple[CellSpec, dict, dict]]:
        from distributed import as_completed

        client = self._client
        futures = {client.submit(_run_cell_in_child, spec, self.timeout, key=f"cell-{spec.run_id}-{spec.key}",
                                 pure=False): spec
                   for spec in specs}
        for future in as_completed(futures):
            spec = futures[future]
            try:
                record, arrays = future.result()
            except Exception as exc:  # e.g. a worker killed from outside, again and again
                yield spec, failed_record(spec, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"), {}
                continue
            yield spec, record, arrays
