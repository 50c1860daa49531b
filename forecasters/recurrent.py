"""Recurrent forecasters in PyTorch: Elman network (``rnn``), GRU (``gru``) and LSTM (``lstm``), one implementation
with the cell type as the only difference (``pip install 'chaosbench[neural]'``).

Written natively on :class:`~chaosbench.forecasters.NeuralForecaster` rather than through darts or neuralforecast:
no PyTorch Lightning overhead per step (which dominates for networks this small), deterministic seeding, and the
same budgeted training loop as the other neural forecasters.
"""

from __future__ import annotations

import numpy as np

from chaosbench import Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

from ._neural import NeuralForecaster, import_torch, sample_windows

__all__ = ["RecurrentForecaster", "RNNForecaster", "GRUForecaster", "LSTMForecaster"]


class RecurrentForecaster(NeuralForecaster):
    """A recurrent network that forecasts one step at a time, as applied to chaotic systems by Vlachas et al.
    (2018); the subclasses choose the cell (``cell``: ``"rnn"``, ``"gru"`` or ``"lstm"``).

    ``n_layers`` stacked recurrent layers of ``n_hidden`` units read the observed state at each step; a linear
    read-out of the last layer's hidden state predicts the increment to the next state, in units of the training
    increments' standard deviation per variable. Training: teacher forcing on ``batch_size`` random windows of
    ``sequence_length + 1`` training points per step, minimising the mean squared error of the predicted
    increments after the first ``burn_in`` steps of each window (which only set the memory; truncated
    back-propagation through time over the window). Forecasting drives the network through the context and then
    feeds each prediction back as the next input. Known covariates (e.g. the phase of a periodic forcing) are
    extra inputs: at each step the network reads the state together with the covariates of the step whose
    increment it predicts, as they are given (on a scale of order one, like sine and cosine of a phase).

    Parameters
    ----------
    n_hidden, n_layers : int
        Units per layer, stacked layers.
    sequence_length : int
        Steps per training window.
    burn_in : int
        Leading steps of each window that are not scored (less than ``sequence_length``).
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network (in evaluation mode).
    increment_scale_ : ndarray of shape (dim,)
        Standard deviation of the training increments, the unit of the read-out.

    References
    ----------
    P. R. Vlachas, W. Byeon, Z. Y. Wan, T. P. Sapsis, P. Koumoutsakos, "Data-driven forecasting of
    high-dimensional chaotic systems with long short-term memory networks", Proc. R. Soc. A 474, 20170844 (2018).
    """

    cell: str  # "rnn", "gru" or "lstm"
    min_train = 51  # sequence_length + 1 with the defaults (required_train() for others)
    supports_gpu = True
    search_space = {
        "n_hidden": [32, 64, 128],
        "sequence_length": [25, 50, 100],
        "learning_rate": [1e-3, 3e-3],
    }
    parameter_constraints = NeuralForecaster.parameter_constraints | {
        "n_hidden": [Interval(int, 1, None)],
        "n_layers": [Interval(int, 1, None)],
        "sequence_length": [Interval(int, 1, None)],
        "burn_in": [Interval(int, 0, None)],
        "batch_size": [Interval(int, 1, None)],
    }

    def __init__(self, n_hidden=64, n_layers=1, sequence_length=50, burn_in=10, batch_size=32, learning_rate=3e-3,
                 final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0,
                 n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.sequence_length = sequence_length
        self.burn_in = burn_in
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
        return super().get_test_params() | {"n_hidden": 8, "sequence_length": 20, "burn_in": 5, "batch_size": 4}

    def _check_params(self):
        super()._check_params()
        if self.burn_in >= self.sequence_length:
            raise InvalidParameterError(f"burn_in must be smaller than sequence_length={self.sequence_length}, "
                                        f"got {self.burn_in!r}")

    def required_train(self):
        return int(self.sequence_length) + 1

    def _build(self, train, covariates, rng):
        from ._neural_nets import StepRecurrent

        self.increment_scale_ = np.diff(train, axis=0).std(axis=0) + 1e-12
        self.module_ = StepRecurrent(self.cell, train.shape[1], covariates.shape[1], int(self.n_hidden),
                                     int(self.n_layers)).to(self.device_)
        self.module_.train()
        self._train_data = np.hstack([train, covariates]).astype(np.float32)  # windows of both are drawn together
        return self.module_.parameters()

    def _train_batch(self, rng):
        import torch

        windows = sample_windows(self._train_data, int(self.sequence_length) + 1, int(self.batch_size), rng)
        n_obs = self.n_features_
        batch = windows[..., :n_obs]
        scale = self.increment_scale_.astype(np.float32)
        targets = torch.from_numpy((np.diff(batch, axis=1) / scale)[:, self.burn_in:]).to(self.device_)
        inputs = np.concatenate([batch[:, :-1], windows[:, 1:, n_obs:]], axis=2)  # x_t with the covariates of t + 1
        increments, _ = self.module_(torch.from_numpy(inputs).to(self.device_))
        return torch.nn.functional.mse_loss(increments[:, self.burn_in:], targets)

    def _finish(self):
        self.module_.eval()
        del self._train_data

    def _predict(self, n_steps, context, covariates):
        torch = import_torch(self.name)
        n_context = len(context)
        out = np.empty((n_steps, context.shape[1]))
        state = np.array(context[-1], dtype=float)  # accumulated in float64; the network runs in float32
        inputs = np.hstack([context, covariates[1:n_context + 1]]).astype(np.float32)
        with self._session(torch), torch.no_grad():
            increments, memory = self.module_(torch.from_numpy(inputs)[None].to(self.device_))
            increment = increments[0, -1]
            for step in range(n_steps):
                state += increment.cpu().double().numpy() * self.increment_scale_
                out[step] = state
                if step + 1 < n_steps:
                    step_input = np.concatenate([state, covariates[n_context + step + 1]]).astype(np.float32)
                    increment, memory = self.module_(torch.from_numpy(step_input)[None, None].to(self.device_), memory)
                    increment = increment[0, 0]
        return out


@forecaster("rnn")
class RNNForecaster(RecurrentForecaster):
    """Elman's simple recurrent network (1990), h_t = tanh(W x_t + U h_{t-1} + b), forecasting one step at a time.

    The method, its training and its parameters are those of :class:`RecurrentForecaster`, with Elman cells.

    References
    ----------
    J. L. Elman, "Finding structure in time", Cognitive Science 14, 179 (1990). P. R. Vlachas, J. Pathak,
    B. R. Hunt, T. P. Sapsis, M. Girvan, E. Ott, P. Koumoutsakos, "Backpropagation algorithms and reservoir
    computing in recurrent neural networks for the forecasting of complex spatiotemporal dynamics", Neural
    Networks 126, 191 (2020).
    """

    cell = "rnn"


@forecaster("gru")
class GRUForecaster(RecurrentForecaster):
    """Gated recurrent unit network (Cho et al. 2014), forecasting one step at a time.

    The method, its training and its parameters are those of :class:`RecurrentForecaster`, with GRU cells (an
    update and a reset gate, no separate cell state).

    References
    ----------
    K. Cho, B. van Merriënboer, C. Gulcehre, D. Bahdanau, F. Bougares, H. Schwenk, Y. Bengio, "Learning phrase
    representations using RNN encoder-decoder for statistical machine translation", Proc. EMNLP 2014, 1724 (2014).
    """

    cell = "gru"


@forecaster("lstm")
class LSTMForecaster(RecurrentForecaster):
    """Long short-term memory network (Hochreiter & Schmidhuber 1997), forecasting one step at a time.

    The method (as applied to chaotic systems by Vlachas et al. 2018), its training and its parameters are those of
    :class:`RecurrentForecaster`, with LSTM cells; its training windows are twice as long by default (100 steps,
    the first 20 not scored), which its fused kernel affords within the benchmark's budget.

    References
    ----------
    S. Hochreiter, J. Schmidhuber, "Long Short-Term Memory", Neural Computation 9, 1735 (1997). P. R. Vlachas,
    W. Byeon, Z. Y. Wan, T. P. Sapsis, P. Koumoutsakos, "Data-driven forecasting of high-dimensional chaotic
    systems with long short-term memory networks", Proc. R. Soc. A 474, 20170844 (2018).
    """

    cell = "lstm"
    min_train = 101  # sequence_length + 1 with the defaults
    search_space = RecurrentForecaster.search_space | {"sequence_length": [50, 100, 200]}

    def __init__(self, n_hidden=64, n_layers=1, sequence_length=100, burn_in=20, batch_size=32, learning_rate=3e-3,
                 final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0,
                 n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        super().__init__(n_hidden=n_hidden, n_layers=n_layers, sequence_length=sequence_length, burn_in=burn_in,
                         batch_size=batch_size, learning_rate=learning_rate, final_learning_rate=final_learning_rate,
                         batches_per_epoch=batches_per_epoch, max_epochs=max_epochs, time_budget_s=time_budget_s,
                         random_state=random_state, n_threads=n_threads, verbose=verbose,
                         patience=patience, validation_interval=validation_interval,
                         validation_steps=validation_steps, device=device)
