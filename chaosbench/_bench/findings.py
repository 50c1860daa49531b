"""The findings of Gilpin's 2023 study, computed from a run: ``chaosbench findings`` and a section of the report.

Reference: W. Gilpin, "Model scale versus domain knowledge in statistical forecasting of chaotic systems", Phys. Rev.
Research 5, 043252 (2023), arXiv:2303.08011. What the study reports is recorded in :data:`STUDY_CLAIMS`, each claim
with where it was read; a claim that could not be confirmed from the paper says so.

Every number here is computed from a run's cells: a cell without a value (failed, timed out) counts as the metric's
worst value (0 Lyapunov times for a horizon metric, ±inf otherwise) and systems whose λ_max is unresolved are left
out, both as in the leaderboard; in the data-limited sweep a cell that could not run because its training data were
shorter than the forecaster needs is left out instead and listed (:func:`too_short`). Per (system, forecaster) the
value is the median over seeds and noise levels.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._dynamics.datafile import computed_invariants
from .._forecasting.forecaster import forecaster_class
from .._forecasting.metrics import get_metric
from ..exceptions import ConfigError
from .leaderboard import _worst
from .tables import markdown_table, training_budget

__all__ = ["STUDY_CLAIMS", "MODEL_CLASSES", "system_invariants", "capped_systems", "too_short", "spearman_ci",
           "invariant_correlations", "horizon_regimes", "family_ranking", "data_sweep", "class_gap", "agreement",
           "findings_lines",
           "write_findings"]

CITATION = "Gilpin, Phys. Rev. Research 5, 043252 (2023), arXiv:2303.08011"
INVARIANTS = {"lyapunov_max": "λ_max", "correlation_dimension": "correlation dimension"}
MIN_SYSTEMS = 5  # fewer systems: no findings (a rank correlation over 4 points takes 24 values at most)
FEW_SYSTEMS = 30  # fewer systems: every verdict is flagged as resting on few systems (the study used 135)
LONG_HORIZON = 1.0  # median VPT (Lyapunov times) from which a forecaster counts as in the long-horizon regime
N_BOOT = 2000
LEVEL = 0.95
SEED = 0
NO_CORRELATION = 0.3  # equivalence margin: "no correlation" needs the whole 95 % interval of ρ inside (-0.3, 0.3)
MAX_CENSORED = 0.2  # a verdict resting on more censored windows than this share is inconclusive
STUDY_PROTOCOL = {"metric": "vpt_smape", "horizon": 200, "pts_per_period": 100}  # Task.GILPIN2023 (dysts periods)
PNG_DPI = 110
TOO_SHORT = re.compile(r"training data has (\d+) time steps; \S+ needs at least (\d+)")  # Forecaster.fit's error

#: chaosbench's own mapping of its forecasters onto the study's two model classes (not the study's list): the
#: abstract names transformers and recurrent networks as large-scale, domain-agnostic methods and reservoir computers
#: and neural ODEs as methods grounded in dynamical systems theory; the other members are chaosbench's reading.
#: Large, domain-agnostic: the deep sequence models learning from data alone (N-BEATS, N-HiTS, TCN, the recurrent
#: networks, the transformer) and the pretrained Chronos. Physics-based / hybrid: the reservoir computers (esn, ngrc),
#: the neural ODE, the model-discovery and operator methods (sindy, dmd, edmd), the piecewise-linear RNNs built for
#: dynamical-systems reconstruction (shplrnn, alrnn) and context parroting (analogue forecasting on the attractor's
#: recurrences). Every other forecaster (baselines, classical, regression, the linear maps dlinear and nlinear) is
#: ``"other"``.
LARGE, PHYSICS, OTHER = "large domain-agnostic", "physics-based / hybrid", "other"
MODEL_CLASSES = {**dict.fromkeys(("nbeats", "nhits", "transformer", "tcn", "rnn", "gru", "lstm", "chronos"), LARGE),
                 **dict.fromkeys(("esn", "ngrc", "node", "sindy", "dmd", "edmd", "shplrnn", "alrnn",
                                  "context_parroting"), PHYSICS)}

#: What the study reports, paraphrased, with where it was read. ``confirmed`` is False where the claim could not be
#: checked against the paper itself here.
STUDY_CLAIMS = {
    "scale": {
        "claim": "large-scale, domain-agnostic forecasting methods (the abstract's examples: transformers, recurrent "
                 "neural networks) forecast best, accurately up to two dozen Lyapunov times",
        "source": f"{CITATION}, abstract", "confirmed": True},
    "long_horizon": {
        "claim": "in the long-horizon regime reached by those models, forecast accuracy decorrelates from classical "
                 "invariants of predictability such as λ_max",
        "source": f"{CITATION}, abstract", "confirmed": True},
    "short_horizon": {
        "claim": "outside the long-horizon regime, systems with a larger λ_max are forecast less well",
        "source": f"implied by the contrast drawn in the abstract of {CITATION}; its size and sign not stated there",
        "confirmed": False},
    "correlation_dimension": {
        "claim": "a relation between forecast accuracy and the correlation dimension",
        "source": "no statement found", "confirmed": False},
    "data_limited": {
        "claim": "with little training data, physics-based hybrid methods (the abstract's examples of methods "
                 "grounded in dynamical systems theory: reservoir computers, neural ODEs) keep an advantage over "
                 "the large domain-agnostic models",
        "source": f"{CITATION}, abstract; the dysts benchmark script benchmarks/multivariate_data_limited_node_esn_"
                  "nvar.py sweeps training lengths from about 100 to 1000 points (the lengths reported in the "
                  "paper were not confirmed from the paper here)", "confirmed": True},
}


# --------------------------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------------------------
def family_of(forecaster: str) -> str:
    """The ``family`` tag of a registered forecaster (``"other"`` for a name no longer registered)."""
    try:
        return forecaster_class(forecaster).tags.get("family", "other")
    except LookupError:
        return "other"


def class_of(forecaster: str) -> str:
    """The forecaster's model class in chaosbench's mapping onto the study's classes (:data:`MODEL_CLASSES`)."""
    return MODEL_CLASSES.get(forecaster, OTHER)


GROUPS = {"family": family_of, "class": class_of}


def _check_metric(cells: pd.DataFrame, metric: str | None) -> str:
    if metric is None:
        metric = next((m for m in ("vpt_nrmse", "vpt_smape") if m in cells.columns), None)
        if metric is None:
            raise ConfigError("the run has no VPT column (vpt_nrmse or vpt_smape); name a metric with --metric")
    get_metric(metric)
    if metric not in cells.columns:
        raise ConfigError(f"the run did not compute {metric!r}")
    return metric


def _usable(cells: pd.DataFrame) -> pd.DataFrame:
    if "lyapunov_resolved" in cells:
        unresolved = set(cells.loc[cells["lyapunov_resolved"].eq(False).fillna(False), "system"])
        cells = cells[~cells["system"].isin(unresolved)]
    return cells


def _per_system(cells: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Median ``metric`` per (system, forecaster) over seeds and noise levels, missing values as the worst value:
    a systems × forecasters table."""
    cells = _usable(cells)
    values = cells[metric].astype(float).fillna(_worst(metric))
    frame = pd.DataFrame({"system": cells["system"].astype(str), "forecaster": cells["forecaster"].astype(str),
                          "value": values.to_numpy()})
    return frame.pivot_table(index="system", columns="forecaster", values="value", aggfunc="median")


def _censored_share(cells: pd.DataFrame, metric: str, forecasters=None, systems=None) -> float:
    """Share of the windows censored by the horizon over the usable cells (:func:`_usable`) of ``forecasters`` on
    ``systems`` (default: all)."""
    column = f"{metric}_censored"
    if column not in cells:
        return 0.0
    cells = _usable(cells)
    if forecasters is not None:
        cells = cells[cells["forecaster"].isin(list(forecasters))]
    if systems is not None:
        cells = cells[cells["system"].astype(str).isin(list(systems))]
    share = cells[column].astype(float).mean()
    return 0.0 if math.isnan(share) else float(share)


def capped_systems(cells: pd.DataFrame, horizon_lyapunov: float | None) -> list[str]:
    """The usable systems whose forecast horizon was capped: fewer steps than ``horizon_lyapunov`` Lyapunov times,
    i.e. ``horizon · dt · λ_max < horizon_lyapunov`` from the cells' resolved ``horizon``, ``dt`` and
    ``lyapunov_max``. On those systems a censored VPT equals ``horizon · dt · λ_max``, tied to λ_max by
    construction. Empty without ``horizon_lyapunov`` (a fixed horizon: then every system's cap is tied to λ_max and
    only the censored share, :data:`MAX_CENSORED`, guards the verdicts)."""
    if horizon_lyapunov is None or not {"horizon", "dt", "lyapunov_max"} <= set(cells.columns):
        return []
    cells = _usable(cells)
    reach = (cells["horizon"].astype(float) * cells["dt"].astype(float) * cells["lyapunov_max"].astype(float))
    per_system = reach.groupby(cells["system"].astype(str)).median()
    return sorted(per_system.index[per_system < float(horizon_lyapunov) * (1 - 1e-9)])


def _too_short_found(cells: pd.DataFrame) -> pd.DataFrame:
    errors = cells["error"] if "error" in cells else pd.Series(pd.NA, index=cells.index)
    return errors.astype("string").str.extract(TOO_SHORT)


def too_short(cells: pd.DataFrame) -> pd.DataFrame:
    """The cells that could not run because the training data were shorter than the forecaster needs (the error of
    :meth:`Forecaster.fit <chaosbench.Forecaster.fit>`): one row per forecaster with ``forecaster``, ``n_train``
    (the steps given), ``needs`` (the most steps asked for) and ``n_cells``."""
    found = _too_short_found(cells)
    hit = found[0].notna()
    frame = pd.DataFrame({"forecaster": cells.loc[hit, "forecaster"].astype(str),
                          "n_train": found.loc[hit, 0].astype(int), "needs": found.loc[hit, 1].astype(int)})
    return (frame.groupby("forecaster").agg(n_train=("n_train", "max"), needs=("needs", "max"),
                                            n_cells=("needs", "size")).reset_index())


def system_invariants(cells: pd.DataFrame) -> pd.DataFrame:
    """λ_max and correlation dimension of each system of a run, indexed by system.

    λ_max is the value the run used (the cells' ``lyapunov_max`` column, median over the system's cells; it comes
    from chaosbench's computed invariants); the correlation dimension is chaosbench's computed Grassberger-Procaccia
    estimate shipped in ``systems/invariants.csv`` (:func:`chaosbench._dynamics.invariants.correlation_dimension`),
    not a literature value. A system without a value has NaN.
    """
    systems = sorted(set(cells["system"].astype(str)))
    lyapunov = (cells.assign(system=cells["system"].astype(str)).groupby("system")["lyapunov_max"].median()
                if "lyapunov_max" in cells else pd.Series(dtype=float))
    rows = []
    for name in systems:
        stored = computed_invariants(name) or {}
        value = stored.get("correlation_dimension")
        rows.append({"system": name, "lyapunov_max": float(lyapunov.get(name, math.nan)),
                     "correlation_dimension": math.nan if value is None else float(value)})
    return pd.DataFrame(rows, columns=["system", *INVARIANTS]).set_index("system")


# --------------------------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------------------------
def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman ρ of each row pair: the Pearson correlation of the average ranks (NaN where either is constant)."""
    from scipy.stats import rankdata

    rx, ry = rankdata(x, axis=-1), rankdata(y, axis=-1)
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rx * ry).sum(axis=-1) / np.sqrt((rx ** 2).sum(axis=-1) * (ry ** 2).sum(axis=-1))
    return np.clip(rho, -1.0, 1.0)


def spearman_ci(x, y, *, n_boot: int = N_BOOT, level: float = LEVEL, seed: int = SEED) -> dict:
    """Spearman rank correlation of ``x`` and ``y`` with a percentile bootstrap confidence interval.

    ρ is the Pearson correlation of the average ranks (ties share their mean rank; Spearman, Am. J. Psychol. 15,
    72, 1904). The interval resamples the n pairs (systems) with replacement ``n_boot`` times with
    ``numpy.random.default_rng(seed)``; resamples whose x or y is constant have no ρ and are left out (counted in
    ``n_boot_used``); the bounds are the (1 - level)/2 and (1 + level)/2 quantiles of the remaining ρ (percentile
    bootstrap, Efron & Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13).

    Returns
    -------
    dict
        ``rho``, ``ci_low``, ``ci_high``, ``n`` (pairs) and ``n_boot_used``; NaN where fewer than 3 pairs or a
        constant ``x`` or ``y`` leave ρ undefined.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    out = {"rho": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": n, "n_boot_used": 0}
    if n < 3:
        return out
    out["rho"] = float(_spearman_rows(x, y))
    if math.isnan(out["rho"]):
        return out
    index = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    rhos = _spearman_rows(x[index], y[index])
    rhos = rhos[np.isfinite(rhos)]
    if len(rhos):
        low, high = np.quantile(rhos, [(1 - level) / 2, (1 + level) / 2])
        out |= {"ci_low": float(low), "ci_high": float(high), "n_boot_used": int(len(rhos))}
    return out


def _correlate(values: pd.Series, invariants: pd.DataFrame, cells: pd.DataFrame, metric: str, members,
               capped=(), **boot) -> list[dict]:
    """ρ of a per-system series against each invariant, dropping (and counting) systems without the invariant and,
    for λ_max, the ``capped`` systems; ``censored`` is the censored share of ``members``' windows on the systems
    used."""
    rows = []
    for key in INVARIANTS:
        joined = pd.concat([values.rename("value"), invariants[key]], axis=1, join="inner")
        kept = joined.drop(index=list(capped) if key == "lyapunov_max" else [], errors="ignore")
        usable = kept.dropna()
        stats = spearman_ci(usable[key], usable["value"], **boot)
        rows.append({"invariant": key, **stats, "n_dropped": int(len(kept) - len(usable)),
                     "n_capped": int(len(joined) - len(kept)),
                     "censored": _censored_share(cells, metric, members, usable.index)})
    return rows


def _capped(cells: pd.DataFrame, metric: str, horizon_lyapunov: float | None) -> list[str]:
    return capped_systems(cells, horizon_lyapunov) if get_metric(metric).kind == "horizon" else []


def invariant_correlations(cells: pd.DataFrame, metric: str = "vpt_nrmse", *, invariants: pd.DataFrame | None = None,
                           horizon_lyapunov: float | None = None, n_boot: int = N_BOOT,
                           seed: int = SEED) -> pd.DataFrame:
    """Spearman ρ across systems of each forecaster's (and family's) per-system metric against λ_max and against
    the correlation dimension, with a percentile bootstrap 95 % interval over systems.

    Per forecaster the per-system value is the median over its cells of the system; per family it is the median
    over the family's forecasters of those values. ρ and its interval are those of :func:`spearman_ci` over the
    systems that have the invariant; the others are dropped and counted (``n_dropped``). For a horizon metric, ρ
    against λ_max leaves out the systems whose horizon was capped (:func:`capped_systems`), counted in
    ``n_capped``.

    Parameters
    ----------
    cells : DataFrame
        A run's cells (``Results.cells``).
    metric : str
        The metric correlated (default ``vpt_nrmse``, in Lyapunov times).
    invariants : DataFrame, optional
        Per-system invariants indexed by system with columns ``lyapunov_max`` and ``correlation_dimension``
        (default :func:`system_invariants`).
    horizon_lyapunov : float, optional
        The run's horizon in Lyapunov times (its settings), which tells the capped systems.
    n_boot, seed : int
        Bootstrap resamples and the seed of their generator.

    Returns
    -------
    DataFrame
        One row per (level, name, invariant): ``level`` (forecaster or family), ``name``, ``family``,
        ``invariant``, ``rho``, ``ci_low``, ``ci_high``, ``n`` (systems used), ``n_dropped``, ``n_capped``,
        ``n_boot_used``, ``censored`` (share of the group's windows on the systems used censored by the horizon:
        the VPT is then a lower bound).
    """
    metric = _check_metric(cells, metric)
    invariants = system_invariants(cells) if invariants is None else invariants
    table = _per_system(cells, metric)
    common = {"cells": cells, "metric": metric, "capped": _capped(cells, metric, horizon_lyapunov),
              "n_boot": n_boot, "seed": seed}
    rows = []
    for name in table.columns:
        for row in _correlate(table[name], invariants, members=[name], **common):
            rows.append({"level": "forecaster", "name": name, "family": family_of(name), **row})
    families = pd.Series({name: family_of(name) for name in table.columns})
    for family, members in families.groupby(families):
        values = table[list(members.index)].median(axis=1)
        for row in _correlate(values, invariants, members=list(members.index), **common):
            rows.append({"level": "family", "name": family, "family": family, **row})
    return pd.DataFrame(rows)


def horizon_regimes(cells: pd.DataFrame, metric: str = "vpt_nrmse", *, threshold: float = LONG_HORIZON,
                    invariants: pd.DataFrame | None = None, horizon_lyapunov: float | None = None,
                    n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """The short- versus long-horizon comparison: ρ of VPT against each invariant within each regime.

    The study separates a long-horizon regime, reached by forecasts that stay accurate for many Lyapunov times,
    from the classical short-horizon one. Here a forecaster is in the long-horizon regime when its median VPT over
    systems is at least ``threshold`` Lyapunov times (default 1: the classical predictability time; a chaosbench
    choice, not the study's), else in the short-horizon regime. Per regime and system the value is the median over
    the regime's forecasters of their per-system VPT, and ρ is :func:`spearman_ci` across systems (against λ_max
    without the systems whose horizon was capped, as in :func:`invariant_correlations`).

    Returns
    -------
    DataFrame
        One row per (regime, invariant): ``regime``, ``forecasters`` (comma-separated), ``invariant``, ``rho``,
        ``ci_low``, ``ci_high``, ``n``, ``n_dropped``, ``n_capped``, ``n_boot_used``, ``censored``; a regime
        without forecasters has NaN statistics.
    """
    metric = _check_metric(cells, metric)
    if get_metric(metric).kind != "horizon":
        raise ConfigError(f"the horizon regimes are defined by a VPT; {metric!r} is not a horizon metric")
    invariants = system_invariants(cells) if invariants is None else invariants
    table = _per_system(cells, metric)
    capped = _capped(cells, metric, horizon_lyapunov)
    median = table.median(axis=0)
    rows = []
    for regime, members in (("short", median.index[median < threshold]), ("long", median.index[median >= threshold])):
        values = table[list(members)].median(axis=1) if len(members) else pd.Series(math.nan, index=table.index)
        for row in _correlate(values, invariants, cells, metric, list(members), capped, n_boot=n_boot, seed=seed):
            rows.append({"regime": regime, "forecasters": ", ".join(members), **row})
    return pd.DataFrame(rows)


def _check_groups(groups: str):
    if groups not in GROUPS:
        raise ConfigError(f"groups must be one of {sorted(GROUPS)}, got {groups!r}")
    return GROUPS[groups]


def family_ranking(cells: pd.DataFrame, metric: str = "vpt_nrmse", *, within: str = "best",
                   groups: str = "family") -> pd.DataFrame:
    """Forecaster families (or model classes) ranked by their typical per-system rank.

    On each system the forecasters are ranked by their per-system metric (1 = best, ties share their mean rank);
    a group's rank on a system is the ``within`` (``"best"``: lowest, or ``"median"``) rank of its forecasters,
    and its score the median of that over systems. ``"best"`` favours groups with many members (their best of
    many draws); ``"median"`` penalises a group for weak members.

    Parameters
    ----------
    groups : {"family", "class"}
        The forecasters' ``family`` tag, or their class in chaosbench's mapping onto the study's model classes
        (:data:`MODEL_CLASSES`).

    Returns
    -------
    DataFrame
        ``rank``, ``family`` (or ``class``), ``median_rank``, ``wins`` (systems on which the group holds the best
        forecaster, shared on a tie), ``n_systems``, ``n_forecasters``, ``forecasters``; best first.
    """
    if within not in ("best", "median"):
        raise ConfigError(f"within must be 'best' or 'median', got {within!r}")
    group_of = _check_groups(groups)
    metric = _check_metric(cells, metric)
    table = _per_system(cells, metric)
    ranks = table.rank(axis=1, ascending=not get_metric(metric).greater_is_better, method="average")
    families = pd.Series({name: group_of(name) for name in table.columns})
    rows = []
    for family, members in families.groupby(families):
        block = ranks[list(members.index)]
        per_system = block.min(axis=1) if within == "best" else block.median(axis=1)
        rows.append({groups: family, "median_rank": float(per_system.median()),
                     "wins": float((block.min(axis=1) == ranks.min(axis=1)).sum()), "n_systems": int(len(block)),
                     "n_forecasters": len(members), "forecasters": ", ".join(members.index)})
    frame = pd.DataFrame(rows).sort_values(["median_rank", "wins"], ascending=[True, False], kind="mergesort")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame.reset_index(drop=True)


def _group_values(cells: pd.DataFrame, metric: str, group_of) -> tuple[pd.DataFrame, dict, set]:
    """Per system, each group's value (the median ``metric`` over its members that could run; systems × groups),
    the members of each group, and the forecasters whose training data were too short to run (:func:`too_short`)."""
    short = _too_short_found(cells)[0].notna().to_numpy()
    table = _per_system(cells[~short], metric)
    cannot = set(cells.loc[short, "forecaster"].astype(str))
    names = sorted(set(table.columns) | cannot)
    families = pd.Series({name: group_of(name) for name in names}, dtype=object)
    members = {family: list(group.index) for family, group in families.groupby(families)}
    values = pd.DataFrame({family: table[[n for n in group if n in table.columns]].median(axis=1)
                           for family, group in members.items() if any(n in table.columns for n in group)},
                          index=table.index)
    return values, members, cannot


def class_gap(cells: pd.DataFrame, metric: str, *, n_boot: int = N_BOOT, seed: int = SEED) -> dict:
    """How far the physics-based / hybrid class leads the large domain-agnostic class in one run: the difference of
    their medians over systems of the per-system class value (as in :func:`data_sweep`, positive when the
    physics-based class is better), a 95 % percentile bootstrap interval resampling systems (both classes on the same
    systems), and on how many systems either class is better.

    Returns ``gap``, ``ci_low``, ``ci_high``, ``physics_better``, ``large_better``, ``n`` (NaN when a class did not
    run).
    """
    values = _group_values(cells, metric, class_of)[0]
    if PHYSICS not in values or LARGE not in values:
        return {"gap": math.nan, "ci_low": math.nan, "ci_high": math.nan, "physics_better": 0, "large_better": 0,
                "n": 0}
    sign = 1.0 if get_metric(metric).greater_is_better else -1.0
    pair = values[[PHYSICS, LARGE]].dropna().to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(pair), size=(n_boot, len(pair)))
    boot = sign * (np.median(pair[draws, 0], axis=1) - np.median(pair[draws, 1], axis=1))
    low, high = np.quantile(boot, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])  # percentile bootstrap, as in spearman_ci
    diff = sign * (pair[:, 0] - pair[:, 1])
    return {"gap": float(sign * (np.median(pair[:, 0]) - np.median(pair[:, 1]))), "ci_low": float(low),
            "ci_high": float(high), "physics_better": int((diff > 0).sum()), "large_better": int((diff < 0).sum()),
            "n": len(pair)}


def data_sweep(runs: dict, metric: str | None = None, *, groups: str = "family") -> pd.DataFrame:
    """The data-limited sweep: per family (or model class) and training length, the median over systems of the
    group's per-system metric (itself the median over the group's forecasters), and which group leads at each
    length.

    A cell that could not run because its training data were shorter than the forecaster needs (:func:`too_short`)
    is left out rather than counted as the worst value, so that a group is not rewarded for members that run on
    little data where others cannot; those forecasters are listed in ``cannot_run``.

    Parameters
    ----------
    runs : dict
        Training length (points) -> that run's cells.
    metric : str, optional
        Default: ``vpt_smape`` if every run has it (the study's VPT), else ``vpt_nrmse``.
    groups : {"family", "class"}
        As in :func:`family_ranking`.

    Returns
    -------
    DataFrame
        ``n_train``, ``family`` (or ``class``), ``value`` (median over systems), ``n_systems``,
        ``n_forecasters`` (those that ran), ``cannot_run`` (comma-separated), ``leader`` (True for the best group
        at that length; ties all lead), ``metric``; sorted by length.
    """
    group_of = _check_groups(groups)
    if not runs:
        raise ConfigError("the sweep needs at least one run")
    if metric is None:
        metric = next((m for m in ("vpt_smape", "vpt_nrmse") if all(m in c.columns for c in runs.values())), None)
        if metric is None:
            raise ConfigError("the sweep runs share no VPT column (vpt_smape or vpt_nrmse); name a metric")
    better = get_metric(metric).greater_is_better
    rows = []
    for n_train, cells in sorted(runs.items()):
        _check_metric(cells, metric)
        values, members, cannot = _group_values(cells, metric, group_of)
        block = []
        for family, names in members.items():
            ran = [name for name in names if name not in cannot]
            value = float(values[family].median()) if ran else math.nan
            block.append({"n_train": int(n_train), groups: family, "value": value, "n_systems": len(values),
                          "n_forecasters": len(ran),
                          "cannot_run": ", ".join(name for name in names if name in cannot)})
        best = (max if better else min)((row["value"] for row in block if row["n_forecasters"]), default=math.nan)
        rows += [row | {"leader": row["value"] == best, "metric": metric} for row in block]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------------------
# Agreement with the study
# --------------------------------------------------------------------------------------------------------------
def _ci_text(row) -> str:
    left_out = [f"{row['n_dropped']} without the invariant"] if row["n_dropped"] else []
    left_out += [f"{row['n_capped']} whose horizon was capped"] if row.get("n_capped") else []
    if math.isnan(row["rho"]):
        return f"ρ undefined over {row['n']} systems"
    return (f"ρ = {row['rho']:+.2f} [{row['ci_low']:+.2f}, {row['ci_high']:+.2f}] (95 % percentile bootstrap) over "
            f"{row['n']} systems" + (f" ({' and '.join(left_out)} left out)" if left_out else ""))


def _sign_verdict(row, expected: str) -> tuple[str, str]:
    """The verdict on a correlation's sign and its reason ("" when none is needed). ``expected`` ``"none"`` (no
    correlation): agrees only when the whole interval lies inside the equivalence margin (-:data:`NO_CORRELATION`,
    :data:`NO_CORRELATION`), inconclusive when it spans 0 but leaves the margin, does not agree when it excludes 0.
    ``"negative"``/``"positive"``: agrees when the interval lies on that side of 0, does not when it lies on the
    other, inconclusive when it spans 0."""
    low, high = row["ci_low"], row["ci_high"]
    if math.isnan(low):
        return "inconclusive", "no interval"
    spans = low <= 0.0 <= high
    if expected == "none":
        if -NO_CORRELATION < low and high < NO_CORRELATION:
            return "agrees", f"the interval lies inside ±{NO_CORRELATION:g}, the equivalence margin"
        if spans:
            return "inconclusive", f"the interval spans 0 but leaves the equivalence margin ±{NO_CORRELATION:g}"
        return "does not agree", "the interval excludes 0"
    if spans:
        return "inconclusive", "the interval spans 0"
    agrees = high < 0 if expected == "negative" else low > 0
    return ("agrees", "") if agrees else ("does not agree", "the opposite sign")


def _judged(key: str, verdict: str, censored: float) -> str:
    """The verdict on claim ``key``: none for a claim not confirmed from the paper; inconclusive when more than
    :data:`MAX_CENSORED` of the windows used are censored."""
    if not STUDY_CLAIMS[key]["confirmed"]:
        return "not confirmed from the paper here; no verdict"
    if censored > MAX_CENSORED and not verdict.startswith("inconclusive"):
        return f"inconclusive ({censored:.0%} of the windows used are censored, more than {MAX_CENSORED:.0%})"
    return verdict


def _neural_budget(settings: dict | None) -> str | None:
    """The neural forecasters' training budget recorded in a run's ``forecaster_params``, in words."""
    budget = training_budget((settings or {}).get("forecaster_params"))
    if budget is None:
        return None
    stopping = " with early stopping on the validation windows" if budget["patience"] else ""
    return (f"neural forecasters trained {budget['epochs']} epochs{stopping} (a compute-limited budget; the study's "
            "training budgets were not confirmed from the paper here, so their scores are not comparable with its)")


def _caveats(cells: pd.DataFrame, metric: str, n_systems: int, censored: float, settings: dict | None) -> str:
    notes = []
    if n_systems < FEW_SYSTEMS:
        notes.append(f"few systems ({n_systems}; the study used 135)")
    if censored > 0:
        notes.append(f"{censored:.1%} of the windows censored by the horizon (their VPT is a lower bound)")
    budget = _neural_budget(settings)
    if budget:
        notes.append(budget)
    horizon = cells["horizon"].median() if "horizon" in cells else math.nan
    pts = cells["pts_per_period"].median() if "pts_per_period" in cells else math.nan
    source = (settings or {}).get("period_source")
    same_task = (metric == STUDY_PROTOCOL["metric"] and horizon == STUDY_PROTOCOL["horizon"]
                 and pts == STUDY_PROTOCOL["pts_per_period"] and source in (None, "dysts"))
    if not same_task:
        notes.append(f"not comparable with the study's protocol (here {metric}, horizon {horizon:g} steps at "
                     f"{pts:g} points per {source or 'chaosbench'} period; the study: sMAPE-based VPT at 200 steps "
                     "at 100 points per dysts period, preset gilpin2023)")
    elif budget:
        notes.append("not comparable with the study's protocol (the task is the study's, preset gilpin2023, but the "
                     "neural training budget is chaosbench's)")
    return "; ".join(notes)


def _scale_sentence(cells: pd.DataFrame, metric: str, n_systems: int, settings: dict | None) -> str:
    claim = STUDY_CLAIMS["scale"]
    by_median = family_ranking(cells, metric, within="median", groups="class").iloc[0]
    by_best = family_ranking(cells, metric, within="best", groups="class").iloc[0]
    tops = {by_median["class"], by_best["class"]}
    verdict = ("agrees" if tops == {LARGE} else "does not agree" if LARGE not in tops
               else "inconclusive (the median-rank and best-rank orders disagree)")
    censored = _censored_share(cells, metric)
    note = _caveats(cells, metric, n_systems, censored, settings)
    return (f"- **Model scale.** The study found that {claim['claim']} [{claim['source']}]. Here, with chaosbench's "
            f"own mapping of its forecasters onto the study's classes (`{LARGE}`, `{PHYSICS}`, `{OTHER}`; "
            "MODEL_CLASSES), the best class by the median over "
            f"{n_systems} systems of its forecasters' median rank is `{by_median['class']}` (median rank "
            f"{by_median['median_rank']:g}), and by its best forecaster's rank `{by_best['class']}` (median rank "
            f"{by_best['median_rank']:g}, best on {by_best['wins']:g} systems): "
            f"{_judged('scale', verdict, censored)}." + (f" Caveats: {note}." if note else ""))


def _param_changes(main: dict | None, other: dict | None, names: set) -> list[str]:
    """``name.key: main→other`` for every hyper-parameter of the forecasters ``names`` that two runs' settings set
    differently (``default`` where a run leaves it at the forecaster's default)."""
    main, other = (main or {}).get("forecaster_params") or {}, (other or {}).get("forecaster_params") or {}
    return [f"{name}.{key}: {main.get(name, {}).get(key, 'default')}→{other.get(name, {}).get(key, 'default')}"
            for name in sorted((set(main) | set(other)) & names)
            for key in sorted(set(main.get(name, {})) | set(other.get(name, {})))
            if main.get(name, {}).get(key) != other.get(name, {}).get(key)]


def _sweep_scope(cells: pd.DataFrame, sweep: dict, settings: dict | None, sweep_settings: dict | None) -> str:
    """How the sweep's runs differ from the main run beyond the training length (the main run's forecasters the
    sweep left out, hyper-parameters set otherwise) and from each other (forecasters, settings other than the
    training length), which would confound the comparison across lengths."""
    notes = []
    ran = {n: set(c["forecaster"].astype(str)) for n, c in sweep.items()}
    union = set().union(*ran.values())
    missing = sorted(set(cells["forecaster"].astype(str)) - union)
    if missing:
        notes.append(f"the sweep ran {len(union)} of the main run's {len(union) + len(missing)} forecasters (left "
                     f"out: {', '.join(missing)}), so each family's value rests on the members it ran")
    partial = {n: sorted(union - names) for n, names in sorted(ran.items()) if union - names}
    if partial:
        notes.append("the sweep's runs differ in forecasters (not run: "
                     + "; ".join(f"{n} points: {', '.join(names)}" for n, names in partial.items()) + ")")
    runs = dict(sorted((sweep_settings or {}).items()))
    shared = set(cells["forecaster"].astype(str))
    changes = {n: _param_changes(settings, run, ran.get(n, union) & shared) for n, run in runs.items()}
    if changes and len({tuple(c) for c in changes.values()}) == 1:
        if next(iter(changes.values())):
            notes.append(f"against the main run, the sweep's runs set {', '.join(next(iter(changes.values())))}")
    else:
        notes += [f"against the main run, the {n}-point run sets {', '.join(c)}" for n, c in changes.items() if c]
    if runs:
        first = next(iter(runs.values()))
        differ = sorted({key for run in runs.values() for key in set(run) | set(first)
                         if key not in ("n_train", "forecasters", "forecaster_params")
                         and run.get(key) != first.get(key)})
        if differ:
            notes.append(f"the sweep's runs differ in settings other than the training length: {', '.join(differ)}")
    return "; ".join(notes)


def _sweep_sentence(sweep: dict, sweep_settings: dict | None, scope: str) -> str:
    claim = STUDY_CLAIMS["data_limited"]
    table = data_sweep(sweep, groups="class")
    leaders = {n: sorted(group.loc[group["leader"], "class"]) for n, group in table.groupby("n_train")}
    shortest, longest = min(leaders), max(leaders)
    metric = table["metric"].iloc[0]
    gaps = {n: class_gap(sweep[n], metric) for n in (shortest, longest)}
    led = "; ".join(f"{n} points: {', '.join(c)}" for n, c in leaders.items())

    def gap_text(n):
        g = gaps[n]
        return (f"physics-based minus large {g['gap']:+.3f} [{g['ci_low']:+.3f}, {g['ci_high']:+.3f}] (95 % "
                f"bootstrap over {g['n']} systems; better on {g['physics_better']} against {g['large_better']})")

    def side(n):
        g = gaps[n]
        return ("unknown" if math.isnan(g["ci_low"]) else "physics" if g["ci_low"] > 0
                else "large" if g["ci_high"] < 0 else "tie")

    verdict = {"physics": "agrees", "large": "does not agree", "tie": "inconclusive (the interval spans 0)",
               "unknown": "inconclusive (a class did not run)"}[side(shortest)]
    longest_leader = {"physics": "the physics-based class leads, unlike the study's large models",
                      "large": "the large class leads, as in the study",
                      "tie": "neither class leads beyond the interval",
                      "unknown": "a class did not run"}[side(longest)]
    cells = pd.concat(list(sweep.values()), ignore_index=True)
    censored = _censored_share(cells, metric)
    skipped = [f"{n} points: " + ", ".join(f"{row.forecaster} (needs {row.needs})"
                                           for row in too_short(sweep[n]).itertuples())
               for n in sorted(sweep) if len(too_short(sweep[n]))]
    cannot = (" Left out as unable to run at that length (training data too short): " + "; ".join(skipped) + "."
              if skipped else "")
    first = next(iter((sweep_settings or {}).values()), None)
    note = "; ".join(filter(None, [_caveats(cells, metric, int(table["n_systems"].min()), censored, first), scope]))
    return (f"- **Data-limited sweep.** The study: {claim['claim']} [{claim['source']}]. Here the leading class "
            f"(chaosbench's mapping) by median {metric} is {led}. At the shortest length ({shortest} points), "
            f"{gap_text(shortest)}: {_judged('data_limited', verdict, censored)}; at the longest ({longest} points), "
            f"{gap_text(longest)}: {longest_leader}.{cannot}" + (f" Caveats: {note}." if note else ""))


def agreement(cells: pd.DataFrame, metric: str | None = None, *, sweep: dict | None = None,
              settings: dict | None = None, sweep_settings: dict | None = None, threshold: float = LONG_HORIZON,
              n_boot: int = N_BOOT, seed: int = SEED, invariants: pd.DataFrame | None = None) -> list[str]:
    """Sentences comparing a run with the study, each computed from the numbers: the study's claim with its source
    (:data:`STUDY_CLAIMS`), chaosbench's value, a verdict (agrees, does not agree, inconclusive) and the caveats
    that apply (few systems, censored VPT, the neural training budget, a protocol other than the study's).
    ``settings`` is the main run's manifest settings, ``sweep_settings`` maps each sweep length to its run's (their
    period source, horizon in Lyapunov times and neural budgets enter the caveats, and the sweep's sentence names
    how its runs differ from the main run and from each other).

    Verdicts, only for claims read in the study's abstract (the others report their numbers with no verdict):
    the model-scale claim agrees when the large domain-agnostic class of :data:`MODEL_CLASSES` (chaosbench's
    mapping) ranks first both by the median over systems of its forecasters' median rank and by its best
    forecaster's rank (:func:`family_ranking` with ``groups="class"``), does not agree when it ranks first by
    neither, and is inconclusive when the two disagree; the long-horizon claim (no correlation) agrees when the
    long-horizon regime's 95 % interval for ρ(VPT, λ_max) lies inside the equivalence margin ±:data:`NO_CORRELATION`
    (:func:`_sign_verdict`, :func:`horizon_regimes`, without the systems whose horizon was capped); the
    data-limited claim agrees when the physics-based / hybrid class leads at the shortest training length of
    ``sweep`` (:func:`data_sweep` with ``groups="class"``). Any verdict is inconclusive when more than
    :data:`MAX_CENSORED` of the windows it uses are censored.
    """
    metric = _check_metric(cells, metric)
    n_systems = _usable(cells)["system"].nunique()
    horizon_lyapunov = (settings or {}).get("horizon_lyapunov")
    lines = [_scale_sentence(cells, metric, n_systems, settings)]

    if get_metric(metric).kind == "horizon":
        regimes = horizon_regimes(cells, metric, threshold=threshold, invariants=invariants,
                                  horizon_lyapunov=horizon_lyapunov, n_boot=n_boot, seed=seed)
        expected = "negative" if get_metric(metric).greater_is_better else "positive"
        for regime, key, want in (("long", "long_horizon", "none"), ("short", "short_horizon", expected)):
            row = regimes[(regimes["regime"] == regime) & (regimes["invariant"] == "lyapunov_max")].iloc[0]
            claim = STUDY_CLAIMS[key]
            label = "Long-horizon regime" if regime == "long" else "Short-horizon regime"
            where = "at least" if regime == "long" else "below"
            if not row["forecasters"]:
                lines.append(f"- **{label}.** The study: {claim['claim']} [{claim['source']}]. Not testable here: "
                             f"no forecaster has a median {metric} {where} {threshold:g} Lyapunov time(s).")
                continue
            note = _caveats(cells, metric, row["n"], row["censored"], settings)
            verdict, reason = _sign_verdict(row, want)
            if regime == "long" and LARGE not in {class_of(name) for name in row["forecasters"].split(", ")}:
                verdict, reason = "inconclusive", (f"no {LARGE} forecaster reaches this regime here, and the study's "
                                                   f"claim is about those; {verdict} for the forecasters that do")
            verdict = f"{verdict} ({reason})" if reason else verdict
            lines.append(f"- **{label}** (forecasters with median {metric} {where} {threshold:g} Lyapunov time(s): "
                         f"{row['forecasters']}). The study: {claim['claim']} [{claim['source']}]. Here "
                         f"{_ci_text(row)} between the regime's per-system median {metric} and λ_max: "
                         f"{_judged(key, verdict, row['censored'])}."
                         + (f" Caveats: {note}." if note else ""))
    lines.append("- **Correlation dimension.** No claim about it was confirmed from the paper here; its "
                 "correlations are reported in the tables without a verdict.")

    if not sweep or len(sweep) < 2:
        claim = STUDY_CLAIMS["data_limited"]
        lines.append(f"- **Data-limited sweep.** The study: {claim['claim']} [{claim['source']}]. Not tested: "
                     "no sweep of at least two training lengths was given (chaosbench findings RUN --sweep N=PATH "
                     "...).")
    else:
        lines.append(_sweep_sentence(sweep, sweep_settings, _sweep_scope(cells, sweep, settings, sweep_settings)))
    return lines


# --------------------------------------------------------------------------------------------------------------
# Markdown and plots
# --------------------------------------------------------------------------------------------------------------



def _correlation_table(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["invariant"] = shown["invariant"].map(INVARIANTS)
    shown["95 % CI"] = [f"[{lo:+.2f}, {hi:+.2f}]" if not math.isnan(lo) else "–"
                        for lo, hi in zip(shown["ci_low"], shown["ci_high"])]
    return shown


def findings_lines(cells: pd.DataFrame, metric: str | None = None, *, settings: dict | None = None,
                   n_boot: int = N_BOOT, seed: int = SEED) -> list[str]:
    """The short findings section of ``chaosbench report``: the family ranking, the per-family correlations with
    the invariants and the agreement sentences; one line saying why not when the run has fewer than
    :data:`MIN_SYSTEMS` systems or no usable metric."""
    n_systems = _usable(cells)["system"].nunique() if len(cells) else 0
    if n_systems < MIN_SYSTEMS:
        return [f"Not computed: the run has {n_systems} usable system(s); the findings need at least {MIN_SYSTEMS}."]
    try:
        metric = _check_metric(cells, metric)
    except ConfigError as exc:
        return [f"Not computed: {exc}."]
    ranking = family_ranking(cells, metric)
    correlations = invariant_correlations(cells, metric, horizon_lyapunov=(settings or {}).get("horizon_lyapunov"),
                                          n_boot=n_boot, seed=seed)
    family = _correlation_table(correlations[correlations["level"] == "family"])
    return [f"Gilpin's study ({CITATION}) computed on this run's `{metric}`; the full page with plots: "
            f"`chaosbench findings {{RUN}} -o DIR`.", "",
            "Families by median (over systems) of their best forecaster's rank:", "",
            markdown_table(ranking[["rank", "family", "median_rank", "wins", "n_systems", "n_forecasters"]]), "",
            f"Spearman ρ across systems of each family's per-system median `{metric}` against the invariants:", "",
            markdown_table(family[["name", "invariant", "rho", "95 % CI", "n", "n_dropped", "n_capped", "censored"]]
                      .rename(columns={"name": "family"})), "",
            "Agreement with Gilpin (2023):", "",
            *agreement(cells, metric, settings=settings, n_boot=n_boot, seed=seed)]


def _family_colors(families) -> dict:
    return {family: f"C{i % 10}" for i, family in enumerate(sorted(set(families)))}


def _plot_invariants(fig, cells: pd.DataFrame, metric: str, invariants: pd.DataFrame, correlations: pd.DataFrame):
    table = _per_system(cells, metric)
    families = pd.Series({name: family_of(name) for name in table.columns})
    colors = _family_colors(families)
    axes = fig.subplots(1, len(INVARIANTS), squeeze=False)[0]
    fig.set_size_inches(5.2 * len(INVARIANTS), 4.4)
    for ax, (key, label) in zip(axes, INVARIANTS.items()):
        x = invariants[key].reindex(table.index)
        for family, members in families.groupby(families):
            y = table[list(members.index)].median(axis=1)
            keep = x.notna() & np.isfinite(y)
            row = correlations[(correlations["level"] == "family") & (correlations["name"] == family)
                               & (correlations["invariant"] == key)].iloc[0]
            rho = "ρ n/a" if math.isnan(row["rho"]) else f"ρ = {row['rho']:+.2f}"
            ax.scatter(x[keep], y[keep], s=22, color=colors[family], label=f"{family} ({rho})", alpha=0.8)
        if (x.dropna() > 0).all() and len(x.dropna()) and x.max() / x[x > 0].min() > 10:
            ax.set_xscale("log")
        ax.set_xlabel(f"{label} ({'chaosbench, computed' if key == 'correlation_dimension' else 'per unit time'})")
        ax.set_ylabel(f"per-system median {metric}")
        ax.set_title(f"{metric} against {label}", fontsize="medium")
        ax.legend(fontsize="x-small")


def _plot_sweep(fig, table: pd.DataFrame):
    fig.set_size_inches(6.0, 4.2)
    ax = fig.add_subplot()
    colors = _family_colors(table["family"])
    for family, group in table.groupby("family"):
        ax.plot(group["n_train"], group["value"], marker="o", color=colors[family], label=family)
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(sorted(table["n_train"].unique()), [str(n) for n in sorted(table["n_train"].unique())])
    ax.set_xlabel("training length (points)")
    ax.set_ylabel(f"median over systems of {table['metric'].iloc[0]}")
    ax.set_title("Data-limited sweep per family", fontsize="medium")
    ax.legend(fontsize="small")


def _plot_ranking(fig, ranking: pd.DataFrame):
    fig.set_size_inches(6.0, 0.45 * len(ranking) + 1.5)
    ax = fig.add_subplot()
    colors = _family_colors(ranking["family"])
    order = ranking.iloc[::-1]
    ax.barh(order["family"], order["median_rank"], color=[colors[f] for f in order["family"]])
    for y, (value, n) in enumerate(zip(order["median_rank"], order["n_forecasters"])):
        ax.text(value, y, f" {value:g} ({n} forecasters)", va="center", fontsize="small")
    ax.set_xlabel("median over systems of the family's best rank (1 = best)")
    ax.set_title("Model families ranked", fontsize="medium")
    ax.set_xlim(0, ranking["median_rank"].max() * 1.35)


def _save(draw, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(layout="constrained")
    draw(fig)
    fig.savefig(path, dpi=PNG_DPI)


def write_findings(out_dir, cells: pd.DataFrame, sweep: dict | None = None, metric: str | None = None, *,
                   settings: dict | None = None, sweep_settings: dict | None = None, source: str | None = None,
                   sweep_sources: dict | None = None,
                   invariants: pd.DataFrame | None = None, n_boot: int = N_BOOT, seed: int = SEED) -> Path:
    """Write ``findings.md`` and its plots (``findings_ranking.png``, ``findings_invariants.png`` and, with a
    sweep, ``findings_sweep.png``) into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        The folder written (created if needed).
    cells : DataFrame
        The main run's cells (full training length).
    sweep : dict, optional
        Training length -> cells, for :func:`data_sweep`.
    metric : str, optional
        The main run's metric (default ``vpt_nrmse``, else ``vpt_smape``).
    settings : dict, optional
        The main run's manifest settings (its period source and budgets enter the caveats).
    sweep_settings : dict, optional
        Training length -> that sweep run's manifest settings.
    source, sweep_sources : optional
        How the runs are named on the page (e.g. their paths).
    invariants : DataFrame, optional
        Per-system invariants (default :func:`system_invariants`).

    Returns
    -------
    pathlib.Path
        ``out_dir/findings.md``.
    """
    metric = _check_metric(cells, metric)
    n_systems = _usable(cells)["system"].nunique()
    if n_systems < MIN_SYSTEMS:
        raise ConfigError(f"the run has {n_systems} usable system(s); the findings need at least {MIN_SYSTEMS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    invariants = system_invariants(cells) if invariants is None else invariants
    horizon_lyapunov = (settings or {}).get("horizon_lyapunov")
    ranking = family_ranking(cells, metric)
    classes = family_ranking(cells, metric, within="median", groups="class")
    correlations = invariant_correlations(cells, metric, invariants=invariants, horizon_lyapunov=horizon_lyapunov,
                                          n_boot=n_boot, seed=seed)
    capped = _capped(cells, metric, horizon_lyapunov)
    if horizon_lyapunov is not None:
        capping = (f"`n_capped`: systems left out of ρ against λ_max because their horizon was capped below "
                   f"{horizon_lyapunov:g} Lyapunov times, which ties a censored VPT to λ_max by construction "
                   f"({len(capped)} of {n_systems}: {', '.join(capped) or 'none'}).")
    else:
        capping = ("The horizon is a fixed number of steps, so a censored VPT (horizon · dt · λ_max) is tied to "
                   f"λ_max by construction; verdicts resting on more than {MAX_CENSORED:.0%} censored windows are "
                   "inconclusive.")
    _save(lambda fig: _plot_ranking(fig, ranking), out / "findings_ranking.png")
    _save(lambda fig: _plot_invariants(fig, cells, metric, invariants, correlations), out / "findings_invariants.png")
    lines = ["# Findings: Gilpin (2023) on this run", "",
             f"Computed by `chaosbench findings` from {source or 'a run'} ({n_systems} systems, "
             f"{cells['forecaster'].nunique()} forecasters, metric `{metric}`). Study: {CITATION}. Every number "
             "below is computed from the cells; failed and timed-out cells count as the metric's worst value and "
             "systems with an unresolved λ_max are left out, as in the leaderboard (in the data-limited sweep, cells "
             "that could not run because the training data were too short are left out and listed).", "",
             "## Agreement with Gilpin (2023)", "",
             *agreement(cells, metric, sweep=sweep, settings=settings, sweep_settings=sweep_settings,
                        n_boot=n_boot, seed=seed, invariants=invariants), "",
             "## Model families", "",
             "Rank of each forecaster on each system by its median metric (1 = best, ties share the mean rank); "
             "a family's rank on a system is its best forecaster's; families are ordered by the median over "
             "systems (best-of favours large families: see `n_forecasters`).", "",
             markdown_table(ranking), "", "![Families ranked](findings_ranking.png)", "",
             "### Model classes (chaosbench's mapping)", "",
             "The study's two classes as chaosbench maps its forecasters onto them (MODEL_CLASSES in "
             "`chaosbench._bench.findings`; not the study's own list), ordered by the median over systems of the "
             "class's median rank, which does not favour the larger class.", "",
             markdown_table(classes), "",
             "## VPT against λ_max and correlation dimension", "",
             f"Spearman ρ across systems of the per-system median `{metric}` against λ_max (the value the run "
             "used, chaosbench's computed one, per unit time) and the correlation dimension (chaosbench's "
             "Grassberger-Procaccia estimate, systems/invariants.csv), with a 95 % percentile bootstrap interval "
             f"over systems ({n_boot} resamples, seed {seed}). `censored`: share of windows whose forecast never "
             f"crossed the threshold (a lower bound). {capping}", "",
             "![VPT against invariants](findings_invariants.png)", "",
             "### Per family", "",
             markdown_table(_correlation_table(correlations[correlations["level"] == "family"])[
                 ["name", "invariant", "rho", "95 % CI", "n", "n_dropped", "n_capped", "censored"]]
                 .rename(columns={"name": "family"})), "",
             "### Per forecaster", "",
             markdown_table(_correlation_table(correlations[correlations["level"] == "forecaster"])[
                 ["name", "family", "invariant", "rho", "95 % CI", "n", "n_dropped", "n_capped", "censored"]]
                 .rename(columns={"name": "forecaster"})), ""]
    if get_metric(metric).kind == "horizon":
        regimes = horizon_regimes(cells, metric, invariants=invariants, horizon_lyapunov=horizon_lyapunov,
                                  n_boot=n_boot, seed=seed)
        lines += ["### Short- versus long-horizon regime", "",
                  f"A forecaster is in the long-horizon regime when its median `{metric}` over systems is at least "
                  f"{LONG_HORIZON:g} Lyapunov time (chaosbench's choice); per regime the per-system value is the "
                  "median over its forecasters.", "",
                  markdown_table(_correlation_table(regimes)[["regime", "invariant", "rho", "95 % CI", "n", "n_dropped",
                                                         "n_capped", "censored", "forecasters"]]), ""]
    lines += ["## Data-limited sweep", ""]
    if sweep:
        table = data_sweep(sweep)
        _save(lambda fig: _plot_sweep(fig, table), out / "findings_sweep.png")
        named = "; ".join(f"{n} points: {(sweep_sources or {}).get(n, 'a run')}" for n in sorted(sweep))
        shown = table.pivot_table(index="family", columns="n_train", values="value")
        shown.columns = [f"n_train={n}" for n in shown.columns]
        leaders = table[table["leader"]].groupby("n_train")["family"].agg(", ".join)
        by_class = data_sweep(sweep, groups="class")
        class_leaders = by_class[by_class["leader"]].groupby("n_train")["class"].agg(", ".join)
        short = pd.concat([too_short(sweep[n]).assign(length=n) for n in sorted(sweep)], ignore_index=True)
        scope = _sweep_scope(cells, sweep, settings, sweep_settings)
        lines += [f"Runs: {named}" + (f"; {scope}" if scope else "") + ". Per family and training length, the "
                  f"median over systems of the family's per-system median `{table['metric'].iloc[0]}`; cells that "
                  "could not run because the training data were shorter than the forecaster needs are left out (not "
                  "counted as the worst value).", "",
                  markdown_table(shown.reset_index()), "",
                  "Leading family: " + "; ".join(f"{n} points: {f}" for n, f in leaders.items()) + ".", "",
                  "Leading class (chaosbench's mapping): "
                  + "; ".join(f"{n} points: {c}" for n, c in class_leaders.items()) + ".", "",
                  "![Data-limited sweep](findings_sweep.png)", "",
                  "Cannot run at this length (training data too short; left out of the medians):", "",
                  markdown_table(short[["length", "forecaster", "needs", "n_cells"]]) if len(short) else "none.", ""]
    else:
        (out / "findings_sweep.png").unlink(missing_ok=True)
        lines += ["No sweep given: run the `gilpin2023` preset at several training lengths and pass them with "
                  "`--sweep N=PATH`.", ""]
    lines += ["## The study's claims and their sources", "",
              *[f"- {key}: {c['claim']} — {c['source']}" + ("" if c["confirmed"] else " (not confirmed from the "
                                                                                        "paper here)")
                for key, c in STUDY_CLAIMS.items()]]
    target = out / "findings.md"
    target.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return target
