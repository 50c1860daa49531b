"""Classical univariate forecasters, each run independently on every variable."""

import warnings
from dataclasses import dataclass

import numpy as np

from chaosbench import Forecaster, Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

from .baselines import _last_rows, _state_space_forecasts


def _dominant_periods(train):
    """The period in steps of each column's largest non-constant spectral peak (numpy FFT of the demeaned series)."""
    n = len(train)
    power = np.abs(np.fft.rfft(train - train.mean(axis=0), axis=0)) ** 2
    power[0] = 0.0
    peaks = np.maximum(power.argmax(axis=0), 1)  # bin k is k cycles over the n training steps
    return np.clip(np.rint(n / peaks).astype(int), 1, n)


def _padded(context, n):
    """The whole context, padded at its start by repeating its first row to at least ``n`` rows."""
    return _last_rows(context, max(len(context), n))


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
    """Fourier extrapolation: the strongest sinusoids of each variable of the window, continued in time.

    The window is the context, or the training data without one: like the classical method it is a local model of
    the series it continues. For each variable the mean (with ``trend=True`` the least-squares line) is removed,
    and the ``n_harmonics`` bins of the numpy FFT with the largest amplitude (the constant bin excluded) give the
    frequencies ``f_k = k / n`` cycles per step of the window's length ``n``. The series is modelled as
    ``a (+ b t) + Σ_k (c_k cos 2π f_k t + d_k sin 2π f_k t)``, fitted by least squares on the window and evaluated
    after its end. Bin frequencies are orthogonal over the window, so the coefficients stay of the data's size and
    the forecast stays in its range (taking the frequencies from longer training data instead and refitting them on
    a short context is ill-conditioned: on Lorenz it leaves the attractor by 10^4). A series made of sinusoids at
    bin frequencies of the window (plus a line, with ``trend=True``) is continued exactly; other frequencies leak
    into neighbouring bins. Deterministic; ``fit`` only records the data.

    Parameters
    ----------
    n_harmonics : int
        Number of frequencies kept per variable (default 10).
    trend : bool
        Whether a linear trend is fitted and continued (default False: a chaotic attractor has none, and a line
        fitted to a short window and continued for thousands of steps leaves it).

    References
    ----------
    Bloomfield, P. (2000). *Fourier Analysis of Time Series: An Introduction*, 2nd ed., Wiley.
    """

    tags = {"family": "classical"}
    min_train = 4
    search_space = {"n_harmonics": [3, 10, 30], "trend": [False, True]}
    parameter_constraints = {"n_harmonics": [Interval(int, 1, None)], "trend": ["boolean"]}

    def __init__(self, n_harmonics=10, trend=False):
        self.n_harmonics = n_harmonics
        self.trend = trend

    def _fit(self, train, dt):
        pass  # a local model: everything is estimated from the window each forecast continues

    def _predict(self, n_steps, context):
        window = self.last_window_ if context is None else context
        n = len(window)
        t = np.arange(n + n_steps, dtype=float)
        polynomial = [np.ones(len(t)), t] if self.trend else [np.ones(len(t))]
        n_kept = min(int(self.n_harmonics), n // 2)
        out = np.empty((n_steps, window.shape[1]))
        for j, column in enumerate(window.T):
            base = np.column_stack(polynomial)
            residual = column - base[:n] @ np.linalg.lstsq(base[:n], column, rcond=None)[0]
            amplitude = np.abs(np.fft.rfft(residual))
            amplitude[0] = 0.0
            frequencies = np.sort(np.argsort(amplitude, kind="stable")[::-1][:n_kept]) / n
            phase = 2 * np.pi * np.outer(t, frequencies)
            design = np.hstack([base, np.cos(phase), np.sin(phase)])
            coef = np.linalg.lstsq(design[:n], column, rcond=None)[0]
            out[:, j] = design[n:] @ coef
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

    tags = {"family": "classical", "library": "statsmodels"}
    min_train = 10

    def _fit(self, train, dt):
        self.results_ = self._fit_columns(train)

    def _fit_columns(self, series):
        from statsmodels.tsa.forecasting.theta import ThetaModel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [ThetaModel(column, period=1, deseasonalize=False).fit() for column in series.T]

    def _predict(self, n_steps, context):
        results = self.results_ if context is None else self._fit_columns(_padded(context, self.min_train))
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

    tags = {"family": "classical", "library": "statsmodels"}
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


@forecaster("kalman")
class KalmanForecaster(Forecaster):
    """A local linear trend model per variable, estimated and forecast with the Kalman filter.

    The structural time-series model of each variable (Durbin & Koopman 2012, §3.2) is ``x_t = μ_t + ε_t``,
    ``μ_{t+1} = μ_t + ν_t + ξ_t``, ``ν_{t+1} = ν_t + ζ_t``: a level ``μ`` and a slope ``ν`` that drift as random
    walks, observed with noise, with independent Gaussian disturbances. ``statsmodels.tsa.statespace.structural.
    UnobservedComponents(x, level="local linear trend")`` estimates the three variances by exact Gaussian maximum
    likelihood, evaluated by the Kalman filter (Kalman 1960) from a diffuse initial state; the ``h``-step forecast
    is the filtered level plus ``h`` times the filtered slope, i.e. the Kalman filter's estimate of the local
    linear trend continued. This model was chosen over an ARMA or VARMAX state space because it has the Kalman
    filter's own task, tracking a state from noisy observations, as its whole content, and three parameters per
    variable; its forecast is linear in the horizon, so on chaotic data it is useful for a few steps only. With a
    context, the fitted variances are kept and the state is re-filtered over the context column
    (``results.apply``). Cost: one likelihood optimisation per variable at ``fit`` (about a second per variable for
    a thousand points), a Kalman filter pass over the context per variable at ``predict``. Optimiser warnings are
    silenced locally. Deterministic.

    References
    ----------
    R. E. Kalman, "A new approach to linear filtering and prediction problems", Journal of Basic Engineering 82(1),
    35-45 (1960). J. Durbin & S. J. Koopman, *Time Series Analysis by State Space Methods*, 2nd ed., Oxford
    University Press (2012).
    """

    tags = {"family": "classical", "library": "statsmodels"}
    min_train = 10

    def _fit(self, train, dt):
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.results_ = [UnobservedComponents(column, level="local linear trend").fit(disp=False)
                             for column in train.T]

    def _predict(self, n_steps, context):
        return _state_space_forecasts(self.results_, n_steps, context)


@dataclass
class _ThetaFit:
    """One fitted generalized theta model of a series of ``n`` points (time ``t = 1..n``)."""

    theta: float
    trend: str  # "linear": a + b t; "exponential": exp(a + b t)
    combination: str  # "additive" or "multiplicative"
    alpha: float  # SES weight of the theta line
    trend_coef: np.ndarray  # (b, a) of np.polyfit
    level: float  # SES level of the theta line after the last point
    n: int
    mae: float  # in-sample mean absolute error of the one-step fitted values

    def forecast(self, n_steps):
        t = np.arange(self.n + 1, self.n + n_steps + 1, dtype=float)
        return _theta_combine(self.level, _theta_trend(self.trend, self.trend_coef, t), self.theta,
                              self.combination)


def _theta_trend(kind, coef, t):
    line = np.polyval(coef, t)
    return np.exp(line) if kind == "exponential" else line


def _theta_combine(line, trend, theta, combination):
    """Back from the theta line to the series: ``Z/θ + (1 - 1/θ) T`` or ``Z^{1/θ} T^{1 - 1/θ}``."""
    if combination == "additive":
        return line / theta + (1 - 1 / theta) * trend
    return line ** (1 / theta) * trend ** (1 - 1 / theta)


def _ses_levels(series, alpha):
    """Simple exponential smoothing levels ``ℓ_t = α z_t + (1 - α) ℓ_{t-1}`` from ``ℓ_0 = z_1``, as one linear filter:
    the one-step fitted values are ``[z_1, ℓ_1, ..., ℓ_{n-1}]`` and the forecast is ``ℓ_n``."""
    import scipy.signal

    return scipy.signal.lfilter([alpha], [1.0, alpha - 1.0], series, zi=[(1.0 - alpha) * series[0]])[0]


def _fit_theta_models(series, thetas):
    """Every applicable (θ, trend, combination) fitted to ``series``; the one with the smallest in-sample MAE (the
    first of equals, in the order linear before exponential, additive before multiplicative, ``thetas``)."""
    import scipy.optimize

    n = len(series)
    t = np.arange(1, n + 1, dtype=float)
    positive = bool((series > 0).all())
    best = None
    for trend in ("linear", "exponential") if positive else ("linear",):
        coef = np.polyfit(t, np.log(series) if trend == "exponential" else series, 1)
        fitted_trend = _theta_trend(trend, coef, t)
        for combination in ("additive", "multiplicative") if trend == "exponential" else ("additive",):
            for theta in thetas:
                if combination == "additive":
                    line = theta * series + (1 - theta) * fitted_trend
                else:
                    line = series ** theta * fitted_trend ** (1 - theta)

                def sse(alpha, line=line):
                    levels = _ses_levels(line, alpha)
                    return float(np.sum((line[1:] - levels[:-1]) ** 2))

                alpha = float(scipy.optimize.minimize_scalar(sse, bounds=(0.0, 1.0), method="bounded").x)
                levels = _ses_levels(line, alpha)
                one_step = _theta_combine(np.concatenate([line[:1], levels[:-1]]), fitted_trend, theta, combination)
                with np.errstate(invalid="ignore"):
                    mae = float(np.mean(np.abs(series - one_step)))
                if np.isfinite(mae) and (best is None or mae < best.mae):
                    best = _ThetaFit(float(theta), trend, combination, alpha, coef, float(levels[-1]), n, mae)
    return best


@forecaster("four_theta")
class FourTheta(Forecaster):
    """The generalized Theta method of Spiliotis, Assimakopoulos & Makridakis (2020), "4Theta", per variable.

    A theta line mixes the series ``Y`` with a fitted trend ``T``: ``Z(θ) = θ Y + (1 - θ) T`` (additive) or
    ``Z(θ) = Y^θ T^{1-θ}`` (multiplicative). The trend is linear (``a + b t``, least squares) or exponential
    (``exp(a + b t)``, least squares on ``log Y``); ``Z`` is extrapolated by simple exponential smoothing (weight
    ``α`` minimizing the one-step squared errors of ``Z``, level started at its first value), ``T`` by its formula,
    and the forecast undoes the mixing: ``Ŷ = Ẑ/θ + (1 - 1/θ) T̂`` or ``Ŷ = Ẑ^{1/θ} T̂^{1-1/θ}``. ``θ = 1`` is
    simple exponential smoothing; ``θ = 2`` with a linear trend and the additive form is the classical Theta method
    (see ``theta``). For each variable every combination of trend, form and ``θ`` in ``thetas`` is fitted and the
    one whose one-step fitted values have the smallest in-sample mean absolute error is kept. Simplifications: no
    seasonal adjustment (chaotic series have no fixed season); the exponential trend is tried only on strictly
    positive series, and the multiplicative form only with the exponential trend (a linear trend extrapolated
    below zero has no real fractional power), so on standardized data the choice is among the additive,
    linear-trend lines, i.e. the value of ``θ``. A fit costs milliseconds per variable, so with a context the
    models are refitted on the context (padded at its start by repeating its first row when shorter than
    ``min_train``), as in ``theta``. Deterministic.

    Parameters
    ----------
    thetas : tuple of float
        Candidate ``θ`` values, each positive (default ``(1, 2, 3)``, the grid of the authors' M4 entry).

    References
    ----------
    E. Spiliotis, V. Assimakopoulos & S. Makridakis, "Generalizing the Theta method for automatic forecasting",
    European Journal of Operational Research 284(2), 550-558 (2020).
    """

    tags = {"family": "classical"}
    min_train = 10
    search_space = {"thetas": [(1, 2, 3), (1, 1.5, 2, 2.5, 3)]}
    parameter_constraints = {"thetas": [tuple, list]}  # of positive numbers, checked in _fit

    def __init__(self, thetas=(1, 2, 3)):
        self.thetas = thetas

    def _fit(self, train, dt):
        try:
            thetas = [float(theta) for theta in self.thetas]
        except (TypeError, ValueError):
            thetas = []
        if not thetas or not all(np.isfinite(theta) and theta > 0 for theta in thetas):
            raise InvalidParameterError(f"thetas must be positive numbers, got {self.thetas!r}")
        self.thetas_ = thetas
        self.models_ = self._fit_columns(train)

    def _fit_columns(self, series):
        return [_fit_theta_models(column, self.thetas_) for column in series.T]

    def _predict(self, n_steps, context):
        models = self.models_ if context is None else self._fit_columns(_padded(context, self.min_train))
        return np.column_stack([model.forecast(n_steps) for model in models])
