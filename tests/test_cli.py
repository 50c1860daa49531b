"""The command line: output of each command, and one-line errors with exit status 2."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from chaosbench.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_help_lists_commands():
    code, out = run("--help")
    assert code == 0
    for command in ("list", "info", "simulate", "lyapunov"):
        assert command in out


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_list_systems(fmt):
    code, out = run("list", "systems", "--format", fmt)
    assert code == 0 and "Lorenz96" in out
    if fmt == "json":
        assert {row["name"] for row in json.loads(out)} >= {"Lorenz", "Rossler"}


def test_list_systems_by_tag():
    code, out = run("list", "systems", "--tag", "nonautonomous", "--format", "csv")
    assert code == 0 and "Duffing" in out and "Lorenz" not in out


def test_info_shows_equations_and_literature():
    code, out = run("info", "Lorenz")
    assert code == 0
    assert "dx/dt = sigma*(-x + y)" in out and "literature lyapunov_max: 0.9056" in out and "Lorenz" in out


def test_simulate_writes_the_file(tmp_path):
    out = tmp_path / "lorenz.csv"
    code, text = run("simulate", "Lorenz", "--n", "123", "--pts-per-period", "20", "--ic", "1,2,3",
                     "--param", "rho=30", "--out", str(out))
    assert code == 0, text
    frame = pd.read_csv(out)
    assert frame.shape == (123, 4) and np.isfinite(frame.to_numpy()).all()


def test_lyapunov_table(tmp_path):
    out = tmp_path / "lyap.csv"
    code, text = run("lyapunov", "Lorenz", "--spectrum", "--n-periods", "500", "--out", str(out))
    assert code == 0, text
    frame = pd.read_csv(out)
    assert frame.loc[0, "system"] == "Lorenz" and abs(frame.loc[0, "lyapunov_max"] - 0.9056) < 0.05
    assert len(frame.loc[0, "spectrum"].split()) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["info", "Lornz"], "Unknown system 'Lornz'. Did you mean 'Lorenz'"),
        (["simulate", "Lorenz", "--n", "0", "--out", "x.csv"], "n must be a positive integer"),
        (["simulate", "Lorenz", "--n", "5", "--param", "sigmaa=1", "--out", "x.csv"], "Did you mean 'sigma'"),
        (["simulate", "Lorenz", "--n", "5", "--param", "sigma", "--out", "x.csv"], "NAME=NUMBER"),
        (["simulate", "Lorenz", "--n", "5", "--out", "x.txt"], "--out must end in one of"),
        (["simulate", "Lorenz", "--n", "5", "--method", "rk5", "--out", "x.csv"], "Did you mean 'rk4'"),
        (["simulate", "Lorenz", "--n", "5", "--param", "beta=-1", "--out", "x.csv"], "Lorenz: integration failed"),
        (["simulate", "Lorenz", "--n", "five", "--out", "x.csv"], "'five' is not a valid integer"),
        (["simulate", "Lorenz", "--n", "5", "--ic", "1,2", "--out", "x.csv"], "must be a sequence of 3 numbers"),
        (["simulate", "Lorenz", "--n", "5", "--ic", "1,nan,2", "--out", "x.csv"], "must be finite"),
        (["simulate", "Lorenz", "--n", "5", "--ic", "1,a,2", "--out", "x.csv"], "comma-separated numbers"),
        (["simulate", "Lorenz", "--n", "5", "--seed", "-1", "--out", "x.csv"], "-1 is not in the range x>=0"),
        (["simulate", "Lorenz", "--n", "10000000000000", "--out", "x.csv"], "more than this machine's"),
        (["simulate", "Lorenz", "--n", "5", "--dt", "1e-300", "--out", "x.csv"], "--dt 1e-300 is too small"),
        (["lyapunov"], "give system names or --all"),
        (["lyapunov", "Lorenz", "--all"], "give system names or --all"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out = run(*args)
    assert code == 2, out
    assert message in out and "Traceback" not in out
    assert not list(tmp_path.iterdir())  # nothing written


def test_console_script_is_installed():
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "chaosbench"
    exe = str(exe) if exe.exists() else shutil.which("chaosbench")
    assert exe, "the chaosbench console script is not installed"
    proc = subprocess.run([exe, "info", "Lornz"], capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("Error: Unknown system 'Lornz'. Did you mean 'Lorenz'")


def test_list_forecasters():
    code, out = run("list", "forecasters", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 30
    assert "Persistence" in next(row["summary"] for row in rows if row["name"] == "naive")
    families = {"baseline", "classical", "regression", "dynamical", "reservoir", "deep", "pretrained"}
    assert {row["family"] for row in rows} == families  # every built-in forecaster has one of the documented families
    study = {"nbeats", "nhits", "tcn", "rnn", "gru", "lstm", "dlinear", "nlinear", "node", "transformer",
             "random_forest", "gradient_boosting", "kalman", "theta", "four_theta", "ets", "fft", "naive_drift",
             "naive_seasonal", "arima", "var", "linear", "naive", "mean", "sindy", "context_parroting", "chronos"}
    assert study <= {row["name"] for row in rows}


def test_list_metrics():
    code, out = run("list", "metrics", "--kind", "horizon", "--format", "csv")
    assert code == 0 and "vpt_nrmse" in out and "mse" not in out.split()


@pytest.mark.parametrize("args, message", [
    (["simulate", "Lorenz", "--n", "5", "--out", "a" * 300 + ".csv"], "File name too long"),
    (["simulate", "Lorenz", "--n", "5", "--out", "afile/x.csv"], "afile is a file, not a folder"),
    (["lyapunov", "Lorenz", "--n-periods", "20", "--out", "afile/l.csv"], "afile is a file, not a folder"),
])
def test_unwritable_out_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    code, out = run(*args)
    lines = out.strip().splitlines()
    assert code == 2 and lines[-1].startswith("Error: cannot write") and message in lines[-1], out
    assert "Traceback" not in out


def test_simulate_npy_suffix_in_capitals_is_written_under_the_reported_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run("simulate", "Lorenz", "--n", "5", "--out", "a.NPY")
    assert code == 0 and out.strip().endswith("to a.NPY"), out
    assert [p.name for p in tmp_path.iterdir()] == ["a.NPY"] and np.load("a.NPY").shape == (5, 4)


def test_invariants_validate_first_and_never_overwrite_a_good_row_with_a_failure(tmp_path):
    import shutil

    from chaosbench._dynamics.datafile import data_path, read_invariants, write_invariants

    copy = tmp_path / "invariants.csv"  # never the shipped file
    shutil.copy(data_path(), copy)
    before = copy.read_text()
    for option in ("--n-periods", "--reference-periods"):
        code, out = run("invariants", "--systems", "Lorenz", option, "-1", "--out", str(copy))
        assert code == 2 and f"Invalid value for '{option}'" in out and "Traceback" not in out, out
    assert copy.read_text() == before
    good = read_invariants(copy).set_index("system").loc["Lorenz"]
    failure = read_invariants(copy).query("system == 'Lorenz'").assign(lyapunov_max=np.nan, notes="failed: test")
    write_invariants(failure, copy)
    kept = read_invariants(copy).set_index("system").loc["Lorenz"]
    pd.testing.assert_series_equal(kept, good)
