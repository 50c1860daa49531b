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
from ..exceptions import ConfigError

__all__ = ["cells_frame", "leaderboard", "AGGREGATES"]

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


def cells_frame(rows: list[dict], metrics: list[str] | tuple) -> pd.DataFrame:
    """One row per cell with the documented columns and dtypes."""
    numbers = metric_columns(metrics) + PROTOCOL_COLUMNS
    records = []
    for row in rows:
        values = json.loads(row["metrics"]) if row.get("metrics") else {}
        records.append({**{c: row.get(c) for c in LEAD_COLUMNS}, **{m: values.get(m, math.nan) for m in numbers},
                        **{c: row.get(c) for c in TIMING_COLUMNS + TAIL_COLUMNS}})
    frame = pd.DataFrame.from_records(records, columns=LEAD_COLUMNS + numbers + TIMING_COLUMNS + TAIL_COLUMNS)
    for column in ("seed", "n_train", "horizon", "n_context", "n_test", "task_seed", "random_state"):
        frame[column] = frame[column].astype("Int64")
    frame["standardize"] = frame["standardize"].astype("boolean")
    for column in ("long_run_diverged", "uses_covariates", "lyapunov_resolved"):
        frame[column] = frame[column].map({1.0: True, 0.0: False}).astype("boolean")
    for column in ["noise", "pts_per_period", "dt", "lyapunov_max", *metric_columns(metrics), "diverged_fraction",
                   *TIMING_COLUMNS]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("system", "forecaster", "status", "error", "params", "tuning", "fit_info", "worker",
                   "finished_at"):
        frame[column] = frame[column].astype("string")
    return frame


def _worst(name: str) -> float:
    fn = get_metric(name)
    if fn.kind == "horizon":
        return 0.0
    return -math.inf if fn.greater_is_better else math.inf


def leaderboard(cells: pd.DataFrame, metrics, metric: str = "vpt_nrmse", agg: str = "median",
                include_unresolved: bool = False) -> pd.DataFrame:
    """Rank forecasters by ``agg`` (median or mean) of ``metric`` over their cells (those of systems with an
    unresolved λ_max only when ``include_unresolved``)."""
    if metric not in metrics:
        raise ConfigError(f"metric {metric!r} was not computed in this run (computed: {', '.join(metrics)})")
    if agg not in AGGREGATES:
        raise ConfigError(f"agg must be one of {', '.join(AGGREGATES)}, got {agg!r}")
    ascending = not get_metric(metric).greater_is_better
    if not include_unresolved and "lyapunov_resolved" in cells:
        unresolved = set(cells.loc[cells["lyapunov_resolved"].eq(False).fillna(False), "system"])
        cells = cells[~cells["system"].isin(unresolved)]
    rows = []
    for name, group in cells.groupby("forecaster", sort=True):
        filled = {m: group[m].fillna(_worst(m)).to_numpy(float) for m in metrics}
        main = filled[metric]
        with np.errstate(invalid="ignore"):
            row = {"forecaster": name, f"{metric}_{agg}": float(np.median(main) if agg == "median" else np.mean(main)),
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
        return pd.DataFrame(columns=["rank", "forecaster"])
    key = f"{metric}_{agg}"
    board = board.sort_values([key, "success_rate", "forecaster"], ascending=[ascending, False, True],
                              kind="mergesort").reset_index(drop=True)
    board.insert(0, "rank", board[key].rank(method="min", ascending=ascending).astype(int))
    return board
