"""One cell's protocol: long free runs beside noise floors, censoring, covariates, divergence, drifting variables,
non-chaotic and unresolved systems."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import chaosbench
from chaosbench._bench.cell import cut_at_divergence, drift_as_increments, score

FAST = {"n_test": 2, "n_train": 1000, "n_long": 2000, "quiet": True, "workers": 1}


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """A non-chaotic system (Torus), a forced one (Duffing), an unresolved one (LiuChen) and Lorenz."""
    out = tmp_path_factory.mktemp("cells") / "run"
    results = chaosbench.run(out=str(out), systems="Torus,Duffing,LiuChen,Lorenz", forecasters="naive,linear,esn",
                             horizon=300, horizon_lyapunov=1.0, forecaster_params={"esn": {"n_units": 200}}, **FAST)
    return results


def row(results, system, forecaster) -> pd.Series:
    cells = results.cells
    return cells[(cells["system"] == system) & (cells["forecaster"] == forecaster)].iloc[0]


def test_a_non_chaotic_system_kills_no_worker(mixed_run):
    for forecaster in ("naive", "linear", "esn"):
        torus = row(mixed_run, "Torus", forecaster)
        assert torus["status"] in ("ok", "diverged"), torus["error"]
        assert math.isnan(torus["vpt_nrmse"]) and "no Lyapunov time" in torus["error"]
        assert np.isfinite(torus["d_stsp_floor"])


def test_long_run_scores_sit_beside_their_floors(mixed_run):
    naive = row(mixed_run, "Lorenz", "naive")
    assert naive["d_stsp"] > naive["d_stsp_floor"] and naive["d_h"] > naive["d_h_floor"]
    esn = row(mixed_run, "Lorenz", "esn")
    assert esn["d_h"] < naive["d_h"]
    assert esn["d_stsp_floor"] == naive["d_stsp_floor"]  # the floor belongs to the task, not the forecaster


def test_horizon_in_lyapunov_times_and_censoring(mixed_run):
    lorenz = row(mixed_run, "Lorenz", "esn")
    unit = lorenz["dt"] * lorenz["lyapunov_max"]
    assert lorenz["horizon"] == math.ceil(1.0 / unit)
    # a good reservoir outlasts a 1-Lyapunov-time window: censored, and the VPT is the window's length
    assert lorenz["vpt_nrmse_censored"] == 1.0
    assert lorenz["vpt_nrmse"] == pytest.approx(lorenz["horizon"] * unit)
    assert lorenz["vpt_nrmse_time"] == pytest.approx(lorenz["vpt_nrmse"] / lorenz["lyapunov_max"])
    assert row(mixed_run, "Lorenz", "naive")["vpt_nrmse_censored"] == 0.0
    board = mixed_run.leaderboard()
    assert board.set_index("forecaster").loc["esn", "censored_fraction"] > 0


def test_covariate_use_is_recorded(mixed_run):
    assert bool(row(mixed_run, "Duffing", "linear")["uses_covariates"])
    assert not bool(row(mixed_run, "Duffing", "naive")["uses_covariates"])
    assert not bool(row(mixed_run, "Lorenz", "linear")["uses_covariates"])  # nothing to use


def test_unresolved_lyapunov_systems_are_left_out_of_default_aggregates(mixed_run):
    assert not bool(row(mixed_run, "LiuChen", "naive")["lyapunov_resolved"])
    assert not bool(row(mixed_run, "Torus", "naive")["lyapunov_resolved"])  # non-chaotic: no Lyapunov time
    assert bool(row(mixed_run, "Lorenz", "naive")["lyapunov_resolved"])
    default = mixed_run.leaderboard().set_index("forecaster")
    every = mixed_run.leaderboard(include_unresolved=True).set_index("forecaster")
    assert (default["n_cells"] == 2).all() and (every["n_cells"] == 4).all()


def test_nonchaotic_systems_leave_all_but_stay_selectable():
    from chaosbench._bench.config import make_config

    everything = make_config("standard").systems
    assert "Torus" not in everything and "Lorenz" in everything
    assert "Torus" in make_config("quick", systems="Torus,Lorenz").systems
    assert "Torus" in make_config("quick", tag="nonchaotic").systems


def _data(train, unbounded=()):
    return SimpleNamespace(train=train, context={"unbounded": unbounded, "scale": train.std(axis=0),
                                                 "loc": np.zeros(train.shape[1]), "data_scale": np.ones(
                                                     train.shape[1]), "dt": 0.1, "lyapunov_max": 1.0})


def test_a_diverged_window_counts_as_worst_from_its_runaway_step():
    rng = np.random.default_rng(0)
    train = rng.standard_normal((200, 2))
    truth = rng.standard_normal((2, 50, 2))
    forecast = truth.copy()
    forecast[1, 20:] = 1e6  # the second window runs away at step 20
    cut, runaway = cut_at_divergence(forecast, _data(train))
    assert runaway.tolist() == [False, True]
    assert np.isnan(cut[1, 20:]).all() and np.array_equal(cut[1, :20], truth[1, :20])
    values, _ = score(["vpt_nrmse", "rmse"], truth[1:], cut[1:], _data(train).context)
    assert values["vpt_nrmse"] == pytest.approx(20 * 0.1) and values["rmse"] == math.inf


def test_drifting_variables_never_diverge_and_are_scored_by_their_increments():
    t = np.arange(300) * 0.1
    train = np.c_[np.sin(t), 3.0 * t]  # variable 1 drifts by design (an angle)
    data = _data(train, unbounded=(1,))
    future = np.c_[np.sin(t + 30), 3.0 * (t + 30)][None] * np.array([1.0, 50.0])  # the angle runs far beyond
    cut, runaway = cut_at_divergence(future, data)
    assert not runaway.any() and np.isfinite(cut).all()
    truth = np.c_[np.sin(t[:50] + 30), 3.0 * (t[:50] + 30)][None]
    last = np.array([[np.sin(29.9), 3.0 * 29.9]])
    (scored_truth, offset), context = drift_as_increments([truth, truth + [0.0, 2 * np.pi]], last, data)
    np.testing.assert_allclose(scored_truth[0, :, 1], 0.3)  # increments of the angle
    assert context["scale"][1] == pytest.approx(np.diff(train[:, 1]).std())
    # an angle offset by a full turn moves the same way: only its first increment differs
    assert np.allclose(offset[0, 1:], scored_truth[0, 1:])


def test_floors_of_drifting_systems_compare_increments_of_two_independent_truths(tmp_path):
    """The reference's increments start from its own first state (not from another trajectory's context), so no
    spurious jump inflates the floor."""
    results = chaosbench.run(out=str(tmp_path / "run"), systems="BlinkingRotlet", forecasters="naive", **FAST)
    cell = results.cells.iloc[0]
    data = chaosbench.Task("BlinkingRotlet", seed=int(cell["task_seed"]), n_test=2, n_train=1000, n_context=500,
                           n_long=2000).generate()
    truth = np.diff(np.vstack([data.long_run.context[-1:], data.long_run.target]), axis=0)[1:]
    reference = np.diff(data.long_reference, axis=0)
    drifting = list(data.context["unbounded"])
    truth = np.where(np.isin(np.arange(2), drifting), truth, data.long_run.target[1:])
    reference = np.where(np.isin(np.arange(2), drifting), reference, data.long_reference[1:])
    expected = chaosbench.get_metric("d_h")(truth, reference)
    assert cell["d_h_floor"] == pytest.approx(expected, rel=1e-12)
    assert not bool(cell["long_run_diverged"])
