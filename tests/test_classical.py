"""Exact behaviour of the classical univariate forecasters on constructed series."""

import numpy as np
import pytest

import chaosbench
from chaosbench import get_forecaster


def _line(n, offset=0):
    t = np.arange(offset, offset + n, dtype=float)[:, None]
    return np.hstack([2.0 + 0.5 * t, -1.0 - 0.03 * t])


def _two_sinusoids(n, offset=0, n_train=400):
    """Sinusoids at FFT bins 8 and 20 of ``n_train`` points plus a line, in two variables."""
    t = np.arange(offset, offset + n, dtype=float)
    a = 1.5 * np.sin(2 * np.pi * 8 * t / n_train + 0.3) + 0.4 * np.cos(2 * np.pi * 20 * t / n_train) + 0.01 * t
    b = np.cos(2 * np.pi * 8 * t / n_train) - 0.7 * np.sin(2 * np.pi * 20 * t / n_train + 1.0)
    return np.c_[a, b]


def test_names_registered():
    assert {"naive_drift", "naive_seasonal", "fft", "theta", "ets"} <= set(chaosbench.list_forecasters())


def test_naive_drift_continues_a_straight_line_exactly():
    model = get_forecaster("naive_drift").fit(_line(50), dt=0.1)
    np.testing.assert_allclose(model.predict(20), _line(20, offset=50), rtol=0, atol=1e-12)
    context = _line(5, offset=100)
    np.testing.assert_allclose(model.predict(7, context=context), _line(7, offset=105), rtol=0, atol=1e-12)


def test_naive_seasonal_reproduces_a_periodic_series_with_an_estimated_period():
    periods = (25, 40)  # both divide the 400 training steps, so each is an FFT bin
    t = np.arange(600)
    series = np.c_[np.sin(2 * np.pi * t / periods[0]), np.sign(np.sin(2 * np.pi * t / periods[1]) + 1e-9)]
    model = get_forecaster("naive_seasonal").fit(series[:400], dt=0.01)
    assert list(model.seasons_) == list(periods)
    np.testing.assert_allclose(model.predict(150), series[400:550], rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.predict(60, context=series[:333]), series[333:393], rtol=0, atol=1e-12)


def test_naive_seasonal_season_overrides_the_estimate():
    t = np.arange(300)
    series = np.c_[np.sin(2 * np.pi * t / 30), np.cos(2 * np.pi * t / 30)] + (t % 7)[:, None]  # period 210
    model = get_forecaster("naive_seasonal", season=210).fit(series[:250], dt=0.01)
    assert list(model.seasons_) == [210, 210]
    np.testing.assert_allclose(model.predict(50), series[250:], rtol=0, atol=1e-12)


def test_fft_extrapolates_a_sum_of_two_sinusoids_and_a_line():
    model = get_forecaster("fft", n_harmonics=2, trend=True).fit(_two_sinusoids(400), dt=0.01)
    np.testing.assert_allclose(model.predict(300), _two_sinusoids(300, offset=400), rtol=0, atol=1e-6)
    context = _two_sinusoids(200, offset=1000)  # the periods 50 and 20 are bins of 200 points too
    np.testing.assert_allclose(model.predict(100, context=context), _two_sinusoids(100, offset=1200),
                               rtol=0, atol=1e-6)


def test_fft_with_too_few_harmonics_or_without_the_trend_misses():
    for params in ({"n_harmonics": 1, "trend": True}, {"n_harmonics": 2, "trend": False}):
        model = get_forecaster("fft", **params).fit(_two_sinusoids(400), dt=0.01)
        assert np.abs(model.predict(300) - _two_sinusoids(300, offset=400)).max() > 0.3


def test_fft_stays_on_the_attractor_over_a_long_horizon():
    """Frequencies from the context itself keep the coefficients bounded (the earlier design, frequencies from the
    training data refitted on a shorter context, reached 10^4 times the attractor's size on this task)."""
    train = chaosbench.get_system("Lorenz").trajectory(1500, dt=0.01, seed=0, standardize=True).x
    forecast = get_forecaster("fft").fit(train[:1000], dt=0.01).predict(3000, context=train[1000:])
    assert np.abs(forecast).max() < 2 * np.abs(train).max()


def _noisy_line(n, offset, seed):
    return _line(n, offset) + 0.01 * np.random.default_rng(seed).standard_normal((n, 2))


def test_theta_continues_a_linear_trend_at_half_its_slope():
    """The classical Theta method extrapolates half the OLS slope from the smoothed level."""
    slope = np.array([0.5, -0.03])
    model = get_forecaster("theta").fit(_noisy_line(300, 0, seed=0), dt=0.1)
    for context, end in ((None, 300), (_noisy_line(300, 1000, seed=1), 1300)):
        forecast = model.predict(30, context=context)
        np.testing.assert_allclose(np.diff(forecast, axis=0), np.tile(slope / 2, (29, 1)), rtol=0.02)
        np.testing.assert_allclose(forecast[0], _line(1, end - 1)[0] + slope / 2, atol=0.05)


def test_ets_follows_a_linear_trend_without_overshooting():
    """The damped trend starts on the line, keeps its direction and bends towards a constant, never beyond."""
    model = get_forecaster("ets").fit(_noisy_line(300, 0, seed=0), dt=0.1)
    for context, end in ((None, 300), (_noisy_line(100, 1000, seed=1), 1100)):
        forecast, trend = model.predict(30, context=context), _line(30, end)
        np.testing.assert_allclose(forecast[0], trend[0], atol=0.05)
        assert (np.diff(forecast[:, 0]) > 0).all() and (np.diff(forecast[:, 1]) < 0).all()
        assert (forecast[:, 0] < trend[:, 0] + 0.05).all() and (forecast[:, 1] > trend[:, 1] - 0.05).all()
        assert np.abs(forecast - trend).max() < 0.1 * np.abs(trend[-1] - trend[0]).max()


@pytest.mark.parametrize("name", ["naive_drift", "naive_seasonal", "fft", "theta", "ets"])
def test_forecasts_lorenz_from_a_thousand_points(name):
    train = chaosbench.get_system("Lorenz").trajectory(1000, dt=0.01, seed=0, standardize=True).x
    model = get_forecaster(name).fit(train, dt=0.01)
    assert np.isfinite(model.predict(100, context=train[-200:])).all()
    assert np.isfinite(model.predict(100)).all()


@pytest.mark.parametrize("name", ["theta", "four_theta", "ets", "kalman"])
def test_a_context_is_used_whole_not_only_its_last_min_train_rows(name):
    """Changing the context before its last ``min_train`` rows changes the forecast; a short one is padded."""
    train = _noisy_line(100, 0, seed=0)
    model = get_forecaster(name).fit(train, dt=0.1)
    context = _noisy_line(50, 200, seed=1)
    changed = context.copy()
    changed[:50 - model.min_train] += np.array([3.0, -2.0])
    assert np.abs(model.predict(5, context=context) - model.predict(5, context=changed)).max() > 1e-3
    assert np.isfinite(model.predict(5, context=context[-3:])).all()


def test_kalman_continues_a_noiseless_linear_trend():
    model = get_forecaster("kalman").fit(_line(100), dt=0.1)
    np.testing.assert_allclose(model.predict(20), _line(20, offset=100), rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.predict(20, context=_line(30, offset=500)), _line(20, offset=530),
                               rtol=0, atol=1e-6)


def test_kalman_estimates_the_slope_of_a_noisy_line():
    model = get_forecaster("kalman").fit(_noisy_line(300, 0, seed=0), dt=0.1)
    forecast = model.predict(30, context=_noisy_line(300, 1000, seed=1))
    np.testing.assert_allclose(np.diff(forecast, axis=0), np.tile([0.5, -0.03], (29, 1)), atol=0.01)
    np.testing.assert_allclose(forecast[0], _line(1, 1300)[0], atol=0.05)


def test_kalman_beats_persistence_a_few_steps_ahead_on_lorenz():
    data = chaosbench.Task("Lorenz", n_train=1000, horizon=20, n_test=5, seed=0).generate()
    models = [get_forecaster(name).fit(data.train, data.context["dt"]) for name in ("kalman", "naive")]
    errors = np.array([[np.mean((m.predict(5, context=w.context) - w.target[:5]) ** 2) for m in models]
                       for w in data.test])
    assert (errors[:, 0] < 0.5 * errors[:, 1]).all()


def _falling(n, offset=0):
    """A negative line in each variable: only the additive linear-trend theta lines apply."""
    t = np.arange(offset, offset + n, dtype=float)[:, None]
    return np.hstack([-2.0 - 0.5 * t, -3.0 - 0.03 * t])


def test_four_theta_on_a_line_picks_the_largest_theta():
    """On a line the trend is exact and SES tracks the theta line with weight 1, so the one-step error of theta
    line θ is slope/θ: θ = 3 wins and the forecast continues from the last value with 2/3 of the slope."""
    model = get_forecaster("four_theta").fit(_falling(100), dt=0.1)
    assert [(m.theta, m.trend, m.combination) for m in model.models_] == [(3.0, "linear", "additive")] * 2
    slope = np.array([-0.5, -0.03])
    for context, end in ((None, 100), (_falling(50, offset=300), 350)):
        forecast = model.predict(30, context=context)
        expected = _falling(1, end - 1) + np.arange(1, 31)[:, None] * slope * 2 / 3
        np.testing.assert_allclose(forecast, expected, rtol=0, atol=1e-4)


def test_four_theta_with_theta_two_is_the_classical_theta_method():
    """θ = 2, additive, linear trend: the SES level plus half the OLS slope per step (without statsmodels'
    finite-sample correction of the first step)."""
    train = _falling(300) + 0.01 * np.random.default_rng(0).standard_normal((300, 2))
    model = get_forecaster("four_theta", thetas=(2,)).fit(train, dt=0.1)
    forecast = model.predict(30)
    half_slope = np.polyfit(np.arange(300), train, 1)[0] / 2
    np.testing.assert_allclose(np.diff(forecast, axis=0), np.tile(half_slope, (29, 1)), rtol=1e-9)
    np.testing.assert_allclose(half_slope, [-0.25, -0.015], rtol=1e-3)
    np.testing.assert_allclose(forecast[0], _falling(1, 299)[0] + [-0.25, -0.015], atol=0.05)


def test_four_theta_tries_the_exponential_trend_on_positive_data():
    t = np.arange(200, dtype=float)
    growth = np.exp(0.02 * t)[:, None]
    model = get_forecaster("four_theta", thetas=(3,)).fit(np.hstack([growth, -growth]), dt=0.1)
    assert model.models_[0].trend == "exponential"  # exact, where the linear trend misses the curvature
    np.testing.assert_allclose(model.models_[0].trend_coef, [0.02, -0.02], atol=1e-12)  # time starts at t = 1
    assert model.models_[1].trend == "linear"  # negative: only the additive linear-trend line applies


def test_four_theta_rejects_non_positive_thetas():
    with pytest.raises(chaosbench.exceptions.InvalidParameterError, match="thetas must be positive"):
        get_forecaster("four_theta", thetas=(1, 0)).fit(_line(50), dt=0.1)


def test_four_theta_forecasts_lorenz_from_ten_thousand_points():
    train = chaosbench.get_system("Lorenz").trajectory(10_000, dt=0.01, seed=0, standardize=True).x
    model = get_forecaster("four_theta").fit(train, dt=0.01)
    assert np.isfinite(model.predict(100, context=train[-1000:])).all()
