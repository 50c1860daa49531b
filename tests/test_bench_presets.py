"""benchmarks/bench_presets.py: its scheduling, extrapolation and sampling rules, and one smoke run (slow)."""

import argparse
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import chaosbench
from chaosbench._bench import config as bench_config

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_presets.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_presets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_list_schedule_in_order_and_longest_first(bench):
    costs = [1, 1, 1, 1, 4]
    # in order, two workers: 1+1 and 1+1 finish at 2, the 4 then ends at 6
    assert bench.list_schedule(costs, 2) == 6
    # longest first: 4 on one worker, the four 1s on the other
    assert bench.list_schedule(costs, 2, longest_first=True) == 4
    assert bench.list_schedule(costs, 1) == sum(costs)
    assert bench.list_schedule(costs, 10) == 4


def test_linear_in_epochs_recovers_fixed_and_per_epoch_cost(bench):
    fixed, per_epoch = bench.linear_in_epochs({20: 3.0 + 20 * 0.25, 6: 3.0 + 6 * 0.25})
    assert fixed == pytest.approx(3.0)
    assert per_epoch == pytest.approx(0.25)
    # noise that tilts the line downwards gives no negative per-epoch cost
    assert bench.linear_in_epochs({2: 5.0, 6: 4.0}) == (5.0, 0.0)


def test_measurement_epochs_are_multiples_of_the_selection_interval(bench):
    assert bench.measurement_epochs("shplrnn", {}, (2, 6)) == (20, 40)
    assert bench.measurement_epochs("lstm", {}, (2, 6)) == (2, 6)
    assert bench.measurement_epochs("shplrnn", {}, (5, 25)) == (20, 40)


def test_stratified_sample_takes_from_every_stratum(bench):
    systems = chaosbench.list_systems()
    sample = bench.stratified_sample(systems, 2, seed=0)
    assert sample == bench.stratified_sample(systems, 2, seed=0)
    counts = {group: sum(bench.stratum(s) == group for s in sample) for group in bench.STRATA}
    assert counts == {group: 2 for group in bench.STRATA}
    assert bench.stratum("MackeyGlass") == "delay" and bench.stratum("Lorenz96") == "dim>=5"
    assert bench.stratum("Lorenz") == "dim<=3" and bench.stratum("HyperLorenz") == "dim=4"


def test_cell_model_uses_the_measured_system_else_its_stratum(bench):
    measured = {"overhead": 0.5, "model": {
        ("Lorenz", "lstm"): {"fixed": 2.0, "per_epoch": 1.0},
        ("Rossler", "lstm"): {"fixed": 4.0, "per_epoch": 3.0},
        ("MackeyGlass", "lstm"): {"fixed": 10.0, "per_epoch": 0.0},
        ("Lorenz", "gru"): None}}
    assert bench.cell_model(measured, "Lorenz", "lstm") == {"fixed": 2.5, "per_epoch": 1.0}
    assert bench.cell_model(measured, "Chen", "lstm") == {"fixed": 3.5, "per_epoch": 2.0}  # Lorenz and Rossler
    assert bench.cell_model(measured, "VossDelay", "lstm") == {"fixed": 10.5, "per_epoch": 0.0}
    assert bench.cell_model(measured, "Chen", "gru") is None


def cell(system, forecaster, max_epochs, epochs, seconds, at_budget=False):
    return {"family": "long", "system": system, "forecaster": forecaster, "max_epochs": max_epochs,
            "epochs": epochs, "status": "ok", "seconds": seconds, "at_budget": at_budget}


def test_early_stopping_refuses_the_extrapolation_of_that_forecaster(bench):
    cells = [cell("Lorenz", "lstm", 5, 5, 3.5), cell("Lorenz", "lstm", 25, 25, 7.5),
             cell("Lorenz", "gru", 5, 5, 2.0), cell("Lorenz", "gru", 25, 12, 4.0),
             cell("Rossler", "gru", 5, 5, 2.0), cell("Rossler", "gru", 25, 25, 6.0),
             cell("Lorenz", "naive", None, None, 0.25)]
    assert bench.early_stops(cells) == [cells[3]]
    model = bench.fit_cost_model(cells, {"lstm", "gru"})
    assert model["Lorenz", "lstm"] == {"fixed": pytest.approx(2.5), "per_epoch": pytest.approx(0.2)}
    assert model["Lorenz", "gru"] is None and model["Rossler", "gru"] is None
    assert model["Lorenz", "naive"] == {"fixed": 0.25, "per_epoch": 0.0}
    # measured at its budget, a cell that stopped early is no warning and costs what it took
    at_budget = [cell("Lorenz", "gru", 500, 120, 50.0, at_budget=True)]
    assert bench.early_stops(at_budget) == []
    assert bench.fit_cost_model(at_budget, {"gru"})["Lorenz", "gru"] == {"fixed": 50.0, "per_epoch": 0.0}


def test_preset_columns_weight_fixed_and_per_epoch_as_the_cell_cost(bench):
    config = bench.make_config("quick")
    budgets = {n: p["max_epochs"] for n, p in config.forecaster_params.items() if "max_epochs" in p}
    neural = set(budgets)
    # one sampled system per stratum, each with its own cost, so that stratum weights matter
    systems = bench.stratified_sample(list(config.systems), 1, seed=0)
    cells = [cell(s, n, e, e, 1.0 + i + (0.1 * (i + 1) * e if n in neural else 0.0))
             for i, s in enumerate(systems) for n in config.forecasters for e in ((5, 25) if n in neural else (None,))]
    measured = {"model": bench.fit_cost_model(cells, neural), "overhead": 0.0}
    estimate = bench.estimate_preset("quick", measured, [1, 2], [1], 2)
    for name in config.forecasters:
        per_epoch = estimate["forecaster_per_epoch"][name]
        assert (per_epoch is None) == (name not in neural)
        assert estimate["forecaster_fixed"][name] + (per_epoch or 0.0) * budgets.get(name, 0) == pytest.approx(
            estimate["forecaster_seconds"][name])
    assert estimate["unestimated"] == [] and estimate["neural_epochs"] == budgets
    assert not estimate["measured_at_budget"] and estimate["epochs_trained"] == {}
    assert estimate["wall_hours"]["1"] == pytest.approx(estimate["cell_hours"])


def test_show_prints_the_stored_before_run_with_ideal_wall_and_measured_speedup(bench, capsys):
    stored = bench.BEFORE
    bench.main(["--show", str(stored), "--before", str(stored)])
    out = capsys.readouterr().out
    assert "ideal wall h, 2 w" in out and "at 1.18x h" in out
    transformer = next(line.split() for line in out.splitlines() if line.startswith("transformer"))
    fixed, per_epoch, standard = map(float, transformer[1:4])
    budget = json.loads(stored.read_text())["presets"]["standard"]["neural_epochs"]  # one for all, then
    assert int(transformer[-1]) == budget
    # printed to 2 and 3 decimals: 0.005 + 0.0005 x budget of rounding (the unweighted slope was 17 s off)
    assert fixed + per_epoch * budget == pytest.approx(standard, abs=0.005 + 0.0005 * budget + 1e-9)


def test_epochs_option(bench):
    parser = argparse.ArgumentParser()
    assert bench.parse_epochs(["auto"], parser) == ("auto", bench.LEVELS)
    assert bench.parse_epochs(["auto", "1", "2"], parser) == ("auto", (1, 2))
    assert bench.parse_epochs(["3", "9"], parser) == ((3, 9), (3, 9))
    assert bench.parse_epochs(["preset"], parser)[0] == "preset"
    for wrong in (["9", "3"], ["5"], ["preset", "1", "2"], ["auto", "x", "2"]):
        with pytest.raises(SystemExit):
            bench.parse_epochs(wrong, parser)


# a standard budget with early stopping and one forecaster's own epochs, whatever config.py holds now
EARLY_STOPPING = {"*": {"max_epochs": 40, "patience": 2, "validation_interval": 5, "validation_steps": 100},
                  "gru": {"max_epochs": 60}}


def fake_run(calls):
    """A stand-in for timed_run: a neural cell trains max_epochs, or half of them when it stops early, at 1 s + 0.1 s
    per epoch trained; any other cell takes 0.5 s; the wall is the sum (no runner overhead)."""
    def timed_run(**options):
        calls.append(options)
        rows = []
        for system in options["systems"]:
            for name in options["forecasters"]:
                params = options["forecaster_params"].get(name)
                if params is None:
                    info, seconds = None, 0.5
                else:
                    stops = params["patience"] is not None
                    epochs = params["max_epochs"] // 2 if stops else params["max_epochs"]
                    info = {"epochs": epochs, "stopped_by": "early_stopping" if stops else "max_epochs"}
                    seconds = 1.0 + 0.1 * epochs
                rows.append({"system": system, "forecaster": name, "status": "ok", "cell_seconds": seconds,
                             "fit_info": json.dumps(info) if info else None})
        return sum(r["cell_seconds"] for r in rows), rows
    return timed_run


def test_a_preset_that_stops_early_is_measured_at_its_budget(bench, monkeypatch):
    monkeypatch.setitem(bench_config.NEURAL_BUDGET, "standard", EARLY_STOPPING)
    standard = bench.make_config("standard")
    assert standard.forecaster_params["gru"]["max_epochs"] == 60
    assert standard.forecaster_params["lstm"]["max_epochs"] == 40
    groups = bench.measurement_groups(["standard", "full"], "auto")
    assert [(g["presets"], g["at_budget"]) for g in groups] == [(["standard"], True), (["full"], False)]
    assert groups[0]["params"]["lstm"] == standard.forecaster_params["lstm"]
    assert "max_epochs" not in groups[1]["params"]["lstm"]
    assert [g["at_budget"] for g in bench.measurement_groups(["standard", "full"], (5, 25))] == [False, False]
    assert [g["at_budget"] for g in bench.measurement_groups(["standard", "full"], "preset")] == [True, True]
    # quick and full agree but for max_epochs: one extrapolation serves both
    assert [g["presets"] for g in bench.measurement_groups(["quick", "full"], "auto")] == [["quick", "full"]]

    calls = []
    monkeypatch.setattr(bench, "timed_run", fake_run(calls))
    systems, forecasters, neural = ["Lorenz", "Rossler"], ("naive", "lstm", "gru"), {"lstm", "gru"}
    args = SimpleNamespace(levels=(5, 25), workers=1, cell_timeout=3600.0)
    measured = bench.measure_family("long", systems, forecasters, groups, args)
    # standard: one run at its budget, with early stopping; full: two runs at 5 and 25 epochs, without it
    assert [c["forecasters"] for c in calls] == [forecasters, ("lstm", "gru"), ("lstm", "gru")]
    assert calls[0]["forecaster_params"]["gru"] == standard.forecaster_params["gru"]
    assert [c["forecaster_params"]["lstm"]["max_epochs"] for c in calls] == [40, 5, 25]
    assert [c["forecaster_params"]["lstm"]["patience"] for c in calls[1:]] == [None, None]
    assert bench.early_stops(measured["cells"]) == [] and measured["overhead"] == 0.0

    at_budget = bench.preset_measurement("standard", measured, neural)
    assert at_budget["at_budget"] and at_budget["early_stopping"]
    assert at_budget["epochs_trained"] == {
        "gru": {"mean": 30.0, "max": 30, "budget": 60, "cells": 2, "early_stopped": 2},
        "lstm": {"mean": 20.0, "max": 20, "budget": 40, "cells": 2, "early_stopped": 2}}
    estimate = bench.estimate_preset("standard", at_budget, [1], [1], 2)
    # every cell costs what the sampled ones took: 1 s + 0.1 s x the epochs trained, not x the budget
    assert estimate["forecaster_seconds"]["gru"] == pytest.approx(4.0)
    assert estimate["forecaster_seconds"]["lstm"] == pytest.approx(3.0)
    assert estimate["forecaster_per_epoch"]["gru"] is None and estimate["forecaster_fixed"]["gru"] is None
    assert estimate["measured_at_budget"] and estimate["neural_epochs"]["gru"] == 60
    assert estimate["epochs_trained"] == at_budget["epochs_trained"]
    assert set(estimate["unestimated"]) == set(standard.forecasters) - set(forecasters)  # not measured here

    # a neural forecaster of the budget group never runs with the other forecasters' first run, which lacks it
    calls.clear()
    quick_first = bench.measure_family("long", systems, forecasters,
                                       bench.measurement_groups(["quick", "standard"], "auto"), args)
    assert [c["forecasters"] for c in calls] == [("naive",), ("lstm", "gru")]
    assert bench.preset_measurement("standard", quick_first, neural)["model"]["Lorenz", "lstm"]["fixed"] == 3.0

    extrapolated = bench.preset_measurement("full", measured, neural)
    assert not extrapolated["at_budget"] and extrapolated["epochs_trained"] == {}
    assert extrapolated["model"]["Lorenz", "lstm"] == {"fixed": pytest.approx(1.0), "per_epoch": pytest.approx(0.1)}
    assert extrapolated["model"]["Lorenz", "naive"] == {"fixed": 0.5, "per_epoch": 0.0}


@pytest.mark.slow
def test_quick_run_prints_the_tables_and_compares_with_before(bench, tmp_path, capsys):
    first = tmp_path / "before.json"
    bench.main(["--quick", "--no-scaling", "--out", str(first), "--before", str(tmp_path / "none.json")])
    stored = json.loads(first.read_text())
    assert set(stored["presets"]) == {"quick"}
    assert stored["presets"]["quick"]["cells"] == 90
    assert stored["early_stops"] == [] and stored["presets"]["quick"]["unestimated"] == []
    second = tmp_path / "after.json"
    bench.main(["--quick", "--out", str(second), "--before", str(first)])
    out = capsys.readouterr().out
    assert "per forecaster" in out and "shplrnn" in out and "worker scaling" in out
    assert "dask LocalCluster" in out and f"before: {stored['git_commit']}" in out
