"""Window forecasters nbeats, nhits, dlinear, nlinear: exact fits of a linear recurrence, chunked autoregressive
forecasts, determinism, parameter checks, and beating persistence on the standard protocol's Lorenz task."""

import numpy as np
import pytest

import chaosbench
from chaosbench._bench.config import LONG_HORIZON, TASK_DEFAULTS
from chaosbench._forecasting.forecaster import forecaster_class
from chaosbench.exceptions import InvalidParameterError

pytest.importorskip("torch")

NAMES = ("nbeats", "nhits", "dlinear", "nlinear")


def tiny(name, **params):
    cls = forecaster_class(name)
    return cls(**(cls.get_test_params() | params))


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.Task("Lorenz", n_train=600, n_long=0, n_test=1).generate().train


def two_sines(n):
    """Each column satisfies a linear recurrence of order 2, x_{t+1} = 2 cos(w) x_t - x_{t-1}."""
    t = np.arange(n)
    return np.column_stack([np.sin(2 * np.pi * t / 17), 0.5 * np.cos(2 * np.pi * t / 23) + 1])


@pytest.mark.parametrize("name, params, tolerance", [
    # measured max errors over the 30 steps: nlinear 3e-3, dlinear 2e-5
    ("nlinear", {"max_epochs": 40}, 1e-2),
    ("dlinear", {"max_epochs": 30, "moving_average": 3}, 1e-3),
])
def test_linear_models_learn_a_linear_recurrence(name, params, tolerance):
    series = two_sines(400)
    model = chaosbench.get_forecaster(name, input_length=8, output_length=4, n_threads=1, verbose=False, **params)
    model.fit(series[:300], 0.1)
    forecast = model.predict(30, context=series[300:340])  # 8 passes, the last one cut
    np.testing.assert_allclose(forecast, series[340:370], rtol=0, atol=tolerance)


@pytest.mark.parametrize("name", NAMES)
def test_chunks_are_fed_back(name, lorenz):
    model = tiny(name).fit(lorenz[:300], 0.02)  # input_length 16, output_length 4
    context = lorenz[300:340]
    forecast = model.predict(11, context=context)
    assert forecast.shape == (11, 3)
    np.testing.assert_array_equal(forecast[:4], model.predict(4, context=context))
    # the second pass reads the context's end followed by the first chunk
    np.testing.assert_allclose(forecast[4:8], model.predict(4, context=np.vstack([context, forecast[:4]])),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(forecast[8:], model.predict(7, context=np.vstack([context, forecast[:4]]))[4:],
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_short_context_is_padded_with_its_first_row(name, lorenz):
    model = tiny(name).fit(lorenz[:300], 0.02)
    short = lorenz[300:305]
    padded = np.vstack([np.repeat(short[:1], 11, axis=0), short])
    np.testing.assert_array_equal(model.predict(9, context=short), model.predict(9, context=padded))


@pytest.mark.parametrize("name", NAMES)
def test_random_state_decides_the_model(name, lorenz):
    def forecast(seed):
        return tiny(name, random_state=seed).fit(lorenz[:300], 0.02).predict(6, context=lorenz[300:340])

    np.testing.assert_array_equal(forecast(3), forecast(3))
    assert not np.array_equal(forecast(3), forecast(4))


@pytest.mark.parametrize("name", NAMES)
def test_channel_independent_weights_are_shared_by_the_variables(name, lorenz):
    """With shared weights, reordering the variables reorders the forecast; a joint input mixes them."""
    order = [2, 0, 1]

    def forecasts(channel_independent):
        fit = [tiny(name, channel_independent=channel_independent).fit(train, 0.02)
               for train in (lorenz[:300], lorenz[:300, order])]
        return fit[0].predict(9, context=lorenz[300:340])[:, order], fit[1].predict(9, context=lorenz[300:340, order])

    np.testing.assert_allclose(*forecasts(True), rtol=1e-4, atol=1e-4)
    assert not np.allclose(*forecasts(False), rtol=1e-2, atol=1e-2)


def test_training_shorter_than_one_window_is_refused(lorenz):
    cls = forecaster_class("nbeats")
    with pytest.raises(InvalidParameterError, match="needs at least 120 with these hyper-parameters"):
        tiny("nbeats", input_length=100, output_length=20).fit(lorenz[:cls.min_train + 10], 0.02)


@pytest.mark.parametrize("params, message", [
    ({"pooling_sizes": (2, 1), "downsampling": (2,)}, "one entry per stack"),
    ({"pooling_sizes": (2, 0), "downsampling": (2, 1)}, "positive integers"),
    ({"pooling_sizes": (), "downsampling": ()}, "non-empty"),
])
def test_nhits_stack_settings_are_checked(params, message, lorenz):
    with pytest.raises(InvalidParameterError, match=message):
        tiny("nhits", **params).fit(lorenz[:300], 0.02)


def test_dlinear_moving_average_must_be_odd(lorenz):
    with pytest.raises(InvalidParameterError, match="odd"):
        tiny("dlinear", moving_average=4).fit(lorenz[:300], 0.02)


def test_min_train_is_one_default_window():
    for name in NAMES:
        model = chaosbench.get_forecaster(name)
        assert type(model).min_train == model.input_length + model.output_length


@pytest.fixture(scope="module")
def standard_lorenz():
    """The standard protocol's Lorenz task (20 Lyapunov times from 500-point contexts; no long run)."""
    return chaosbench.Task("Lorenz", **(TASK_DEFAULTS | LONG_HORIZON | {"n_long": 0})).generate()


def median_vpt(name, data, **params):
    model = chaosbench.get_forecaster(name, **params).fit(data.train, data.context["dt"])
    vpt = chaosbench.get_metric("vpt_nrmse")
    return np.median([vpt(w.target, model.predict(data.horizon, context=w.context), context=data.context)
                      for w in data.test])


@pytest.mark.parametrize("name", ["nbeats", "nhits"])
def test_basis_expansions_beat_persistence_on_lorenz(name, standard_lorenz):
    # measured with 20 epochs (4-5 s): median VPT 1.00 Lyapunov times for both, naive 0.11
    naive = median_vpt("naive", standard_lorenz)
    assert median_vpt(name, standard_lorenz, max_epochs=20, n_threads=1, verbose=False) > 3 * naive


@pytest.mark.slow
@pytest.mark.parametrize("name", ["dlinear", "nlinear"])
def test_linear_models_beat_persistence_on_lorenz_with_the_standard_budget(name, standard_lorenz):
    # measured with 500 epochs (about a minute each): median VPT nlinear 0.139, dlinear 0.132, naive 0.111 Lyapunov
    # times; a linear map of the window is a poor model of Lorenz beyond a fraction of a Lyapunov time
    naive = median_vpt("naive", standard_lorenz)
    assert median_vpt(name, standard_lorenz, max_epochs=500, n_threads=1, verbose=False) > naive
