"""The forecaster protocol: a base class that validates input, a registry, and a class decorator.

An author subclasses :class:`Forecaster`, stores hyper-parameters in ``__init__``, and writes ``_fit(train, dt)``
and ``_predict(n_steps, context)`` (with a ``covariates`` argument each when the class is tagged
``uses_covariates``); the public :meth:`Forecaster.fit` and :meth:`Forecaster.predict` check everything else.
"""

from __future__ import annotations

import inspect

import numpy as np

from .._core.optional import is_installed, missing
from .._core.registry import Registry
from .._core.validation import POSITIVE_FLOAT, POSITIVE_INT, check_param, validate_params
from ..exceptions import InvalidParameterError, NotFittedError, UnknownForecasterError, did_you_mean

__all__ = ["Forecaster", "forecaster", "get_forecaster", "list_forecasters"]

_registry = Registry("forecaster", "chaosbench.forecasters", "chaosbench.forecasters",
                     unknown_error=UnknownForecasterError)


def _as_series(data, what: str, dim: int | None = None, min_length: int = 1, columns: str = "dim") -> np.ndarray:
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{what} must be a 2-D array of numbers") from None
    if arr.ndim != 2:
        raise InvalidParameterError(f"{what} must be 2-D (n_steps, {columns}), got shape {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise InvalidParameterError(f"{what} has {arr.shape[1]} variables, the forecaster was fitted on {dim}")
    if len(arr) < min_length:
        raise InvalidParameterError(f"{what} has {len(arr)} time steps; at least {min_length} are needed")
    if not np.isfinite(arr).all():
        raise InvalidParameterError(f"{what} contains NaN or infinite values")
    return np.ascontiguousarray(arr)


def _as_covariates(covariates, n_rows: int, what: str, n_columns: int | None = None) -> np.ndarray:
    """Known inputs as an (n_rows, k) float array; ``None`` means none (k = 0)."""
    if covariates is None:
        arr = np.zeros((n_rows, 0))
    else:
        arr = _as_series(covariates, what, columns="n_covariates")
        if len(arr) != n_rows:
            raise InvalidParameterError(f"{what} has {len(arr)} rows, expected {n_rows}")
    if n_columns is not None and arr.shape[1] != n_columns:
        raise InvalidParameterError(f"{what} has {arr.shape[1]} columns; the forecaster was fitted with "
                                    f"{n_columns}")
    return arr


class Forecaster:
    """Base class of forecasters.

    Subclasses store their hyper-parameters in ``__init__`` (one attribute per argument, nothing else), implement
    ``_fit(train, dt)`` and ``_predict(n_steps, context)``, and name fitted state with a trailing underscore. A
    subclass tagged ``uses_covariates`` implements ``_fit(train, dt, covariates)`` and
    ``_predict(n_steps, context, covariates)`` instead; its covariates are (n, k) arrays, k = 0 when none were given.
    A subclass tagged ``uses_validation`` also takes ``validation``, a list of checked Windows (empty when none
    were given), as a keyword of ``_fit``.

    Class attributes
    ----------------
    min_train : int
        Fewest training steps with the default hyper-parameters; a forecaster whose need depends on its
        hyper-parameters also overrides :meth:`required_train`, which :meth:`fit` checks.
    tags : dict
        Capabilities: ``needs_context`` (predicting needs a context window, e.g. to warm up a reservoir),
        ``stochastic`` (depends on ``random_state``), ``requires`` (the import name of an optional dependency,
        or None), ``uses_covariates`` (reads known inputs such as a forcing phase; others ignore them),
        ``uses_validation`` (may stop training or select parameters on the validation windows given to ``fit``),
        ``pretrained`` (a zero-shot model: ``fit`` only records the data and predictions come from the context
        alone, checked by :func:`~chaosbench.check_forecaster`), ``family`` (for tables: ``"baseline"``,
        ``"classical"``, ``"regression"``, ``"dynamical"``, ``"reservoir"``, ``"deep"``, ``"pretrained"`` or
        ``"other"``), ``library`` (for tables: what it is built on when that is not ``requires``, e.g.
        ``"statsmodels"``; numpy when neither is set).
    search_space : dict
        A small default hyper-parameter grid: name -> list of candidate values.
    parameter_constraints : dict
        What each hyper-parameter may be: name -> list of constraints, any of which is enough (see
        ``chaosbench._core.validation``: ``Interval(int, 1, None)``, ``Options({...})``, ``"boolean"``, ``None``, a
        type); :meth:`fit` checks :meth:`get_params` against it. Checks that relate several hyper-parameters, or
        the hyper-parameters and the data, belong in ``_fit``.
    """

    min_train: int = 2
    tags: dict = {"needs_context": False, "stochastic": False, "requires": None, "uses_covariates": False,
                  "uses_validation": False, "pretrained": False, "family": "other", "library": None}
    search_space: dict = {}
    parameter_constraints: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.tags = {**super(cls, cls).tags, **cls.__dict__.get("tags", {})}  # a subclass's tags extend its parent's

    # --- scikit-learn style parameters ----------------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p.name for p in sig.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]

    def get_params(self) -> dict:
        """Hyper-parameters as given to ``__init__``."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> Forecaster:
        """Set hyper-parameters (unknown names are errors); returns self."""
        known = self._param_names()
        for key, value in params.items():
            if key not in known:
                raise InvalidParameterError(f"{type(self).__name__} has no hyper-parameter {key!r}."
                                            f"{did_you_mean(key, known) or ' Known: ' + ', '.join(known)}")
            setattr(self, key, value)
        return self

    def clone(self) -> Forecaster:
        """An unfitted copy with the same hyper-parameters."""
        return type(self)(**self.get_params())

    def check_params(self) -> Forecaster:
        """Check the hyper-parameters, each against ``parameter_constraints`` and then how they relate
        (``_check_params``, a hook for subclasses); an :class:`InvalidParameterError` for a bad one. ``fit`` calls
        it, and ``chaosbench run`` before any cell; returns self."""
        validate_params(self.parameter_constraints, self.get_params(), owner=type(self).__name__)
        self._check_params()
        return self

    def _check_params(self) -> None:
        """Check what relates several hyper-parameters (override); each alone is checked against
        ``parameter_constraints``."""

    def required_train(self) -> int:
        """Fewest training steps this forecaster needs with its hyper-parameters (``min_train`` unless a subclass
        derives it from them, e.g. a training window's length)."""
        return self.min_train

    @classmethod
    def unavailable_reason(cls, **params) -> str | None:
        """Why this forecaster cannot run here with these hyper-parameters (e.g. a missing optional library, in
        one line with the install command), or None when it can. A forecaster that needs more (model weights)
        extends it."""
        requires = cls.tags.get("requires")
        if requires and not is_installed(requires):
            return missing(requires)
        return None

    @classmethod
    def get_test_params(cls) -> dict:
        """Hyper-parameters that make :func:`chaosbench.check_forecaster` fast (e.g. a small network trained for two
        epochs); a slow forecaster overrides this. The defaults are exercised elsewhere."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # --- the protocol ---------------------------------------------------------------------------------------
    def fit(self, train, dt: float, covariates=None, validation=None) -> Forecaster:
        """Learn from ``train`` (n_steps, dim), sampled every ``dt`` time units; returns self.

        ``covariates`` (n_steps, k), optional: inputs known at each training step (e.g. sin and cos of a forcing
        phase); forecasters tagged ``uses_covariates`` learn from them, the others ignore them.

        ``validation``, optional: :class:`~chaosbench.Window` s of trajectories independent of ``train`` and of
        everything scored (a task's ``validation`` windows); forecasters tagged ``uses_validation`` may use them to
        decide when to stop training or which parameters to keep, the others ignore them.
        """
        self.check_params()
        train = _as_series(train, "training data")
        need = self.required_train()
        if len(train) < need:
            raise InvalidParameterError(f"training data has {len(train)} time steps; {type(self).__name__} needs at "
                                        f"least {need} with these hyper-parameters")
        check_param(dt, "dt", [POSITIVE_FLOAT])
        covariates = _as_covariates(covariates, len(train), "training covariates")
        self.n_features_ = train.shape[1]
        self.n_covariates_ = covariates.shape[1]
        self.dt_ = float(dt)
        self.last_window_ = train
        self.train_covariates_ = covariates
        args = (train, float(dt), covariates) if self.tags.get("uses_covariates") else (train, float(dt))
        if self.tags.get("uses_validation"):
            self._fit(*args, validation=self._check_validation(validation))
        else:
            self._fit(*args)
        return self

    def _check_validation(self, windows) -> list:
        """``windows`` as a list of Windows whose arrays match the training data's dimension and covariates."""
        if windows is None:
            return []
        checked = []
        for i, w in enumerate(windows):
            if not all(hasattr(w, a) for a in ("context", "target", "context_covariates", "target_covariates")):
                raise InvalidParameterError(f"validation[{i}] must be a chaosbench.Window, got {type(w).__name__}")
            context = _as_series(w.context, f"validation[{i}].context", dim=self.n_features_)
            target = _as_series(w.target, f"validation[{i}].target", dim=self.n_features_)
            checked.append(type(w)(context, target,
                                   _as_covariates(w.context_covariates, len(context), f"validation[{i}] covariates",
                                                  n_columns=self.n_covariates_),
                                   _as_covariates(w.target_covariates, len(target), f"validation[{i}] covariates",
                                                  n_columns=self.n_covariates_)))
        return checked

    def predict(self, n_steps: int, context=None, covariates=None) -> np.ndarray:
        """Forecast ``n_steps`` steps after the end of the training data, or after ``context`` (n, dim) if given.

        ``covariates`` are the known inputs over ``context`` followed by the ``n_steps`` forecast steps
        (len(context) + n_steps rows; n_steps rows without a context), with as many columns as at fitting; required
        when the forecaster was fitted with covariates. Returns an array of shape (n_steps, dim).
        """
        if not hasattr(self, "n_features_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted: call fit(train, dt) first")
        check_param(n_steps, "n_steps", [POSITIVE_INT])
        if context is not None:
            context = _as_series(context, "context", dim=self.n_features_)
        uses = self.tags.get("uses_covariates")
        if covariates is None and self.n_covariates_ and uses:
            raise InvalidParameterError(f"{type(self).__name__} was fitted with {self.n_covariates_} covariates; "
                                        "predict needs them over the context and the forecast steps")
        rows = n_steps + (0 if context is None else len(context))
        columns = self.n_covariates_ if uses or covariates is not None else None
        covariates = _as_covariates(covariates, rows, "covariates", n_columns=columns)
        if context is None and self.tags.get("needs_context"):
            context = self.last_window_
            covariates = np.vstack([self.train_covariates_, covariates])
        if self.tags.get("uses_covariates"):
            out = self._predict(int(n_steps), context, covariates)
        else:
            out = self._predict(int(n_steps), context)
        out = np.asarray(out, dtype=float)
        if out.shape != (n_steps, self.n_features_):
            raise RuntimeError(f"{type(self).__name__}._predict returned shape {out.shape}, "
                               f"expected {(n_steps, self.n_features_)}")
        return out

    def _fit(self, train: np.ndarray, dt: float) -> None:
        raise NotImplementedError

    def _predict(self, n_steps: int, context: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError


def forecaster(name: str, *, replace: bool = False):
    """Class decorator registering a :class:`Forecaster` subclass under ``name``."""

    def register(cls):
        if not (isinstance(cls, type) and issubclass(cls, Forecaster)):
            raise TypeError(f"@forecaster({name!r}) must decorate a subclass of chaosbench.Forecaster")
        _registry.register(name, cls, replace=replace, module=cls.__module__)
        cls.name = name
        return cls

    return register


def get_forecaster(name: str, **params) -> Forecaster:
    """A new, unfitted instance of the forecaster registered as ``name`` with the given hyper-parameters."""
    return forecaster_class(name)().set_params(**params)


def list_forecasters(tag: str | None = None) -> list[str]:
    """Sorted names of registered forecasters, optionally only those whose capability ``tag`` is true."""
    return _registry.names(lambda cls: tag is None or cls.tags.get(tag))


def forecaster_class(name: str) -> type:
    """The registered class (for introspection: tags, search space, docstring)."""
    return _registry.lookup(name)
