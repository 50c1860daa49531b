"""Reservoir computers: echo state network and next-generation reservoir computing.

* :class:`EchoStateNetwork` (``"esn"``): a leaky-integrator echo state network (Jaeger 2001; Lukoševičius 2012) with a
  ridge-regression readout on the states and their squares (Pathak et al. 2017, 2018), teacher-forced on a context
  window and then run in closed loop.
* :class:`NGRC` (``"ngrc"``): next-generation reservoir computing (Gauthier, Bollt, Griffith & Barbosa 2021), a
  ridge-regression readout on time-delay taps and their quadratic monomials that predicts the one-step increment.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from chaosbench import Forecaster, Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

__all__ = ["EchoStateNetwork", "NGRC"]


# ---------------------------------------------------------------------------------------------------------------
# Echo state network kernels (numba): the reservoir matrix is in CSR form, so one step costs O(nnz + n_units * dim).
# ---------------------------------------------------------------------------------------------------------------
@numba.njit(cache=True, nogil=True, inline="always")
def _tanh(x):
    """tanh(x) = sign(x) (1 - e^{-2|x|}) / (1 + e^{-2|x|}): within 3e-16 of libm's tanh and about 2.5x faster here,
    since one exp is cheaper than the library tanh (the reservoir update spends most of its time in tanh)."""
    t = np.exp(-2.0 * abs(x))
    v = (1.0 - t) / (1.0 + t)
    return v if x >= 0.0 else -v


@numba.njit(cache=True, nogil=True)
def _esn_step(indptr, indices, data, w_in, bias, leak, r, u, pre):
    """One leaky-integrator update in place: r <- (1 - a) r + a tanh(W r + W_in u + b)."""
    n, d = w_in.shape
    for i in range(n):
        acc = bias[i]
        for j in range(indptr[i], indptr[i + 1]):
            acc += data[j] * r[indices[j]]
        for k in range(d):
            acc += w_in[i, k] * u[k]
        pre[i] = acc
    if leak == 1.0:
        for i in range(n):
            r[i] = _tanh(pre[i])
    else:
        for i in range(n):
            r[i] = (1.0 - leak) * r[i] + leak * _tanh(pre[i])


@numba.njit(cache=True, nogil=True)
def _esn_drive(indptr, indices, data, w_in, bias, leak, inputs, r, features):
    """Teacher forcing in place: feed ``inputs`` in turn, updating the state ``r``.

    Row ``t`` of ``features`` (``len(inputs)`` or 0 rows, ``2 n_units`` columns) receives the readout features
    ``[r, r²]`` of the state after input ``t``.
    """
    n = r.shape[0]
    keep = features.shape[0] > 0
    pre = np.empty(n)
    for t in range(inputs.shape[0]):
        _esn_step(indptr, indices, data, w_in, bias, leak, r, inputs[t], pre)
        if keep:
            for i in range(n):
                features[t, i] = r[i]
                features[t, n + i] = r[i] * r[i]


@numba.njit(cache=True, nogil=True)
def _esn_closed_loop(indptr, indices, data, w_in, bias, leak, w_lin, w_sq, w_0, r0, u_prev, covariates, n_steps,
                     increment):
    """Closed-loop prediction: read out y = w_0 + w_lin r + w_sq r² (+ u_prev when predicting increments), feed y.

    ``w_lin`` and ``w_sq`` are (dim, n_units), so each output is one contiguous dot product. Output ``step`` is fed
    back together with row ``step`` of ``covariates`` (n_steps, k), the known inputs of the step it predicts."""
    n = w_in.shape[0]
    d = w_lin.shape[0]
    out = np.empty((n_steps, d))
    r = r0.copy()
    pre = np.empty(n)
    y = np.empty(d)
    u = np.empty(w_in.shape[1])  # the reservoir input [y, covariates]
    prev = u_prev.copy()
    for step in range(n_steps):
        for k in range(d):
            acc = w_0[k]
            for i in range(n):
                ri = r[i]
                acc += (w_lin[k, i] + w_sq[k, i] * ri) * ri
            y[k] = acc + prev[k] if increment else acc
        out[step] = y
        if step + 1 < n_steps:
            u[:d] = y
            u[d:] = covariates[step]
            _esn_step(indptr, indices, data, w_in, bias, leak, r, u, pre)
            prev[:] = y
    return out


def _spectral_radius(w: scipy.sparse.csr_matrix, rng: np.random.Generator) -> float:
    """Largest eigenvalue modulus: ARPACK (seeded start vector), falling back to a dense solve."""
    n = w.shape[0]
    if n > 20:
        try:
            vals = scipy.sparse.linalg.eigs(w, k=1, which="LM", v0=rng.uniform(-1, 1, n), maxiter=20 * n,
                                            tol=1e-8, return_eigenvectors=False)
            return float(np.abs(vals).max())
        except (scipy.sparse.linalg.ArpackNoConvergence, scipy.sparse.linalg.ArpackError):
            pass
    return float(np.abs(np.linalg.eigvals(w.toarray())).max())


@forecaster("esn")
class EchoStateNetwork(Forecaster):
    """Leaky-integrator echo state network with a quadratic ridge readout.

    A sparse random reservoir of ``n_units`` tanh units is driven by the observed series ``u``:

    .. math:: r_{t+1} = (1 - a)\\, r_t + a \\tanh(W r_t + W_\\mathrm{in} u_t + b),

    (Jaeger 2001; Lukoševičius 2012). ``W`` has a fraction ``density`` of non-zero entries, uniform on [-1, 1], and is
    rescaled to spectral radius ``spectral_radius``; ``W_in`` (dense) is uniform on [-``input_scaling``,
    ``input_scaling``] and ``b`` uniform on [-``bias``, ``bias``]. The readout ``y = c + W_out [r, r²]`` is linear in
    the states and their element-wise squares (the squares break the tanh reservoir's odd symmetry, which helps on
    chaotic systems: Pathak et al. 2017, 2018). It is trained by ridge regression (penalty ``ridge`` on the
    un-normalised sum of squares, intercept ``c`` not penalised) to predict the next observation, or by default its
    increment ``u_{t+1} - u_t``, after the first ``warmup`` teacher-forced states are discarded. Forecasting drives the
    reservoir from the zero state with the context window (teacher forcing), then runs in closed loop, each output
    fed back as the next input.

    Covariates (known inputs ``c``, e.g. sin and cos of a forcing phase) are extra reservoir inputs: the input at
    step ``t`` is ``[u_t, c_t]``, and ``W_in`` has one more column per covariate, uniform on the same
    [-``input_scaling``, ``input_scaling``] (the covariates, like the data, are expected on a unit scale), drawn
    after ``b`` so that the reservoir, the data columns of ``W_in`` and ``b`` are those of the same seed without
    covariates. In closed loop each output is fed back with the covariates of the step it predicts. Without
    covariates the network is unchanged.

    Parameters
    ----------
    n_units : int
        Reservoir size.
    spectral_radius : float
        Spectral radius the reservoir matrix is rescaled to.
    density : float
        Fraction of non-zero reservoir connections.
    input_scaling : float
        Half-width of the uniform input weights (the data are expected on a unit scale, e.g. standardized).
    bias : float
        Half-width of the uniform bias.
    leak_rate : float
        Leaking rate ``a`` in (0, 1].
    ridge : float
        Tikhonov regularisation of the readout.
    warmup : int
        Teacher-forced steps discarded before fitting the readout (the reservoir forgets its zero initial state).
    predict_increment : bool
        Train the readout on the increment ``u_{t+1} - u_t`` (added back to the last input in closed loop) rather
        than on ``u_{t+1}`` itself.
    random_state : int or None
        Seeds the reservoir, input weights and bias (numpy Generator).

    Notes
    -----
    The defaults (increment target, spectral radius 0.9, ridge 1e-7, bias 1.0, no leak) were tuned one
    hyper-parameter at a time on standardized Lorenz. Inputs are expected on a unit scale (standardized data). One
    update costs O(nnz(W) + n_units * dim) (numba loop over CSR); fitting builds the (2 n_units)² normal equations
    in blocks, O(n_train * n_units²).

    References
    ----------
    H. Jaeger, "The 'echo state' approach to analysing and training recurrent neural networks", GMD Report 148
    (2001). M. Lukoševičius, "A practical guide to applying echo state networks", in Neural Networks: Tricks of the
    Trade, LNCS 7700 (2012). J. Pathak, Z. Lu, B. R. Hunt, M. Girvan, E. Ott, "Using machine learning to replicate
    chaotic attractors and calculate Lyapunov exponents from data", Chaos 27, 121102 (2017); J. Pathak, B. Hunt,
    M. Girvan, Z. Lu, E. Ott, "Model-free prediction of large spatiotemporally chaotic systems from data: a
    reservoir computing approach", Phys. Rev. Lett. 120, 024102 (2018).
    """

    min_train = 102  # warmup + 2 with the defaults (required_train() for others)
    tags = {"needs_context": True, "stochastic": True, "uses_covariates": True, "family": "reservoir"}
    search_space = {
        "spectral_radius": [0.3, 0.6, 0.9, 1.2],
        "input_scaling": [0.2, 0.5, 1.0],
        "bias": [0.0, 0.5, 1.0],
        "leak_rate": [0.5, 1.0],
        "ridge": [1e-8, 1e-7, 1e-6, 1e-5],
    }
    parameter_constraints = {
        "n_units": [Interval(int, 1, None)],
        "spectral_radius": [Interval(float, 0, None)],
        "density": [Interval(float, 0, 1, closed="right")],
        "input_scaling": [Interval(float, 0, None)],
        "bias": [Interval(float, 0, None)],
        "leak_rate": [Interval(float, 0, 1, closed="right")],
        "ridge": [Interval(float, 0, None)],
        "warmup": [Interval(int, 0, None)],
        "predict_increment": ["boolean"],
        "random_state": [Interval(int, 0, None), None],
    }

    def __init__(self, n_units=1000, spectral_radius=0.9, density=0.01, input_scaling=0.5, bias=1.0, leak_rate=1.0,
                 ridge=1e-7, warmup=100, predict_increment=True, random_state=0):
        self.n_units = n_units
        self.spectral_radius = spectral_radius
        self.density = density
        self.input_scaling = input_scaling
        self.bias = bias
        self.leak_rate = leak_rate
        self.ridge = ridge
        self.warmup = warmup
        self.predict_increment = predict_increment
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        return {"n_units": 100}

    def _build(self, dim: int, n_covariates: int) -> None:
        n = int(self.n_units)
        rng = np.random.default_rng(self.random_state)
        nnz = max(1, int(round(self.density * n * n)))
        flat = rng.choice(n * n, size=nnz, replace=False)
        w = scipy.sparse.csr_matrix((rng.uniform(-1.0, 1.0, nnz), (flat // n, flat % n)), shape=(n, n))
        w.sum_duplicates()
        w.sort_indices()
        radius = _spectral_radius(w, rng)
        if radius > 0:
            w = w * (float(self.spectral_radius) / radius)
        self.w_indptr_ = w.indptr.astype(np.int32)
        self.w_indices_ = w.indices.astype(np.int32)
        self.w_data_ = np.ascontiguousarray(w.data, dtype=float)
        w_in = rng.uniform(-self.input_scaling, self.input_scaling, (n, dim))
        self.bias_ = rng.uniform(-self.bias, self.bias, n)
        self.w_in_ = np.hstack([w_in, rng.uniform(-self.input_scaling, self.input_scaling, (n, n_covariates))])

    def _drive(self, inputs: np.ndarray, r: np.ndarray, features: np.ndarray | None = None) -> None:
        """Teacher-force ``inputs`` from state ``r`` (updated in place), writing ``[r, r²]`` rows to ``features``."""
        if features is None:
            features = np.empty((0, 2 * len(r)))
        _esn_drive(self.w_indptr_, self.w_indices_, self.w_data_, self.w_in_, self.bias_, float(self.leak_rate),
                   np.ascontiguousarray(inputs, dtype=float), r, features)

    def required_train(self):
        return int(self.warmup) + 2

    def _fit(self, train, dt, covariates):
        warmup = int(self.warmup)
        n_rows = len(train) - 1 - warmup
        n, dim = int(self.n_units), train.shape[1]
        self._build(dim, covariates.shape[1])
        target = train[warmup + 1:] - (train[warmup:-1] if self.predict_increment else 0.0)
        inputs = np.hstack([train, covariates])
        # Normal equations of the centred features [r, r²], accumulated block by block while the reservoir is
        # driven, so the states are never stored whole; the feature row after input train[warmup + i] is trained
        # to predict target[i].
        r = np.zeros(n)
        self._drive(inputs[:warmup], r)
        gram = np.zeros((2 * n, 2 * n))
        cross = np.zeros((2 * n, dim))
        f_sum = np.zeros(2 * n)
        buffer = np.empty((min(n_rows, max(1, 4_000_000 // (2 * n))), 2 * n))
        for start in range(0, n_rows, len(buffer)):
            stop = min(start + len(buffer), n_rows)
            feats = buffer[:stop - start]
            self._drive(inputs[warmup + start:warmup + stop], r, feats)
            gram += feats.T @ feats  # numpy computes X.T @ X as a symmetric rank-k update
            cross += feats.T @ target[start:stop]
            f_sum += feats.sum(axis=0)
        f_mean, y_mean = f_sum / n_rows, target.mean(axis=0)
        gram -= n_rows * np.outer(f_mean, f_mean)
        cross -= n_rows * np.outer(f_mean, y_mean)
        gram[np.diag_indices_from(gram)] += float(self.ridge)
        try:  # Cholesky (no condition-number warning); least squares if not numerically positive definite
            w_out = scipy.linalg.cho_solve(scipy.linalg.cho_factor(gram), cross)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):  # not numerically positive definite
            w_out = scipy.linalg.lstsq(gram, cross)[0]
        self.w_out_ = w_out
        self.intercept_ = y_mean - f_mean @ w_out
        self._drive(inputs[-1:], r)
        self.state_ = r  # the state after the whole series

    def _predict(self, n_steps, context, covariates):
        n, m = int(self.n_units), len(context)
        if context is self.last_window_ and np.array_equal(covariates[:m], self.train_covariates_):
            r = self.state_
        else:
            r = np.zeros(n)
            self._drive(np.hstack([context, covariates[:m]]), r)
        return _esn_closed_loop(self.w_indptr_, self.w_indices_, self.w_data_, self.w_in_, self.bias_,
                                float(self.leak_rate), np.ascontiguousarray(self.w_out_[:n].T),
                                np.ascontiguousarray(self.w_out_[n:].T), self.intercept_, r,
                                np.ascontiguousarray(context[-1], dtype=float),
                                np.ascontiguousarray(covariates[m:]), n_steps, bool(self.predict_increment))


# ---------------------------------------------------------------------------------------------------------------
# Next-generation reservoir computing
# ---------------------------------------------------------------------------------------------------------------
def _ngrc_linear(x: np.ndarray, k: int, s: int) -> np.ndarray:
    """Rows t = (k-1)s, ..., n-1 of the linear part [u_t, u_{t-s}, ..., u_{t-(k-1)s}]."""
    n = len(x)
    off = (k - 1) * s
    return np.hstack([x[off - j * s:n - j * s] for j in range(k)])


@forecaster("ngrc")
class NGRC(Forecaster):
    """Next-generation reservoir computing: a ridge regression on time-delay taps and their quadratic monomials.

    Following Gauthier, Bollt, Griffith & Barbosa (2021), the feature vector at time ``t`` is
    ``[1, O_lin, O_nonlin]`` with the linear part ``O_lin = [u_t, u_{t-s}, ..., u_{t-(k-1)s}]`` (``k`` taps spaced
    ``s`` steps apart, ``k * dim`` numbers) and ``O_nonlin`` its unique quadratic monomials ``O_lin[i] O_lin[j]``,
    ``i <= j``. The readout is trained to predict the one-step increment ``u_{t+1} - u_t`` and forecasts run in
    closed loop, ``u_{t+1} = u_t + W_out [1, O_lin, O_nonlin]``, from the last ``(k-1)s + 1`` points of the context.
    Covariates (known inputs ``c``, e.g. sin and cos of a forcing phase) are appended, linearly, to the feature
    vector with the inputs of the step being predicted, ``[1, O_lin, O_nonlin, c_{t+1}]``, and standardised like
    the other features; without covariates the model is unchanged.

    Regularisation (a deliberate departure from the paper's plain normal equations, whose matrix is badly
    conditioned, ~1e10 on raw Lorenz data, so that the paper's penalty does not transfer across data scales): every
    non-constant feature is standardised to zero mean and unit variance over the training rows (features with zero
    variance are left unscaled), the intercept is not penalised, and ``W`` minimises
    ``||Z W - (Y - mean Y)||² + ridge * n_rows * ||W||²``, solved by a thin SVD of ``Z`` (no normal equations).
    ``ridge`` is thus relative to the unit feature variance and does not depend on the data's units or length. The
    default 1e-8 lies inside the range that gives a stable, accurate closed loop in the paper's Lorenz setting
    (dt = 0.025, 400 training points); much smaller penalties can diverge, much larger ones lose accuracy.

    Parameters
    ----------
    k : int
        Number of time-delay taps (the current state included).
    s : int
        Spacing of the taps in steps.
    ridge : float
        Relative Tikhonov penalty (see above).

    References
    ----------
    D. J. Gauthier, E. Bollt, A. Griffith, W. A. S. Barbosa, "Next generation reservoir computing",
    Nature Communications 12, 5564 (2021).
    """

    min_train = 4  # (k - 1) s + 3 with the defaults (required_train() for others)
    tags = {"needs_context": True, "uses_covariates": True, "family": "reservoir"}
    search_space = {"k": [1, 2, 3, 4], "s": [1, 2, 5], "ridge": [1e-10, 1e-8, 1e-6, 1e-4]}
    parameter_constraints = {"k": [Interval(int, 1, None)], "s": [Interval(int, 1, None)],
                             "ridge": [Interval(float, 0, None)]}

    def __init__(self, k=2, s=1, ridge=1e-8):
        self.k = k
        self.s = s
        self.ridge = ridge

    def _features(self, lin: np.ndarray) -> np.ndarray:
        return np.hstack([lin, lin[:, self.pairs_[0]] * lin[:, self.pairs_[1]]])

    def required_train(self):
        return (int(self.k) - 1) * int(self.s) + 3

    def _fit(self, train, dt, covariates):
        k, s = int(self.k), int(self.s)
        span = (k - 1) * s
        n_rows = len(train) - 1 - span
        self.pairs_ = np.triu_indices(k * train.shape[1])
        feats = np.hstack([self._features(_ngrc_linear(train, k, s))[:-1],  # rows t = span .. n-2
                           covariates[span + 1:]])  # the inputs of the predicted steps t + 1
        target = train[span + 1:] - train[span:-1]
        mean, scale = feats.mean(axis=0), feats.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        z = (feats - mean) / scale
        y_mean = target.mean(axis=0)
        u, sv, vt = scipy.linalg.svd(z, full_matrices=False, lapack_driver="gesdd")
        shrink = sv / (sv ** 2 + float(self.ridge) * n_rows)
        w = vt.T @ (shrink[:, None] * (u.T @ (target - y_mean)))
        # Fold the standardisation into the weights: increment = feats @ coef_ + intercept_.
        self.coef_ = w / scale[:, None]
        self.intercept_ = y_mean - mean @ self.coef_
        self.singular_values_ = sv

    def _predict(self, n_steps, context, covariates):
        k, s = int(self.k), int(self.s)
        span = (k - 1) * s
        if len(context) < span + 1:
            raise InvalidParameterError(f"context has {len(context)} steps; NG-RC with k={k}, s={s} needs at least "
                                        f"{span + 1}")
        hist = np.empty((span + 1 + n_steps, context.shape[1]))
        hist[:span + 1] = context[-(span + 1):]
        taps = span + np.arange(0, -k * s, -s)  # positions of u_t, u_{t-s}, ... relative to the window start
        i, j = self.pairs_
        coef, intercept = self.coef_, self.intercept_
        future = covariates[len(context):]  # the inputs of the forecast steps
        for step in range(n_steps):
            lin = hist[step + taps].ravel()
            feats = np.concatenate([lin, lin[i] * lin[j], future[step]])
            hist[span + 1 + step] = hist[span + step] + feats @ coef + intercept
        return hist[span + 1:]
