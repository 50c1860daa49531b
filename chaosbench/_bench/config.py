"""Run configuration: presets, TOML files and overrides resolved into one validated :class:`RunConfig`.

Precedence: preset < config file < explicit options. The *settings* (everything that changes a cell's numbers)
are hashed so that a results directory can refuse to be resumed with different ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .cell import CELL_THREADS
from .._forecasting.task import Task
from .._core.devices import DEVICE_NAME, resolve_device
from .._core.validation import (
    NON_NEGATIVE_FLOAT,
    NON_NEGATIVE_INT,
    POSITIVE_FLOAT,
    POSITIVE_INT,
    check_param,
    validate_params,
)
from ..exceptions import ConfigError, InvalidParameterError, UnknownPresetError, did_you_mean
from .._dynamics.datafile import gilpin2023_periods
from .._dynamics.system import get_system, list_systems
from .._forecasting.forecaster import forecaster_class, list_forecasters
from .._forecasting.metrics import get_metric

__all__ = ["RunConfig", "PRESETS", "make_config"]

QUICK_SYSTEMS = ("Lorenz", "Rossler", "Chen", "Thomas", "Halvorsen", "Aizawa", "SprottB", "Duffing", "Lorenz96",
                 "MackeyGlass")
FAST_FORECASTERS = ("naive", "mean", "linear", "var", "poly_ar", "dmd", "esn", "ngrc")
DEFAULT_METRICS = ("vpt_nrmse", "vpt_smape", "rmse", "nrmse", "smape", "d_stsp", "d_h")
# Training budgets of the neural forecasters per cell: "*" for every neural forecaster, then per forecaster (see
# neural_budget). Epochs are 50 optimiser steps each. No time budget: the neural forecasters anneal their learning
# rate by the larger of the epoch and time fractions, so a time budget would make results depend on the machine's
# speed; the cell timeout guards against runaway training instead. The standard preset's budgets are sized so that
# all chaotic systems x all forecasters target two hours on 2 CPU cores (docs/benchmarks.md): each model gets
# the epochs its measured cost per epoch allows and early stopping on the validation windows.
_SCHEDULE = {"*": {"max_epochs": 30, "patience": 3, "validation_interval": 5, "validation_steps": 300},
             "transformer": {"max_epochs": 12}, "gru": {"max_epochs": 20}, "lstm": {"max_epochs": 20},
             "tcn": {"max_epochs": 20}, "shplrnn": {"max_epochs": 40}, "alrnn": {"max_epochs": 40},
             "dlinear": {"max_epochs": 40}, "nlinear": {"max_epochs": 40}}
# Learning rates of the standard preset, as multiples of each default (tuned for long training): chosen by
# benchmarks/learning_rate_probe.py from the shipped probe results/reference/learning-rate-probe (Chen, Halvorsen,
# Rossler with task seeds 1 and 2, which no cell of the standard preset uses): the smallest multiple whose median
# VPT is within 10 % of the best multiple's (1 where not listed). The gilpin2023 preset keeps the multiples its shipped
# data-limited sweep was run with: the standard ones were chosen later, on the standard task, and the sweep was not
# run again with them.
STANDARD_LEARNING_RATES = {"alrnn": 10.0, "gru": 30.0, "lstm": 100.0, "nbeats": 3.0, "nhits": 10.0, "node": 60.0,
                           "rnn": 30.0, "shplrnn": 100.0, "tcn": 60.0, "transformer": 10.0}
GILPIN2023_LEARNING_RATES = {"gru": 3.0, "nbeats": 3.0, "node": 3.0, "rnn": 3.0, "shplrnn": 3.0}


def _with_learning_rates(factors: dict) -> dict:
    """:data:`_SCHEDULE` with each forecaster's ``learning_rate_factor`` from ``factors``."""
    return {**_SCHEDULE, **{name: _SCHEDULE.get(name, {}) | {"learning_rate_factor": factor}
                            for name, factor in factors.items()}}


NEURAL_BUDGET = {"quick": {"*": {"max_epochs": 20}}, "standard": _with_learning_rates(STANDARD_LEARNING_RATES),
                 "full": {"*": {"max_epochs": 1000}}, "gilpin2023": _with_learning_rates(GILPIN2023_LEARNING_RATES)}
NEURAL_PREFERENCE = ("shplrnn", "alrnn", "transformer")  # which neural forecaster '@neural' stands for

# Every preset forecasts 20 Lyapunov times (at most 5,000 steps) from 500-point contexts, far past any model's
# valid prediction time on all but the most weakly chaotic systems (censoring is recorded per cell), and scores the
# long-term metrics on a 10,000-step free run.
LONG_HORIZON = {"horizon_lyapunov": 20.0, "horizon": 5000, "n_context": 500, "n_long": 10_000}
PRESETS: dict[str, dict] = {
    "quick": {"systems": QUICK_SYSTEMS, "forecasters": FAST_FORECASTERS + ("@neural",), "seeds": (0,),
              "noise": (0.0,), "cell_timeout": 300.0, **LONG_HORIZON},
    "standard": {"systems": ("@all",), "forecasters": ("@all",), "seeds": (0,), "noise": (0.0,), **LONG_HORIZON},
    "full": {"systems": ("@all",), "forecasters": ("@all",), "seeds": (0, 1, 2), "noise": (0.0, 0.05, 0.2),
             **LONG_HORIZON},
    # Task.gilpin2023: the 2023 study's sampling (dysts' published periods), lengths and VPT; every chaotic system
    # with a published period.
    "gilpin2023": {"systems": ("@all",), "forecasters": ("@all",), "seeds": (0,), "noise": (0.0,),
                   **Task.GILPIN2023, "metrics": ("vpt_smape", "vpt_smape_instant", "smape", "rmse")},
}

MAX_SEED = 2**63 - 1  # the store keeps seeds as 64-bit integers

# Task's settings that are the same for every cell of a run (seed and noise vary per cell), with Task's defaults.
TASK_DEFAULTS = {k: v for k, v in Task.defaults().items() if k not in ("seed", "noise")}

# Options that change how a run executes but never its numbers; all other fields are settings.
EXECUTION_FIELDS = ("out", "workers", "executor", "scheduler", "quiet", "plugins", "cell_timeout", "left_out")
# Settings added after runs were stored, with their defaults: left out of settings() at the default, so that the
# settings hash of a run stored before them still matches.
LATER_SETTINGS = {"device": None}


@dataclass(frozen=True)
class RunConfig:
    """A fully resolved benchmark run (see ``chaosbench run --help`` for each option)."""

    preset: str = "quick"
    systems: tuple = QUICK_SYSTEMS
    forecasters: tuple = FAST_FORECASTERS
    forecaster_params: dict = field(default_factory=dict)
    metrics: tuple = DEFAULT_METRICS
    seeds: tuple = (0,)
    noise: tuple = (0.0,)
    # The task settings shared by every cell, with Task's own defaults (samples per period as a float in both).
    pts_per_period: float = float(TASK_DEFAULTS["pts_per_period"])
    n_train: int = TASK_DEFAULTS["n_train"]
    horizon: int = TASK_DEFAULTS["horizon"]
    n_context: int = TASK_DEFAULTS["n_context"]
    n_test: int = TASK_DEFAULTS["n_test"]
    n_validation: int = TASK_DEFAULTS["n_validation"]
    standardize: bool = TASK_DEFAULTS["standardize"]
    horizon_lyapunov: float | None = TASK_DEFAULTS["horizon_lyapunov"]
    n_long: int = TASK_DEFAULTS["n_long"]
    period_source: str = TASK_DEFAULTS["period_source"]
    cell_timeout: float = 900.0
    tune: bool = False
    tune_trials: int = 8
    tune_seconds: float = 60.0
    tune_metric: str = "vpt_nrmse"
    device: str | None = None  # the torch device of every forecaster that can use a GPU (None: their own default)
    out: str | None = None
    workers: int | None = None
    executor: str = "local"
    scheduler: str | None = None
    quiet: bool = False
    plugins: tuple = ()
    left_out: tuple = ()  # (forecaster, reason) pairs that '@all' / '@neural' skipped: they cannot run here

    def settings(self) -> dict:
        """Everything that determines the cells' numbers, as plain JSON-able values."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in EXECUTION_FIELDS
                and not (f.name in LATER_SETTINGS and getattr(self, f.name) == LATER_SETTINGS[f.name])}

    def settings_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.settings(), sort_keys=True).encode()).hexdigest()[:16]

    def task_settings(self) -> dict:
        """Keyword arguments of :class:`chaosbench.Task` shared by every cell (seed and noise vary per cell)."""
        return {k: getattr(self, k) for k in TASK_DEFAULTS}


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


FIELD_NAMES = {f.name for f in dataclasses.fields(RunConfig)}
DEFAULTS = {f.name: f.default for f in dataclasses.fields(RunConfig) if f.default is not dataclasses.MISSING}


def read_config_file(path) -> dict:
    """Options from a TOML file (same names as the command-line options, with ``_`` or ``-``)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text (TOML files must be)") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    options = {key.replace("-", "_"): value for key, value in raw.items()}
    unknown = sorted(set(options) - FIELD_NAMES - {"tag"})
    if unknown:
        hint = did_you_mean(unknown[0], sorted(FIELD_NAMES | {"tag"}))
        raise ConfigError(f"config file {path}: unknown key {unknown[0]!r}.{hint}")
    return options


def make_config(preset: str | None = None, config_file=None, base: dict | None = None, **options) -> RunConfig:
    """Resolve a preset (default ``quick``), a TOML file, and explicit options (``None`` = not given).

    ``base`` (e.g. a stored run's settings) replaces the preset when given. ``tag`` selects the systems carrying a
    tag. Names are validated against the registries (after plugins are loaded by the caller).
    """
    from_file = read_config_file(config_file) if config_file is not None else {}
    preset = preset or from_file.pop("preset", None) or (base or {}).get("preset") or "quick"
    from_file.pop("preset", None)
    if preset not in PRESETS:
        raise UnknownPresetError(str(preset), PRESETS)
    merged = dict(base) if base is not None else {"preset": preset, **PRESETS[preset]}
    merged["preset"] = preset
    merged.update(from_file)
    merged.update({k: v for k, v in options.items() if v is not None})
    tag = merged.pop("tag", None)
    if tag is not None and (options.get("systems") is not None or "systems" in from_file):
        raise ConfigError("give systems or a tag, not both (--systems or --tag)")
    unknown = sorted(set(merged) - FIELD_NAMES)
    if unknown:
        raise ConfigError(f"unknown option {unknown[0]!r}")
    if tag is not None:
        tagged = list_systems(tag=str(tag))
        if not tagged:
            raise ConfigError(f"no system has the tag {tag!r}")
        merged["systems"] = tuple(tagged)
    return _validate(merged)


def _names(value, what: str) -> tuple:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a non-empty list of names")
    for name in value:  # stored in the results, the CSV tables and one-line messages
        if not name.isprintable() or name != name.strip():
            raise ConfigError(f"{what}: the name {name!r} cannot be stored safely (control characters or "
                              "surrounding spaces)")
    return tuple(dict.fromkeys(value))


def _numbers(value, what: str, kind) -> tuple:
    """A list of ints or floats from a comma-separated string or a list; no silent rounding or bool-as-number."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    elif _is_number(value):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{what} must be a list of {kind.__name__}s, got {value!r}")
    out = []
    for item in value:
        if isinstance(item, str):
            try:
                item = kind(item)
            except ValueError:
                raise ConfigError(f"{what} must be {kind.__name__}s, got {item!r}") from None
        if not _is_number(item) or (kind is int and not float(item).is_integer()):
            raise ConfigError(f"{what} must be {kind.__name__}s, got {item!r}")
        out.append(kind(item))
    if not out:
        raise ConfigError(f"{what} must not be empty")
    return tuple(dict.fromkeys(out))


def _flag(m: dict, key: str) -> bool:
    try:
        return bool(check_param(m.get(key, DEFAULTS[key]), key, ["boolean"]))
    except InvalidParameterError as exc:
        raise ConfigError(str(exc)) from None


def _text(m: dict, key: str) -> str | None:
    value = m.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{key} must be a string, got {value!r}")
    return value


def _device(device: str | None, executor: str) -> str | None:
    """The run's torch device, resolved here for a local run (None for the CPU, the forecasters' default); a Dask
    run's cells run on its workers, so its ``auto`` is stored as given and each worker resolves it."""
    if device is None:
        return None
    try:
        check_param(device, "device", [DEVICE_NAME])
        if executor == "dask":
            return device
        device = resolve_device(device)
    except InvalidParameterError as exc:
        raise ConfigError(str(exc)) from None
    return None if device == "cpu" else device


def plugin_paths(value) -> tuple:
    """Absolute paths of plugin files from a string or a list of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(p, str) for p in value):
        raise ConfigError(f"plugins must be a list of file paths, got {value!r}")
    return tuple(str(Path(p).expanduser().resolve()) for p in value)


def _is_number(value) -> bool:
    """A real number (numpy scalars included), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _positive(value, what: str, kind=int, allow_zero=False):
    """``value`` as ``kind`` if it is a positive (or, with ``allow_zero``, non-negative) int or number, checked by
    the shared validation mechanism; a :class:`ConfigError` otherwise."""
    constraint = {(int, False): POSITIVE_INT, (int, True): NON_NEGATIVE_INT, (float, False): POSITIVE_FLOAT,
                  (float, True): NON_NEGATIVE_FLOAT}[kind, allow_zero]
    try:
        return kind(check_param(value, what, [constraint]))
    except InvalidParameterError as exc:
        raise ConfigError(str(exc)) from None


def neural_budget(preset: str, name: str) -> dict:
    """The training hyper-parameters ``preset`` gives the neural forecaster ``name``: its own entry of
    ``NEURAL_BUDGET[preset]`` over the preset's "*" entry (a learning rate is given as ``learning_rate_factor``,
    a multiple of the forecaster's default rate)."""
    budget = NEURAL_BUDGET[preset].get("*", {}) | NEURAL_BUDGET[preset].get(name, {})
    factor = budget.pop("learning_rate_factor", None)
    if factor is not None:
        budget["learning_rate"] = scaled_learning_rate(name, factor)
    return budget


def scaled_learning_rate(name: str, factor: float) -> float:
    """``factor`` times the neural forecaster ``name``'s default learning rate, to 6 significant digits."""
    return float(f"{factor * forecaster_class(name)().learning_rate:.6g}")


def _expand_forecasters(names: tuple, preset: str, params: dict, device: str | None) -> tuple[tuple, dict, tuple]:
    """The run's forecasters with their preset budgets and the run's ``device`` (for those that can use a GPU;
    hyper-parameters given per forecaster win), and the ``(name, reason)`` pairs that '@all' or '@neural' left out
    because they cannot run here (a missing optional library or model weights); a forecaster named explicitly that
    cannot run is a :class:`ConfigError`."""
    expanded: list[str] = []
    skipped: dict[str, str] = {}

    def runnable(candidates):
        for name in candidates:
            reason = forecaster_class(name).unavailable_reason(**params.get(name, {}))
            if reason is None:
                yield name
            else:
                skipped[name] = reason

    for name in names:
        if name == "@all":
            expanded += runnable(list_forecasters())
        elif name == "@neural":
            neural = [n for n in list_forecasters() if forecaster_class(n).tags.get("requires") == "torch"]
            ordered = sorted(neural, key=lambda n: (NEURAL_PREFERENCE + (n,)).index(n))
            expanded += list(runnable(ordered))[:1]
        else:
            reason = forecaster_class(name).unavailable_reason(**params.get(name, {}))  # unknown: did-you-mean
            if reason is not None:
                raise ConfigError(f"forecaster {name!r} {reason}")
            expanded.append(name)
    expanded = list(dict.fromkeys(expanded))
    params = {name: dict(p) for name, p in params.items()}
    for name in expanded:
        cls = forecaster_class(name)
        if cls.tags.get("requires") == "torch":
            for key, value in neural_budget(preset, name).items():
                if key in cls._param_names():
                    params.setdefault(name, {}).setdefault(key, value)
        if device is not None and getattr(cls, "supports_gpu", False) and "device" in cls._param_names():
            params.setdefault(name, {}).setdefault("device", device)
        if "verbose" in cls._param_names():  # per-epoch output would garble the run's progress display
            params.setdefault(name, {}).setdefault("verbose", False)
        if "n_threads" in cls._param_names():  # one thread per cell: the cell is the unit of parallelism
            params.setdefault(name, {}).setdefault("n_threads", CELL_THREADS)
    left_out = tuple((name, reason) for name, reason in skipped.items() if name not in expanded)
    return tuple(expanded), params, left_out


def _task_settings(m: dict) -> dict:
    """The run's Task settings, checked against Task's own constraints table (one rule for a task, whether it
    comes from Python, a TOML file or the command line); a :class:`ConfigError` for a bad one."""
    settings = {key: m.get(key, default) for key, default in TASK_DEFAULTS.items()}
    try:
        validate_params(Task.parameter_constraints, settings)
    except InvalidParameterError as exc:
        raise ConfigError(str(exc)) from None
    settings = {key: value.item() if isinstance(value, np.generic) else value for key, value in settings.items()}
    settings["pts_per_period"] = float(settings["pts_per_period"])
    if settings["horizon_lyapunov"] is not None:
        settings["horizon_lyapunov"] = float(settings["horizon_lyapunov"])
    return settings


def _validate(m: dict) -> RunConfig:
    systems = _names(m["systems"], "systems")
    task = _task_settings(m)
    period_source = task["period_source"]
    published = gilpin2023_periods() if period_source == "dysts" else None
    if "@all" in systems:  # every chaotic system; non-chaotic ones only by name or tag
        expanded = [n for n in list_systems() if "nonchaotic" not in get_system(n).tags]
        if published is not None:  # only systems with a published period
            expanded = [n for n in expanded if n in published]
        systems = tuple(dict.fromkeys(n for name in systems for n in (expanded if name == "@all" else [name])))
    for name in systems:
        get_system(name)  # raises UnknownSystemError with suggestions
    if published is not None:
        missing = [name for name in systems if name not in published]
        if missing:
            raise ConfigError(f"period_source 'dysts' (preset gilpin2023) needs dysts' published period, which "
                              f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} not")
    params = m.get("forecaster_params", {})
    if not isinstance(params, dict) or not all(isinstance(v, dict) for v in params.values()):
        raise ConfigError("forecaster_params must map forecaster names to tables of hyper-parameters")
    executor, scheduler = _text(m, "executor"), _text(m, "scheduler")
    if scheduler is not None and executor == "local":
        raise ConfigError("--scheduler needs --executor dask (or no --executor)")
    executor = executor or ("dask" if scheduler is not None else "local")
    if executor not in ("local", "dask"):
        raise ConfigError(f"executor must be 'local' or 'dask', got {executor!r}")
    device = _device(m.get("device"), executor)
    forecasters, params, left_out = _expand_forecasters(_names(m["forecasters"], "forecasters"), m["preset"], params,
                                                        device)
    stray = [name for name in params if name not in forecasters]
    if stray:
        raise ConfigError(f"hyper-parameters are set (--set) for {stray[0]!r}, which is not among this run's "
                          f"forecasters ({', '.join(forecasters)})")
    for name, values in params.items():
        known = forecaster_class(name)._param_names()
        for key in values:
            if key not in known:
                raise ConfigError(f"forecaster {name!r} has no hyper-parameter {key!r} (known: {', '.join(known)})")
        try:
            forecaster_class(name)(**values).check_params()
        except InvalidParameterError as exc:
            raise ConfigError(f"forecaster {name!r}: {exc}") from None
        if executor == "local" and "device" in values and hasattr(forecaster_class(name), "supports_gpu"):
            # a neural forecaster's device is stored as the one it trains on, like the run's --device (a Dask run's
            # workers resolve their own)
            values["device"] = resolve_device(values["device"], forecaster_class(name).supports_gpu)
    metrics = _names(m.get("metrics", DEFAULT_METRICS), "metrics")
    for name in metrics:
        get_metric(name)  # raises UnknownMetricError with suggestions
    workers = m.get("workers")
    if workers is not None:
        workers = _positive(workers, "workers")
    seeds = _numbers(m["seeds"], "seeds", int)
    if any(not 0 <= s <= MAX_SEED for s in seeds):
        raise ConfigError(f"seeds must be integers from 0 to {MAX_SEED} (2**63 - 1), got "
                          f"{next(s for s in seeds if not 0 <= s <= MAX_SEED)}")
    noise = _numbers(m["noise"], "noise", float)
    if any(not (math.isfinite(v) and v >= 0) for v in noise):
        raise ConfigError("noise levels must be non-negative numbers")
    tune = _flag(m, "tune")
    if tune and task["n_validation"] == 0:
        raise ConfigError("tune needs validation windows: n_validation must be at least 1")
    tune_metric = _text(m, "tune_metric") or DEFAULTS["tune_metric"]

    def number(key, kind=int, allow_zero=False):
        return kind(_positive(m.get(key, DEFAULTS[key]), key, kind, allow_zero))

    return RunConfig(
        preset=m["preset"], systems=systems, forecasters=forecasters, forecaster_params=params, metrics=metrics,
        seeds=seeds, noise=noise, **task,
        cell_timeout=number("cell_timeout", float), tune=tune, tune_trials=number("tune_trials"),
        tune_seconds=number("tune_seconds", float),
        tune_metric=get_metric(tune_metric).name, device=device,
        out=_text(m, "out"), workers=workers, executor=executor, scheduler=scheduler,
        quiet=_flag(m, "quiet"), plugins=plugin_paths(m.get("plugins")), left_out=left_out,
    )
