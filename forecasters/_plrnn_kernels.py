"""Fused loss-and-gradient kernels (numba) of the teacher-forced latent RNNs.

Backpropagation through time of a 200-step recurrence with a few dozen units is dominated, in PyTorch's autograd, by
per-operation overhead (about 3,000 graph nodes per window); these kernels run the forward pass and the exact
reverse-mode gradient in one compiled loop, about twenty times faster on a CPU. ``tests/test_neural.py`` checks them
against autograd on the PyTorch modules of ``_neural_nets``.

Shapes: ``batch`` is (S, T + 1, N), the first point of each window setting the initial latent state
``[x_0; L x_0]`` (``L`` is (M - N, N), empty when M = N); ``inputs`` (S, T + 1, K) are the known external inputs
``s_t`` at the same steps, entering each step linearly through ``C`` (M, K) (Koppe et al. 2019), K = 0 without
them (the row of the first point is not used); the loss is the mean over S, T and N of the squared error
of the observed units' one-step predictions (before forcing). Each kernel returns the loss and the gradients in the
order of its parameters.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def shplrnn_gtf(A, W1, W2, h1, h2, L, C, batch, inputs, alpha):
    """Shallow PLRNN z_t = A z̃_{t-1} + W1 ReLU(W2 z̃_{t-1} + h2) + h1 + C s_t under generalized teacher forcing:
    z̃_t = z_t except on the observed units, (1 - alpha) z_t + alpha x_t."""
    n_seq, n_time1, n_obs = batch.shape
    n_time, m, n_hidden, n_in = n_time1 - 1, A.shape[0], h2.shape[0], C.shape[1]
    g_A, g_W1, g_W2 = np.zeros_like(A), np.zeros_like(W1), np.zeros_like(W2)
    g_h1, g_h2, g_L, g_C = np.zeros_like(h1), np.zeros_like(h2), np.zeros_like(L), np.zeros_like(C)
    forced = np.empty((n_time1, m))  # z̃_0 .. z̃_T
    pre = np.empty((n_time, n_hidden))  # W2 z̃_{t-1} + h2
    pred = np.empty((n_time, n_obs))  # observed units of z_t
    g, g_next = np.empty(m), np.empty(m)
    scale = 2.0 / (n_seq * n_time * n_obs)
    loss = 0.0
    for s in range(n_seq):
        x, u = batch[s], inputs[s]
        forced[0, :n_obs] = x[0]
        forced[0, n_obs:] = L @ x[0]
        for t in range(1, n_time1):
            prev = forced[t - 1]
            for j in range(n_hidden):
                acc = h2[j]
                for k in range(m):
                    acc += W2[j, k] * prev[k]
                pre[t - 1, j] = acc
            for i in range(m):
                acc = A[i] * prev[i] + h1[i]
                for j in range(n_hidden):
                    if pre[t - 1, j] > 0.0:
                        acc += W1[i, j] * pre[t - 1, j]
                for c in range(n_in):
                    acc += C[i, c] * u[t, c]
                if i < n_obs:
                    pred[t - 1, i] = acc
                    err = acc - x[t, i]
                    loss += err * err
                    forced[t, i] = (1.0 - alpha) * acc + alpha * x[t, i]
                else:
                    forced[t, i] = acc
        g_next[:] = 0.0  # gradient with respect to z̃_t
        for t in range(n_time, 0, -1):
            prev = forced[t - 1]
            for i in range(m):
                g[i] = g_next[i] * (1.0 - alpha) if i < n_obs else g_next[i]
            for i in range(n_obs):
                g[i] += scale * (pred[t - 1, i] - x[t, i])
            for i in range(m):
                g_A[i] += g[i] * prev[i]
                g_h1[i] += g[i]
                g_next[i] = A[i] * g[i]
                for c in range(n_in):
                    g_C[i, c] += g[i] * u[t, c]
            for j in range(n_hidden):
                if pre[t - 1, j] > 0.0:
                    acc = 0.0
                    for i in range(m):
                        g_W1[i, j] += g[i] * pre[t - 1, j]
                        acc += W1[i, j] * g[i]
                    g_h2[j] += acc
                    for k in range(m):
                        g_W2[j, k] += acc * prev[k]
                        g_next[k] += W2[j, k] * acc
        for i in range(m - n_obs):
            for k in range(n_obs):
                g_L[i, k] += g_next[n_obs + i] * x[0, k]
    return loss / (n_seq * n_time * n_obs), (g_A, g_W1, g_W2, g_h1, g_h2, g_L, g_C)


@numba.njit(cache=True, nogil=True)
def alrnn_sparse_tf(A, W, h, L, C, batch, inputs, n_relu, interval):
    """Almost-linear RNN z_t = A z̃_{t-1} + W Φ*(z̃_{t-1}) + h + C s_t (ReLU on the last ``n_relu`` units) under
    sparse identity teacher forcing: z̃_t = z_t, except that every ``interval`` steps its observed units are set
    to x_t."""
    n_seq, n_time1, n_obs = batch.shape
    n_time, m, n_in = n_time1 - 1, A.shape[0], C.shape[1]
    first_relu = m - n_relu
    g_A, g_W, g_h, g_L = np.zeros_like(A), np.zeros_like(W), np.zeros_like(h), np.zeros_like(L)
    g_C = np.zeros_like(C)
    forced = np.empty((n_time1, m))
    phi = np.empty((n_time1, m))  # Φ*(z̃_t)
    pred = np.empty((n_time, n_obs))
    g, g_next = np.empty(m), np.empty(m)
    scale = 2.0 / (n_seq * n_time * n_obs)
    loss = 0.0
    for s in range(n_seq):
        x, u = batch[s], inputs[s]
        forced[0, :n_obs] = x[0]
        forced[0, n_obs:] = L @ x[0]
        for t in range(n_time1):
            if t > 0:
                for i in range(m):
                    acc = A[i] * forced[t - 1, i] + h[i]
                    for k in range(m):
                        acc += W[i, k] * phi[t - 1, k]
                    for c in range(n_in):
                        acc += C[i, c] * u[t, c]
                    forced[t, i] = acc
                for i in range(n_obs):
                    pred[t - 1, i] = forced[t, i]
                    err = forced[t, i] - x[t, i]
                    loss += err * err
                    if t % interval == 0:
                        forced[t, i] = x[t, i]
            for i in range(m):
                phi[t, i] = forced[t, i] if i < first_relu or forced[t, i] > 0.0 else 0.0
        g_next[:] = 0.0
        for t in range(n_time, 0, -1):
            for i in range(m):
                g[i] = 0.0 if (i < n_obs and t % interval == 0) else g_next[i]
            for i in range(n_obs):
                g[i] += scale * (pred[t - 1, i] - x[t, i])
            for i in range(m):
                g_A[i] += g[i] * forced[t - 1, i]
                g_h[i] += g[i]
                for k in range(m):
                    g_W[i, k] += g[i] * phi[t - 1, k]
                for c in range(n_in):
                    g_C[i, c] += g[i] * u[t, c]
            for k in range(m):
                acc = 0.0
                for i in range(m):
                    acc += W[i, k] * g[i]
                passes = k < first_relu or forced[t - 1, k] > 0.0
                g_next[k] = A[k] * g[k] + (acc if passes else 0.0)
        for i in range(m - n_obs):
            for k in range(n_obs):
                g_L[i, k] += g_next[n_obs + i] * x[0, k]
    return loss / (n_seq * n_time * n_obs), (g_A, g_W, g_h, g_L, g_C)


@numba.njit(cache=True, nogil=True)
def shplrnn_run(A, W1, W2, h1, h2, L, C, context, inputs, n_steps):
    """Drive the shallow PLRNN through ``context`` (observed units set to the data), then run ``n_steps`` freely;
    ``inputs`` has a row for each context point and each free step. Returns the observed units of the free run,
    (n_steps, N)."""
    n_obs, m, n_hidden, n_in = context.shape[1], A.shape[0], h2.shape[0], C.shape[1]
    z, new, pre = np.empty(m), np.empty(m), np.empty(n_hidden)
    z[:n_obs] = context[0]
    z[n_obs:] = L @ context[0]
    out = np.empty((n_steps, n_obs))
    n_drive = len(context) - 1
    for t in range(n_drive + n_steps):
        for j in range(n_hidden):
            acc = h2[j]
            for k in range(m):
                acc += W2[j, k] * z[k]
            pre[j] = acc if acc > 0.0 else 0.0
        for i in range(m):
            acc = A[i] * z[i] + h1[i]
            for j in range(n_hidden):
                acc += W1[i, j] * pre[j]
            for c in range(n_in):
                acc += C[i, c] * inputs[t + 1, c]
            new[i] = acc
        z[:] = new
        if t < n_drive:
            z[:n_obs] = context[t + 1]
        else:
            out[t - n_drive] = z[:n_obs]
    return out


@numba.njit(cache=True, nogil=True)
def alrnn_run(A, W, h, L, C, context, inputs, n_steps, n_relu):
    """Drive the almost-linear RNN through ``context`` (observed units set to the data), then run ``n_steps``
    freely; ``inputs`` has a row for each context point and each free step. Returns the observed units of the free
    run, (n_steps, N)."""
    n_obs, m, n_in = context.shape[1], A.shape[0], C.shape[1]
    first_relu = m - n_relu
    z, new, phi = np.empty(m), np.empty(m), np.empty(m)
    z[:n_obs] = context[0]
    z[n_obs:] = L @ context[0]
    out = np.empty((n_steps, n_obs))
    n_drive = len(context) - 1
    for t in range(n_drive + n_steps):
        for k in range(m):
            phi[k] = z[k] if k < first_relu or z[k] > 0.0 else 0.0
        for i in range(m):
            acc = A[i] * z[i] + h[i]
            for k in range(m):
                acc += W[i, k] * phi[k]
            for c in range(n_in):
                acc += C[i, c] * inputs[t + 1, c]
            new[i] = acc
        z[:] = new
        if t < n_drive:
            z[:n_obs] = context[t + 1]
        else:
            out[t - n_drive] = z[:n_obs]
    return out
