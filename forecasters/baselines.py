"""Baselines that a forecaster has to beat."""

import warnings

import numpy as np
import scipy.linalg

from chaosbench import Forecaster, forecaster


@forecaster("naive")
class Naive(Forecaster):
    """Persistence: every future value equals the last observed one."""

    min_train = 1

    def _fit(self, train, dt):
        self.last_ = train[-1].copy()

    def _predict(self, n_steps, context):
        last = self.last_ if context is None else context[-1]
        return np.tile(last, (n_steps, 1))


@forecaster("mean")
class Mean(Forecaster):
    """Climatology: every future value equals the training mean."""

    min_train = 1

    def _fit(self, train, dt):
        self.mean_ = train.mean(axis=0)

    def _predict(self, n_steps, context):
        return np.tile(self.mean_, (n_steps, 1))


# --- shared helpers -------------------------------------------------------------------------------------------------

def _last_rows(window, n):
    """The last ``n`` rows of ``window``, padded at the start by repeating its first row when it is shorter."""
    window = np.asarray(window, dtype=float)
    if len(window) >= n:
        return window[len(window) - n:].copy()
    return np.vstack([np.repeat(window[:1], n - len(window), axis=0), window])


def _ridge(features, targets, alpha):
    """Ridge regression ``targets ≈ c + features @ W`` with an unpenalized intercept ``c``.

    The features are centred and scaled to unit standard deviation, ``Z``, and ``B`` minimizes
    ``||Z B - (Y - Ȳ)||² + alpha · n · ||B||²`` (``n`` samples), solved as the least-squares problem on ``Z`` stacked
    over ``sqrt(alpha · n) · I`` (better conditioned than the normal equations), so ``alpha`` is relative to the
    feature scale and independent of ``n``. Constant features get zero weight. Returns ``(W, c)`` in original units.
    """
    mu, sd = features.mean(axis=0), features.std(axis=0)
    keep = sd > 1e-12 * max(1.0, float(np.abs(features).max(initial=0.0)))
    z = (features[:, keep] - mu[keep]) / sd[keep]
    y_mu = targets.mean(axis=0)
    n, p = z.shape
    rhs = targets - y_mu
    if alpha > 0:
        z = np.vstack([z, np.sqrt(alpha * n) * np.eye(p)])
        rhs = np.vstack([rhs, np.zeros((p, rhs.shape[1]))])
    coef = scipy.linalg.lstsq(z, rhs)[0]
    weights = np.zeros((features.shape[1], targets.shape[1]))
    weights[keep] = coef / sd[keep, None]
    return weights, y_mu - mu @ weights


def _check_nonnegative(value, what, integer=False, minimum=0):
    from chaosbench.exceptions import InvalidParameterError

    ok = np.isscalar(value) and not isinstance(value, bool) and np.isfinite(value) and value >= minimum
    if integer:
        ok = ok and float(value) == int(value)
    if not ok:
        kind = "an integer" if integer else "a number"
        raise InvalidParameterError(f"{what} must be {kind} >= {minimum}, got {value!r}")
    return int(value) if integer else float(value)


# --- linear autoregression ------------------------------------------------------------------------------------------

@forecaster("linear")
class LinearAR(Forecaster):
    """Ridge linear autoregression on increments, iterated for multi-step forecasts.

    With ``p = n_lags`` and the backward differences ``∇x_t = x_t - x_{t-1}``, ``∇^k = ∇(∇^{k-1})``, the feature
    vector is ``z_t = [x_t, ∇x_t, ∇²x_t, ..., ∇^{p-1} x_t]`` (all variables; the same span as the last ``p``
    observations) and the one-step increment is modelled as ``x_{t+1} - x_t = c + W z_t``. ``W, c`` are fitted in
    closed form by ridge regression: features centred and scaled to unit variance, penalty ``alpha · n · ||W||²``
    on the scaled coefficients (``n`` training pairs), unpenalized intercept, solved by least squares on the
    augmented system. The difference features make the penalty act on each finite-difference order at its own
    scale; penalizing raw lags, which are almost collinear at fine sampling, would shrink away exactly the small
    differences that carry the dynamics. A forecast iterates ``x̂_{t+1} = x̂_t + c + W ẑ_t`` with predictions fed
    back as lags, starting from the last ``p`` rows of the context (or of the training data); a shorter context is
    padded by repeating its first row. A linear model cannot stay on a chaotic attractor, so long forecasts decay
    to a fixed point, oscillate, or grow; nothing is clipped. Deterministic.

    Parameters
    ----------
    n_lags : int
        Number of past observations the regression sees (default 5).
    alpha : float
        Ridge penalty relative to the unit feature scale (default 1e-6).
    """

    min_train = 20
    search_space = {"n_lags": [2, 5, 10], "alpha": [1e-10, 1e-8, 1e-6]}

    def __init__(self, n_lags=5, alpha=1e-6):
        self.n_lags = n_lags
        self.alpha = alpha

    @staticmethod
    def _features(lags):
        """``[x_t, ∇x_t, ..., ∇^{p-1} x_t]`` from lags (..., p, dim) ordered newest first."""
        out, diff = [lags[..., 0, :]], lags
        for _ in range(1, lags.shape[-2]):
            diff = diff[..., :-1, :] - diff[..., 1:, :]
            out.append(diff[..., 0, :])
        return np.concatenate(out, axis=-1)

    def _fit(self, train, dt):
        p = _check_nonnegative(self.n_lags, "n_lags", integer=True, minimum=1)
        alpha = _check_nonnegative(self.alpha, "alpha")
        n, d = train.shape
        p = min(p, max(1, (n - 2) // (d + 1)))  # keep more training pairs than features
        lags = np.stack([train[p - 1 - k:n - 1 - k] for k in range(p)], axis=1)  # (n - p, p, d), newest first
        self.n_lags_ = p
        self.coef_, self.intercept_ = _ridge(self._features(lags), train[p:] - train[p - 1:n - 1], alpha)

    def _predict(self, n_steps, context):
        lags = _last_rows(self.last_window_ if context is None else context, self.n_lags_)[::-1]  # newest first
        out = np.empty((n_steps, lags.shape[1]))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                out[i] = lags[0] + self.intercept_ + self._features(lags) @ self.coef_
                lags = np.vstack([out[i:i + 1], lags[:-1]])
        return out


# --- vector autoregression (statsmodels) ----------------------------------------------------------------------------

@forecaster("var")
class VARForecaster(Forecaster):
    """Vector autoregression from statsmodels, with the lag order chosen by an information criterion.

    ``statsmodels.tsa.api.VAR(train).fit(maxlags, ic=ic, trend="c")`` fits ``x_t = c + Σ_{k=1..p} A_k x_{t-k}
    + ε_t`` by ordinary least squares for every ``p <= maxlags`` and keeps the order minimizing ``ic``
    (``"aic"``, ``"bic"``, ``"hqic"`` or ``"fpe"``); ``maxlags`` is reduced when the training data are too short
    for it. The forecast is the model's conditional mean iterated from the last ``p`` rows of the context (or of
    the training data), a shorter context being padded by repeating its first row. When the criterion selects
    ``p = 0`` the model is the constant ``c`` (the training mean) and so is the forecast. statsmodels warnings are
    silenced only inside ``fit``. A single variable (which statsmodels' VAR refuses) is fitted as the same
    autoregression by ``statsmodels.tsa.ar_model.ar_select_order``. Deterministic.

    Parameters
    ----------
    maxlags : int
        Largest lag order considered (default 10).
    ic : str
        Information criterion for the order (default ``"aic"``).
    """

    min_train = 30
    search_space = {"maxlags": [5, 10, 20], "ic": ["aic", "bic"]}

    def __init__(self, maxlags=10, ic="aic"):
        self.maxlags = maxlags
        self.ic = ic

    def _fit(self, train, dt):
        from statsmodels.tsa.api import VAR

        from chaosbench.exceptions import InvalidParameterError

        maxlags = _check_nonnegative(self.maxlags, "maxlags", integer=True, minimum=1)
        if self.ic not in ("aic", "bic", "hqic", "fpe"):
            raise InvalidParameterError(f"ic must be one of 'aic', 'bic', 'hqic', 'fpe', got {self.ic!r}")
        n, d = train.shape
        # every candidate order needs more observations than regressors: n - p > d p + 1
        maxlags = max(1, min(maxlags, (n - 2) // (d + 1) - 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if d == 1:  # statsmodels' VAR needs two variables; the scalar case is an autoregression
                from statsmodels.tsa.ar_model import ar_select_order

                selected = ar_select_order(train[:, 0], maxlag=maxlags, ic=self.ic, trend="c")
                lags = selected.ar_lags or []
                self.k_ar_ = max(lags, default=0)
                params = np.asarray(selected.model.fit().params, dtype=float) if lags else \
                    np.array([train[:, 0].mean()])
                self.intercept_ = params[:1]
                self.coefs_ = np.zeros((self.k_ar_, 1, 1))
                for lag, value in zip(lags, params[1:]):
                    self.coefs_[lag - 1, 0, 0] = value
                return
            results = VAR(train).fit(maxlags=maxlags, ic=self.ic, trend="c")
        self.k_ar_ = int(results.k_ar)
        self.coefs_ = np.asarray(results.coefs).reshape(self.k_ar_, d, d)  # A_1 .. A_p
        self.intercept_ = np.asarray(results.intercept, dtype=float).reshape(d)

    def _predict(self, n_steps, context):
        window = self.last_window_ if context is None else context
        history = list(_last_rows(window, self.k_ar_)) if self.k_ar_ else []
        out = np.empty((n_steps, self.n_features_))
        for step in range(n_steps):
            value = self.intercept_.copy()
            for lag in range(1, self.k_ar_ + 1):
                value += self.coefs_[lag - 1] @ history[-lag]
            out[step] = value
            history.append(value)
        return out


# --- ARIMA per variable (statsmodels) -------------------------------------------------------------------------------

@forecaster("arima")
class ARIMAForecaster(Forecaster):
    """Independent univariate ARIMA models from statsmodels, one per variable.

    For each variable ``statsmodels.tsa.arima.model.ARIMA(train[:, j], order=order).fit()`` estimates an
    ARIMA(p, d, q) model (with a constant when ``d = 0``) by exact Gaussian maximum likelihood via the Kalman
    filter; the forecast is its conditional mean ``get_forecast(n_steps)``. With a context, the fitted parameters
    are kept and only the state is re-filtered on the context column (``results.apply(context[:, j])``) before
    forecasting. Variables do not inform each other, so this is a weak baseline for coupled systems. Cost: one
    numerical likelihood optimization per variable at ``fit`` (about a second per variable for a few thousand
    points) and a Kalman filter pass over the context per variable at ``predict``; if the optimizer fails to
    converge its last iterate is used (convergence warnings are silenced locally, never globally). Deterministic.

    Parameters
    ----------
    order : tuple of int
        ``(p, d, q)`` (default ``(2, 0, 1)``).
    """

    min_train = 30
    search_space = {"order": [(2, 0, 1), (3, 0, 1), (2, 1, 1)]}

    def __init__(self, order=(2, 0, 1)):
        self.order = order

    def _fit(self, train, dt):
        from statsmodels.tsa.arima.model import ARIMA

        from chaosbench.exceptions import InvalidParameterError

        try:
            order = tuple(int(v) for v in self.order)
            ok = len(order) == 3 and min(order) >= 0 and all(float(v) == int(v) for v in self.order)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InvalidParameterError(f"order must be three non-negative integers (p, d, q), got {self.order!r}")
        self.order_ = order
        self.results_ = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for j in range(train.shape[1]):
                self.results_.append(ARIMA(train[:, j], order=order).fit())

    def _predict(self, n_steps, context):
        out = np.empty((n_steps, self.n_features_))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for j, res in enumerate(self.results_):
                if context is not None:
                    res = res.apply(context[:, j])
                out[:, j] = np.asarray(res.forecast(n_steps), dtype=float)
        return out


# --- extended dynamic mode decomposition ----------------------------------------------------------------------------

def _monomial_exponents(dim, degree):
    """Exponent vectors of all monomials of total degree 0..degree, constant first, then linear terms in order."""
    from itertools import combinations_with_replacement

    rows = []
    for total in range(degree + 1):
        for combo in combinations_with_replacement(range(dim), total):
            e = np.zeros(dim, dtype=int)
            for i in combo:
                e[i] += 1
            rows.append(e)
    return np.array(rows)


@forecaster("dmd")
class EDMD(Forecaster):
    """Extended dynamic mode decomposition (a finite-dimensional Koopman approximation) with monomial observables.

    The dictionary ``ψ(x)`` holds every monomial of the state of total degree ``0..degree`` (for ``degree=2``:
    ``1``, ``x_i`` and ``x_i x_j`` with ``i <= j``). The Koopman matrix ``K`` is the ridge least-squares solution
    of ``ψ(x_{t+1}) ≈ K ψ(x_t)`` over consecutive training pairs (features scaled to unit variance, penalty
    ``alpha · n`` relative to that scale, constant unpenalized). A forecast re-lifts every step:
    ``x̂_{t+1} = P K ψ(x̂_t)``, where ``P`` projects onto the linear observables. Iterating ``K`` in the lifted
    space instead (``ψ̂_{t+1} = K ψ̂_t``) lets the lifted coordinates drift away from any state's monomials; on
    standardized Lorenz every eigenvalue of ``K`` but the constant's lies inside the unit circle, so that forecast
    decays to the mean and its valid prediction time was 3-7 times shorter, whereas re-lifting keeps the forecast a
    polynomial map of the state that stayed on an attractor-sized set over 1,000 steps. Nothing is clipped: a forecast that diverges is returned as
    is (non-finite values mean the learned map is unstable there). Only the last state of the context is used.
    Deterministic.

    Parameters
    ----------
    degree : int
        Largest total degree of the monomials (default 2).
    alpha : float
        Ridge penalty relative to the (unit) feature scale (default 1e-6).
    """

    min_train = 30
    search_space = {"degree": [1, 2, 3], "alpha": [1e-8, 1e-6, 1e-4]}

    def __init__(self, degree=2, alpha=1e-6):
        self.degree = degree
        self.alpha = alpha

    def _lift(self, x):
        return np.prod(x[:, None, :] ** self.exponents_[None, :, :], axis=2)

    def _fit(self, train, dt):
        degree = _check_nonnegative(self.degree, "degree", integer=True, minimum=1)
        alpha = _check_nonnegative(self.alpha, "alpha")
        self.exponents_ = _monomial_exponents(train.shape[1], degree)
        lifted = self._lift(train)
        weights, intercept = _ridge(lifted[:-1], lifted[1:], alpha)
        # K acting on row vectors: ψ_{t+1} ≈ ψ_t @ K; the constant observable maps to itself
        koopman = weights.copy()
        koopman[0] += intercept
        self.koopman_ = koopman
        self.eigenvalues_ = np.linalg.eigvals(koopman)

    def _predict(self, n_steps, context):
        d = self.n_features_
        state = (self.last_window_ if context is None else context)[-1]
        projection = self.koopman_[:, 1:1 + d]
        out = np.empty((n_steps, d))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                state = self._lift(state[None])[0] @ projection
                out[i] = state
        return out
