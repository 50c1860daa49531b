"""Trajectory generation: sampling, transients, seeds, standardization, regeneration and files."""

import numpy as np
import pandas as pd
import pytest

import chaosbench
from chaosbench import InvalidParameterError, Trajectory


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.get_system("Lorenz")


def test_sampling_per_period(lorenz):
    traj = lorenz.trajectory(300, pts_per_period=50)
    assert isinstance(traj, Trajectory) and traj.x.shape == (300, 3) and traj.t.shape == (300,)
    assert traj.dt == pytest.approx(lorenz.period / 50)
    np.testing.assert_allclose(np.diff(traj.t), traj.dt)
    assert traj.t[0] == pytest.approx(20 * lorenz.period)  # default transient: 20 periods
    assert np.asarray(traj) is traj.x or np.array_equal(np.asarray(traj), traj.x)
    assert traj.system == "Lorenz" and traj.params == dict(lorenz.params) and traj.variables == ("x", "y", "z")


def test_explicit_dt_and_transient(lorenz):
    traj = lorenz.trajectory(10, dt=0.05, transient=0.0)
    np.testing.assert_allclose(traj.t, 0.05 * np.arange(10))
    np.testing.assert_array_equal(traj.x[0], lorenz.ic)


def test_settings_regenerate_the_same_trajectory(lorenz):
    for kwargs in ({}, {"seed": 4, "standardize": True}, {"dt": 0.02, "method": "rk4"}, {"ic": [1.0, 2.0, 3.0]}):
        traj = lorenz.with_params(rho=30.0).trajectory(200, **kwargs)
        np.testing.assert_array_equal(traj.regenerate().x, traj.x)


def test_a_pickled_trajectory_still_regenerates(lorenz):
    import pickle

    traj = lorenz.with_params(rho=30.0).trajectory(50, seed=3)
    copy = pickle.loads(pickle.dumps(traj))
    assert copy.source.params == traj.source.params and copy.source.name == "Lorenz"
    np.testing.assert_array_equal(copy.regenerate().x, traj.x)


def test_a_trajectory_not_made_by_a_system_cannot_regenerate():
    traj = Trajectory(t=np.zeros(1), x=np.zeros((1, 1)), system="Lorenz", params={}, dt=1.0, settings={},
                      variables=("x",))
    with pytest.raises(InvalidParameterError, match="regenerate"):
        traj.regenerate()


def test_seeds_draw_reproducible_on_attractor_starts(lorenz):
    a, b, c = (lorenz.trajectory(50, seed=s).x for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_sample_ics(lorenz):
    ics = lorenz.sample_ics(20, seed=0)
    assert ics.shape == (20, 3) and len({tuple(r) for r in ics}) == 20
    np.testing.assert_array_equal(ics, lorenz.sample_ics(20, seed=0))
    # On the attractor: within the range of a long trajectory.
    ref = lorenz.trajectory(5000).x
    assert (ics >= ref.min(axis=0) - 1).all() and (ics <= ref.max(axis=0) + 1).all()


def test_standardize(lorenz):
    traj = lorenz.trajectory(1000, standardize=True)
    np.testing.assert_allclose(traj.x.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(traj.x.std(axis=0), 1, atol=1e-12)
    raw = lorenz.trajectory(1000)
    np.testing.assert_allclose(traj.x * traj.info["scale"] + traj.info["loc"], raw.x, atol=1e-10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, "n must be a positive integer"),
        ({"n": 2.5}, "n must be a positive integer"),
        ({"n": 10, "ic": [1.0, 2.0]}, "initial condition must be a sequence of 3 numbers"),
        ({"n": 10, "ic": [1.0, np.nan, 0.0]}, "initial condition must be finite"),
        ({"n": 10, "dt": -0.1}, "dt must be a positive number"),
        ({"n": 10, "pts_per_period": 0}, "pts_per_period must be a positive number"),
        ({"n": 10, "transient": -1}, "transient must be a non-negative"),
        ({"n": 10, "seed": 1, "ic": [1.0, 1.0, 1.0]}, "either ic or seed"),
    ],
)
def test_bad_arguments(lorenz, kwargs, message):
    n = kwargs.pop("n")
    with pytest.raises(InvalidParameterError, match=message):
        lorenz.trajectory(n, **kwargs)


@pytest.mark.parametrize("suffix", [".csv", ".npy", ".parquet"])
def test_save_round_trip(lorenz, tmp_path, suffix):
    traj = lorenz.trajectory(25)
    path = traj.save(tmp_path / f"sub/out{suffix}")
    if suffix == ".npy":
        data = np.load(path)
    else:
        frame = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
        assert list(frame.columns) == ["t", "x", "y", "z"]
        data = frame.to_numpy()
    np.testing.assert_allclose(data, np.column_stack([traj.t, traj.x]), rtol=1e-15)


def test_save_rejects_unknown_suffix(lorenz, tmp_path):
    with pytest.raises(InvalidParameterError, match="unsupported suffix .txt"):
        lorenz.trajectory(5).save(tmp_path / "out.txt")
