"""Window forecasters, which map ``input_length`` points to the next ``output_length`` in one pass, and the linear
ones among them, ``dlinear`` and ``nlinear`` (``pip install 'chaosbench[neural]'``).

The window models (these two and ``nbeats``, ``nhits`` in :mod:`.basis`) are written here in plain PyTorch on
:class:`~chaosbench.forecasters.NeuralForecaster` rather than wrapped from darts or neuralforecast: no PyTorch
Lightning overhead per step (which dominates for networks this small on a CPU), the same deterministic seeding as
every other neural forecaster, and the shared training loop with its epoch budget.
"""

from __future__ import annotations

import numpy as np

from chaosbench import Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

from ._neural import NeuralForecaster, import_torch, sample_windows

__all__ = ["WindowForecaster", "DLinearForecaster", "NLinearForecaster"]

INPUT_LENGTH, OUTPUT_LENGTH = 64, 16  # the default window and chunk of every window forecaster


class WindowForecaster(NeuralForecaster):
    """Base class of forecasters that map a window of ``input_length`` points to the next ``output_length``.

    Each variable is normalised by the training data's mean and standard deviation. The network sees the window
    of all variables at once (``channel_independent=False``: a chaotic system's variables are coupled, and one
    variable's window says less about the state) or each variable as its own series through the same weights
    (``True``, as in the papers of N-BEATS, N-HiTS and DLinear). Known covariates (e.g. sine and cosine of a forcing
    phase) over the window and the forecast chunk are extra inputs of the network. Training minimises the mean
    squared error of the normalised chunk on ``batch_size`` random windows of ``input_length + output_length``
    training points per step. A forecast longer than ``output_length`` feeds each chunk back as input; a context
    shorter than ``input_length`` is padded at its start with copies of its first row, and the covariates past the
    forecast's end (in the last chunk) with copies of their last row.

    A subclass implements ``_core(n_series, n_exog)``: the network (a module of :mod:`._window_nets`) for windows
    of ``n_series`` variables and ``n_exog`` flattened covariates.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network (in evaluation mode).
    loc_, scale_ : ndarray of shape (dim,)
        The normalisation: mean and standard deviation (1 where it is 0) of the training data per variable.
    """

    min_train = INPUT_LENGTH + OUTPUT_LENGTH
    supports_gpu = True
    parameter_constraints = NeuralForecaster.parameter_constraints | {
        "input_length": [Interval(int, 1, None)],
        "output_length": [Interval(int, 1, None)],
        "channel_independent": ["boolean"],
        "batch_size": [Interval(int, 1, None)],
    }

    @classmethod
    def get_test_params(cls):
        return super().get_test_params() | {"input_length": 16, "output_length": 4, "batch_size": 8}

    def _core(self, n_series: int, n_exog: int):
        raise NotImplementedError

    def required_train(self):
        return int(self.input_length) + int(self.output_length)

    def _build(self, train, covariates, rng):
        from ._window_nets import WindowNet

        self.loc_ = train.mean(axis=0)
        scale = train.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        n_series = 1 if self.channel_independent else train.shape[1]
        self.module_ = WindowNet(self._core(n_series, covariates.shape[1] * self.required_train()),
                                 bool(self.channel_independent)).to(self.device_)
        self.module_.train()
        # windows of the normalised data and the covariates are drawn together
        self._train_data = np.hstack([(train - self.loc_) / self.scale_, covariates]).astype(np.float32)
        return self.module_.parameters()

    def _train_batch(self, rng):
        import torch

        window = int(self.input_length) + int(self.output_length)
        batch = torch.from_numpy(sample_windows(self._train_data, window, int(self.batch_size), rng)).to(self.device_)
        n_obs, n_in = self.n_features_, int(self.input_length)
        return torch.nn.functional.mse_loss(self.module_(batch[:, :n_in, :n_obs], batch[..., n_obs:]),
                                            batch[:, n_in:, :n_obs])

    def _finish(self):
        self.module_.eval()
        del self._train_data

    def _predict(self, n_steps, context, covariates):
        torch = import_torch(self.name)
        n_in, n_out = int(self.input_length), int(self.output_length)
        n_start = max(n_in - len(context), 0)
        n_end = -(-n_steps // n_out) * n_out - n_steps
        covariates = torch.from_numpy(np.pad(covariates, ((n_start, n_end), (0, 0)), mode="edge")
                                      .astype(np.float32)).to(self.device_)
        history = np.pad((context - self.loc_) / self.scale_, ((n_start, 0), (0, 0)), mode="edge")
        history = torch.from_numpy(history[-n_in:].astype(np.float32))[None].to(self.device_)
        now = n_start + len(context)  # the first forecast step's row of the covariates
        chunks = []
        with self._session(torch), torch.no_grad():
            for produced in range(0, n_steps, n_out):
                rows = covariates[now + produced - n_in:now + produced + n_out]
                chunk = self.module_(history, rows[None])
                chunks.append(chunk[0])
                history = torch.cat([history, chunk], dim=1)[:, -n_in:]
        return torch.cat(chunks)[:n_steps].cpu().double().numpy() * self.scale_ + self.loc_


@forecaster("nlinear")
class NLinearForecaster(WindowForecaster):
    """NLinear (Zeng et al. 2023): one linear layer on the window minus its last value, which is added back.

    Over a window of all variables (the default) the layer is a linear autoregression of order ``input_length``
    on the increments from the last point; channel-independently, one shared univariate autoregression. See
    :class:`~chaosbench.forecasters.linear_nets.WindowForecaster` for the normalisation, the covariates and the
    chunked forecasts.

    Parameters
    ----------
    input_length, output_length : int
        Points read and predicted per pass.
    channel_independent : bool
        Each variable as its own series through shared weights (the paper's setting) instead of all variables as
        one input.
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    References
    ----------
    A. Zeng, M. Chen, L. Zhang, Q. Xu, "Are Transformers Effective for Time Series Forecasting?", AAAI 2023.
    """

    search_space = {"input_length": [32, 64], "output_length": [8, 16], "channel_independent": [False, True]}

    def __init__(self, input_length=INPUT_LENGTH, output_length=OUTPUT_LENGTH, channel_independent=False,
                 batch_size=64, learning_rate=3e-2, final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200,
                 time_budget_s=None, random_state=0, n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.input_length = input_length
        self.output_length = output_length
        self.channel_independent = channel_independent
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

    def _core(self, n_series, n_exog):
        from ._window_nets import NLinear

        return NLinear(n_series, n_exog, int(self.input_length), int(self.output_length))


@forecaster("dlinear")
class DLinearForecaster(WindowForecaster):
    """DLinear (Zeng et al. 2023): one linear layer on the window's moving-average trend, one on the rest, summed.

    The window is split into a trend, its centred moving average over ``moving_average`` points (the window's
    ends repeated), and the remainder.

    See :class:`~chaosbench.forecasters.linear_nets.WindowForecaster` for the normalisation, the covariates (extra
    inputs of the remainder's layer) and the chunked forecasts.

    Parameters
    ----------
    moving_average : int
        Odd length of the moving average (the paper's 25).
    input_length, output_length : int
        Points read and predicted per pass.
    channel_independent : bool
        Each variable as its own series through shared weights (the paper's setting) instead of all variables as
        one input.
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    References
    ----------
    A. Zeng, M. Chen, L. Zhang, Q. Xu, "Are Transformers Effective for Time Series Forecasting?", AAAI 2023.
    """

    search_space = {"input_length": [32, 64], "moving_average": [9, 25], "channel_independent": [False, True]}
    parameter_constraints = WindowForecaster.parameter_constraints | {"moving_average": [Interval(int, 1, None)]}

    def __init__(self, input_length=INPUT_LENGTH, output_length=OUTPUT_LENGTH, moving_average=25,
                 channel_independent=False, batch_size=64, learning_rate=3e-2, final_learning_rate=1e-5,
                 batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0, n_threads=None,
                 verbose=True, patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.input_length = input_length
        self.output_length = output_length
        self.moving_average = moving_average
        self.channel_independent = channel_independent
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
        return super().get_test_params() | {"moving_average": 5}

    def _check_params(self):
        super()._check_params()
        if self.moving_average % 2 == 0:
            raise InvalidParameterError(f"moving_average={self.moving_average} must be odd (a centred average)")

    def _core(self, n_series, n_exog):
        from ._window_nets import DLinear

        return DLinear(n_series, n_exog, int(self.input_length), int(self.output_length), int(self.moving_average))

