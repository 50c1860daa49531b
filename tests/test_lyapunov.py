"""Lyapunov exponents against published values, and the Kaplan-Yorke dimension."""

import numpy as np
import pytest

import chaosbench


def test_lorenz_spectrum_matches_literature():
    published = np.array([0.9056, 0.0, -14.5723])  # Sprott (2003)
    lam = chaosbench.lyapunov_spectrum("Lorenz")
    assert lam[0] == pytest.approx(published[0], rel=0.01)
    assert abs(lam[1]) < 0.01
    assert lam[2] == pytest.approx(published[2], rel=0.01)
    # The exponents sum to the mean divergence of the flow, -(sigma + 1 + beta).
    assert lam.sum() == pytest.approx(-(10 + 1 + 8 / 3), rel=1e-3)


def test_rossler_lyapunov_max_matches_literature():
    assert chaosbench.lyapunov_spectrum("Rossler", 1)[0] == pytest.approx(0.0714, rel=0.05)


def test_exponents_are_reproducible_and_ordered():
    a = chaosbench.lyapunov_spectrum("Chen", n_periods=300, seed=3)
    b = chaosbench.lyapunov_spectrum(chaosbench.get_system("Chen"), n_periods=300, seed=3)
    np.testing.assert_array_equal(a, b)
    assert np.all(np.diff(a) <= 0)


def test_kaplan_yorke_dimension():
    assert chaosbench.kaplan_yorke_dimension([0.9056, 0.0, -14.5723]) == pytest.approx(2 + 0.9056 / 14.5723)
    assert chaosbench.kaplan_yorke_dimension([-0.1, -1.0]) == 0.0
    assert chaosbench.kaplan_yorke_dimension([0.5, 0.1]) == 2.0
    with pytest.raises(chaosbench.InvalidParameterError):
        chaosbench.kaplan_yorke_dimension([np.nan, 1.0])


def test_bad_arguments():
    with pytest.raises(chaosbench.InvalidParameterError, match="exceeds the dimension"):
        chaosbench.lyapunov_spectrum("Lorenz", 4)
    with pytest.raises(chaosbench.UnknownSystemError, match="Did you mean 'Rossler'"):
        chaosbench.lyapunov_spectrum("Rosler")


def test_lyapunov_max_rule_picks_the_method_by_tag(register):
    """One rule: Benettin with the exact Jacobian, or two trajectories for a discontinuous right-hand side."""
    import warnings

    from chaosbench._dynamics.invariants import lyapunov_max, lyapunov_max_method, lyapunov_max_reference

    assert lyapunov_max_method("Lorenz") == "benettin"
    assert lyapunov_max("Lorenz", n_periods=100, seed=2) == chaosbench.lyapunov_spectrum("Lorenz", 1, n_periods=100,
                                                                                          seed=2)[0]

    @register(ic=[0.1, 0.0, 0.0], citation="test: a jerk system with a sign switch", tags=["discontinuous"])
    def SignJerk(x, y, z, *, a=0.6):
        return y, z, -a * z - y + np.sign(x) - x

    assert lyapunov_max_method(SignJerk) == "two_trajectory"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the tangent-space method, which warns on this tag, is not used
        lam = lyapunov_max(SignJerk, n_periods=100)
    assert lam == lyapunov_max_reference(SignJerk, n_periods=100)
