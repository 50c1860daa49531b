"""One cell of the benchmark grid — a system, a forecaster, a seed and a noise level — run from start to finish.

:func:`run_cell` takes and returns plain data (dicts and arrays), so any executor can ship it to a worker. It
never raises for a problem of the cell itself: a task that cannot be generated or a forecaster that raises gives
status ``failed``; a forecast with non-finite values gives ``diverged`` (its metrics are still computed: the
horizon metrics count the first bad step as the end of the valid prediction).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import socket
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["CellSpec", "cell_specs", "derive_seed", "run_cell"]

CELL_THREADS = 1  # BLAS / torch threads per cell: the cell is the unit of parallelism, and results are bit-stable
DIVERGENCE_FACTOR = 100.0  # a forecast beyond this many times the training data's largest magnitude has diverged


def derive_seed(*names) -> int:
    """A seed in [0, 2**31) that depends only on ``names`` (not on order, worker count or executor)."""
    digest = hashlib.sha256("\x1f".join(str(n) for n in names).encode()).digest()
    return int.from_bytes(digest[:4], "little") >> 1


@dataclass(frozen=True)
class CellSpec:
    """Everything a worker needs to run one cell (all plain values)."""

    key: str
    system: str
    forecaster: str
    seed: int
    noise: float
    task: dict
    params: dict
    metrics: tuple
    tune: dict | None
    task_seed: int
    random_state: int
    run_id: str = ""
    plugins: tuple = ()


def cell_key(system: str, forecaster: str, seed: int, noise: float) -> str:
    return f"{system}|{forecaster}|seed={seed}|noise={float(noise)!r}"


def cell_specs(config) -> list[CellSpec]:
    """The grid of a :class:`~chaosbench._config.RunConfig`, in a fixed order."""
    from ._forecaster import forecaster_class

    tune = ({"trials": config.tune_trials, "seconds": config.tune_seconds, "metric": config.tune_metric}
            if config.tune else None)
    specs, run_id = [], config.settings_hash()
    for system, name, seed, noise in itertools.product(config.systems, config.forecasters, config.seeds,
                                                       config.noise):
        params = dict(config.forecaster_params.get(name, {}))
        random_state = derive_seed("forecaster", system, name, seed, noise)
        if "random_state" in forecaster_class(name)._param_names():
            params.setdefault("random_state", random_state)
        specs.append(CellSpec(key=cell_key(system, name, seed, noise), system=system, forecaster=name, seed=seed,
                              noise=noise, task=config.task_settings(), params=params, metrics=config.metrics,
                              tune=tune, task_seed=derive_seed("task", system, seed), random_state=random_state,
                              run_id=run_id, plugins=config.plugins))
    return specs


def _error_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]


def _limit_threads():
    """Pin BLAS (and torch, when loaded) to :data:`CELL_THREADS` threads for the duration of a cell."""
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(limits=CELL_THREADS)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(CELL_THREADS)
    return limiter


def cell_record(spec: CellSpec) -> dict:
    """The fields every stored row of ``spec`` carries, whatever happened to the cell."""
    return {"key": spec.key, "system": spec.system, "forecaster": spec.forecaster, "seed": spec.seed,
            "noise": spec.noise, **{k: spec.task[k] for k in ("pts_per_period", "n_train", "horizon", "n_context",
                                                                 "n_test")},
            "standardize": int(spec.task["standardize"]), "task_seed": spec.task_seed,
            "random_state": spec.random_state, "params": spec.params}


def run_cell(spec: CellSpec) -> tuple[dict, dict]:
    """Run one cell; returns ``(record, arrays)``: the row for the store and the forecast arrays (may be empty)."""
    from ._plugins import load_plugin_file

    started = time.perf_counter()
    record = cell_record(spec) | {"worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        for path in spec.plugins:
            load_plugin_file(path)
    except Exception as exc:  # e.g. a plugin file missing on this worker's host
        record.update(status="failed", error=f"plugin: {_error_message(exc)}")
        return record, {}
    limiter = _limit_threads()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arrays = _run(spec, record)
    finally:
        limiter.restore_original_limits()
    record["cell_seconds"] = time.perf_counter() - started
    return record, arrays


def _run(spec: CellSpec, record: dict) -> dict:
    from ._forecaster import get_forecaster
    from ._task import Task

    try:
        data = Task(spec.system, seed=spec.task_seed, noise=spec.noise, **spec.task).generate()
    except Exception as exc:  # a divergent or broken system is a recorded failure, not a crashed run
        record.update(status="failed", error=f"task: {_error_message(exc)}")
        return {}
    record.update(dt=data.context["dt"], lyapunov_max=data.context["lyapunov_max"])
    try:
        params = dict(spec.params)
        if spec.tune is not None:
            params, record["tuning"] = _tune(spec, data, params)
            record["params"] = params
        model = get_forecaster(spec.forecaster, **params)
        t0 = time.perf_counter()
        model.fit(data.train, data.context["dt"])
        record["fit_seconds"] = time.perf_counter() - t0
        record["fit_info"] = getattr(model, "fit_info_", None)
        t0 = time.perf_counter()
        predictions = [model.predict(spec.task["horizon"], context=w.context) for w in data.test]
        record["predict_seconds"] = time.perf_counter() - t0
    except Exception as exc:  # the forecaster's own failure is recorded with its message
        record.update(status="failed", error=f"forecaster: {_error_message(exc)}")
        return {}
    truth = np.stack([w.target for w in data.test])
    forecast = np.stack(predictions)
    bound = DIVERGENCE_FACTOR * float(np.abs(data.train).max())
    with np.errstate(invalid="ignore"):
        runaway = ~(np.abs(forecast) <= bound)  # NaN counts as runaway
    record["status"] = "diverged" if runaway.any() else "ok"
    if runaway.any():
        record["error"] = (f"forecast left the attractor's range (|x| > {DIVERGENCE_FACTOR:g} x the training data's "
                           f"largest magnitude, or non-finite) in {int(runaway.any(axis=(1, 2)).sum())} of "
                           f"{len(forecast)} windows")
    record["metrics"], problems = score(spec.metrics, truth, forecast, data.context)
    if problems:
        record["error"] = "; ".join(filter(None, [record.get("error"), *problems]))
    from ._metrics import error_curve

    curves = np.stack([error_curve(t, f, context=data.context)[1] for t, f in zip(truth, forecast)])
    return {"forecast": forecast, "truth": truth, "error_curve": curves}


def score(metrics, truth: np.ndarray, forecast: np.ndarray, context: dict) -> tuple[dict, list[str]]:
    """Each metric's median over the test windows; a metric that raises gives NaN and a message."""
    from ._metrics import get_metric

    values, problems = {}, []
    for name in metrics:
        fn = get_metric(name)
        try:
            per_window = [float(fn(t, f, context=context)) for t, f in zip(truth, forecast)]
            values[name] = float(np.median(per_window))
        except Exception as exc:
            values[name] = math.nan
            problems.append(f"metric {name}: {_error_message(exc)}")
    return values, problems


def _tune(spec: CellSpec, data, params: dict) -> tuple[dict, dict]:
    """Seeded random search over the forecaster's declared search space, scored on the validation windows.

    The budget is the number of trials, so the choice is reproducible; the time limit only guards against a search
    that would run far too long, and ``out_of_time`` records when it cut the search short."""
    from ._forecaster import forecaster_class, get_forecaster
    from ._metrics import get_metric

    space = forecaster_class(spec.forecaster).search_space
    fixed = {k: v for k, v in params.items() if k not in space}
    grid = [dict(zip(space, values)) for values in itertools.product(*space.values())]
    rng = np.random.default_rng(spec.random_state)
    order = rng.permutation(len(grid))[: spec.tune["trials"]] if grid else []
    fn = get_metric(spec.tune["metric"])
    sign = 1.0 if fn.greater_is_better else -1.0
    best, best_score, tried, out_of_time = params, -math.inf, 0, False
    deadline = time.perf_counter() + spec.tune["seconds"]
    for index in order:
        if time.perf_counter() > deadline:  # a safety cap: the trial count is the (deterministic) budget
            out_of_time = True
            break
        candidate = {**fixed, **grid[index]}
        tried += 1
        try:
            model = get_forecaster(spec.forecaster, **candidate).fit(data.train, data.context["dt"])
            scores = [fn(w.target, model.predict(len(w.target), context=w.context), context=data.context)
                      for w in data.validation]
            value = sign * float(np.median(scores))
        except Exception:  # a candidate that fails is simply not chosen
            continue
        if value > best_score:
            best, best_score = candidate, value
    return best, {"trials": tried, "space_size": len(grid), "metric": spec.tune["metric"],
                  "score": sign * best_score if math.isfinite(best_score) else None, "out_of_time": out_of_time}
