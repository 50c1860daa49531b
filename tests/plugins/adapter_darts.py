"""A darts model as a chaosbench forecaster, for ``chaosbench run --plugin`` (tests/test_adapters.py)."""

from chaosbench import forecaster
from chaosbench.adapters import DartsForecaster


@forecaster("darts_linear", replace=True)
class DartsLinear(DartsForecaster):
    """darts' linear regression on the last 8 states of every variable."""

    @staticmethod
    def default_model():
        from darts.models import LinearRegressionModel

        return LinearRegressionModel(lags=8)
