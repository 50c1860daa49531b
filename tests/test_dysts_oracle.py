"""Optional oracle: where dysts is installed, every shared system's right-hand side must equal dysts'.

The comparison uses dysts' own parameter values (passed through ``with_params``, which also checks that the
parameter names agree). Systems declared with a ``deviation`` (a documented difference in equations or state) are
skipped with that reason; a state-dimension mismatch without a declared deviation fails.
"""

import numpy as np
import pytest

import chaosbench

flows = pytest.importorskip("dysts.flows", reason="dysts is not installed (pip install 'chaosbench[oracle]')")

SHARED = [name for name in chaosbench.list_systems() if hasattr(flows, name)]


@pytest.mark.oracle
@pytest.mark.parametrize("name", SHARED)
def test_rhs_matches_dysts(name):
    ours = chaosbench.get_system(name)
    if ours.deviation:
        pytest.skip(f"declared deviation: {ours.deviation}")
    model = getattr(flows, name)()
    dysts_dim = len(np.atleast_1d(model.ic))
    delay = ours.delay is not None  # dysts stores a delay embedding; compare the scalar equation itself
    assert ours._definition.vector or delay or dysts_dim == ours.dim, (
        f"{name}: dimension {ours.dim} differs from dysts' {dysts_dim}; declare the deviation")
    ours = ours.with_params(**dict(model.params))
    states = chaosbench.get_system(name).trajectory(200, pts_per_period=20).x[::40]
    for k, u in enumerate(states):
        t = 0.37 * k
        if delay:
            delayed = states[(k + 2) % len(states)]
            expected = np.atleast_1d(np.asarray(model._rhs(*u, *delayed, t, *model.param_list), dtype=float))
            scale = max(1.0, np.abs(expected).max())
            np.testing.assert_allclose(ours.rhs(u, t, delayed=delayed), expected, rtol=1e-9, atol=1e-9 * scale,
                                       err_msg=f"{name}: right-hand side differs from dysts at {u}, {delayed}")
            continue
        expected = np.asarray(model.rhs(u.copy(), t), dtype=float)
        scale = max(1.0, np.abs(expected).max())
        np.testing.assert_allclose(ours.rhs(u, t), expected, rtol=1e-9, atol=1e-9 * scale,
                                   err_msg=f"{name}: right-hand side differs from dysts at state {u}, t={t}")
