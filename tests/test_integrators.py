"""Integrators: convergence order against an exact solution, agreement with scipy, dense output, divergence."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

import chaosbench
from chaosbench import DOP853, RK4, Dopri5, IntegrationError, Radau
from chaosbench._dynamics import integrators as kernels

LINEAR = np.array([[-0.3, 2.0, 0.0], [-2.0, -0.3, 0.5], [0.0, -0.5, -1.0]])


@pytest.fixture
def linear(register):
    @register(ic=[1.0, 0.5, -0.5], citation="test: linear ODE u' = A u", tags=["nonchaotic"])
    def LinearTest(x, y, z):
        return (
            -0.3 * x + 2.0 * y,
            -2.0 * x - 0.3 * y + 0.5 * z,
            -0.5 * y - 1.0 * z,
        )

    return LinearTest


def observed_order(system, solver_cls, steps):
    T = 2.0
    exact = expm(LINEAR * T) @ system.ic
    errors, sizes = [], []
    for n_steps in steps:
        traj = system.trajectory(2, dt=T, transient=0.0, method=solver_cls(dt=T / n_steps))
        np.testing.assert_allclose(traj.t, [0.0, T])
        errors.append(np.abs(traj.x[1] - exact).max())
        sizes.append(T / n_steps)
    return np.polyfit(np.log(sizes), np.log(errors), 1)[0]


@pytest.mark.parametrize(
    "solver_cls, steps, order",
    [(RK4, [10, 20, 40, 80], 4), (Dopri5, [10, 20, 40, 80], 5), (DOP853, [5, 8, 12, 16], 8)],
)
def test_convergence_order_on_linear_ode(linear, solver_cls, steps, order):
    assert observed_order(linear, solver_cls, steps) == pytest.approx(order, abs=0.3)


@pytest.mark.parametrize("method", ["dop853", "dopri5"])
def test_adaptive_solvers_reach_the_exact_solution(linear, method):
    traj = linear.trajectory(50, dt=0.1, transient=0.0, method=chaosbench.get_solver(method, 1e-12, 1e-14))
    exact = np.array([expm(LINEAR * t) @ linear.ic for t in traj.t])
    np.testing.assert_allclose(traj.x, exact, atol=1e-10)


def test_lorenz_matches_scipy_dop853_at_t5():
    lorenz = chaosbench.get_system("Lorenz")
    ic = np.array([1.0, 1.0, 1.0])
    ours = lorenz.trajectory(2, dt=5.0, ic=ic, transient=0.0, method=DOP853(rtol=1e-12, atol=1e-12)).x[1]
    ref = solve_ivp(lambda t, u: lorenz.rhs(u), (0, 5), ic, method="DOP853", rtol=1e-12, atol=1e-12).y[:, -1]
    np.testing.assert_allclose(ours, ref, atol=1e-7)


def test_nonautonomous_duffing_matches_scipy():
    duffing = chaosbench.get_system("Duffing")
    ic = duffing.ic
    ours = duffing.trajectory(2, dt=3.0, ic=ic, transient=0.0, method=DOP853(rtol=1e-12, atol=1e-12)).x[1]
    ref = solve_ivp(lambda t, u: duffing.rhs(u, t), (0, 3), ic, method="DOP853", rtol=1e-12, atol=1e-12).y[:, -1]
    np.testing.assert_allclose(ours, ref, atol=1e-8)


def test_dense_output_never_shrinks_steps():
    lorenz = chaosbench.get_system("Lorenz")
    problem = lorenz.problem()
    steps = []
    for n in (2, 200, 20000):
        status, x, t, u, n_steps = kernels.kernel("dop853")(problem.equations.rhs, 0.0, lorenz.ic, problem.p, 0.0,
                                                            10.0 / (n - 1), n, 1e-10, 1e-12, 1e12, 10**6)
        assert status == kernels.OK
        steps.append(n_steps)
    assert steps[0] == steps[1] == steps[2]


def test_dense_output_is_consistent_across_sampling_rates():
    lorenz = chaosbench.get_system("Lorenz")
    coarse = lorenz.trajectory(11, dt=0.1, transient=0.0)
    fine = lorenz.trajectory(101, dt=0.01, transient=0.0)
    np.testing.assert_allclose(fine.x[::10], coarse.x, atol=1e-7)


def test_radau_agrees_with_dop853():
    lorenz = chaosbench.get_system("Lorenz")
    a = lorenz.trajectory(100, transient=1.0, method=Radau(rtol=1e-10, atol=1e-12))
    b = lorenz.trajectory(100, transient=1.0)
    np.testing.assert_allclose(a.x, b.x, atol=1e-4)


@pytest.mark.parametrize("method", ["dop853", "dopri5", "rk4", "radau"])
def test_divergence_raises_integration_error(method):
    diverging = chaosbench.get_system("Lorenz").with_params(beta=-1.0)
    with pytest.raises(IntegrationError, match=r"Lorenz: integration failed at t=[0-9.]+") as info:
        diverging.trajectory(200, dt=0.05, transient=0.0, method=method)
    assert info.value.system == "Lorenz" and info.value.t > 0 and len(info.value.state) == 3


def test_bad_solver_settings():
    lorenz = chaosbench.get_system("Lorenz")
    with pytest.raises(chaosbench.InvalidParameterError, match="Unknown method 'rk5'"):
        lorenz.trajectory(10, method="rk5")
    with pytest.raises(chaosbench.InvalidParameterError, match="rk4: dt must be a positive number or None, got -1.0"):
        lorenz.trajectory(10, method=RK4(dt=-1.0))
    for solver, message in ((chaosbench.Radau(rtol=-1), "radau: rtol must be a positive number"),
                            (chaosbench.Dopri5(rtol="a"), "dopri5: rtol must be a positive number"),
                            (chaosbench.DOP853(atol=-1e-9), "dop853: atol must be a non-negative number"),
                            (chaosbench.DelayRK4(max_steps=0), "dde_rk4: max_steps must be a positive integer")):
        system = chaosbench.get_system("MackeyGlass") if solver.delay_equations else lorenz
        with pytest.raises(chaosbench.InvalidParameterError, match=message):
            system.trajectory(10, method=solver)
    with pytest.raises(chaosbench.InvalidParameterError, match="radau: rtol must be a positive number, got True"):
        chaosbench.get_solver("radau", rtol=True)


@pytest.mark.parametrize("t_end", [51.0, 37.3])  # on a grid point (3 delays) and between grid points
def test_delay_integrator_converges_with_order_four(t_end):
    mackey_glass = chaosbench.get_system("MackeyGlass")
    tau = mackey_glass.delay

    def solve(steps_per_delay):
        solver = chaosbench.DelayRK4(dt=tau / steps_per_delay)
        return mackey_glass.trajectory(2, dt=t_end, transient=0.0, method=solver).x[1, 0]

    reference = solve(6400)
    steps = np.array([25, 50, 100, 200])
    errors = [abs(solve(m) - reference) for m in steps]
    order = -np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert order == pytest.approx(4, abs=0.4)


def test_delay_history_is_constant_before_the_start():
    mackey_glass = chaosbench.get_system("MackeyGlass")
    traj = mackey_glass.trajectory(5, dt=1.0, transient=0.0, ic=[0.7])
    # With constant history 0.7 < 1: x' = beta*0.7/(1+0.7**10) - gamma*x on [0, tau], solvable exactly.
    drive = 0.2 * 0.7 / (1 + 0.7**10)
    exact = drive / 0.1 + (0.7 - drive / 0.1) * np.exp(-0.1 * traj.t)
    np.testing.assert_allclose(traj.x[:, 0], exact, atol=1e-9)


def test_delay_systems_reject_ode_methods_and_vice_versa(register):
    @register(delay="tau", ic=[0.5, 0.1], citation="test")
    def TwoDelayed(x, y, xd, yd, *, tau=1.0):
        return -xd, x - yd

    with pytest.raises(chaosbench.InvalidParameterError, match="delay equations use 'dde_rk4'"):
        chaosbench.get_system("MackeyGlass").trajectory(10, method="dop853")
    with pytest.raises(chaosbench.InvalidParameterError, match="delay equations use 'dde_rk4'"):
        chaosbench.get_system("Lorenz").trajectory(10, method="dde_rk4")
    with pytest.raises(chaosbench.InvalidParameterError, match="only its largest exponent"):
        chaosbench.lyapunov_spectrum(TwoDelayed, 2)


def test_stiff_systems_use_radau_and_a_stiff_time_scale_probe(register):
    @register(ic=[2.0, 0.0], citation="B. van der Pol (1926); relaxation period (3 - 2 ln 2) mu for large mu",
              tags=["stiff", "nonchaotic"])
    def StiffVanDerPol(x, y, *, mu=100.0):
        return y, mu * (1 - x**2) * y - x

    traj = StiffVanDerPol.trajectory(300, pts_per_period=50, transient=2.0)
    assert traj.info["solver"]["method"] == "radau"
    assert np.abs(traj.x[:, 0]).max() == pytest.approx(2.0, rel=0.02)  # the relaxation cycle's amplitude
    # Known limitation of the period rule (shortest of the variables' dominant periods): the spiky velocity y peaks
    # at a harmonic of the relaxation period, so the estimate is the fundamental divided by a small integer.
    ratio = (3 - 2 * np.log(2)) * 100 / StiffVanDerPol.period
    assert 1 <= round(ratio) <= 7 and ratio == pytest.approx(round(ratio), rel=0.1)


def test_tableaux_are_the_published_constants():
    """The project's tableaux equal scipy's copies of the same publications, bit for bit."""
    from scipy.integrate._ivp import dop853_coefficients as d8
    from scipy.integrate._ivp.rk import RK45

    from chaosbench._dynamics import tableaux

    A, b, c = tableaux.DOPRI5
    assert np.array_equal(A[:6, :5], RK45.A) and np.array_equal(A[6, :6], RK45.B)
    assert np.array_equal(b[:6], RK45.B) and np.array_equal(c[:6], RK45.C)
    assert np.array_equal(tableaux.DOPRI5_ERROR, RK45.E) and np.array_equal(tableaux.DOPRI5_DENSE, RK45.P)
    A, b, c = tableaux.DOP853
    assert np.array_equal(A, d8.A) and np.array_equal(b[:12], d8.B) and np.array_equal(c, d8.C)
    assert np.array_equal(tableaux.DOP853_ERROR5, d8.E5) and np.array_equal(tableaux.DOP853_ERROR3, d8.E3)
    assert np.array_equal(tableaux.DOP853_DENSE, d8.D)
    for A, b, c in (tableaux.RK4, tableaux.DOPRI5, tableaux.DOP853):  # consistency: rows of A sum to c
        np.testing.assert_allclose(A.sum(axis=1), c, atol=1e-14)


@pytest.mark.parametrize("method", ["rk4", "dde_rk4"])
def test_tolerances_of_a_fixed_step_solver_are_refused(method):
    with pytest.raises(chaosbench.InvalidParameterError, match="rtol and atol do not apply"):
        chaosbench.get_solver(method, rtol=1e-6)
    with pytest.raises(chaosbench.InvalidParameterError, match="rtol and atol do not apply"):
        chaosbench.get_system("MackeyGlass").trajectory(10, atol=1e-9)


def test_solver_names_are_one_case():
    for name in ("rk4", "dopri5", "dop853", "radau", "bdf", "lsoda", "dde_rk4"):
        assert chaosbench.get_solver(name).name == name == chaosbench.get_solver(name.upper()).name


def test_one_divergence_policy():
    from chaosbench._core.divergence import TRAJECTORY_FACTOR, divergence_bound, diverged

    states = np.array([[1.0, 2.0], [np.nan, 0.0], [0.0, 50.0], [500.0, 0.0]])
    np.testing.assert_array_equal(diverged(states, 100.0), [False, True, False, True])
    np.testing.assert_array_equal(diverged(states, 10.0, unbounded=[1]), [False, True, False, True])
    np.testing.assert_array_equal(diverged(states, 10.0, unbounded=[0]), [False, True, True, False])
    assert divergence_bound([[0.1, -0.2]], 100.0) == 100.0  # at least one unit of scale
    assert divergence_bound([[3.0, -4.0]], 100.0) == 400.0
    lorenz = chaosbench.get_system("Lorenz")  # integration: the initial conditions set the scale
    assert lorenz.problem().bound == divergence_bound(lorenz.ic, TRAJECTORY_FACTOR)
    assert lorenz.problem([1e3, 0.0, 0.0]).bound == 1e3 * TRAJECTORY_FACTOR
