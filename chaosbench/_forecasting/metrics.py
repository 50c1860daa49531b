"""Forecast metrics: a registry of pure functions (:func:`metric`, :func:`get_metric`, :func:`list_metrics`).

Every metric has the signature ``fn(y_true, y_pred, *, context=None) -> float``. ``y_true`` and ``y_pred`` are 2-D
arrays ``(n_steps, dim)``; ``context`` is an optional mapping holding what some metrics need:

``dt``
    Sampling interval (time units).
``lyapunov_max``
    Largest Lyapunov exponent λ_max of the true system (1/time units).
``scale``
    Per-variable standard deviation of the *training* data, shape ``(dim,)``, in the units of the arrays.
``train``
    The training array ``(n_train, dim)`` (for :func:`mase`).
``loc``, ``data_scale``
    The standardization applied to the arrays, each of shape ``(dim,)`` (or a scalar): standardized =
    (physical - loc) / data_scale. Used by the metrics registered with ``units="physical"`` (below).

Other keys are ignored. ``y_true`` must be finite; ``y_pred`` may not be (a diverged forecast). Point-wise and
long-term metrics then return ``inf`` when lower is better and ``nan`` when greater is better; the horizon metrics
count a non-finite step as one beyond the threshold.

Kinds: ``"pointwise"`` metrics compare ``y_true`` and ``y_pred`` row by row (equal shapes); ``"horizon"`` metrics
measure how long a forecast stays valid, in Lyapunov times (equal shapes); ``"long_term"`` metrics compare the
statistics of a free-running forecast with the truth (equal dimension, any lengths).

Physical units. A metric that divides by the magnitude or range of the data (``smape``, ``mape``, ``wape``,
``marre_per_variable``, ``cv_rmse``, ``rmsle``, ``vpt_smape``, ``vpt_smape_instant``) is meaningless on standardized
data, where every variable is centred on 0. Such metrics are registered with ``units="physical"``: when the context
holds both ``loc`` and ``data_scale``, the registry's wrapper converts both arrays to physical units,
physical = standardized · data_scale + loc (per variable), before calling the metric; when the context holds
neither, the arrays are taken to be in physical units already. This is the only place where units are converted.

Names and sources. Each metric's docstring gives its formula and source. dysts' metrics (``dysts/metrics.py``,
dysts 0.96) are followed where a docstring says so (``nrmse``, ``smape``, ``mape``, ``wape``; dysts' 1e-10 guards
against division by zero are replaced by explicit rules for zero denominators); the histogram and ranged metrics
that differ from dysts' definitions carry distinct names (``kl_divergence_hist``, ``hellinger_distance_hist``,
``mutual_information_hist``, ``marre_per_variable``, ``cv_rmse``). Three names shared with dysts follow another
source: ``r2_score`` (scikit-learn's per-variable average; dysts pools all entries), ``mase`` (naive differences
along time; dysts 0.96's default ``time_dim=-1`` differences along the last axis) and ``rmsle`` (dysts shifts each
series by its own minimum).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping

import numpy as np

from .._core.registry import Registry
from ..exceptions import InvalidParameterError, UnknownMetricError
from .._dynamics.invariants import correlation_dimension

__all__ = ["metric", "get_metric", "list_metrics", "error_curve"]

KINDS = ("pointwise", "horizon", "long_term")
UNITS = ("as_given", "physical")
NRMSE_EPS = 1e-10  # added to σ² in nrmse, as in dysts 0.96
VPT_NRMSE_THRESHOLD = 0.5  # ε of vpt_nrmse (normalised RMS error)
VPT_SMAPE_THRESHOLD = 30.0  # sMAPE threshold (percent, 0-200 scale) of vpt_smape and vpt_smape_instant
STSP_BINS = 30  # bins per dimension of d_stsp
STSP_MARGIN = 0.1  # d_stsp's bins span [min - 0.1 σ, max + 0.1 σ] of y_true
STSP_ALPHA = 1e-5  # Laplace smoothing (pseudo-count per bin) of d_stsp and kl_divergence_hist
STSP_MAX_BINNED_DIM = 5  # above this, d_stsp uses the Gaussian-mixture estimate
KDE_BANDWIDTH = 1.0  # σ of d_stsp's Gaussian kernels, in standardised units
KDE_MAX_POINTS = 1000  # kernels (evenly subsampled points) per mixture
KDE_MC_SAMPLES = 1000  # Monte-Carlo samples of the mixture KL divergence
SPECTRUM_SIGMA = 20.0  # Gaussian smoothing of d_h's power spectra, in frequency bins, at SPECTRUM_REFERENCE_LENGTH
SPECTRUM_REFERENCE_LENGTH = 100_000  # series length for which the literature set σ = 20 bins
CORRDIM_MAX_POINTS = 2000
LYAPUNOV_MAX_REFERENCES = 2000  # reference points of Rosenstein's method

_registry = Registry("metric", "chaosbench._forecasting.metrics", "chaosbench.metrics",
                     unknown_error=UnknownMetricError)  # the built-ins are this module's own declarations


# --------------------------------------------------------------------------------------------------------------
# Registry


def metric(name: str, *, kind: str, greater_is_better: bool = False, units: str = "as_given",
           replace: bool = False):
    """Register a metric under ``name``; use as a decorator.

    The registered function is wrapped so that its inputs are validated for its ``kind`` (see the module
    docstring), converted to physical units if ``units="physical"`` and the context holds ``loc`` and
    ``data_scale`` (physical = standardized · data_scale + loc), and a non-finite ``y_pred`` gives ``inf`` (``nan``
    if ``greater_is_better``) for point-wise and long-term metrics without calling it; horizon metrics receive
    non-finite forecasts and handle them.

    Parameters
    ----------
    name : str
        Registered name.
    kind : {"pointwise", "horizon", "long_term"}
    greater_is_better : bool
        Whether a larger value means a better forecast.
    units : {"as_given", "physical"}
        ``"physical"`` for metrics that divide by the magnitude or range of the data: the wrapper undoes the
        context's standardization (``loc``, ``data_scale``) before calling the metric.
    replace : bool
        Allow replacing a metric already registered under this name.

    Returns
    -------
    callable
        Decorator returning the wrapped function, with attributes ``name``, ``kind``, ``greater_is_better`` and
        ``units``.
    """
    if kind not in KINDS:
        raise InvalidParameterError(f"metric kind must be one of {KINDS}, got {kind!r}")
    if units not in UNITS:
        raise InvalidParameterError(f"metric units must be one of {UNITS}, got {units!r}")
    if not isinstance(name, str) or not name:
        raise InvalidParameterError(f"metric name must be a non-empty string, got {name!r}")
    greater_is_better = bool(greater_is_better)

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(y_true, y_pred, *, context=None):
            y_true, y_pred = _check_arrays(y_true, y_pred, kind, name)
            context = _check_context(context)
            if units == "physical":
                y_true, y_pred = _to_physical(y_true, y_pred, context, name)
            if kind != "horizon" and not np.isfinite(y_pred).all():
                return math.nan if greater_is_better else math.inf
            return float(fn(y_true, y_pred, context=context))

        wrapper.name, wrapper.kind, wrapper.greater_is_better, wrapper.units = name, kind, greater_is_better, units
        _registry.register(name, wrapper, replace=replace, module=fn.__module__)
        return wrapper

    return decorate


def get_metric(name: str):
    """The registered metric ``name``.

    Raises
    ------
    UnknownMetricError
        With close matches suggested.
    """
    return _registry.lookup(name)


def list_metrics(kind: str | None = None) -> list[str]:
    """Sorted names of the registered metrics, optionally only those of ``kind``."""
    if kind is not None and kind not in KINDS:
        raise InvalidParameterError(f"metric kind must be one of {KINDS}, got {kind!r}")
    return _registry.names(lambda fn: kind is None or fn.kind == kind)


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


def _to_physical(y_true, y_pred, context: Mapping, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays times ``context['data_scale']`` plus ``context['loc']``; unchanged if the context has neither."""
    has = [context.get(key) is not None for key in ("loc", "data_scale")]
    if not any(has):
        return y_true, y_pred
    if not all(has):
        raise InvalidParameterError(f"{name}: context must hold both 'loc' and 'data_scale' (the standardization "
                                    f"to undo) or neither")
    dim = y_true.shape[1]
    try:
        loc = np.asarray(context["loc"], dtype=float)
        scale = np.asarray(context["data_scale"], dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name}: context['loc'] and context['data_scale'] must be numeric") from None
    loc = np.broadcast_to(loc, (dim,)) if loc.ndim == 0 else loc
    scale = np.broadcast_to(scale, (dim,)) if scale.ndim == 0 else scale
    if loc.shape != (dim,) or not np.isfinite(loc).all():
        raise InvalidParameterError(f"{name}: context['loc'] must hold {dim} finite values, got {loc!r}")
    if scale.shape != (dim,) or not (np.isfinite(scale).all() and (scale > 0).all()):
        raise InvalidParameterError(f"{name}: context['data_scale'] must hold {dim} finite positive values, got "
                                    f"{scale!r}")
    with np.errstate(all="ignore"):  # a diverged forecast stays non-finite
        return y_true * scale + loc, y_pred * scale + loc


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
    """Mean squared error: mean(e²). Source: Hyndman & Koehler, Int. J. Forecast. 22, 679 (2006); dysts 0.96
    ``mse``."""
    return np.mean((y_pred - y_true) ** 2)


@metric("mae", kind="pointwise")
def mae(y_true, y_pred, *, context=None):
    """Mean absolute error: mean|e|. Source: Hyndman & Koehler, Int. J. Forecast. 22, 679 (2006); dysts 0.96
    ``mae``."""
    return np.mean(np.abs(y_pred - y_true))


@metric("rmse", kind="pointwise")
def rmse(y_true, y_pred, *, context=None):
    """Root mean squared error: sqrt(mean(e²)). Source: Hyndman & Koehler, Int. J. Forecast. 22, 679 (2006); dysts
    0.96 ``rmse``."""
    return np.sqrt(np.mean((y_pred - y_true) ** 2))


@metric("nrmse", kind="pointwise")
def nrmse(y_true, y_pred, *, context=None):
    """Normalised RMSE: sqrt(mean_{t,i} e_ti² / (σ_i² + 1e-10)).

    σ_i is ``context['scale']`` (the per-variable std of the training data) when given, else the std of
    y_true[:, i] (population std). Source: dysts 0.96 ``nrmse(y_true, y_pred, scale=...)`` (dysts/metrics.py), whose
    ``scale`` argument is ``context['scale']`` here and whose default is y_true's std.
    """
    if context.get("scale") is not None:
        sigma = _scale(context, y_true.shape[1], "nrmse")
    else:
        sigma = y_true.std(axis=0)
    return np.sqrt(np.mean((y_pred - y_true) ** 2 / (sigma ** 2 + NRMSE_EPS)))


def _smape_terms(y_true, y_pred) -> np.ndarray:
    """200 |e| / (|y| + |ŷ|) entry-wise, 0 where y = ŷ = 0."""
    denom = np.abs(y_true) + np.abs(y_pred)
    num = 200.0 * np.abs(y_pred - y_true)
    return np.divide(num, denom, out=np.zeros_like(num), where=denom > 0)


@metric("smape", kind="pointwise", units="physical")
def smape(y_true, y_pred, *, context=None):
    """Symmetric mean absolute percentage error on the 0-200 scale, in physical units: mean(200 |e| / (|y| + |ŷ|));
    entries with y = ŷ = 0 count 0. Source: dysts 0.96 ``smape``; Makridakis, Int. J. Forecast. 9, 527 (1993)."""
    return np.mean(_smape_terms(y_true, y_pred))


@metric("mape", kind="pointwise", units="physical")
def mape(y_true, y_pred, *, context=None):
    """Mean absolute percentage error, in percent, in physical units: mean(100 |e| / |y|). An entry with y = 0
    counts 0 if ŷ = 0 and makes the result ``inf`` otherwise. Source: dysts 0.96 ``mape``; Hyndman & Koehler, Int. J.
    Forecast. 22, 679 (2006)."""
    err, ref = np.abs(y_pred - y_true), np.abs(y_true)
    if np.any((ref == 0) & (err > 0)):
        return math.inf
    return np.mean(100.0 * np.divide(err, ref, out=np.zeros_like(err), where=ref > 0))


@metric("wape", kind="pointwise", units="physical")
def wape(y_true, y_pred, *, context=None):
    """Weighted absolute percentage error, in percent, in physical units: 100 Σ|e| / Σ|y| (``inf`` if y is all 0 and
    e is not). Source: dysts 0.96 ``wape``; Kolassa & Schütz, Foresight 6, 40 (2007)."""
    err, ref = np.sum(np.abs(y_pred - y_true)), np.sum(np.abs(y_true))
    if ref == 0:
        return 0.0 if err == 0 else math.inf
    return 100.0 * err / ref


@metric("mase", kind="pointwise")
def mase(y_true, y_pred, *, context=None):
    """Mean absolute scaled error: mean|e| / mean|train[k+1] - train[k]|, the denominator being the in-sample MAE of
    the one-step naive forecast on ``context['train']`` (shape (n_train, dim), n_train >= 2), differenced along
    time. Source: Hyndman & Koehler, Int. J. Forecast. 22, 679 (2006)."""
    train = np.asarray(_require(context, "train", "mase"), dtype=float)
    if train.ndim != 2 or train.shape[1] != y_true.shape[1] or len(train) < 2 or not np.isfinite(train).all():
        raise InvalidParameterError(f"mase: context['train'] must be a finite (n_train >= 2, {y_true.shape[1]}) "
                                    f"array, got shape {train.shape}")
    naive = np.mean(np.abs(np.diff(train, axis=0)))
    if naive == 0:
        raise InvalidParameterError("mase: context['train'] is constant (the naive forecast's error is 0)")
    return np.mean(np.abs(y_pred - y_true)) / naive


@metric("marre_per_variable", kind="pointwise", units="physical")
def marre_per_variable(y_true, y_pred, *, context=None):
    """Mean absolute ranged relative error with one range per variable, in percent, in physical units:
    mean_i [100 mean_t |e_ti| / (max_t y_ti - min_t y_ti)] (``inf`` for a constant variable with a nonzero error,
    which counts 0 if its error is 0).

    Per-variable ranges make it invariant to a per-variable affine change of units (standardization included).
    Source: MARRE of Botchkarev, Interdiscip. J. Inf. Knowl. Manag. 14, 45 (2019), applied to each variable and
    averaged. dysts 0.96 ``marre`` divides by one range pooled over all variables instead, hence the distinct name.
    """
    err = np.mean(np.abs(y_pred - y_true), axis=0)
    rng = np.ptp(y_true, axis=0)
    if np.any((rng == 0) & (err > 0)):
        return math.inf
    return np.mean(100.0 * np.divide(err, rng, out=np.zeros_like(err), where=rng > 0))


@metric("r2_score", kind="pointwise", greater_is_better=True)
def r2_score(y_true, y_pred, *, context=None):
    """Coefficient of determination, averaged over variables: mean_i [1 - Σ_t e_ti² / Σ_t (y_ti - ȳ_i)²]; a
    constant variable scores 1 if predicted exactly, else 0. Source: scikit-learn 1.x ``r2_score(multioutput=
    'uniform_average')`` (dysts 0.96 ``r2_score`` pools all entries instead)."""
    ss_res = np.sum((y_pred - y_true) ** 2, axis=0)
    ss_tot = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    r2 = np.where(ss_res == 0, 1.0, 0.0)
    np.divide(ss_res, ss_tot, out=r2, where=ss_tot > 0)
    r2 = np.where(ss_tot > 0, 1.0 - r2, r2)
    return np.mean(r2)


@metric("rmsle", kind="pointwise", units="physical")
def rmsle(y_true, y_pred, *, context=None):
    """Root mean squared logarithmic error in physical units: sqrt(mean (log(1 + ŷ) - log(1 + y))²).

    Defined for values above -1 only: ``nan`` (undefined) if any physical y_true <= -1, ``inf`` if y_true is valid
    and any y_pred <= -1. It therefore suits systems whose variables stay above -1 in physical units (e.g.
    concentrations or populations); for a system whose variables change sign (Lorenz's x and y) it is ``nan``.
    Source: scikit-learn 1.x ``root_mean_squared_log_error`` (dysts 0.96 ``rmsle`` shifts each series by its own
    minimum, which hides offsets; not followed).
    """
    if np.any(y_true <= -1):
        return math.nan
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
    """Pearson correlation r_i of y_true[:, i] and y_pred[:, i], averaged over variables: mean_i r_i (``nan`` if any
    variable is constant in either array). Source: ``scipy.stats.pearsonr`` (SciPy 1.17); dysts 0.96 ``pearson``
    for 2-D arrays."""
    from scipy.stats import pearsonr

    return _mean_correlation(y_true, y_pred, pearsonr, "pearson")


@metric("spearman", kind="pointwise", greater_is_better=True)
def spearman(y_true, y_pred, *, context=None):
    """Spearman rank correlation ρ_i of y_true[:, i] and y_pred[:, i], averaged over variables: mean_i ρ_i (``nan``
    if any variable is constant in either array). Source: ``scipy.stats.spearmanr`` (SciPy 1.17); dysts 0.96
    ``spearman``."""
    from scipy.stats import spearmanr

    return _mean_correlation(y_true, y_pred, spearmanr, "spearman")


@metric("kendall", kind="pointwise", greater_is_better=True)
def kendall(y_true, y_pred, *, context=None):
    """Kendall's τ-b of y_true[:, i] and y_pred[:, i], averaged over variables: mean_i τ_i (``nan`` if any variable
    is constant in either array). Source: ``scipy.stats.kendalltau`` (SciPy 1.17); dysts 0.96 ``kendall``."""
    from scipy.stats import kendalltau

    return _mean_correlation(y_true, y_pred, kendalltau, "kendall")


@metric("cv_rmse", kind="pointwise", units="physical")
def cv_rmse(y_true, y_pred, *, context=None):
    """Coefficient of variation of the RMSE, CV(RMSE), in percent, in physical units: 100 sqrt(mean e²) / |mean y|,
    both means over all entries (``inf`` if mean y = 0 and e is not 0). Unstable for variables centred on 0.

    Source: ASHRAE Guideline 14-2002 CV(RMSE); darts' ``coefficient_of_variation`` (100 RMSE / mean y). dysts 0.96
    ``coefficient_of_variation`` is 100 std(e) / mean(y) instead (blind to a constant offset), hence the distinct
    name.
    """
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


@metric("kl_divergence_hist", kind="pointwise")
def kl_divergence_hist(y_true, y_pred, *, context=None):
    """KL divergence of the marginal histograms, in nats, averaged over variables:
    mean_i Σ_b p_ib log(p_ib / q_ib), p_i and q_i the histograms of y_true[:, i] and y_pred[:, i] in shared
    ceil(log2 n) + 1 bins spanning both arrays (Sturges' rule), each count c_b smoothed to
    (c_b + 1e-5) / (n + 1e-5 · n_bins).

    Source: Kullback & Leibler, Ann. Math. Stat. 22, 79 (1951); Sturges, J. Am. Stat. Assoc. 21, 65 (1926). Not
    dysts 0.96 ``kl_divergence`` (a Monte-Carlo KL between Gaussian mixtures on the joint state space, closer to
    :func:`d_stsp` above 5 dimensions), hence the distinct name.
    """
    return np.mean([_kl(*_shared_histograms(y_true[:, i], y_pred[:, i]), STSP_ALPHA)
                    for i in range(y_true.shape[1])])


@metric("hellinger_distance_hist", kind="pointwise")
def hellinger_distance_hist(y_true, y_pred, *, context=None):
    """Hellinger distance of the marginal histograms (0 to 1), averaged over variables:
    mean_i sqrt(1 - Σ_b sqrt(p_ib q_ib)), p_i and q_i the normalised histograms of y_true[:, i] and y_pred[:, i] in
    shared ceil(log2 n) + 1 bins spanning both.

    Source: Hellinger, J. Reine Angew. Math. 136, 210 (1909); Sturges, J. Am. Stat. Assoc. 21, 65 (1926) for the
    bins.
    Not dysts 0.96 ``hellinger_distance`` (its ``average_hellinger_distance`` compares power spectra, like
    :func:`d_h`), hence the distinct name.
    """
    values = []
    for i in range(y_true.shape[1]):
        p, q = _shared_histograms(y_true[:, i], y_pred[:, i])
        values.append(_hellinger(p / p.sum(), q / q.sum()))
    return np.mean(values)


@metric("mutual_information_hist", kind="pointwise", greater_is_better=True)
def mutual_information_hist(y_true, y_pred, *, context=None):
    """Histogram estimate of the mutual information in nats, averaged over variables:
    mean_i Σ p_xy log(p_xy / (p_x p_y)) over a 2-D histogram of (y_true[:, i], y_pred[:, i]) with ceil(log2 n) + 1
    bins per axis, each axis spanning its own array's range.

    Source: Cover & Thomas, Elements of Information Theory, 2nd ed., eq. 2.28 (2006), plug-in estimate. Not dysts
    0.96 ``mutual_information`` (scikit-learn's k-nearest-neighbour estimator ``mutual_info_regression``), hence the
    distinct name.
    """
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
    ``scale`` in the context; a non-finite step counts as exceeding. Source: Vlachas et al., Neural Netw. 126, 191
    (2020) (VPT with ε = 0.5)."""
    _, error = error_curve(y_true, y_pred, context=context)
    return _first_exceedance(error, VPT_NRMSE_THRESHOLD) * _time_unit(context, "vpt_nrmse")


def _smape_per_step(y_true, y_pred) -> np.ndarray:
    """s_k = mean_i 200 |e_ki| / (|y_ki| + |ŷ_ki|) (0-200 scale), ``nan`` at a non-finite step."""
    with np.errstate(all="ignore"):
        per_step = np.mean(_smape_terms(y_true, y_pred), axis=1)
    per_step[~np.isfinite(y_pred).all(axis=1)] = np.nan
    return per_step


@metric("vpt_smape", kind="horizon", greater_is_better=True, units="physical")
def vpt_smape(y_true, y_pred, *, context=None):
    """Valid prediction time by *cumulative* sMAPE, in Lyapunov times, in physical units.

    With the per-step sMAPE s_j = mean_i 200 |e_ji| / (|y_ji| + |ŷ_ji|) on the 0-200 scale (percent), the
    cumulative sMAPE of the prefix is c_k = (1 / (k + 1)) Σ_{j <= k} s_j, the sMAPE of the forecast's first k + 1
    steps; the VPT is k · dt · λ_max for the first step k (0-based) with c_k > 30, and n · dt · λ_max if there is
    none. Needs ``dt`` and ``lyapunov_max``; a non-finite step counts as exceeding.

    Source: Gilpin, "Model scale versus domain knowledge in statistical forecasting of chaotic systems", Phys. Rev.
    Research 5, 043252 (2023) (ε = 30, sMAPE on the 0-200 scale, in the systems' own units). For the first single
    step whose s_k exceeds 30, see :func:`vpt_smape_instant`.
    """
    unit = _time_unit(context, "vpt_smape")
    per_step = _smape_per_step(y_true, y_pred)
    with np.errstate(all="ignore"):
        running = np.cumsum(per_step) / np.arange(1, len(per_step) + 1)
    return _first_exceedance(running, VPT_SMAPE_THRESHOLD) * unit


@metric("vpt_smape_instant", kind="horizon", greater_is_better=True, units="physical")
def vpt_smape_instant(y_true, y_pred, *, context=None):
    """Valid prediction time by *instantaneous* sMAPE, in Lyapunov times, in physical units: k · dt · λ_max for the
    first step k (0-based) whose own sMAPE s_k = mean_i 200 |e_ki| / (|y_ki| + |ŷ_ki|) (0-200 scale) exceeds 30,
    n · dt · λ_max if none does. No accumulation: it is never later than :func:`vpt_smape`. Needs ``dt`` and
    ``lyapunov_max``; a non-finite step counts as exceeding.

    Source: the per-step variant of the VPT of Gilpin, Phys. Rev. Research 5, 043252 (2023), with the threshold rule
    of Vlachas et al., Neural Netw. 126, 191 (2020) (first step beyond ε).
    """
    unit = _time_unit(context, "vpt_smape_instant")
    return _first_exceedance(_smape_per_step(y_true, y_pred), VPT_SMAPE_THRESHOLD) * unit


# --------------------------------------------------------------------------------------------------------------
# Long-term metrics (y_true and y_pred may differ in length)


def _standardise(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays in the units of y_true's mean and std (a constant variable keeps unit scale)."""
    mean, std = y_true.mean(axis=0), y_true.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (y_true - mean) / std, (y_pred - mean) / std


@metric("d_stsp", kind="long_term")
def d_stsp(y_true, y_pred, *, context=None):
    """State-space divergence KL(p_true || p_pred) = Σ_b p_b log(p_b / q_b), in nats, between the occupation
    measures of y_true and y_pred.

    Up to 5 dimensions (binned): each dimension's range [min - 0.1 σ, max + 0.1 σ] of y_true (σ its std, ddof = 1)
    is cut into 30 equal bins; points of either series outside that box are dropped (not clipped into the edge
    bins); with c_b the count of bin b and N the number of points kept, p_b = (c_b + α) / (N + α 30^dim), α = 1e-5
    (Laplace smoothing), likewise q_b. A forecast with no point in the box scores ``inf``. A constant variable of
    y_true gets the range [v - 0.5, v + 0.5].

    Above 5 dimensions (Gaussian mixture): both series are standardised with y_true's mean and std; each measure is
    a mixture of N(x_t, σ² I), σ = 1, over at most 1000 evenly subsampled points x_t, and the KL divergence is the
    Monte-Carlo mean of log p(s) - log q(s) over 1000 samples s of p_true (fixed seed: deterministic).

    Source: Brenner et al., ICML 2022; Hess et al., ICML 2023, following their reference code (DurstewitzLab
    GTF-shPLRNN, ``src/measures/stsp_measure.jl``: "default" binning, Laplace smoothing, 30 bins, mixture above 5
    dimensions with σ² = 1 and 1000 samples). Departures: an empty forecast histogram gives ``inf`` (reference:
    NaN); the mixture uses 1000 evenly spaced points of each series (reference: the first 10,000), log-sum-exp
    densities (reference: drops samples whose density underflows) and a fixed seed.

    The binned value depends on the sample sizes: compare forecasts of equal length. Lorenz (dt = 0.01, 10,000
    points) against an independent Lorenz series scores 0.4-1.1 (5 seeds), against Rössler about 13.5. Being a
    function of the occupation measure only, it does not see a change of time scale (Lorenz sampled at dt = 0.013
    scores 0.3-1.2, like the independent series); :func:`d_h` does.
    """
    if y_true.shape[1] > STSP_MAX_BINNED_DIM:
        return _kl_kde(*_standardise(y_true, y_pred))
    sigma = y_true.std(axis=0, ddof=1) if len(y_true) > 1 else np.zeros(y_true.shape[1])
    lo, hi = y_true.min(axis=0) - STSP_MARGIN * sigma, y_true.max(axis=0) + STSP_MARGIN * sigma
    flat = hi <= lo
    lo, hi = np.where(flat, lo - 0.5, lo), np.where(flat, hi + 0.5, hi)

    def cells(x):
        idx = np.floor(STSP_BINS * (x - lo) / (hi - lo))
        inside = ((idx >= 0) & (idx < STSP_BINS)).all(axis=1)
        return np.ravel_multi_index(idx[inside].astype(np.int64).T, (STSP_BINS,) * x.shape[1])

    ca, cb = cells(y_true), cells(y_pred)
    if len(cb) == 0:
        return math.inf
    # Sparse: the cells empty in both share one pair of smoothed probabilities (p0, q0).
    occupied, inverse = np.unique(np.concatenate([ca, cb]), return_inverse=True)
    n_cells = STSP_BINS ** y_true.shape[1]
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


def _spectrum_sigma(n: int) -> float:
    """σ of d_h's Gaussian smoothing, in frequency bins, for series of n steps: 20 n / 100,000."""
    return SPECTRUM_SIGMA * n / SPECTRUM_REFERENCE_LENGTH


def _spectra(x: np.ndarray) -> np.ndarray:
    """Power spectra of the columns, each z-scored on its own, Gaussian-smoothed and normalised to sum 1 (0 for a
    constant column)."""
    from scipy.ndimage import gaussian_filter1d

    std = x.std(axis=0)
    z = np.divide(x - x.mean(axis=0), std, out=np.zeros_like(x), where=std > 0)
    power = np.abs(np.fft.rfft(z, axis=0)) ** 2
    power = gaussian_filter1d(power, _spectrum_sigma(len(x)), axis=0)
    total = power.sum(axis=0)
    return np.divide(power, total, out=np.zeros_like(power), where=total > 0)


@metric("d_h", kind="long_term")
def d_h(y_true, y_pred, *, context=None):
    """Power-spectrum distance: mean over variables of the Hellinger distance sqrt(1 - Σ_f sqrt(p_f q_f)) (0 to 1)
    between the normalised, smoothed power spectra p of y_true[:, i] and q of y_pred[:, i].

    Both series are truncated to the shorter length n and each variable of each series is z-scored with its *own*
    mean and std; the spectrum is |rfft|², smoothed with a Gaussian filter (``scipy.ndimage.gaussian_filter1d``,
    reflecting edges) of σ = 20 n / 100,000 frequency bins and normalised to sum 1. The literature's σ = 20 bins was
    set for test series of 100,000 steps (Lorenz-63 at dt = 0.01); scaling σ with n keeps the smoothing width fixed
    in frequency units (σ_f = 20 / (100,000 dt)): 2 bins at n = 10,000. A pure distance between spectral shapes: a
    forecast off by a constant offset or a constant factor scores 0, and a constant variable (flat spectrum 0)
    scores 1 against a varying one and 0 against a constant one.

    Source: Mikhaeil et al., NeurIPS 2022; Hess et al., ICML 2023, following their reference code (DurstewitzLab
    GTF-shPLRNN ``src/measures/pse.jl``: per-series z-scoring, |rfft|², Gaussian smoothing σ = 20, normalisation,
    Hellinger distance averaged over dimensions). Departure: σ scaled with the length as above.
    """
    n = min(len(y_true), len(y_pred))
    if n < 2:
        raise InvalidParameterError("d_h needs at least 2 steps in both arrays")
    p, q = _spectra(y_true[:n]), _spectra(y_pred[:n])
    overlap = np.sum(np.sqrt(p * q), axis=0)
    overlap[(p.sum(axis=0) == 0) & (q.sum(axis=0) == 0)] = 1.0  # both constant
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
    two series by Rosenstein's method in the state space standardised with y_true's statistics. Source: Rosenstein,
    Collins & De Luca, Physica D 65, 117 (1993).

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
    x = x[np.unique(np.linspace(0, len(x) - 1, min(len(x), CORRDIM_MAX_POINTS)).astype(int))]
    if np.ptp(x, axis=0).max() == 0:
        return 0.0  # a fixed point
    return correlation_dimension(x)


@metric("corrdim_error", kind="long_term")
def corrdim_error(y_true, y_pred, *, context=None):
    """|D2(y_pred) - D2(y_true)|: the difference of the Grassberger-Procaccia correlation dimensions
    (:func:`chaosbench._dynamics.invariants.correlation_dimension`), each from at most 2000 evenly subsampled points; a
    constant forecast has D2 = 0. Source: Grassberger & Procaccia, Phys. Rev. Lett. 50, 346 (1983)."""
    return abs(_corrdim(y_pred) - _corrdim(y_true))
