"""Forcing periods of the non-autonomous systems (``forcing_period=`` declarations) and the forcing covariates.

Two independent checks of each declared period:

* numerically, on the compiled right-hand side: f(u, t + L) == f(u, t) for the common period L of the declared
  periods (L = T for a single period), and f(u, t + L/2), f(u, t + L/3) differ somewhere, so a multiple or a
  fraction of the true period fails. With several incommensurate periods (BickleyJet's three Rossby waves) the
  right-hand side has no common period and is periodic only in each forcing phase separately, which a shift of t
  alone cannot show; for those the numerical check runs on parameters that make the periods commensurate, and
* structurally, on the traced sympy equations, for every system and also at changed parameters (so a period
  function that ignores a parameter it should read fails): every occurrence of t must sit inside a sin, cos or tan
  whose argument is affine in t, c t + rest, with c = 2 pi n / T_j for a declared period T_j and a non-zero integer
  n. Substituting c t -> n phi_j then leaves equations free of t, which proves the right-hand side is a function of
  the phases phi_j = 2 pi t / T_j, 2 pi-periodic in each one; every declared period must occur, and the harmonics n
  of each phase must have greatest common divisor 1 (else T_j / gcd would be a shorter period of that phase).
"""

import math
from fractions import Fraction
from functools import reduce

import numpy as np
import pytest
import sympy as sp

import chaosbench
from chaosbench.exceptions import SystemDefinitionError

FORCED = chaosbench.list_systems(tag="nonautonomous")
AUTONOMOUS = sorted(set(chaosbench.list_systems()) - set(FORCED))


def common_period(periods, max_denominator=1000):
    """Least common multiple of the periods when their ratios are rational with small denominators, else None."""
    base = periods[0]
    ratios = []
    for period in periods:
        ratio = Fraction(period / base).limit_denominator(max_denominator)
        if not math.isclose(float(ratio), period / base, rel_tol=1e-12):
            return None
        ratios.append(ratio)
    numerator = reduce(math.lcm, (r.numerator for r in ratios))
    denominator = reduce(math.gcd, (r.denominator for r in ratios))
    return base * numerator / denominator


def states(s, k=5):
    x = s.trajectory(200).x
    return x[np.linspace(0, len(x) - 1, k).astype(int)]


def same(a, b, rtol):
    return np.allclose(a, b, rtol=rtol, atol=rtol * max(1.0, np.max(np.abs(a))))


def check_periodic(s, period):
    """f(u, t + period) == f(u, t) everywhere sampled, and f(u, t + period/2), f(u, t + period/3) differ somewhere."""
    us = states(s)
    ts = np.array([0.0, 0.137, 0.5, 0.71, 2.3]) * period
    differs = {2: False, 3: False}
    for u in us:
        for t in ts:
            f = s.rhs(u, t)
            assert same(f, s.rhs(u, t + period), 1e-9), (s.name, u, t, period)
            for d in differs:
                differs[d] |= not same(f, s.rhs(u, t + period / d), 1e-6)
    assert all(differs.values()), f"{s.name}: right-hand side also periodic with {period} / {differs}"


@pytest.mark.parametrize("name", FORCED)
def test_forcing_periods_declared_and_positive(name):
    periods = chaosbench.get_system(name).forcing_periods
    assert len(periods) > 0
    assert all(np.isfinite(p) and p > 0 for p in periods)
    assert len(set(periods)) == len(periods)


@pytest.mark.parametrize("name", FORCED)
def test_rhs_periodic_with_common_forcing_period(name):
    s = chaosbench.get_system(name)
    period = common_period(s.forcing_periods)
    if period is None:
        pytest.skip(f"incommensurate forcing periods {s.forcing_periods}: covered by the structural test "
                    "and test_bickley_jet_commensurate_waves")
    check_periodic(s, period)


def test_bickley_jet_commensurate_waves():
    """With equal phase speeds the wavenumbers k, 2k, 3k give periods T, T/2, T/3: common period T."""
    s = chaosbench.get_system("BickleyJet")
    k = s.params["k"]
    assert np.allclose(k / k[0], [1, 2, 3], rtol=1e-5)
    s = s.with_params(k=k[0] * np.array([1.0, 2.0, 3.0]), sigma=[2e-5, 2e-5, 2e-5])
    periods = s.forcing_periods
    assert np.allclose(periods, periods[0] / np.array([1, 2, 3]), rtol=1e-12)
    check_periodic(s, periods[0])


def _phase_structure(s):
    """Per declared period, the harmonics n with which it enters the traced equations (see the module docstring)."""
    traced = s._definition.traced()
    t = traced.time
    values = dict(zip(traced.params, s._p))
    periods = s.forcing_periods
    phases = [sp.Symbol(f"phi_{j}", real=True) for j in range(len(periods))]
    harmonics = [set() for _ in periods]
    replacements = {}
    for expr in traced.rhs:
        for atom in expr.atoms(sp.sin, sp.cos, sp.tan):
            arg = atom.args[0]
            if t not in arg.free_symbols or sp.diff(arg, t, 2) != 0:
                continue  # constant in t, or not affine in t (it must then become free of t below)
            slope = sp.diff(arg, t)
            c = float(slope.subs(values))
            candidates = []
            for j, period in enumerate(periods):
                n = c * period / (2 * np.pi)
                if round(n) != 0 and abs(n - round(n)) < 1e-9 * max(1.0, abs(n)):
                    candidates.append((abs(round(n)), j, round(n)))
            assert candidates, f"{s.name}: {atom} has frequency {c}, not a harmonic of a period in {periods}"
            _, j, n = min(candidates)
            harmonics[j].add(abs(n))
            replacements[atom] = atom.func(sp.expand(arg - slope * t) + n * phases[j])
    for expr in traced.rhs:
        assert t not in expr.xreplace(replacements).free_symbols, f"{s.name}: t enters outside the forcing phases"
    return harmonics


def _scaled(s, factor=1.37):
    """Every parameter the forcing-period function could read, changed (multiplied by ``factor``)."""
    return s.with_params(**{k: np.asarray(v) * factor for k, v in s.params.items()})


@pytest.mark.parametrize("scale", [False, True], ids=["default", "scaled_params"])
@pytest.mark.parametrize("name", FORCED)
def test_time_enters_only_through_declared_phases(name, scale):
    s = chaosbench.get_system(name)
    if scale:
        s = _scaled(s)
    harmonics = _phase_structure(s)
    for period, ns in zip(s.forcing_periods, harmonics):
        assert ns, f"{name}: declared period {period} does not occur in the equations"
        assert reduce(math.gcd, ns) == 1, f"{name}: period {period} enters only with harmonics {ns}: too long"


def test_with_params_changes_periods():
    duffing = chaosbench.get_system("Duffing")
    assert duffing.forcing_periods == pytest.approx((2 * np.pi,))
    assert duffing.with_params(omega=2.0).forcing_periods == pytest.approx((np.pi,))
    assert chaosbench.get_system("CircadianRhythm").with_params(ps=12.0).forcing_periods == (12.0,)
    assert chaosbench.get_system("TurchinHanski").with_params(lamb=4.0).forcing_periods == (0.25,)
    assert chaosbench.get_system("BlinkingVortex").with_params(tau=5.0).forcing_periods == (5.0,)
    assert chaosbench.get_system("Torus").with_params(n=4.0).forcing_periods == pytest.approx((2 * np.pi, np.pi / 2))
    bickley = chaosbench.get_system("BickleyJet")
    assert bickley.with_params(omega=2.0).forcing_periods == pytest.approx(np.array(bickley.forcing_periods) / 2)
    # a parameter that does not enter the forcing leaves the period alone
    assert duffing.with_params(gamma=1.0).forcing_periods == duffing.forcing_periods


@pytest.mark.parametrize("scale", [False, True], ids=["default", "scaled_params"])
def test_periodic_after_with_params(scale):
    """The numerical check holds at changed parameters too (Duffing with omega = 2: period pi)."""
    s = chaosbench.get_system("Duffing").with_params(omega=2.0)
    check_periodic(_scaled(s) if scale else s, s.forcing_periods[0] * (1 / 1.37 if scale else 1))


def test_autonomous_systems_have_no_forcing():
    t = np.linspace(0, 10, 7)
    for name in AUTONOMOUS:
        s = chaosbench.get_system(name)
        assert s.forcing_periods == (), name
        assert s.forcing_covariates(t).shape == (len(t), 0), name


@pytest.mark.parametrize("name", FORCED)
def test_forcing_covariates(name):
    s = chaosbench.get_system(name)
    t = np.linspace(-3.0, 50.0, 101)
    cov = s.forcing_covariates(t)
    periods = s.forcing_periods
    assert cov.shape == (len(t), 2 * len(periods))
    assert np.allclose(cov[:, 0::2] ** 2 + cov[:, 1::2] ** 2, 1.0, rtol=0, atol=1e-12)
    for j, period in enumerate(periods):
        assert np.allclose(cov[:, 2 * j], np.sin(2 * np.pi * t / period), atol=1e-9)
        assert np.allclose(cov[:, 2 * j + 1], np.cos(2 * np.pi * t / period), atol=1e-9)


def test_forcing_period_on_autonomous_system_is_rejected():
    def _TestAutonomousForcing(x, y, *, w=1.0):
        return y, -x

    with pytest.raises(SystemDefinitionError, match="forcing_period"):
        chaosbench.system(_TestAutonomousForcing, ic=[1.0, 0.0], citation="test",
                          forcing_period=lambda w: 2 * np.pi / w)
    assert "_TestAutonomousForcing" not in chaosbench.list_systems()


def test_forcing_period_with_unknown_parameter_is_rejected():
    def _TestForcingUnknownParam(x, y, *, t, w=1.0):
        return y, -x + np.cos(w * t)

    with pytest.raises(SystemDefinitionError, match="unknown parameters"):
        chaosbench.system(_TestForcingUnknownParam, ic=[1.0, 0.0], citation="test",
                          forcing_period=lambda omega: 2 * np.pi / omega)
    assert "_TestForcingUnknownParam" not in chaosbench.list_systems()
