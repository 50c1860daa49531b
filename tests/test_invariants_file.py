"""Computed invariants: estimators against exact answers, and the data file with its provenance."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench._dynamics import datafile as _datafile
from chaosbench._dynamics.invariants import correlation_dimension, invariants_table, lyapunov_max_reference
from chaosbench.cli import main


@pytest.mark.parametrize("dim", [1, 2])
def test_correlation_dimension_of_uniform_sets(dim):
    rng = np.random.default_rng(0)
    if dim == 1:  # a circle embedded in three dimensions
        angle = rng.uniform(0, 2 * np.pi, 3000)
        points = np.column_stack([np.cos(angle), np.sin(angle), 0.5 * np.cos(angle)])
    else:
        points = np.column_stack([rng.uniform(size=3000), rng.uniform(size=3000), np.zeros(3000)])
    assert correlation_dimension(points, theiler=0) == pytest.approx(dim, abs=0.1)


def test_lorenz_correlation_dimension_matches_literature():
    points = chaosbench.get_system("Lorenz").trajectory(4000, pts_per_period=10).x
    assert correlation_dimension(points) == pytest.approx(2.05, abs=0.1)  # Grassberger & Procaccia (1983)


def test_two_trajectory_reference_agrees_with_benettin():
    reference = lyapunov_max_reference("Lorenz", n_periods=2000)
    assert reference == pytest.approx(0.9056, rel=0.03)


def test_data_file_round_trip_keeps_other_rows(tmp_path):
    path = tmp_path / "inv.csv"
    settings = {"n_periods": 200.0, "reference_periods": 200.0, "corrdim_points": 1000}
    first = invariants_table(["Lorenz", "Rossler"], progress=False, **settings)
    _datafile.write_invariants(first, path)
    update = invariants_table(["Rossler"], progress=False, **settings | {"seed": 7})
    _datafile.write_invariants(update, path)
    text = path.read_text()
    assert text.startswith("# Invariants computed by chaosbench")
    frame = _datafile.read_invariants(path)
    assert list(frame["system"]) == ["Lorenz", "Rossler"]
    assert json.loads(frame.set_index("system").loc["Rossler", "settings"])["seed"] == 7
    assert json.loads(frame.set_index("system").loc["Lorenz", "settings"])["seed"] == 1
    row = frame.set_index("system").loc["Lorenz"]
    assert row["chaosbench_version"] == chaosbench.__version__ and row["computed_utc"].endswith("Z")
    assert len(str(row["lyapunov_spectrum"]).split()) == 3 and row["lyapunov_max"] > 0.8


def test_invariants_command(tmp_path):
    out = tmp_path / "inv.csv"
    result = CliRunner().invoke(main, ["invariants", "--systems", "Chen", "--out", str(out), "--n-periods", "200",
                                       "--reference-periods", "200"])
    assert result.exit_code == 0, result.output
    assert "wrote 1 rows" in result.output
    frame = pd.read_csv(out, comment="#")
    assert frame.loc[0, "system"] == "Chen" and frame.loc[0, "lyapunov_max"] > 1.5
    bad = CliRunner().invoke(main, ["invariants", "--systems", "Chn", "--out", str(out)])
    assert bad.exit_code == 2 and "Did you mean 'Chen'" in bad.output


def test_review_notes_replace_the_automatic_flag(tmp_path, monkeypatch):
    review = tmp_path / "invariants_review.csv"
    review.write_text("# reviewed explanations\nsystem,note\nLorenz,checked by hand\n")
    monkeypatch.setattr(_datafile, "data_path", lambda: tmp_path / "invariants.csv")
    frame = pd.DataFrame([{"system": "Lorenz", "lyapunov_max": 1.0, "notes": "x differ by 9%: under review"},
                          {"system": "Rossler", "lyapunov_max": 0.07, "notes": float("nan")}],
                         columns=_datafile.COLUMNS)
    _datafile.write_invariants(frame)
    notes = _datafile.read_invariants().set_index("system")["notes"]
    assert notes["Lorenz"] == "reviewed: checked by hand" and pd.isna(notes["Rossler"])


def test_rewriting_the_data_file_is_idempotent(tmp_path):
    """Review notes (which may contain '; ') are merged once, never appended again on a rewrite."""
    from chaosbench._dynamics.datafile import data_path, read_invariants, write_invariants

    target = tmp_path / "invariants.csv"
    target.write_text(data_path().read_text())
    write_invariants(read_invariants(target), target)
    first = target.read_text()
    write_invariants(read_invariants(target), target)
    assert target.read_text() == first == data_path().read_text()


def test_benettin_step_is_refined_only_where_lambda_is_unresolved():
    from chaosbench._dynamics.invariants import resolved_steps_per_period

    assert resolved_steps_per_period(chaosbench.get_system("Lorenz"), 1) == 200
    # WindmiReduced's tanh switch (d1 = 2200) is jumped over at 200 steps per period: lambda 0.13 instead of 0.085
    assert resolved_steps_per_period(chaosbench.get_system("WindmiReduced"), 1) >= 800
