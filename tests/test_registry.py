"""Declaring systems: the decorator, tracing, Jacobians, the registry and its errors."""

import numpy as np
import pytest

import chaosbench
from chaosbench.exceptions import DuplicateSystemError, InvalidParameterError, SystemDefinitionError


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

    with pytest.raises(DuplicateSystemError, match="already registered"):
        chaosbench.system(ic=[1.0], citation="second")(Twice._definition.function)

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
