"""A temporal convolutional network forecaster in PyTorch (``pip install 'chaosbench[neural]'``).

Written natively on :class:`~chaosbench.forecasters.NeuralForecaster` rather than through darts or neuralforecast:
no PyTorch Lightning overhead per step, deterministic seeding, and the same budgeted training loop as the other
neural forecasters.
"""

from __future__ import annotations

import numpy as np

from chaosbench import Interval, forecaster

from ._neural import NeuralForecaster, import_torch, sample_windows

__all__ = ["TCNForecaster"]



def receptive_field(kernel_size: int, n_blocks: int) -> int:
    """Inputs an output of the TCN sees: two dilated convolutions per block, dilations 1, 2, ..., 2^(n_blocks-1)."""
    return 1 + 2 * (kernel_size - 1) * (2**n_blocks - 1)

@forecaster("tcn")
class TCNForecaster(NeuralForecaster):
    """Temporal convolutional network (Bai, Kolter & Koltun 2018) that forecasts one step at a time.

    ``n_blocks`` residual blocks of two dilated causal convolutions each (kernel ``kernel_size``, dilation doubling
    from block to block, weight normalisation, ReLU, dropout) read the observed states; a linear read-out at each
    step predicts the increment to the next state, in units of the training increments' standard deviation per
    variable. Each output sees the last ``r = 1 + 2 (kernel_size - 1) (2**n_blocks - 1)`` inputs (the receptive
    field, 61 steps by default), earlier ones being zero padding. Training: ``batch_size`` random windows of
    ``r + sequence_length`` training points per step, the mean squared error of the predicted increments at the
    last ``sequence_length`` steps of each window, those whose outputs see ``r`` observed states (a forecast
    always has them; the outputs of earlier steps would see zero padding). Forecasting runs the network over the
    last receptive field of the context and then feeds each prediction back as the next input. Known covariates
    (e.g. the phase of a periodic forcing) are extra input channels: at each step the network reads the state
    together with the covariates of the step whose increment it predicts.

    Parameters
    ----------
    n_channels : int
        Channels of every convolution.
    n_blocks : int
        Residual blocks (dilations 1, 2, ..., 2**(n_blocks - 1)).
    kernel_size : int
        Taps of each convolution.
    dropout : float
        Dropout after each convolution while training.
    sequence_length : int
        Scored steps per training window, which holds ``receptive_field - 1`` more steps before them (default 64:
        windows of 125 points with the default receptive field of 61).
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network (in evaluation mode), with its ``receptive_field`` in steps.
    increment_scale_ : ndarray of shape (dim,)
        Standard deviation of the training increments, the unit of the read-out.

    References
    ----------
    S. Bai, J. Z. Kolter, V. Koltun, "An empirical evaluation of generic convolutional and recurrent networks for
    sequence modeling", arXiv:1803.01271 (2018).
    """

    min_train = 125  # receptive_field + sequence_length with the defaults (required_train() for others)
    supports_gpu = True
    search_space = {
        "n_channels": [16, 32, 64],
        "n_blocks": [3, 4, 5],
        "learning_rate": [1e-3, 3e-3],
    }
    parameter_constraints = NeuralForecaster.parameter_constraints | {
        "n_channels": [Interval(int, 1, None)],
        "n_blocks": [Interval(int, 1, None)],
        "kernel_size": [Interval(int, 2, None)],
        "dropout": [Interval(float, 0, 1, closed="left")],
        "sequence_length": [Interval(int, 1, None)],
        "batch_size": [Interval(int, 1, None)],
    }

    def __init__(self, n_channels=16, n_blocks=4, kernel_size=3, dropout=0.0, sequence_length=64, batch_size=32,
                 learning_rate=3e-3, final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200,
                 time_budget_s=None, random_state=0, n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.n_channels = n_channels
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.dropout = dropout
        self.sequence_length = sequence_length
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
        return super().get_test_params() | {"n_channels": 4, "n_blocks": 2, "sequence_length": 20, "batch_size": 4}

    def required_train(self):
        return receptive_field(int(self.kernel_size), int(self.n_blocks)) + int(self.sequence_length)

    def _build(self, train, covariates, rng):
        from ._neural_nets import TemporalConvNet

        self.module_ = TemporalConvNet(train.shape[1], covariates.shape[1], int(self.n_channels),
                                       int(self.n_blocks), int(self.kernel_size), float(self.dropout)).to(self.device_)
        self.increment_scale_ = np.diff(train, axis=0).std(axis=0) + 1e-12
        self.module_.train()
        self._train_data = np.hstack([train, covariates]).astype(np.float32)  # windows of both are drawn together
        return self.module_.parameters()

    def _train_batch(self, rng):
        import torch

        history = self.module_.receptive_field - 1  # leading outputs that see zero padding: not scored
        windows = sample_windows(self._train_data, history + int(self.sequence_length) + 1, int(self.batch_size),
                                 rng)
        n_obs = self.n_features_
        batch = windows[..., :n_obs]
        targets = np.diff(batch, axis=1)[:, history:] / self.increment_scale_.astype(np.float32)
        inputs = np.concatenate([batch[:, :-1], windows[:, 1:, n_obs:]], axis=2)  # x_t with the covariates of t + 1
        inputs, targets = (torch.from_numpy(a).to(self.device_) for a in (inputs, targets))
        return torch.nn.functional.mse_loss(self.module_(inputs)[:, history:], targets)

    def _finish(self):
        self.module_.eval()
        del self._train_data

    def _predict(self, n_steps, context, covariates):
        torch = import_torch(self.name)
        n_context, span = len(context), self.module_.receptive_field
        # The inputs the next output depends on: the last `span` states, each with the covariates of the step after.
        inputs = np.hstack([context, covariates[1:n_context + 1]])[-span:].astype(np.float32)
        with self._session(torch), torch.no_grad():
            network = _StreamingTCN(self.module_, torch.from_numpy(inputs)[None].to(self.device_))
        out = np.empty((n_steps, context.shape[1]))
        state = np.array(context[-1], dtype=float)  # accumulated in float64; the network runs in float32
        for step in range(n_steps):
            state += network.output().astype(float) * self.increment_scale_
            out[step] = state
            if step + 1 < n_steps:
                network.push(np.concatenate([state, covariates[n_context + step + 1]]).astype(np.float32))
        return out


class _StreamingTCN:
    """Step-by-step inference of a trained :class:`TemporalConvNet` (fast-WaveNet style caching, Paine et al.
    2016): each layer keeps the last ``(kernel_size - 1) * dilation + 1`` of its inputs, so one new step costs one
    kernel's products per layer instead of re-running the network over its whole receptive field. Outputs equal
    the network's last output on the window it would see (to float32 rounding; tested).

    References
    ----------
    T. L. Paine, P. Khorrami, S. Chang, Y. Zhang, P. Ramachandran, M. A. Hasegawa-Johnson, T. S. Huang, "Fast
    WaveNet generation algorithm", arXiv:1611.09482 (2016).
    """

    def __init__(self, module, window):
        """``window``: (1, time, n_inputs) tensor of the last inputs, at least the receptive field long."""
        import torch

        self.layers = []  # per block: two convolutions (weights (k, out, in), bias, dilation, input history)
        x = window.transpose(1, 2)  # (1, channels, time)
        for block in module.blocks:
            convs = []
            h = x
            for conv in block.convs:
                weight = conv.weight.detach().cpu().numpy()
                span = (weight.shape[2] - 1) * conv.dilation[0] + 1
                history = h[0, :, -span:].T.cpu().numpy()  # (span, in), zero-padded as the network pads
                history = np.vstack([np.zeros((span - len(history), history.shape[1]), np.float32), history])
                convs.append([np.ascontiguousarray(weight.transpose(2, 0, 1)), conv.bias.detach().cpu().numpy(),
                              conv.dilation[0], history])
                h = torch.relu(conv(torch.nn.functional.pad(h, (block.padding, 0))))
            skip = None if isinstance(block.skip, torch.nn.Identity) else (
                block.skip.weight.detach().cpu().numpy()[:, :, 0], block.skip.bias.detach().cpu().numpy())
            self.layers.append((convs, skip))
            x = block(x)
        self.head = (module.head.weight.detach().cpu().numpy(), module.head.bias.detach().cpu().numpy())
        self.last = x[0, :, -1].cpu().numpy()  # the last block's output at the newest step

    def output(self) -> np.ndarray:
        """The network's read-out at the newest step."""
        weight, bias = self.head
        return weight @ self.last + bias

    def push(self, step_input: np.ndarray) -> None:
        """Advance by one step with the new input vector."""
        x = step_input
        for convs, skip in self.layers:
            h = x
            for conv in convs:
                weight, bias, dilation, history = conv
                history = np.vstack([history[1:], h[None]])
                conv[3] = history
                taps = history[::dilation]  # (kernel_size, in): oldest first, as the kernel's taps
                h = np.maximum(np.einsum("koi,ki->o", weight, taps) + bias, 0)
            residual = x if skip is None else skip[0] @ x + skip[1]
            x = np.maximum(h + residual, 0)
        self.last = x
