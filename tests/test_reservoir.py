"""Reservoir computers: the echo state network (``esn``) and next-generation reservoir computing (``ngrc``)."""

import time

import numpy as np
import pytest

import chaosbench
from chaosbench.exceptions import InvalidParameterError
from chaosbench.forecasters.reservoir import NGRC, EchoStateNetwork


def valid_prediction_time(pred, true, scale, lyapunov_max, dt, threshold=0.5):
    """First time the RMS over variables of (pred - true) / scale exceeds ``threshold``, in Lyapunov times."""
    err = np.sqrt(np.mean(((pred - true) / scale) ** 2, axis=1))
    over = np.nonzero(err > threshold)[0]
    return (over[0] if len(over) else len(err)) * dt * lyapunov_max


def nrmse(pred, true):
    """sqrt(sum over variables of the MSE / sum over variables of the variance of the true data)."""
    return np.sqrt(((pred - true) ** 2).mean(axis=0).sum() / true.var(axis=0).sum())


@pytest.fixture(scope="module")
def lorenz_raw():
    dt = 0.025
    return chaosbench.Task("Lorenz", pts_per_period=chaosbench.get_system("Lorenz").period / dt, n_train=400,
                           n_context=10, horizon=100, n_test=5, standardize=False, seed=0).generate()


# --- NG-RC ---------------------------------------------------------------------------------------------------------
def test_ngrc_lorenz_published_setting(lorenz_raw):
    """Gauthier et al. (2021): raw Lorenz, dt = 0.025, k = 2, s = 1, 400 training points; NRMSE over one Lyapunov
    time, median over 5 initial conditions, with the default regularisation."""
    data = lorenz_raw
    assert data.context["dt"] == pytest.approx(0.025)
    n_steps = round(1 / (data.context["lyapunov_max"] * data.context["dt"]))
    model = NGRC(k=2, s=1).fit(data.train, data.context["dt"])
    errors = [nrmse(model.predict(n_steps, context=w.context), w.target[:n_steps]) for w in data.test]
    print(f"NG-RC median NRMSE over {n_steps} steps (one Lyapunov time): {np.median(errors):.2e}, "
          f"per window {', '.join(f'{e:.1e}' for e in errors)}")
    assert np.median(errors) <= 1e-2


def test_ngrc_features_and_weights(lorenz_raw):
    model = NGRC(k=2, s=1).fit(lorenz_raw.train, 0.025)
    assert model.coef_.shape == (6 + 21, 3)  # linear part (k * dim) and its unique quadratic monomials
    assert model.intercept_.shape == (3,)
    model = NGRC(k=3, s=2).fit(lorenz_raw.train, 0.025)
    assert model.coef_.shape == (9 + 45, 3)


def test_ngrc_recovers_a_quadratic_map_exactly():
    """Data from a forward-Euler Lorenz map lie exactly in NG-RC's model class (k = 1): it is recovered to rounding."""
    h, n = 0.005, 600

    def step(u):
        x, y, z = u
        return u + h * np.array([10 * (y - x), x * (28 - z) - y, x * y - 8 / 3 * z])

    x = np.empty((n, 3))
    x[0] = [1.0, 1.0, 20.0]
    for i in range(n - 1):
        x[i + 1] = step(x[i])
    model = NGRC(k=1, ridge=0.0).fit(x[:500], h)
    pred = model.predict(100, context=x[:500])
    np.testing.assert_allclose(pred, x[500:], rtol=0, atol=1e-6 * np.abs(x).max())


def test_ngrc_context_and_parameter_errors(lorenz_raw):
    model = NGRC(k=3, s=2).fit(lorenz_raw.train, 0.025)
    assert model.predict(5, context=lorenz_raw.train[-5:]).shape == (5, 3)  # (k-1)s + 1 = 5 points suffice
    with pytest.raises(InvalidParameterError, match="at least 5"):
        model.predict(5, context=lorenz_raw.train[-4:])
    for bad in ({"k": 0}, {"s": 1.5}, {"ridge": -1.0}):
        with pytest.raises(InvalidParameterError):
            NGRC(**bad).fit(lorenz_raw.train, 0.025)
    with pytest.raises(InvalidParameterError, match="at least"):
        NGRC(k=4, s=5).fit(lorenz_raw.train[:10], 0.025)


# --- ESN -----------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lorenz_small():
    return chaosbench.get_system("Lorenz").trajectory(1200, pts_per_period=50, seed=1, standardize=True).x


def test_esn_reservoir_is_scaled_and_seeded(lorenz_small):
    model = EchoStateNetwork(n_units=200, spectral_radius=0.8, density=0.05, random_state=7)
    model.fit(lorenz_small, 0.02)
    n = model.n_units
    dense = np.zeros((n, n))
    rows = np.repeat(np.arange(n), np.diff(model.w_indptr_))
    dense[rows, model.w_indices_] = model.w_data_
    assert np.abs(np.linalg.eigvals(dense)).max() == pytest.approx(0.8, rel=1e-6)
    assert np.count_nonzero(dense) == round(0.05 * n * n)
    assert np.abs(model.w_in_).max() <= model.input_scaling
    other = EchoStateNetwork(n_units=200, spectral_radius=0.8, density=0.05, random_state=8).fit(lorenz_small, 0.02)
    assert not np.array_equal(other.w_in_, model.w_in_)


def test_esn_prediction_without_context_continues_the_training_data(lorenz_small):
    model = EchoStateNetwork(n_units=150).fit(lorenz_small, 0.02)
    # the cached final training state and a fresh teacher-forced drive over the training data agree
    np.testing.assert_allclose(model.predict(30), model.predict(30, context=lorenz_small.copy()), atol=1e-10)


def test_esn_short_horizon_is_accurate(lorenz_small):
    train, truth = lorenz_small[:1000], lorenz_small[1000:]
    model = EchoStateNetwork(n_units=300).fit(train, 0.02)
    pred = model.predict(20, context=train)
    assert np.sqrt(np.mean((pred - truth[:20]) ** 2)) < 0.05


def test_esn_parameter_errors(lorenz_small):
    for bad in ({"leak_rate": 0.0}, {"leak_rate": 1.5}, {"density": 0.0}, {"n_units": 0}, {"ridge": -1.0},
                {"warmup": -1}):
        with pytest.raises(InvalidParameterError):
            EchoStateNetwork(**({"n_units": 20} | bad)).fit(lorenz_small, 0.02)
    with pytest.raises(InvalidParameterError, match="needs at least 202 with these hyper-parameters"):
        EchoStateNetwork(n_units=20, warmup=200).fit(lorenz_small[:150], 0.02)  # min_train (102) fits warmup=100


def test_esn_lorenz_valid_prediction_time_with_defaults():
    """(About 5-15 s: 20,000 steps through 1,000 units.) Default ESN on standardized Lorenz, dt = 0.01, 20,000 training points, 500-point contexts: the median VPT over
    5 test initial conditions is at least 7 Lyapunov times."""
    data = chaosbench.Task("Lorenz", pts_per_period=77.146, n_train=20000, n_context=500, horizon=1500,
                           n_test=5, seed=0).generate()
    assert data.context["dt"] == pytest.approx(0.01, rel=1e-4)
    start = time.perf_counter()
    model = EchoStateNetwork().fit(data.train, data.context["dt"])
    fit_time = time.perf_counter() - start
    scale = data.train.std(axis=0)
    vpts = [valid_prediction_time(model.predict(len(w.target), context=w.context), w.target, scale,
                                  data.context["lyapunov_max"], data.context["dt"]) for w in data.test]
    print(f"ESN (defaults) median VPT {np.median(vpts):.2f} Lyapunov times, per window {np.round(vpts, 2).tolist()}; "
          f"fit {fit_time:.1f} s")
    assert np.median(vpts) >= 7


# --- covariates (known inputs) --------------------------------------------------------------------------------------
def test_ngrc_covariates_enter_at_the_predicted_step(forced_linear_series):
    x, u = forced_linear_series(400)
    model = NGRC(k=1, ridge=0.0).fit(x[:300], 1.0, covariates=u[:300])
    assert model.coef_.shape == (2 + 3 + 2, 2)  # linear taps, their quadratic monomials, then the covariates
    np.testing.assert_allclose(model.predict(50, context=x[200:250], covariates=u[200:300]), x[250:300], rtol=0,
                               atol=1e-8)
    np.testing.assert_allclose(model.predict(100, covariates=u[300:]), x[300:], rtol=0, atol=1e-8)
    with pytest.raises(InvalidParameterError, match="covariates"):
        model.predict(10, context=x[:20])


def test_esn_covariates_are_extra_inputs_of_the_same_reservoir(lorenz_small):
    train, dt = lorenz_small[:1000], 0.02
    phase = 2 * np.pi * np.arange(1200) / 37
    cov = np.c_[np.sin(phase), np.cos(phase)]
    plain = EchoStateNetwork(n_units=100, random_state=4).fit(train, dt)
    model = EchoStateNetwork(n_units=100, random_state=4).fit(train, dt, covariates=cov[:1000])
    np.testing.assert_array_equal(model.w_data_, plain.w_data_)
    np.testing.assert_array_equal(model.bias_, plain.bias_)
    np.testing.assert_array_equal(model.w_in_[:, :3], plain.w_in_)
    assert model.w_in_.shape == (100, 5) and np.abs(model.w_in_[:, 3:]).max() <= model.input_scaling
    assert np.abs(model.w_in_[:, 3:]).max() > 0.5 * model.input_scaling
    # the cached final training state equals a fresh drive over the training data and its covariates
    future = cov[1000:1030]
    np.testing.assert_allclose(model.predict(30, covariates=future),
                               model.predict(30, context=train.copy(), covariates=cov[:1030]), atol=1e-10)
    # output k is fed back with the covariates of step k: the first output does not see the forecast's covariates
    a = model.predict(30, context=train[-200:], covariates=cov[800:1030])
    b = model.predict(30, context=train[-200:], covariates=np.vstack([cov[800:1000], -future]))
    np.testing.assert_array_equal(a[0], b[0])
    assert np.abs(a[1] - b[1]).max() > 1e-6
