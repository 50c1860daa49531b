"""Contract checks that every registered system and forecaster must pass."""

from __future__ import annotations

import numpy as np

from ._invariants import lyapunov_max_reference, lyapunov_spectrum
from ._registry import System, get_system

__all__ = ["check_system", "check_forecaster"]


def _declared_rhs(system: System, u: np.ndarray, t: float) -> np.ndarray:
    """The declaration evaluated in plain Python/numpy, bypassing tracing and compilation."""
    d = system._definition
    kwargs = dict(system.params) | ({"t": t} if d.nonautonomous else {})
    args = (u.copy(),) if d.vector else tuple(u) + (tuple(u) if d.delay else ())
    return np.asarray(d.function(*args, **kwargs), dtype=float).ravel()


def check_system(system_or_name, *, n: int = 1000, lyapunov_periods: float = 200.0, seed: int = 0) -> None:
    """Assert the contract of a system; raises AssertionError naming the first violation.

    Checks: the compiled right-hand side is finite at the initial condition and equals the declared Python function
    at states along the attractor; the Jacobian matches central finite differences; an ``n``-point trajectory stays
    finite and bounded; parameters round-trip through :meth:`System.with_params`; ``standardize`` gives zero mean
    and unit variance; the largest Lyapunov exponent is positive unless the system is tagged ``nonchaotic`` (for
    systems tagged ``discontinuous`` it is estimated from two trajectories, without the Jacobian).
    """
    s = system_or_name if isinstance(system_or_name, System) else get_system(system_or_name)
    name = s.name
    assert np.isfinite(s.rhs(s.ic)).all(), f"{name}: right-hand side is not finite at the initial condition"

    traj = s.trajectory(n)
    x = traj.x
    assert x.shape == (n, s.dim) and np.isfinite(x).all(), f"{name}: trajectory is not finite"
    bounded = [i for i in range(s.dim) if i not in s.unbounded]
    assert np.abs(x[:, bounded]).max(initial=0) < 1e6 * max(1.0, np.abs(s.ic).max()), f"{name}: trajectory is unbounded"
    assert (x.std(axis=0) > 0).any(), f"{name}: trajectory is stationary (a fixed point?)"

    rng = np.random.default_rng(seed)
    for i in rng.choice(n, size=5, replace=False):
        u, t = x[i], float(traj.t[i])
        compiled, declared = s.rhs(u, t), _declared_rhs(s, u, t)
        held = u if s.delay is not None else None
        assert np.allclose(compiled, declared, rtol=1e-12, atol=1e-12 * np.abs(declared).max()), (
            f"{name}: compiled right-hand side {compiled} differs from the declaration {declared} at {u}")
        J = s.jac(u, t, held)
        scale = np.maximum(np.abs(u), 1.0)
        fd = np.empty_like(J)
        for j in range(s.dim):
            h = 1e-6 * scale[j]
            e = np.zeros(s.dim)
            e[j] = h
            fd[:, j] = (s.rhs(u + e, t, held) - s.rhs(u - e, t, held)) / (2 * h)
        tol = 1e-5 * max(1.0, np.abs(J).max())
        assert np.allclose(J, fd, rtol=1e-5, atol=tol), f"{name}: Jacobian differs from finite differences at {u}"

    same = s.with_params(**s.params)
    assert all(np.array_equal(same.params[k], v) for k, v in s.params.items()), (
        f"{name}: parameters do not round-trip through with_params")
    assert np.array_equal(same.rhs(x[0], 0.0), s.rhs(x[0], 0.0)), f"{name}: with_params changed the equations"

    z = s.trajectory(n, standardize=True).x
    varying = x.std(axis=0) > 0
    assert np.allclose(z.mean(axis=0), 0, atol=1e-9), f"{name}: standardized mean is not zero"
    assert np.allclose(z.std(axis=0)[varying], 1, atol=1e-9), f"{name}: standardized std is not one"

    if "nonchaotic" not in s.tags:
        if "discontinuous" in s.tags:  # the tangent-space method cannot see the jumps
            lam = lyapunov_max_reference(s, n_periods=lyapunov_periods)
        else:
            lam = lyapunov_spectrum(s, 1, n_periods=lyapunov_periods)[0]
        assert lam > 0, f"{name}: largest Lyapunov exponent {lam:.3g} is not positive"


def check_forecaster(forecaster_or_name, *, n_train: int = 400, horizon: int = 50, **params) -> None:
    """Assert the forecaster contract; raises AssertionError naming the first violation.

    On standardized Lorenz: ``fit`` returns self and sets fitted attributes ending in ``_``; ``predict`` returns
    finite (horizon, 3) arrays with and without a context window, and with covariates (a forecaster tagged
    ``uses_covariates`` must respond to them); two fits with the same ``random_state`` predict
    identically; ``get_params``/``set_params``/``clone`` round-trip; the search space names real hyper-parameters;
    and predicting before fitting, a context of the wrong dimension, NaN in the training data and too little
    training data each raise a clear chaosbench error. ``params`` override hyper-parameters (e.g. to keep it fast).
    """
    from ._forecaster import Forecaster, get_forecaster
    from .exceptions import ChaosbenchError, NotFittedError

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
