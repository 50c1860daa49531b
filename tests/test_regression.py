"""random_forest and gradient_boosting: the forest's fast descent is scikit-learn's, both beat persistence on Lorenz,
both are reproducible, and long forecasts are fast."""


import numpy as np
import pytest

import chaosbench

pytest.importorskip("sklearn")
pytest.importorskip("lightgbm")

HORIZON = 50
SHORT = 10  # steps scored by the mean squared error


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.Task("Lorenz", n_train=2000, horizon=HORIZON, n_test=6, seed=0).generate()


@pytest.fixture(scope="module")
def fitted(lorenz):
    return {name: chaosbench.get_forecaster(name).fit(lorenz.train, lorenz.context["dt"])
            for name in ("random_forest", "gradient_boosting", "naive")}


def short_mse(model, data):
    return np.array([np.mean((model.predict(HORIZON, context=w.context)[:SHORT] - w.target[:SHORT]) ** 2)
                     for w in data.test])


def test_flat_forest_predicts_what_scikit_learn_predicts(fitted):
    model = fitted["random_forest"]
    features = np.random.default_rng(0).standard_normal((200, model.model_.n_features_in_))
    flat = np.array([model.forest_.predict(row) for row in features])
    np.testing.assert_allclose(flat, model.model_.predict(features), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["random_forest", "gradient_boosting"])
def test_beats_persistence_on_lorenz(name, lorenz, fitted):
    ratio = short_mse(fitted[name], lorenz) / short_mse(fitted["naive"], lorenz)
    assert np.median(ratio) < 0.1
    assert (ratio < 1).all()


def test_random_forest_is_reproducible_and_seeded(lorenz):
    def forecast(seed):
        model = chaosbench.get_forecaster("random_forest", n_estimators=5, random_state=seed)
        return model.fit(lorenz.train, lorenz.context["dt"]).predict(30, context=lorenz.test[0].context)

    np.testing.assert_array_equal(forecast(3), forecast(3))
    assert not np.array_equal(forecast(3), forecast(4))


def test_gradient_boosting_is_reproducible(lorenz):
    def forecast():
        model = chaosbench.get_forecaster("gradient_boosting", n_estimators=20)
        return model.fit(lorenz.train, lorenz.context["dt"]).predict(30, context=lorenz.test[0].context)

    np.testing.assert_array_equal(forecast(), forecast())


def test_forecast_follows_the_covariates():
    """The state is the known input, x_t = (u_t, -u_t) with u_t = ±1 at random: the increment is a function of
    x_t and u_{t+1}, learnt from the training pairs, so the forecast reproduces a new input sequence."""
    u = np.random.default_rng(0).choice([-1.0, 1.0], size=(600, 1))
    x = u * [1.0, -1.0]
    for name in ("random_forest", "gradient_boosting"):
        model = chaosbench.get_forecaster(name, n_lags=1).fit(x[:500], 0.1, covariates=u[:500])
        np.testing.assert_allclose(model.predict(100, context=x[:500], covariates=u), x[500:], rtol=0, atol=1e-3)


@pytest.mark.parametrize("name", ["random_forest", "gradient_boosting"])
def test_a_long_forecast_stays_in_range(name, fitted, lorenz):
    forecast = fitted[name].predict(5000)
    assert np.abs(forecast).max() < 1.5 * np.abs(lorenz.train).max()


@pytest.mark.parametrize("name", ["random_forest", "gradient_boosting"])
def test_state_targets_keep_long_forecasts_in_the_training_range(name, lorenz):
    """A state target is a leaf average of training states (boosting: a sum of shrunk leaf values, close to it), so
    a free run stays within the range of the training data; increments carry no such bound."""
    model = chaosbench.get_forecaster(name, target="state").fit(lorenz.train, lorenz.context["dt"])
    forecast = model.predict(3000)
    assert np.abs(forecast).max() <= 1.1 * np.abs(lorenz.train).max()
    assert np.std(forecast[-1000:], axis=0).min() > 0.1  # still moving, not parked on a fixed point
