"""The benchmark runner: end to end, failures recorded, resume after kill -9, determinism, bad input."""

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
import chaosbench.testing
from chaosbench.cli import main
from chaosbench._core.provenance import git_commit, uncommitted_source_changes

SMALL = {"systems": "Lorenz,Rossler", "forecasters": "naive,linear,esn", "n_test": 2, "horizon": 100,
         "n_train": 500, "forecaster_params": {"esn": {"n_units": 100}}, "quiet": True}
CHAOSBENCH = [sys.executable, "-m", "chaosbench.cli"]


@pytest.fixture
def scoped():
    """Plugins loaded in this process by the test are unregistered afterwards."""
    with chaosbench.testing.scoped_registries():
        yield


def _metrics(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["system", "forecaster", "seed", "status", *chaosbench._bench.config.DEFAULT_METRICS]
    return frame[columns].sort_values(["system", "forecaster"]).reset_index(drop=True)


def test_run_end_to_end_and_rerun_skips_finished_cells(tmp_path):
    out = tmp_path / "run"
    results = chaosbench.run(out=str(out), workers=2, **SMALL)
    assert len(results.cells) == 6 and set(results.cells["status"]) <= {"ok", "diverged"}
    cells = pd.read_csv(out / "cells.csv")
    assert list(cells.columns[:4]) == ["system", "forecaster", "seed", "status"]
    assert cells["vpt_nrmse"].dtype == float and cells["seed"].dtype == np.int64
    board = pd.read_csv(out / "leaderboard.csv")
    assert list(board.columns[:3]) == ["rank", "forecaster", "vpt_nrmse_median"]
    assert board.loc[0, "forecaster"] == "esn"  # the reservoir beats persistence and the linear AR on chaos
    assert (board["success_rate"] <= 1).all() and board["n_cells"].tolist() == [2, 2, 2]
    arrays = results.forecast("Lorenz", "esn")
    assert arrays["forecast"].shape == arrays["truth"].shape == (2, 100, 3)
    manifest = results.manifest
    assert manifest["settings"]["n_train"] == 500 and manifest["versions"]["chaosbench"] == chaosbench.__version__
    assert manifest["tuning"] == "defaults (no tuning)" and manifest["finished_at"]
    assert manifest["git_commit"] == git_commit() and manifest["uncommitted_changes"] == uncommitted_source_changes()
    assert json.loads((out / "manifest.json").read_text()) == manifest  # shipped beside the tables

    stamps = results.cells["finished_at"].tolist()
    again = chaosbench.run(out=str(out), workers=1, **SMALL)  # same settings: nothing is recomputed
    assert again.cells["finished_at"].tolist() == stamps


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_failures_are_recorded_and_the_run_finishes(tmp_path, executor, faulty_plugin):
    # One worker: the cell that kills its process shares it with innocent cells, which must all be ok.
    names = "test_raises,test_nan,test_sleeps,test_dies,naive,linear"
    results = chaosbench.run(out=str(tmp_path / "run"), systems="Lorenz", forecasters=names, plugins=[faulty_plugin],
                             cell_timeout=3, workers=1, n_test=2, horizon=50, n_train=300, n_long=0, quiet=True,
                             executor=executor)
    status = dict(zip(results.cells["forecaster"], results.cells["status"]))
    assert status == {"test_raises": "failed", "test_nan": "diverged", "test_sleeps": "timeout",
                      "test_dies": "failed", "naive": "ok", "linear": "ok"}
    error = dict(zip(results.cells["forecaster"], results.cells["error"]))
    assert "boom in fit" in error["test_raises"] and "timeout of 3 s" in error["test_sleeps"]
    assert error["test_dies"] == "worker process died (exit code 3)"
    nan_row = results.cells.set_index("forecaster").loc["test_nan"]
    assert nan_row["vpt_nrmse"] > 0  # the forecast was valid for a few steps before the NaNs
    board = results.leaderboard()
    assert board.set_index("forecaster").loc["test_raises", "success_rate"] == 0


def test_divergent_system_is_a_failed_cell(tmp_path):
    plugin = tmp_path / "blowup.py"
    plugin.write_text(textwrap.dedent('''
        import chaosbench

        @chaosbench.system(ic=[1.0], citation="test", period=1.0, replace=True, tags=("nonchaotic",))
        def TestBlowUp(x, *, a=1.0):
            return (a * x * x,)
    '''))
    results = chaosbench.run(out=str(tmp_path / "run"), systems="TestBlowUp,Lorenz", forecasters="naive",
                             plugins=[str(plugin)], workers=1, n_test=1, horizon=20, n_train=100, quiet=True)
    row = results.cells.set_index("system").loc["TestBlowUp"]
    assert row["status"] == "failed" and row["error"].startswith("task:")
    assert results.cells.set_index("system").loc["Lorenz", "status"] == "ok"


def test_results_do_not_depend_on_worker_count_or_executor(tmp_path):
    one = chaosbench.run(out=str(tmp_path / "one"), workers=1, **SMALL)
    two = chaosbench.run(out=str(tmp_path / "two"), workers=2, **SMALL)
    dask = chaosbench.run(out=str(tmp_path / "dask"), workers=2, executor="dask", **SMALL)
    pd.testing.assert_frame_equal(_metrics(one.cells), _metrics(two.cells))
    pd.testing.assert_frame_equal(_metrics(one.cells), _metrics(dask.cells))
    np.testing.assert_array_equal(one.forecast("Lorenz", "esn")["forecast"], dask.forecast("Lorenz", "esn")["forecast"])


def _wait_for_file(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.2)


def test_real_dask_scheduler_and_two_workers_on_loopback(tmp_path, faulty_plugin):
    bin_dir = Path(sys.executable).parent
    scheduler_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", scheduler_file],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for_file(scheduler_file, 60)
        procs.append(subprocess.Popen([bin_dir / "dask", "worker", "--scheduler-file", scheduler_file, "--nworkers",
                                       "2", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import json

        address = json.loads(scheduler_file.read_text())["address"]
        remote = chaosbench.run(out=str(tmp_path / "remote"), executor="dask", scheduler=address, **SMALL)
        local = chaosbench.run(out=str(tmp_path / "local"), workers=2, **SMALL)
        pd.testing.assert_frame_equal(_metrics(remote.cells), _metrics(local.cells))
        assert remote.cells["worker"].str.startswith(os.uname().nodename).all()

        # A worker killed mid-run: Dask reschedules its cells and the run completes with every cell ok.
        slow = {**SMALL, "forecasters": "test_slow_persistence,naive", "forecaster_params": {}, "seeds": "0,1,2",
                "plugins": [faulty_plugin]}
        out = tmp_path / "worker_killed"
        runner = threading.Thread(target=chaosbench.run, daemon=True, kwargs={"out": str(out), "executor": "dask",
                                                                  "scheduler": address, **slow})
        runner.start()
        _wait_for_file(out / "results.sqlite", 60)
        deadline = time.monotonic() + 60
        while True:  # kill the worker that stored the first cell: it holds the next one by now
            with sqlite3.connect(out / "results.sqlite") as db:
                first = db.execute("SELECT worker FROM cells").fetchone()
            if first:
                break
            assert time.monotonic() < deadline, "no cell was stored"
            time.sleep(0.2)
        victim = first[0]
        os.kill(int(victim.rsplit(":", 1)[1]), signal.SIGKILL)
        runner.join(120)
        assert not runner.is_alive()
        cells = chaosbench.load_results(out).cells
        assert len(cells) == 12 and (cells["status"] == "ok").all()
        assert victim in set(cells["worker"]) and cells["worker"].nunique() >= 2
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(30)


def test_kill_minus_nine_then_resume_equals_an_uninterrupted_run(tmp_path, faulty_plugin):
    args = ["run", "--systems", "Lorenz,Rossler,Thomas,Chen", "--forecasters", "naive,linear,esn,test_slow_persistence",
            "--seeds", "0,1", "--set", "esn.n_units=100", "--n-train", "500", "--horizon", "100", "--workers", "2",
            "--plugin", faulty_plugin, "--quiet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    killed = tmp_path / "killed"
    proc = subprocess.Popen(CHAOSBENCH + args + ["--out", str(killed)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _wait_for_file(killed / "results.sqlite", 60)
    # While the first run holds the directory, a second one is refused with one line.
    second = subprocess.run(CHAOSBENCH + args + ["--out", str(killed)], env=env, capture_output=True, text=True)
    assert second.returncode == 2 and "in use by another chaosbench run" in second.stderr
    assert second.stderr.count("\n") == 1
    time.sleep(random.uniform(0.0, 4.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(killed / "results.sqlite") as db:  # readable and consistent after the kill
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored_before = db.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
    resumed = subprocess.run(CHAOSBENCH + ["run", "--resume", "--out", str(killed), "--quiet"], env=env,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    clean = tmp_path / "clean"
    done = subprocess.run(CHAOSBENCH + args + ["--out", str(clean)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    a, b = pd.read_csv(killed / "leaderboard.csv"), pd.read_csv(clean / "leaderboard.csv")
    pd.testing.assert_frame_equal(a.drop(columns="fit_seconds_median"), b.drop(columns="fit_seconds_median"))
    assert len(pd.read_csv(killed / "cells.csv")) == 32 and stored_before < 32


def test_tune_searches_the_declared_space_and_records_the_choice(tmp_path):
    results = chaosbench.run(out=str(tmp_path / "run"), systems="Lorenz", forecasters="linear", tune=True,
                             tune_trials=3, workers=1, n_test=1, horizon=50, n_train=300, quiet=True)
    row = results.cells.iloc[0]
    import json

    tuning, params = json.loads(row["tuning"]), json.loads(row["params"])
    space = chaosbench._forecasting.forecaster.forecaster_class("linear").search_space
    assert tuning["trials"] == 3 and tuning["metric"] == "vpt_nrmse"
    assert all(params[k] in v for k, v in space.items())
    assert results.manifest["tuning"] == "searched per cell"


def test_entry_points_register_third_party_forecasters(tmp_path):
    (tmp_path / "thirdparty_fc.py").write_text(textwrap.dedent('''
        import chaosbench

        @chaosbench.forecaster("thirdparty_zero")
        class Zero(chaosbench.Forecaster):
            def _fit(self, train, dt):
                pass

            def _predict(self, n_steps, context):
                import numpy as np
                return np.zeros((n_steps, self.n_features_))
    '''))
    dist = tmp_path / "thirdparty_fc-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty-fc\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[chaosbench.forecasters]\nzero = thirdparty_fc\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    listed = subprocess.run(CHAOSBENCH + ["list", "forecasters", "--format", "csv"], env=env, capture_output=True,
                            text=True)
    assert listed.returncode == 0 and "thirdparty_zero" in listed.stdout


# --- bad input: one line, exit 2, nothing stored lost ------------------------------------------------------------
def _fails(args, expected: str):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and expected in lines[0], result.output


@pytest.mark.parametrize("args, expected", [
    (["--systems", "Lorenzz"], "Did you mean 'Lorenz'"),
    (["--forecasters", "esnn"], "Did you mean 'esn'"),
    (["--metrics", "vpt_nrms"], "Did you mean 'vpt_nrmse'"),
    (["--preset", "quik"], "Did you mean 'quick'"),
    (["--workers", "0"], "workers must be a positive integer"),
    (["--seeds", "a,b"], "seeds must be"),
    (["--noise", "-1"], "noise levels must be non-negative"),
    (["--tag", "no_such_tag"], "no system has the tag"),
    (["--forecasters", "esn", "--set", "esn.no_such=1"], "has no hyper-parameter 'no_such'"),
    (["--forecasters", "esn", "--set", "esn.n_units=0"], "forecaster 'esn': "),
    (["--forecasters", "nhits", "--set", "nhits.downsampling=[2]"], "must have one entry per stack each"),
    (["--set", "esn.n_units=50"], "set (--set) for 'esn', which is not among this run's forecasters (naive)"),
    (["--tag", "polynomial"], "give systems or a tag, not both"),
    (["--plugin", "/nonexistent/plugin.py"], "plugin /nonexistent/plugin.py not found"),
    (["--set", "esn"], "--set expects FORECASTER.NAME=VALUE"),
    (["--out", "/proc/chaosbench-cannot-write"], "cannot create results directory"),
    (["--resume"], "--resume needs --out"),
    (["--n-long", "-1"], "n_long must be a non-negative integer"),
    (["--horizon-lyapunov", "0"], "horizon_lyapunov must be a positive number"),
    (["--preset", "gilpin2023", "--systems", "CompetitiveLotkaVolterra"], "CompetitiveLotkaVolterra has not"),
    (["--period-source", "x"], "period_source must be"),
    (["--seeds", "9223372036854775808"], "seeds must be integers from 0 to 9223372036854775807"),
])
def test_bad_run_options(args, expected):
    systems = [] if "--tag" in args and "no_such_tag" in args else ["--systems", "Lorenz"]
    _fails(["run", *systems, "--forecasters", "naive", *args], expected)


def test_bad_config_files(tmp_path):
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("systems = [Lorenz\n")
    _fails(["run", "--config", str(bad_toml)], "is not valid TOML")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('systems = ["Lorenz"]\nforecaster = ["naive"]\n')
    _fails(["run", "--config", str(unknown)], "unknown key 'forecaster'. Did you mean 'forecasters'")
    _fails(["run", "--config", str(tmp_path / "missing.toml")], "does not exist")


def test_config_file_drives_a_run(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(textwrap.dedent(f'''
        systems = ["Lorenz"]
        forecasters = ["naive", "esn"]
        n-train = 300
        horizon = 40
        n_test = 1
        workers = 1
        quiet = true
        out = "{tmp_path / 'run'}"
        [forecaster_params.esn]
        n_units = 50
    '''))
    result = CliRunner().invoke(main, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(tmp_path / "run" / "cells.csv")
    assert sorted(cells["forecaster"]) == ["esn", "naive"] and (cells["n_train"] == 300).all()
    assert '"n_units": 50' in cells.set_index("forecaster").loc["esn", "params"]


def test_unreachable_scheduler_fails_fast_with_the_address(tmp_path):
    started = time.monotonic()
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--executor", "dask", "--scheduler",
            "tcp://127.0.0.1:9", "--out", str(tmp_path / "run")], "tcp://127.0.0.1:9")
    assert time.monotonic() - started < 30
    assert not (tmp_path / "run").exists()  # nothing is written before the executor is up


def test_bad_results_directories(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--out", str(a_file)], "is a file")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "results.sqlite").write_bytes(b"this is not a database" * 100)
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--out", str(corrupt)], "not a usable SQLite")
    _fails(["leaderboard", str(corrupt)], "not a usable SQLite")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / "results.sqlite") as db:
        db.execute("CREATE TABLE other (x)")
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--out", str(foreign)],
           "not a chaosbench results store")
    _fails(["leaderboard", str(tmp_path / "nothing")], "no results directory")


def test_plugin_that_raises_on_import(tmp_path):
    plugin = tmp_path / "broken.py"
    plugin.write_text("raise ValueError('broken plugin')\n")
    _fails(["run", "--plugin", str(plugin)], "failed to import: ValueError: broken plugin")


def test_changed_settings_are_refused_unless_forced(tmp_path):
    out = tmp_path / "run"
    base = ["run", "--systems", "Lorenz", "--forecasters", "naive", "--n-train", "200", "--horizon", "20",
            "--workers", "1", "--quiet", "--out", str(out)]
    assert CliRunner().invoke(main, base).exit_code == 0
    _fails(base[:-2] + ["--horizon", "30", "--out", str(out)], "different settings (horizon)")
    _fails(["run", "--resume", "--out", str(out), "--horizon", "30"], "different settings")
    assert len(pd.read_csv(out / "cells.csv")) == 1  # nothing lost
    forced = CliRunner().invoke(main, base[:-2] + ["--horizon", "30", "--force", "--out", str(out)])
    assert forced.exit_code == 0, forced.output
    archives = list(out.glob("archive-*/results.sqlite"))
    assert len(archives) == 1  # the old results are kept aside
    assert pd.read_csv(out / "cells.csv")["horizon"].tolist() == [30]


def test_leaderboard_command_options(tmp_path):
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz,Rossler", forecasters="naive,mean", workers=1, n_test=1,
                   horizon=30, n_train=200, quiet=True)
    target = tmp_path / "by_rmse.csv"
    result = CliRunner().invoke(main, ["leaderboard", str(out), "-o", str(target), "--metric", "rmse", "--agg", "mean"])
    assert result.exit_code == 0, result.output
    board = pd.read_csv(target)
    assert "rmse_mean" in board.columns and board["rank"].tolist() == sorted(board["rank"])
    _fails(["leaderboard", str(out), "--metric", "mse"], "was not computed in this run")


def test_a_run_without_vpt_ranks_by_its_first_metric(tmp_path):
    results = chaosbench.run(out=str(tmp_path / "run"), systems="Lorenz", forecasters="naive,mean", metrics="rmse",
                             workers=1, n_test=1, horizon=30, n_train=200, quiet=True)
    board = pd.read_csv(tmp_path / "run" / "leaderboard.csv")
    assert "rmse_median" in board.columns and board.loc[0, "forecaster"] == results.leaderboard().loc[0, "forecaster"]


def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path, faulty_plugin):
    out = tmp_path / "run"
    args = CHAOSBENCH + ["run", "--systems", "Lorenz,Rossler,Thomas", "--forecasters", "test_slow_persistence,naive",
                         "--seeds", "0,1", "--n-train", "300", "--horizon", "50", "--workers", "2", "--plugin",
                         faulty_plugin, "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_file(out / "results.sqlite", 60)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and f"chaosbench run --resume --out {out}" in stderr
    resumed = subprocess.run(CHAOSBENCH + ["run", "--resume", "--out", str(out), "--quiet"], capture_output=True,
                             text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert len(pd.read_csv(out / "cells.csv")) == 12


def test_near_equal_noise_levels_are_separate_cells(tmp_path):
    results = chaosbench.run(out=str(tmp_path / "run"), systems="Lorenz", forecasters="naive", noise="0.1,0.1000001",
                             workers=1, n_test=1, horizon=20, n_train=100, quiet=True)
    assert sorted(results.cells["noise"]) == [0.1, 0.1000001]


def test_retry_failed_reruns_timed_out_cells_with_a_longer_timeout(tmp_path, faulty_plugin):
    options = {"out": str(tmp_path / "run"), "systems": "Lorenz", "forecasters": "test_slow_persistence,naive",
               "plugins": [faulty_plugin], "workers": 2, "n_test": 1, "horizon": 20, "n_train": 100, "quiet": True}
    first = chaosbench.run(cell_timeout=0.9, **options).cells.set_index("forecaster")
    assert first.loc["test_slow_persistence", "status"] == "timeout"  # it sleeps 1 s
    again = chaosbench.run(cell_timeout=60, retry_failed=True, **options).cells.set_index("forecaster")
    assert set(again["status"]) == {"ok"}
    kept = first.index[first["status"] == "ok"]  # finished cells are not recomputed
    assert (again.loc[kept, "finished_at"] == first.loc[kept, "finished_at"]).all()


def test_damaged_store_is_refused(tmp_path):
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz", forecasters="naive,mean", workers=1, n_test=1, horizon=20,
                   n_train=100, quiet=True)
    with open(out / "results.sqlite", "r+b") as fh:  # overwrite the header of a b-tree page
        fh.seek(4096)
        fh.write(bytes([0x0D, 0, 0, 0, 5, 0xFF, 0xFF]))
    _fails(["leaderboard", str(out)], "is damaged")
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--out", str(out)], "is damaged")


def test_an_error_outside_the_cell_on_dask_is_a_failure_not_a_timeout(tmp_path):
    from chaosbench._bench.executors import _run_cell_in_child

    spec = chaosbench._bench.cell.cell_specs(chaosbench._bench.config.make_config(systems="Lorenz", forecasters="naive"))[0]
    missing = tmp_path / "missing_on_this_worker.py"
    record, arrays = _run_cell_in_child(replace(spec, plugins=(str(missing),)), 30)
    assert record["status"] == "failed" and "PluginError" in record["error"] and arrays == {}


def test_plugins_from_a_config_file(tmp_path, faulty_plugin):
    config = tmp_path / "run.toml"
    config.write_text(f'systems = ["Lorenz"]\nforecasters = ["test_nan"]\nplugins = ["{faulty_plugin}"]\n'
                      f'n_train = 100\nhorizon = 20\nn_test = 1\nworkers = 1\nquiet = true\nout = "{tmp_path / "r"}"\n')
    result = CliRunner().invoke(main, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "r" / "cells.csv")["status"].tolist() == ["diverged"]


@pytest.mark.parametrize("line, expected", [
    ('tune = "false"', "tune must be True or False"),
    ("standardize = 1", "standardize must be True or False"),
    ("seeds = [1.5]", "seeds must be ints, got 1.5"),
    ("seeds = [true]", "seeds must be ints, got True"),
    ("out = 5", "out must be a string"),
    ("plugins = 5", "plugins must be a list of file paths"),
    ('executor = "local"\nscheduler = "tcp://127.0.0.1:8786"', "--scheduler needs --executor dask"),
])
def test_config_values_of_the_wrong_type(tmp_path, line, expected):
    config = tmp_path / "bad.toml"
    config.write_text(f'systems = ["Lorenz"]\nforecasters = ["naive"]\n{line}\n')
    _fails(["run", "--config", str(config)], expected)


@pytest.mark.parametrize("address", ["foo", "tcp://127.0.0.1:abc", "http://127.0.0.1:8786"])
def test_malformed_scheduler_addresses(tmp_path, address):
    _fails(["run", "--systems", "Lorenz", "--forecasters", "naive", "--scheduler", address, "--out",
            str(tmp_path / "r")], address)


def test_plugin_that_exits_and_a_leaderboard_into_a_new_folder(tmp_path):
    plugin = tmp_path / "exits.py"
    plugin.write_text("import sys\nsys.exit(3)\n")
    _fails(["run", "--plugin", str(plugin)], "failed to import: SystemExit: 3")
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz", forecasters="naive", workers=1, n_test=1, horizon=20, n_train=100,
                   quiet=True)
    result = CliRunner().invoke(main, ["leaderboard", str(out), "-o", str(tmp_path / "new" / "board.csv")])
    assert result.exit_code == 0 and (tmp_path / "new" / "board.csv").exists()


def test_neural_cells_are_reproducible_across_worker_counts(tmp_path):
    pytest.importorskip("torch")
    options = {"systems": "Lorenz", "forecasters": "shplrnn", "seeds": "0,1", "n_train": 300, "horizon": 50,
               "n_test": 1, "forecaster_params": {"shplrnn": {"max_epochs": 4, "n_hidden": 10}}, "quiet": True}
    one = chaosbench.run(out=str(tmp_path / "one"), workers=1, **options)
    two = chaosbench.run(out=str(tmp_path / "two"), workers=2, **options)
    pd.testing.assert_frame_equal(_metrics(one.cells), _metrics(two.cells))
    assert '"n_threads": 1' in one.cells.loc[0, "params"] and '"verbose": false' in one.cells.loc[0, "params"]


@pytest.mark.parametrize("preset", sorted(chaosbench._bench.config.PRESETS))
def test_every_preset_resolves_with_every_forecaster(preset):
    config = chaosbench._bench.config.make_config(preset, forecasters="@all")
    assert config.systems and "Torus" not in config.systems  # @all holds the chaotic systems only
    runnable = [name for name in chaosbench.list_forecasters()
                if chaosbench._forecasting.forecaster.forecaster_class(name).unavailable_reason() is None]
    assert list(config.forecasters) == runnable and {name for name, _ in config.left_out} == \
        set(chaosbench.list_forecasters()) - set(runnable)


def test_resume_runs_cells_whose_forecast_file_is_deleted_or_truncated_again(tmp_path):
    out = tmp_path / "run"
    options = {"systems": "Lorenz", "forecasters": "naive,mean,linear", "workers": 1, "n_test": 1, "horizon": 20,
               "n_train": 100, "n_long": 0, "quiet": True}
    first = chaosbench.run(out=str(out), **options).cells.set_index("forecaster")
    with sqlite3.connect(out / "results.sqlite") as db:
        files = dict(db.execute("SELECT forecaster, forecast_file FROM cells"))
    (out / files["naive"]).unlink()
    damaged = out / files["mean"]
    damaged.write_bytes(damaged.read_bytes()[:100])
    result = CliRunner().invoke(main, ["run", "--resume", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 cells (1 already stored)" in result.output
    again = chaosbench.load_results(out)
    stamps = again.cells.set_index("forecaster")["finished_at"]
    assert stamps["linear"] == first.loc["linear", "finished_at"]
    for name in ("naive", "mean"):
        assert again.forecast("Lorenz", name)["forecast"].shape == (1, 20, 3)


def test_a_config_file_that_is_not_utf8_and_a_tampered_manifest(tmp_path):
    config = tmp_path / "latin1.toml"
    config.write_bytes('systems = ["Lorenz"]\n# r\xe9sum\xe9\n'.encode("latin-1"))
    _fails(["run", "--config", str(config)], "is not UTF-8 text")
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz", forecasters="naive", workers=1, n_test=1, horizon=20, n_train=100,
                   n_long=0, quiet=True)
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("UPDATE manifest SET value = '{not json' WHERE key = 'settings'")
    _fails(["run", "--resume", "--out", str(out)], "the run manifest in")
    _fails(["leaderboard", str(out)], "is damaged")


def test_two_forced_restarts_within_a_second_keep_both_archives(tmp_path):
    out = tmp_path / "run"
    base = ["run", "--systems", "Lorenz", "--forecasters", "naive", "--n-train", "100", "--n-test", "1", "--n-long",
            "0", "--workers", "1", "--quiet", "--force", "--out", str(out)]
    for horizon in ("20", "30", "40"):
        result = CliRunner().invoke(main, base + ["--horizon", horizon])
        assert result.exit_code == 0, result.output
    assert len(list(out.glob("archive-*/results.sqlite"))) == 2


def _limit_file_size():
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (60 * 1024, 60 * 1024))  # ulimit -f 60


def test_a_write_failure_mid_run_is_one_line_and_the_run_resumes(tmp_path):
    out = tmp_path / "run"
    args = ["run", "--systems", "Lorenz", "--forecasters", "naive,mean,linear", "--n-train", "300", "--horizon", "500",
            "--n-test", "5", "--n-long", "0", "--workers", "1", "--quiet", "--out", str(out)]
    limited = subprocess.run(CHAOSBENCH + args, capture_output=True, text=True, preexec_fn=_limit_file_size)
    assert limited.returncode == 2 and "Traceback" not in limited.stderr, limited.stderr
    lines = limited.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write") and "File too large" in lines[0]
    assert not list(out.rglob("*.tmp"))  # the partial forecast file is removed
    stored = len(chaosbench.load_results(out).cells)
    assert 0 < stored < 3
    resumed = subprocess.run(CHAOSBENCH + ["run", "--resume", "--out", str(out), "--quiet"], capture_output=True,
                             text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert len(chaosbench.load_results(out).cells) == 3


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("chattr"), reason="needs root and chattr")
def test_a_directory_made_immutable_mid_run_is_one_line(tmp_path, faulty_plugin):
    out = tmp_path / "run"
    proc = subprocess.Popen(CHAOSBENCH + ["run", "--systems", "Lorenz,Rossler", "--forecasters",
                                          "test_slow_persistence,naive", "--seeds", "0,1", "--n-train", "100",
                                          "--horizon", "20", "--n-test", "1", "--n-long", "0", "--workers", "1",
                                          "--quiet", "--plugin", faulty_plugin, "--out", str(out)],
                            stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_file(out / "forecasts", 60)
        subprocess.run(["chattr", "+i", out / "forecasts"], check=True)
        _, stderr = proc.communicate(timeout=60)
    finally:
        subprocess.run(["chattr", "-i", out / "forecasts"])
        proc.kill()
    lines = stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, stderr
    assert lines[0].startswith("Error: cannot write") and "Operation not permitted" in lines[0]


def test_names_with_separators_cannot_make_two_cells_share_a_key(tmp_path, scoped):
    plugin = tmp_path / "pipes.py"
    plugin.write_text(textwrap.dedent('''
        import numpy as np
        import chaosbench

        @chaosbench.system(ic=[1.0], citation="test", period=1.0, tags=("nonchaotic",))
        def Decay(x, *, a=1.0):
            return (-a * x,)

        @chaosbench.system(ic=[1.0], citation="test", period=1.0, tags=("nonchaotic",), name="Decay|naive")
        def decay_pipe(x, *, a=2.0):
            return (-a * x,)

        class Zero(chaosbench.Forecaster):
            def _fit(self, train, dt):
                pass

            def _predict(self, n_steps, context):
                return np.zeros((n_steps, self.n_features_))

        chaosbench.forecaster("naive|x")(type("ZeroPipe", (Zero,), {}))
        chaosbench.forecaster("x")(type("ZeroX", (Zero,), {}))
    '''))
    result = CliRunner().invoke(main, ["run", "--systems", "Decay,Decay|naive", "--forecasters", "naive|x,x",
                                       "--plugin", str(plugin), "--n-train", "100", "--horizon", "20", "--n-test",
                                       "1", "--n-long", "0", "--workers", "1", "--quiet", "--out",
                                       str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(tmp_path / "run" / "cells.csv")
    assert sorted(zip(cells["system"], cells["forecaster"])) == [
        ("Decay", "naive|x"), ("Decay", "x"), ("Decay|naive", "naive|x"), ("Decay|naive", "x")]
    _fails(["run", "--plugin", str(plugin), "--config", str(_toml(tmp_path, 'systems = ["Lorenz"]\nforecasters = '
                                                                       '["x\\n"]'))], "cannot be stored safely")


def _toml(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text + "\n")
    return path


def test_a_store_of_schema_1_is_read_but_not_continued(tmp_path):
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz", forecasters="naive", workers=1, n_test=1, horizon=20, n_train=100,
                   n_long=0, quiet=True)
    with sqlite3.connect(out / "results.sqlite") as db:
        db.execute("UPDATE cells SET key = 'Lorenz|naive|seed=0|noise=0.0'")
        db.execute("PRAGMA user_version=1")
    assert chaosbench.load_results(out).cells["status"].tolist() == ["ok"]
    _fails(["run", "--resume", "--out", str(out)], "store schema 1, whose cell keys could collide")


def test_resume_keeps_the_cell_timeout_and_refuses_an_edited_plugin(tmp_path, scoped):
    plugin = tmp_path / "mine.py"
    plugin.write_text(textwrap.dedent('''
        import numpy as np
        import chaosbench

        @chaosbench.forecaster("mine")
        class Mine(chaosbench.Forecaster):
            def _fit(self, train, dt):
                pass

            def _predict(self, n_steps, context):
                return np.zeros((n_steps, self.n_features_))
    '''))
    out = tmp_path / "run"
    base = ["run", "--systems", "Lorenz", "--forecasters", "mine", "--plugin", str(plugin), "--n-train", "100",
            "--horizon", "20", "--n-test", "1", "--n-long", "0", "--workers", "1", "--quiet", "--out", str(out)]
    assert CliRunner().invoke(main, base + ["--cell-timeout", "123"]).exit_code == 0
    resumed = CliRunner().invoke(main, ["run", "--resume", "--out", str(out)])
    assert resumed.exit_code == 0, resumed.output
    assert chaosbench.load_results(out).manifest["cell_timeout"] == 123
    plugin.write_text(plugin.read_text().replace("np.zeros", "np.ones"))
    _fails(["run", "--resume", "--out", str(out)], f"plugin {plugin} changed since the run")
    forced = CliRunner().invoke(main, ["run", "--resume", "--force", "--out", str(out)])
    assert forced.exit_code == 0, forced.output
    assert len(list(out.glob("archive-*/results.sqlite"))) == 1


@pytest.mark.parametrize("options, expected", [
    ({"seeds": -1}, "seeds must be integers from 0"),
    ({"seeds": 1.5}, "seeds must be ints, got 1.5"),
    ({"seeds": "a"}, "seeds must be ints, got 'a'"),
    ({"noise": "x"}, "noise must be floats, got 'x'"),
    ({"n_validation": True}, "n_validation must be a non-negative integer, got True"),
    ({"standardize": "no"}, "standardize must be True or False, got 'no'"),
])
def test_bad_api_options_are_config_errors(tmp_path, options, expected):
    with pytest.raises(chaosbench.exceptions.ConfigError, match=re.escape(expected)):
        chaosbench.run(out=str(tmp_path / "run"), systems="Lorenz", forecasters="naive", **options)
    assert not (tmp_path / "run").exists()


def test_numpy_numbers_and_a_noise_string_are_accepted():
    config = chaosbench._bench.config.make_config(systems="Lorenz", forecasters="naive", n_validation=np.int64(2),
                                                  seeds=[np.int64(3)], noise="0.1", standardize=np.bool_(False))
    assert (config.n_validation, config.seeds, config.noise, config.standardize) == (2, (3,), (0.1,), False)
    assert type(config.n_validation) is int and type(config.seeds[0]) is int


@pytest.mark.parametrize("source, expected", [
    ("while True:\n    pass\n", "did not finish importing within 2 s"),
    ("import os\nos._exit(0)\n", "ended the process while importing (exit code 0)"),
])
def test_a_plugin_that_hangs_or_exits_at_import_is_one_line(tmp_path, source, expected):
    plugin = tmp_path / "bad_plugin.py"
    plugin.write_text(source)
    script = ("import chaosbench._bench.runner as runner; runner.PLUGIN_IMPORT_SECONDS = 2; "
              "from chaosbench.cli import main; main()")
    proc = subprocess.run([sys.executable, "-c", script, "run", "--systems", "Lorenz", "--forecasters", "naive",
                           "--plugin", str(plugin), "--out", str(tmp_path / "run")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip() == f"Error: plugin {plugin} {expected}", proc.stderr
    assert not (tmp_path / "run").exists()


def test_a_forecaster_raising_keyboardinterrupt_fails_its_cell_quietly(tmp_path, faulty_plugin):
    out = tmp_path / "run"
    proc = subprocess.run(CHAOSBENCH + ["run", "--systems", "Lorenz", "--forecasters", "test_interrupts,naive",
                                        "--plugin", faulty_plugin, "--n-train", "100", "--horizon", "20", "--n-test",
                                        "1", "--n-long", "0", "--workers", "1", "--quiet", "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines() == [f"wrote {out / 'leaderboard.csv'}, {out / 'cells.csv'} and "
                                                f"{out / 'manifest.json'}"]
    row = pd.read_csv(out / "cells.csv").set_index("forecaster").loc["test_interrupts"]
    assert row["status"] == "failed" and "KeyboardInterrupt: from the forecaster" in row["error"]


def test_misleading_messages(tmp_path, monkeypatch):
    out = tmp_path / "run"
    chaosbench.run(out=str(out), systems="Lorenz", forecasters="naive", workers=1, n_test=1, horizon=20, n_train=100,
                   n_long=0, quiet=True)
    (out / "cells.csv").unlink()
    (out / "cells.csv").mkdir()
    _fails(["leaderboard", str(out)], f"cannot write {out / 'cells.csv'}")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(chaosbench.cli, "run", interrupted)
    result = CliRunner().invoke(main, ["run", "--out", str(tmp_path / "never")])
    assert result.exit_code == 130 and result.output.strip() == "Interrupted before anything was stored"


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_plugin_replacing_a_builtin_forecaster_is_used(tmp_path, executor, scoped):
    plugin = tmp_path / "my_naive.py"
    plugin.write_text(textwrap.dedent('''
        import chaosbench

        @chaosbench.forecaster("naive", replace=True)
        class MyNaive(chaosbench.Forecaster):
            def _fit(self, train, dt):
                raise RuntimeError("the plugin's naive")
    '''))
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", "--systems", "Lorenz", "--forecasters", "naive", "--plugin", str(plugin),
                                       "--n-train", "100", "--horizon", "20", "--n-test", "1", "--n-long", "0",
                                       "--workers", "1", "--quiet", "--executor", executor, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "RuntimeError: the plugin's naive" in pd.read_csv(out / "cells.csv").loc[0, "error"]


def test_run_config_takes_the_task_defaults_from_task():
    import dataclasses

    task = {f.name: f.default for f in dataclasses.fields(chaosbench.Task)}
    settings = chaosbench._bench.config.RunConfig().task_settings()
    assert settings and all(value == task[name] for name, value in settings.items())
    assert set(task) - set(settings) == {"system", "seed", "noise", "_cache"}  # per cell, or not a setting
    assert isinstance(settings["pts_per_period"], float)


def test_forecasters_that_cannot_run_here_are_left_out_of_all_and_refused_by_name(scoped):
    @chaosbench.forecaster("needs_missing_library")
    class NeedsMissingLibrary(chaosbench.Forecaster):
        tags = {"requires": "chaosbench_no_such_library"}

        def _fit(self, train, dt):
            pass

        def _predict(self, n_steps, context):
            return np.zeros((n_steps, 3))

    config = chaosbench._bench.config.make_config("quick", forecasters="@all", quiet=True)
    assert "needs_missing_library" not in config.forecasters and "naive" in config.forecasters
    assert dict(config.left_out)["needs_missing_library"] == ("needs chaosbench_no_such_library: "
                                                             "pip install chaosbench_no_such_library")
    assert "left_out" not in config.settings()  # not a setting: the forecasters list says which cells exist
    with pytest.raises(chaosbench.exceptions.ConfigError, match=r"^forecaster 'needs_missing_library' needs "
                                                      r"chaosbench_no_such_library: pip install"):
        chaosbench._bench.config.make_config("quick", forecasters="needs_missing_library")
