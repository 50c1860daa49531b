"""The contract every registered forecaster must pass (:func:`check_forecaster`)."""

from __future__ import annotations

import numpy as np

from .._dynamics.system import get_system

__all__ = ["check_forecaster"]


def check_forecaster(forecaster_or_name, *, n_train: int = 400, horizon: int = 50, **params) -> None:
    """Assert the forecaster contract; raises AssertionError naming the first violation.

    On standardized Lorenz: ``fit`` returns self and sets fitted attributes ending in ``_``; ``predict`` returns
    finite (horizon, 3) arrays with and without a context window, and with covariates (a forecaster tagged
    ``uses_covariates`` must respond to them); two fits with the same ``random_state`` predict
    identically; ``get_params``/``set_params``/``clone`` round-trip; the search space names real hyper-parameters;
    and predicting before fitting, a context of the wrong dimension, NaN in the training data and too little
    training data each raise a clear chaosbench error. ``params`` override hyper-parameters (e.g. to keep it fast).
    """
    from .forecaster import Forecaster, get_forecaster
    from ..exceptions import ChaosbenchError, NotFittedError

    if isinstance(forecaster_or_name, Forecaster):
        model = forecaster_or_name.clone().set_params(**params)
    else:
        model = get_forecaster(forecaster_or_name, **params)
    label = type(model).__name__
    data = get_system("Lorenz").trajectory(n_train + 150, pts_per_period=50, seed=0, standardize=True).x
    train, context = data[:n_train], data[n_train:n_train + 100]

    try:
        model.clone().predict(5)
    except NotFittedError:
        pass
    else:
        raise AssertionError(f"{label}: predict before fit did not raise NotFittedError")

    fitted = model.clone()
    assert fitted.fit(train, 0.02) is fitted, f"{label}: fit must return self"
    assert any(k.endswith("_") and not k.startswith("_") for k in vars(fitted)), f"{label}: no fitted attributes"
    for ctx in (None, context):
        out = fitted.predict(horizon, context=ctx)
        assert out.shape == (horizon, 3), f"{label}: predict returned shape {out.shape}"
        assert np.isfinite(out).all(), f"{label}: forecast on Lorenz is not finite"

    # Known inputs (sin and cos of a forcing phase): accepted by every forecaster, used by those tagged so.
    phase = 2 * np.pi * 0.02 * np.arange(n_train + 100 + horizon) / 1.5
    covariates = np.c_[np.sin(phase), np.cos(phase)]
    with_covariates = model.clone().fit(train, 0.02, covariates=covariates[:n_train])
    for ctx, rows in ((None, covariates[n_train + 100:]), (context, covariates[n_train:])):
        out = with_covariates.predict(horizon, context=ctx, covariates=rows)
        assert out.shape == (horizon, 3) and np.isfinite(out).all(), (
            f"{label}: forecast with covariates has shape {out.shape} or is not finite")
    if type(model).tags.get("uses_covariates"):
        moved = with_covariates.predict(horizon, context=context, covariates=covariates[n_train:] + 0.5)
        assert not np.array_equal(moved, with_covariates.predict(horizon, context=context,
                                                                  covariates=covariates[n_train:])), (
            f"{label}: is tagged uses_covariates but its forecast ignores them")

    params_now = model.get_params()
    if "random_state" in params_now:
        a = model.clone().set_params(random_state=3).fit(train, 0.02).predict(horizon, context=context)
        b = model.clone().set_params(random_state=3).fit(train, 0.02).predict(horizon, context=context)
        assert np.array_equal(a, b), f"{label}: predictions differ for the same random_state"
    assert model.clone().get_params() == params_now, f"{label}: clone/get_params do not round-trip"
    for key, values in type(model).search_space.items():
        assert key in params_now and len(values) > 0, f"{label}: search space names unknown parameter {key!r}"

    bad = train.copy()
    bad[5, 1] = np.nan
    for description, call in (
        ("wrong-dimension context", lambda: fitted.predict(5, context=context[:, :2])),
        ("NaN in training data", lambda: model.clone().fit(bad, 0.02)),
        ("too little training data", lambda: model.clone().fit(train[: type(model).min_train - 1], 0.02)),
        ("non-positive n_steps", lambda: fitted.predict(0)),
        ("covariates of the wrong length", lambda: model.clone().fit(train, 0.02, covariates=covariates[:10])),
        ("covariates with other columns than at fitting",
         lambda: with_covariates.predict(5, context=context, covariates=covariates[:105, :1])),
    ):
        try:
            call()
        except ChaosbenchError:
            continue
        raise AssertionError(f"{label}: {description} did not raise a chaosbench error")
