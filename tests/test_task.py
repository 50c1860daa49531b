"""The data protocol: independent series, covariates of forced systems, horizons in Lyapunov times, long runs."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

import chaosbench as cb
from chaosbench._datafile import computed_invariants
from chaosbench.exceptions import InvalidParameterError

CLOSE = 1e-3  # standardized units


def longest_close_run(target: np.ndarray, tree: cKDTree) -> int:
    """Most consecutive target points each within CLOSE of some training point."""
    close = tree.query(target)[0] < CLOSE
    best = run = 0
    for c in close:
        run = run + 1 if c else 0
        best = max(best, run)
    return best


def allowed_run(system: cb.System, data: cb.TaskData) -> int:
    """Independent orbits of a thin attractor may shadow each other for up to about one Lyapunov time; a time shift
    of the training orbit matches for its whole overlap. Allowed: 10 steps or 1.5 Lyapunov times, whichever is more,
    with the faster of chaosbench's and the independent reference's λ_max (the stricter bound)."""
    row = computed_invariants(system.name) or {}
    lam = max(v for v in (row.get("lyapunov_max"), row.get("lyapunov_max_reference"), 1e-12) if v is not None)
    return max(10, math.ceil(1.5 / (lam * data.context["dt"])))


CHAOTIC = [n for n in cb.list_systems() if "nonchaotic" not in cb.get_system(n).tags]


@pytest.mark.parametrize("name", CHAOTIC)
def test_no_target_retraces_the_training_data(name):
    system = cb.get_system(name)
    for seed in range(3):
        data = cb.Task(name, seed=seed, horizon=1000, n_context=500, n_long=0).generate()
        tree = cKDTree(data.train)
        limit = allowed_run(system, data)
        for i, window in enumerate(data.test + data.validation):
            run = longest_close_run(window.target, tree)
            assert run <= limit, f"{name} seed {seed} window {i}: {run} target steps retrace the training data"


def test_the_retrace_check_catches_a_time_shift():
    """The old protocol's failure (windows cut from one pooled orbit) is what the check above detects."""
    system = cb.get_system("Rossler")
    x = system.trajectory(2500, seed=0).x
    train, shifted = x[:1000], x[400:1400]  # a window overlapping the training orbit by 600 steps
    data = cb.Task("Rossler", n_long=0).generate()
    assert longest_close_run(shifted, cKDTree(train)) > allowed_run(system, data)


def test_seeded_trajectories_are_independent_and_reproducible():
    lorenz = cb.get_system("Lorenz")
    a, b = lorenz.trajectory(500, seed=1), lorenz.trajectory(500, seed=2)
    np.testing.assert_array_equal(a.x, lorenz.trajectory(500, seed=1).x)
    assert np.abs(a.x - b.x).max() > 1.0
    ics = lorenz.sample_ics(4, seed=0)
    assert ics.shape == (4, 3) and len(np.unique(ics[:, 0])) == 4


def test_forced_system_covariates_follow_the_forcing_phase():
    duffing = cb.get_system("Duffing")
    task = cb.Task("Duffing", n_test=8, n_long=300)
    data = task.generate()
    assert data.train_covariates.shape == (task.n_train, 2)
    starts = []
    for w in data.test:
        assert w.context_covariates.shape == (task.n_context, 2)
        assert w.target_covariates.shape == (data.horizon, 2)
        assert w.covariates.shape == (task.n_context + data.horizon, 2)
        # consecutive rows advance the phase by 2 pi dt / T
        phase = np.unwrap(np.arctan2(w.covariates[:, 0], w.covariates[:, 1]))
        np.testing.assert_allclose(np.diff(phase), 2 * np.pi * data.context["dt"] / duffing.forcing_periods[0])
        starts.append(phase[task.n_context] % (2 * np.pi))
    # the windows start at spread-out forcing phases, not all at one
    assert np.ptp(starts) > np.pi
    assert data.long_run.context_covariates.shape == (task.n_context, 2)
    assert data.long_run.target_covariates.shape == (300, 2)


def test_autonomous_system_has_no_covariate_columns():
    data = cb.Task("Lorenz", n_long=0).generate()
    assert data.train_covariates.shape == (1000, 0)
    assert data.test[0].covariates.shape == (300, 0)
    assert data.long_run is None and data.long_reference is None


def test_horizon_in_lyapunov_times_with_a_step_cap():
    lam = computed_invariants("Lorenz")["lyapunov_max"]
    data = cb.Task("Lorenz", horizon=5000, horizon_lyapunov=10, n_long=0).generate()
    unit = data.context["dt"] * lam
    assert data.horizon == math.ceil(10 / unit)
    assert data.test[0].target.shape[0] == data.horizon
    capped = cb.Task("Lorenz", horizon=100, horizon_lyapunov=10, n_long=0).generate()
    assert capped.horizon == 100


def test_long_run_and_its_reference_are_independent_truths():
    data = cb.Task("Lorenz", n_long=2000).generate()
    assert data.long_run.target.shape == data.long_reference.shape == (2000, 3)
    assert data.long_run.context.shape == (100, 3)
    tree = cKDTree(data.train)
    assert longest_close_run(data.long_run.target, tree) <= allowed_run(cb.get_system("Lorenz"), data)
    assert np.abs(data.long_run.target - data.long_reference).max() > 1.0


@pytest.mark.parametrize("field, value", [("n_long", -1), ("n_long", 1.5), ("horizon_lyapunov", 0.0),
                                          ("horizon_lyapunov", "a")])
def test_bad_task_settings_are_refused(field, value):
    with pytest.raises(InvalidParameterError, match=field):
        cb.Task("Lorenz", **{field: value}).generate()
