"""Shipped runs (the tables without the store) read back like the run they came from and agree with their
manifests; ``chaosbench leaderboard --compare`` ranks two runs' forecasters over the cells they share."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench._bench.leaderboard import compare_notes
from chaosbench._bench.report import export_run
from chaosbench._bench.runner import check_run
from chaosbench.cli import main

ROOT = Path(__file__).resolve().parent.parent
TASK = {"n_test": 2, "horizon": 100, "n_train": 500, "quiet": True, "workers": 1}
SHIPPED = sorted(path.parent for folder in ("examples", "reference")
                 for path in (ROOT / "results" / folder).glob("**/manifest.json"))


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
    board = (copy / "leaderboard.csv").read_bytes()
    for options in (["--metric", "rmse"], ["--agg", "mean"], ["--include-unresolved"]):
        code, output = _invoke("leaderboard", copy, *options)
        assert code == 2 and output.count("\n") == 1 and "shipped run" in output and "-o FILE" in output
    assert (copy / "leaderboard.csv").read_bytes() == board and check_run(copy) == []
    code, output = _invoke("leaderboard", copy, "--metric", "rmse", "-o", tmp_path / "rmse.csv")
    assert code == 0 and "wrote" in output
    assert pd.read_csv(tmp_path / "rmse.csv").columns[2] == "rmse_median"
    code, output = _invoke("leaderboard", copy, "--metric", "vpt_nrmse")  # the default: rewritten as it was
    assert code == 0 and (copy / "leaderboard.csv").read_bytes() == board
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


def test_a_failed_export_leaves_the_earlier_export_as_it_was(shipped, tmp_path):
    dest = tmp_path / "dest"
    export_run(shipped.path, dest)
    cells = (dest / "cells.csv").read_bytes()
    incomplete = _edited(shipped.path, tmp_path / "incomplete", "cells.csv", lambda c: c.iloc[1:])
    code, output = _invoke("export", incomplete, dest)
    assert code == 2 and output.count("\n") == 1 and "1 cell(s) missing" in output
    assert (dest / "cells.csv").read_bytes() == cells and check_run(dest) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest", "incomplete"]  # no staging folder left


def test_export_refuses_a_folder_that_is_not_an_export(shipped, tmp_path):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "notes.md").write_text("mine")
    code, output = _invoke("export", shipped.path, tmp_path)
    assert code == 2 and "holds no earlier export" in output
    assert (tmp_path / "report" / "notes.md").read_text() == "mine"


def test_exporting_a_shipped_run_leaves_it_as_it_is(shipped, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(shipped.path, source)
    shutil.rmtree(source / "report")
    before = sorted(p.name for p in source.iterdir())
    exported = export_run(source, tmp_path / "dest")
    assert sorted(p.name for p in source.iterdir()) == before  # no report drawn into the source
    assert (exported.path / "report" / "README.md").exists() and check_run(exported.path) == []


def test_load_results_names_what_a_run_directory_lacks(shipped, tmp_path):
    shutil.copy(shipped.path / "cells.csv", tmp_path)
    with pytest.raises(chaosbench.exceptions.ResultsStoreError, match="neither a store, results.sqlite, nor a "
                                                                       "shipped run's cells.csv and manifest.json"):
        chaosbench.load_results(tmp_path)


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
    assert ROOT / "results" / "reference" / "learning-rate-probe" / "x1" in SHIPPED  # nested runs too
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
    assert f"cells kept (on the systems, seeds and noise levels all runs hold): 2 of 4 in {shipped.path}, 2 of 2 " \
           f"in {second.path}" in output
    assert "metrics left out" not in output and "git commits differ" not in output and "linear:" not in output
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
    for same in (first.path, f"{first.path}/", first.path / "." / ".." / first.path.name):
        code, output = _invoke("leaderboard", "--compare", first.path, same)
        assert code == 2 and "two different runs" in output


def test_compare_refuses_cells_resolved_differently(runs, shipped, tmp_path):
    moved = _edited(shipped.path, tmp_path / "moved", "cells.csv",
                    lambda c: c.assign(dt=c["dt"].where(c["system"] != "Lorenz", c["dt"] * 2)))
    code, output = _invoke("leaderboard", "--compare", moved, runs[1].path)
    assert code == 2 and output.count("\n") == 1
    dt = runs[1].cells["dt"].iloc[0]
    assert "resolve Lorenz/seed 0/noise 0.0 differently" in output and f"dt is {dt} in {runs[1].path}" in output
    moved_dt = chaosbench.load_results(moved).cells.set_index("system").loc["Lorenz", "dt"].iloc[0]
    assert moved_dt != dt and f"{moved_dt} in {moved}" in output


def test_compare_notes_name_what_differs_besides_the_task(runs, shipped):
    first, second = (chaosbench.load_results(run.path) for run in (shipped, runs[1]))
    first.manifest["settings"]["forecaster_params"] = {"linear": {"alpha": 0.5}}
    second.manifest["settings"]["forecaster_params"] |= {"linear": {"alpha": 2.0, "fit_intercept": False}}
    first.manifest["git_commit"], second.manifest["git_commit"] = "abc", None
    first.manifest["uncommitted_changes"], second.manifest["uncommitted_changes"] = True, None
    first.manifest["earlier_git_commits"], second.manifest["earlier_git_commits"] = [], ["def"]
    second.metrics = second.metrics[1:]
    notes = compare_notes({"A": first, "B": second})
    assert notes[0] == "cells kept (on the systems, seeds and noise levels all runs hold): 2 of 4 in A, 2 of 2 in B"
    assert notes[1:] == [f"metrics left out (computed by only some runs): {first.metrics[0]} (A)",
                         "linear: alpha 0.5 in A, 2.0 in B; fit_intercept default in A, False in B",
                         "git commits differ: abc in A, unknown in B",
                         "made with uncommitted changes to the source (their commit alone does not reproduce them): A",
                         "resumed at another commit (some cells were made at earlier ones): B"]
