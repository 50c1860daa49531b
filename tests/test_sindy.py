"""sindy: recovers Lorenz's equations, forecasts beyond persistence, follows known inputs, stops runaway forecasts."""

import numpy as np
import pytest

import chaosbench
from chaosbench._core.divergence import FORECAST_FACTOR, divergence_bound, diverged

pytest.importorskip("pysindy")


def test_recovers_the_lorenz_equations():
    """σ = 10, ρ = 28, β = 8/3 from a clean trajectory sampled every 0.001 time units: every term and no other."""
    x = chaosbench.get_system("Lorenz").trajectory(10_000, dt=0.001, seed=0, standardize=False).x
    model = chaosbench.get_forecaster("sindy").fit(x, dt=0.001)
    sigma, rho, beta = 10.0, 28.0, 8.0 / 3.0
    terms = {(1, 0, 0): [-sigma, rho, 0.0], (0, 1, 0): [sigma, -1.0, 0.0], (0, 0, 1): [0.0, 0.0, -beta],
             (1, 0, 1): [0.0, -1.0, 0.0], (1, 1, 0): [0.0, 0.0, 1.0]}
    expected = np.array([terms.get(tuple(e), [0.0, 0.0, 0.0]) for e in model.exponents_])
    assert ((model.coef_ != 0) == (expected != 0)).all()
    np.testing.assert_allclose(model.coef_, expected, rtol=0.01)


def test_forecasts_beyond_persistence_on_lorenz():
    data = chaosbench.Task("Lorenz", n_train=1000, horizon=200, n_test=5, seed=0).generate()
    vpt = chaosbench.get_metric("vpt_nrmse")
    scores = {name: np.array([vpt(w.target, model.predict(200, context=w.context), context=data.context)
                              for w in data.test])
              for name in ("sindy", "naive")
              for model in [chaosbench.get_forecaster(name).fit(data.train, data.context["dt"])]}
    # measured: sindy lasts the whole 200-step horizon (1.39 Lyapunov times) in all 5 windows, naive 0.10-0.13
    assert (scores["sindy"] > 5 * scores["naive"]).all()


def test_follows_a_known_forcing():
    """x' = -x + sin t with u = (sin t, cos t) given as covariates: the forecast is the exact solution."""
    dt, n = 0.01, 3000
    t = dt * np.arange(n)
    x = ((np.sin(t) - np.cos(t)) / 2 + 1.5 * np.exp(-t))[:, None]
    u = np.c_[np.sin(t), np.cos(t)]
    model = chaosbench.get_forecaster("sindy", threshold=0.05).fit(x[:2000], dt=dt, covariates=u[:2000])
    np.testing.assert_allclose(model.predict(1000, context=x[1500:2000], covariates=u[1500:]), x[2000:],
                               rtol=0, atol=1e-4)
    np.testing.assert_allclose(model.predict(1000, covariates=u[2000:]), x[2000:], rtol=0, atol=1e-4)


@pytest.mark.parametrize("power", [1, 2])
def test_a_runaway_forecast_stops_at_the_divergence_bound(power):
    """Growth x' = x (exponential) or x' = x² (finite-time blow-up) leaves the training range; integration stops at
    the first state beyond the forecast rule's bound and that state fills the rest."""
    dt = 0.001
    t = dt * np.arange(500)
    x = (np.exp(t) if power == 1 else 1.0 / (2.0 - t))[:, None]
    model = chaosbench.get_forecaster("sindy").fit(x, dt=dt)
    forecast = model.predict(100_000)
    bad = diverged(forecast, divergence_bound(x, FORECAST_FACTOR))
    first = int(bad.argmax())
    assert bad[first:].all() and not bad[:first].any() and 0 < first < 100_000
    assert (forecast[first:] == forecast[first]).all()


def test_a_long_forecast_stays_in_the_range_of_the_data():
    data = chaosbench.Task("Lorenz", n_train=1000, horizon=10, n_test=1, seed=0).generate()
    model = chaosbench.get_forecaster("sindy").fit(data.train, data.context["dt"])
    forecast = model.predict(5000)
    assert np.abs(forecast).max() < 2 * np.abs(data.train).max()
