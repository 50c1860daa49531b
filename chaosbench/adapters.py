"""Bridges to other forecasting libraries: a darts, sktime or neuralforecast model as a chaosbench forecaster.

``from_darts(model)``, ``from_sktime(forecaster)`` and ``from_neuralforecast(model)`` wrap an unfitted model of that
library in a :class:`~chaosbench.Forecaster` whose hyper-parameters are the model and ``random_state``, so it works in
:class:`~chaosbench.Task`, :func:`~chaosbench.check_forecaster` and (declared in a plugin file) ``chaosbench run``::

    from chaosbench import forecaster
    from chaosbench.adapters import DartsForecaster

    @forecaster("darts_linear")
    class DartsLinear(DartsForecaster):
        @staticmethod
        def default_model():
            from darts.models import LinearRegressionModel
            return LinearRegressionModel(lags=10)

The wrapped model is never fitted itself: every ``fit`` (and every refit on a context) fits a fresh copy, so
``clone`` and ``get_params`` keep scikit-learn's contract. Each copy is seeded from ``random_state`` (darts'
``random_state`` for every model class that takes one, sktime's ``set_random_state``, neuralforecast's
``random_seed``), and the Lightning trainer of every darts torch model and neuralforecast model runs on the CPU (one
device) without progress bar, model summary, logger or checkpoints, whatever the model's own trainer settings say.
Inside ``fit`` and ``predict`` numpy's and (when loaded) torch's global generators are seeded from ``random_state``
and restored afterwards, torch runs on one thread with deterministic algorithms, and the libraries' warnings and
logging are silenced.

Importing this module imports none of the libraries; an adapter whose library is missing raises
:class:`~chaosbench.exceptions.MissingDependencyError` with the install command when it is fitted.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import logging
import sys
import warnings

import numpy as np

from ._core.optional import import_optional
from ._core.validation import Interval
from ._forecasting.forecaster import Forecaster
from .forecasters._neural import _torch_session
from .exceptions import InvalidParameterError

__all__ = ["from_darts", "from_sktime", "from_neuralforecast", "DartsForecaster", "DartsCovariateForecaster",
           "SktimeForecaster", "SktimeCovariateForecaster", "NeuralForecastForecaster"]

# Loggers that announce hardware, seeds and tips on every Lightning run.
_CHATTY_LOGGERS = ("lightning", "lightning.pytorch", "lightning.fabric", "lightning_fabric", "pytorch_lightning",
                   "darts", "neuralforecast", "sktime")
# Lightning trainer settings of every fit and predict: CPU, no progress bar, summary, logger or checkpoints.
_QUIET_TRAINER = {"accelerator": "cpu", "devices": 1, "enable_progress_bar": False, "enable_model_summary": False,
                  "logger": False, "enable_checkpointing": False}


@contextlib.contextmanager
def _library_session(seed: int):
    """Silence warnings and the libraries' loggers, seed numpy's global generator (restored on exit) and, when
    torch is loaded, run torch seeded, deterministic and on one thread (chaosbench's neural forecasters' session)."""
    loggers = [logging.getLogger(name) for name in _CHATTY_LOGGERS]
    levels = [logger.level for logger in loggers]
    numpy_state = np.random.get_state()
    with warnings.catch_warnings(), contextlib.ExitStack() as stack:
        warnings.simplefilter("ignore")
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        np.random.seed(seed)
        if "torch" in sys.modules:
            stack.enter_context(_torch_session(sys.modules["torch"], seed, n_threads=1))
        try:
            yield
        finally:
            np.random.set_state(numpy_state)
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


class _LibraryForecaster(Forecaster):
    """The parameters, model lookup and session shared by the adapters; a subclass names its ``library`` and
    ``model_base`` and implements ``_fit`` and ``_predict`` with optional covariates ((n, k) arrays)."""

    library: str = ""
    model_base: tuple = ("", "")  # module and name of the library's model base class
    tags = {"stochastic": True, "family": "other"}
    parameter_constraints = {"model": [None, object],  # the library's model class, checked in _fit
                             "random_state": [Interval(int, 0, None)]}

    def __init__(self, model=None, random_state=0):
        self.model = model
        self.random_state = random_state

    @staticmethod
    def default_model():
        """The model used when ``model`` is None; a subclass declared with ``@forecaster`` overrides this (importing
        its library inside), so that the registry can build it without arguments."""
        return None

    @classmethod
    def _checked(cls, model, user: str):
        """The library module, after checking that ``model`` is one of its models (``user`` names the caller in
        the missing-library message)."""
        module = import_optional(cls.library, user)
        base_module, base_name = cls.model_base
        if not isinstance(model, getattr(importlib.import_module(base_module), base_name)):
            raise InvalidParameterError(f"{cls.__name__} needs a {cls.library} model ({base_module}.{base_name}), "
                                        f"got {model!r}: pass one or define default_model()")
        return module

    def _library(self):
        """The library module and the model to wrap."""
        import_optional(self.library, type(self).__name__)
        with self._session():  # a model's constructor may seed and log (neuralforecast's does)
            model = self.default_model() if self.model is None else self.model
        return self._checked(model, type(self).__name__), model

    def _session(self):
        return _library_session(int(self.random_state))

    def required_train(self):
        """The training length the wrapped model needs (as the library states it), at least ``min_train``."""
        return max(self.min_train, self._model_required_train(self._library()[1]))

    @staticmethod
    def _model_required_train(model) -> int:
        return 0


def _covariates(covariates, n_rows: int) -> np.ndarray:
    """Covariates as given to an adapter: an (n, k) array, k = 0 when the class is not tagged uses_covariates."""
    return np.zeros((n_rows, 0)) if covariates is None else covariates


# --- darts ----------------------------------------------------------------------------------------------------------

def _darts_uses_covariates(model) -> bool:
    """Whether a darts model reads future covariates: it supports them and (for lag-regression models) has lags
    for them."""
    params = model.model_params
    return bool(model.supports_future_covariates) and params.get("lags_future_covariates", True) is not None


def _is_darts_torch_model(model_class: type) -> bool:
    """Whether a darts model class is a torch model, whose constructor takes ``random_state`` and
    ``pl_trainer_kwargs`` as keyword arguments (not in its signature)."""
    from darts.models.forecasting.torch_forecasting_model import TorchForecastingModel

    return issubclass(model_class, TorchForecastingModel)


class DartsForecaster(_LibraryForecaster):
    """A darts forecasting model as a chaosbench forecaster (``from_darts(model)``).

    ``fit`` fits a fresh copy of ``model`` (``type(model)(**model.model_params)``, with ``random_state`` set to
    this forecaster's for every model class that takes one, whether or not the model was built with it, and for
    every torch model ``pl_trainer_kwargs`` extended by Lightning's CPU, one-device, no-progress-bar, no-logger
    settings, which override the model's own) on the training data, one multivariate ``TimeSeries`` when the
    model is multivariate, otherwise one series per variable (a global model is fitted once on the list of them,
    a local model once per variable).
    ``predict(n_steps, context)``:

    * global models (``supports_transferable_series_prediction``: lag regressions, torch models) keep the weights
      fitted on the training data and forecast with ``model.predict(n_steps, series=context)``: the training data
      only train, the context only conditions;
    * local models (exponential smoothing, ARIMA, Theta, ...) cannot forecast another series, so a fresh copy is
      fitted on the context alone and forecasts from its end; the training data are then unused.

    Without a context both forecast from the end of the training data. Forecasts beyond a model's output chunk are
    darts' own autoregression. :class:`DartsCovariateForecaster` (what ``from_darts`` returns for a model that reads
    future covariates) passes the known covariates as darts future covariates.

    Parameters
    ----------
    model : darts.models.forecasting.forecasting_model.ForecastingModel or None
        The unfitted model (it is never fitted itself); None uses :meth:`default_model`.
    random_state : int
        Seeds the model copies and numpy's and torch's generators during ``fit`` and ``predict``.

    References
    ----------
    Herzen, J. et al. "Darts: User-friendly modern machine learning for time series." Journal of Machine Learning
    Research 23(124), 2022.
    """

    library = "darts"
    model_base = ("darts.models.forecasting.forecasting_model", "ForecastingModel")
    tags = {"requires": "darts"}

    @staticmethod
    def _model_required_train(model) -> int:
        return int(model.min_train_series_length)

    def _copy(self, with_covariates: bool):
        """A fresh, unfitted copy of the wrapped model, seeded and (for torch models) quiet on the CPU."""
        model_class = type(self.model_template_)
        params = copy.deepcopy(dict(self.model_template_.model_params))
        torch_model = _is_darts_torch_model(model_class)
        if torch_model or "random_state" in inspect.signature(model_class).parameters:
            params["random_state"] = int(self.random_state)
        if torch_model:
            params["pl_trainer_kwargs"] = {**(params.get("pl_trainer_kwargs") or {}), **_QUIET_TRAINER}
        if not with_covariates and params.get("lags_future_covariates") is not None:
            params["lags_future_covariates"] = None  # fitted without covariates: nothing to lag
        return model_class(**params)

    def _groups(self, values, covariates):
        """What each model copy is fitted on or predicts from, ``(series, future_covariates or None)``: one
        multivariate series, one list of per-variable series for a global univariate model, or per variable."""
        series = self.darts_.TimeSeries.from_values
        future = series(covariates) if self.uses_covariates_ else None
        if self.multivariate_:
            return [(series(values), future)]
        columns = [series(values[:, [j]]) for j in range(values.shape[1])]
        if self.global_:
            return [(columns, None if future is None else [future] * len(columns))]
        return [(column, future) for column in columns]

    def _keywords(self, future):
        return {**({"verbose": False} if self.global_ else {}),
                **({} if future is None else {"future_covariates": future})}

    def _fit_copies(self, values, covariates):
        models = []
        for series, future in self._groups(values, covariates):
            models.append(self._copy(self.uses_covariates_))
            models[-1].fit(series, **self._keywords(future))
        return models

    def _fit(self, train, dt, covariates=None):
        covariates = _covariates(covariates, len(train))
        self.darts_, self.model_template_ = self._library()
        self.global_ = bool(self.model_template_.supports_transferable_series_prediction)
        self.multivariate_ = bool(self.model_template_.supports_multivariate) or train.shape[1] == 1
        self.uses_covariates_ = bool(covariates.shape[1]) and _darts_uses_covariates(self.model_template_)
        with self._session():
            self.models_ = self._fit_copies(train, covariates)

    def _predict(self, n_steps, context, covariates=None):
        window = self.last_window_ if context is None else context
        covariates = _covariates(covariates, n_steps + (0 if context is None else len(context)))
        if context is None:  # covariates of the forecast steps only: prepend the training data's
            covariates = np.vstack([self.train_covariates_[:, :covariates.shape[1]], covariates])
        with self._session():
            groups = self._groups(window, covariates)
            if self.global_:
                out = [model.predict(n_steps, series=series, **self._keywords(future))
                       for model, (series, future) in zip(self.models_, groups)]
            else:
                models = self.models_ if context is None else self._fit_copies(window, covariates)
                out = [model.predict(n_steps, **self._keywords(future)) for model, (_, future) in zip(models, groups)]
        parts = [part for item in out for part in (item if isinstance(item, list) else [item])]
        return np.hstack([np.asarray(part.values(), dtype=float) for part in parts])


class DartsCovariateForecaster(DartsForecaster):
    """:class:`DartsForecaster` for a darts model that reads future covariates (a torch model supporting them, or
    a lag regression with ``lags_future_covariates``): the known covariates over the training data, the context and
    the forecast steps are passed as darts future covariates (fitted without covariates, a lag regression drops its
    covariate lags)."""

    tags = {"uses_covariates": True}


def from_darts(model) -> DartsForecaster:
    """Wrap an unfitted darts model as a chaosbench forecaster (see :class:`DartsForecaster`): a
    :class:`DartsCovariateForecaster` when the model reads future covariates."""
    DartsForecaster._checked(model, "chaosbench.adapters.from_darts")
    cls = DartsCovariateForecaster if _darts_uses_covariates(model) else DartsForecaster
    return cls(model=model)


# --- sktime ---------------------------------------------------------------------------------------------------------

class SktimeForecaster(_LibraryForecaster):
    """An sktime forecaster as a chaosbench forecaster (``from_sktime(forecaster)``).

    ``fit`` fits ``forecaster.clone()`` (with ``set_random_state(random_state)``) on the training data as a
    ``pandas.DataFrame`` with one column per variable; sktime fits a univariate forecaster per column itself.
    sktime forecasters are local (they forecast the series they were fitted on), so ``predict(n_steps, context)``
    fits a fresh clone on the context alone and forecasts ``n_steps`` past its end; the training data are then
    unused. Without a context the clone fitted on the training data forecasts. Forecasters that need the horizon
    when fitting (tag ``requires-fh-in-fit``) are refused. :class:`SktimeCovariateForecaster` (what ``from_sktime``
    returns for a forecaster with the tag ``capability:exogenous``) passes the known covariates as ``X``.

    Parameters
    ----------
    model : sktime.forecasting.base.BaseForecaster or None
        The unfitted forecaster (it is never fitted itself); None uses :meth:`default_model`.
    random_state : int
        Passed to ``set_random_state`` of each clone; seeds numpy's global generator during ``fit`` and
        ``predict``.

    References
    ----------
    Löning, M., Bagnall, A., Ganesh, S., Kazakov, V., Lines, J. and Király, F. J. "sktime: A Unified Interface for
    Machine Learning with Time Series." NeurIPS Workshop on Systems for ML, 2019.
    """

    library = "sktime"
    model_base = ("sktime.forecasting.base", "BaseForecaster")
    tags = {"requires": "sktime"}

    def _fit_clone(self, values, covariates):
        import pandas as pd

        model = self.model_template_.clone().set_random_state(int(self.random_state))
        exog = pd.DataFrame(covariates) if self.uses_covariates_ else None
        return model.fit(pd.DataFrame(values), X=exog)

    def _fit(self, train, dt, covariates=None):
        covariates = _covariates(covariates, len(train))
        _, template = self._library()
        if template.get_tag("requires-fh-in-fit", False):
            raise InvalidParameterError(f"{type(template).__name__} needs the horizon when fitting "
                                        "(requires-fh-in-fit); the sktime adapter supports forecasters that do not")
        self.model_template_ = template
        self.uses_covariates_ = bool(covariates.shape[1]) and bool(template.get_tag("capability:exogenous", False))
        with self._session():
            self.fitted_ = self._fit_clone(train, covariates)

    def _predict(self, n_steps, context, covariates=None):
        import pandas as pd
        from sktime.forecasting.base import ForecastingHorizon

        window = self.last_window_ if context is None else context
        covariates = _covariates(covariates, n_steps + (0 if context is None else len(context)))
        with self._session():
            model = self.fitted_ if context is None else self._fit_clone(context, covariates[:len(context)])
            exog = None
            if self.uses_covariates_:
                exog = pd.DataFrame(covariates[len(covariates) - n_steps:],
                                    index=pd.RangeIndex(len(window), len(window) + n_steps))
            out = model.predict(ForecastingHorizon(np.arange(1, n_steps + 1), is_relative=True), X=exog)
        return np.asarray(out, dtype=float)


class SktimeCovariateForecaster(SktimeForecaster):
    """:class:`SktimeForecaster` for an sktime forecaster that uses exogenous data (tag
    ``capability:exogenous``): the known covariates over the data it is fitted on are its ``X`` when fitting, those
    of the forecast steps its ``X`` when predicting."""

    tags = {"uses_covariates": True}


def from_sktime(forecaster) -> SktimeForecaster:
    """Wrap an unfitted sktime forecaster as a chaosbench forecaster (see :class:`SktimeForecaster`): a
    :class:`SktimeCovariateForecaster` when it uses exogenous data."""
    SktimeForecaster._checked(forecaster, "chaosbench.adapters.from_sktime")
    uses = bool(forecaster.get_tag("capability:exogenous", False))
    return (SktimeCovariateForecaster if uses else SktimeForecaster)(model=forecaster)


# --- neuralforecast -------------------------------------------------------------------------------------------------

def _point_forecast_column(columns, model_name: str) -> str:
    """The point forecast among the columns of ``NeuralForecast.predict``'s frame: the model's own column (point
    and distribution losses) or, for multi-quantile losses, which give quantiles only, its median."""
    return model_name if model_name in columns else f"{model_name}-median"


def _long_frame(values: np.ndarray):
    """neuralforecast's long format: one ``unique_id`` per variable, integer time stamps ``ds``."""
    import pandas as pd

    n, dim = values.shape
    return pd.DataFrame({"unique_id": np.repeat(np.arange(dim), n), "ds": np.tile(np.arange(n), dim),
                         "y": values.T.ravel()})


class NeuralForecastForecaster(_LibraryForecaster):
    """A neuralforecast model as a chaosbench forecaster (``from_neuralforecast(model)``).

    ``fit`` trains a deep copy of ``model`` (its ``random_seed`` set to ``random_state``, Lightning set to the CPU
    and silenced) with ``NeuralForecast(models=[copy], freq=1)`` on the training data in long format, one
    ``unique_id`` per variable: a univariate model is one network shared by the variables (channel-independent);
    a multivariate one (e.g. TSMixer, with ``n_series`` equal to the number of variables) sees them jointly.
    ``predict(n_steps, context)`` keeps the trained weights and conditions on the context,
    ``NeuralForecast.predict(df=context)``: the training data only train, the context only conditions (without a
    context, the end of the training data). The forecast is the model's own output column (named by its alias),
    or its ``-median`` column for a multi-quantile loss (``MQLoss``). The model forecasts its horizon ``h`` at
    once; longer forecasts append each block of ``h`` predictions to the window and predict again. Models with
    exogenous inputs (``futr_exog_list``, ``hist_exog_list``, ``stat_exog_list``) are refused: covariates are not
    passed.

    Parameters
    ----------
    model : neuralforecast.common._base_model.BaseModel or None
        The unfitted model (it is never fitted itself); None uses :meth:`default_model`.
    random_state : int
        The copy's ``random_seed``; also seeds numpy's and torch's generators during ``fit`` and ``predict``.

    References
    ----------
    Olivares, K. G., Challú, C., Garza, F., Mergenthaler Canseco, M. and Dubrawski, A. "NeuralForecast: User
    friendly state-of-the-art neural forecasting models." PyCon Salt Lake City, Utah, US, 2022.
    """

    library = "neuralforecast"
    model_base = ("neuralforecast.common._base_model", "BaseModel")
    tags = {"requires": "neuralforecast"}

    @staticmethod
    def _model_required_train(model) -> int:
        return int(model.input_size) + int(model.h)  # one training window of the input and the horizon

    def _fit(self, train, dt):
        module, template = self._library()
        exogenous = [name for name in ("futr_exog_list", "hist_exog_list", "stat_exog_list")
                     if getattr(template, name, None)]
        if exogenous:
            raise InvalidParameterError(f"{type(self).__name__} does not pass exogenous inputs; the model declares "
                                        f"{', '.join(exogenous)}")
        model = copy.deepcopy(template)
        model.random_seed = int(self.random_state)
        model.trainer_kwargs.update(_QUIET_TRAINER)
        self.horizon_ = int(model.h)
        with self._session():
            self.neuralforecast_ = module.NeuralForecast(models=[model], freq=1)
            self.neuralforecast_.fit(_long_frame(train))

    def _predict(self, n_steps, context):
        window = self.last_window_ if context is None else context
        (model,) = self.neuralforecast_.models
        blocks = []
        with self._session():
            while sum(len(block) for block in blocks) < n_steps:
                frame = self.neuralforecast_.predict(df=_long_frame(window))
                column = _point_forecast_column(frame.columns, str(model))
                block = frame.pivot(index="ds", columns="unique_id", values=column).to_numpy(dtype=float)
                blocks.append(block)
                window = np.vstack([window, block])
        return np.vstack(blocks)[:n_steps]


def from_neuralforecast(model) -> NeuralForecastForecaster:
    """Wrap an unfitted neuralforecast model as a chaosbench forecaster (see :class:`NeuralForecastForecaster`)."""
    NeuralForecastForecaster._checked(model, "chaosbench.adapters.from_neuralforecast")
    return NeuralForecastForecaster(model=model)
