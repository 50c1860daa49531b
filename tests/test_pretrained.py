"""The chronos forecaster, on tiny randomly initialised models of each chronos pipeline (tests/conftest.py
``tiny_chronos``: context 32 points, 8 steps per call), and the pretrained contract check."""

import sys

import numpy as np
import pytest

import chaosbench
from chaosbench import Forecaster
from chaosbench._forecasting.forecaster import forecaster_class
from chaosbench.exceptions import ChaosbenchError, ContractError, MissingDependencyError

DT = 0.01
KINDS = ("chronos", "bolt", "chronos2")


@pytest.fixture(scope="module")
def series():
    """Standardized Lorenz: 300 training points and a context of 100 more."""
    x = chaosbench.get_system("Lorenz").trajectory(400, dt=DT, seed=1, standardize=True).x
    return x[:300], x[300:]


def chronos(path, **params):
    return chaosbench.get_forecaster("chronos", **({"model": str(path), "n_threads": 1} | params))


@pytest.mark.parametrize("kind", KINDS)
def test_each_pipeline_passes_the_contract(tiny_chronos, kind):
    chaosbench.check_forecaster("chronos", model=str(tiny_chronos[kind]))


def same_in_float32(a, b):
    """Equal up to the rounding of the float32 network (a fresh call may take another path through the kernels)."""
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_long_forecasts_feed_each_chunk_back(tiny_chronos, series, kind):
    train, context = series
    model = chronos(tiny_chronos[kind]).fit(train, DT)
    out = model.predict(20, context=context)  # three calls of at most 8 steps
    assert out.shape == (20, 3) and np.isfinite(out).all()
    np.testing.assert_array_equal(out[:8], model.predict(8, context=context))
    if kind != "chronos":  # Chronos samples: the second chunk's draws follow the first's
        same_in_float32(out[8:16], model.predict(8, context=np.vstack([context, out[:8]])))
        same_in_float32(out[16:], model.predict(4, context=np.vstack([context, out[:16]])))


def test_prediction_chunk(tiny_chronos, series):
    train, context = series
    full = chronos(tiny_chronos["bolt"]).fit(train, DT).predict(6, context=context)
    model = chronos(tiny_chronos["bolt"], prediction_chunk=3).fit(train, DT)
    short = model.predict(6, context=context)
    np.testing.assert_array_equal(short[:3], full[:3])  # a shorter call returns the first steps of the model's 8
    same_in_float32(short[3:], model.predict(3, context=np.vstack([context, short[:3]])))
    assert not np.array_equal(short[3:], full[3:])
    with pytest.raises(ChaosbenchError, match="prediction_chunk=9 exceeds the 8 steps"):
        chronos(tiny_chronos["bolt"], prediction_chunk=9).fit(train, DT)


@pytest.mark.parametrize("kind", KINDS)
def test_forecast_reads_only_the_last_context_length_points(tiny_chronos, series, kind):
    train, context = series
    model = chronos(tiny_chronos[kind], context_length=20).fit(train, DT)
    changed = context.copy()
    changed[:-20] += 3.0
    np.testing.assert_array_equal(model.predict(10, context=changed), model.predict(10, context=context))
    changed[-20] += 0.5
    assert not np.array_equal(model.predict(10, context=changed), model.predict(10, context=context))
    np.testing.assert_array_equal(model.predict(10), model.predict(10, context=train))  # no context: train's end


def test_variables_are_separate_series_except_for_chronos2(tiny_chronos, series):
    train, context = series
    changed = context.copy()
    changed[:, 1:] *= -2.0
    for kind, joint in (("bolt", False), ("chronos2", True)):
        model = chronos(tiny_chronos[kind]).fit(train, DT)
        first, moved = model.predict(12, context=context)[:, 0], model.predict(12, context=changed)[:, 0]
        assert np.allclose(first, moved, rtol=1e-5, atol=1e-6) != joint, kind
    alone = chronos(tiny_chronos["bolt"]).fit(train[:, :1], DT).predict(12, context=context[:, :1])
    together = chronos(tiny_chronos["bolt"]).fit(train, DT).predict(12, context=context)
    np.testing.assert_allclose(together[:, :1], alone, rtol=1e-5, atol=1e-6)


def test_sampling_is_seeded_without_touching_the_global_generator(tiny_chronos, series):
    torch = pytest.importorskip("torch")
    train, context = series
    torch.manual_seed(7)
    untouched = torch.rand(3)
    forecasts = {}
    for seed in (0, 0, 1):
        model = chronos(tiny_chronos["chronos"], random_state=seed).fit(train, DT)
        torch.manual_seed(7)
        forecasts.setdefault(seed, []).append(model.predict(16, context=context))
        assert torch.equal(torch.rand(3), untouched)
    np.testing.assert_array_equal(*forecasts[0])
    assert not np.array_equal(forecasts[0][0], forecasts[1][0])
    by_default = chronos(tiny_chronos["chronos"]).fit(train, DT).predict(16, context=context)
    np.testing.assert_array_equal(by_default, forecasts[0][0])  # random_state defaults to 0


def test_model_by_name_under_chaosbench_models(tiny_chronos, series, monkeypatch):
    train, context = series
    monkeypatch.setenv("CHAOSBENCH_MODELS", str(tiny_chronos["bolt"].parent))
    by_name = chaosbench.get_forecaster("chronos", model="bolt", n_threads=1).fit(train, DT)
    assert by_name.weights_ == tiny_chronos["bolt"].resolve()
    np.testing.assert_array_equal(by_name.predict(10, context=context),
                                  chronos(tiny_chronos["bolt"]).fit(train, DT).predict(10, context=context))
    assert type(by_name).unavailable_reason(model="bolt") is None


def test_missing_model_says_where_it_looked_and_how_to_get_weights(tiny_chronos, series, monkeypatch, tmp_path):
    train, _ = series
    monkeypatch.delenv("CHAOSBENCH_MODELS", raising=False)
    with pytest.raises(ChaosbenchError, match=r"no weights for model 'chronos-bolt-small': .*\$CHAOSBENCH_MODELS "
                                              r"\(not set\).*huggingface-cli download amazon/chronos-bolt-small "
                                              r"--local-dir \$CHAOSBENCH_MODELS/chronos-bolt-small") as failed:
        chaosbench.get_forecaster("chronos").fit(train, DT)
    assert "\n" not in str(failed.value)
    monkeypatch.setenv("CHAOSBENCH_MODELS", str(tmp_path))
    reason = forecaster_class("chronos").unavailable_reason(model="chronos-2")
    assert reason.startswith("has no weights for model 'chronos-2'") and str(tmp_path / "chronos-2") in reason
    (tmp_path / "empty").mkdir()
    with pytest.raises(ChaosbenchError, match="does not hold a Chronos model"):
        chaosbench.get_forecaster("chronos", model="empty").fit(train, DT)


def test_missing_package_gives_the_install_hint(tiny_chronos, series, monkeypatch):
    train, _ = series
    monkeypatch.setitem(sys.modules, "chronos", None)
    with pytest.raises(MissingDependencyError, match=r"forecaster 'chronos' needs chronos-forecasting: "
                                                     r"pip install 'chaosbench\[pretrained\]'"):
        chronos(tiny_chronos["bolt"]).fit(train, DT)
    assert "pip install 'chaosbench[pretrained]'" in forecaster_class("chronos").unavailable_reason()


class ZeroShotPersistence(Forecaster):
    """Tagged pretrained and honest: repeats the last point of the context."""

    tags = {"pretrained": True, "needs_context": True}

    def _fit(self, train, dt):
        self.n_seen_ = len(train)

    def _predict(self, n_steps, context):
        return np.tile(context[-1], (n_steps, 1))


class PeeksAtTraining(ZeroShotPersistence):
    """Tagged pretrained, but shifts its forecast by a tenth of the training mean."""

    def _fit(self, train, dt):
        self.shift_ = 0.1 * train.mean(axis=0)

    def _predict(self, n_steps, context):
        return super()._predict(n_steps, context) + self.shift_


def test_pretrained_contract_catches_a_forecaster_that_uses_its_training_data():
    chaosbench.check_forecaster(ZeroShotPersistence())
    with pytest.raises(ContractError, match="^PeeksAtTraining fails pretrained_ignores_training: "):
        chaosbench.check_forecaster(PeeksAtTraining())
