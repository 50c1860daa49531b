"""Baselines that a forecaster has to beat."""

import warnings

import numpy as np
import scipy.linalg

from chaosbench import Forecaster, Interval, Options, forecaster
from chaosbench.exceptions import InvalidParameterError


@forecaster("naive")
class Naive(Forecaster):
    """Persistence: every future value equals the last observed one."""

    tags = {"family": "baseline"}
    min_train = 1

    def _fit(self, train, dt):
        self.last_ = train[-1].copy()

    def _predict(self, n_steps, context):
        last = self.last_ if context is None else context[-1]
        return np.tile(last, (n_steps, 1))


@forecaster("mean")
class Mean(Forecaster):
    """Climatology: every future value equals the training mean."""

    tags = {"family": "baseline"}
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


def _state_space_forecasts(results, n_steps, context):
    """The ``n_steps`` forecasts of per-variable statsmodels state-space results, as columns; with a context each
    result keeps its fitted parameters and re-filters its state on its column first (``results.apply``).
    Statsmodels' warnings are silenced locally."""
    out = np.empty((n_steps, len(results)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j, res in enumerate(results):
            if context is not None:
                res = res.apply(context[:, j])
            out[:, j] = np.asarray(res.forecast(n_steps), dtype=float)
    return out


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


# --- linear autoregression ------------------------------------------------------------------------------------------

@forecaster("linear")
class LinearAR(Forecaster):
    """Ridge linear autoregression on increments, iterated for multi-step forecasts (Yule 1927; Hoerl & Kennard 1970).

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

    Covariates (known inputs ``u``, e.g. sin and cos of a forcing phase) are exogenous features: the regression is
    ``x_{t+1} - x_t = c + W z_t + V u_{t+1}``, with the inputs of the step being predicted (the convention of
    statsmodels' ``exog``), penalized like the other features. Without covariates the model is unchanged.

    Parameters
    ----------
    n_lags : int
        Number of past observations the regression sees (default 5).
    alpha : float
        Ridge penalty relative to the unit feature scale (default 1e-6).
    """

    min_train = 20
    tags = {"uses_covariates": True, "family": "classical"}
    search_space = {"n_lags": [2, 5, 10], "alpha": [1e-10, 1e-8, 1e-6]}
    parameter_constraints = {"n_lags": [Interval(int, 1, None)], "alpha": [Interval(float, 0, None)]}

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

    def _fit(self, train, dt, covariates):
        p, alpha = int(self.n_lags), float(self.alpha)
        n, d = train.shape
        p = min(p, max(1, (n - 2) // (d + 1)))  # keep more training pairs than features
        lags = np.stack([train[p - 1 - k:n - 1 - k] for k in range(p)], axis=1)  # (n - p, p, d), newest first
        self.n_lags_ = p
        features = np.hstack([self._features(lags), covariates[p:]])
        self.coef_, self.intercept_ = _ridge(features, train[p:] - train[p - 1:n - 1], alpha)

    def _predict(self, n_steps, context, covariates):
        lags = _last_rows(self.last_window_ if context is None else context, self.n_lags_)[::-1]  # newest first
        future = covariates[len(covariates) - n_steps:]  # the inputs of the forecast steps
        out = np.empty((n_steps, lags.shape[1]))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                out[i] = lags[0] + self.intercept_ + np.concatenate([self._features(lags), future[i]]) @ self.coef_
                lags = np.vstack([out[i:i + 1], lags[:-1]])
        return out


# --- vector autoregression (statsmodels) ----------------------------------------------------------------------------

@forecaster("var")
class VARForecaster(Forecaster):
    """Vector autoregression from statsmodels, with the lag order chosen by an information criterion (Sims 1980).

    ``statsmodels.tsa.api.VAR(train).fit(maxlags, ic=ic, trend="c")`` fits ``x_t = c + Σ_{k=1..p} A_k x_{t-k}
    + ε_t`` by ordinary least squares for every ``p <= maxlags`` and keeps the order minimizing ``ic``
    (``"aic"``, ``"bic"``, ``"hqic"`` or ``"fpe"``); ``maxlags`` is reduced when the training data are too short
    for it. The forecast is the model's conditional mean iterated from the last ``p`` rows of the context (or of
    the training data), a shorter context being padded by repeating its first row. When the criterion selects
    ``p = 0`` the model is the constant ``c`` (the training mean) and so is the forecast. statsmodels warnings are
    silenced only inside ``fit``. A single variable (which statsmodels' VAR refuses) is fitted as the same
    autoregression by ``statsmodels.tsa.ar_model.ar_select_order``. Deterministic.

    Covariates (known inputs ``u``) are passed as statsmodels' ``exog``, which enters at the step being predicted:
    ``x_t = c + B u_t + Σ A_k x_{t-k}``, in the order selection too; ``maxlags`` is then reduced further so that
    every order keeps more observations than regressors. Without covariates the model is unchanged.

    Parameters
    ----------
    maxlags : int
        Largest lag order considered (default 10).
    ic : str
        Information criterion for the order (default ``"aic"``).
    """

    min_train = 30
    tags = {"uses_covariates": True, "family": "classical", "library": "statsmodels"}
    search_space = {"maxlags": [5, 10, 20], "ic": ["aic", "bic"]}
    parameter_constraints = {"maxlags": [Interval(int, 1, None)], "ic": [Options(("aic", "bic", "hqic", "fpe"))]}

    def __init__(self, maxlags=10, ic="aic"):
        self.maxlags = maxlags
        self.ic = ic

    def _fit(self, train, dt, covariates):
        from statsmodels.tsa.api import VAR

        maxlags = int(self.maxlags)
        n, d = train.shape
        k = covariates.shape[1]
        exog = covariates if k else None
        # every candidate order needs more observations than regressors: n - p > d p + 1 + k
        maxlags = max(1, min(maxlags, (n - 2 - k) // (d + 1) - 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if d == 1:  # statsmodels' VAR needs two variables; the scalar case is an autoregression
                from statsmodels.tsa.ar_model import ar_select_order

                selected = ar_select_order(train[:, 0], maxlag=maxlags, ic=self.ic, trend="c", exog=exog)
                lags = selected.ar_lags or []
                self.k_ar_ = max(lags, default=0)
                params = np.asarray(selected.model.fit().params, dtype=float) if lags or k else \
                    np.array([train[:, 0].mean()])
                self.intercept_ = params[:1]
                self.coefs_ = np.zeros((self.k_ar_, 1, 1))
                for lag, value in zip(lags, params[1:]):
                    self.coefs_[lag - 1, 0, 0] = value
                self.covariate_coef_ = params[1 + len(lags):, None]  # AutoReg orders its terms: const, lags, exog
                return
            results = VAR(train, exog=exog).fit(maxlags=maxlags, ic=self.ic, trend="c")
        self.k_ar_ = int(results.k_ar)
        self.coefs_ = np.asarray(results.coefs).reshape(self.k_ar_, d, d)  # A_1 .. A_p
        self.intercept_ = np.asarray(results.intercept, dtype=float).reshape(d)
        self.covariate_coef_ = np.asarray(results.coefs_exog, dtype=float)[:, 1:].T  # (k, d), after the constant

    def _predict(self, n_steps, context, covariates):
        window = self.last_window_ if context is None else context
        history = list(_last_rows(window, self.k_ar_)) if self.k_ar_ else []
        future = covariates[len(covariates) - n_steps:]  # the inputs of the forecast steps
        out = np.empty((n_steps, self.n_features_))
        for step in range(n_steps):
            value = self.intercept_ + future[step] @ self.covariate_coef_
            for lag in range(1, self.k_ar_ + 1):
                value += self.coefs_[lag - 1] @ history[-lag]
            out[step] = value
            history.append(value)
        return out


# --- ARIMA per variable (statsmodels) -------------------------------------------------------------------------------

@forecaster("arima")
class ARIMAForecaster(Forecaster):
    """Independent univariate ARIMA models from statsmodels, one per variable (Box & Jenkins 1970).

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

    tags = {"family": "classical", "library": "statsmodels"}
    min_train = 30
    search_space = {"order": [(2, 0, 1), (3, 0, 1), (2, 1, 1)]}
    parameter_constraints = {"order": [tuple, list]}  # of three non-negative integers, checked in _fit

    def __init__(self, order=(2, 0, 1)):
        self.order = order

    def _fit(self, train, dt):
        from statsmodels.tsa.arima.model import ARIMA

        try:
            order = tuple(int(v) for v in self.order)
            ok = (len(order) == 3 and min(order) >= 0 and all(float(v) == int(v) for v in self.order)
                  and not any(isinstance(v, (bool, np.bool_)) for v in self.order))
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
        return _state_space_forecasts(self.results_, n_steps, context)


# --- polynomial autoregression and dynamic mode decompositions -----------------------------------------------------

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


def _lift(x, exponents):
    """The monomials ``∏_j x_j^{e_j}`` of the rows of ``x`` (n, dim), one column per exponent vector."""
    return np.prod(x[:, None, :] ** exponents[None, :, :], axis=2)


@forecaster("poly_ar")
class PolyAR(Forecaster):
    """Polynomial autoregression: ridge regression of the next state on the current state's monomials (Billings 2013).

    A polynomial NARX model. The feature vector ``ψ(x_t)`` holds every monomial of the current state (no delays)
    of total degree ``1..degree`` (for ``degree=2``: ``x_i`` and ``x_i x_j`` with ``i <= j``), and the model
    ``x_{t+1} = c + W ψ(x_t)`` is fitted over consecutive training pairs by ridge regression (features scaled to
    unit variance, penalty ``alpha · n`` relative to that scale, intercept unpenalized). A forecast iterates the
    fitted polynomial map from the last state of the context, ``x̂_{t+1} = c + W ψ(x̂_t)``; nothing is clipped, so a
    forecast that leaves the region the map was fitted on may diverge (non-finite values are returned as is).
    This is the one-step map of extended DMD's linear observables re-lifted every step (see ``edmd`` for the
    Koopman forecast that stays in the lifted space); on Lorenz the re-lifted map stays on an attractor-sized set
    over 1,000 steps. Deterministic.

    Covariates (known inputs ``u``) are appended, linearly, as ``x_{t+1} = c + W ψ(x_t) + V u_{t+1}`` with the
    inputs of the step being predicted. Without covariates the model is unchanged.

    Parameters
    ----------
    degree : int
        Largest total degree of the monomials (default 2).
    alpha : float
        Ridge penalty relative to the (unit) feature scale (default 1e-6).
    """

    min_train = 30
    tags = {"uses_covariates": True, "family": "regression"}
    search_space = {"degree": [1, 2, 3], "alpha": [1e-8, 1e-6, 1e-4]}
    parameter_constraints = {"degree": [Interval(int, 1, None)], "alpha": [Interval(float, 0, None)]}

    def __init__(self, degree=2, alpha=1e-6):
        self.degree = degree
        self.alpha = alpha

    def _fit(self, train, dt, covariates):
        degree, alpha = int(self.degree), float(self.alpha)
        d = train.shape[1]
        self.exponents_ = _monomial_exponents(d, degree)  # constant, then the linear terms, then the higher ones
        lifted = _lift(train, self.exponents_)
        # Every monomial is regressed at once (the least-squares solve is shared, as in EDMD) and only the linear
        # ones are kept: solving for those alone changes the forecasts in the last digits.
        weights, intercept = _ridge(np.hstack([lifted[:-1], covariates[1:]]), lifted[1:], alpha)
        weights[0] += intercept  # the constant monomial carries the intercept
        self.coef_ = weights[:, 1:1 + d]

    def _predict(self, n_steps, context, covariates):
        state = (self.last_window_ if context is None else context)[-1]
        future = covariates[len(covariates) - n_steps:]  # the inputs of the forecast steps
        out = np.empty((n_steps, self.n_features_))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                state = np.concatenate([_lift(state[None], self.exponents_)[0], future[i]]) @ self.coef_
                out[i] = state
        return out


@forecaster("dmd")
class DMD(Forecaster):
    """Exact dynamic mode decomposition on time-delay embedded states (Hankel DMD), with a truncated rank.

    The embedded state stacks the last ``q = n_delays`` observations, ``h_t = [x_t, x_{t-1}, ..., x_{t-q+1}]``
    (``q = 1``: plain DMD on the state). With the snapshot matrices ``X = [h_{q-1} ... h_{n-2}]`` and
    ``Y = [h_q ... h_{n-1}]`` and the rank-``r`` singular value decomposition ``X ≈ U Σ V*``, exact DMD (Schmid
    2010; Tu et al. 2014) takes the linear operator ``A = Y V Σ⁻¹ U*`` (least squares on the leading ``r`` POD
    directions), its reduced form ``Ã = U* Y V Σ⁻¹`` (``r × r``), and the DMD eigenvalues ``Λ`` and exact modes
    ``Φ = Y V Σ⁻¹ W`` from ``Ã W = W Λ``. The forecast iterates ``A`` in the reduced space: from
    ``z_0 = U* h_t`` (``h_t`` built from the last ``q`` rows of the context or of the training data, a shorter
    context padded by repeating its first row), ``h_{t+k+1} = Y V Σ⁻¹ z_k`` and ``z_{k+1} = Ã z_k``, whose newest
    block is the forecast state. Delay embedding makes a linear model useful on chaotic data (Arbabi & Mezić
    2017), but no linear model is chaotic: long forecasts decay, oscillate or grow (nothing is clipped). No mean is
    removed and there is no constant term. Deterministic. The default of 20 delays forecasts longer than 5 on
    standardized Lorenz, Rössler and Lorenz96; 40 are no better and slower.

    Parameters
    ----------
    n_delays : int
        Observations stacked into the embedded state (default 20).
    rank : int or None
        Singular values kept; None keeps every one above ``max(X.shape) · ε · σ_max`` (numerical rank; default
        None). Never more than the numerical rank.

    References
    ----------
    P. J. Schmid, "Dynamic mode decomposition of numerical and experimental data", J. Fluid Mech. 656, 5-28 (2010).
    J. H. Tu, C. W. Rowley, D. M. Luchtenburg, S. L. Brunton, J. N. Kutz, "On dynamic mode decomposition: theory and
    applications", J. Comput. Dyn. 1(2), 391-421 (2014). H. Arbabi, I. Mezić, "Ergodic theory, dynamic mode
    decomposition, and computation of spectral properties of the Koopman operator", SIAM J. Appl. Dyn. Syst. 16(4),
    2096-2126 (2017).
    """

    tags = {"family": "dynamical"}
    min_train = 22  # n_delays + 2 with the defaults (required_train() for others)
    search_space = {"n_delays": [5, 10, 20, 40], "rank": [None, 10, 30]}
    parameter_constraints = {"n_delays": [Interval(int, 1, None)], "rank": [Interval(int, 1, None), None]}

    def __init__(self, n_delays=20, rank=None):
        self.n_delays = n_delays
        self.rank = rank

    def required_train(self):
        return int(self.n_delays) + 2

    def _fit(self, train, dt):
        q = int(self.n_delays)
        n, d = train.shape
        embedded = np.hstack([train[q - 1 - j:n - j] for j in range(q)])  # rows h_{q-1} .. h_{n-1}, newest first
        x, y = embedded[:-1].T, embedded[1:].T
        u, sv, vt = scipy.linalg.svd(x, full_matrices=False, lapack_driver="gesdd")
        r = int(np.sum(sv > max(x.shape) * np.finfo(float).eps * sv[0]))
        if self.rank is not None:
            r = min(r, int(self.rank))
        u, sv, vt = u[:, :r], sv[:r], vt[:r]
        lifted = (y @ vt.T) / sv  # Y V Σ⁻¹: reduced coordinates -> next embedded state
        self.n_delays_ = q
        self.rank_ = r
        self.basis_ = u  # U: embedded state -> reduced coordinates (by U*)
        self.reduced_operator_ = u.T @ lifted  # Ã
        self.output_ = lifted[:d]  # the newest block of Y V Σ⁻¹
        self.eigenvalues_, w = np.linalg.eig(self.reduced_operator_)
        self.modes_ = lifted @ w  # exact DMD modes Φ (Tu et al. 2014)

    def _predict(self, n_steps, context):
        window = _last_rows(self.last_window_ if context is None else context, self.n_delays_)
        z = self.basis_.T @ window[::-1].ravel()  # newest first, as in the embedding
        out = np.empty((n_steps, self.n_features_))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                out[i] = self.output_ @ z
                z = self.reduced_operator_ @ z
        return out


@forecaster("edmd")
class EDMD(Forecaster):
    """Extended dynamic mode decomposition: a Koopman matrix on monomial observables, iterated in the lifted space.

    The dictionary ``ψ(x)`` holds every monomial of the state of total degree ``0..degree`` (for ``degree=2``:
    ``1``, ``x_i`` and ``x_i x_j`` with ``i <= j``). Following Williams, Kevrekidis & Rowley (2015), the Koopman
    matrix ``K`` is the least-squares solution of ``ψ(x_{t+1}) ≈ K ψ(x_t)`` over consecutive training pairs, here
    with a small ridge penalty (observables scaled to unit variance, penalty ``alpha · n`` relative to that scale,
    the constant observable unpenalized and mapped to itself). The forecast lifts the last state of the context
    once and advances the observables linearly, ``ψ̂_{k+1} = K ψ̂_k``, reading the state off the linear
    observables (the dictionary contains the state, so that projection is exact); it never re-lifts (``poly_ar``
    does). When the dictionary spans a Koopman-invariant subspace (e.g. ``x' = μx``, ``y' = λ(y - x²)`` with
    ``(x, y, x²)``: Brunton et al. 2016) the forecast is exact; on chaotic data the spectrum of ``K`` lies in or
    near the closed unit disc and forecasts relax towards the mean or oscillate (nothing is clipped). The default
    degree 3 forecasts longer than degree 2 on standardized Lorenz and Rössler (not on the 10-variable Lorenz96).
    Deterministic.

    Parameters
    ----------
    degree : int
        Largest total degree of the monomials (default 3: ``C(dim + 3, 3)`` observables, 20 for three variables).
    alpha : float
        Ridge penalty relative to the (unit) observable scale (default 1e-8).

    References
    ----------
    M. O. Williams, I. G. Kevrekidis, C. W. Rowley, "A data-driven approximation of the Koopman operator: extending
    dynamic mode decomposition", J. Nonlinear Sci. 25, 1307-1346 (2015). S. L. Brunton, B. W. Brunton, J. L.
    Proctor, J. N. Kutz, "Koopman invariant subspaces and finite linear representations of nonlinear dynamical
    systems for control", PLoS ONE 11(2), e0150171 (2016).
    """

    tags = {"family": "dynamical"}
    min_train = 30
    search_space = {"degree": [1, 2, 3], "alpha": [1e-10, 1e-8, 1e-6]}
    parameter_constraints = {"degree": [Interval(int, 1, None)], "alpha": [Interval(float, 0, None)]}

    def __init__(self, degree=3, alpha=1e-8):
        self.degree = degree
        self.alpha = alpha

    def _fit(self, train, dt):
        degree, alpha = int(self.degree), float(self.alpha)
        self.exponents_ = _monomial_exponents(train.shape[1], degree)
        lifted = _lift(train, self.exponents_)
        weights, intercept = _ridge(lifted[:-1], lifted[1:], alpha)
        weights[0] += intercept  # the constant observable: maps 1 to the intercept (and itself to 1)
        self.koopman_ = weights  # acting on row vectors: ψ_{t+1} ≈ ψ_t K
        self.eigenvalues_ = np.linalg.eigvals(weights)

    def _predict(self, n_steps, context):
        psi = _lift((self.last_window_ if context is None else context)[-1:], self.exponents_)[0]
        d = self.n_features_
        out = np.empty((n_steps, d))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                psi = psi @ self.koopman_
                out[i] = psi[1:1 + d]
        return out
