"""The ``device`` option of the neural forecasters and of ``chaosbench run``, on a machine without a GPU: the CPU and
``"auto"`` give the default's forecasts bit for bit, an unavailable GPU is a one-line error, and the resolution rule
picks a GPU when torch reports one (simulated: no tensor is moved)."""

import numpy as np
import pytest
from click.testing import CliRunner

import chaosbench
from chaosbench import get_forecaster, list_forecasters
from chaosbench._bench.config import make_config
from chaosbench._forecasting.forecaster import forecaster_class
from chaosbench.cli import main
from chaosbench.exceptions import ConfigError, InvalidParameterError

torch = pytest.importorskip("torch")

from chaosbench.forecasters import NeuralForecaster  # noqa: E402
from chaosbench.forecasters._neural import resolve_device  # noqa: E402

NEURAL = [name for name in list_forecasters() if issubclass(forecaster_class(name), NeuralForecaster)]
GPU_CAPABLE = [name for name in NEURAL if forecaster_class(name).supports_gpu]
CPU_ONLY = [name for name in NEURAL if not forecaster_class(name).supports_gpu]
NO_CUDA = "device 'cuda' is not available here: torch.cuda.is_available() is False; use device='auto' or 'cpu'"


@pytest.fixture(scope="module")
def lorenz():
    return chaosbench.get_system("Lorenz").trajectory(300, pts_per_period=50, seed=1, standardize=True).x


@pytest.fixture
def no_gpu(monkeypatch):
    """This machine as one without a GPU, whatever it has."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


def tiny(name, **params):
    return get_forecaster(name, **forecaster_class(name).get_test_params(), **params)


def test_the_roster_is_split_as_documented():
    assert {"nbeats", "nhits", "dlinear", "nlinear", "tcn", "rnn", "gru", "lstm", "node", "transformer"} <= set(
        GPU_CAPABLE)
    assert {"shplrnn", "alrnn"} <= set(CPU_ONLY)  # numba kernels on numpy arrays


@pytest.mark.parametrize("name", NEURAL)
def test_cpu_and_auto_give_the_default_forecast_bit_for_bit(name, lorenz, no_gpu):
    default = tiny(name).fit(lorenz, 0.02)
    assert default.device == "cpu" and default.device_ == "cpu"
    expected = default.predict(30)
    for device in ("cpu", "auto"):
        model = tiny(name, device=device).fit(lorenz, 0.02)
        assert model.device_ == "cpu"
        np.testing.assert_array_equal(model.predict(30), expected)
        assert model.get_params()["device"] == device
        assert model.clone().get_params() == model.get_params()


@pytest.mark.parametrize("name", ["rnn", "nlinear"])
def test_an_unavailable_gpu_is_a_one_line_error_at_check_and_fit(name, lorenz, no_gpu):
    model = tiny(name, device="cuda")
    with pytest.raises(InvalidParameterError) as check:
        model.check_params()
    assert str(check.value) == NO_CUDA
    with pytest.raises(InvalidParameterError) as fit:
        model.fit(lorenz, 0.02)
    assert str(fit.value) == NO_CUDA and not hasattr(model, "module_")


@pytest.mark.parametrize("name", CPU_ONLY)
def test_cpu_only_forecasters_refuse_a_gpu_even_where_there_is_one(name, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto", supports_gpu=False) == "cpu"
    with pytest.raises(InvalidParameterError, match="runs on the CPU only"):
        tiny(name, device="cuda").check_params()
    tiny(name, device="auto").check_params()


@pytest.mark.parametrize("device", ["gpu", "cuda:", "cuda:-1", "CPU", "", None, 0])
def test_a_device_that_torch_cannot_name_is_refused(device):
    with pytest.raises(InvalidParameterError, match="device must be 'cpu', 'cuda', 'cuda:N', 'mps' or 'auto'"):
        get_forecaster("rnn", device=device).check_params()


def test_auto_picks_cuda_then_mps_then_the_cpu(monkeypatch):
    cuda, mps = [False], [False]
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda[0])
    monkeypatch.setattr(torch.cuda, "device_count", lambda: int(cuda[0]))
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps[0])
    assert resolve_device("auto") == "cpu"
    mps[0] = True
    assert resolve_device("auto") == "mps" == resolve_device("mps")
    cuda[0] = True
    assert resolve_device("auto") == "cuda" == resolve_device("cuda")
    assert resolve_device("cuda:0") == "cuda:0"
    with pytest.raises(InvalidParameterError, match=r"device 'cuda:1' is not available here: "
                                                    r"torch.cuda.device_count\(\) is 1"):
        resolve_device("cuda:1")
    assert resolve_device("cpu") == "cpu"


def test_run_device_is_stored_as_resolved_here_and_applies_to_gpu_capable_forecasters(no_gpu, monkeypatch):
    plain = make_config("quick", systems="Lorenz", forecasters="rnn")
    assert "device" not in plain.settings()  # at its default: the hashes of runs stored before it still hold
    assert "device" not in plain.forecaster_params["rnn"]
    for device in ("auto", "cpu"):  # without a GPU both train on the CPU, as a run without --device does
        assert make_config("quick", systems="Lorenz", forecasters="rnn", device=device).settings() == \
            plain.settings()
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    config = make_config("quick", systems="Lorenz", forecasters="rnn,tcn,shplrnn,naive", device="auto",
                         forecaster_params={"tcn": {"device": "cpu"}})
    params = config.forecaster_params
    assert config.settings()["device"] == "cuda" == params["rnn"]["device"]  # where it trains, not "auto"
    assert params["tcn"]["device"] == "cpu"  # --set wins for one forecaster
    assert "device" not in params["shplrnn"] and "naive" not in params
    assert config.settings_hash() != make_config("quick", systems="Lorenz", forecasters="rnn,tcn,shplrnn,naive",
                                                 forecaster_params={"tcn": {"device": "cpu"}}).settings_hash()


def test_a_forecasters_own_auto_device_is_stored_as_resolved_too(no_gpu, monkeypatch):
    auto = {"rnn": {"device": "auto"}, "shplrnn": {"device": "auto"}}
    config = make_config("quick", systems="Lorenz", forecasters="rnn,shplrnn", forecaster_params=auto)
    assert config.forecaster_params["rnn"]["device"] == "cpu" == config.forecaster_params["shplrnn"]["device"]
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    config = make_config("quick", systems="Lorenz", forecasters="rnn,shplrnn", forecaster_params=auto)
    assert config.forecaster_params["rnn"]["device"] == "cuda"
    assert config.forecaster_params["shplrnn"]["device"] == "cpu"  # CPU-only whatever the machine has


def test_a_dask_runs_device_is_left_to_its_workers(no_gpu):
    config = make_config("quick", systems="Lorenz", forecasters="rnn", device="auto", executor="dask")
    assert config.settings()["device"] == "auto" == config.forecaster_params["rnn"]["device"]  # not the CPU here
    config = make_config("quick", systems="Lorenz", forecasters="rnn", executor="dask",
                         forecaster_params={"rnn": {"device": "auto"}})
    assert config.forecaster_params["rnn"]["device"] == "auto"
    with pytest.raises(ConfigError, match="device must be"):
        make_config("quick", systems="Lorenz", forecasters="rnn", device="gpu", executor="dask")


@pytest.mark.parametrize(("device", "message"), [("cuda", NO_CUDA), ("gpu", "device must be")])
def test_run_refuses_a_bad_device_in_one_line(device, message, no_gpu, tmp_path):
    with pytest.raises(ConfigError) as error:  # a run without a neural forecaster too
        make_config("quick", systems="Lorenz", forecasters="naive", device=device)
    assert str(error.value).startswith(message)
    result = CliRunner().invoke(main, ["run", "--device", device, "--systems", "Lorenz", "--forecasters", "rnn",
                                       "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and message in result.output
    assert not (tmp_path / "run").exists()

