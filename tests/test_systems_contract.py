"""The contract check over every registered system: adding a system needs no new test."""

import numpy as np
import pytest

import chaosbench
from chaosbench.exceptions import ContractError


@pytest.mark.parametrize("name", chaosbench.list_systems())
def test_check_system(name):
    chaosbench.check_system(name)


def test_first_systems_are_registered():
    expected = {"Lorenz", "Rossler", "Chen", "Thomas", "Halvorsen", "Aizawa", "SprottB", "Duffing", "Lorenz96"}
    assert expected <= set(chaosbench.list_systems())


def test_check_system_catches_a_wrong_jacobian(register):
    @register(ic=[1.0, 0.5], citation="test", jac=lambda x, y: ((0.0, 1.0), (-1.0, 0.0)))
    def WrongJacobian(x, y):
        return y, -x - 0.1 * x**3

    with pytest.raises(ContractError, match="WrongJacobian fails jacobian: Jacobian differs") as failed:
        chaosbench.check_system(WrongJacobian)
    assert failed.value.check == "jacobian"


def test_check_system_catches_a_non_chaotic_system(register):
    @register(ic=[1.0, 0.0], citation="test")
    def DampedOscillator(x, y, *, w=2.0, damping=0.2):
        return y, -(w**2) * x - damping * y

    with pytest.raises(ContractError, match="fails chaotic: largest Lyapunov exponent"):
        chaosbench.check_system(DampedOscillator)


def test_discontinuous_systems_use_the_two_trajectory_estimate(register):
    @register(ic=[0.1, 0.0, 0.0], citation="test: SprottMore's form", tags=["discontinuous"])
    def JumpingJerk(x, y, z):
        return y, -x - np.sign(z) * y, y**2 - np.exp(-(x**2))

    with pytest.warns(chaosbench.ChaosbenchWarning, match="discontinuous"):
        chaosbench.lyapunov_spectrum(JumpingJerk, 1, n_periods=50)
    chaosbench.check_system(JumpingJerk)  # passes through lyapunov_max_reference, without a warning
