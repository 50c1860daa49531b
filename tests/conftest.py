import sys
from pathlib import Path

import numpy as np
import pytest

import chaosbench
from chaosbench.testing import scoped_registries

FAULTY_FORECASTERS = Path(__file__).parent / "plugins" / "faulty_forecasters.py"


@pytest.fixture
def register():
    """Declare systems inside a test; whatever the test registers is unregistered afterwards."""

    def declare(fn=None, **kwargs):
        return chaosbench.system(**kwargs) if fn is None else chaosbench.system(fn, **kwargs)

    with scoped_registries():
        yield declare


@pytest.fixture(scope="module")
def faulty_plugin():
    """Path of a plugin file registering misbehaving forecasters (test_raises, test_nan, test_inf, test_dies,
    test_sleeps, test_slow_persistence); whatever plugins registered is unregistered after the module."""
    with scoped_registries():
        yield str(FAULTY_FORECASTERS)
    for module in [m for m in sys.modules if m.startswith("chaosbench_plugin_")]:
        del sys.modules[module]


@pytest.fixture(scope="session")
def forced_linear_series():
    """A function (n, seed=0) -> (x, u): x_{t+1} = A x_t + B u_{t+1} + c with a random known input u (n, 2), a
    series that the covariate regressions (and an ESN's covariate inputs) can follow exactly."""

    def make(n, seed=0):
        rng = np.random.default_rng(seed)
        a = np.array([[0.9, -0.2], [0.2, 0.9]])
        b = np.array([[1.0, 0.0], [0.5, -1.0]])
        u = rng.standard_normal((n, 2))
        x = np.zeros((n, 2))
        for t in range(n - 1):
            x[t + 1] = a @ x[t] + b @ u[t + 1] + [0.1, -0.2]
        return x, u

    return make


@pytest.fixture(scope="session")
def tiny_chronos(tmp_path_factory):
    """Directories of three tiny randomly initialised models, one per chronos pipeline ("chronos" T5, "bolt",
    "chronos2"), each with a context of 32 points and 8 steps predicted per call; no pretrained weights are needed."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("chronos")
    from chronos.chronos_bolt import ChronosBoltModelForForecasting
    from chronos.chronos2 import Chronos2Model
    from chronos.chronos2.config import Chronos2CoreConfig
    from transformers import T5Config, T5ForConditionalGeneration

    root = tmp_path_factory.mktemp("models")
    size = {"d_model": 16, "d_kv": 8, "d_ff": 32, "num_layers": 1, "num_heads": 2}
    quantiles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    patches = {"input_patch_size": 4, "input_patch_stride": 4, "quantiles": quantiles, "use_reg_token": True}

    t5 = T5Config(**size, num_decoder_layers=1, vocab_size=32, pad_token_id=0, eos_token_id=1,
                  decoder_start_token_id=0, architectures=["T5ForConditionalGeneration"])
    t5.chronos_config = {"tokenizer_class": "MeanScaleUniformBins",
                         "tokenizer_kwargs": {"low_limit": -15.0, "high_limit": 15.0}, "context_length": 32,
                         "prediction_length": 8, "n_tokens": 32, "n_special_tokens": 2, "pad_token_id": 0,
                         "eos_token_id": 1, "use_eos_token": True, "model_type": "seq2seq", "num_samples": 4,
                         "temperature": 1.0, "top_k": 50, "top_p": 1.0}
    bolt = T5Config(**size, num_decoder_layers=1, decoder_start_token_id=0,
                    architectures=["ChronosBoltModelForForecasting"], chronos_pipeline_class="ChronosBoltPipeline")
    bolt.chronos_config = {"context_length": 32, "prediction_length": 8, **patches}
    second = Chronos2CoreConfig(**size, architectures=["Chronos2Model"], chronos_pipeline_class="Chronos2Pipeline")
    second.chronos_config = {"context_length": 32, "output_patch_size": 4, "max_output_patches": 2, **patches}

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        for name, model in (("chronos", T5ForConditionalGeneration(t5)),
                            ("bolt", ChronosBoltModelForForecasting(bolt)), ("chronos2", Chronos2Model(second))):
            model.save_pretrained(root / name)
    return {name: root / name for name in ("chronos", "bolt", "chronos2")}
