"""The one parameter-validation mechanism (declared constraint tables) and its users: forecasters, Task, System."""

import dataclasses
import math

import numpy as np
import pytest

import chaosbench
from chaosbench import Interval, Options, Task
from chaosbench._core.validation import check_param, positive_float, positive_int, validate_params
from chaosbench._forecasting.forecaster import forecaster_class
from chaosbench.exceptions import InvalidParameterError


@pytest.mark.parametrize("constraint, accepted, refused", [
    (Interval(int, 1, None), [1, 7, np.int64(2), np.int32(5), 10**30], [0, -1, 2.0, 1.5, True, np.bool_(True), "3",
                                                                        None]),
    (Interval(int, 0, None), [0, np.int64(0), 4], [-1, False, 0.0]),
    (Interval(float, 0, None, closed="neither"), [1e-300, 0.5, 3, np.float32(0.1), np.int64(2)],
     [0, 0.0, -1.0, math.nan, math.inf, "0.1", True, None]),
    (Interval(float, 0, 1, closed="right"), [1, 0.5], [0, 1.0000001]),
    (Interval(float, 0, 1, closed="left"), [0, 0.999], [1, -0.1]),
    (Interval(float, 0, 1, closed="both"), [0, 1], [-1e-9, 1.1]),
    (Interval(int, -3, 3, closed="neither"), [-2, 2], [-3, 3]),
    (Options(("layer", "batch")), ["layer", "batch"], ["Layer", "", None, ["layer"], np.array(["layer"])]),
    (Options((1, 2)), [1, np.int64(2)], [True, 3, "1"]),
    ("boolean", [True, False, np.bool_(False)], [1, 0, "no", "True", None]),
    (None, [None], [0, "", False]),
    (str, ["x", ""], [1, None]),
])
def test_each_constraint_kind(constraint, accepted, refused):
    for value in accepted:
        assert check_param(value, "p", [constraint]) is value
    for value in refused:
        with pytest.raises(InvalidParameterError):
            check_param(value, "p", [constraint])


@pytest.mark.parametrize("constraints, value, message", [
    ([Interval(int, 1, None)], 0, "Owner: p must be a positive integer, got 0"),
    ([Interval(int, 0, None)], True, "Owner: p must be a non-negative integer, got True"),
    ([Interval(float, 0, None, closed="neither"), None], "0.1", "Owner: p must be a positive number or None, got '0.1'"),
    ([Interval(float, 0, None)], -1.5, "Owner: p must be a non-negative number, got -1.5"),
    ([Interval(float, 0, 1, closed="right")], 2, "Owner: p must be a number in (0, 1], got 2"),
    ([Interval(int, 2, 8, closed="both")], 9, "Owner: p must be an integer in [2, 8], got 9"),
    ([Options(("layer", "batch"))], "x", "Owner: p must be 'layer' or 'batch', got 'x'"),
    ([Options({"c", "a", "b"})], "x", "Owner: p must be one of 'a', 'b', 'c', got 'x'"),
    (["boolean"], "no", "Owner: p must be True or False, got 'no'"),
    ([str, None], 3, "Owner: p must be an instance of str or None, got 3"),
])
def test_the_error_is_one_line_naming_the_parameter_the_allowed_values_and_the_value(constraints, value, message):
    with pytest.raises(InvalidParameterError) as info:
        check_param(value, "p", constraints, owner="Owner")
    assert str(info.value) == message


def test_validate_params_checks_the_declared_names_only():
    table = {"n": [Interval(int, 1, None)], "flag": ["boolean"]}
    validate_params(table, {"n": 3, "flag": True, "undeclared": object()})
    with pytest.raises(InvalidParameterError, match="^flag must be True or False, got 'yes'$"):
        validate_params(table, {"n": 3, "flag": "yes"})


def test_positive_integers_and_numbers_are_one_rule():
    assert positive_int(np.int64(4), "k") == 4 and type(positive_int(np.int64(4), "k")) is int
    assert positive_float(np.int64(4), "dt") == 4.0 and type(positive_float(2, "dt")) is float
    for bad in (True, 2.0, 0):
        with pytest.raises(InvalidParameterError, match="k must be a positive integer"):
            positive_int(bad, "k")
    with pytest.raises(InvalidParameterError, match="dt must be a positive number"):
        positive_float("1.5", "dt")


# --- forecasters ----------------------------------------------------------------------------------------------------
def test_every_forecaster_declares_a_constraint_for_each_hyper_parameter_and_its_defaults_satisfy_them():
    for name in chaosbench.list_forecasters():
        cls = forecaster_class(name)
        defaults = cls().get_params()
        assert set(cls.parameter_constraints) == set(defaults), name
        validate_params(cls.parameter_constraints, defaults, owner=cls.__name__)
        validate_params(cls.parameter_constraints, cls().set_params(**cls.get_test_params()).get_params())
        for key, values in cls.search_space.items():
            for value in values:
                check_param(value, key, cls.parameter_constraints[key], owner=cls.__name__)


@pytest.mark.parametrize("name, params, message", [
    ("esn", {"n_units": 0}, "EchoStateNetwork: n_units must be a positive integer, got 0"),
    ("esn", {"leak_rate": 1.5}, "leak_rate must be a number in (0, 1], got 1.5"),
    ("ngrc", {"k": True}, "k must be a positive integer, got True"),
    ("linear", {"alpha": "0"}, "alpha must be a non-negative number, got '0'"),
    ("var", {"ic": "aicc"}, "ic must be one of 'aic', 'bic', 'hqic', 'fpe'"),
    ("dmd", {"rank": 0}, "rank must be a positive integer or None, got 0"),
    ("lstm", {"max_epochs": 2.0}, "max_epochs must be a positive integer, got 2.0"),
    ("transformer", {"norm": "group"}, "norm must be 'layer' or 'batch', got 'group'"),
    ("shplrnn", {"alpha_decay": 0}, "alpha_decay must be a number in (0, 1], got 0"),
])
def test_fit_refuses_a_hyper_parameter_outside_its_constraints(name, params, message):
    train = np.random.default_rng(0).standard_normal((60, 2))
    with pytest.raises(InvalidParameterError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[")):
        chaosbench.get_forecaster(name, **params).fit(train, 0.1)


def test_numpy_integers_are_integers_for_forecasters():
    train = np.random.default_rng(0).standard_normal((60, 2))
    forecast = chaosbench.get_forecaster("linear", n_lags=np.int64(3)).fit(train, 0.1).predict(4)
    assert forecast.shape == (4, 2)


# --- Task ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("settings", [{"n_validation": True}, {"standardize": "no"}, {"noise": "0.1"},
                                      {"seed": -1}, {"seed": 1.5}, {"n_train": 0}, {"system": 3},
                                      {"pts_per_period": math.inf}, {"period_source": "Dysts"}])
def test_task_refuses_bad_settings_on_construction(settings):
    with pytest.raises(InvalidParameterError, match=f"^Task: {next(iter(settings))} must be"):
        Task(**({"system": "Lorenz"} | settings))


def test_task_accepts_numpy_scalars():
    task = Task("Lorenz", n_validation=np.int64(2), seed=np.int64(3), noise=np.float32(0.1), standardize=np.bool_(True))
    assert task.n_validation == 2


def test_task_defaults_are_its_field_defaults():
    defaults = Task.defaults()
    task = Task("Lorenz")
    assert "system" not in defaults and "_cache" not in defaults
    assert defaults == {f.name: getattr(task, f.name) for f in dataclasses.fields(Task) if f.name in defaults}
    assert set(defaults) == set(Task.parameter_constraints) - {"system"}
    gilpin = Task.gilpin2023("Lorenz")
    assert all(getattr(gilpin, key) == value for key, value in Task.GILPIN2023.items())
    assert Task.gilpin2023("Lorenz", n_train=50).n_train == 50


# --- System ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"n": True}, "n must be a positive integer, got True"),
    ({"n": 10, "seed": -1}, "seed must be a non-negative integer or None, got -1"),
    ({"n": 10, "transient": "20"}, "transient must be a non-negative number, got '20'"),
    ({"n": 10, "standardize": "no"}, "standardize must be True or False"),
    ({"n": 10, "rtol": 0.0}, "rtol must be a positive number or None"),
])
def test_trajectory_arguments_are_checked_against_their_table(kwargs, message):
    with pytest.raises(InvalidParameterError, match=f"^Lorenz: {message}"):
        chaosbench.get_system("Lorenz").trajectory(**kwargs)


def test_trajectory_accepts_numpy_integers():
    traj = chaosbench.get_system("Lorenz").trajectory(np.int64(5), seed=np.int64(1), pts_per_period=np.int64(20))
    assert traj.x.shape == (5, 3)
