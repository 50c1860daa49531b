"""Wall time of each preset on this machine, extrapolated from a stratified sample of cells, with the cost of each
forecaster, how wall time scales with workers, and the ratios against a stored "before" measurement.

Method
------
1. The catalogue's chaotic systems fall into strata (delay equations, dimension >= 5, non-autonomous, dimension 4,
   dimension <= 3); ``--per-stratum`` systems of each are drawn with ``--seed``.
2. Each sampled system runs every forecaster of the chosen presets through ``chaosbench.run`` (one local worker by
   default, the runner's own cells), once per task family: quick/standard/full share their task settings,
   gilpin2023 has its own. A cell's cost is its ``cell_seconds`` (task generation, fit, forecasts, scoring).
3. A neural forecaster's budget is its own per preset (``neural_budget``: ``max_epochs``, and for presets that
   stop early on the validation windows ``patience`` and the validation settings). With ``--epochs auto`` (the
   default) a preset whose neural forecasters stop early is measured at its budget, since its cost is then not
   linear in the budget: a cell costs what it took, and the epochs actually trained (mean and max over the sampled
   cells, from ``fit_info``) are recorded against the budget. The other presets' neural forecasters are trained for
   two epoch counts (5 and 25, or ``--epochs auto A B``; raised to multiples of a forecaster's model-selection
   interval so that its scoring is counted) and extrapolated linearly in epochs, fixed + per-epoch, to each
   forecaster's budget; presets whose neural hyper-parameters agree apart from ``max_epochs`` share these runs.
   ``--epochs A B`` extrapolates every preset (a forecaster that then trained fewer epochs than asked, early
   stopping, is warned about and left out); ``--epochs preset`` measures every preset at its budget.
4. A preset's cells cost what was measured on a sampled system and the stratum's mean elsewhere, plus the runner's
   overhead per cell; its wall time on W local workers is the executor's schedule (each free worker takes the next
   cell in grid order, each as fast as one worker alone: the ideal wall, about cell-hours / workers), capped per
   cell at the preset's cell timeout. For N Dask machines of ``--cores`` cores the
   standard preset is scheduled longest-processing-time first.
5. Worker scaling is measured on a small grid of fast forecasters: local 1 and 2 workers, Dask LocalCluster.

Each run writes its numbers to ``--out`` (JSON); the ratios new/old are printed against ``--before``
(``benchmarks/results/bench_presets_before.json``, committed) when it exists. Times on a shared machine are noisy.

Usage: python benchmarks/bench_presets.py [--presets quick standard full gilpin2023] [--per-stratum 2] [--seed 0]
       [--epochs auto | auto A B | A B | preset] [--workers 1] [--cores 2] [--machines 1 2 4 8 16] [--quick]
       [--show FILE]
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import socket
import tempfile
import time
from pathlib import Path

import numpy as np

import chaosbench
from chaosbench._bench.config import FAST_FORECASTERS, make_config, neural_budget
from chaosbench._core.provenance import git_commit
from chaosbench._forecasting.forecaster import get_forecaster

RESULTS = Path(__file__).resolve().parent / "results"
BEFORE = RESULTS / "bench_presets_before.json"
PRESETS = ("quick", "standard", "full", "gilpin2023")
FAMILY = {"quick": "long", "standard": "long", "full": "long", "gilpin2023": "gilpin2023"}  # shared task settings
FAMILY_PRESET = {"long": "standard", "gilpin2023": "gilpin2023"}  # the preset whose task settings a family runs
LEVELS = (5, 25)  # the default epoch counts of the extrapolation
STRATA = ("delay", "dim>=5", "nonautonomous", "dim=4", "dim<=3")
SCALING_SYSTEMS = ("Lorenz", "Rossler", "Chen", "Thomas")


def stratum(name: str) -> str:
    """The cost stratum of a system: what changes the price of generating its data and fitting to it."""
    system = chaosbench.get_system(name)
    if system.delay is not None:
        return "delay"
    if system.dim >= 5:
        return "dim>=5"
    if system.nonautonomous:
        return "nonautonomous"
    return "dim=4" if system.dim == 4 else "dim<=3"


def stratified_sample(systems, per_stratum: int, seed: int) -> list[str]:
    """``per_stratum`` systems of each stratum (all of a smaller one), drawn with ``seed``, in catalogue order."""
    rng = np.random.default_rng(seed)
    chosen = set()
    for group in STRATA:
        members = [s for s in systems if stratum(s) == group]
        chosen.update(rng.choice(members, size=min(per_stratum, len(members)), replace=False).tolist())
    return [s for s in systems if s in chosen]


def list_schedule(costs, slots: int, longest_first: bool = False) -> float:
    """Makespan of ``costs`` on ``slots`` identical workers, each free worker taking the next cost (in the given
    order, or longest first: the LPT rule, within 4/3 of the optimum)."""
    finish = [0.0] * slots
    for cost in (sorted(costs, reverse=True) if longest_first else costs):
        heapq.heapreplace(finish, finish[0] + cost)
    return max(finish)


def linear_in_epochs(points: dict) -> tuple[float, float]:
    """(fixed, per-epoch) seconds through two measured (epochs -> seconds) points; the per-epoch cost is at least
    zero and the fixed cost at least zero (timing noise on a fast model can tilt the line either way)."""
    (e1, s1), (e2, s2) = sorted(points.items())
    per_epoch = max((s2 - s1) / (e2 - e1), 0.0)
    return max(s1 - per_epoch * e1, 0.0), per_epoch


def selection_interval(name: str, params: dict) -> int:
    """Epochs between a neural forecaster's model-selection scorings (1 when it has none)."""
    return get_forecaster(name, **params)._selection_interval() or 1


def measurement_epochs(name: str, params: dict, epochs: tuple[int, int]) -> tuple[int, int]:
    """The two epoch counts to train ``name`` for: ``epochs`` raised to multiples of its selection interval."""
    every = selection_interval(name, params)
    low = every * math.ceil(epochs[0] / every)
    return low, max(every * math.ceil(epochs[1] / every), low + every)


def timed_run(**options) -> tuple[float, list[dict]]:
    """Wall seconds and stored rows of one ``chaosbench.run`` in a scratch directory."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        results = chaosbench.run(out=out, quiet=True, **options)
        wall = time.perf_counter() - start
        columns = ["system", "forecaster", "status", "cell_seconds", "fit_info"]
        return wall, results.cells[columns].to_dict("records")


def early_stopping(config) -> bool:
    """Whether the neural forecasters of a preset's config stop early on the validation windows."""
    return any(p.get("patience") is not None for p in config.forecaster_params.values() if "max_epochs" in p)


def measurement_groups(presets, epochs) -> list[dict]:
    """How the neural forecasters of ``presets`` (of one task family) are measured: groups of presets sharing runs,
    each {"presets", "at_budget", "params"} with the neural forecasters' hyper-parameters to train with (all of
    the preset's budget at its budget; without ``max_epochs`` to extrapolate). ``epochs`` is "auto" (at the budget
    where the preset stops early, else extrapolated), "preset" (every preset at its budget) or the two levels
    (every preset extrapolated). Presets join a group when their common neural forecasters agree on those
    hyper-parameters."""
    groups = []
    for preset in presets:
        config = make_config(preset)
        at_budget = epochs == "preset" or (epochs == "auto" and early_stopping(config))
        params = {n: p if at_budget else {k: v for k, v in p.items() if k != "max_epochs"}
                  for n, p in config.forecaster_params.items() if "max_epochs" in p}
        group = next((g for g in groups if g["at_budget"] == at_budget
                      and all(g["params"][n] == params[n] for n in set(g["params"]) & set(params))), None)
        if group is None:
            groups.append({"presets": [preset], "at_budget": at_budget, "params": params})
        else:
            group["presets"].append(preset)
            group["params"] |= params
    return groups


def run_params(name: str, params: dict, task_preset: str) -> dict:
    """``params`` of a neural forecaster for a run under ``task_preset``'s task settings: what that preset's budget
    would set and ``params`` does not (e.g. early stopping) at the forecaster's default."""
    defaults = get_forecaster(name).get_params()
    return {k: defaults[k] for k in neural_budget(task_preset, name) if k not in params} | params


def measure_family(family: str, systems: list[str], forecasters: tuple, groups: list[dict], args) -> dict:
    """The measured cells of one task family (each naming the presets whose cost it measures) and the runner's
    overhead per cell: every forecaster once, each group's neural forecasters at its budget or at two epoch
    counts."""
    task_preset = FAMILY_PRESET[family]
    presets = [p for g in groups for p in g["presets"]]
    neural = {n for g in groups for n in g["params"]}
    cells, wall, n_cells, first = [], 0.0, 0, True
    for group in groups:
        params = group["params"]
        levels = [{n: p["max_epochs"] for n, p in params.items()}] if group["at_budget"] else [
            {n: measurement_epochs(n, params[n], args.levels)[i] for n in params} for i in (0, 1)]
        for epochs in levels:
            names = tuple(n for n in forecasters if n in params or first and n not in neural)
            if not names:
                continue
            first = False
            forecaster_params = {n: run_params(n, params[n] | {"max_epochs": epochs[n]}, task_preset)
                                 for n in names if n in params}
            seconds, rows = timed_run(preset=task_preset, systems=systems, forecasters=names,
                                      forecaster_params=forecaster_params, workers=args.workers,
                                      cell_timeout=args.cell_timeout)
            how = ("at its budget" if group["at_budget"] else f"at {sorted(set(epochs.values()))} epochs")
            print(f"  {family}: {len(rows)} cells in {seconds:.0f} s wall (neural for {', '.join(group['presets'])} "
                  f"{how})", flush=True)
            wall, n_cells = wall + seconds, n_cells + len(rows)
            for row in rows:
                info = json.loads(row["fit_info"]) if isinstance(row["fit_info"], str) else None
                trains = row["forecaster"] in params
                cells.append({"family": family, "presets": group["presets"] if trains else presets,
                              "system": row["system"], "forecaster": row["forecaster"],
                              "max_epochs": epochs.get(row["forecaster"]), "epochs": (info or {}).get("epochs"),
                              "stopped_by": (info or {}).get("stopped_by"), "at_budget": group["at_budget"] and trains,
                              "status": row["status"], "seconds": round(float(row["cell_seconds"]), 4)})
    for cell in early_stops(cells):
        print(f"  warning: {cell['forecaster']} on {cell['system']} trained {cell['epochs']} of {cell['max_epochs']} "
              "epochs (early stopping): its cost is not extrapolated in epochs; use --epochs auto", flush=True)
    overhead = max(wall * args.workers - sum(c["seconds"] for c in cells), 0.0) / n_cells
    return {"cells": cells, "overhead": overhead}


def preset_measurement(preset: str, measured: dict, neural) -> dict:
    """The cost model of ``preset`` from its family's measured cells, with the runner's overhead, whether it was
    measured at its budget, whether its neural forecasters stop early and, if measured at the budget, the epochs
    they trained."""
    cells = [c for c in measured["cells"] if preset in c["presets"]]
    at_budget = any(c["at_budget"] for c in cells if c["forecaster"] in neural)
    return {"model": fit_cost_model(cells, neural), "overhead": measured["overhead"], "at_budget": at_budget,
            "early_stopping": early_stopping(make_config(preset)),
            "epochs_trained": epochs_trained(cells, neural) if at_budget else {}}


def epochs_trained(cells: list[dict], neural) -> dict:
    """Per neural forecaster: the epochs trained (mean and max over the measured cells, from ``fit_info``), the
    budget, and how many of the cells stopped early."""
    trained = {}
    for c in cells:
        if c["forecaster"] in neural and c["epochs"] is not None:
            trained.setdefault(c["forecaster"], []).append(c)
    return {name: {"mean": float(np.mean([c["epochs"] for c in group])), "max": max(c["epochs"] for c in group),
                   "budget": max(c["max_epochs"] for c in group), "cells": len(group),
                   "early_stopped": sum(c.get("stopped_by") == "early_stopping" for c in group)}
            for name, group in sorted(trained.items())}


def early_stops(cells: list[dict]) -> list[dict]:
    """The neural cells measured for the extrapolation that trained a different number of epochs than requested."""
    return [c for c in cells if c["max_epochs"] is not None and c["epochs"] is not None
            and c["epochs"] != c["max_epochs"] and not c.get("at_budget", False)]


def fit_cost_model(cells: list[dict], neural) -> dict:
    """(system, forecaster) -> {"fixed", "per_epoch"} seconds from measured cells (per-epoch zero without epochs,
    and for a neural forecaster measured at its budget: the cell costs what it took); None for a neural forecaster
    measured at two epoch counts that stopped early in any cell, where a line in epochs would not hold."""
    stopped = {c["forecaster"] for c in early_stops(cells)}
    points = {}
    for c in cells:
        points.setdefault((c["system"], c["forecaster"]), {})[c["max_epochs"]] = c["seconds"]
    model = {}
    for (system, name), measured in points.items():
        if name in neural and len(measured) == 2:
            model[system, name] = None if name in stopped else dict(
                zip(("fixed", "per_epoch"), linear_in_epochs(measured)))
        else:  # no epochs, or trained for the preset's budget
            model[system, name] = {"fixed": next(iter(measured.values())), "per_epoch": 0.0}
    return model


def cell_model(measured: dict, system: str, name: str) -> dict | None:
    """{"fixed", "per_epoch"} seconds of a cell, runner overhead in the fixed part: measured on a sampled system,
    the stratum's mean elsewhere; None when the forecaster's cost is not extrapolated or was not measured."""
    model = measured["model"]
    sampled = [s for s, n in model if n == name and (s == system or stratum(s) == stratum(system))]
    if system in sampled:
        sampled = [system]
    if not sampled:  # a stratum without a sampled system (too few systems): the mean of all sampled ones
        sampled = [s for s, n in model if n == name]
    if not sampled or any(model[s, name] is None for s in sampled):
        return None
    return {"fixed": float(np.mean([model[s, name]["fixed"] for s in sampled])) + measured["overhead"],
            "per_epoch": float(np.mean([model[s, name]["per_epoch"] for s in sampled]))}


def estimate_preset(preset: str, measured: dict, workers, machines, cores, budgets: dict | None = None) -> dict:
    """Cells, cell-hours, per-forecaster seconds (with their fixed and per-epoch parts, weighted over the preset's
    systems as the cells are; none for a preset measured at its budget, whose cells cost what they took) and ideal
    wall times (local workers, Dask machines) of a preset, with its neural budgets (``budgets``, max_epochs per
    forecaster: the preset's own unless given) and the epochs they trained when measured at the budget. Cells of a
    forecaster whose cost is not extrapolated are left out of the totals and listed under "unestimated"."""
    config = make_config(preset)
    if budgets is None:
        budgets = {n: p["max_epochs"] for n, p in config.forecaster_params.items() if "max_epochs" in p}
    at_budget = measured.get("at_budget", False)
    timeout = config.cell_timeout
    per_forecaster = {name: [] for name in config.forecasters}
    costs, unestimated = [], set()
    for system in config.systems:  # grid order: system, forecaster, seed, noise (as cell_specs)
        for name in config.forecasters:
            model = cell_model(measured, system, name)
            if model is None:
                unestimated.add(name)
                continue
            epochs = budgets.get(name, 0)
            cost = min(model["fixed"] + model["per_epoch"] * epochs, timeout)
            split = epochs and not at_budget
            per_forecaster[name].append((cost, model["fixed"] if split or not epochs else None,
                                         model["per_epoch"] if split else None))
            costs += [cost] * (len(config.seeds) * len(config.noise))

    def mean(name, part):
        values = [c[part] for c in per_forecaster[name]]
        return float(np.mean(values)) if values and values[0] is not None else None

    return {"cells": len(costs), "cell_hours": sum(costs) / 3600, "neural_epochs": budgets,
            "early_stopping": measured.get("early_stopping", False), "measured_at_budget": at_budget,
            "epochs_trained": measured.get("epochs_trained", {}),
            "forecaster_seconds": {n: mean(n, 0) for n in per_forecaster},
            "forecaster_fixed": {n: mean(n, 1) for n in per_forecaster},
            "forecaster_per_epoch": {n: mean(n, 2) for n in per_forecaster},
            "unestimated": sorted(unestimated),
            "wall_hours": {str(w): list_schedule(costs, w) / 3600 for w in workers},
            "dask_hours": {str(m): list_schedule(costs, m * cores, longest_first=True) / 3600 for m in machines},
            "longest_cell_hours": max(costs) / 3600}


def measure_scaling(systems, forecasters, workers) -> list[dict]:
    """Measured wall time of one small grid on local workers and a Dask LocalCluster."""
    rows = []
    for executor, count in [("local", w) for w in workers] + [("dask", max(workers))]:
        wall, cells = timed_run(preset="quick", systems=systems, forecasters=forecasters, workers=count,
                                executor=executor)
        rows.append({"executor": executor, "workers": count, "cells": len(cells), "wall_seconds": wall,
                     "cell_seconds": sum(c["cell_seconds"] for c in cells)})
    return rows


def stored_estimate(result: dict, preset: str) -> dict:
    """A stored run's estimate of ``preset``; one written before the fixed and per-epoch parts were weighted over
    the preset's systems is estimated again from its measured cells, at its own budget (one for every neural
    forecaster then)."""
    estimate = result["presets"][preset]
    if "forecaster_fixed" in estimate:
        return estimate
    cells = [c for c in result["cells"] if c["family"] == FAMILY[preset]]
    measured = {"model": fit_cost_model(cells, set(result["neural"])), "overhead": result["overhead_seconds"]}
    settings = result["settings"]
    return estimate_preset(preset, measured, [int(w) for w in estimate["wall_hours"]],
                           [int(m) for m in estimate["dask_hours"]], settings["cores"],
                           budgets=neural_epochs(estimate, result["neural"]))


def neural_epochs(estimate: dict, neural) -> dict:
    """max_epochs per neural forecaster of a stored estimate (older runs stored one for all)."""
    budgets = estimate["neural_epochs"]
    return budgets if isinstance(budgets, dict) else {n: budgets for n in neural}


def budget_label(estimate: dict) -> str:
    """A preset's neural budgets in a few characters: the epochs, or their range, and "es" with early stopping."""
    budgets = set(estimate["neural_epochs"].values()) if isinstance(estimate["neural_epochs"], dict) else {
        estimate["neural_epochs"]}
    label = "-" if not budgets else str(min(budgets)) if len(budgets) == 1 else f"{min(budgets)}-{max(budgets)}"
    return label + (" es" if estimate.get("early_stopping") else "")


def number(value, width: int) -> str:
    """``value`` with two decimals in ``width`` characters, or a dash when there is none."""
    return f"{value:{width}.2f}" if value is not None else f"{'-':>{width}}"


def trained_columns(trained: dict | None) -> str:
    """The mean / max epochs trained and the cells that stopped early, of ``epochs_trained``'s record."""
    if trained is None:
        return f"{'-':>13}{'-':>9}"
    mean_max, stopped = f"{trained['mean']:.1f} / {trained['max']}", f"{trained['early_stopped']} / {trained['cells']}"
    return f"{mean_max:>13}{stopped:>9}"


def ratio(new, old) -> str:
    return f"{new / old:7.2f}" if old and new is not None else f"{'-':>7}"


def measured_speedup(result: dict, workers: str) -> float | None:
    """Measured speedup of ``workers`` local workers over one on the scaling grid, if both were measured."""
    local = {str(r["workers"]): r["wall_seconds"] for r in result["scaling"] if r["executor"] == "local"}
    return local["1"] / local[workers] if "1" in local and workers in local else None


def print_report(result: dict, before: dict | None) -> None:
    settings = result["settings"]
    print(f"\nchaosbench presets on {result['host']} ({result['cpu_count']} CPUs), commit {result['git_commit']}")
    print(f"sample: {settings['per_stratum']} system(s) per stratum, seed {settings['seed']}, measured on "
          f"{settings['workers']} worker(s): {', '.join(settings['systems'])}")
    at_budget = [p for p, e in result["presets"].items() if e.get("measured_at_budget", settings["epochs"] == "preset")]
    extrapolated = [p for p in result["presets"] if p not in at_budget]
    if at_budget:
        print(f"neural forecasters of {', '.join(at_budget)}: trained for the preset's budget, not extrapolated"
              + (" (--epochs auto: they stop early, so their cost is not linear in epochs)"
                 if settings["epochs"] == "auto" else ""))
    if extrapolated:
        low, high = settings.get("levels") or settings["epochs"]  # older runs stored the levels as "epochs"
        print(f"neural forecasters of {', '.join(extrapolated)}: trained for {low} and {high} epochs (raised to "
              "multiples of a model-selection interval), extrapolated linearly in epochs to each forecaster's budget")
    for cell in early_stops(result["cells"]):
        print(f"warning: {cell['forecaster']} on {cell['system']} trained {cell['epochs']} of {cell['max_epochs']} "
              "epochs (early stopping)" + ("" if settings["epochs"] == "preset" else "; not extrapolated"))
    if before is not None:
        differing = {k: v for k, v in before["settings"].items() if settings.get(k) != v}
        print(f"before: {before['git_commit']} ({before['created']})"
              + (f"; settings differ: {', '.join(differing)}" if differing else ""))
    presets = {p: stored_estimate(result, p) for p in result["presets"]}
    shown = [p for p in ("standard", "gilpin2023", "quick") if p in presets]
    main = shown[0]
    old_f = (before or {}).get("presets", {}).get(main, {}).get("forecaster_seconds", {})
    estimate = presets[main]
    per_f = estimate["forecaster_seconds"]
    cells_per = estimate["cells"] / max(sum(v is not None for v in per_f.values()), 1)
    budgets, trained = neural_epochs(estimate, result["neural"]), estimate.get("epochs_trained", {})
    print(f"\nper forecaster: estimated seconds per cell (mean over the preset's systems, each sampled system "
          f"standing for its stratum), and the {main} preset's cost on one worker; "
          + (f"{main} was measured at its budget, so a neural cell costs what it took (no fixed and per-epoch parts); "
             "epochs: the budget, trained: mean / max epochs trained over the sampled cells, stopped: cells that "
             "stopped early" if estimate.get("measured_at_budget") else
             f"fixed s + s/epoch x epochs = the {main} cell (same weighting; fixed includes the runner's overhead)"))
    print(f"{'forecaster':<18}{'fixed s':>9}{'s/epoch':>9}"
          + "".join(f"{p:>12}" for p in shown) + f"{main + ' h':>12}{'share':>7}{'before':>9}{'ratio':>7}"
          + f"{'epochs':>8}" + (f"{'trained':>13}{'stopped':>9}" if trained else ""))
    total = sum(v for v in per_f.values() if v is not None)
    for name, seconds in sorted(per_f.items(), key=lambda kv: -math.inf if kv[1] is None else -kv[1]):
        fixed, per_epoch = estimate["forecaster_fixed"][name], estimate["forecaster_per_epoch"][name]
        row = "".join(number(presets[p]["forecaster_seconds"].get(name), 12) for p in shown)
        old = old_f.get(name)
        epoch_cost = f"{per_epoch:9.3f}" if per_epoch is not None else f"{'-':>9}"
        hours, share = (seconds * cells_per / 3600, seconds / total) if seconds is not None else (None, None)
        print(f"{name:<18}{number(fixed, 9)}{epoch_cost}{row}{number(hours, 12)}"
              + (f"{share:7.1%}" if share is not None else f"{'-':>7}")
              + f"{number(old, 9)}{ratio(seconds, old)}{budgets.get(name, '-'):>8}"
              + (trained_columns(trained.get(name)) if trained else ""))
    unestimated = sorted({n for p in presets.values() for n in p.get("unestimated", [])})
    if unestimated:
        print(f"not estimated (stopped early in the extrapolation, or not measured), left out of every total: "
              f"{', '.join(unestimated)}")
    workers = list(next(iter(presets.values()))["wall_hours"])
    last = workers[-1]
    speedup = measured_speedup(result, last) if last != "1" else None
    old_p = (before or {}).get("presets", {})
    print(f"\npresets (from the sampled cells; runner overhead {result['overhead_seconds']:.2f} s per cell "
          "included); ideal wall: the executor's schedule in grid order with every worker as fast as one alone, about "
          "cell-hours / workers"
          + (f"; at the measured {last}-worker speedup of {speedup:.2f} (small grid, below) it is cell-hours / "
             f"{speedup:.2f}" if speedup else ""))
    print(f"{'preset':<12}{'cells':>7}{'epochs':>10}{'cell-hours':>12}"
          + "".join(f"{'ideal wall h, ' + w + ' w':>19}" for w in workers)
          + (f"{'at ' + f'{speedup:.2f}' + 'x h':>13}" if speedup else "") + f"{'before':>9}{'ratio':>7}")
    for name, p in presets.items():
        old = old_p.get(name, {}).get("wall_hours", {}).get(last)
        print(f"{name:<12}{p['cells']:>7}{budget_label(p):>10}{p['cell_hours']:12.2f}"
              + "".join(f"{p['wall_hours'][w]:19.2f}" for w in workers)
              + (f"{p['cell_hours'] / speedup:13.2f}" if speedup else "")
              + f"{number(old, 9)}{ratio(p['wall_hours'][last], old)}")
    if result["scaling"]:
        base = result["scaling"][0]["wall_seconds"]
        grid = result["scaling"][0]
        print(f"\nworker scaling, measured: {grid['cells']} cells ({', '.join(settings['scaling_systems'])} x "
              f"{len(settings['scaling_forecasters'])} fast forecasters, quick preset); Dask's wall includes starting "
              "the cluster")
        print(f"{'executor':<20}{'workers':>8}{'wall s':>9}{'speedup':>9}{'cell s':>9}")
        for row in result["scaling"]:
            label = "dask LocalCluster" if row["executor"] == "dask" else row["executor"]
            print(f"{label:<20}{row['workers']:>8}{row['wall_seconds']:9.1f}{base / row['wall_seconds']:9.2f}"
                  f"{row['cell_seconds']:9.1f}")
    standard = presets.get("standard") or presets[main]
    print(f"\nN Dask machines of {settings['cores']} cores on paper ({'standard' if 'standard' in presets else main}"
          f" preset, longest cell first, ideal; longest cell {standard['longest_cell_hours'] * 60:.1f} min)")
    print(f"{'machines':>8}{'wall h':>9}{'sum/slots h':>13}")
    for m, hours in standard["dask_hours"].items():
        print(f"{m:>8}{hours:9.2f}{standard['cell_hours'] / (int(m) * settings['cores']):13.2f}")
    print("\ncaveats: a sampled system stands for its stratum; the linear extrapolation in epochs ran 0-20 % low "
          "(46 % for rnn) against the shipped Lorenz run trained in full (results/examples/lorenz-standard, "
          "measured at 2/6 epochs); extrapolated neural costs assume the whole budget is trained (a forecaster that "
          "stopped early is not extrapolated); a preset measured at its budget assumes the other systems of a "
          "stratum stop early as its sampled ones did; ideal wall times assume every worker is as fast as one alone "
          "(compare the measured speedup); other load on the machine inflates every number")


def parse_epochs(words: list[str], parser) -> tuple:
    """``--epochs`` as (mode, levels): mode "auto", "preset" or the levels themselves (every preset extrapolated)."""
    mode = words[0] if words[0] in ("auto", "preset") else None
    numbers = words[1:] if mode else words
    if mode == "preset" and numbers or mode is None and len(numbers) != 2 or mode == "auto" and len(numbers) not in (
            0, 2):
        parser.error("--epochs takes 'auto', 'auto A B', two epoch counts A B, or 'preset'")
    try:
        levels = tuple(int(e) for e in numbers) or LEVELS
    except ValueError:
        parser.error(f"--epochs: {' '.join(numbers)} are not epoch counts")
    if not 0 < levels[0] < levels[1]:
        parser.error("--epochs: the two epoch counts must be increasing and positive")
    return mode or levels, levels


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", nargs="+", choices=PRESETS, default=list(PRESETS))
    parser.add_argument("--per-stratum", type=int, default=2, help="systems sampled per stratum")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", nargs="+", default=["auto"],
                        help="'auto' (a preset whose neural forecasters stop early at its budget, the others "
                             f"extrapolated from {LEVELS[0]} and {LEVELS[1]} epochs), 'auto A B' (from A and B "
                             "epochs), 'A B' (every preset extrapolated) or 'preset' (every preset at its budget)")
    parser.add_argument("--workers", type=int, default=1, help="local workers that run the sample")
    parser.add_argument("--cell-timeout", type=float, default=3600.0)
    parser.add_argument("--wall-workers", type=int, nargs="+", default=[1, 2], help="local workers to estimate")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="cores of each Dask machine")
    parser.add_argument("--machines", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--no-scaling", action="store_true", help="skip the measured worker scaling")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench_presets_latest.json")
    parser.add_argument("--before", type=Path, default=BEFORE)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: the quick preset, one system per stratum, --epochs auto 1 2, a tiny "
                             "scaling grid")
    parser.add_argument("--show", type=Path, help="print the report of a stored run (against --before) and exit")
    args = parser.parse_args(argv)
    if args.show is not None:
        result = json.loads(args.show.read_text())
        fresh = args.before.resolve() == args.show.resolve()
        print_report(result, json.loads(args.before.read_text()) if args.before.exists() and not fresh else None)
        return result
    if args.quick:
        args.presets, args.per_stratum, args.epochs = ["quick"], 1, ["auto", "1", "2"]
    args.epochs, args.levels = parse_epochs(args.epochs, parser)

    families = sorted({FAMILY[p] for p in args.presets})
    configs = {p: make_config(p) for p in args.presets}
    pools = {f: list(dict.fromkeys(s for p, c in configs.items() if FAMILY[p] == f for s in c.systems))
             for f in families}
    systems = {f: stratified_sample(pools[f], args.per_stratum, args.seed) for f in families}
    forecasters = tuple(dict.fromkeys(n for c in configs.values() for n in c.forecasters))
    neural = {n for c in configs.values() for n, p in c.forecaster_params.items() if "max_epochs" in p}
    groups = {f: measurement_groups([p for p in args.presets if FAMILY[p] == f], args.epochs) for f in families}
    print(f"measuring {len(forecasters)} forecasters on {sum(map(len, systems.values()))} sampled systems "
          f"({', '.join(families)} task settings) ...", flush=True)
    for group in (g for f in families for g in groups[f]):
        print(f"  neural forecasters of {', '.join(group['presets'])}: "
              + ("at the preset's budget" + (" (they stop early: cost not linear in epochs)"
                                              if args.epochs == "auto" else "") if group["at_budget"] else
                 f"at {args.levels[0]} and {args.levels[1]} epochs, extrapolated to the budget"), flush=True)
    measured = {f: measure_family(f, systems[f], forecasters, groups[f], args) for f in families}
    scaling_forecasters = FAST_FORECASTERS[:2] if args.quick else FAST_FORECASTERS
    scaling_systems = SCALING_SYSTEMS[:2] if args.quick else SCALING_SYSTEMS
    scaling = [] if args.no_scaling else measure_scaling(scaling_systems, scaling_forecasters, args.wall_workers)

    result = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "git_commit": git_commit(), "host": socket.gethostname(),
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "settings": {"per_stratum": args.per_stratum, "seed": args.seed, "workers": args.workers,
                     "epochs": args.epochs if isinstance(args.epochs, str) else list(args.epochs),
                     "levels": list(args.levels), "cores": args.cores,
                     "systems": sorted({s for v in systems.values() for s in v}),
                     "scaling_systems": list(scaling_systems), "scaling_forecasters": list(scaling_forecasters)},
        "overhead_seconds": float(np.mean([m["overhead"] for m in measured.values()])),
        "neural": sorted(neural),
        "presets": {p: estimate_preset(p, preset_measurement(p, measured[FAMILY[p]], neural), args.wall_workers,
                                       args.machines, args.cores) for p in args.presets},
        "scaling": scaling,
        "cells": [c for m in measured.values() for c in m["cells"]],
    }
    result["early_stops"] = early_stops(result["cells"])
    fresh = args.before.resolve() == args.out.resolve()
    before = json.loads(args.before.read_text()) if args.before.exists() and not fresh else None
    print_report(result, before)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {args.out}")
    return result


if __name__ == "__main__":
    main()
