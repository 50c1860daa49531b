"""The report of a run directory: plots, Markdown summary, regression on invariants, CLI."""


import sqlite3

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench._bench.report import _regression_lines, write_report
from chaosbench.cli import main
from chaosbench.exceptions import ResultsStoreError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = ("vpt_distribution.png", "error_growth.png", "forecasts.png", "attractors.png")
TINY = {"n_test": 2, "horizon": 50, "n_train": 300, "workers": 1, "quiet": True}

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, faulty_plugin):
    out = tmp_path_factory.mktemp("report") / "r"
    chaosbench.run(systems="Lorenz,Rossler", forecasters="naive,linear,test_raises,test_inf",
                   plugins=[faulty_plugin], out=str(out), **TINY)
    return out


def _is_png(path):
    return path.is_file() and path.stat().st_size > 0 and path.read_bytes()[:8] == PNG_SIGNATURE


def test_report_writes_plots_and_summary(run_dir):
    index = write_report(run_dir)
    assert index == run_dir / "report" / "README.md"
    for name in PLOTS:
        assert _is_png(run_dir / "report" / name), name
    text = index.read_text()
    assert "| rank | forecaster | vpt_nrmse_median |" in text
    assert "| naive |" in text and "| test_raises |" in text
    assert "test_raises (seed 0, noise 0) failed: " in text and "boom in fit" in text
    assert "diverged" in text
    for name in PLOTS:
        assert f"]({name})" in text
    # two systems cannot separate two invariants from the intercepts
    assert "## VPT versus system invariants" in text and "Regression skipped: the invariants of the 2" in text


def test_single_system_and_forecaster(tmp_path):
    out = tmp_path / "one"
    chaosbench.run(systems="Lorenz", forecasters="naive", out=str(out), **TINY)
    text = write_report(out).read_text()
    assert all(_is_png(out / "report" / name) for name in PLOTS)
    assert "| 1 | naive |" in text and "Regression skipped: only 1 usable cell(s)" in text


def test_run_without_stored_forecasts(tmp_path, faulty_plugin):
    out = tmp_path / "failed"
    chaosbench.run(systems="Lorenz", forecasters="test_raises", plugins=[faulty_plugin], out=str(out), **TINY)
    text = write_report(out).read_text()
    assert _is_png(out / "report" / "vpt_distribution.png")
    assert not (out / "report" / "forecasts.png").exists()
    assert "No forecast plot: no cell stored a forecast." in text and "Regression skipped: only 0" in text


def test_regression_on_invariants():
    rng = np.random.default_rng(1)
    systems = ["Lorenz", "Rossler", "Thomas", "Aizawa", "Halvorsen"]
    cells = pd.DataFrame({"system": np.repeat(systems, 2), "forecaster": ["esn", "naive"] * len(systems),
                          "status": "ok", "vpt_nrmse": rng.uniform(0.1, 2.0, 2 * len(systems)),
                          "horizon": 200, "dt": 0.01, "lyapunov_max": 1.0})
    text = "\n".join(_regression_lines(cells, ["vpt_nrmse"], ["esn", "naive"]))
    assert "| term | coef | std err |" in text and "| λ_max |" in text and "| correlation dimension |" in text
    assert "| forecaster: naive |" in text and "R² = " in text and "n = 10 cells from 5 systems" in text
    few = "\n".join(_regression_lines(cells.head(3), ["vpt_nrmse"], ["esn", "naive"]))
    assert "Regression skipped: only 3 usable cell(s)" in few
    assert "did not compute" in _regression_lines(cells, ["rmse"], ["esn"])[0]


def test_cli_report(run_dir):
    result = CliRunner().invoke(main, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "README.md" in result.output


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_cli_report_without_results(tmp_path, kind):
    target = tmp_path / kind
    if kind == "empty":
        target.mkdir()
    result = CliRunner().invoke(main, ["report", str(target)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    with pytest.raises(ResultsStoreError):
        write_report(target)


def test_report_leaves_out_deleted_and_truncated_forecast_files(tmp_path):
    out = tmp_path / "run"
    chaosbench.run(systems="Lorenz,Rossler", forecasters="naive", out=str(out), **TINY)
    with sqlite3.connect(out / "results.sqlite") as db:
        files = dict(db.execute("SELECT system, forecast_file FROM cells"))
    (out / files["Lorenz"]).unlink()
    damaged = out / files["Rossler"]
    damaged.write_bytes(damaged.read_bytes()[:100])
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "report" / "README.md").read_text()
    assert "the forecast files of Lorenz/naive, Rossler/naive are missing or damaged" in text
    assert _is_png(out / "report" / "vpt_distribution.png") and "No forecast plot" in text
    with pytest.raises(ResultsStoreError, match="forecasts/.*of Lorenz/naive is missing"):
        chaosbench.load_results(out).forecast("Lorenz", "naive")


def test_report_states_the_neural_training_budgets():
    from chaosbench._bench.report import _neural_training_text

    params = {"gru": {"max_epochs": 20, "patience": 3}, "node": {"max_epochs": 30, "patience": 3},
              "naive": {}}
    assert _neural_training_text(params) == ("20–30 epochs (2 forecasters), early stopping on the validation windows "
                                             "(patience 3); scores are those of these budgets, not of fully trained "
                                             "models")
    assert _neural_training_text({"esn": {"n_units": 100}}) is None
