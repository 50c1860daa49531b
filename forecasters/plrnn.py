"""Piecewise-linear recurrent networks for dynamical systems reconstruction, in PyTorch (``pip install
'chaosbench[neural]'``).

* :class:`ShallowPLRNN` (``"shplrnn"``): the shallow PLRNN trained with generalized teacher forcing and an adaptive
  forcing strength (Hess, Monfared, Brenner & Durstewitz, ICML 2023).
* :class:`AlmostLinearRNN` (``"alrnn"``): the almost-linear RNN, only a few ReLU units, trained with sparse identity
  teacher forcing (Brenner, Hemmer, Monfared & Durstewitz, NeurIPS 2024).

Both read the observation out of their first latent units (identity observation model), forecast by driving the
latent state through the context window (observed units set to the data at each step) and then running freely.
Training computes each batch's loss and exact gradients in one fused numba kernel (``_plrnn_kernels``, which avoids
autograd's per-operation overhead) and steps RAdam in torch, in float64.
Prediction runs in numba kernels on the trained weights.

Known covariates ``s_t`` (``k`` of them, e.g. sine and cosine of a forcing phase) are external inputs entering each
latent step linearly, ``z_{t+1} = F(z_t) + C s_{t+1}`` with a learned (n_latent × k) matrix ``C``, zero at first
(Koppe, Toutounji, Kirsch, Lis & Durstewitz, PLoS Comput. Biol. 15(8), e1007263, 2019; Brenner et al., ICML 2022);
a forecast's free run receives the covariates of its steps. As they are known only over the training data, the
checkpoint-scoring free run is then as long as the training data and driven by its covariates.
"""

from __future__ import annotations

import math

import numpy as np

from chaosbench import Interval, forecaster, get_metric
from chaosbench.exceptions import InvalidParameterError

from ._neural import NeuralForecaster, sample_windows

__all__ = ["ShallowPLRNN", "AlmostLinearRNN"]

SELECTION_STEPS = 100_000  # free-run length that scores a checkpoint: long, to sample the model's invariant measure


class _LatentRNNForecaster(NeuralForecaster):
    """Training on random sub-sequences and numpy prediction for a latent RNN with identity read-out; numba kernels
    on numpy arrays, so on the CPU only (``supports_gpu`` is False)."""

    parameter_constraints = NeuralForecaster.parameter_constraints | {
        "n_latent": [Interval(int, 1, None), None],
        "sequence_length": [Interval(int, 1, None)],
        "batch_size": [Interval(int, 1, None)],
        "noise": [Interval(float, 0, None)],
        "selection_interval": [Interval(int, 1, None), None],
    }

    def _n_latent(self, n_obs: int) -> int:
        n_latent = n_obs if self.n_latent is None else self.n_latent
        if n_latent < n_obs:
            raise InvalidParameterError(f"n_latent={n_latent} is smaller than the number of observed variables "
                                        f"({n_obs}); the identity read-out needs n_latent >= {n_obs}")
        return int(n_latent)

    def _prepare_data(self, train: np.ndarray, covariates: np.ndarray) -> None:
        self._train_data, self._train_inputs = train, covariates
        self._series = np.hstack([train, covariates])  # windows of both are drawn together
        self._noise_scale = float(self.noise) * train.std(axis=0)
        self._window = min(int(self.sequence_length) + 1, len(train))

    def _sample_batch(self, rng) -> tuple[np.ndarray, np.ndarray]:
        """(batch_size, sequence_length + 1, dim) training windows, observation noise added, and the covariates
        over them, (batch_size, sequence_length + 1, k)."""
        windows = sample_windows(self._series, self._window, int(self.batch_size), rng)
        n_obs = self._train_data.shape[1]
        batch, inputs = np.ascontiguousarray(windows[..., :n_obs]), np.ascontiguousarray(windows[..., n_obs:])
        if self.noise > 0:
            batch = batch + self._noise_scale * rng.standard_normal(batch.shape)
        return batch, inputs

    def _selection_interval(self):
        return self.selection_interval

    def _selection_score(self) -> float:
        """d_stsp of the training data against a free run from the first training point: SELECTION_STEPS steps, or
        with covariates (known only over the training data) as many as the training data, driven by them."""
        self._copy_weights()
        if self._train_inputs.shape[1]:
            n_steps, inputs = len(self._train_data) - 1, self._train_inputs
        else:
            n_steps, inputs = SELECTION_STEPS, np.zeros((SELECTION_STEPS + 1, 0))
        run = self._run(self._train_data[:1], inputs, n_steps)
        return float(get_metric("d_stsp")(self._train_data[1:], run))

    def _prepare_predict(self):
        self._copy_weights()

    def _copy_weights(self) -> None:
        self.weights_ = {name: p.detach().numpy().copy() for name, p in self.module_.named_parameters()}

    def _finish(self):
        self._copy_weights()
        del self._train_data, self._train_inputs, self._series

    def _run(self, context: np.ndarray, inputs: np.ndarray, n_steps: int) -> np.ndarray:
        """The free run's observed units after driving through ``context``; ``inputs`` has len(context) + n_steps
        rows."""
        raise NotImplementedError

    def _predict(self, n_steps, context, covariates):
        return self._run(np.ascontiguousarray(context, dtype=float), np.ascontiguousarray(covariates), n_steps)


@forecaster("shplrnn")
class ShallowPLRNN(_LatentRNNForecaster):
    """Shallow piecewise-linear RNN trained with adaptive generalized teacher forcing (Hess et al. 2023).

    The latent state ``z`` (``n_latent`` units, the first ``N`` read out as the ``N`` observed variables) evolves as

    .. math:: z_{t+1} = A z_t + W_1 \\mathrm{ReLU}(W_2 z_t + h_2) + h_1 + C s_{t+1},

    ``A`` diagonal, ``W_1`` (n_latent × n_hidden), ``W_2`` (n_hidden × n_latent), ``C s`` the covariates' term
    (module docstring; none without covariates). Training draws ``batch_size``
    random windows of ``sequence_length + 1`` points; the first point sets the initial state (``[x; L x]``, ``L``
    learned, when ``n_latent > N``), and at every later step the model's prediction ``z_t`` is pulled towards the
    data: its observed units become ``(1 - α) z_t + α x_t`` (generalized teacher forcing, GTF). The loss is the mean
    squared error of the observed units' predictions before forcing. The forcing strength ``α`` is adapted as in the
    paper's "product upper bound" rule: every ``alpha_update_interval`` steps, the spectral norms of the model's
    Jacobians at the data-inferred states (the data in the observed units, zero elsewhere) are averaged
    geometrically along each sequence; with ``G`` the largest such mean in the batch, the estimate is
    ``α* = max(0, 1 - 1/G)``, which keeps the bound ``(1 - α) G`` on the growth per step of the forced Jacobian
    product, hence of the gradients, at most one. ``α`` jumps up to ``α*`` when larger, else decays towards it,
    ``α ← γ α + (1 - γ) α*`` with ``γ = alpha_decay``, from ``initial_alpha`` (1 in the paper: pure forcing of the
    observed units at first).

    Initialisation as in the paper: ``A`` the diagonal of a normalised positive-definite matrix (Talathi & Vartak
    2016), ``W_1``, ``W_2`` uniform on ±1/sqrt(fan-in), biases zero, ``L`` uniform on ±1/sqrt(N). Optimiser RAdam.
    Forecasting drives the latent state through the context, observed units set to the data (α = 1), then runs
    freely. Checkpoints are scored by the state-space divergence of a free run against the training data and the
    best is kept (``selection_interval``), as for :class:`AlmostLinearRNN`.

    Parameters
    ----------
    n_latent : int or None
        Latent units (at least the number of observed variables; None: equal to it, as in the paper for Lorenz).
    n_hidden : int
        Hidden ReLU units.
    sequence_length : int
        Steps per training window (shortened to the training length when that is shorter).
    batch_size : int
        Windows per optimiser step.
    initial_alpha : float or None
        Forcing strength before the first update (None: the first estimate).
    alpha_update_interval : int
        Optimiser steps between updates of ``α``.
    alpha_decay : float
        ``γ`` in (0, 1] of the decay of ``α`` towards a smaller estimate.
    noise : float
        Gaussian noise added to each training window, in units of each variable's standard deviation.
    selection_interval : int or None
        Every this many epochs (and at the end), the model runs freely from the first training point for 100,000
        steps and the ``d_stsp`` of the training data against that run (a sample of the model's invariant measure,
        long, so that its sampling noise does not decide) scores it; the best-scoring parameters are kept (None:
        keep the last).
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps
        See :class:`~chaosbench.forecasters.NeuralForecaster`.
    device : {"cpu", "auto"}
        The CPU only: the loss, its gradients and the forecasts are numba kernels on numpy arrays, so ``"auto"`` is
        the CPU and a GPU an :class:`~chaosbench.exceptions.InvalidParameterError`.

    Attributes
    ----------
    alpha_trace_ : ndarray
        The forcing strength after each update.
    weights_ : dict of ndarray
        Trained parameters (float64) used for prediction.
    fit_info_ : dict
        Training record; ``alpha`` is the final forcing strength.

    References
    ----------
    F. Hess, Z. Monfared, M. Brenner, D. Durstewitz, "Generalized Teacher Forcing for Learning Chaotic Dynamics",
    ICML 2023, PMLR 202:13017-13049. S. Talathi, A. Vartak, "Improving performance of recurrent neural network with
    ReLU nonlinearity", ICLR workshop (2016). L. Liu et al., "On the variance of the adaptive learning rate and
    beyond" (RAdam), ICLR 2020.
    """

    search_space = {
        "n_hidden": [50, 100, 200],
        "sequence_length": [50, 200],
        "learning_rate": [3e-4, 1e-3, 3e-3],
    }
    parameter_constraints = _LatentRNNForecaster.parameter_constraints | {
        "n_hidden": [Interval(int, 1, None)],
        "initial_alpha": [Interval(float, 0, 1, closed="both"), None],
        "alpha_update_interval": [Interval(int, 1, None)],
        "alpha_decay": [Interval(float, 0, 1, closed="right")],
    }

    def __init__(self, n_latent=None, n_hidden=50, sequence_length=200, batch_size=16, initial_alpha=1.0,
                 alpha_update_interval=5, alpha_decay=0.999, noise=0.0, selection_interval=20, learning_rate=1e-3,
                 final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=2000, time_budget_s=None, random_state=0,
                 n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.n_latent = n_latent
        self.n_hidden = n_hidden
        self.sequence_length = sequence_length
        self.batch_size = batch_size
        self.initial_alpha = initial_alpha
        self.alpha_update_interval = alpha_update_interval
        self.alpha_decay = alpha_decay
        self.noise = noise
        self.selection_interval = selection_interval
        self.learning_rate = learning_rate
        self.final_learning_rate = final_learning_rate
        self.batches_per_epoch = batches_per_epoch
        self.max_epochs = max_epochs
        self.time_budget_s = time_budget_s
        self.random_state = random_state
        self.n_threads = n_threads
        self.verbose = verbose
        self.patience = patience
        self.validation_interval = validation_interval
        self.validation_steps = validation_steps
        self.device = device

    @classmethod
    def get_test_params(cls):
        return super().get_test_params() | {"n_hidden": 8, "sequence_length": 20, "batch_size": 4}

    def _build(self, train, covariates, rng):
        from ._neural_nets import ShallowPLRNN as Net

        n_obs = train.shape[1]
        self.module_ = Net(n_obs, self._n_latent(n_obs), int(self.n_hidden), covariates.shape[1]).double()
        self._prepare_data(train, covariates)
        self._alpha = None if self.initial_alpha is None else float(self.initial_alpha)
        self._alphas = []
        self._n_batches = 0
        return self.module_.parameters()

    def _update_alpha(self, batch: np.ndarray) -> None:
        import torch

        with torch.no_grad():
            n_pad = self.module_.n_latent - self.module_.n_obs
            states = torch.nn.functional.pad(torch.from_numpy(batch[:, 1:]), (0, n_pad))
            growth = self.module_.jacobian_norms(states).log().mean(dim=1).exp().max().item()
        estimate = max(0.0, 1.0 - 1.0 / growth) if math.isfinite(growth) and growth > 0 else 1.0
        if self._alpha is None or estimate > self._alpha:
            self._alpha = estimate
        else:
            self._alpha = float(self.alpha_decay) * self._alpha + (1.0 - float(self.alpha_decay)) * estimate
        self._alphas.append(self._alpha)

    def _train_batch(self, rng):
        from ._neural_nets import KernelLoss
        from ._plrnn_kernels import shplrnn_gtf

        batch, inputs = self._sample_batch(rng)
        if self._n_batches % int(self.alpha_update_interval) == 0:
            self._update_alpha(batch)
        self._n_batches += 1
        net, alpha = self.module_, self._alpha
        return KernelLoss.apply(lambda *p: shplrnn_gtf(*p, batch, inputs, alpha), net.A, net.W1, net.W2, net.h1,
                                net.h2, net.L, net.C)

    def _finish(self):
        super()._finish()
        self.alpha_trace_ = np.array(self._alphas)
        self.fit_info_["alpha"] = float(self._alpha)
        del self._alphas

    def _run(self, context, inputs, n_steps):
        from ._plrnn_kernels import shplrnn_run

        w = self.weights_
        return shplrnn_run(w["A"], w["W1"], w["W2"], w["h1"], w["h2"], w["L"], w["C"], context, inputs, n_steps)


@forecaster("alrnn")
class AlmostLinearRNN(_LatentRNNForecaster):
    """Almost-linear RNN trained with sparse identity teacher forcing (Brenner et al. 2024).

    The latent state ``z`` (``n_latent`` units, the first ``N`` read out as the observed variables) evolves as

    .. math:: z_{t+1} = A z_t + W \\Phi^*(z_t) + h + C s_{t+1},

    ``C s`` the covariates' term (module docstring; none without covariates), ``A`` diagonal, ``W``
    (n_latent × n_latent), and ``Φ*`` the identity on the first ``n_latent - n_relu`` units and
    a ReLU on the last ``n_relu``: the map is linear within each of at most 2^n_relu regions, which makes the
    reconstruction interpretable as a small symbolic code. Training draws ``batch_size`` random windows of
    ``sequence_length + 1`` points (Gaussian noise of ``noise`` standard deviations added), sets the initial state
    from the first point (``[x; L x]``, ``L`` learned), and every ``forcing_interval`` steps replaces the observed
    units of the state by the data (sparse identity teacher forcing); the loss is the mean squared error of the
    observed units' predictions before forcing. Defaults follow the paper's Lorenz-63 setting (20 latent units,
    τ = 16, windows of 200 with batches of 16, noise 0.05, RAdam from 1e-3 to 1e-5) except for 6 ReLUs instead of 2,
    which reconstruct Lorenz better within a CPU budget of minutes (fewer steps than the authors').
    Initialisation: ``A`` the diagonal of a normalised positive-definite matrix, ``W`` normal with standard deviation
    0.01, ``h`` zero. Forecasting drives the latent state through the context, observed units set to the data,
    then runs freely. As in the authors' tutorial, checkpoints are scored by the state-space divergence of a free
    run against the training data and the best is kept (``selection_interval``).

    Parameters
    ----------
    n_latent : int
        Latent units (at least the number of observed variables).
    n_relu : int
        Units passed through a ReLU (the last ``n_relu`` of ``n_latent``).
    forcing_interval : int
        Steps between identity forcings (τ).
    sequence_length : int
        Steps per training window (shortened to the training length when that is shorter).
    batch_size : int
        Windows per optimiser step.
    noise : float
        Gaussian noise added to each training window, in units of each variable's standard deviation.
    selection_interval : int or None
        Every this many epochs (and at the end), the model runs freely from the first training point for 100,000
        steps and the ``d_stsp`` of the training data against that run (a sample of the model's invariant measure,
        long, so that its sampling noise does not decide) scores it; the best-scoring parameters are kept (None:
        keep the last).
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps
        See :class:`~chaosbench.forecasters.NeuralForecaster`.
    device : {"cpu", "auto"}
        The CPU only: the loss, its gradients and the forecasts are numba kernels on numpy arrays, so ``"auto"`` is
        the CPU and a GPU an :class:`~chaosbench.exceptions.InvalidParameterError`.

    Attributes
    ----------
    weights_ : dict of ndarray
        Trained parameters (float64) used for prediction.

    References
    ----------
    M. Brenner, C. J. Hemmer, Z. Monfared, D. Durstewitz, "Almost-Linear RNNs Yield Highly Interpretable Symbolic
    Codes in Dynamical Systems Reconstruction", NeurIPS 2024. M. Brenner et al., "Tractable dendritic RNNs for
    reconstructing nonlinear dynamical systems", ICML 2022 (sparse teacher forcing).
    """

    search_space = {
        "n_latent": [10, 20, 50],
        "n_relu": [2, 6, 10],
        "forcing_interval": [8, 16, 32],
    }
    parameter_constraints = _LatentRNNForecaster.parameter_constraints | {
        "n_relu": [Interval(int, 0, None)],
        "forcing_interval": [Interval(int, 1, None)],
    }

    def __init__(self, n_latent=20, n_relu=6, forcing_interval=16, sequence_length=200, batch_size=16, noise=0.05,
                 selection_interval=20, learning_rate=1e-3, final_learning_rate=1e-5, batches_per_epoch=50,
                 max_epochs=2000, time_budget_s=None, random_state=0, n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.n_latent = n_latent
        self.n_relu = n_relu
        self.forcing_interval = forcing_interval
        self.sequence_length = sequence_length
        self.batch_size = batch_size
        self.noise = noise
        self.selection_interval = selection_interval
        self.learning_rate = learning_rate
        self.final_learning_rate = final_learning_rate
        self.batches_per_epoch = batches_per_epoch
        self.max_epochs = max_epochs
        self.time_budget_s = time_budget_s
        self.random_state = random_state
        self.n_threads = n_threads
        self.verbose = verbose
        self.patience = patience
        self.validation_interval = validation_interval
        self.validation_steps = validation_steps
        self.device = device

    @classmethod
    def get_test_params(cls):
        return super().get_test_params() | {"n_latent": 6, "sequence_length": 20, "batch_size": 4}

    def _build(self, train, covariates, rng):
        from ._neural_nets import AlmostLinearRNN as Net

        n_obs = train.shape[1]
        n_latent = self._n_latent(n_obs)
        if self.n_relu > n_latent:
            raise InvalidParameterError(f"n_relu={self.n_relu} exceeds n_latent={n_latent}")
        self.module_ = Net(n_obs, n_latent, int(self.n_relu), covariates.shape[1]).double()
        self._prepare_data(train, covariates)
        return self.module_.parameters()

    def _train_batch(self, rng):
        from ._neural_nets import KernelLoss
        from ._plrnn_kernels import alrnn_sparse_tf

        batch, inputs = self._sample_batch(rng)
        net, n_relu, interval = self.module_, int(self.n_relu), int(self.forcing_interval)
        return KernelLoss.apply(lambda *p: alrnn_sparse_tf(*p, batch, inputs, n_relu, interval), net.A, net.W, net.h,
                                net.L, net.C)

    def _run(self, context, inputs, n_steps):
        from ._plrnn_kernels import alrnn_run

        w = self.weights_
        return alrnn_run(w["A"], w["W"], w["h"], w["L"], w["C"], context, inputs, n_steps, int(self.n_relu))
