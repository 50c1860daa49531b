"""A neural ordinary differential equation forecaster in PyTorch (``pip install 'chaosbench[neural]'``).

Written natively on :class:`~chaosbench.forecasters.NeuralForecaster` rather than through darts, neuralforecast or
torchdiffeq: no extra dependency and no PyTorch Lightning overhead, deterministic seeding, the same budgeted
training loop as the other neural forecasters, and a fixed-step RK4 whose step is the sampling interval (the data
give the state at exactly those times, and a fixed step makes the cost of training and forecasting known in
advance and independent of the learned field's stiffness).
"""

from __future__ import annotations

import numpy as np

from chaosbench import Interval, forecaster

from ._neural import NeuralForecaster, import_torch, sample_windows

__all__ = ["NeuralODEForecaster"]


@forecaster("node")
class NeuralODEForecaster(NeuralForecaster):
    """Neural ordinary differential equation (Chen et al. 2018): a learned vector field integrated by RK4.

    A multilayer perceptron vector field is integrated forward from the last observed state. The state is
    standardized with the training data's mean and standard deviation and time measured in sampling intervals;
    the vector field is dz/dτ = σ ⊙ f(z, s(τ)), f a perceptron of ``n_layers`` hidden tanh layers of
    ``n_hidden`` units and σ the standard deviation of the standardized training increments (so that f is of
    order one). One classical fourth-order Runge-Kutta step spans one sampling interval. Training: ``batch_size``
    random stretches of the training trajectory per optimiser step, each integrated ``rollout_steps`` steps from its
    true first state, minimising the mean squared error of the whole rollout (back-propagating through the
    solver). Forecasting integrates from the last context state. Known covariates (e.g. the phase of a periodic
    forcing) are extra inputs of the vector field, s(τ) taken at the sampled steps and averaged between them for
    RK4's midpoint evaluations.

    Parameters
    ----------
    n_hidden, n_layers : int
        Units per hidden layer, hidden layers of the vector field.
    rollout_steps : int
        Integration steps per training stretch.
    batch_size : int
        Training stretches per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained vector field f (in evaluation mode).
    loc_, scale_ : ndarray of shape (dim,)
        Mean and standard deviation of the training data (the standardization).
    increment_scale_ : ndarray of shape (dim,)
        Standard deviation of the standardized training increments, σ.

    References
    ----------
    R. T. Q. Chen, Y. Rubanova, J. Bettencourt, D. Duvenaud, "Neural ordinary differential equations", Advances in
    Neural Information Processing Systems 31 (NeurIPS 2018).
    """

    min_train = 6  # rollout_steps + 1 with the defaults
    supports_gpu = True
    search_space = {
        "n_hidden": [32, 64, 128],
        "rollout_steps": [5, 10, 20],
        "learning_rate": [1e-3, 3e-3],
    }
    parameter_constraints = NeuralForecaster.parameter_constraints | {
        "n_hidden": [Interval(int, 1, None)],
        "n_layers": [Interval(int, 1, None)],
        "rollout_steps": [Interval(int, 1, None)],
        "batch_size": [Interval(int, 1, None)],
    }

    def __init__(self, n_hidden=64, n_layers=2, rollout_steps=5, batch_size=32, learning_rate=3e-3,
                 final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0,
                 n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.rollout_steps = rollout_steps
        self.batch_size = batch_size
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
        return super().get_test_params() | {"n_hidden": 8, "n_layers": 1, "rollout_steps": 3, "batch_size": 4}

    def required_train(self):
        return int(self.rollout_steps) + 1

    def _build(self, train, covariates, rng):
        from ._neural_nets import VectorField

        self.loc_, self.scale_ = train.mean(axis=0), train.std(axis=0) + 1e-12
        z = (train - self.loc_) / self.scale_
        self.increment_scale_ = np.diff(z, axis=0).std(axis=0) + 1e-12
        self.module_ = VectorField(train.shape[1], covariates.shape[1], int(self.n_hidden),
                                   int(self.n_layers)).to(self.device_)
        self.module_.train()
        self._train_data = np.hstack([z, covariates]).astype(np.float32)  # stretches of both are drawn together
        return self.module_.parameters()

    def _field(self):
        """The vector field in standardized units per sampling interval, dz/dτ = σ ⊙ f(z, s)."""
        import torch

        sigma = torch.from_numpy(self.increment_scale_.astype(np.float32)).to(self.device_)
        return lambda z, s: sigma * self.module_(z, s)

    def _rollout(self, z, inputs, n_steps):
        """States after each of ``n_steps`` RK4 steps from z (..., dim), inputs (..., n_steps + 1, k) at the steps."""
        import torch

        from ._neural_nets import rk4_step

        field, states = self._field(), []
        for step in range(n_steps):
            start, end = inputs[..., step, :], inputs[..., step + 1, :]
            z = rk4_step(field, z, 1.0, start, (start + end) / 2, end)
            states.append(z)
        return torch.stack(states, dim=-2)

    def _train_batch(self, rng):
        import torch

        windows = torch.from_numpy(sample_windows(self._train_data, int(self.rollout_steps) + 1,
                                                  int(self.batch_size), rng)).to(self.device_)
        n_obs = self.n_features_
        states = self._rollout(windows[:, 0, :n_obs], windows[..., n_obs:], int(self.rollout_steps))
        return torch.nn.functional.mse_loss(states, windows[:, 1:, :n_obs])

    def _finish(self):
        self.module_.eval()
        del self._train_data

    def _predict(self, n_steps, context, covariates):
        import_torch(self.name)
        from ._neural_nets import rk4_step

        # Inference in numpy: per step it is 4 x n_layers small products, where torch's per-call overhead dominates.
        layers = [(m.weight.detach().cpu().numpy(), m.bias.detach().cpu().numpy())
                  for m in self.module_.net if hasattr(m, "weight")]
        sigma = self.increment_scale_.astype(np.float32)

        def field(z, s):
            h = np.concatenate([z, s])
            for weight, bias in layers[:-1]:
                h = np.tanh(weight @ h + bias)
            return sigma * (layers[-1][0] @ h + layers[-1][1])

        z = ((context[-1] - self.loc_) / self.scale_).astype(np.float32)
        inputs = covariates[len(context) - 1:].astype(np.float32)
        states = np.empty((n_steps, len(z)))
        for step in range(n_steps):
            start, end = inputs[step], inputs[step + 1]
            z = rk4_step(field, z, np.float32(1.0), start, (start + end) / 2, end)
            states[step] = z
        return states * self.scale_ + self.loc_
