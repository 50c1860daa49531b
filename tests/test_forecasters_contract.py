"""The contract check over every registered forecaster: adding one needs no new test."""

import copy
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import chaosbench
from chaosbench.testing import scoped_registries
from chaosbench import Forecaster, forecaster
from chaosbench.exceptions import ContractError, InvalidParameterError, NotFittedError, UnknownForecasterError
from chaosbench.forecasters import NeuralForecaster


@pytest.mark.parametrize("name", chaosbench.list_forecasters())
def test_check_forecaster(name, request):
    # with the class's own get_test_params(); a pretrained model's weights are not here: it runs a tiny random one
    weights = {"chronos": "bolt"}
    model = {"model": str(request.getfixturevalue("tiny_chronos")[weights[name]])} if name in weights else {}
    chaosbench.check_forecaster(name, **model)


@pytest.mark.parametrize("name", chaosbench.list_forecasters())
def test_min_train_suffices_for_the_default_hyper_parameters(name, request):
    """``min_train`` is what the defaults need (check_forecaster's fits_on_min_train runs the smaller test settings):
    it equals ``required_train()`` with the defaults, and with the defaults, a neural forecaster's training cut to
    one step, a fit on ``min_train`` points forecasts (not necessarily finite values: ngrc's quadratic model of 4
    points diverges) while one point fewer is refused."""
    model = chaosbench.get_forecaster(name)
    assert model.required_train() == type(model).min_train
    if isinstance(model, NeuralForecaster):
        model.set_params(max_epochs=1, batches_per_epoch=1, n_threads=1, verbose=False)
    if name == "chronos":
        model.set_params(model=str(request.getfixturevalue("tiny_chronos")["bolt"]))
    x = chaosbench.get_system("Lorenz").trajectory(type(model).min_train + 50, dt=0.02, seed=0, standardize=True).x
    model.fit(x[:type(model).min_train], 0.02)
    with np.errstate(all="ignore"):
        assert model.predict(20).shape == model.predict(20, context=x[-50:]).shape == (20, 3)
    with pytest.raises(chaosbench.exceptions.InvalidParameterError):
        model.clone().fit(x[:type(model).min_train - 1], 0.02)


class Persistence(Forecaster):
    """A forecaster that keeps the contract; each one below breaks one check."""

    def __init__(self, window=3):
        self.window = window

    def _fit(self, train, dt):
        self.last_ = train[-1].copy()

    def _predict(self, n_steps, context):
        last = self.last_ if context is None else context[-1]
        return np.tile(last, (n_steps, 1))


class PartialTags(Persistence):
    pass


PartialTags.tags = {"stochastic": False}  # replaced after the class was made: the defaults' merge is bypassed


class CachesInInit(Persistence):
    def __init__(self, window=3):
        self.window = window
        self.cache = {}


class TransformsParams(Persistence):
    def __init__(self, window=3):
        self.window = window + 1


class TypoInTestParams(Persistence):
    @classmethod
    def get_test_params(cls):
        return {"windw": 2}


class TypoInSearchSpace(Persistence):
    search_space = {"windw": [2, 4]}


class RebindsParams(Persistence):
    def _fit(self, train, dt):
        super()._fit(train, dt)
        self.window = len(train)


class MutatesParams(Persistence):
    def __init__(self, lags=None):
        self.lags = [1, 2] if lags is None else lags

    def _fit(self, train, dt):
        super()._fit(train, dt)
        self.lags.append(3)


class IgnoresDt(Persistence):
    def _fit(self, train, dt):
        super()._fit(train, dt)
        self.dt_ = 1.0  # assumes unit sampling


class UnseededNoise(Persistence):
    def _fit(self, train, dt):
        self.last_ = train[-1] + np.random.default_rng().normal(scale=1e-3, size=train.shape[1])


class PredictMovesState(Persistence):
    def _predict(self, n_steps, context):
        self.last_ = self.last_ + 1.0
        return super()._predict(n_steps, context)


class CloneCopiesFit(Persistence):
    def clone(self):
        return copy.copy(self)


class IgnoresCovariates(Persistence):
    tags = {"uses_covariates": True}

    def _fit(self, train, dt, covariates):
        super()._fit(train, dt)

    def _predict(self, n_steps, context, covariates):
        return super()._predict(n_steps, context)


class UnderstatesMinTrain(Persistence):
    """Needs ``window`` points but declares the base class's ``min_train`` of 2."""

    def _fit(self, train, dt):
        if len(train) < self.window:
            raise InvalidParameterError(f"needs window = {self.window} points")
        super()._fit(train, dt)


class NeedsArgument(Persistence):
    def __init__(self, window):
        self.window = window


def test_check_forecaster_names_a_forecaster_without_defaults():
    with pytest.raises(ContractError, match="^NeedsArgument fails constructible_with_defaults: "):
        chaosbench.check_forecaster(NeedsArgument(3))


@pytest.mark.parametrize("broken, check", [
    (PartialTags, "tags_complete"),
    (CachesInInit, "init_sets_only_params"),
    (TransformsParams, "get_params_round_trip"),
    (TypoInTestParams, "test_params_known"),
    (TypoInSearchSpace, "search_space_known"),
    (RebindsParams, "params_unchanged_by_fit"),
    (MutatesParams, "params_unchanged_by_fit"),
    (IgnoresDt, "dt_recorded"),
    (UnderstatesMinTrain, "fits_on_min_train"),
    (UnseededNoise, "deterministic"),
    (PredictMovesState, "deterministic"),
    (CloneCopiesFit, "clone_unfitted"),
    (IgnoresCovariates, "covariates_used"),
])
def test_check_forecaster_names_the_broken_check(broken, check):
    chaosbench.check_forecaster(Persistence())
    with pytest.raises(ContractError, match=f"^{broken.__name__} fails {check}: ") as failed:
        chaosbench.check_forecaster(broken())
    assert failed.value.check == check and failed.value.subject == broken.__name__


def test_check_forecaster_holds_under_python_optimize():
    code = textwrap.dedent("""
        import sys

        import numpy as np

        import chaosbench
        from chaosbench.exceptions import ContractError

        class RebindsParams(chaosbench.Forecaster):
            def __init__(self, window=3):
                self.window = window

            def _fit(self, train, dt):
                self.window, self.last_ = len(train), train[-1]

            def _predict(self, n_steps, context):
                return np.tile(self.last_, (n_steps, 1))

        assert False, "asserts are not stripped"
        try:
            chaosbench.check_forecaster(RebindsParams())
        except ContractError as failed:
            print(sys.flags.optimize, failed.check)
    """)
    done = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "params_unchanged_by_fit"]


def test_unknown_forecaster_suggests_close_names():
    with pytest.raises(UnknownForecasterError, match="Unknown forecaster 'naiv'. Did you mean 'naive'"):
        chaosbench.get_forecaster("naiv")
    with pytest.raises(InvalidParameterError, match="has no hyper-parameter"):
        chaosbench.get_forecaster("naive", window=3)


def test_a_user_forecaster_in_fifteen_lines():
    with scoped_registries():  # the test's forecaster is unregistered afterwards
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
