"""Neural basis expansion forecasters ``nbeats`` and ``nhits`` in plain PyTorch (``pip install 'chaosbench[neural]'``).

Written here rather than wrapped from darts or neuralforecast: no PyTorch Lightning overhead per step, the same
deterministic seeding as every other neural forecaster, and the shared training loop with its epoch budget (see
:class:`~chaosbench.forecasters.linear_nets.WindowForecaster`).
"""

from __future__ import annotations

import math
import numbers

from chaosbench import Interval, forecaster
from chaosbench.exceptions import InvalidParameterError

from .linear_nets import INPUT_LENGTH, OUTPUT_LENGTH, WindowForecaster

__all__ = ["NBEATSForecaster", "NHITSForecaster"]

_NETWORK_CONSTRAINTS = WindowForecaster.parameter_constraints | {
    "layer_width": [Interval(int, 1, None)],
    "n_layers": [Interval(int, 1, None)],
    "n_blocks": [Interval(int, 1, None)],
}


@forecaster("nbeats")
class NBEATSForecaster(WindowForecaster):
    """N-BEATS, generic architecture (Oreshkin, Carpov, Chapados & Bengio 2020).

    ``n_blocks`` blocks in sequence, each ``n_layers`` fully connected ReLU layers of ``layer_width`` units with two
    linear heads: a backcast of the window and a forecast of the chunk (the generic basis: a linear map of the
    block's last layer). Doubly residual links: each block reads what the previous blocks' backcasts left of the
    window, and the forecast is the sum of the blocks' forecasts. Without weight sharing, the paper's stacks of
    generic blocks are one sequence of blocks. Known covariates over the window and the chunk are extra inputs of
    every block (as in N-BEATSx, Olivares et al. 2023). See
    :class:`~chaosbench.forecasters.linear_nets.WindowForecaster` for the normalisation, the joint or
    channel-independent input and the chunked forecasts.

    The defaults are sized to train on one CPU core in about a minute (the paper: 30 blocks of 4 layers of 512
    units, on windows of 2 to 7 horizons).

    Parameters
    ----------
    input_length, output_length : int
        Points read and predicted per pass.
    layer_width, n_layers, n_blocks : int
        Units per layer, layers per block, blocks.
    channel_independent : bool
        Each variable as its own series through shared weights (the paper's univariate setting) instead of all
        variables as one input.
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    References
    ----------
    B. N. Oreshkin, D. Carpov, N. Chapados, Y. Bengio, "N-BEATS: Neural basis expansion analysis for interpretable
    time series forecasting", ICLR 2020. K. G. Olivares, C. Challu, G. Marcjasz, R. Weron, A. Dubrawski, "Neural
    basis expansion analysis with exogenous variables: Forecasting electricity prices with NBEATSx", International
    Journal of Forecasting 39, 884 (2023).
    """

    search_space = {"input_length": [32, 64], "layer_width": [64, 128, 256], "n_blocks": [2, 4],
                    "learning_rate": [1e-3, 3e-3]}
    parameter_constraints = _NETWORK_CONSTRAINTS

    def __init__(self, input_length=INPUT_LENGTH, output_length=OUTPUT_LENGTH, layer_width=128, n_layers=2,
                 n_blocks=4, channel_independent=False, batch_size=64, learning_rate=1e-3, final_learning_rate=1e-5,
                 batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0, n_threads=None,
                 verbose=True, patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.input_length = input_length
        self.output_length = output_length
        self.layer_width = layer_width
        self.n_layers = n_layers
        self.n_blocks = n_blocks
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
        return super().get_test_params() | {"layer_width": 8, "n_blocks": 2}

    def _core(self, n_series, n_exog):
        from ._window_nets import BasisExpansion

        n_in, n_out = int(self.input_length), int(self.output_length)
        return BasisExpansion(n_series, n_exog, n_in, n_out, int(self.layer_width), int(self.n_layers),
                              [(1, n_in, n_out)] * int(self.n_blocks))


@forecaster("nhits")
class NHITSForecaster(WindowForecaster):
    """N-HiTS (Challu et al. 2023): N-BEATS with multi-rate input pooling and hierarchical interpolation.

    Stack ``s`` (one per entry of ``pooling_sizes`` and ``downsampling``) has ``n_blocks`` blocks that read the
    residual window max-pooled over ``pooling_sizes[s]`` points (fewer inputs: the early stacks see the slow
    variation) and predict ``ceil(length / downsampling[s])`` coefficients per variable of the backcast and of the
    forecast, linearly interpolated to the window's and the chunk's length (coarse forecasts first, finer ones
    correcting them). Each block is ``n_layers`` fully connected ReLU layers of ``layer_width`` units; the doubly
    residual links, the covariates (extra inputs of every block) and the rest are as in ``nbeats`` (see
    :class:`NBEATSForecaster` and :class:`~chaosbench.forecasters.linear_nets.WindowForecaster`). One deviation
    from the authors' reference implementation, which predicts a full-length backcast and interpolates only the
    forecast: here the backcast too is predicted as coarse coefficients and interpolated to the window's length.

    The defaults are sized to train on one CPU core in about a minute (the paper: 3 stacks of one block of 2 layers
    of 512 units).

    Parameters
    ----------
    input_length, output_length : int
        Points read and predicted per pass.
    pooling_sizes, downsampling : tuple of int
        Per stack (of the same number), the max-pooling size of the input and the downsampling factor of its
        outputs, their length over their number of coefficients: the inverse of the paper's expressiveness ratio
        ``r``, whose blocks predict ``ceil(r H)`` forecast coefficients for a horizon of ``H`` steps.
    layer_width, n_layers, n_blocks : int
        Units per layer, layers per block, blocks per stack.
    channel_independent : bool
        Each variable as its own series through shared weights (the paper's univariate setting) instead of all
        variables as one input.
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    References
    ----------
    C. Challu, K. G. Olivares, B. N. Oreshkin, F. Garza, M. Mergenthaler-Canseco, A. Dubrawski, "N-HiTS: Neural
    Hierarchical Interpolation for Time Series Forecasting", AAAI 2023.
    """

    search_space = {"input_length": [32, 64], "layer_width": [64, 128, 256],
                    "downsampling": [(4, 2, 1), (8, 4, 1)], "learning_rate": [1e-3, 3e-3]}
    parameter_constraints = _NETWORK_CONSTRAINTS | {"pooling_sizes": [tuple, list], "downsampling": [tuple, list]}

    def __init__(self, input_length=INPUT_LENGTH, output_length=OUTPUT_LENGTH, pooling_sizes=(4, 2, 1),
                 downsampling=(4, 2, 1), layer_width=128, n_layers=2, n_blocks=1, channel_independent=False,
                 batch_size=64, learning_rate=1e-3, final_learning_rate=1e-5, batches_per_epoch=50, max_epochs=200,
                 time_budget_s=None, random_state=0, n_threads=None, verbose=True,
                 patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.input_length = input_length
        self.output_length = output_length
        self.pooling_sizes = pooling_sizes
        self.downsampling = downsampling
        self.layer_width = layer_width
        self.n_layers = n_layers
        self.n_blocks = n_blocks
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
        return super().get_test_params() | {"layer_width": 8, "pooling_sizes": (2, 1), "downsampling": (2, 1)}

    def _check_params(self):
        super()._check_params()
        for name in ("pooling_sizes", "downsampling"):
            values = getattr(self, name)
            if not values or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
                                     for v in values):
                raise InvalidParameterError(f"{name}={values!r} must be a non-empty sequence of positive integers")
        if len(self.pooling_sizes) != len(self.downsampling):
            raise InvalidParameterError(f"pooling_sizes={self.pooling_sizes!r} and downsampling="
                                        f"{self.downsampling!r} must have one entry per stack each")

    def _core(self, n_series, n_exog):
        from ._window_nets import BasisExpansion

        n_in, n_out = int(self.input_length), int(self.output_length)
        blocks = [(pool, math.ceil(n_in / ratio), math.ceil(n_out / ratio))
                  for pool, ratio in zip(self.pooling_sizes, self.downsampling) for _ in range(int(self.n_blocks))]
        return BasisExpansion(n_series, n_exog, n_in, n_out, int(self.layer_width), int(self.n_layers), blocks)
