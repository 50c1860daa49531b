"""SINDy: a sparse polynomial vector field identified from the training data (pysindy), integrated forward."""

import numpy as np

from chaosbench import Forecaster, Interval, forecaster
from chaosbench._core.divergence import FORECAST_FACTOR, divergence_bound, diverged
from chaosbench._core.optional import import_optional

from .baselines import _lift


@forecaster("sindy")
class SINDy(Forecaster):
    """Sparse identification of nonlinear dynamics (Brunton, Proctor & Kutz 2016), integrated with fixed-step RK4.

    The time derivative of the training trajectory is estimated by second-order finite differences at the
    sampling interval ``dt`` given to ``fit`` (centred inside, one-sided at the ends), and the vector field is
    modelled as ``ẋ = Ξ θ(x)``, where the library ``θ(x)`` holds every monomial of the state of total degree
    ``0..degree``. pysindy's sequentially thresholded least squares (STLSQ) finds a sparse ``Ξ``: a ridge least
    squares fit (pysindy's default ridge weight 0.05), then repeatedly zeroing the coefficients smaller than
    ``threshold`` and refitting the rest. A forecast integrates the identified field with the classical fixed-step
    Runge-Kutta scheme (RK4) at the sampling interval from the last state of the context (or of the training data),
    the polynomial evaluated in numpy, so every step costs the same and none can hang. If the integration runs
    away, i.e. a state is non-finite or leaves ``FORECAST_FACTOR`` times the training data's largest magnitude
    (chaosbench's forecast divergence rule), integration stops and that state (infinite where it is not finite)
    fills the rest of the forecast, so the scorer counts the window as diverged from that step.

    Covariates (known inputs ``u``, e.g. the sine and cosine of a forcing phase) are library inputs beside the
    state (pysindy's control inputs, ``ẋ = Ξ θ(x, u)``); during integration ``u`` is taken at the sampled steps and
    its average for RK4's midpoint stages.

    Parameters
    ----------
    degree : int
        Largest total degree of the polynomial library (default 2, enough for Lorenz and Rössler).
    threshold : float
        STLSQ's sparsity threshold on the coefficients, in the data's units per time unit (default 0.1).

    References
    ----------
    S. L. Brunton, J. L. Proctor, J. N. Kutz, "Discovering governing equations from data by sparse identification of
    nonlinear dynamical systems", Proceedings of the National Academy of Sciences 113(15), 3932-3937 (2016).
    B. M. de Silva, K. Champion, M. Quade, J.-C. Loiseau, J. N. Kutz, S. L. Brunton, "PySINDy: a Python package for
    the sparse identification of nonlinear dynamical systems from data", Journal of Open Source Software 5(49), 2104
    (2020).
    """

    min_train = 10
    tags = {"uses_covariates": True, "requires": "pysindy", "family": "dynamical"}
    search_space = {"degree": [2, 3], "threshold": [0.01, 0.05, 0.1, 0.5]}
    parameter_constraints = {"degree": [Interval(int, 1, None)], "threshold": [Interval(float, 0, None)]}

    def __init__(self, degree=2, threshold=0.1):
        self.degree = degree
        self.threshold = threshold

    def _fit(self, train, dt, covariates):
        ps = import_optional("pysindy", "forecaster 'sindy'")
        model = ps.SINDy(optimizer=ps.STLSQ(threshold=float(self.threshold)),
                         feature_library=ps.PolynomialLibrary(degree=int(self.degree)),
                         differentiation_method=ps.FiniteDifference(order=2))
        model.fit(train, t=dt, u=covariates if covariates.shape[1] else None)
        self.model_ = model
        self.exponents_ = np.asarray(model.feature_library.powers_)  # library term -> exponents of (x, u)
        self.coef_ = np.asarray(model.coefficients()).T  # (n_terms, dim): ẋ = θ(x, u) @ coef_
        self.bound_ = divergence_bound(train, FORECAST_FACTOR)

    def _field(self, state, inputs):
        return _lift(np.concatenate([state, inputs])[None], self.exponents_)[0] @ self.coef_

    def _predict(self, n_steps, context, covariates):
        state = (self.last_window_ if context is None else context)[-1]
        start = self.train_covariates_[-1:] if context is None else covariates[len(context) - 1:len(context)]
        inputs = np.vstack([start, covariates[len(covariates) - n_steps:]])  # u at the start and every step
        h = self.dt_
        out = np.empty((n_steps, self.n_features_))
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n_steps):
                midpoint = (inputs[i] + inputs[i + 1]) / 2
                k1 = self._field(state, inputs[i])
                k2 = self._field(state + h / 2 * k1, midpoint)
                k3 = self._field(state + h / 2 * k2, midpoint)
                k4 = self._field(state + h * k3, inputs[i + 1])
                state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
                if diverged(state, self.bound_):
                    out[i:] = np.where(np.isfinite(state), state, np.inf)
                    break
                out[i] = state
        return out
