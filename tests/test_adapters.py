"""The bridges to darts, sktime and neuralforecast: the contract, what each does with the context, the optional
imports, and a run of each through ``chaosbench run --plugin``."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench import adapters
from chaosbench.cli import main
from chaosbench.exceptions import InvalidParameterError, MissingDependencyError
from chaosbench.testing import scoped_registries

PLUGINS = Path(__file__).parent / "plugins"
# sktime announces a change of its defaults whenever a forecaster is built (here, outside the adapters' session)
pytestmark = pytest.mark.filterwarnings("ignore:The default of config:FutureWarning")


def lorenz(n, seed=0):
    return chaosbench.get_system("Lorenz").trajectory(n, dt=0.02, seed=seed, standardize=True).x


# --- optional imports -----------------------------------------------------------------------------------------------

def test_importing_chaosbench_and_the_adapters_imports_no_library():
    code = ("import sys, chaosbench, chaosbench.adapters\n"
            "print(sorted(m for m in ('darts', 'sktime', 'neuralforecast', 'pytorch_lightning', 'torch')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("library, adapter, cls", [
    ("darts", adapters.from_darts, adapters.DartsForecaster),
    ("sktime", adapters.from_sktime, adapters.SktimeForecaster),
    ("neuralforecast", adapters.from_neuralforecast, adapters.NeuralForecastForecaster),
])
def test_a_missing_library_gives_the_install_hint_in_one_line(monkeypatch, library, adapter, cls):
    monkeypatch.setitem(sys.modules, library, None)  # import fails as if not installed
    with pytest.raises(MissingDependencyError) as adapting:
        adapter(object())
    with pytest.raises(MissingDependencyError) as fitting:
        cls(model=object()).fit(lorenz(50), 0.02)
    for error in (adapting, fitting):
        message = str(error.value)
        assert "\n" not in message and f"pip install 'chaosbench[{library}]'" in message


def test_a_model_of_another_library_or_none_is_refused():
    pytest.importorskip("darts")
    with pytest.raises(InvalidParameterError, match="needs a darts model"):
        adapters.DartsForecaster().fit(lorenz(50), 0.02)  # no model and no default_model()
    with pytest.raises(InvalidParameterError, match="needs a darts model"):
        adapters.DartsForecaster(model="LinearRegressionModel").fit(lorenz(50), 0.02)
    with pytest.raises(InvalidParameterError, match="needs a darts model"):
        adapters.from_darts("LinearRegressionModel")


# --- darts ----------------------------------------------------------------------------------------------------------

def test_darts_models_pass_the_contract():
    darts_models = pytest.importorskip("darts.models")
    for model in (darts_models.LinearRegressionModel(lags=4),
                  darts_models.LinearRegressionModel(lags=4, lags_future_covariates=[0]),
                  tiny_nbeats()):
        chaosbench.check_forecaster(adapters.from_darts(model))


def tiny_nbeats(**kwargs):
    darts_models = pytest.importorskip("darts.models")
    return darts_models.NBEATSModel(input_chunk_length=8, output_chunk_length=4, n_epochs=1, num_stacks=1,
                                    num_blocks=1, num_layers=1, layer_widths=8, **kwargs)


def test_darts_torch_model_trains_quietly_on_the_cpu_seeded_from_random_state():
    """Built without ``pl_trainer_kwargs`` or ``random_state``, the fitted copy still gets the quiet CPU trainer
    and the forecaster's seed; trainer settings given to the model are kept unless they are the adapter's."""
    train = lorenz(120)

    def fitted(random_state, **kwargs):
        return adapters.from_darts(tiny_nbeats(**kwargs)).set_params(random_state=random_state).fit(train, 0.02)

    model = fitted(3)
    (copy,) = model.models_
    assert copy.model_params["random_state"] == 3
    assert {key: copy.trainer_params[key] for key in adapters._QUIET_TRAINER} == adapters._QUIET_TRAINER
    np.testing.assert_array_equal(model.predict(6), fitted(3).predict(6))
    assert not np.allclose(model.predict(6), fitted(4).predict(6))
    (given,) = fitted(3, pl_trainer_kwargs={"gradient_clip_val": 0.5, "accelerator": "gpu"}).models_
    assert given.trainer_params["gradient_clip_val"] == 0.5 and given.trainer_params["accelerator"] == "cpu"


def test_darts_global_model_keeps_its_weights_and_forecasts_from_the_context():
    """A lag-1 linear regression trained on x_{t+1} = A x_t recovers A; from another trajectory's context it
    continues that trajectory, not the training data."""
    darts_models = pytest.importorskip("darts.models")
    a = np.array([[0.95, -0.25], [0.25, 0.95]])

    def orbit(x0, n):
        out = [np.asarray(x0, dtype=float)]
        for _ in range(n - 1):
            out.append(a @ out[-1])
        return np.array(out)

    model = adapters.from_darts(darts_models.LinearRegressionModel(lags=1)).fit(orbit([1.0, 0.0], 60), 0.1)
    context = orbit([-0.3, 2.0], 10)
    expected = orbit(context[-1], 13)[1:]
    np.testing.assert_allclose(model.predict(12, context=context), expected, atol=1e-9)
    assert not np.allclose(model.predict(12), expected)


def test_darts_future_covariates_are_the_known_inputs(forced_linear_series):
    """x_{t+1} = A x_t + B u_{t+1} + c is exactly a lag regression with the covariate at the target step."""
    darts_models = pytest.importorskip("darts.models")
    x, u = forced_linear_series(300)
    model = adapters.from_darts(darts_models.LinearRegressionModel(lags=1, lags_future_covariates=[0]))
    assert model.tags["uses_covariates"]
    model.fit(x[:200], 0.1, covariates=u[:200])
    forecast = model.predict(20, context=x[250:280], covariates=u[250:300])
    np.testing.assert_allclose(forecast, x[280:300], atol=1e-8)


def test_darts_local_univariate_model_is_refitted_per_variable_on_the_context():
    darts = pytest.importorskip("darts")
    train, context = lorenz(300), lorenz(120, seed=1)
    forecast = adapters.from_darts(darts.models.FFT(nr_freqs_to_keep=5)).fit(train, 0.02).predict(15, context=context)
    for j in range(3):
        own = darts.models.FFT(nr_freqs_to_keep=5).fit(darts.TimeSeries.from_values(context[:, [j]])).predict(15)
        np.testing.assert_allclose(forecast[:, j], own.values()[:, 0])


# --- sktime ---------------------------------------------------------------------------------------------------------

def test_sktime_forecasters_pass_the_contract():
    pytest.importorskip("sktime")
    from sktime.forecasting.naive import NaiveForecaster
    from sktime.forecasting.theta import ThetaForecaster

    for model in (NaiveForecaster(strategy="last"), ThetaForecaster(deseasonalize=False)):
        chaosbench.check_forecaster(adapters.from_sktime(model))


def test_sktime_forecaster_forecasts_from_the_context():
    pytest.importorskip("sktime")
    from sktime.forecasting.naive import NaiveForecaster

    train, context = lorenz(100), lorenz(40, seed=3)
    model = adapters.from_sktime(NaiveForecaster(strategy="last")).fit(train, 0.02)
    np.testing.assert_array_equal(model.predict(7, context=context), np.tile(context[-1], (7, 1)))
    np.testing.assert_array_equal(model.predict(7), np.tile(train[-1], (7, 1)))


def test_sktime_exogenous_forecaster_receives_the_covariates():
    pytest.importorskip("sktime")
    from sktime.forecasting.naive import NaiveForecaster
    from sktime.forecasting.sarimax import SARIMAX

    assert not adapters.from_sktime(NaiveForecaster()).tags["uses_covariates"]
    model = adapters.from_sktime(SARIMAX(order=(1, 0, 0)))
    assert model.tags["uses_covariates"]
    chaosbench.check_forecaster(model, n_train=150, horizon=20)


# --- neuralforecast -------------------------------------------------------------------------------------------------

def tiny_mlp(h=4):
    models = pytest.importorskip("neuralforecast.models")
    return models.MLP(h=h, input_size=8, max_steps=3, num_layers=1, hidden_size=16)


def test_neuralforecast_model_passes_the_contract():
    chaosbench.check_forecaster(adapters.from_neuralforecast(tiny_mlp()))


def test_neuralforecast_forecasts_past_its_horizon_block_by_block_from_the_context():
    model = adapters.from_neuralforecast(tiny_mlp(h=4)).fit(lorenz(200), 0.02)
    context = lorenz(60, seed=2)
    long, short = model.predict(10, context=context), model.predict(4, context=context)
    np.testing.assert_array_equal(long[:4], short)
    np.testing.assert_array_equal(long[4:8], model.predict(4, context=np.vstack([context, short])))
    np.testing.assert_array_equal(model.predict(4), model.predict(4, context=lorenz(200)))
    assert not np.allclose(short, model.predict(4, context=lorenz(60, seed=5)))


def test_neuralforecast_multi_quantile_model_forecasts_its_median():
    """With MQLoss the prediction frame holds quantile columns only; the forecast is the median's, not the
    alphabetically first quantile's."""
    losses = pytest.importorskip("neuralforecast.losses.pytorch")
    models = pytest.importorskip("neuralforecast.models")
    model = models.MLP(h=4, input_size=8, max_steps=2, num_layers=1, hidden_size=16, loss=losses.MQLoss(level=[80]),
                       alias="quantiles")
    fitted = adapters.from_neuralforecast(model).fit(lorenz(120), 0.02)
    context = lorenz(40, seed=2)
    with fitted._session():
        frame = fitted.neuralforecast_.predict(df=adapters._long_frame(context))
    assert sorted(frame.columns) == ["ds", "quantiles-hi-80", "quantiles-lo-80", "quantiles-median", "unique_id"]
    median = frame.pivot(index="ds", columns="unique_id", values="quantiles-median").to_numpy()
    np.testing.assert_array_equal(fitted.predict(4, context=context), median)


def test_neuralforecast_exogenous_models_are_refused():
    models = pytest.importorskip("neuralforecast.models")
    model = models.MLP(h=4, input_size=8, max_steps=1, futr_exog_list=["u0"])
    with pytest.raises(InvalidParameterError, match="futr_exog_list"):
        adapters.from_neuralforecast(model).fit(lorenz(100), 0.02)


# --- the command line -----------------------------------------------------------------------------------------------

def test_each_library_runs_through_chaosbench_run_with_a_plugin(tmp_path):
    for library in ("darts", "sktime", "neuralforecast"):
        pytest.importorskip(library)
    names = ["darts_linear", "sktime_theta", "neuralforecast_mlp"]
    plugins = [arg for library in ("darts", "sktime", "neuralforecast")
               for arg in ("--plugin", str(PLUGINS / f"adapter_{library}.py"))]
    out = tmp_path / "run"
    with scoped_registries():
        result = CliRunner().invoke(main, ["run", "--systems", "Lorenz", "--forecasters", ",".join(names), *plugins,
                                           "--n-train", "200", "--n-test", "1", "--horizon", "30", "--n-context",
                                           "50", "--n-long", "0", "--workers", "1", "--out", str(out), "--quiet"])
    for module in [m for m in sys.modules if m.startswith("chaosbench_plugin_adapter_")]:
        del sys.modules[module]
    assert result.exit_code == 0, result.output
    cells = pd.read_csv(out / "cells.csv").set_index("forecaster")
    assert cells.loc[names, "status"].tolist() == ["ok"] * 3
    board = pd.read_csv(out / "leaderboard.csv").set_index("forecaster")
    assert (board.loc[names, "success_rate"] == 1).all()
