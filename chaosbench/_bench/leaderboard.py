"""Tables of a run: ``cells.csv`` (one row per cell) and ``leaderboard.csv`` (one row per forecaster).

cells.csv columns
    ``system, forecaster, seed, status`` (ok | diverged | failed | timeout), then the task settings ``noise,
    pts_per_period, n_train, horizon`` (the steps forecast, resolved from the horizon in Lyapunov times)``,
    n_context, n_test, standardize, dt, lyapunov_max``; one column per metric: point-wise and horizon metrics are
    medians over the cell's test windows, each horizon metric followed by ``<metric>_time`` (in time units) and
    ``<metric>_censored`` (share of windows whose forecast never crossed the threshold: the value is a lower
    bound), each long-term metric is scored on the long free run and followed by ``<metric>_floor`` (truth against
    an independent truth of equal length); then ``diverged_fraction`` (share of test windows that ran away),
    ``long_run_diverged`` (the long free run ran away: its long-term scores are then infinite),
    ``uses_covariates`` (the forecaster read the forcing phase), ``lyapunov_resolved`` (λ_max agrees with its
    independent reference; False rows are left out of default aggregates); the timings ``fit_seconds,
    predict_seconds, cell_seconds``, then ``error, params`` (JSON), ``tuning`` (JSON), ``fit_info`` (JSON),
    ``task_seed, random_state, worker, finished_at``.

leaderboard.csv columns
    ``rank, forecaster``, ``<metric>_median``, ``<metric>_q25``, ``<metric>_q75`` for the ranking metric, then
    ``<other>_median`` for every other metric (and ``<metric>_floor_median`` beside each long-term one),
    ``censored_fraction`` (share of the ranking horizon metric's windows censored by the horizon),
    ``diverged_fraction`` (share of test windows that ran away), ``success_rate`` (share of cells with status ok),
    ``n_cells``, ``fit_seconds_median``. Cells without a value for a metric (failed, timed out) count as its worst
    value (0 Lyapunov times for the horizon metrics, ±inf otherwise), and a diverged window counts as the worst
    value from its runaway step on, so unreliability is never rewarded. Systems whose λ_max is unresolved are left
    out unless ``include_unresolved`` is set.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from .._forecasting.metrics import get_metric
from ..exceptions import ConfigError, ResultsStoreError
from .config import TASK_DEFAULTS

__all__ = ["cells_frame", "read_cells", "leaderboard", "compare", "AGGREGATES"]

LEAD_COLUMNS = ["system", "forecaster", "seed", "status", "noise", "pts_per_period", "n_train", "horizon",
                "n_context", "n_test", "standardize", "dt", "lyapunov_max"]
TIMING_COLUMNS = ["fit_seconds", "predict_seconds", "cell_seconds"]
PROTOCOL_COLUMNS = ["diverged_fraction", "long_run_diverged", "uses_covariates", "lyapunov_resolved"]
TAIL_COLUMNS = ["error", "params", "tuning", "fit_info", "task_seed", "random_state", "worker", "finished_at"]
AGGREGATES = ("median", "mean")


def metric_columns(metrics) -> list[str]:
    """Each metric's column followed by its companions (``_time``/``_censored`` or ``_floor``)."""
    columns = []
    for name in metrics:
        kind = get_metric(name).kind
        columns += [name] + {"horizon": [f"{name}_time", f"{name}_censored"], "long_term": [f"{name}_floor"]}.get(
            kind, [])
    return columns


INTEGER_COLUMNS = ("seed", "n_train", "horizon", "n_context", "n_test", "task_seed", "random_state")
FLAG_COLUMNS = ("standardize", "long_run_diverged", "uses_covariates", "lyapunov_resolved")
TEXT_COLUMNS = ("system", "forecaster", "status", "error", "params", "tuning", "fit_info", "worker", "finished_at")


def cell_dtypes(metrics) -> dict[str, str]:
    """The columns of ``cells.csv`` in order, each with its dtype (``Int64``, ``boolean``, ``string`` or
    ``float64``)."""
    columns = LEAD_COLUMNS + metric_columns(metrics) + PROTOCOL_COLUMNS + TIMING_COLUMNS + TAIL_COLUMNS
    return {c: "Int64" if c in INTEGER_COLUMNS else "boolean" if c in FLAG_COLUMNS
            else "string" if c in TEXT_COLUMNS else "float64" for c in columns}


def cells_frame(rows: list[dict], metrics: list[str] | tuple) -> pd.DataFrame:
    """One row per cell with the documented columns and dtypes."""
    numbers = metric_columns(metrics) + PROTOCOL_COLUMNS
    records = []
    for row in rows:
        values = json.loads(row["metrics"]) if row.get("metrics") else {}
        records.append({**{c: row.get(c) for c in LEAD_COLUMNS}, **{m: values.get(m, math.nan) for m in numbers},
                        **{c: row.get(c) for c in TIMING_COLUMNS + TAIL_COLUMNS}})
    dtypes = cell_dtypes(metrics)
    frame = pd.DataFrame.from_records(records, columns=list(dtypes))
    for column in ("long_run_diverged", "uses_covariates", "lyapunov_resolved"):  # stored as 1.0 / 0.0 metrics
        frame[column] = frame[column].map({1.0: True, 0.0: False})
    for column, dtype in dtypes.items():
        if dtype == "float64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def read_cells(path, metrics: list[str] | tuple) -> pd.DataFrame:
    """``cells.csv`` read back with the columns and dtypes of :func:`cells_frame` (numbers exactly as written; an
    empty text field reads as missing).

    Raises
    ------
    ResultsStoreError
        The file is missing, unreadable, or its columns are not those of a run with ``metrics``.
    """
    dtypes = cell_dtypes(metrics)
    try:
        header = list(pd.read_csv(path, nrows=0).columns)
        if header == list(dtypes):
            return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""],
                               float_precision="round_trip")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ResultsStoreError(f"cannot read {path}: {exc}") from None
    missing = [c for c in dtypes if c not in header]
    extra = [c for c in header if c not in dtypes]
    detail = (f"missing column {missing[0]!r}" if missing else f"unexpected column {extra[0]!r}" if extra
              else "columns out of order")
    raise ResultsStoreError(f"{path} does not hold the cells of a run with metrics {', '.join(metrics)} ({detail})")


def _worst(name: str) -> float:
    fn = get_metric(name)
    if fn.kind == "horizon":
        return 0.0
    return -math.inf if fn.greater_is_better else math.inf


def leaderboard(cells: pd.DataFrame, metrics, metric: str = "vpt_nrmse", agg: str = "median",
                include_unresolved: bool = False, by: tuple = ("forecaster",)) -> pd.DataFrame:
    """Rank forecasters by ``agg`` (median or mean) of ``metric`` over their cells (those of systems with an
    unresolved λ_max only when ``include_unresolved``); one row per value of the ``by`` columns."""
    if metric not in metrics:
        raise ConfigError(f"metric {metric!r} was not computed in this run (computed: {', '.join(metrics)})")
    if agg not in AGGREGATES:
        raise ConfigError(f"agg must be one of {', '.join(AGGREGATES)}, got {agg!r}")
    ascending = not get_metric(metric).greater_is_better
    if not include_unresolved and "lyapunov_resolved" in cells:
        unresolved = set(cells.loc[cells["lyapunov_resolved"].eq(False).fillna(False), "system"])
        cells = cells[~cells["system"].isin(unresolved)]
    rows = []
    for names, group in cells.groupby(list(by), sort=True):
        filled = {m: group[m].fillna(_worst(m)).to_numpy(float) for m in metrics}
        main = filled[metric]
        with np.errstate(invalid="ignore"):
            row = {**dict(zip(by, names)),
                   f"{metric}_{agg}": float(np.median(main) if agg == "median" else np.mean(main)),
                   f"{metric}_q25": float(np.quantile(main, 0.25)), f"{metric}_q75": float(np.quantile(main, 0.75))}
            for m in metrics:
                if m != metric:
                    row[f"{m}_median"] = float(np.median(filled[m]))
                if get_metric(m).kind == "long_term" and f"{m}_floor" in group:
                    row[f"{m}_floor_median"] = float(group[f"{m}_floor"].median())
        if get_metric(metric).kind == "horizon" and f"{metric}_censored" in group:
            row["censored_fraction"] = float(group[f"{metric}_censored"].mean())
        if "diverged_fraction" in group:
            row["diverged_fraction"] = float(group["diverged_fraction"].fillna(0.0).mean())
        row["success_rate"] = float((group["status"] == "ok").mean())
        row["n_cells"] = len(group)
        row["fit_seconds_median"] = float(group["fit_seconds"].median()) if group["fit_seconds"].notna().any() \
            else math.nan
        rows.append(row)
    board = pd.DataFrame(rows)
    if board.empty:
        return pd.DataFrame(columns=["rank", *by])
    key = f"{metric}_{agg}"
    board = board.sort_values([key, "success_rate", *by], ascending=[ascending, False, *[True] * len(by)],
                              kind="mergesort").reset_index(drop=True)
    board.insert(0, "rank", board[key].rank(method="min", ascending=ascending).astype(int))
    return board


def compare(runs: dict, metric: str | None = None, agg: str = "median", include_unresolved: bool = False
            ) -> pd.DataFrame:
    """One leaderboard of the forecasters of several runs over the cells they share.

    Parameters
    ----------
    runs : dict
        Label -> :class:`~chaosbench._bench.runner.Results`, the reference first; each row of the result names its
        run in the ``run`` column (a forecaster in two runs has a row for each).
    metric, agg, include_unresolved
        As for :func:`leaderboard`; ``metric`` defaults to ``vpt_nrmse``, or the first metric all runs computed.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`leaderboard` with ``run`` after ``forecaster``, over the cells whose (system, seed,
        noise) every run holds.

    Raises
    ------
    ConfigError
        The runs' task settings differ (the first differing one is named), they share no cell, or ``metric`` was
        not computed by all of them.
    """
    (first_label, first), *others = runs.items()
    settings = {label: results.manifest.get("settings", {}) for label, results in runs.items()}
    for label, _results in others:
        for key in TASK_DEFAULTS:  # the settings of a cell's task besides its system, seed and noise
            if settings[label].get(key) != settings[first_label].get(key):
                raise ConfigError(f"{label} and {first_label} have different task settings, so their cells cannot "
                                  f"be compared: {key} is {settings[label].get(key)!r} in {label} and "
                                  f"{settings[first_label].get(key)!r} in {first_label}")
    metrics = [m for m in first.metrics if all(m in results.metrics for _label, results in others)]
    if metric is None:
        metric = "vpt_nrmse" if "vpt_nrmse" in metrics or not metrics else metrics[0]
    if metric not in metrics:
        raise ConfigError(f"metric {metric!r} was not computed by every run compared (computed by all: "
                          f"{', '.join(metrics) or 'none'})")
    grid = ["system", "seed", "noise"]
    shared = None
    for results in runs.values():
        keys = results.cells[grid].drop_duplicates()
        shared = keys if shared is None else shared.merge(keys, on=grid)
    if shared.empty:
        raise ConfigError(f"{', '.join(runs)} share no cell (the same system, seed and noise level)")
    columns = list(cell_dtypes(metrics))
    cells = pd.concat([results.cells[columns].merge(shared, on=grid).assign(run=label)
                       for label, results in runs.items()], ignore_index=True)
    return leaderboard(cells, metrics, metric=metric, agg=agg, include_unresolved=include_unresolved,
                       by=("forecaster", "run"))
