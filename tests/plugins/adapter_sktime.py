"""An sktime forecaster as a chaosbench forecaster, for ``chaosbench run --plugin`` (tests/test_adapters.py)."""

from chaosbench import forecaster
from chaosbench.adapters import SktimeForecaster


@forecaster("sktime_theta", replace=True)
class SktimeTheta(SktimeForecaster):
    """sktime's Theta method per variable, refitted on each context."""

    @staticmethod
    def default_model():
        from sktime.forecasting.theta import ThetaForecaster

        return ThetaForecaster(deseasonalize=False)
