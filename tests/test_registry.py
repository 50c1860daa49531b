"""Declaring systems: the decorator, tracing, Jacobians; the registries of systems, forecasters and metrics and
their errors."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import chaosbench
from chaosbench._core.registry import Registry
from chaosbench.exceptions import (
    DuplicateNameError,
    DuplicateSystemError,
    InvalidParameterError,
    SystemDefinitionError,
    UnknownNameError,
)
from chaosbench.testing import scoped_registries


def test_declaration_is_reflected_in_the_system(register):
    @register(ic=[1.0, 2.0], citation="Someone (2024)", tags=["polynomial"], lyapunov_max=0.5, period=3.0)
    def Toy(x, y, *, a=1.5, b=-2):
        """A toy."""
        return a * y, b * x

    assert Toy.name == "Toy" and Toy.dim == 2 and Toy.variables == ("x", "y")
    assert dict(Toy.params) == {"a": 1.5, "b": -2.0}
    np.testing.assert_array_equal(Toy.ic, [1.0, 2.0])
    assert Toy.citation == "Someone (2024)" and Toy.description == "A toy."
    assert Toy.lyapunov_max == 0.5 and Toy.period == 3.0 and Toy.tags == {"polynomial"}
    assert chaosbench.get_system("Toy").params == Toy.params
    assert "Toy" in chaosbench.list_systems(tag="polynomial") and "Toy" in chaosbench.list_systems(dim=2)
    assert "Toy" not in chaosbench.list_systems(dim=3)
    np.testing.assert_array_equal(Toy.rhs([1.0, 2.0]), [3.0, -2.0])
    np.testing.assert_array_equal(Toy.jac([1.0, 2.0]), [[0.0, 1.5], [-2.0, 0.0]])
    # The literature value describes the default parameters only.
    assert Toy.with_params(a=2.0).lyapunov_max is None


def test_nonautonomous_and_vector_declarations(register):
    @register(ic=[0.0], citation="test")
    def Forced(x, *, t, k=2.0):
        return -k * x + np.sin(t)

    @register(dim=5, ic=[1.0, 2.0, 3.0, 4.0, 5.0], citation="test")
    def Ring(u, *, c=0.5):
        return c * (np.roll(u, 1) - u)

    assert Forced.nonautonomous and "nonautonomous" in Forced.tags
    assert Forced.rhs([1.0], t=np.pi / 2)[0] == pytest.approx(-1.0)
    assert Ring.variables == ("u0", "u1", "u2", "u3", "u4")
    u = np.arange(5.0)
    np.testing.assert_allclose(Ring.rhs(u), 0.5 * (np.roll(u, 1) - u))
    expected = 0.5 * (np.roll(np.eye(5), 1, axis=0) - np.eye(5))
    np.testing.assert_allclose(Ring.jac(u), expected)


def test_piecewise_equations_are_differentiated(register):
    @register(ic=[0.5, -0.5, 0.1], citation="test")
    def Piecewise(x, y, z, *, a=2.0):
        return abs(x) - y, np.heaviside(y, 0.5) * z + max(x, z), np.where(z > 0, a * z, -z) + min(x, y)

    u = np.array([0.3, -0.2, 0.4])
    np.testing.assert_allclose(Piecewise.rhs(u), [0.3 + 0.2, 0.0 + 0.4, 2 * 0.4 - 0.2])
    np.testing.assert_allclose(Piecewise.jac(u), [[1, -1, 0], [0, 0, 1], [0, 1, 2]])


def test_analytic_jacobian_is_used(register):
    @register(ic=[1.0, 1.0], citation="test", jac=lambda x, y, *, a=1.0: ((0.0, a), (-3 * x**2, 0.0)))
    def Cubic(x, y, *, a=1.0):
        return a * y, -(x**3)

    np.testing.assert_allclose(Cubic.jac([2.0, 1.0]), [[0.0, 1.0], [-12.0, 0.0]])


def test_constants_keep_full_double_precision(register):
    @register(ic=[1.0], citation="test")
    def Precise(x):
        return (8 / 3) * x + 0.1

    assert Precise.rhs([1.0])[0] == (8 / 3) * 1.0 + 0.1


def test_a_system_is_compiled_only_when_used(register):
    @register(ic=[1.0], citation="test")
    def Unused(x):
        return -x

    assert Unused._definition._compiled is None
    Unused.rhs([1.0])
    assert Unused._definition._compiled is not None


def test_with_params_returns_a_new_system():
    lorenz = chaosbench.get_system("Lorenz")
    other = lorenz.with_params(rho=99.0)
    assert other.params["rho"] == 99.0 and lorenz.params["rho"] == 28.0
    assert other.rhs([1.0, 1.0, 1.0])[1] == 99.0 - 1.0 - 1.0
    with pytest.raises(InvalidParameterError, match="has no parameter 'sigmaa'. Did you mean 'sigma'"):
        lorenz.with_params(sigmaa=1.0)
    with pytest.raises(InvalidParameterError, match="must be finite"):
        lorenz.with_params(rho=float("nan"))
    with pytest.raises(InvalidParameterError, match="must be a number"):
        lorenz.with_params(rho="high")


def test_unknown_system_suggests_close_names():
    with pytest.raises(chaosbench.UnknownSystemError, match="Unknown system 'lorenz'. Did you mean 'Lorenz'"):
        chaosbench.get_system("lorenz")
    with pytest.raises(chaosbench.UnknownSystemError, match=r"^Unknown system 'Zzyzx'\.$"):
        chaosbench.get_system("Zzyzx")


def test_duplicate_names_need_replace(register):
    @register(ic=[1.0], citation="first")
    def Twice(x):
        return -x

    with pytest.raises(DuplicateSystemError, match="already registered; pass replace=True"):
        chaosbench.system(lambda x: -x, name="Twice", ic=[1.0], citation="second")
    assert chaosbench.get_system("Twice").citation == "first"

    @register(ic=[2.0], citation="second", replace=True, name="Twice")
    def Twice2(x):
        return -2 * x

    assert chaosbench.get_system("Twice").citation == "second"


@pytest.mark.parametrize(
    "kwargs, fn, message",
    [
        ({"ic": [1.0, 2.0], "citation": "c"}, lambda x: -x, "must be a sequence of 1 numbers"),
        ({"ic": [float("nan")], "citation": "c"}, lambda x: -x, "must be finite"),
        ({"ic": [1.0], "citation": ""}, lambda x: -x, "citation is required"),
        ({"ic": [1.0], "citation": "c", "lyapunov_maks": 1.0}, lambda x: -x, "Did you mean 'lyapunov_max'"),
    ],
)
def test_inconsistent_declarations_are_rejected(kwargs, fn, message):
    with pytest.raises(SystemDefinitionError, match=message):
        chaosbench.system(fn, name="Rejected", **kwargs)
    assert "Rejected" not in chaosbench.list_systems()


def test_signature_rules(register):
    with pytest.raises(SystemDefinitionError, match="needs a numeric default"):
        chaosbench.system(lambda x, *, a: a * x, name="NoDefault", ic=[1.0], citation="c")
    with pytest.raises(SystemDefinitionError, match="takes the whole state as one array"):
        chaosbench.system(lambda x, y: (x, y), name="TwoArgs", dim=2, ic=[1.0, 1.0], citation="c")


def test_untraceable_equations_give_a_clear_error(register):
    @register(ic=[1.0], citation="test")
    def Branchy(x):
        if x > 0:
            return -x
        return x

    with pytest.raises(SystemDefinitionError, match="cannot trace Branchy.*np.where"):
        Branchy.rhs([1.0])


def test_wrong_state_shape_is_rejected():
    lorenz = chaosbench.get_system("Lorenz")
    with pytest.raises(InvalidParameterError, match="state must be a sequence of 3 numbers"):
        lorenz.rhs([1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="must be finite"):
        lorenz.jac([1.0, np.inf, 0.0])


def test_array_parameters(register):
    @register(ic=[1.0, 0.5], citation="test", tags=["nonchaotic"])
    def Coupled(x, y, *, w=((0.0, 1.0), (-2.0, 0.0)), c=(0.1, 0.2)):
        u = np.array([x, y])
        return tuple(np.asarray(w) @ u - np.asarray(c) * u)

    np.testing.assert_array_equal(Coupled.params["w"], [[0.0, 1.0], [-2.0, 0.0]])
    u = np.array([1.0, 3.0])
    np.testing.assert_allclose(Coupled.rhs(u), [3.0 - 0.1, -2.0 - 0.6])
    np.testing.assert_allclose(Coupled.jac(u), [[-0.1, 1.0], [-2.0, -0.2]])
    other = Coupled.with_params(w=np.eye(2), c=[0.0, 0.0])
    np.testing.assert_allclose(other.rhs(u), u)
    assert Coupled.params["c"][0] == 0.1  # the original is unchanged
    with pytest.raises(InvalidParameterError, match=r"parameter w must be an array of shape \(2, 2\)"):
        Coupled.with_params(w=[1.0, 2.0])
    with pytest.raises(ValueError):
        Coupled.params["w"][0, 0] = 5.0  # read-only


def test_unbounded_variables_are_exempt_from_the_bound(register):
    @register(ic=[0.0, 0.0], citation="test: a rotating angle", unbounded=[0], tags=["nonchaotic"])
    def Rotor(theta, v):
        return 1.0 + 0.5 * np.sin(theta), -v

    assert Rotor.unbounded == (0,) and "unbounded" in Rotor.tags
    assert Rotor.trajectory(100, dt=1.0, transient=0).x[-1, 0] > 50
    with pytest.raises(SystemDefinitionError, match="out of range"):
        chaosbench.system(lambda x: -x, name="BadIndex", ic=[1.0], citation="c", unbounded=[3])


def test_delay_declaration(register):
    @register(delay="tau", ic=[0.5], citation="test")
    def Delayed(x, xd, *, a=2.0, tau=1.5):
        return -a * xd + x**2

    assert Delayed.dim == 1 and Delayed.delay == 1.5 and "delay" in Delayed.tags
    assert Delayed.rhs([3.0], delayed=[1.0])[0] == -2.0 + 9.0
    assert Delayed.rhs([3.0])[0] == -6.0 + 9.0  # constant history: the delayed state equals the current one
    assert Delayed.jac([3.0], delayed=[1.0])[0, 0] == 6.0
    with pytest.raises(InvalidParameterError, match="not a delay equation"):
        chaosbench.get_system("Lorenz").rhs([1.0, 2.0, 3.0], delayed=[1.0, 2.0, 3.0])
    with pytest.raises(SystemDefinitionError, match="must name a scalar keyword-only parameter"):
        chaosbench.system(lambda x, xd, *, a=1.0: -xd, name="NoTau", delay="tau", ic=[1.0], citation="c")
    with pytest.raises(SystemDefinitionError, match="then, in the same order, their delayed values"):
        chaosbench.system(lambda x, y, xd, *, tau=1.0: (-xd, -y), name="Odd", delay="tau", ic=[1.0], citation="c")


def test_integrating_neither_derives_nor_compiles_the_jacobian(register):
    @register(ic=[1.0, 0.0], citation="test", tags=["nonchaotic"])
    def Spiral(x, y):
        return -0.1 * x - y, x - 0.1 * y

    Spiral.trajectory(50, dt=0.1)
    assert set(Spiral._definition.compiled()._functions) == {"rhs"}
    traced = Spiral._definition._traced  # None when the right-hand side came from the disk cache
    assert traced is None or traced._jac is None  # the Jacobian was not even derived
    Spiral.jac([1.0, 1.0])
    assert set(Spiral._definition.compiled()._functions) == {"rhs", "jac"}


def test_editing_a_helper_invalidates_the_compiled_cache(tmp_path, monkeypatch):
    import importlib.util

    from chaosbench._dynamics import symbolic as _symbolic

    def key_for(helper_body):
        path = tmp_path / f"decl_{abs(hash(helper_body))}.py"
        path.write_text(f"def helper(x):\n    return {helper_body}\n\n\ndef Decl(x):\n    return helper(x)\n")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return _symbolic.declaration_key("Decl", module.Decl)

    assert key_for("-x") == key_for("-x")
    assert key_for("-x") != key_for("-2 * x")


# --- the registries: built-ins first, atomic, scoped, entry points --------------------------------------------------
USER_DECLARATIONS = {
    "system": ("@chaosbench.system(ic=[1.0], citation='user', replace=REPLACE)\ndef Lorenz(x):\n    return -x",
               "chaosbench.list_systems()", "chaosbench.get_system('Lorenz').citation == 'user'"),
    "forecaster": ("@chaosbench.forecaster('naive', replace=REPLACE)\nclass Mine(chaosbench.Forecaster):\n    pass",
                   "chaosbench.list_forecasters()", "type(chaosbench.get_forecaster('naive')).__name__ == 'Mine'"),
    "metric": ("@chaosbench.metric('rmse', kind='pointwise', replace=REPLACE)\ndef rmse(y_true, y_pred, *, "
               "context=None):\n    return 0.0", "chaosbench.list_metrics()",
               "chaosbench.get_metric('rmse').__module__ == '__main__'"),
}


def _in_fresh_process(code: str, env=None) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _declare_before_any_lookup(kind: str, replace: bool) -> dict:
    declaration, listing, users = USER_DECLARATIONS[kind]
    code = (f"import json, chaosbench\nerrors = []\ntry:\n{textwrap.indent(declaration, '    ')}\n"
            f"except Exception as exc:\n    errors.append(f'{{type(exc).__name__}}: {{exc}}')\n"
            f"print(json.dumps({{'errors': errors, 'names': {listing}, 'again': {listing}, 'users': {users}}}))")
    return _in_fresh_process(code.replace("REPLACE", str(replace)))


@pytest.mark.parametrize("kind", sorted(USER_DECLARATIONS))
def test_a_user_declaring_a_builtin_name_first_is_refused_once_and_the_builtins_stay(kind):
    """The reproduction: a user's ``Lorenz`` (``naive``, ``rmse``) declared before any lookup used to be accepted and
    then break the built-ins' import, leaving 28 of 135 systems (only ``naive``) registered."""
    builtins = _in_fresh_process(f"import json, chaosbench; print(json.dumps({USER_DECLARATIONS[kind][1]}))")
    result = _declare_before_any_lookup(kind, replace=False)
    assert len(result["errors"]) == 1
    assert result["errors"][0].startswith("Duplicate") and "pass replace=True" in result["errors"][0]
    assert result["names"] == result["again"] == builtins
    assert not result["users"]


@pytest.mark.parametrize("kind", sorted(USER_DECLARATIONS))
def test_replace_true_before_any_lookup_replaces_the_builtin(kind):
    builtins = _in_fresh_process(f"import json, chaosbench; print(json.dumps({USER_DECLARATIONS[kind][1]}))")
    result = _declare_before_any_lookup(kind, replace=True)
    assert result["errors"] == [] and result["names"] == builtins and result["users"]


def test_a_duplicate_is_one_error_for_every_kind():
    assert issubclass(DuplicateSystemError, DuplicateNameError)
    with pytest.raises(DuplicateNameError, match="A forecaster named 'naive' is already registered; pass replace"):
        chaosbench.forecaster("naive")(type("Other", (chaosbench.Forecaster,), {}))
    with pytest.raises(DuplicateNameError, match="A metric named 'rmse' is already registered; pass replace"):
        chaosbench.metric("rmse", kind="pointwise")(lambda y_true, y_pred, *, context=None: 0.0)
    assert type(chaosbench.get_forecaster("naive")).__name__ != "Other"


@pytest.mark.parametrize("lookup, wrong, suggestion", [
    (chaosbench.get_system, "lorenz", "Lorenz"),
    (chaosbench.get_forecaster, "esnn", "esn"),
    (chaosbench.get_metric, "rmes", "rmse"),
])
def test_unknown_names_suggest_close_ones_for_every_kind(lookup, wrong, suggestion):
    with pytest.raises(UnknownNameError, match=f"Unknown .* '{wrong}'. Did you mean '{suggestion}'"):
        lookup(wrong)


def test_a_failing_declaration_registers_nothing():
    systems, forecasters, metrics = (chaosbench.list_systems(), chaosbench.list_forecasters(),
                                     chaosbench.list_metrics())
    with pytest.raises(TypeError, match="subclass of chaosbench.Forecaster"):
        chaosbench.forecaster("not_a_forecaster")(object)
    with pytest.raises(InvalidParameterError, match="kind"):
        chaosbench.metric("bad_kind", kind="sometimes")
    with pytest.raises(SystemDefinitionError, match="parameter a needs a numeric default"):
        chaosbench.system(lambda x, *, a="high": -x, name="BadDefault", ic=[1.0], citation="c")
    assert (chaosbench.list_systems(), chaosbench.list_forecasters(), chaosbench.list_metrics()) == (
        systems, forecasters, metrics)


def test_scoped_registries_restore_what_was_declared_and_replaced():
    before = chaosbench.list_systems(), chaosbench.list_forecasters(), chaosbench.list_metrics()
    citation = chaosbench.get_system("Lorenz").citation
    with scoped_registries():
        chaosbench.system(lambda x, y, z: (-x, -y, -z), name="Lorenz", ic=[1, 1, 1], citation="mine", replace=True)
        chaosbench.forecaster("scoped_zero")(type("Zero", (chaosbench.Forecaster,), {}))
        chaosbench.metric("scoped_metric", kind="pointwise")(lambda y_true, y_pred, *, context=None: 0.0)
        assert chaosbench.get_system("Lorenz").citation == "mine"
        assert "scoped_zero" in chaosbench.list_forecasters() and "scoped_metric" in chaosbench.list_metrics()
    assert chaosbench.get_system("Lorenz").citation == citation
    assert (chaosbench.list_systems(), chaosbench.list_forecasters(), chaosbench.list_metrics()) == before


def test_a_failing_builtin_import_fails_again_on_the_next_call(tmp_path, monkeypatch):
    package = tmp_path / "broken_builtins"
    package.mkdir()
    (package / "__init__.py").write_text("from . import good, bad\n")
    (package / "good.py").write_text("from test_registry_target import REGISTRY\nREGISTRY.register('good', 1, "
                                     "module=__name__)\n")
    (package / "bad.py").write_text("raise RuntimeError('broken built-in')\n")
    registry = Registry("widget", "broken_builtins", "chaosbench.test_widgets")
    target = type(sys)("test_registry_target")
    target.REGISTRY = registry
    monkeypatch.setitem(sys.modules, "test_registry_target", target)
    monkeypatch.syspath_prepend(str(tmp_path))
    for _ in range(2):
        with pytest.raises(RuntimeError, match="broken built-in"):
            registry.names()
        assert not any(name.startswith("broken_builtins") for name in sys.modules)
    (package / "bad.py").write_text("")
    assert registry.names() == ["good"]


def test_entry_points_register_metrics_after_the_builtins(tmp_path):
    (tmp_path / "thirdparty_metrics.py").write_text(textwrap.dedent('''
        import chaosbench

        @chaosbench.metric("thirdparty_max", kind="pointwise")
        def thirdparty_max(y_true, y_pred, *, context=None):
            return float(abs(y_pred - y_true).max())

        @chaosbench.metric("rmse", kind="pointwise")
        def rmse(y_true, y_pred, *, context=None):
            return 0.0
    '''))
    dist = tmp_path / "thirdparty_metrics-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty-metrics\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[chaosbench.metrics]\nmax = thirdparty_metrics\n")
    code = ("import json, warnings, chaosbench\nwith warnings.catch_warnings(record=True) as caught:\n"
            "    warnings.simplefilter('always')\n    names = chaosbench.list_metrics()\n"
            "print(json.dumps({'names': names, 'rmse': chaosbench.get_metric('rmse').__module__, "
            "'warnings': [str(w.message) for w in caught]}))")
    result = _in_fresh_process(code, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert "thirdparty_max" in result["names"] and result["rmse"] == "chaosbench._forecasting.metrics"
    assert len(result["warnings"]) == 1 and "A metric named 'rmse' is already registered" in result["warnings"][0]


def test_a_plugin_file_replacing_a_builtin_before_any_lookup(tmp_path):
    """What ``chaosbench run --plugin`` does first: a plugin's ``replace=True`` used to fail with "pass replace=True"
    when the built-ins loaded after it."""
    plugin = tmp_path / "override.py"
    plugin.write_text("import chaosbench\n\n@chaosbench.system(ic=[1.0], citation='plugin', replace=True)\n"
                      "def Lorenz(x):\n    return -x\n")
    code = ("import json, chaosbench\nfrom chaosbench._core.plugins import load_plugin_file\n"
            f"load_plugin_file({str(plugin)!r})\n"
            "print(json.dumps({'citation': chaosbench.get_system('Lorenz').citation, "
            "'n': len(chaosbench.list_systems())}))")
    builtins = _in_fresh_process("import json, chaosbench; print(json.dumps(len(chaosbench.list_systems())))")
    assert _in_fresh_process(code) == {"citation": "plugin", "n": builtins}
