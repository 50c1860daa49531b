"""The contract every registered forecaster must pass (:func:`check_forecaster`)."""

from __future__ import annotations

import copy

import numpy as np

from .._dynamics.system import get_system
from ..exceptions import ChaosbenchError, ContractError, NotFittedError
from .forecaster import Forecaster, get_forecaster

__all__ = ["check_forecaster"]

DT = 0.02  # sampling interval of the check's Lorenz data, passed to fit


def _same(a, b) -> bool:
    """Deep equality of hyper-parameter values: same types, arrays element-wise (NaN equal to NaN), containers item
    by item."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.all((a == b) | ((a != a) & (b != b))))
    return a is b or a == b or (a != a and b != b)


def _differing(a: dict, b: dict) -> list[str]:
    """Names whose values differ between two get_params() dictionaries (or that only one has)."""
    return sorted(k for k in a.keys() | b.keys() if k not in a or k not in b or not _same(a[k], b[k]))


def _attributes_beyond_params(model: Forecaster) -> list[str]:
    return sorted(set(vars(model)) - set(model._param_names()))


def check_forecaster(forecaster_or_name, *, n_train: int = 400, horizon: int = 50, **params) -> None:
    """Check the forecaster contract; raises :class:`~chaosbench.exceptions.ContractError` naming the first
    violation and its check.

    A registered name is instantiated with its class's :meth:`~chaosbench.Forecaster.get_test_params` (fast
    settings), an instance keeps its hyper-parameters; ``params`` override both (a ``random_state`` of None becomes
    0, so that two fits are comparable). The data are standardized Lorenz sampled every ``DT`` = 0.02 time units,
    the ``dt`` passed to ``fit``. The checks, in order:

    ``tags_complete``
        ``tags`` has every key of :attr:`Forecaster.tags` (a subclass's tags extend its parent's).
    ``constructible_with_defaults``
        The class builds without arguments (the registry's :func:`~chaosbench.get_forecaster` does).
    ``init_sets_only_params``
        ``__init__`` sets one attribute per hyper-parameter and nothing else.
    ``get_params_round_trip``
        ``type(m)(**m.get_params())`` has the same parameters; ``set_params`` returns the forecaster.
    ``test_params_known``, ``search_space_known``
        ``get_test_params`` and ``search_space`` name hyper-parameters (the grid's lists non-empty).
    ``not_fitted_error``
        ``predict`` before ``fit`` raises :class:`~chaosbench.exceptions.NotFittedError`.
    ``fit_returns_self``, ``params_unchanged_by_fit``, ``fitted_attributes``, ``dt_recorded``
        ``fit`` returns the forecaster, leaves every hyper-parameter as it was (not rebound, not mutated), sets
        attributes ending in ``_``, and records the ``dt`` it was given as ``dt_``.
    ``forecast_shape``
        ``predict`` returns a finite (horizon, 3) array with and without a context window.
    ``fits_on_min_train``
        Fitted on exactly ``required_train()`` points (the need of the hyper-parameters under test; ``min_train``
        unless the class derives it from them), it forecasts (horizon, 3) arrays with and without a context (not
        necessarily finite: a model of so few points may diverge); one point fewer is a clear error
        (``clear_errors``).
    ``covariates_accepted``, ``covariates_used``
        Every forecaster fits and predicts with covariates (sine and cosine of a phase); one tagged
        ``uses_covariates`` forecasts differently when they change.
    ``deterministic``
        Two fits with the same hyper-parameters (``random_state`` included) predict identically, and predicting
        twice from one fit gives the same forecast.
    ``pretrained_ignores_training``
        A forecaster tagged ``pretrained`` forecasts the same from a context whether it was fitted on the Lorenz
        data or on white noise of another mean and scale.
    ``clone_unfitted``
        ``clone`` of a fitted forecaster is a new, unfitted instance (only its hyper-parameters set) with the same
        hyper-parameters.
    ``clear_errors``
        A context of the wrong dimension, NaN in the training data, too little training data, a non-positive
        ``n_steps`` and covariates of the wrong shape each raise a :class:`~chaosbench.exceptions.ChaosbenchError`.
    """
    if isinstance(forecaster_or_name, Forecaster):
        model = forecaster_or_name.clone().set_params(**params)
    else:
        model = get_forecaster(forecaster_or_name)
        model.set_params(**(type(model).get_test_params() | params))
    cls, label = type(model), type(model).__name__
    if model.get_params().get("random_state", 0) is None:
        model.set_params(random_state=0)

    def require(condition, check: str, message: str) -> None:
        if not condition:
            raise ContractError(label, check, message)

    trajectory = get_system("Lorenz").trajectory(max(n_train, cls.min_train) + 100, dt=DT, seed=0, standardize=True)
    dt = trajectory.dt
    train, context = trajectory.x[:n_train], trajectory.x[n_train:n_train + 100]
    phase = 2 * np.pi * dt * np.arange(n_train + len(context) + horizon) / 1.5
    covariates = np.c_[np.sin(phase), np.cos(phase)]  # known inputs over the training data, context and forecast

    # --- the class and its hyper-parameters -------------------------------------------------------------------
    missing = [key for key in Forecaster.tags if key not in cls.tags]
    require(not missing, "tags_complete", f"tags lack the default keys {missing}")
    try:
        default = cls()
    except TypeError as exc:
        raise ContractError(label, "constructible_with_defaults", f"cannot be built without arguments ({exc}); "
                            "every hyper-parameter needs a default") from None
    extra = _attributes_beyond_params(default)
    require(not extra, "init_sets_only_params", f"__init__ sets attributes that are not parameters: {extra}")
    params_now = model.get_params()
    rebuilt = cls(**params_now).get_params()
    require(not _differing(params_now, rebuilt), "get_params_round_trip",
            f"{label}(**get_params()) has other values of {_differing(params_now, rebuilt)}")
    unfitted = model.clone()
    require(unfitted.set_params(**params_now) is unfitted, "get_params_round_trip", "set_params does not return self")
    for what, names in (("test_params_known", cls.get_test_params()), ("search_space_known", cls.search_space)):
        unknown = sorted(set(names) - set(params_now))
        require(not unknown, what, f"names unknown hyper-parameters {unknown}")
    empty = [key for key, values in cls.search_space.items() if len(values) == 0]
    require(not empty, "search_space_known", f"search space has no candidates for {empty}")

    # --- fitting and forecasting ------------------------------------------------------------------------------
    try:
        model.clone().predict(5)
    except NotFittedError:
        pass
    else:
        raise ContractError(label, "not_fitted_error", "predict before fit did not raise NotFittedError")

    fitted = model.clone()
    before = fitted.get_params()
    snapshot = copy.deepcopy(before)
    require(fitted.fit(train, dt) is fitted, "fit_returns_self", "fit does not return self")
    after = fitted.get_params()
    changed = sorted(k for k in before if k not in after or after[k] is not before[k]
                     or (isinstance(before[k], (dict, list, np.ndarray)) and not _same(after[k], snapshot[k])))
    require(not changed, "params_unchanged_by_fit", f"fit changed the hyper-parameters {changed}")
    require(any(k.endswith("_") and not k.startswith("_") for k in vars(fitted)), "fitted_attributes",
            "fit set no attributes ending in '_'")
    require(getattr(fitted, "dt_", None) == dt, "dt_recorded",
            f"dt_ is {getattr(fitted, 'dt_', None)!r} after fit(train, dt={dt!r})")
    forecasts = [fitted.predict(horizon, context=ctx) for ctx in (None, context)]
    for ctx, out in zip((None, context), forecasts):
        require(out.shape == (horizon, 3) and np.isfinite(out).all(), "forecast_shape",
                f"forecast {'with' if ctx is not None else 'without'} a context has shape {out.shape} or is not "
                "finite")

    need = model.required_train()
    try:
        short = model.clone().fit(trajectory.x[:need], dt)
        with np.errstate(all="ignore"):  # a model of so few points may overflow
            outs = [short.predict(horizon, context=ctx) for ctx in (None, context)]
    except ChaosbenchError as exc:
        raise ContractError(label, "fits_on_min_train", f"fails on required_train() = {need} training points: "
                            f"{exc}") from None
    require(all(out.shape == (horizon, 3) for out in outs), "fits_on_min_train",
            f"forecasts after a fit on required_train() = {need} points have the wrong shape")

    with_covariates = model.clone().fit(train, dt, covariates=covariates[:n_train])
    for ctx, rows in ((None, covariates[n_train + len(context):]), (context, covariates[n_train:])):
        out = with_covariates.predict(horizon, context=ctx, covariates=rows)
        require(out.shape == (horizon, 3) and np.isfinite(out).all(), "covariates_accepted",
                f"forecast with covariates has shape {out.shape} or is not finite")
    if cls.tags.get("uses_covariates"):
        moved = with_covariates.predict(horizon, context=context, covariates=covariates[n_train:] + 0.5)
        require(not np.array_equal(moved, with_covariates.predict(horizon, context=context,
                                                                   covariates=covariates[n_train:])),
                "covariates_used", "is tagged uses_covariates but its forecast ignores them")

    def same_forecasts(model_: Forecaster) -> bool:
        return all(np.array_equal(model_.predict(horizon, context=ctx), out)
                   for ctx, out in zip((None, context), forecasts))

    require(same_forecasts(fitted), "deterministic", "predicting twice from one fit gives different forecasts")
    require(same_forecasts(model.clone().fit(train, dt)), "deterministic",
            "two fits with the same hyper-parameters (random_state included) predict differently")

    if cls.tags.get("pretrained"):
        noise = 5.0 + 3.0 * np.random.default_rng(1).standard_normal(train.shape)
        require(np.array_equal(model.clone().fit(noise, dt).predict(horizon, context=context), forecasts[1]),
                "pretrained_ignores_training", "is tagged pretrained but its forecast from a context changes with "
                "the training data")

    clone = fitted.clone()
    require(type(clone) is cls and clone is not fitted, "clone_unfitted", "clone is not a new instance of the class")
    require(not _differing(clone.get_params(), fitted.get_params()), "clone_unfitted",
            f"clone has other values of {_differing(clone.get_params(), fitted.get_params())}")
    require(not _attributes_beyond_params(clone), "clone_unfitted",
            f"clone of a fitted forecaster keeps {_attributes_beyond_params(clone)}")

    # --- bad input --------------------------------------------------------------------------------------------
    bad = train.copy()
    bad[5, 1] = np.nan
    for description, call in (
        ("wrong-dimension context", lambda: fitted.predict(5, context=context[:, :2])),
        ("NaN in training data", lambda: model.clone().fit(bad, dt)),
        ("too little training data", lambda: model.clone().fit(train[:need - 1], dt)),
        ("non-positive n_steps", lambda: fitted.predict(0)),
        ("covariates of the wrong length", lambda: model.clone().fit(train, dt, covariates=covariates[:10])),
        ("covariates with other columns than at fitting",
         lambda: with_covariates.predict(5, context=context, covariates=covariates[:len(context) + 5, :1])),
    ):
        try:
            call()
        except ChaosbenchError:
            continue
        raise ContractError(label, "clear_errors", f"{description} did not raise a chaosbench error")
