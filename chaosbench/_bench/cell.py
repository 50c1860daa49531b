"""One cell of the benchmark grid — a system, a forecaster, a seed and a noise level — run from start to finish.

:func:`run_cell` takes and returns plain data (dicts and arrays), so any executor can ship it to a worker. It
never raises for a problem of the cell itself: a task that cannot be generated or a forecaster that raises gives
status ``failed``; a forecast that runs away gives ``diverged`` (its metrics are still computed, counting every step
from the first runaway one as the worst value); a metric that cannot be computed is NaN with its reason in
``error``. Besides the test windows, each cell runs the forecaster freely over the task's long run and scores the
long-term metrics beside their truth-versus-truth floors.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import socket
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np

from .._core.divergence import FORECAST_FACTOR, FORECAST_RULE, divergence_bound, diverged
from .._core.plugins import load_plugin_file
from .._forecasting.forecaster import forecaster_class, get_forecaster
from .._forecasting.metrics import error_curve, get_metric
from .._forecasting.task import Task

__all__ = ["CellSpec", "cell_specs", "derive_seed", "run_cell"]

CELL_THREADS = 1  # BLAS / torch threads per cell: the cell is the unit of parallelism, and results are bit-stable


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
    """The store's key of a cell: its names and numbers JSON-encoded, so no name can make two cells share one."""
    return json.dumps([system, forecaster, int(seed), float(noise)])


def cell_specs(config) -> list[CellSpec]:
    """The grid of a :class:`~chaosbench._bench.config.RunConfig`, in a fixed order."""

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
    try:
        data = Task(spec.system, seed=spec.task_seed, noise=spec.noise, **spec.task).generate()
    except Exception as exc:  # a divergent or broken system is a recorded failure, not a crashed run
        record.update(status="failed", error=f"task: {_error_message(exc)}")
        return {}
    record.update(dt=data.context["dt"], lyapunov_max=data.context["lyapunov_max"], horizon=data.horizon)
    long_run = data.long_run
    try:
        params = dict(spec.params)
        if spec.tune is not None:
            params, record["tuning"] = _tune(spec, data, params)
            record["params"] = params
        model = get_forecaster(spec.forecaster, **params)
        t0 = time.perf_counter()
        model.fit(data.train, data.context["dt"], covariates=data.train_covariates, validation=data.validation)
        record["fit_seconds"] = time.perf_counter() - t0
        record["fit_info"] = getattr(model, "fit_info_", None)
        t0 = time.perf_counter()
        predictions = [model.predict(data.horizon, context=w.context, covariates=w.covariates) for w in data.test]
        record["predict_seconds"] = time.perf_counter() - t0
        free_run = None if long_run is None else model.predict(
            len(long_run.target), context=long_run.context, covariates=long_run.covariates)
    except Exception as exc:  # the forecaster's own failure is recorded with its message
        record.update(status="failed", error=f"forecaster: {_error_message(exc)}")
        return {}
    truth = np.stack([w.target for w in data.test])
    forecast, runaway = cut_at_divergence(np.stack(predictions), data)
    stored = {"forecast": forecast, "truth": truth}
    last = np.stack([w.context[-1] for w in data.test])
    (truth, forecast), context = drift_as_increments([truth, forecast], last, data)
    record["status"] = "diverged" if runaway.any() else "ok"
    if runaway.any():
        record["error"] = (f"forecast left the attractor's range ({FORECAST_RULE}) in {int(runaway.sum())} of "
                           f"{len(forecast)} windows; scored as the worst value from that step on")
    values, problems = score(spec.metrics, truth, forecast, context)
    if free_run is not None:
        free_run, long_runaway = cut_at_divergence(free_run[None], data)
        values["long_run_diverged"] = float(long_runaway[0])
        # Increments of the continuation and the free run start from the context's last state; the independent
        # reference has no such state, so the first step of all three is left out of the long-term scores.
        (long_truth, free_run), _ = drift_as_increments([long_run.target[None], free_run], long_run.context[-1][None],
                                                        data)
        (reference,), _ = drift_as_increments([data.long_reference[None]], data.long_reference[:1], data)
        long_values, long_problems = score_long_run(spec.metrics, long_truth[0, 1:], free_run[0, 1:],
                                                    reference[0, 1:], context)
        values |= long_values
        problems += long_problems
    has_covariates = data.train_covariates.shape[1] > 0
    values |= {"diverged_fraction": float(runaway.mean()),
               "uses_covariates": float(has_covariates and bool(forecaster_class(spec.forecaster).tags.get(
                   "uses_covariates"))),
               "lyapunov_resolved": float(data.context["lyapunov_resolved"])}
    record["metrics"] = values
    if problems:
        record["error"] = "; ".join(filter(None, [record.get("error"), *problems]))
    if context["lyapunov_max"] > 0:
        stored["error_curve"] = np.stack([error_curve(t, f, context=context)[1] for t, f in zip(truth, forecast)])
    return stored


def drift_as_increments(series: list, last: np.ndarray, data) -> tuple[list, dict]:
    """Arrays (n_windows, n_steps, dim) as they are scored, and the metric context to score them with.

    Variables that drift by design (``context['unbounded']``: angles, positions on a periodic domain) are scored
    through their increments x_k - x_(k-1), x_(-1) being the last context value ``last`` (n_windows, dim), so that
    a forecast is judged by its motion and not by an ever-growing offset; the context's ``scale`` for them becomes
    the std of the training increments, and their physical units lose the offset ``loc``.
    """
    drifting = list(data.context["unbounded"])
    if not drifting:
        return series, data.context
    out = []
    for x in series:
        x = x.copy()
        x[:, :, drifting] = np.diff(x[:, :, drifting], axis=1, prepend=last[:, None, drifting])
        out.append(x)
    context = dict(data.context)
    context["scale"] = context["scale"].copy()
    context["scale"][drifting] = np.diff(data.train[:, drifting], axis=0).std(axis=0)
    context["loc"] = context["loc"].copy()
    context["loc"][drifting] = 0.0
    return out, context


def cut_at_divergence(forecast: np.ndarray, data) -> tuple[np.ndarray, np.ndarray]:
    """Forecasts (n_windows, n_steps, dim) with every step from the first runaway one on set to NaN, and which
    windows ran away, by the forecast rule of :mod:`chaosbench._core.divergence`: a non-finite value, or a variable
    beyond ``FORECAST_FACTOR`` times the largest magnitude of the training data's bounded variables; variables that
    drift by design (angles) never run away.
    NaN makes every metric count the rest of the window as its worst value (horizon metrics stop there)."""
    unbounded = list(data.context["unbounded"])
    bad = diverged(forecast, divergence_bound(np.delete(data.train, unbounded, axis=1), FORECAST_FACTOR), unbounded)
    first = np.where(bad.any(axis=1), bad.argmax(axis=1), forecast.shape[1])
    out = forecast.copy()
    for i, k in enumerate(first):
        out[i, k:] = np.nan
    return out, bad.any(axis=1)


def score(metrics, truth: np.ndarray, forecast: np.ndarray, context: dict) -> tuple[dict, list[str]]:
    """Each point-wise and horizon metric's median over the test windows; a metric that raises gives NaN and a
    message. Horizon metrics also give ``<name>_time`` (the value in time units, value / λ_max) and
    ``<name>_censored`` (the share of windows in which the forecast never left the threshold, so the value is only
    a lower bound); on a system with λ_max <= 0 they are NaN (no Lyapunov time)."""

    values, problems = {}, []
    for name in metrics:
        fn = get_metric(name)
        if fn.kind == "long_term":
            continue
        if fn.kind == "horizon" and not context["lyapunov_max"] > 0:
            values |= {name: math.nan, f"{name}_time": math.nan, f"{name}_censored": math.nan}
            problems.append(f"metric {name}: no Lyapunov time (λ_max = {context['lyapunov_max']:.3g} <= 0)")
            continue
        try:
            per_window = np.array([float(fn(t, f, context=context)) for t, f in zip(truth, forecast)])
        except Exception as exc:
            values[name] = math.nan
            problems.append(f"metric {name}: {_error_message(exc)}")
            continue
        values[name] = float(np.median(per_window))
        if fn.kind == "horizon":
            cap = truth.shape[1] * context["dt"] * context["lyapunov_max"]
            values[f"{name}_time"] = values[name] / context["lyapunov_max"]
            values[f"{name}_censored"] = float(np.mean(np.isclose(per_window, cap, rtol=1e-9)))
    return values, problems


def score_long_run(metrics, truth: np.ndarray, free_run: np.ndarray, reference: np.ndarray,
                   context: dict) -> tuple[dict, list[str]]:
    """The long-term metrics of a free run against the true continuation, each with ``<name>_floor``: the same
    metric between that continuation and an independent true series of equal length (the value a perfect model
    would score, up to sampling noise)."""

    values, problems = {}, []
    for name in metrics:
        fn = get_metric(name)
        if fn.kind != "long_term":
            continue
        for key, other in ((name, free_run), (f"{name}_floor", reference)):
            try:
                values[key] = float(fn(truth, other, context=context))
            except Exception as exc:
                values[key] = math.nan
                problems.append(f"metric {key}: {_error_message(exc)}")
    return values, problems


def _tune(spec: CellSpec, data, params: dict) -> tuple[dict, dict]:
    """Seeded random search over the forecaster's declared search space, scored on the validation windows.

    The budget is the number of trials, so the choice is reproducible; the time limit only guards against a search
    that would run far too long, and ``out_of_time`` records when it cut the search short."""

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
            model = get_forecaster(spec.forecaster, **candidate).fit(data.train, data.context["dt"],
                                                                     covariates=data.train_covariates)
            scores = []
            for w in data.validation:
                predicted = model.predict(len(w.target), context=w.context, covariates=w.covariates)
                (target, predicted), context = drift_as_increments([w.target[None], predicted[None]],
                                                                   w.context[-1][None], data)
                scores.append(fn(target[0], predicted[0], context=context))
            value = sign * float(np.median(scores))
        except Exception:  # a candidate that fails is simply not chosen
            continue
        if value > best_score:
            best, best_score = candidate, value
    return best, {"trials": tried, "space_size": len(grid), "metric": spec.tune["metric"],
                  "score": sign * best_score if math.isfinite(best_score) else None, "out_of_time": out_of_time}
