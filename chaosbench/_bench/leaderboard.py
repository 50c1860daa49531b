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

__all__ = ["cells_frame", "read_cells", "leaderboard", "compare", "compare_notes", "task_settings", "AGGREGATES"]

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


def task_settings(settings: dict) -> dict:
    """The task settings of a run's manifest ``settings`` besides system, seed and noise, unset ones at their
    defaults (:data:`~chaosbench._bench.config.TASK_DEFAULTS`)."""
    return {key: settings.get(key, default) for key, default in TASK_DEFAULTS.items()}


GRID = ["system", "seed", "noise"]
RESOLVED_COLUMNS = ["horizon", "dt", "lyapunov_max"]  # resolved per (system, seed, noise) from the task settings


def _shared_grid(runs: dict) -> pd.DataFrame:
    """The (system, seed, noise) every run holds."""
    shared = None
    for results in runs.values():
        keys = results.cells[GRID].drop_duplicates()
        shared = keys if shared is None else shared.merge(keys, on=GRID)
    return shared


def _check_resolved(first_label: str, first, label: str, other, shared: pd.DataFrame) -> None:
    """Refuse when the two runs resolved a shared (system, seed, noise) to a different horizon, dt or λ_max."""
    own, theirs = (results.cells[GRID + RESOLVED_COLUMNS].drop_duplicates(GRID).merge(shared, on=GRID)
                   for results in (first, other))
    both = own.merge(theirs, on=GRID, suffixes=("_first", "_other"))
    for row in both.itertuples(index=False):
        for column in RESOLVED_COLUMNS:
            mine, yours = getattr(row, f"{column}_first"), getattr(row, f"{column}_other")
            if not (mine == yours or (pd.isna(mine) and pd.isna(yours))):
                raise ConfigError(f"{label} and {first_label} resolve {row.system}/seed {row.seed}/noise {row.noise} "
                                  f"differently, so their cells cannot be compared: {column} is {yours} in {label} "
                                  f"and {mine} in {first_label}")


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
        The runs' task settings differ (the first differing one is named), they share no cell, a shared cell's
        resolved ``horizon``, ``dt`` or ``lyapunov_max`` differs between them (the first is named), or ``metric``
        was not computed by all of them.

    See Also
    --------
    compare_notes : what the comparison leaves out, and where the runs differ besides their task settings.
    """
    (first_label, first), *others = runs.items()
    settings = {label: task_settings(results.manifest.get("settings", {})) for label, results in runs.items()}
    for label, _results in others:
        for key in TASK_DEFAULTS:  # the settings of a cell's task besides its system, seed and noise
            if settings[label][key] != settings[first_label][key]:
                raise ConfigError(f"{label} and {first_label} have different task settings, so their cells cannot "
                                  f"be compared: {key} is {settings[label][key]!r} in {label} and "
                                  f"{settings[first_label][key]!r} in {first_label}")
    metrics = [m for m in first.metrics if all(m in results.metrics for _label, results in others)]
    if metric is None:
        metric = "vpt_nrmse" if "vpt_nrmse" in metrics or not metrics else metrics[0]
    if metric not in metrics:
        raise ConfigError(f"metric {metric!r} was not computed by every run compared (computed by all: "
                          f"{', '.join(metrics) or 'none'})")
    shared = _shared_grid(runs)
    if shared.empty:
        raise ConfigError(f"{', '.join(runs)} share no cell (the same system, seed and noise level)")
    for label, results in others:
        _check_resolved(first_label, first, label, results, shared)
    columns = list(cell_dtypes(metrics))
    cells = pd.concat([results.cells[columns].merge(shared, on=GRID).assign(run=label)
                       for label, results in runs.items()], ignore_index=True)
    return leaderboard(cells, metrics, metric=metric, agg=agg, include_unresolved=include_unresolved,
                       by=("forecaster", "run"))


def compare_notes(runs: dict) -> list[str]:
    """What :func:`compare` leaves out of ``runs`` and where they differ besides their task settings, one line
    each: the cells of each run kept (those on the shared systems, seeds and noise levels), the metrics only some
    runs computed, the forecasters in several runs whose ``forecaster_params`` differ, and differing git
    commits."""
    shared = _shared_grid(runs)
    kept = [f"{len(results.cells.merge(shared, on=GRID))} of {len(results.cells)} in {label}"
            for label, results in runs.items()]
    notes = [f"cells kept (on the systems, seeds and noise levels all runs hold): {', '.join(kept)}"]
    dropped = [f"{m} ({label})" for label, results in runs.items() for m in results.metrics
               if not all(m in other.metrics for other in runs.values())]
    if dropped:
        notes.append(f"metrics left out (computed by only some runs): {', '.join(dropped)}")
    params = {label: results.manifest.get("settings", {}).get("forecaster_params") or {}
              for label, results in runs.items()}
    labels = list(runs)
    in_all = [name for name in runs[labels[0]].manifest.get("settings", {}).get("forecasters", [])
              if all(name in results.manifest.get("settings", {}).get("forecasters", [])
                     for results in runs.values())]
    for name in in_all:
        own = {label: params[label].get(name) or {} for label in labels}
        keys = sorted(key for key in {key for values in own.values() for key in values}
                      if len({repr(values.get(key, "default")) for values in own.values()}) > 1)
        if keys:
            notes.append(f"{name}: " + "; ".join(
                f"{key} " + ", ".join(f"{own[label].get(key, 'default')} in {label}" for label in labels)
                for key in keys))
    commits = {label: results.manifest.get("git_commit") for label, results in runs.items()}
    if len(set(commits.values())) > 1:
        notes.append("git commits differ: " + ", ".join(f"{commit or 'unknown'} in {label}"
                                                        for label, commit in commits.items()))
    dirty = [label for label, results in runs.items() if results.manifest.get("uncommitted_changes")]
    if dirty:
        notes.append(f"made with uncommitted changes to the source (their commit alone does not reproduce them): "
                     f"{', '.join(dirty)}")
    mixed = [label for label, results in runs.items() if results.manifest.get("earlier_git_commits")]
    if mixed:
        notes.append(f"resumed at another commit (some cells were made at earlier ones): {', '.join(mixed)}")
    return notes
