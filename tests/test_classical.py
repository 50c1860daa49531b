"""Exact behaviour of the classical univariate forecasters on constructed series."""

import time

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


def test_fft_extrapolates_a_sum_of_two_sinusoids():
    model = get_forecaster("fft", n_harmonics=2).fit(_two_sinusoids(400), dt=0.01)
    np.testing.assert_allclose(model.predict(300), _two_sinusoids(300, offset=400), rtol=0, atol=1e-6)
    context = _two_sinusoids(150, offset=1000)  # phases and the line's intercept come from the context
    np.testing.assert_allclose(model.predict(100, context=context), _two_sinusoids(100, offset=1150),
                               rtol=0, atol=1e-6)


def test_fft_with_too_few_harmonics_misses_the_second_sinusoid():
    model = get_forecaster("fft", n_harmonics=1).fit(_two_sinusoids(400), dt=0.01)
    assert np.abs(model.predict(300) - _two_sinusoids(300, offset=400)).max() > 0.3


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
def test_fits_quickly_on_a_thousand_points(name):
    train = chaosbench.get_system("Lorenz").trajectory(1000, dt=0.01, seed=0, standardize=True).x
    start = time.perf_counter()
    model = get_forecaster(name).fit(train, dt=0.01)
    model.predict(100, context=train[-200:])
    assert time.perf_counter() - start < 1.0
    assert np.isfinite(model.predict(100)).all()
