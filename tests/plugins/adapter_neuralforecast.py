"""A neuralforecast model as a chaosbench forecaster, for ``chaosbench run --plugin`` (tests/test_adapters.py)."""

from chaosbench import forecaster
from chaosbench.adapters import NeuralForecastForecaster


@forecaster("neuralforecast_mlp", replace=True)
class NeuralForecastMLP(NeuralForecastForecaster):
    """neuralforecast's MLP shared by the variables, trained for a few steps (a smoke-test size)."""

    @staticmethod
    def default_model():
        from neuralforecast.models import MLP

        return MLP(h=8, input_size=16, max_steps=5, num_layers=1, hidden_size=16)
