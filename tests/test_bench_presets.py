"""benchmarks/bench_presets.py: its scheduling, extrapolation and sampling rules, and one smoke run (slow)."""

import importlib.util
import json
from pathlib import Path

import pytest

import chaosbench

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


def test_stratified_sample_takes_from_every_stratum(bench):
    systems = chaosbench.list_systems()
    sample = bench.stratified_sample(systems, 2, seed=0)
    assert sample == bench.stratified_sample(systems, 2, seed=0)
    counts = {group: sum(bench.stratum(s) == group for s in sample) for group in bench.STRATA}
    assert counts == {group: 2 for group in bench.STRATA}
    assert bench.stratum("MackeyGlass") == "delay" and bench.stratum("Lorenz96") == "dim>=5"
    assert bench.stratum("Lorenz") == "dim<=3" and bench.stratum("HyperLorenz") == "dim=4"


def test_cell_cost_uses_the_measured_system_else_its_stratum(bench):
    measured = {"overhead": 0.5, "model": {
        ("Lorenz", "lstm"): {"fixed": 2.0, "per_epoch": 1.0},
        ("Rossler", "lstm"): {"fixed": 4.0, "per_epoch": 1.0},
        ("MackeyGlass", "lstm"): {"fixed": 10.0, "per_epoch": 0.0}}}
    assert bench.cell_cost(measured, "Lorenz", "lstm", 10) == 12.5
    assert bench.cell_cost(measured, "Chen", "lstm", 10) == 13.5  # mean of Lorenz and Rossler
    assert bench.cell_cost(measured, "VossDelay", "lstm", 10) == 10.5


@pytest.mark.slow
def test_quick_run_prints_the_tables_and_compares_with_before(bench, tmp_path, capsys):
    first = tmp_path / "before.json"
    bench.main(["--quick", "--no-scaling", "--out", str(first), "--before", str(tmp_path / "none.json")])
    stored = json.loads(first.read_text())
    assert set(stored["presets"]) == {"quick"}
    assert stored["presets"]["quick"]["cells"] == 90
    second = tmp_path / "after.json"
    bench.main(["--quick", "--out", str(second), "--before", str(first)])
    out = capsys.readouterr().out
    assert "per forecaster" in out and "shplrnn" in out and "worker scaling" in out
    assert "dask LocalCluster" in out and f"before: {stored['git_commit']}" in out
