"""Tabular summaries of the catalogue, shared by the CLI and notebooks."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._dynamics.invariants import kaplan_yorke_dimension, lyapunov_spectrum
from .._dynamics.system import format_params, get_system, list_systems
from .._dynamics.datafile import computed_invariants
from ..exceptions import IntegrationError
from .._forecasting.forecaster import forecaster_class, list_forecasters
from .._forecasting.metrics import get_metric, list_metrics

__all__ = ["systems_table", "system_info", "lyapunov_table", "forecasters_table", "metrics_table", "cell_text",
           "markdown_table", "training_budget"]


def systems_table(tag: str | None = None, dim: int | None = None):
    """One row per registered system: name, dim, parameters, tags, literature λ_max and citation."""
    rows = []
    for name in list_systems(tag=tag, dim=dim):
        s = get_system(name)
        rows.append({
            "name": name, "dim": s.dim, "params": format_params(s.params),
            "tags": ",".join(sorted(s.tags)), "lyapunov_max_lit": s.lyapunov_max, "citation": s.citation,
        })
    return pd.DataFrame(rows, columns=["name", "dim", "params", "tags", "lyapunov_max_lit", "citation"])


def forecasters_table():
    """One row per registered forecaster: name, family, summary, capability tags, the optional library it needs
    and default hyper-parameters."""
    rows = []
    for name in list_forecasters():
        cls = forecaster_class(name)
        doc = (cls.__doc__ or "").strip().splitlines()
        rows.append({
            "name": name, "family": cls.tags.get("family", "other"), "summary": doc[0] if doc else "",
            "tags": ",".join(k for k, v in cls.tags.items() if v is True) or "",
            "requires": cls.tags.get("requires") or "",
            "defaults": ", ".join(f"{k}={v!r}" for k, v in cls().get_params().items()),
        })
    return pd.DataFrame(rows, columns=["name", "family", "summary", "tags", "requires", "defaults"])


def metrics_table(kind: str | None = None):
    """One row per registered metric: name, kind, whether greater is better, and its summary line."""
    rows = []
    for name in list_metrics(kind):
        fn = get_metric(name)
        doc = (fn.__doc__ or "").strip().splitlines()
        rows.append({"name": name, "kind": fn.kind, "greater_is_better": fn.greater_is_better,
                     "summary": doc[0] if doc else ""})
    return pd.DataFrame(rows, columns=["name", "kind", "greater_is_better", "summary"])


def system_info(name: str) -> dict:
    """Everything declared about a system, its traced equations, characteristic period and a comparison of
    literature invariants with the computed ones (``comparison``: rows of quantity, literature, computed,
    relative difference, flagged when it exceeds 10 %)."""
    s = get_system(name)
    computed = computed_invariants(name) or {}
    comparison = []
    for key, lit in s.literature.items():
        value = computed.get(key)
        if key == "lyapunov_spectrum" and value is not None:
            value = [float(v) for v in str(value).split()]
        rel = None
        if np.ndim(lit) == 0 and value is not None and lit != 0:
            rel = (float(value) - lit) / abs(lit)
        comparison.append({"quantity": key, "literature": lit, "computed": value, "rel_diff": rel,
                           "flag": rel is not None and abs(rel) > 0.10})
    return {
        "name": s.name, "dim": s.dim, "variables": list(s.variables),
        "params": {k: np.asarray(v).tolist() for k, v in s.params.items()},
        "ic": s.ic.tolist(), "tags": sorted(s.tags), "description": s.description, "citation": s.citation,
        "equations": s.equations(), "period": s.period,
        "period_source": "declared" if s._definition.period is not None else "estimated (power spectrum)",
        "literature": dict(s.literature), "unbounded": list(s.unbounded), "deviation_from_dysts": s.deviation,
        "computed": computed, "comparison": comparison,
    }


def lyapunov_table(names: Iterable[str], *, spectrum: bool = False, record_failures: bool = False,
                   progress: bool | None = None, **kwargs):
    """Computed Lyapunov exponents next to the literature value, one row per system.

    Columns: ``system``, ``lyapunov_max`` (computed), ``lyapunov_max_lit``, ``rel_diff``, ``seconds``, with
    ``spectrum`` also ``spectrum`` (space-separated exponents) and ``kaplan_yorke``, and with ``record_failures``
    an ``error`` column holding the message of a system whose integration failed (otherwise the error propagates).
    ``kwargs`` go to :func:`lyapunov_spectrum`; ``progress=None`` shows a progress bar only on a terminal.
    """
    from tqdm import tqdm

    rows = []
    for name in tqdm(list(names), desc="lyapunov", unit="system", disable=None if progress is None else not progress,
                     leave=False):
        system = get_system(name)
        start = time.perf_counter()
        row = {"system": name, "lyapunov_max": None, "lyapunov_max_lit": system.lyapunov_max, "rel_diff": None}
        try:
            exponents = lyapunov_spectrum(system, None if spectrum else 1, **kwargs)
        except IntegrationError as exc:
            if not record_failures:
                raise
            rows.append(row | {"error": str(exc)})
            continue
        row["lyapunov_max"] = float(exponents[0])
        if row["lyapunov_max_lit"] is not None:
            row["rel_diff"] = (row["lyapunov_max"] - row["lyapunov_max_lit"]) / abs(row["lyapunov_max_lit"])
        if spectrum:
            row["spectrum"] = " ".join(f"{v:.6g}" for v in exponents)
            row["kaplan_yorke"] = kaplan_yorke_dimension(exponents)
        row["seconds"] = time.perf_counter() - start
        rows.append(row | ({"error": None} if record_failures else {}))
    return pd.DataFrame(rows).replace({np.nan: None})


def cell_text(value) -> str:
    """A value as Markdown table text: "–" for a missing one, 4 significant digits for a float."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table, numeric columns right-aligned."""
    header = "| " + " | ".join(cell_text(str(c)) for c in frame.columns) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns) + "|"
    body = ["| " + " | ".join(cell_text(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def training_budget(forecaster_params: dict) -> dict | None:
    """The neural forecasters' training budget in a run's ``forecaster_params`` (those with ``max_epochs``):
    ``epochs`` ("20" or "12–40"), ``n_forecasters`` and the ``patience`` values of early stopping (empty without
    it); None when no forecaster has an epoch budget."""
    budgets = [p for p in (forecaster_params or {}).values() if "max_epochs" in p]
    if not budgets:
        return None
    epochs = sorted({int(p["max_epochs"]) for p in budgets})
    return {"epochs": f"{epochs[0]}" if len(epochs) == 1 else f"{epochs[0]}–{epochs[-1]}",
            "n_forecasters": len(budgets), "patience": sorted({p.get("patience") for p in budgets} - {None})}
