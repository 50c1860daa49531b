"""Metrics: exact values on small hand-made arrays, the horizon metrics, errors, and the noise floors of the
long-term metrics on chaosbench's own trajectories."""

import math

import numpy as np
import pytest
from scipy import stats

import chaosbench
from chaosbench import _metrics
from chaosbench.exceptions import InvalidParameterError, UnknownMetricError

Y = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 1.0], [4.0, 3.0]])
P = np.array([[1.5, 2.0], [2.0, 3.0], [2.0, 1.0], [5.0, 5.0]])  # errors [[.5, 0], [0, -1], [-1, 0], [1, 2]]


def m(name, y_true=Y, y_pred=P, **context):
    return chaosbench.get_metric(name)(y_true, y_pred, context=context or None)


# --------------------------------------------------------------------------------------------------------------
# Registry


def test_registry_lists_every_metric_with_its_kind():
    pointwise = {"mse", "mae", "rmse", "nrmse", "smape", "mape", "wape", "mase", "marre", "r2_score", "rmsle",
                 "spearman", "pearson", "kendall", "coefficient_of_variation", "mutual_information",
                 "kl_divergence", "hellinger_distance"}
    assert set(chaosbench.list_metrics("pointwise")) == pointwise
    assert chaosbench.list_metrics("horizon") == ["vpt_nrmse", "vpt_smape"]
    assert chaosbench.list_metrics("long_term") == ["corrdim_error", "d_h", "d_stsp", "lyapunov_error"]
    assert chaosbench.list_metrics() == sorted(chaosbench.list_metrics())
    better = {"r2_score", "spearman", "pearson", "kendall", "mutual_information", "vpt_nrmse", "vpt_smape"}
    for name in chaosbench.list_metrics():
        fn = chaosbench.get_metric(name)
        assert fn.greater_is_better == (name in better) and fn.kind in _metrics.KINDS


def test_custom_metric_registration():
    try:
        @chaosbench.metric("max_abs_error", kind="pointwise")
        def max_abs_error(y_true, y_pred, *, context=None):
            return np.abs(y_pred - y_true).max()

        assert chaosbench.get_metric("max_abs_error") is max_abs_error
        assert max_abs_error(Y, P) == 2.0 and max_abs_error.kind == "pointwise"
        with pytest.raises(InvalidParameterError, match="already registered"):
            chaosbench.metric("max_abs_error", kind="pointwise")(lambda y_true, y_pred, *, context=None: 0.0)
    finally:
        _metrics._registry.pop("max_abs_error", None)
    with pytest.raises(InvalidParameterError, match="kind"):
        chaosbench.metric("x", kind="sometimes")
    with pytest.raises(InvalidParameterError, match="kind"):
        chaosbench.list_metrics("sometimes")


def test_unknown_metric_suggests_close_names():
    with pytest.raises(UnknownMetricError, match=r"Unknown metric 'rmes'\. Did you mean 'rmse'") as info:
        chaosbench.get_metric("rmes")
    assert isinstance(info.value, LookupError) and info.value.name == "rmes"
    assert chaosbench.UnknownMetricError is UnknownMetricError


# --------------------------------------------------------------------------------------------------------------
# Point-wise metrics


def test_error_metrics_exact():
    assert m("mse") == pytest.approx(7.25 / 8)
    assert m("mae") == pytest.approx(5.5 / 8)
    assert m("rmse") == pytest.approx(math.sqrt(7.25 / 8))
    assert m("nrmse", scale=[1.0, 2.0]) == pytest.approx(math.sqrt(3.5 / 8))
    assert m("smape") == pytest.approx((40 + 200 / 7 + 40 + 200 / 9 + 50) / 8)
    assert m("mape") == pytest.approx(25.0)
    assert m("wape") == pytest.approx(100 * 5.5 / 20)
    assert m("mase", train=[[0.0, 0.0], [1.0, 2.0], [3.0, 2.0]]) == pytest.approx((5.5 / 8) / 1.25)
    assert m("marre") == pytest.approx(100 * (0.625 / 3 + 0.75 / 3) / 2)
    assert m("r2_score") == pytest.approx((0.55 + 0.0) / 2)
    assert m("rmsle") == pytest.approx(np.sqrt(np.mean((np.log1p(P) - np.log1p(Y)) ** 2)))
    assert m("coefficient_of_variation") == pytest.approx(100 * math.sqrt(7.25 / 8) / 2.5)
    for name in ("mse", "mae", "rmse", "smape", "mape", "wape", "marre", "rmsle", "coefficient_of_variation",
                 "kl_divergence", "hellinger_distance"):
        assert m(name, Y, Y) == 0.0, name
    assert m("r2_score", Y, Y) == 1.0


def test_percentage_metric_edge_cases():
    zero = np.array([[0.0], [1.0]])
    assert m("smape", zero, zero) == 0.0  # 0/0 terms count 0
    assert m("smape", zero, -zero - 1) == pytest.approx(200.0 * (1 + 1) / 2 / 1)  # opposite signs give 200
    assert m("mape", zero, zero + 1) == math.inf
    assert m("mape", zero, np.array([[0.0], [2.0]])) == pytest.approx(50.0)
    with pytest.raises(InvalidParameterError, match="-1"):
        m("rmsle", Y - 3, P)
    assert m("rmsle", Y, P - 10) == math.inf


def test_correlations_match_scipy():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((50, 3))
    p = y + 0.7 * rng.standard_normal((50, 3))
    for name, ref in (("pearson", stats.pearsonr), ("spearman", stats.spearmanr), ("kendall", stats.kendalltau)):
        expected = np.mean([ref(y[:, i], p[:, i])[0] for i in range(3)])
        assert m(name, y, p) == pytest.approx(expected, rel=1e-12)
        assert m(name, y, y) == pytest.approx(1.0)
    assert math.isnan(m("pearson", Y, np.ones_like(Y)))  # constant forecast: undefined, no crash


def test_histogram_metrics_exact():
    a, b = np.array([[0.0], [0.0], [0.0], [1.0]]), np.array([[0.0], [1.0], [1.0], [1.0]])
    # n = 4: ceil(log2 4) + 1 = 3 shared bins on [0, 1]; counts [3, 0, 1] and [1, 0, 3].
    assert m("hellinger_distance", a, b) == pytest.approx(math.sqrt(1 - 2 * math.sqrt(0.75 * 0.25)))
    alpha = 1e-5
    p = (np.array([3, 0, 1]) + alpha) / (4 + 3 * alpha)
    q = (np.array([1, 0, 3]) + alpha) / (4 + 3 * alpha)
    assert m("kl_divergence", a, b) == pytest.approx(np.sum(p * np.log(p / q)))
    # Identical series with 8 distinct values: 4 bins of 2 values each, MI = entropy = log 4.
    x = np.arange(8.0).reshape(-1, 1)
    assert m("mutual_information", x, x) == pytest.approx(math.log(4))
    assert m("mutual_information", x, np.zeros_like(x)) == pytest.approx(0.0)
    two = np.hstack([x, x[::-1]])
    assert m("mutual_information", two, two) == pytest.approx(math.log(4))


def test_non_finite_forecasts_give_worst_or_undefined_scores():
    bad = P.copy()
    bad[2, 1] = np.nan
    assert m("mse", Y, bad) == math.inf and m("smape", Y, bad) == math.inf
    assert math.isnan(m("pearson", Y, bad)) and math.isnan(m("r2_score", Y, bad))
    assert m("d_stsp", Y, np.full((3, 2), np.inf)) == math.inf


# --------------------------------------------------------------------------------------------------------------
# Horizon metrics


def _diverging(n=100, k_cross=37, scale=(2.0, 0.5)):
    """A forecast whose normalised RMS error is 0.1 before step ``k_cross`` and 0.6 from it on."""
    rng = np.random.default_rng(1)
    y = rng.standard_normal((n, 2))
    error = np.where(np.arange(n) < k_cross, 0.1, 0.6)[:, None] * np.asarray(scale)
    return y, y + error, {"dt": 0.1, "lyapunov_max": 0.5, "scale": np.asarray(scale)}


def test_vpt_nrmse_and_error_curve():
    y, p, ctx = _diverging()
    assert m("vpt_nrmse", y, p, **ctx) == pytest.approx(37 * 0.1 * 0.5)
    t, err = chaosbench.error_curve(y, p, context=ctx)
    np.testing.assert_allclose(t, np.arange(100) * 0.05)
    np.testing.assert_allclose(err, np.where(np.arange(100) < 37, 0.1, 0.6))
    assert m("vpt_nrmse", y, y + 0.1, **ctx) == pytest.approx(100 * 0.05)  # never exceeded: the full horizon
    p[20, 0] = np.nan  # a non-finite step ends the valid time
    assert m("vpt_nrmse", y, p, **ctx) == pytest.approx(20 * 0.05)
    assert m("vpt_nrmse", y, p + np.inf, **ctx) == 0.0


def test_vpt_smape_running_mean():
    y = np.ones((40, 2))
    p = np.where(np.arange(40)[:, None] < 10, 1.0, 3.0) * np.ones((1, 2))  # sMAPE 0, then 100 per step
    # Running mean 100 (k - 9) / (k + 1) first exceeds 30 at k = 14.
    assert m("vpt_smape", y, p, dt=0.1, lyapunov_max=0.5) == pytest.approx(14 * 0.05)
    assert m("vpt_smape", y, y, dt=0.1, lyapunov_max=0.5) == pytest.approx(40 * 0.05)


# --------------------------------------------------------------------------------------------------------------
# Errors


def test_bad_input_is_rejected_with_a_clear_message():
    with pytest.raises(InvalidParameterError, match="same shape"):
        m("mse", Y, P[:3])
    with pytest.raises(InvalidParameterError, match="2-D"):
        m("mse", Y[:, 0], P[:, 0])
    with pytest.raises(InvalidParameterError, match="y_true must be finite"):
        m("mse", np.full_like(Y, np.nan), P)
    with pytest.raises(InvalidParameterError, match="same dimension"):
        m("d_stsp", Y, P[:, :1])
    with pytest.raises(InvalidParameterError, match="mapping"):
        chaosbench.get_metric("mse")(Y, P, context=[1.0])


@pytest.mark.parametrize("name, context, key", [
    ("nrmse", {}, "scale"),
    ("mase", {}, "train"),
    ("vpt_nrmse", {"dt": 0.1, "scale": [1.0, 1.0]}, "lyapunov_max"),
    ("vpt_smape", {"lyapunov_max": 1.0}, "dt"),
    ("lyapunov_error", {}, "dt"),
])
def test_missing_context_key_is_named(name, context, key):
    with pytest.raises(InvalidParameterError, match=f"context\\['{key}'\\]"):
        m(name, **context)


def test_invalid_context_values():
    with pytest.raises(InvalidParameterError, match="scale"):
        m("nrmse", scale=[1.0, 0.0])
    with pytest.raises(InvalidParameterError, match="scale"):
        m("nrmse", scale=[1.0, 1.0, 1.0])
    with pytest.raises(InvalidParameterError, match="dt"):
        m("vpt_smape", dt=-1.0, lyapunov_max=1.0)
    with pytest.raises(InvalidParameterError, match="constant"):
        m("mase", train=np.ones((5, 2)))


# --------------------------------------------------------------------------------------------------------------
# Long-term metrics: noise floor (truth against an independent truth) and separation (Lorenz against Rössler)


@pytest.fixture(scope="module")
def attractors():
    lorenz, rossler = chaosbench.get_system("Lorenz"), chaosbench.get_system("Rossler")
    return {
        "a": lorenz.trajectory(20000, dt=0.01, seed=0).x,
        "b": lorenz.trajectory(20000, dt=0.01, seed=1).x,
        "lorenz": lorenz.trajectory(20000, pts_per_period=100, seed=0).x,
        "rossler": rossler.trajectory(20000, pts_per_period=100, seed=0).x,
    }


def test_d_stsp_noise_floor_and_separation(attractors):
    floor = m("d_stsp", attractors["a"], attractors["b"])  # measured 0.48
    separation = m("d_stsp", attractors["lorenz"], attractors["rossler"])  # measured 14.2
    assert 0 < floor < 1 and separation > 5
    assert m("d_stsp", attractors["a"], attractors["a"]) == 0.0
    # Lengths may differ; a shorter sample leaves more of the truth's bins empty, so its floor is higher (2.2).
    assert floor < m("d_stsp", attractors["a"], attractors["b"][:5000]) < 5


def test_d_h_noise_floor_and_separation(attractors):
    floor = m("d_h", attractors["a"], attractors["b"])  # measured 0.034
    separation = m("d_h", attractors["lorenz"], attractors["rossler"])  # measured 0.65
    assert 0 < floor < 0.1 and separation > 0.3
    assert m("d_h", attractors["a"], attractors["a"]) == pytest.approx(0.0, abs=1e-7)


def test_invariant_errors_noise_floor(attractors):
    a, b = attractors["a"], attractors["b"]
    lyap = m("lyapunov_error", a, b, dt=0.01, lyapunov_max=0.9056)  # measured 0.087 (lambda_est 0.93 for a)
    assert lyap < 0.25
    assert m("lyapunov_error", a, a, dt=0.01) == 0.0
    assert m("corrdim_error", a, b) < 0.15  # measured 0.020
    assert m("corrdim_error", attractors["lorenz"], attractors["rossler"]) > 0.2  # measured 0.39
    assert m("corrdim_error", a, np.ones_like(a)) > 1.5  # a fixed point has D2 = 0


def test_d_stsp_gaussian_mixture_above_five_dimensions():
    lorenz96 = chaosbench.get_system("Lorenz96")
    x = lorenz96.trajectory(3000, pts_per_period=20, seed=0).x
    y = lorenz96.trajectory(3000, pts_per_period=20, seed=1).x
    assert x.shape[1] > 5
    assert m("d_stsp", x, x) == 0.0
    floor = m("d_stsp", x, y)
    assert floor == m("d_stsp", x, y)  # fixed Monte-Carlo seed: deterministic
    assert floor < 0.3 and m("d_stsp", x, np.full_like(y, x.mean())) > 5 * floor
