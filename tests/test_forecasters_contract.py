"""The contract check over every registered forecaster: adding one needs no new test."""

import numpy as np
import pytest

import chaosbench
from chaosbench import Forecaster, forecaster
from chaosbench.exceptions import InvalidParameterError, NotFittedError, UnknownForecasterError

FAST = {  # small settings that keep the contract check quick; the defaults are exercised elsewhere
    "esn": {"n_units": 100},
    "shplrnn": {"n_hidden": 8, "sequence_length": 20, "batch_size": 4, "batches_per_epoch": 5, "max_epochs": 2,
                "n_threads": 1, "verbose": False},
    "alrnn": {"n_latent": 6, "sequence_length": 20, "batch_size": 4, "batches_per_epoch": 5, "max_epochs": 2,
              "n_threads": 1, "verbose": False},
    "lstm": {"n_hidden": 8, "sequence_length": 20, "burn_in": 5, "batch_size": 4, "batches_per_epoch": 5,
             "max_epochs": 2, "n_threads": 1, "verbose": False},
    "transformer": {"lookback": 32, "output_length": 8, "patch_len": 8, "stride": 4, "d_model": 8, "n_heads": 2,
                    "n_layers": 1, "d_ff": 16, "batch_size": 8, "batches_per_epoch": 5, "max_epochs": 2,
                    "n_threads": 1, "verbose": False},
}


@pytest.mark.parametrize("name", chaosbench.list_forecasters())
def test_check_forecaster(name):
    chaosbench.check_forecaster(name, **FAST.get(name, {}))


def test_unknown_forecaster_suggests_close_names():
    with pytest.raises(UnknownForecasterError, match="Unknown forecaster 'naiv'. Did you mean 'naive'"):
        chaosbench.get_forecaster("naiv")
    with pytest.raises(InvalidParameterError, match="has no hyper-parameter"):
        chaosbench.get_forecaster("naive", window=3)


def test_a_user_forecaster_in_fifteen_lines():
    @forecaster("drift_test", replace=True)
    class Drift(Forecaster):
        """Continue the mean step of the last `window` observations."""

        def __init__(self, window=10):
            self.window = window

        def _fit(self, train, dt):
            self.step_ = np.diff(train[-self.window:], axis=0).mean(axis=0)

        def _predict(self, n_steps, context):
            last = self.last_window_[-1] if context is None else context[-1]
            return last + self.step_ * np.arange(1, n_steps + 1)[:, None]

    chaosbench.check_forecaster("drift_test")
    model = chaosbench.get_forecaster("drift_test", window=5)
    assert model.get_params() == {"window": 5}
    with pytest.raises(NotFittedError):
        model.predict(3)


def test_task_is_deterministic_and_standardized():
    a = chaosbench.Task("Lorenz", n_train=500, horizon=50, n_test=3, seed=4).generate()
    b = chaosbench.Task("Lorenz", n_train=500, horizon=50, n_test=3, seed=4).generate()
    c = chaosbench.Task("Lorenz", n_train=500, horizon=50, n_test=3, seed=5).generate()
    np.testing.assert_array_equal(a.train, b.train)
    np.testing.assert_array_equal(a.test[2].target, b.test[2].target)
    assert not np.allclose(a.train, c.train)
    np.testing.assert_allclose(a.train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(a.train.std(axis=0), 1, atol=1e-12)
    assert a.train.shape == (500, 3) and len(a.test) == 3 and a.test[0].target.shape == (50, 3)
    assert a.context["dt"] == pytest.approx(chaosbench.get_system("Lorenz").period / 100)
    assert a.context["lyapunov_max"] == pytest.approx(0.9056, rel=0.02)
    starts = {tuple(w.context[0]) for w in a.test}
    assert len(starts) == 3  # each test window starts from its own state


def test_task_noise_is_added_to_inputs_only():
    clean = chaosbench.Task("Lorenz", n_train=300, horizon=20, n_test=1, standardize=False).generate()
    noisy = chaosbench.Task("Lorenz", n_train=300, horizon=20, n_test=1, standardize=False, noise=0.1).generate()
    np.testing.assert_array_equal(clean.test[0].target, noisy.test[0].target)
    residual = (noisy.train - clean.train).std(axis=0) / clean.train.std(axis=0)
    np.testing.assert_allclose(residual, 0.1, rtol=0.15)
    with pytest.raises(InvalidParameterError, match="noise must be a non-negative number"):
        chaosbench.Task("Lorenz", noise=-1.0).generate()
