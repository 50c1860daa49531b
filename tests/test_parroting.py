"""context_parroting: exact on periodic data, better than persistence on Lorenz, never reads past the context."""


import numpy as np
import pytest

import chaosbench

HORIZON = 50
SHORT = 10  # steps scored by the mean squared error


def periodic(n, period=17):
    t = np.arange(n)
    return np.column_stack([np.sin(2 * np.pi * t / period), np.cos(4 * np.pi * t / period) + 0.3 * (t % period)])


@pytest.mark.parametrize("search_train", [True, False])
def test_periodic_series_is_continued_exactly(search_train):
    series = periodic(400)
    model = chaosbench.get_forecaster("context_parroting", search_train=search_train).fit(series[:200], 0.1)
    pred = model.predict(150, context=series[220:250])  # the continuation (150 steps) is longer than the context
    np.testing.assert_allclose(pred, series[250:400], rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.predict(100), series[200:300], rtol=0, atol=1e-12)


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.Task("Lorenz", n_train=5000, horizon=HORIZON, n_test=8, seed=0).generate()


def short_mse(name, data):
    model = chaosbench.get_forecaster(name).fit(data.train, data.context["dt"])
    return np.array([np.mean((model.predict(HORIZON, context=w.context)[:SHORT] - w.target[:SHORT]) ** 2)
                     for w in data.test])


def test_beats_persistence_on_lorenz(lorenz):
    parrot, naive = short_mse("context_parroting", lorenz), short_mse("naive", lorenz)
    # measured: median short-horizon MSE ratio parroting / naive 0.018 (8 windows, 5,000 training points;
    # parroting better in all 8; naive's short MSE 0.02-0.05, parroting's 0.0002-0.016)
    assert np.median(parrot / naive) < 0.2
    assert np.mean(parrot < naive) >= 0.75


def test_match_never_reads_past_the_context():
    # the context ends where the history has its only exact repeat; the match must not be the query itself
    # (whose "continuation" would be the unseen future), so the best window is the earlier occurrence
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((300, 2))
    motif = noise[40:60]
    context = np.vstack([noise[:100], motif])  # motif first occurs at 40:60, followed by noise[60:]
    model = chaosbench.get_forecaster("context_parroting", match_length=20, search_train=False)
    model.fit(rng.standard_normal((50, 2)), 0.1)
    pred = model.predict(30, context=context)
    np.testing.assert_array_equal(pred, noise[60:90])  # copied from the context: values it has seen

