"""Numba kernels of the integrators, each compiled once for all systems.

Right-hand sides and Jacobians arrive as numba first-class functions with the fixed signatures of
:mod:`chaosbench._dynamics.symbolic`, so a kernel is compiled (and cached on disk) once, not once per system, and only when
first used. Every kernel returns a status code instead of raising, together with the time and state reached; the
Python layer turns a failure into :class:`~chaosbench.exceptions.IntegrationError`.

Delay equations use RK4 by the method of steps with cubic Hermite interpolation of the stored history.

The Butcher tableaux are the published constants of :mod:`chaosbench._dynamics.tableaux`.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types

from . import tableaux

OK, NON_FINITE, RUNAWAY, STEP_COLLAPSE, TOO_MANY_STEPS = 0, 1, 2, 3, 4
STATUS_MESSAGES = {
    NON_FINITE: "state became non-finite",
    RUNAWAY: "state ran away beyond the divergence bound",
    STEP_COLLAPSE: "step size collapsed below round-off",
    TOO_MANY_STEPS: "maximum number of steps exceeded",
}

_vec = types.float64[::1]
_mat = types.float64[:, ::1]
RHS_TYPE = types.FunctionType(types.void(types.float64, _vec, _vec, _vec))
JAC_TYPE = types.FunctionType(types.void(types.float64, _vec, _vec, _mat))
_RESULT = types.Tuple((types.int64, _mat, types.float64, _vec, types.int64))  # status, samples, t, u, steps
_LYAP_RESULT = types.Tuple((types.int64, _vec, types.float64, _vec, types.int64))  # status, log sums, t, u, steps

# Coefficients the adaptive kernels read as compile-time constants.
_DP5_A, _, _DP5_C = tableaux.DOPRI5  # seven stages; row 7 of A is b (first same as last)
_DP5_E, _DP5_P = tableaux.DOPRI5_ERROR, tableaux.DOPRI5_DENSE
_D8_A, _D8_B, _D8_C = tableaux.DOP853
_D8_E3, _D8_E5, _D8_D = tableaux.DOP853_ERROR3, tableaux.DOP853_ERROR5, tableaux.DOP853_DENSE


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _stages(f, t, u, h, p, A, C, K, first, last, tmp):
    """Evaluate stages ``first..last-1`` into rows of ``K`` (earlier rows must be filled)."""
    d = u.size
    for s in range(first, last):
        for j in range(d):
            acc = 0.0
            for r in range(s):
                acc += A[s, r] * K[r, j]
            tmp[j] = u[j] + h * acc
        f(t + C[s] * h, tmp, p, K[s])


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _combine(u, h, b, K, n_stages, out):
    for j in range(u.size):
        acc = 0.0
        for s in range(n_stages):
            acc += b[s] * K[s, j]
        out[j] = u[j] + h * acc


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _check(u, bound):
    """The divergence policy of :mod:`chaosbench._core.divergence` for one state, inside the kernels."""
    for v in u:
        if not np.isfinite(v):
            return NON_FINITE
        if abs(v) > bound:
            return RUNAWAY
    return OK


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _rms(err, u, u_new, rtol, atol):
    acc = 0.0
    for j in range(u.size):
        sc = atol + rtol * max(abs(u[j]), abs(u_new[j]))
        acc += (err[j] / sc) ** 2
    return np.sqrt(acc / u.size)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _initial_step(f, t, u, f0, p, order, rtol, atol, tmp, f1):
    """Starting step size (Hairer, Nørsett & Wanner 1993, Sec. II.4)."""
    d0 = _rms(u, u, u, rtol, atol)
    d1 = _rms(f0, u, u, rtol, atol)
    h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    for j in range(u.size):
        tmp[j] = u[j] + h0 * f0[j]
    f(t + h0, tmp, p, f1)
    for j in range(u.size):
        f1[j] -= f0[j]
    d2 = _rms(f1, u, u, rtol, atol) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / (order + 1))
    return min(100 * h0, h1)


def _fixed_rk(f, A, b, c, t0, u0, p, h, n_skip, substeps, n, bound):
    """Fixed-step explicit Runge-Kutta: ``n_skip`` steps of transient, then ``n`` samples ``substeps`` apart."""
    d = u0.size
    out = np.empty((n, d))
    K = np.empty((b.size, d))
    tmp = np.empty(d)
    u = u0.copy()
    u_new = np.empty(d)
    t = t0
    last = n_skip + (n - 1) * substeps
    k = 0
    for step in range(last + 1):
        if step >= n_skip and (step - n_skip) % substeps == 0:
            out[k] = u
            k += 1
        if step == last:
            break
        f(t, u, p, K[0])
        _stages(f, t, u, h, p, A, c, K, 1, b.size, tmp)
        _combine(u, h, b, K, b.size, u_new)
        t = t0 + (step + 1) * h
        status = _check(u_new, bound)
        if status != OK:
            return status, out, t, u_new, step + 1
        u[:] = u_new
    steps = last
    return OK, out, t, u, steps


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _resized(h, err_norm, exponent):
    """The next step size after a step with scaled error ``err_norm`` (Hairer, Nørsett & Wanner 1993, Sec. II.4):
    shrunk 5× after a non-finite error, otherwise scaled by a safety factor 0.9 times ``err_norm ** -exponent``,
    within 0.2× to 10×."""
    if not np.isfinite(err_norm):
        return h * 0.2
    if err_norm > 1.0:
        return h * max(0.2, 0.9 * err_norm ** -exponent)
    return h * (10.0 if err_norm == 0.0 else min(10.0, 0.9 * err_norm ** -exponent))


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _dopri5_step(f, t, u, h, p, K, tmp, u_new, err, rtol, atol):
    """One Dormand-Prince 5(4) step into ``u_new`` (stage 7, the next step's first, in ``K[6]``); its scaled
    error."""
    _stages(f, t, u, h, p, _DP5_A, _DP5_C, K, 1, 6, tmp)
    _combine(u, h, _DP5_A[6], K, 6, u_new)
    f(t + h, u_new, p, K[6])
    for j in range(u.size):
        acc = 0.0
        for s in range(7):
            acc += _DP5_E[s] * K[s, j]
        err[j] = h * acc
    return _rms(err, u, u_new, rtol, atol)


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _dopri5_dense(u, h, K, theta, out, k):
    """The 4th-order continuous extension at ``t + theta * h`` into row ``k`` of ``out``."""
    for j in range(u.size):
        acc = 0.0
        power = 1.0
        for q in range(4):
            power *= theta
            qj = 0.0
            for s in range(7):
                qj += K[s, j] * _DP5_P[s, q]
            acc += qj * power
        out[k, j] = u[j] + h * acc


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _dop853_step(f, t, u, h, p, K, tmp, u_new, rtol, atol):
    """One DOP853 step into ``u_new`` (stage 13, the next step's first, in ``K[12]``); its scaled error from the
    5th- and 3rd-order estimates."""
    _stages(f, t, u, h, p, _D8_A, _D8_C, K, 1, 12, tmp)
    _combine(u, h, _D8_B, K, 12, u_new)
    f(t + h, u_new, p, K[12])
    e5 = 0.0
    e3 = 0.0
    for j in range(u.size):
        a5 = 0.0
        a3 = 0.0
        for s in range(13):
            a5 += _D8_E5[s] * K[s, j]
            a3 += _D8_E3[s] * K[s, j]
        sc = atol + rtol * max(abs(u[j]), abs(u_new[j]))
        e5 += (a5 / sc) ** 2
        e3 += (a3 / sc) ** 2
    if e5 == 0.0 and e3 == 0.0:
        return 0.0
    return abs(h) * e5 / np.sqrt((e5 + 0.01 * e3) * u.size)


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _dop853_dense_coefficients(f, t, u, u_new, h, p, K, F, tmp):
    """The three extra stages and the coefficients ``F`` of the 7th-order continuous extension of a step."""
    _stages(f, t, u, h, p, _D8_A, _D8_C, K, 13, 16, tmp)
    for j in range(u.size):
        delta = u_new[j] - u[j]
        F[0, j] = delta
        F[1, j] = h * K[0, j] - delta
        F[2, j] = 2.0 * delta - h * (K[12, j] + K[0, j])
        for r in range(4):
            acc = 0.0
            for s in range(16):
                acc += _D8_D[r, s] * K[s, j]
            F[3 + r, j] = h * acc


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _dop853_dense(u, F, theta, out, k):
    """The 7th-order continuous extension at ``t + theta * h`` into row ``k`` of ``out``."""
    for j in range(u.size):
        y = 0.0
        for i in range(7):
            y += F[6 - i, j]
            y *= theta if i % 2 == 0 else 1.0 - theta
        out[k, j] = u[j] + y


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _adaptive(f, t0, u0, p, t_first, dt, n, rtol, atol, bound, max_steps, eighth_order):
    """An embedded Runge-Kutta pair with step-size control and dense output at ``t_first + k*dt``: Dormand-Prince
    5(4) with 4th-order dense output, or DOP853 with its 5th/3rd-order error estimate and 7th-order dense output
    (``eighth_order``)."""
    d = u0.size
    last = 12 if eighth_order else 6  # the stage that is the next step's first
    exponent = 0.125 if eighth_order else 0.2  # 1 / (order + 1) of the step-size controller
    out = np.empty((n, d))
    K = np.empty((16 if eighth_order else 7, d))
    F = np.empty((7, d))
    tmp = np.empty(d)
    u = u0.copy()
    u_new = np.empty(d)
    err = np.empty(d)
    t = t0
    f(t, u, p, K[0])
    h = _initial_step(f, t, u, K[0], p, 7 if eighth_order else 4, rtol, atol, tmp, err)
    k = 0
    while k < n and t_first + k * dt <= t:
        out[k] = u
        k += 1
    steps = 0
    while k < n:
        if steps >= max_steps:
            return TOO_MANY_STEPS, out, t, u, steps
        if h < 1e-14 * max(abs(t), 1.0):
            return STEP_COLLAPSE, out, t, u, steps
        if eighth_order:
            err_norm = _dop853_step(f, t, u, h, p, K, tmp, u_new, rtol, atol)
        else:
            err_norm = _dopri5_step(f, t, u, h, p, K, tmp, u_new, err, rtol, atol)
        if not err_norm <= 1.0:  # rejected, or not finite
            h = _resized(h, err_norm, exponent)
            continue
        steps += 1
        status = _check(u_new, bound)
        if status != OK:
            return status, out, t + h, u_new, steps
        if eighth_order:
            if k < n and t_first + k * dt <= t + h:
                _dop853_dense_coefficients(f, t, u, u_new, h, p, K, F, tmp)
            while k < n and t_first + k * dt <= t + h:
                _dop853_dense(u, F, (t_first + k * dt - t) / h, out, k)
                k += 1
        else:
            while k < n and t_first + k * dt <= t + h:
                _dopri5_dense(u, h, K, (t_first + k * dt - t) / h, out, k)
                k += 1
        t += h
        u[:] = u_new
        K[0] = K[last]
        h = _resized(h, err_norm, exponent)
    return OK, out, t, u, steps


def _adaptive_dopri5(f, t0, u0, p, t_first, dt, n, rtol, atol, bound, max_steps):
    """Dormand-Prince 5(4) with step-size control and 4th-order dense output at ``t_first + k*dt``."""
    return _adaptive(f, t0, u0, p, t_first, dt, n, rtol, atol, bound, max_steps, False)


def _adaptive_dop853(f, t0, u0, p, t_first, dt, n, rtol, atol, bound, max_steps):
    """DOP853 with its 5th/3rd-order error estimate, step-size control and 7th-order dense output."""
    return _adaptive(f, t0, u0, p, t_first, dt, n, rtol, atol, bound, max_steps, True)


def _benettin(f, jac, t0, u0, p, h, n_transient, n_steps, k, renorm_every, bound):
    """Lyapunov exponents by Benettin's method: RK4 on the state and ``k`` tangent vectors, Gram-Schmidt every
    ``renorm_every`` steps; returns the summed log stretch factors (divide by the elapsed time)."""
    d = u0.size
    u = u0.copy()
    Q = np.zeros((d, k))
    for i in range(k):
        Q[i, i] = 1.0
    ku = np.empty((4, d))
    kq = np.empty((4, d, k))
    us = np.empty(d)
    qs = np.empty((d, k))
    J = np.empty((d, d))
    logs = np.zeros(k)
    t = t0
    a = (0.0, 0.5, 0.5, 1.0)
    w = (1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0)
    for step in range(n_transient + n_steps):
        for s in range(4):
            if s == 0:
                us[:] = u
                qs[:, :] = Q
            else:
                for j in range(d):
                    us[j] = u[j] + a[s] * h * ku[s - 1, j]
                    for c in range(k):
                        qs[j, c] = Q[j, c] + a[s] * h * kq[s - 1, j, c]
            f(t + a[s] * h, us, p, ku[s])
            jac(t + a[s] * h, us, p, J)
            for j in range(d):
                for c in range(k):
                    acc = 0.0
                    for m in range(d):
                        acc += J[j, m] * qs[m, c]
                    kq[s, j, c] = acc
        for j in range(d):
            u[j] += h * (w[0] * ku[0, j] + w[1] * ku[1, j] + w[2] * ku[2, j] + w[3] * ku[3, j])
            for c in range(k):
                Q[j, c] += h * (w[0] * kq[0, j, c] + w[1] * kq[1, j, c] + w[2] * kq[2, j, c] + w[3] * kq[3, j, c])
        t = t0 + (step + 1) * h
        status = _check(u, bound)
        if status != OK:
            return status, logs, t, u, step
        if (step + 1) % renorm_every == 0:
            for c in range(k):  # modified Gram-Schmidt
                for c2 in range(c):
                    dot = 0.0
                    for j in range(d):
                        dot += Q[j, c2] * Q[j, c]
                    for j in range(d):
                        Q[j, c] -= dot * Q[j, c2]
                norm = 0.0
                for j in range(d):
                    norm += Q[j, c] ** 2
                norm = np.sqrt(norm)
                if not (norm > 0.0 and np.isfinite(norm)):
                    return NON_FINITE, logs, t, u, step
                if step >= n_transient:
                    logs[c] += np.log(norm)
                for j in range(d):
                    Q[j, c] /= norm
    return OK, logs, t, u, n_transient + n_steps


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _hermite(Y, F, j, theta, h, hist, out):
    """Cubic Hermite value at grid index ``j + theta`` of the ring buffers ``Y``/``F`` (constant history for j<0)."""
    d = hist.size
    if j < 0:
        for i in range(d):
            out[i] = hist[i]
        return
    m1 = Y.shape[0]
    a = j % m1
    b = (j + 1) % m1
    h00 = (1 + 2 * theta) * (1 - theta) ** 2
    h10 = theta * (1 - theta) ** 2
    h01 = theta**2 * (3 - 2 * theta)
    h11 = theta**2 * (theta - 1)
    for i in range(d):
        out[i] = h00 * Y[a, i] + h * h10 * F[a, i] + h01 * Y[b, i] + h * h11 * F[b, i]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _dde_step(f, t, k, h, m, p, Y, F, hist, uc, kk, tmp):
    """One RK4 step of x' = f(t, x(t), x(t - m*h)) from grid index ``k`` to ``k + 1``; fills Y and F at ``k + 1``."""
    d = hist.size
    m1 = Y.shape[0]
    cur = k % m1
    nxt = (k + 1) % m1
    coef = (0.0, 0.5, 0.5, 1.0)
    for s in range(4):
        if s == 0:
            for i in range(d):
                kk[0, i] = F[cur, i]
            continue
        for i in range(d):
            uc[i] = Y[cur, i] + coef[s] * h * kk[s - 1, i]
        _hermite(Y, F, k - m, coef[s], h, hist, tmp)
        for i in range(d):
            uc[d + i] = tmp[i]
        f(t + coef[s] * h, uc, p, kk[s])
    for i in range(d):
        Y[nxt, i] = Y[cur, i] + h / 6.0 * (kk[0, i] + 2 * kk[1, i] + 2 * kk[2, i] + kk[3, i])
        uc[i] = Y[nxt, i]
    _hermite(Y, F, k + 1 - m, 0.0, h, hist, tmp)
    for i in range(d):
        uc[d + i] = tmp[i]
    f(t + h, uc, p, kk[0])
    for i in range(d):
        F[nxt, i] = kk[0, i]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _dde_init(f, t0, hist, p, m):
    d = hist.size
    Y = np.empty((m + 1, d))
    F = np.empty((m + 1, d))
    uc = np.empty(2 * d)
    for i in range(d):
        Y[0, i] = hist[i]
        uc[i] = hist[i]
        uc[d + i] = hist[i]
    f(t0, uc, p, F[0])
    return Y, F, uc


def _dde_rk4(f, t0, hist, p, h, m, t_first, dt, n, bound, max_steps):
    """Delay equation x' = f(t, x(t), x(t - tau)) with tau = m*h and constant history ``hist`` for t <= t0: RK4
    method of steps with cubic Hermite interpolation of the history, sampled by Hermite interpolation at
    ``t_first + k*dt`` (so sampling never constrains the step)."""
    d = hist.size
    out = np.empty((n, d))
    Y, F, uc = _dde_init(f, t0, hist, p, m)
    kk = np.empty((4, d))
    tmp = np.empty(d)
    m1 = m + 1
    sample = 0
    while sample < n and t_first + sample * dt <= t0:
        out[sample] = hist
        sample += 1
    k = 0
    t = t0
    while sample < n:
        if k >= max_steps:
            return TOO_MANY_STEPS, out, t, Y[k % m1].copy(), k
        _dde_step(f, t, k, h, m, p, Y, F, hist, uc, kk, tmp)
        status = _check(Y[(k + 1) % m1], bound)
        if status != OK:
            return status, out, t + h, Y[(k + 1) % m1].copy(), k + 1
        while sample < n and t_first + sample * dt <= t + h:
            _hermite(Y, F, k, (t_first + sample * dt - t) / h, h, hist, tmp)
            out[sample] = tmp
            sample += 1
        k += 1
        t = t0 + k * h
    return OK, out, t, Y[k % m1].copy(), k


def _dde_lyapunov(f, t0, hist, p, h, m, n_transient, n_steps, renorm_every, eps, bound):
    """Largest Lyapunov exponent of a delay equation: a reference and a perturbed solution whose separation, measured
    over the whole history segment of length tau (the state of a delay equation), is renormalised to ``eps`` every
    ``renorm_every`` steps (Farmer, Physica D 4, 366-393, 1982). Returns the summed log growth factors."""
    d = hist.size
    m1 = m + 1
    Y, F, uc = _dde_init(f, t0, hist, p, m)
    kk = np.empty((4, d))
    tmp = np.empty(d)
    logs = np.zeros(1)
    t = t0
    for k in range(n_transient):
        _dde_step(f, t, k, h, m, p, Y, F, hist, uc, kk, tmp)
        t = t0 + (k + 1) * h
        status = _check(Y[(k + 1) % m1], bound)
        if status != OK:
            return status, logs, t, Y[(k + 1) % m1].copy(), k + 1
    # The transient must cover the delay so that the whole segment lies on the solution.
    Yp = Y.copy()
    Fp = F.copy()
    for i in range(m1):  # a smooth perturbation of the segment, of norm eps
        for c in range(d):
            Yp[i, c] += eps * np.cos(0.7 * i + c)
    for step in range(n_steps):
        k = n_transient + step
        _dde_step(f, t, k, h, m, p, Y, F, hist, uc, kk, tmp)
        _dde_step(f, t, k, h, m, p, Yp, Fp, hist, uc, kk, tmp)
        t = t0 + (k + 1) * h
        status = _check(Y[(k + 1) % m1], bound)
        if status != OK:
            return status, logs, t, Y[(k + 1) % m1].copy(), k + 1
        if (step + 1) % renorm_every == 0:
            dist = 0.0
            for i in range(m1):
                for c in range(d):
                    dist += (Yp[i, c] - Y[i, c]) ** 2
            dist = np.sqrt(dist / m1)
            if not (dist > 0.0 and np.isfinite(dist)):
                return NON_FINITE, logs, t, Y[(k + 1) % m1].copy(), k + 1
            logs[0] += np.log(dist / eps)
            scale = eps / dist
            for i in range(m1):
                for c in range(d):
                    Yp[i, c] = Y[i, c] + scale * (Yp[i, c] - Y[i, c])
                    Fp[i, c] = F[i, c] + scale * (Fp[i, c] - F[i, c])
    return OK, logs, t, Y[(n_transient + n_steps) % m1].copy(), n_transient + n_steps


_i64, _f64 = types.int64, types.float64
_SPECS = {
    "fixed_rk": (_fixed_rk, _RESULT(RHS_TYPE, _mat, _vec, _vec, _f64, _vec, _vec, _f64, _i64, _i64, _i64, _f64)),
    "dopri5": (_adaptive_dopri5, _RESULT(RHS_TYPE, _f64, _vec, _vec, _f64, _f64, _i64, _f64, _f64, _f64, _i64)),
    "dop853": (_adaptive_dop853, _RESULT(RHS_TYPE, _f64, _vec, _vec, _f64, _f64, _i64, _f64, _f64, _f64, _i64)),
    "benettin": (_benettin, _LYAP_RESULT(RHS_TYPE, JAC_TYPE, _f64, _vec, _vec, _f64, _i64, _i64, _i64, _i64, _f64)),
    "dde_rk4": (_dde_rk4, _RESULT(RHS_TYPE, _f64, _vec, _vec, _f64, _i64, _f64, _f64, _i64, _f64, _i64)),
    "dde_lyapunov": (_dde_lyapunov,
                     _LYAP_RESULT(RHS_TYPE, _f64, _vec, _vec, _f64, _i64, _i64, _i64, _i64, _f64, _f64)),
}
_compiled: dict = {}


def kernel(name: str):
    """The compiled kernel ``name``, compiling (or loading from numba's disk cache) on first use."""
    fn = _compiled.get(name)
    if fn is None:
        pyfunc, signature = _SPECS[name]
        fn = _compiled[name] = numba.njit(signature, cache=True, nogil=True, error_model="numpy")(pyfunc)
    return fn
