"""Shipped runs (the tables without the store) read back like the run they came from and agree with their
manifests; ``chaosbench leaderboard --compare`` ranks two runs' forecasters over the cells they share."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench._bench.report import export_run
from chaosbench._bench.runner import check_run
from chaosbench.cli import main

ROOT = Path(__file__).resolve().parent.parent
TASK = {"n_test": 2, "horizon": 100, "n_train": 500, "quiet": True, "workers": 1}
SHIPPED = sorted(path.parent for folder in ("examples", "reference")
                 for path in (ROOT / "results" / folder).glob("*/manifest.json"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two small real runs with the same task: naive and linear on Lorenz and Rossler; esn and linear on Lorenz."""
    folder = tmp_path_factory.mktemp("runs")
    first = chaosbench.run(out=str(folder / "first"), systems="Lorenz,Rossler", forecasters="naive,linear", **TASK)
    second = chaosbench.run(out=str(folder / "second"), systems="Lorenz", forecasters="esn,linear",
                            forecaster_params={"esn": {"n_units": 100}}, **TASK)
    return first, second


@pytest.fixture(scope="module")
def shipped(runs, tmp_path_factory):
    return export_run(runs[0].path, tmp_path_factory.mktemp("export") / "first")


def _invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_exported_run_reads_back_as_the_run(runs, shipped):
    run = runs[0]
    assert shipped.shipped and not run.shipped
    assert sorted(p.name for p in shipped.path.iterdir()) == ["cells.csv", "leaderboard.csv", "manifest.json",
                                                              "report"]
    pd.testing.assert_frame_equal(shipped.cells, run.cells, check_exact=True)  # values and dtypes
    assert run.cells["error"].isna().any() and (run.cells["rmse"] == float("inf")).any()  # NA and inf travel too
    pd.testing.assert_frame_equal(shipped.leaderboard(), run.leaderboard(), check_exact=True)
    pd.testing.assert_frame_equal(pd.read_csv(shipped.path / "leaderboard.csv"),
                                  pd.read_csv(run.path / "leaderboard.csv"))
    assert shipped.manifest == run.manifest
    assert run.forecast("Lorenz", "linear") and shipped.forecast("Lorenz", "linear") == {}
    assert check_run(shipped.path) == []


def test_leaderboard_and_report_work_on_a_shipped_run(shipped, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(shipped.path, copy)
    cells = (copy / "cells.csv").read_bytes()
    plots = {p.name for p in (copy / "report").glob("*.png")}
    assert {"vpt_distribution.png", "error_growth.png", "forecasts.png", "attractors.png"} <= plots
    code, output = _invoke("leaderboard", copy, "--metric", "rmse")
    assert code == 0 and "wrote" in output
    assert pd.read_csv(copy / "leaderboard.csv").columns[2] == "rmse_median"
    assert (copy / "cells.csv").read_bytes() == cells  # the shipped cells are the source, never rewritten
    code, output = _invoke("report", copy)
    assert code == 0
    assert {p.name for p in (copy / "report").glob("*.png")} == plots  # drawn at export, kept
    for png in plots - {"vpt_distribution.png"}:  # those that need the forecast arrays
        (copy / "report" / png).unlink()
    assert _invoke("report", copy)[0] == 0
    readme = (copy / "report" / "README.md").read_text()
    assert readme.count("a shipped run has no forecast arrays") == 3 and "vpt_distribution.png" in readme


def test_export_refuses_its_source_and_a_store(runs, tmp_path):
    code, output = _invoke("export", runs[0].path, runs[0].path)
    assert code == 2 and "into itself" in output
    code, output = _invoke("export", runs[0].path, runs[1].path)
    assert code == 2 and "holds a run's store" in output


def _edited(source: Path, target: Path, file: str, edit) -> Path:
    shutil.copytree(source, target)
    path = target / file
    if file.endswith(".json"):
        path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    else:
        edit(pd.read_csv(path, keep_default_na=False)).to_csv(path, index=False)
    return target


def test_check_run_finds_what_disagrees_with_the_manifest(shipped, tmp_path):
    def problems(name, file, edit):
        return "\n".join(check_run(_edited(shipped.path, tmp_path / name, file, edit)))

    assert "1 cell(s) missing, e.g. Rossler/naive/0/0.0" in problems(
        "dropped", "cells.csv", lambda c: c[~((c["system"] == "Rossler") & (c["forecaster"] == "naive"))])
    assert "1 cell(s) not in the settings, e.g. Lorenz/linear/0/0.1" in problems(
        "noisy", "cells.csv", lambda c: c.assign(noise=[0.1] + [0.0] * (len(c) - 1)))
    assert "4 cell(s) with n_train other than the manifest's 400, e.g. Lorenz/linear: 500" in problems(
        "settings", "manifest.json", lambda m: m | {"settings": m["settings"] | {"n_train": 400}})
    assert "horizon 100 steps, but the manifest's task resolves to 99" in problems(
        "horizon", "manifest.json", lambda m: m | {"settings": m["settings"] | {"horizon": 99}})
    assert "'linear' is recorded as left out" in problems(
        "left-out", "manifest.json", lambda m: m | {"forecasters_left_out": {"linear": "cannot run"}})
    assert "leaderboard.csv is not the leaderboard of the cells" in problems(
        "board", "leaderboard.csv", lambda b: b.assign(vpt_nrmse_median=b["vpt_nrmse_median"] * 1.001))


def test_shipped_runs_agree_with_their_manifests():
    assert ROOT / "results" / "examples" / "lorenz-standard" in SHIPPED
    for path in SHIPPED:
        assert chaosbench.load_results(path).shipped, path
        assert check_run(path) == [], path


def test_reference_run_covers_every_chaotic_system_and_forecaster():
    reference = ROOT / "results" / "reference" / "standard"
    if not reference.exists():
        pytest.skip("the reference run is not shipped yet")
    manifest = chaosbench.load_results(reference).manifest
    settings = manifest["settings"]
    chaotic = {n for n in chaosbench.list_systems() if "nonchaotic" not in chaosbench.get_system(n).tags}
    assert settings["preset"] == "standard" and set(settings["systems"]) == chaotic
    assert set(settings["forecasters"]) | set(manifest["forecasters_left_out"]) == set(chaosbench.list_forecasters())
    assert manifest["git_commit"] and manifest["versions"]["chaosbench"]
    assert (reference / "report" / "README.md").exists()


def test_compare_ranks_both_runs_over_the_shared_cells(runs, shipped, tmp_path):
    first, second = runs
    own_board = (second.path / "leaderboard.csv").read_bytes()
    code, output = _invoke("leaderboard", "--compare", shipped.path, second.path)
    assert code == 0, output
    board = pd.read_csv(second.path / "comparison.csv", float_precision="round_trip")
    assert list(board.columns[:3]) == ["rank", "forecaster", "run"]
    labels = {str(shipped.path): "first", str(second.path): "second"}
    rows = sorted(zip(board["forecaster"], board["run"].map(labels)))
    assert rows == [("esn", "second"), ("linear", "first"), ("linear", "second"), ("naive", "first")]
    assert (board["n_cells"] == 1).all()  # Lorenz only: Rossler is not in the second run
    assert board["vpt_nrmse_median"].is_monotonic_decreasing
    lorenz = first.cells.set_index(["system", "forecaster"])["vpt_nrmse"]
    by_row = board.set_index(["forecaster", board["run"].map(labels)])["vpt_nrmse_median"]
    assert by_row["naive", "first"] == lorenz["Lorenz", "naive"]
    assert by_row["linear", "first"] == lorenz["Lorenz", "linear"] == by_row["linear", "second"]  # deterministic
    assert by_row["esn", "second"] == second.cells.set_index("forecaster").loc["esn", "vpt_nrmse"]
    assert (second.path / "leaderboard.csv").read_bytes() == own_board  # the run's own tables are left alone

    code, _ = _invoke("leaderboard", "--compare", second.path, first.path, "-o", tmp_path / "mine.csv",
                      "--metric", "rmse")
    assert code == 0 and pd.read_csv(tmp_path / "mine.csv").columns[3] == "rmse_median"
    assert not (first.path / "comparison.csv").exists()


def test_compare_refuses_runs_that_cannot_be_compared(runs, tmp_path):
    first, second = runs
    other_task = chaosbench.run(out=str(tmp_path / "longer"), systems="Lorenz", forecasters="naive",
                                **TASK | {"n_train": 400})
    code, output = _invoke("leaderboard", "--compare", first.path, other_task.path)
    assert code == 2 and output.count("\n") == 1
    assert "different task settings" in output and "n_train is 400" in output and "500" in output
    rossler = chaosbench.run(out=str(tmp_path / "rossler"), systems="Rossler", forecasters="naive", **TASK)
    code, output = _invoke("leaderboard", "--compare", second.path, rossler.path)
    assert code == 2 and "share no cell" in output
    code, output = _invoke("leaderboard", "--compare", first.path, first.path)
    assert code == 2 and "two different runs" in output
