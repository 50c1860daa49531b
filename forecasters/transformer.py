"""A PatchTST-style transformer forecaster in PyTorch (``pip install 'chaosbench[neural]'``)."""

from __future__ import annotations

import numpy as np

from chaosbench import Interval, Options, forecaster
from chaosbench.exceptions import InvalidParameterError

from ._neural import NeuralForecaster, import_torch, sample_windows

__all__ = ["PatchTransformer"]


@forecaster("transformer")
class PatchTransformer(NeuralForecaster):
    """PatchTST (Nie, Nguyen, Sinthong & Kalagnanam 2023), small enough to train on a CPU, run autoregressively.

    Each variable is forecast separately by one shared network (channel independence): its last ``lookback``
    values are normalised by their own mean and standard deviation with a learned per-variable affine map
    (reversible instance normalisation, RevIN: Kim et al. 2022), padded at the end with ``stride`` copies of the
    last value, cut into patches of ``patch_len`` values every ``stride`` steps, linearly embedded in ``d_model``
    dimensions with a learned positional encoding, passed through ``n_layers`` transformer encoder layers
    (``n_heads``-head self-attention and a GELU feed-forward layer of width ``d_ff``, each with a residual
    connection and normalisation ``norm``, dropout ``dropout``), and a linear head on the flattened encoding gives
    the next ``output_length`` values, de-normalised. Training minimises the mean squared error on ``batch_size``
    random windows of ``lookback + output_length`` training points per step (RAdam; the paper used Adam).
    Forecasts longer than ``output_length`` feed the forecast back as input, ``output_length`` steps at a time.
    A context shorter than ``lookback`` is padded at the start with copies of its first value.

    Known covariates (e.g. sine and cosine of a forcing phase) cannot enter the channel-independent encoder as
    channels, as no channel sees another, and the forecast steps' would be missing from the look-back. They enter
    in two places, through learned linear maps without bias, zero at first: the look-back's covariates, cut into
    the same patches, add an embedding to each patch's token (shared by the variables, like the time-stamp
    embeddings added to the tokens of Informer, Zhou et al. 2021), so the encoder sees e.g. the forcing phase; and
    each forecast step ``h`` of variable ``c`` adds ``b_{hc} · s_h``, a function of that step's covariates only, to
    the de-normalised head output (for a sinusoidal forcing, the linear response to it, with an amplitude and phase
    lag per step and variable). A last pass reaching past the forecast uses copies of the last covariate row
    there, which affect only the discarded steps.

    The defaults are sized to train on a CPU in minutes (the paper's PatchTST/42: look-back 336, width 128, 3
    layers, 16 heads, dropout 0.2). The paper's encoder normalises after each residual connection with batch
    normalisation (``norm="batch"``); the default is layer normalisation before each sub-layer (``norm="layer"``, as
    the paper's reference code offers, with a final layer normalisation before the head), which learns chaotic data
    better within a CPU budget, as does the larger learning rate (2e-2 decaying to 1e-4).

    Parameters
    ----------
    lookback : int
        Input length ``L``.
    output_length : int
        Steps predicted per forward pass.
    patch_len, stride : int
        Patch length and the step between patch starts.
    d_model, n_heads, n_layers, d_ff : int
        Transformer width, attention heads, encoder layers, feed-forward width.
    dropout : float
        Dropout probability in training.
    norm : {"layer", "batch"}
        Layer normalisation before each sub-layer (pre-norm) or batch normalisation after each residual connection
        (post-norm, the paper's default).
    batch_size : int
        Training windows per optimiser step.
    learning_rate, final_learning_rate, batches_per_epoch, max_epochs, time_budget_s, random_state, n_threads, \
verbose, patience, validation_interval, validation_steps, device
        See :class:`~chaosbench.forecasters.NeuralForecaster`.

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network (in evaluation mode).

    References
    ----------
    Y. Nie, N. H. Nguyen, P. Sinthong, J. Kalagnanam, "A Time Series is Worth 64 Words: Long-term Forecasting with
    Transformers", ICLR 2023. T. Kim et al., "Reversible Instance Normalization for Accurate Time-Series
    Forecasting against Distribution Shift", ICLR 2022.
    """

    min_train = 160  # lookback + output_length with the defaults (required_train() for others)
    supports_gpu = True
    search_space = {
        "lookback": [128, 256, 336],
        "patch_len": [8, 16, 32],
        "d_model": [32, 64],
        "learning_rate": [3e-3, 1e-2, 2e-2],
    }
    parameter_constraints = NeuralForecaster.parameter_constraints | {
        **{name: [Interval(int, 1, None)] for name in ("lookback", "output_length", "patch_len", "stride", "d_model",
                                                       "n_heads", "n_layers", "d_ff", "batch_size")},
        "dropout": [Interval(float, 0, 1, closed="left")],
        "norm": [Options(("layer", "batch"))],
    }

    def __init__(self, lookback=128, output_length=32, patch_len=16, stride=8, d_model=32, n_heads=4, n_layers=2,
                 d_ff=64, dropout=0.0, norm="layer", batch_size=64, learning_rate=2e-2, final_learning_rate=1e-4,
                 batches_per_epoch=50, max_epochs=200, time_budget_s=None, random_state=0, n_threads=None,
                 verbose=True, patience=None, validation_interval=5, validation_steps=500, device="cpu"):
        self.lookback = lookback
        self.output_length = output_length
        self.patch_len = patch_len
        self.stride = stride
        self.d_model = d_model
        self.n_heads = n_heads
        self.n_layers = n_layers
        self.d_ff = d_ff
        self.dropout = dropout
        self.norm = norm
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
        return super().get_test_params() | {"lookback": 32, "output_length": 8, "patch_len": 8, "stride": 4,
                                            "d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 16, "batch_size": 8}

    def _check_params(self):
        super()._check_params()
        if self.patch_len > self.lookback:
            raise InvalidParameterError(f"patch_len={self.patch_len} exceeds lookback={self.lookback}")
        if self.d_model % self.n_heads:
            raise InvalidParameterError(f"d_model={self.d_model} is not a multiple of n_heads={self.n_heads}")

    def required_train(self):
        return int(self.lookback) + int(self.output_length)

    def _build(self, train, covariates, rng):
        from ._neural_nets import PatchTST

        self.module_ = PatchTST(train.shape[1], covariates.shape[1], int(self.lookback), int(self.output_length),
                                int(self.patch_len), int(self.stride), int(self.d_model), int(self.n_heads),
                                int(self.n_layers), int(self.d_ff), float(self.dropout), self.norm).to(self.device_)
        self.module_.train()
        self._train_data = np.hstack([train, covariates]).astype(np.float32)  # windows of both are drawn together
        return self.module_.parameters()

    def _train_batch(self, rng):
        import torch

        batch = torch.from_numpy(sample_windows(self._train_data, int(self.lookback) + int(self.output_length),
                                                int(self.batch_size), rng)).to(self.device_)
        past, ahead, n_obs = batch[:, :self.lookback], batch[:, self.lookback:], self.n_features_
        return torch.nn.functional.mse_loss(self.module_(past[..., :n_obs], past[..., n_obs:], ahead[..., n_obs:]),
                                            ahead[..., :n_obs])

    def _finish(self):
        self.module_.eval()
        del self._train_data

    def _predict(self, n_steps, context, covariates):
        torch = import_torch(self.name)
        lookback, horizon = int(self.lookback), int(self.output_length)
        n_start = max(lookback - len(context), 0)  # padding at the start
        n_end = -(-n_steps // horizon) * horizon - n_steps  # padding past the last forecast step
        covariates = torch.from_numpy(np.pad(covariates, ((n_start, n_end), (0, 0)), mode="edge")
                                      .astype(np.float32))[None].to(self.device_)
        if len(context) < lookback:
            context = np.concatenate([np.repeat(context[:1], lookback - len(context), axis=0), context])
        history = torch.from_numpy(context[-lookback:].astype(np.float32))[None].to(self.device_)
        pieces, produced, now = [], 0, len(context)  # now: the first forecast step's row of the covariates
        with self._session(torch), torch.no_grad():
            while produced < n_steps:
                past = covariates[:, now + produced - lookback:now + produced]
                step = self.module_(history, past, covariates[:, now + produced:now + produced + horizon])
                pieces.append(step[0])
                produced += step.shape[1]
                history = torch.cat([history, step], dim=1)[:, -lookback:]
        return torch.cat(pieces)[:n_steps].cpu().double().numpy()
