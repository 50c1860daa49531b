"""Classical univariate forecasters, each run independently on every variable."""

import warnings

import numpy as np

from chaosbench import Forecaster, Interval, forecaster

from .baselines import _last_rows


def _dominant_periods(train):
    """The period in steps of each column's largest non-constant spectral peak (numpy FFT of the demeaned series)."""
    n = len(train)
    power = np.abs(np.fft.rfft(train - train.mean(axis=0), axis=0)) ** 2
    power[0] = 0.0
    peaks = np.maximum(power.argmax(axis=0), 1)  # bin k is k cycles over the n training steps
    return np.clip(np.rint(n / peaks).astype(int), 1, n)


@forecaster("naive_drift")
class NaiveDrift(Forecaster):
    """Random walk with drift: the last value plus ``h`` times the mean increment of the training data.

    The drift of each variable is ``(x_{n-1} - x_0) / (n - 1)``, the slope of the line through the first and last
    training values; the ``h``-step forecast is ``x_last + h · drift``, from the last row of the context (or of the
    training data). Deterministic.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*, 3rd ed., OTexts, §5.2.
    """

    tags = {"family": "baseline"}
    min_train = 2

    def _fit(self, train, dt):
        self.drift_ = (train[-1] - train[0]) / (len(train) - 1)

    def _predict(self, n_steps, context):
        last = (self.last_window_ if context is None else context)[-1]
        return last + np.arange(1, n_steps + 1)[:, None] * self.drift_


@forecaster("naive_seasonal")
class NaiveSeasonal(Forecaster):
    """Seasonal persistence: repeat the last season, with one season = one characteristic period.

    The forecast ``h`` steps ahead equals the value one or more whole seasons earlier,
    ``x̂_{t+h} = x_{t+h-s·ceil(h/s)}``, for each variable with its own season ``s``. A forecaster sees only ``dt``,
    so by default ``s`` is the period in steps of the variable's dominant spectral peak in the training data
    (numpy FFT of the demeaned series, resolution ``n / k`` steps for bin ``k``); ``season`` overrides it for every
    variable. The season is taken from the end of the context (or of the training data); a context shorter than a
    season is padded at its start by repeating its first row. Deterministic.

    Parameters
    ----------
    season : int or None
        Season length in steps; ``None`` (default) estimates it per variable from the training data.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*, 3rd ed., OTexts, §5.2.
    """

    tags = {"family": "baseline"}
    min_train = 2
    search_space = {"season": [None]}
    parameter_constraints = {"season": [Interval(int, 1, None), None]}

    def __init__(self, season=None):
        self.season = season

    def _fit(self, train, dt):
        self.seasons_ = (np.full(train.shape[1], int(self.season)) if self.season is not None
                         else _dominant_periods(train))

    def _predict(self, n_steps, context):
        window = self.last_window_ if context is None else context
        out = np.empty((n_steps, self.n_features_))
        for j, season in enumerate(self.seasons_):
            out[:, j] = np.resize(_last_rows(window[:, j:j + 1], season)[:, 0], n_steps)
        return out


@forecaster("fft")
class FourierExtrapolation(Forecaster):
    """Fourier extrapolation: a linear trend plus the strongest sinusoids of each variable, continued in time.

    For each variable the least-squares line is removed from the training series, and the ``n_harmonics`` bins of
    its numpy FFT with the largest amplitude (the constant bin excluded) give the frequencies ``f_k = k / n``
    cycles per step. The series is then modelled as ``a + b t + Σ_k (c_k cos 2π f_k t + d_k sin 2π f_k t)``,
    fitted by least squares on the training data and evaluated after its end. With a context, the frequencies
    are kept and the coefficients are refitted by least squares on the context (the minimum-norm solution when the
    context has fewer rows than coefficients), so the phases follow the context. A series made of sinusoids at
    FFT bin frequencies plus a line is continued exactly; other frequencies leak into neighbouring bins.
    Deterministic.

    Parameters
    ----------
    n_harmonics : int
        Number of frequencies kept per variable (default 10).

    References
    ----------
    Bloomfield, P. (2000). *Fourier Analysis of Time Series: An Introduction*, 2nd ed., Wiley.
    """

    tags = {"family": "classical"}
    min_train = 4
    search_space = {"n_harmonics": [3, 10, 30]}
    parameter_constraints = {"n_harmonics": [Interval(int, 1, None)]}

    def __init__(self, n_harmonics=10):
        self.n_harmonics = n_harmonics

    @staticmethod
    def _design(t, frequencies):
        phase = 2 * np.pi * np.outer(t, frequencies)
        return np.hstack([np.ones((len(t), 1)), t[:, None], np.cos(phase), np.sin(phase)])

    def _fit(self, train, dt):
        n = len(train)
        t = np.arange(n, dtype=float)
        n_kept = min(int(self.n_harmonics), n // 2)
        self.frequencies_ = []
        for column in train.T:
            residual = column - np.polyval(np.polyfit(t, column, 1), t)
            amplitude = np.abs(np.fft.rfft(residual))
            amplitude[0] = 0.0
            bins = np.sort(np.argsort(amplitude, kind="stable")[::-1][:n_kept])
            self.frequencies_.append(bins / n)

    def _predict(self, n_steps, context):
        window = self.last_window_ if context is None else context
        t = np.arange(len(window) + n_steps, dtype=float)
        out = np.empty((n_steps, self.n_features_))
        for j, frequencies in enumerate(self.frequencies_):
            design = self._design(t, frequencies)
            coef = np.linalg.lstsq(design[:len(window)], window[:, j], rcond=None)[0]
            out[:, j] = design[len(window):] @ coef
        return out


@forecaster("theta")
class ThetaForecaster(Forecaster):
    """The Theta method from statsmodels, one model per variable.

    ``statsmodels.tsa.forecasting.theta.ThetaModel(x, period=1, deseasonalize=False).fit()`` combines the
    ``theta = 0`` line (the linear trend fitted by OLS) with simple exponential smoothing of the ``theta = 2`` line
    (the series with doubled local curvature): the forecast is the SES forecast plus half the trend slope times the
    horizon, with statsmodels' finite-sample correction. A fit costs milliseconds, so with a context the models are
    refitted on the context (padded at its start by repeating its first row when shorter than ``min_train``).
    No seasonal adjustment: chaotic series have no fixed season. Deterministic.

    References
    ----------
    Assimakopoulos, V. & Nikolopoulos, K. (2000). The theta model: a decomposition approach to forecasting.
    *International Journal of Forecasting* 16(4), 521-530.
    """

    tags = {"family": "classical"}
    min_train = 10

    def _fit(self, train, dt):
        self.results_ = self._fit_columns(train)

    def _fit_columns(self, series):
        from statsmodels.tsa.forecasting.theta import ThetaModel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [ThetaModel(column, period=1, deseasonalize=False).fit() for column in series.T]

    def _predict(self, n_steps, context):
        results = self.results_ if context is None else self._fit_columns(_last_rows(context, self.min_train))
        return np.column_stack([np.asarray(res.forecast(n_steps), dtype=float) for res in results])


@forecaster("ets")
class ETSForecaster(Forecaster):
    """Exponential smoothing with a damped additive trend (Holt's damped method) from statsmodels, per variable.

    ``statsmodels.tsa.holtwinters.ExponentialSmoothing(x, trend="add", damped_trend=True,
    initialization_method="estimated").fit()`` estimates the smoothing weights ``α`` (level), ``β`` (trend), the
    damping ``φ`` and the initial state by least squares on the one-step errors; the ``h``-step forecast is
    ``ℓ + (φ + φ² + ... + φ^h) b`` from the final level ``ℓ`` and trend ``b``. With a context, the fitted
    ``α, β, φ`` are kept and the level and trend are re-filtered over the context by the same recursions
    (``ℓ_t = α x_t + (1 - α)(ℓ_{t-1} + φ b_{t-1})``, ``b_t = β (ℓ_t - ℓ_{t-1}) + (1 - β) φ b_{t-1}``) from
    ``ℓ_0 = x_0`` and ``b_0 = x_1 - x_0`` (0 for a one-row context). Optimizer warnings are silenced locally.
    Deterministic.

    References
    ----------
    Hyndman, R. J., Koehler, A. B., Ord, J. K. & Snyder, R. D. (2008). *Forecasting with Exponential Smoothing:
    The State Space Approach*. Springer.
    """

    tags = {"family": "classical"}
    min_train = 10

    def _fit(self, train, dt):
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        self.results_ = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for column in train.T:
                model = ExponentialSmoothing(column, trend="add", damped_trend=True,
                                             initialization_method="estimated")
                self.results_.append(model.fit())

    def _predict(self, n_steps, context):
        out = np.empty((n_steps, self.n_features_))
        for j, res in enumerate(self.results_):
            if context is None:
                out[:, j] = np.asarray(res.forecast(n_steps), dtype=float)
                continue
            alpha, beta, phi = (float(res.params[key]) for key in ("smoothing_level", "smoothing_trend",
                                                                   "damping_trend"))
            series = context[:, j]
            level, trend = series[0], (series[1] - series[0] if len(series) > 1 else 0.0)
            for value in series[1:]:
                previous = level
                level = alpha * value + (1 - alpha) * (level + phi * trend)
                trend = beta * (level - previous) + (1 - beta) * phi * trend
            out[:, j] = level + np.cumsum(phi ** np.arange(1, n_steps + 1)) * trend
        return out
