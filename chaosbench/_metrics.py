"""Forecast metrics: a registry of pure functions (:func:`metric`, :func:`get_metric`, :func:`list_metrics`).

Every metric has the signature ``fn(y_true, y_pred, *, context=None) -> float``. ``y_true`` and ``y_pred`` are 2-D
arrays ``(n_steps, dim)``; ``context`` is an optional mapping holding what some metrics need:

``dt``
    Sampling interval (time units).
``lyapunov_max``
    Largest Lyapunov exponent λ_max of the true system (1/time units).
``scale``
    Per-variable standard deviation of the *training* data, shape ``(dim,)``.
``train``
    The training array ``(n_train, dim)`` (for :func:`mase`).

Other keys are ignored. ``y_true`` must be finite; ``y_pred`` may not be (a diverged forecast). Point-wise and
long-term metrics then return ``inf`` when lower is better and ``nan`` when greater is better; the horizon metrics
count a non-finite step as one beyond the threshold.

Kinds: ``"pointwise"`` metrics compare ``y_true`` and ``y_pred`` row by row (equal shapes); ``"horizon"`` metrics
measure how long a forecast stays valid, in Lyapunov times (equal shapes); ``"long_term"`` metrics compare the
statistics of a free-running forecast with the truth (equal dimension, any lengths).
"""

from __future__ import annotations

import functools
import math
import threading
import warnings
from collections.abc import Mapping

import numpy as np

from .exceptions import InvalidParameterError, UnknownMetricError

__all__ = ["metric", "get_metric", "list_metrics", "error_curve"]

KINDS = ("pointwise", "horizon", "long_term")
VPT_NRMSE_THRESHOLD = 0.5  # ε of vpt_nrmse (normalised RMS error)
VPT_SMAPE_THRESHOLD = 30.0  # running-mean sMAPE (percent) of vpt_smape
STSP_BINS = 30  # bins per dimension of d_stsp
STSP_ALPHA = 1e-5  # Laplace smoothing (pseudo-count per bin) of d_stsp and kl_divergence
STSP_MAX_BINNED_DIM = 5  # above this, d_stsp uses the Gaussian-mixture estimate
KDE_BANDWIDTH = 1.0  # σ of d_stsp's Gaussian kernels, in standardised units
KDE_MAX_POINTS = 1000  # kernels (evenly subsampled points) per mixture
KDE_MC_SAMPLES = 1000  # Monte-Carlo samples of the mixture KL divergence
SPECTRUM_SIGMA = 20.0  # Gaussian smoothing of d_h's power spectra, in frequency bins
CORRDIM_MAX_POINTS = 2000
LYAPUNOV_MAX_REFERENCES = 2000  # reference points of Rosenstein's method

_registry: dict[str, object] = {}
_lock = threading.Lock()


# --------------------------------------------------------------------------------------------------------------
# Registry


def metric(name: str, *, kind: str, greater_is_better: bool = False, replace: bool = False):
    """Register a metric under ``name``; use as a decorator.

    The registered function is wrapped so that its inputs are validated for its ``kind`` (see the module
    docstring) and a non-finite ``y_pred`` gives ``inf`` (``nan`` if ``greater_is_better``) for point-wise and
    long-term metrics without calling it; horizon metrics receive non-finite forecasts and handle them.

    Parameters
    ----------
    name : str
        Registered name.
    kind : {"pointwise", "horizon", "long_term"}
    greater_is_better : bool
        Whether a larger value means a better forecast.
    replace : bool
        Allow replacing a metric already registered under this name.

    Returns
    -------
    callable
        Decorator returning the wrapped function, with attributes ``name``, ``kind`` and ``greater_is_better``.
    """
    if kind not in KINDS:
        raise InvalidParameterError(f"metric kind must be one of {KINDS}, got {kind!r}")
    if not isinstance(name, str) or not name:
        raise InvalidParameterError(f"metric name must be a non-empty string, got {name!r}")
    greater_is_better = bool(greater_is_better)

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(y_true, y_pred, *, context=None):
            y_true, y_pred = _check_arrays(y_true, y_pred, kind, name)
            context = _check_context(context)
            if kind != "horizon" and not np.isfinite(y_pred).all():
                return math.nan if greater_is_better else math.inf
            return float(fn(y_true, y_pred, context=context))

        wrapper.name, wrapper.kind, wrapper.greater_is_better = name, kind, greater_is_better
        with _lock:
            if name in _registry and not replace:
                raise InvalidParameterError(f"A metric named {name!r} is already registered; pass replace=True")
            _registry[name] = wrapper
        return wrapper

    return decorate


def get_metric(name: str):
    """The registered metric ``name``.

    Raises
    ------
    UnknownMetricError
        With close matches suggested.
    """
    fn = _registry.get(name)
    if fn is None:
        raise UnknownMetricError(str(name), _registry)
    return fn


def list_metrics(kind: str | None = None) -> list[str]:
    """Sorted names of the registered metrics, optionally only those of ``kind``."""
    if kind is not None and kind not in KINDS:
        raise InvalidParameterError(f"metric kind must be one of {KINDS}, got {kind!r}")
    return sorted(name for name, fn in _registry.items() if kind is None or fn.kind == kind)


# --------------------------------------------------------------------------------------------------------------
# Validation


def _check_arrays(y_true, y_pred, kind: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        y_true = np.asarray(y_true, dtype=float)
        y_pred = np.asarray(y_pred, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"{name}: y_true and y_pred must be numeric arrays ({exc})") from None
    for what, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
            raise InvalidParameterError(f"{name}: {what} must be a non-empty 2-D array (n_steps, dim), got shape "
                                        f"{arr.shape}; reshape a single series with .reshape(-1, 1)")
    if kind == "long_term":
        if y_true.shape[1] != y_pred.shape[1]:
            raise InvalidParameterError(f"{name}: y_true and y_pred must have the same dimension, got "
                                        f"{y_true.shape[1]} and {y_pred.shape[1]}")
    elif y_true.shape != y_pred.shape:
        raise InvalidParameterError(f"{name}: y_true and y_pred must have the same shape, got {y_true.shape} and "
                                    f"{y_pred.shape}")
    if not np.isfinite(y_true).all():
        raise InvalidParameterError(f"{name}: y_true must be finite")
    return y_true, y_pred


def _check_context(context) -> Mapping:
    if context is None:
        return {}
    if not isinstance(context, Mapping):
        raise InvalidParameterError(f"context must be a mapping (dict), got {type(context).__name__}")
    return context


def _require(context: Mapping, key: str, what: str):
    if key not in context or context[key] is None:
        raise InvalidParameterError(f"{what} needs context[{key!r}]")
    return context[key]


def _positive(context: Mapping, key: str, what: str) -> float:
    value = _require(context, key, what)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{what}: context[{key!r}] must be a number, got {value!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise InvalidParameterError(f"{what}: context[{key!r}] must be finite and positive, got {value!r}")
    return value


def _scale(context: Mapping, dim: int, what: str) -> np.ndarray:
    scale = np.asarray(_require(context, "scale", what), dtype=float)
    scale = np.broadcast_to(scale, (dim,)) if scale.ndim == 0 else scale
    if scale.shape != (dim,) or not (np.isfinite(scale).all() and (scale > 0).all()):
        raise InvalidParameterError(f"{what}: context['scale'] must hold {dim} finite positive values (the "
                                    f"per-variable std of the training data), got {scale!r}")
    return scale


def _time_unit(context: Mapping, what: str) -> float:
    """dt · λ_max: one step in Lyapunov times."""
    return _positive(context, "dt", what) * _positive(context, "lyapunov_max", what)


def _nan_quiet(fn, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# --------------------------------------------------------------------------------------------------------------
# Point-wise metrics (e = y_pred - y_true; means run over all n_steps x dim entries unless stated)


@metric("mse", kind="pointwise")
def mse(y_true, y_pred, *, context=None):
    """Mean squared error: mean(e²)."""
    return np.mean((y_pred - y_true) ** 2)


@metric("mae", kind="pointwise")
def mae(y_true, y_pred, *, context=None):
    """Mean absolute error: mean|e|."""
    return np.mean(np.abs(y_pred - y_true))


@metric("rmse", kind="pointwise")
def rmse(y_true, y_pred, *, context=None):
    """Root mean squared error: sqrt(mean(e²))."""
    return np.sqrt(np.mean((y_pred - y_true) ** 2))


@metric("nrmse", kind="pointwise")
def nrmse(y_true, y_pred, *, context=None):
    """Normalised RMSE: sqrt(mean_{t,i} ((ŷ_ti - y_ti) / scale_i)²), with ``context['scale']`` the per-variable std
    of the training data."""
    scale = _scale(context, y_true.shape[1], "nrmse")
    return np.sqrt(np.mean(((y_pred - y_true) / scale) ** 2))


def _smape_terms(y_true, y_pred) -> np.ndarray:
    """200 |e| / (|y| + |ŷ|) entry-wise, 0 where y = ŷ = 0."""
    denom = np.abs(y_true) + np.abs(y_pred)
    num = 200.0 * np.abs(y_pred - y_true)
    return np.divide(num, denom, out=np.zeros_like(num), where=denom > 0)


@metric("smape", kind="pointwise")
def smape(y_true, y_pred, *, context=None):
    """Symmetric mean absolute percentage error, in percent (0 to 200): mean(200 |e| / (|y| + |ŷ|)); entries with
    y = ŷ = 0 count 0."""
    return np.mean(_smape_terms(y_true, y_pred))


@metric("mape", kind="pointwise")
def mape(y_true, y_pred, *, context=None):
    """Mean absolute percentage error, in percent: mean(100 |e| / |y|). An entry with y = 0 counts 0 if ŷ = 0 and
    makes the result ``inf`` otherwise."""
    err, ref = np.abs(y_pred - y_true), np.abs(y_true)
    if np.any((ref == 0) & (err > 0)):
        return math.inf
    return np.mean(100.0 * np.divide(err, ref, out=np.zeros_like(err), where=ref > 0))


@metric("wape", kind="pointwise")
def wape(y_true, y_pred, *, context=None):
    """Weighted absolute percentage error, in percent: 100 Σ|e| / Σ|y| (``inf`` if y is all 0 and e is not)."""
    err, ref = np.sum(np.abs(y_pred - y_true)), np.sum(np.abs(y_true))
    if ref == 0:
        return 0.0 if err == 0 else math.inf
    return 100.0 * err / ref


@metric("mase", kind="pointwise")
def mase(y_true, y_pred, *, context=None):
    """Mean absolute scaled error: mean|e| / mean|train[k+1] - train[k]|, the denominator being the in-sample MAE of
    the one-step naive forecast on ``context['train']`` (shape (n_train, dim), n_train >= 2)."""
    train = np.asarray(_require(context, "train", "mase"), dtype=float)
    if train.ndim != 2 or train.shape[1] != y_true.shape[1] or len(train) < 2 or not np.isfinite(train).all():
        raise InvalidParameterError(f"mase: context['train'] must be a finite (n_train >= 2, {y_true.shape[1]}) "
                                    f"array, got shape {train.shape}")
    naive = np.mean(np.abs(np.diff(train, axis=0)))
    if naive == 0:
        raise InvalidParameterError("mase: context['train'] is constant (the naive forecast's error is 0)")
    return np.mean(np.abs(y_pred - y_true)) / naive


@metric("marre", kind="pointwise")
def marre(y_true, y_pred, *, context=None):
    """Mean absolute ranged relative error, in percent: mean_i [100 mean_t |e_ti| / (max_t y_ti - min_t y_ti)]
    (``inf`` for a constant variable with a nonzero error, which counts 0 if its error is 0)."""
    err = np.mean(np.abs(y_pred - y_true), axis=0)
    rng = np.ptp(y_true, axis=0)
    if np.any((rng == 0) & (err > 0)):
        return math.inf
    return np.mean(100.0 * np.divide(err, rng, out=np.zeros_like(err), where=rng > 0))


@metric("r2_score", kind="pointwise", greater_is_better=True)
def r2_score(y_true, y_pred, *, context=None):
    """Coefficient of determination, averaged over variables (scikit-learn's ``uniform_average``):
    mean_i [1 - Σ_t e_ti² / Σ_t (y_ti - ȳ_i)²]; a constant variable scores 1 if predicted exactly, else 0."""
    ss_res = np.sum((y_pred - y_true) ** 2, axis=0)
    ss_tot = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    r2 = np.where(ss_res == 0, 1.0, 0.0)
    np.divide(ss_res, ss_tot, out=r2, where=ss_tot > 0)
    r2 = np.where(ss_tot > 0, 1.0 - r2, r2)
    return np.mean(r2)


@metric("rmsle", kind="pointwise")
def rmsle(y_true, y_pred, *, context=None):
    """Root mean squared logarithmic error: sqrt(mean (log(1 + ŷ) - log(1 + y))²). Defined for values above -1:
    ``y_true <= -1`` raises, ``y_pred <= -1`` gives ``inf``. Most chaotic variables change sign, so this metric
    suits positive quantities (e.g. concentrations) only."""
    if np.any(y_true <= -1):
        raise InvalidParameterError("rmsle: y_true must be greater than -1")
    if np.any(y_pred <= -1):
        return math.inf
    return np.sqrt(np.mean((np.log1p(y_pred) - np.log1p(y_true)) ** 2))


def _mean_correlation(y_true, y_pred, fn, name) -> float:
    if len(y_true) < 2:
        raise InvalidParameterError(f"{name} needs at least 2 steps")
    values = [_nan_quiet(fn, y_true[:, i], y_pred[:, i])[0] for i in range(y_true.shape[1])]
    return float(np.mean(values))


@metric("pearson", kind="pointwise", greater_is_better=True)
def pearson(y_true, y_pred, *, context=None):
    """Pearson correlation of y_true[:, i] and y_pred[:, i], averaged over variables (``nan`` if any variable is
    constant in either array)."""
    from scipy.stats import pearsonr

    return _mean_correlation(y_true, y_pred, pearsonr, "pearson")


@metric("spearman", kind="pointwise", greater_is_better=True)
def spearman(y_true, y_pred, *, context=None):
    """Spearman rank correlation of y_true[:, i] and y_pred[:, i], averaged over variables (``nan`` if any
    variable is constant in either array)."""
    from scipy.stats import spearmanr

    return _mean_correlation(y_true, y_pred, spearmanr, "spearman")


@metric("kendall", kind="pointwise", greater_is_better=True)
def kendall(y_true, y_pred, *, context=None):
    """Kendall's τ-b of y_true[:, i] and y_pred[:, i], averaged over variables (``nan`` if any variable is constant
    in either array)."""
    from scipy.stats import kendalltau

    return _mean_correlation(y_true, y_pred, kendalltau, "kendall")


@metric("coefficient_of_variation", kind="pointwise")
def coefficient_of_variation(y_true, y_pred, *, context=None):
    """Coefficient of variation of the error, in percent (as in darts): 100 sqrt(mean e²) / |mean y|, both means
    over all entries (``inf`` if mean y = 0 and e is not 0). Unstable for variables centred on 0."""
    err, ref = np.sqrt(np.mean((y_pred - y_true) ** 2)), abs(np.mean(y_true))
    if ref == 0:
        return 0.0 if err == 0 else math.inf
    return 100.0 * err / ref


def _n_bins(n: int) -> int:
    """Sturges' rule: ceil(log2 n) + 1 bins."""
    return int(math.ceil(math.log2(max(n, 1)))) + 1


def _shared_histograms(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of ``a`` and ``b`` in the same Sturges bins spanning both."""
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    edges = np.histogram_bin_edges(np.r_[lo, hi], bins=_n_bins(max(len(a), len(b))), range=(lo, hi))
    return np.histogram(a, edges)[0].astype(float), np.histogram(b, edges)[0].astype(float)


def _kl(p: np.ndarray, q: np.ndarray, alpha: float) -> float:
    """KL(p || q) in nats between histograms of counts after Laplace smoothing (``alpha`` added to every count)."""
    p, q = (p + alpha) / (p.sum() + alpha * p.size), (q + alpha) / (q.sum() + alpha * q.size)
    return float(np.sum(p * np.log(p / q)))


def _hellinger(p: np.ndarray, q: np.ndarray) -> float:
    """sqrt(1 - Σ sqrt(p q)), in [0, 1]."""
    return math.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(p * q)))))


@metric("kl_divergence", kind="pointwise")
def kl_divergence(y_true, y_pred, *, context=None):
    """KL(p_true || p_pred) in nats between the histograms of y_true[:, i] and y_pred[:, i], averaged over
    variables. The histograms share ceil(log2 n) + 1 bins spanning both arrays; 1e-5 is added to each bin's count
    before normalising (Laplace smoothing, so the result is finite)."""
    return np.mean([_kl(*_shared_histograms(y_true[:, i], y_pred[:, i]), STSP_ALPHA)
                    for i in range(y_true.shape[1])])


@metric("hellinger_distance", kind="pointwise")
def hellinger_distance(y_true, y_pred, *, context=None):
    """Hellinger distance sqrt(1 - Σ_b sqrt(p_b q_b)) (0 to 1) between the histograms of y_true[:, i] and
    y_pred[:, i] (shared ceil(log2 n) + 1 bins spanning both), averaged over variables."""
    values = []
    for i in range(y_true.shape[1]):
        p, q = _shared_histograms(y_true[:, i], y_pred[:, i])
        values.append(_hellinger(p / p.sum(), q / q.sum()))
    return np.mean(values)


@metric("mutual_information", kind="pointwise", greater_is_better=True)
def mutual_information(y_true, y_pred, *, context=None):
    """Mutual information in nats between y_true[:, i] and y_pred[:, i], averaged over variables:
    Σ p_xy log(p_xy / (p_x p_y)) over a 2-D histogram with ceil(log2 n) + 1 bins per axis, each axis spanning its
    own array's range."""
    bins = _n_bins(len(y_true))
    values = []
    for i in range(y_true.shape[1]):
        joint = np.histogram2d(y_true[:, i], y_pred[:, i], bins=bins)[0]
        joint /= joint.sum()
        px, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
        nz = joint > 0
        values.append(np.sum(joint[nz] * np.log(joint[nz] / (px @ py)[nz])))
    return np.mean(values)


# --------------------------------------------------------------------------------------------------------------
# Horizon metrics


def _first_exceedance(error: np.ndarray, threshold: float) -> int:
    """Index of the first step whose error exceeds ``threshold`` or is not finite; ``len(error)`` if none."""
    bad = ~(error <= threshold)  # nan counts as exceeding
    return int(np.argmax(bad)) if bad.any() else len(error)


def error_curve(y_true, y_pred, *, context) -> tuple[np.ndarray, np.ndarray]:
    """Normalised RMS error of a forecast at each step, against time in Lyapunov times.

    The error at step k (k = 0, ..., n-1) is sqrt(mean_i ((ŷ_ki - y_ki) / scale_i)²) and its time is
    t_k = k · dt · λ_max.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (n_steps, dim)
    context : mapping
        With ``dt``, ``lyapunov_max`` and ``scale`` (per-variable std of the training data).

    Returns
    -------
    t_lyapunov, error : ndarray, shape (n_steps,)
        Non-finite forecast values give a non-finite error.
    """
    y_true, y_pred = _check_arrays(y_true, y_pred, "horizon", "error_curve")
    context = _check_context(context)
    unit = _time_unit(context, "error_curve")
    scale = _scale(context, y_true.shape[1], "error_curve")
    with np.errstate(all="ignore"):
        error = np.sqrt(np.mean(((y_pred - y_true) / scale) ** 2, axis=1))
    return np.arange(len(y_true)) * unit, error


@metric("vpt_nrmse", kind="horizon", greater_is_better=True)
def vpt_nrmse(y_true, y_pred, *, context=None):
    """Valid prediction time in Lyapunov times: VPT = t_k · λ_max = k · dt · λ_max for the first step k (0-based)
    whose normalised RMS error sqrt(mean_i ((ŷ_ki - y_ki) / scale_i)²) exceeds ε = 0.5, i.e. the number of leading
    steps within ε times dt · λ_max; n · dt · λ_max if no step exceeds it. Needs ``dt``, ``lyapunov_max`` and
    ``scale`` in the context; a non-finite step counts as exceeding."""
    _, error = error_curve(y_true, y_pred, context=context)
    return _first_exceedance(error, VPT_NRMSE_THRESHOLD) * _time_unit(context, "vpt_nrmse")


@metric("vpt_smape", kind="horizon", greater_is_better=True)
def vpt_smape(y_true, y_pred, *, context=None):
    """Valid prediction time by sMAPE, in Lyapunov times: k · dt · λ_max for the first step k (0-based) at which the
    running mean c_k = mean_{j <= k} s_j of the per-step sMAPE s_j = mean_i 200 |e_ji| / (|y_ji| + |ŷ_ji|) exceeds
    30 (percent); n · dt · λ_max if it never does. Needs ``dt`` and ``lyapunov_max``; a non-finite step counts as
    exceeding."""
    unit = _time_unit(context, "vpt_smape")
    with np.errstate(all="ignore"):
        per_step = np.mean(_smape_terms(y_true, y_pred), axis=1)
        per_step[~np.isfinite(y_pred).all(axis=1)] = np.nan
        running = np.cumsum(per_step) / np.arange(1, len(per_step) + 1)
    return _first_exceedance(running, VPT_SMAPE_THRESHOLD) * unit


# --------------------------------------------------------------------------------------------------------------
# Long-term metrics (y_true and y_pred may differ in length)


def _standardise(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays in the units of y_true's mean and std (a constant variable keeps unit scale)."""
    mean, std = y_true.mean(axis=0), y_true.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (y_true - mean) / std, (y_pred - mean) / std


@metric("d_stsp", kind="long_term")
def d_stsp(y_true, y_pred, *, context=None):
    """State-space divergence KL(p_true || p_pred) in nats between the occupation measures of y_true and y_pred.

    Both are standardised with y_true's mean and std. Up to 5 dimensions the measures are histograms with 30 bins
    per dimension over the range of y_true (forecast points outside it fall into the edge bins), with Laplace
    smoothing: p_b = (c_b + α) / (N + α 30^dim) for the count c_b of the N points in bin b, α = 1e-5, as in the
    reference code of these papers (α added to the probabilities instead would, with 30^dim bins, spread 21% of the
    mass uniformly in 3-D and 99.6% in 5-D). Above 5 dimensions each measure is a Gaussian
    mixture with one component N(x_t, σ² I), σ = 1 standardised unit, per point (at most 1000 points, evenly
    subsampled), i.e. a kernel density estimate, and the KL divergence is a Monte-Carlo average over 1000 samples of
    p_true (fixed seed: deterministic). After Brenner et al. (ICML 2022) and Hess et al. (ICML 2023).

    The binned value depends on the sample sizes: Lorenz against an independent Lorenz series (dt = 0.01) scores
    0.48 with 20,000 points each and 2.2 when the second has 5,000; compare forecasts of equal length.
    """
    a, b = _standardise(y_true, y_pred)
    if a.shape[1] > STSP_MAX_BINNED_DIM:
        return _kl_kde(a, b)
    lo, hi = a.min(axis=0), a.max(axis=0)
    width = np.where(hi > lo, hi - lo, 1.0)

    def cells(x):
        idx = np.clip(np.floor(STSP_BINS * (x - lo) / width), 0, STSP_BINS - 1).astype(np.int64)
        return np.ravel_multi_index(idx.T, (STSP_BINS,) * x.shape[1])

    # Sparse: the cells empty in both share one pair of smoothed probabilities (p0, q0).
    ca, cb = cells(a), cells(b)
    occupied, inverse = np.unique(np.concatenate([ca, cb]), return_inverse=True)
    n_cells = STSP_BINS ** a.shape[1]
    p_norm, q_norm = len(ca) + STSP_ALPHA * n_cells, len(cb) + STSP_ALPHA * n_cells
    p = (np.bincount(inverse[:len(ca)], minlength=len(occupied)) + STSP_ALPHA) / p_norm
    q = (np.bincount(inverse[len(ca):], minlength=len(occupied)) + STSP_ALPHA) / q_norm
    p0, q0 = STSP_ALPHA / p_norm, STSP_ALPHA / q_norm
    kl = np.sum(p * np.log(p / q)) + (n_cells - len(occupied)) * p0 * math.log(p0 / q0)
    return max(0.0, float(kl))


def _kl_kde(a: np.ndarray, b: np.ndarray) -> float:
    """Monte-Carlo KL(p_a || p_b) between Gaussian kernel density estimates (bandwidth KDE_BANDWIDTH)."""
    from scipy.spatial.distance import cdist
    from scipy.special import logsumexp

    def centres(x):
        return x[np.unique(np.linspace(0, len(x) - 1, min(len(x), KDE_MAX_POINTS)).astype(int))]

    ma, mb = centres(a), centres(b)
    rng = np.random.default_rng(0)
    samples = ma[rng.integers(len(ma), size=KDE_MC_SAMPLES)] + KDE_BANDWIDTH * rng.standard_normal(
        (KDE_MC_SAMPLES, a.shape[1]))

    def log_density(mu):  # the Gaussian normalisation is shared and cancels
        d2 = cdist(samples, mu, "sqeuclidean")
        return logsumexp(-d2 / (2 * KDE_BANDWIDTH ** 2), axis=1) - math.log(len(mu))

    return max(0.0, float(np.mean(log_density(ma) - log_density(mb))))


def _spectra(x: np.ndarray) -> np.ndarray:
    """Power spectra of the columns, Gaussian-smoothed (σ = 20 bins) and normalised to sum 1 (0 if all zero)."""
    from scipy.ndimage import gaussian_filter1d

    power = gaussian_filter1d(np.abs(np.fft.rfft(x, axis=0)) ** 2, SPECTRUM_SIGMA, axis=0)
    total = power.sum(axis=0)
    return np.divide(power, total, out=np.zeros_like(power), where=total > 0)


@metric("d_h", kind="long_term")
def d_h(y_true, y_pred, *, context=None):
    """Power-spectrum distance: mean over variables of the Hellinger distance sqrt(1 - Σ_f sqrt(p_f q_f)) (0 to 1)
    between the power spectra of y_true and y_pred.

    Both series are standardised with y_true's mean and std (a constant offset of the forecast shows at zero
    frequency), truncated to the shorter length; each spectrum is |rfft|², smoothed with a Gaussian filter of
    σ = 20 frequency bins and normalised to sum 1 (a forecast equal to y_true's mean everywhere scores 1). After
    Mikhaeil et al. (NeurIPS 2022).
    """
    n = min(len(y_true), len(y_pred))
    if n < 2:
        raise InvalidParameterError("d_h needs at least 2 steps in both arrays")
    a, b = _standardise(y_true, y_pred)
    p, q = _spectra(a[:n]), _spectra(b[:n])
    overlap = np.sum(np.sqrt(p * q), axis=0)
    overlap[(p.sum(axis=0) == 0) & (q.sum(axis=0) == 0)] = 1.0  # both constant at y_true's mean
    return np.mean(np.sqrt(np.clip(1.0 - overlap, 0.0, None)))


def _mean_period_steps(x: np.ndarray) -> int:
    """Mean period in steps, 1 / mean frequency of the summed power spectrum (Rosenstein's Theiler window)."""
    power = (np.abs(np.fft.rfft(x - x.mean(axis=0), axis=0)) ** 2).sum(axis=1)
    freqs = np.fft.rfftfreq(len(x))
    total = power[1:].sum()
    if total == 0:
        return 1
    return max(1, int(math.ceil(total / np.sum(freqs[1:] * power[1:]))))


def _rosenstein(x: np.ndarray, dt: float, theiler: int, unit: int) -> float:
    """Largest Lyapunov exponent (1/time) by Rosenstein's method: each reference point's nearest neighbour more than
    ``theiler`` steps away; the slope of the pairs' mean log distance between ``unit // 2`` and ``2 unit`` steps."""
    from scipy.spatial import cKDTree

    horizon = 2 * unit
    n = len(x) - horizon
    if n <= 2 * theiler + 2:
        raise InvalidParameterError(f"lyapunov_error needs more than {2 * theiler + 2 + horizon} steps "
                                    f"(Theiler window {theiler}, divergence over {horizon} steps), got {len(x)}")
    refs = np.unique(np.linspace(0, n - 1, min(n, LYAPUNOV_MAX_REFERENCES)).astype(int))
    k = min(n, 2 * theiler + 2)  # at most 2 theiler + 1 points lie inside the window, the point itself included
    _, nbrs = cKDTree(x[:n]).query(x[refs], k=k)
    nbrs = nbrs.reshape(len(refs), k)
    outside = np.abs(nbrs - refs[:, None]) > theiler
    found = outside.any(axis=1)
    refs, nn = refs[found], nbrs[found, np.argmax(outside[found], axis=1)]
    steps = np.arange(horizon + 1)
    dist = np.linalg.norm(x[refs[:, None] + steps] - x[nn[:, None] + steps], axis=2)
    floor = 1e-12 * max(1.0, float(np.abs(x).max()))
    curve = np.mean(np.log(np.maximum(dist, floor)), axis=0)
    fit = slice(unit // 2, horizon + 1)
    return float(np.polyfit(steps[fit] * dt, curve[fit], 1)[0])


@metric("lyapunov_error", kind="long_term")
def lyapunov_error(y_true, y_pred, *, context=None):
    """|λ_est(y_pred) - λ_est(y_true)| (1/time): the difference of the largest Lyapunov exponents estimated from the
    two series by Rosenstein's method (Physica D 65, 117, 1993) in the state space standardised with y_true's
    statistics.

    The Theiler window is y_true's mean period (1 / mean frequency of its power spectrum); the mean log divergence
    is fitted from 0.5 to 2 time units T, T being one Lyapunov time 1 / λ_max when ``context['lyapunov_max']`` is
    given, else y_true's mean period (skipping the initial transient of the divergence curve); at most 2000
    reference points, evenly spaced. Needs ``context['dt']``. A rough estimate (Lorenz, 20,000 points at dt = 0.01:
    λ_est ≈ 0.93 against the true 0.906); an independent true series of that length scores about 0.1 λ_max.
    """
    dt = _positive(context, "dt", "lyapunov_error")
    a, b = _standardise(y_true, y_pred)
    theiler = _mean_period_steps(a)
    if context.get("lyapunov_max") is not None:
        unit = max(4, int(round(1.0 / (_positive(context, "lyapunov_max", "lyapunov_error") * dt))))
    else:
        unit = max(4, theiler)
    return abs(_rosenstein(b, dt, theiler, unit) - _rosenstein(a, dt, theiler, unit))


def _corrdim(x: np.ndarray) -> float:
    from ._invariants import correlation_dimension

    x = x[np.unique(np.linspace(0, len(x) - 1, min(len(x), CORRDIM_MAX_POINTS)).astype(int))]
    if np.ptp(x, axis=0).max() == 0:
        return 0.0  # a fixed point
    return correlation_dimension(x)


@metric("corrdim_error", kind="long_term")
def corrdim_error(y_true, y_pred, *, context=None):
    """|D2(y_pred) - D2(y_true)|: the difference of the Grassberger-Procaccia correlation dimensions
    (:func:`chaosbench._invariants.correlation_dimension`), each from at most 2000 evenly subsampled points; a
    constant forecast has D2 = 0."""
    return abs(_corrdim(y_pred) - _corrdim(y_true))
