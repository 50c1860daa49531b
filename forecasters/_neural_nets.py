"""PyTorch modules of the neural forecasters; imported only when one is fitted (this module imports torch)."""

from __future__ import annotations

import math

import torch
from torch import nn

from .tcn import receptive_field


def _uniform(shape, bound: float) -> nn.Parameter:
    return nn.Parameter(torch.empty(shape).uniform_(-bound, bound))


def _normalized_positive_definite_diagonal(m: int) -> nn.Parameter:
    """Diagonal of K / λ_max(K), K = RᵀR / m + I with R standard normal (Talathi & Vartak 2016): values in (0, 1]."""
    r = torch.randn(m, m)
    k = r.T @ r / m + torch.eye(m)
    return nn.Parameter(torch.diagonal(k) / torch.linalg.eigvalsh(k).max())


class KernelLoss(torch.autograd.Function):
    """A loss computed together with its gradients by a fused kernel: ``KernelLoss.apply(kernel, *params)``, where
    ``kernel(*arrays)`` takes the parameters as numpy arrays and returns the loss and their gradients."""

    @staticmethod
    def forward(ctx, kernel, *params):
        loss, grads = kernel(*(p.detach().numpy() for p in params))
        ctx.grads = grads
        return torch.tensor(loss, dtype=params[0].dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return (None, *(grad_output * torch.from_numpy(g) for g in ctx.grads))


class LatentRNN(nn.Module):
    """A latent recurrence whose first ``n_obs`` of ``n_latent`` units are read out as the observation (identity
    observation model); the other units start from ``L x`` with a learned matrix ``L`` (empty when
    ``n_latent = n_obs``). External inputs ``s_t`` (``n_inputs`` of them) enter each step linearly, ``+ C s_t``
    (Koppe et al. 2019), with ``C`` initialised to zero."""

    def __init__(self, n_obs: int, n_latent: int, n_inputs: int):
        super().__init__()
        self.n_obs, self.n_latent = n_obs, n_latent
        self.L = _uniform((n_latent - n_obs, n_obs), 1 / math.sqrt(n_obs))
        self.C = nn.Parameter(torch.zeros(n_latent, n_inputs))

    def init_state(self, x: torch.Tensor) -> torch.Tensor:
        """Latent state (..., n_latent) for observations (..., n_obs)."""
        return torch.cat([x, x @ self.L.T], dim=-1)

    def step(self, z: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
        """The next latent state for states z (..., n_latent) and the next step's inputs s (..., n_inputs)."""
        raise NotImplementedError


class ShallowPLRNN(LatentRNN):
    """z_{t+1} = A ⊙ z_t + W1 ReLU(W2 z_t + h2) + h1 + C s_{t+1} with diagonal A (Hess et al. 2023)."""

    def __init__(self, n_obs: int, n_latent: int, n_hidden: int, n_inputs: int):
        super().__init__(n_obs, n_latent, n_inputs)
        self.A = _normalized_positive_definite_diagonal(n_latent)
        self.W1 = _uniform((n_latent, n_hidden), 1 / math.sqrt(n_hidden))
        self.W2 = _uniform((n_hidden, n_latent), 1 / math.sqrt(n_latent))
        self.h1 = nn.Parameter(torch.zeros(n_latent))
        self.h2 = nn.Parameter(torch.zeros(n_hidden))

    def step(self, z, s):
        return self.A * z + torch.relu(z @ self.W2.T + self.h2) @ self.W1.T + self.h1 + s @ self.C.T

    def jacobian_norms(self, z: torch.Tensor) -> torch.Tensor:
        """Spectral norms of the Jacobians diag(A) + W1 diag(1[W2 z + h2 > 0]) W2 at states z (..., n_latent)."""
        active = (z @ self.W2.T + self.h2 > 0).to(z.dtype)
        jac = torch.diag(self.A) + (self.W1 * active.unsqueeze(-2)) @ self.W2
        return torch.linalg.eigvalsh(jac.mT @ jac)[..., -1].clamp(min=0).sqrt()  # twice as fast as an SVD


class AlmostLinearRNN(LatentRNN):
    """z_{t+1} = A ⊙ z_t + W Φ*(z_t) + h + C s_{t+1}, Φ* the identity on the first n_latent - n_relu units and ReLU
    on the last n_relu (Brenner et al. 2024)."""

    def __init__(self, n_obs: int, n_latent: int, n_relu: int, n_inputs: int):
        super().__init__(n_obs, n_latent, n_inputs)
        self.n_relu = n_relu
        self.A = _normalized_positive_definite_diagonal(n_latent)
        self.W = nn.Parameter(0.01 * torch.randn(n_latent, n_latent))
        self.h = nn.Parameter(torch.zeros(n_latent))

    def phi(self, z: torch.Tensor) -> torch.Tensor:
        n_linear = self.n_latent - self.n_relu
        return torch.cat([z[..., :n_linear], torch.relu(z[..., n_linear:])], dim=-1)

    def step(self, z, s):
        return self.A * z + self.phi(z) @ self.W.T + self.h + s @ self.C.T


class _SelfAttention(nn.Module):
    """Multi-head scaled dot-product self-attention (Vaswani et al. 2017) written out with batched matrix products:
    for PatchTST's few tokens this is several times faster on a CPU than ``nn.MultiheadAttention``, whose fused
    kernels are made for long sequences."""

    def __init__(self, d_model: int, n_heads: int, dropout: float):
        super().__init__()
        self.n_heads = n_heads
        self.in_proj = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        batch, tokens, width = x.shape
        q, k, v = (self.in_proj(x).reshape(batch, tokens, 3, self.n_heads, width // self.n_heads)
                   .permute(2, 0, 3, 1, 4))
        weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(width // self.n_heads), dim=-1)
        heads = self.dropout(weights) @ v
        return self.out_proj(heads.transpose(1, 2).reshape(batch, tokens, width))


class _EncoderLayer(nn.Module):
    """Transformer encoder layer: self-attention and a GELU feed-forward layer, each with a residual connection and
    either layer normalisation before it (``norm="layer"``, pre-norm) or batch normalisation over the model dimension
    after it (``norm="batch"``, post-norm as in PatchTST's default)."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float, norm: str):
        super().__init__()
        self.pre_norm = norm == "layer"
        make_norm = nn.LayerNorm if self.pre_norm else nn.BatchNorm1d
        self.attention = _SelfAttention(d_model, n_heads, dropout)
        self.norm_attention = make_norm(d_model)
        self.feed_forward = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Dropout(dropout),
                                          nn.Linear(d_ff, d_model))
        self.norm_feed_forward = make_norm(d_model)
        self.dropout = nn.Dropout(dropout)

    def _norm(self, norm: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """``norm`` applied per token; batch normalisation pools all sequences and tokens per model dimension."""
        return norm(x) if self.pre_norm else norm(x.reshape(-1, x.shape[-1])).reshape(x.shape)

    def forward(self, x):
        if self.pre_norm:
            x = x + self.dropout(self.attention(self._norm(self.norm_attention, x)))
            return x + self.dropout(self.feed_forward(self._norm(self.norm_feed_forward, x)))
        x = self._norm(self.norm_attention, x + self.dropout(self.attention(x)))
        return self._norm(self.norm_feed_forward, x + self.dropout(self.feed_forward(x)))


class PatchTST(nn.Module):
    """PatchTST (Nie et al. 2023): each channel of a (batch, lookback, channels) window separately, instance
    normalised (RevIN), cut into overlapping patches, embedded, encoded by a transformer, and mapped by a linear
    head on the flattened encoding to the next ``horizon`` values (after a final layer normalisation with
    ``norm="layer"``). Known inputs (``n_inputs`` of them, learned weights initially zero): those of the look-back,
    cut into the same patches, add a linear embedding to each patch's token (shared by the channels), and those of
    each of the ``horizon`` output steps a linear function of them, per step and channel, to the de-normalised
    output."""

    def __init__(self, n_channels: int, n_inputs: int, lookback: int, horizon: int, patch_len: int, stride: int,
                 d_model: int, n_heads: int, n_layers: int, d_ff: int, dropout: float, norm: str):
        super().__init__()
        self.patch_len, self.stride, self.horizon = patch_len, stride, horizon
        n_patches = (lookback - patch_len) // stride + 2  # the series is padded with `stride` copies of its end
        self.revin_weight = nn.Parameter(torch.ones(n_channels))
        self.revin_bias = nn.Parameter(torch.zeros(n_channels))
        self.embed = nn.Linear(patch_len, d_model)
        self.position = _uniform((n_patches, d_model), 0.02)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList(_EncoderLayer(d_model, n_heads, d_ff, dropout, norm) for _ in range(n_layers))
        self.final_norm = nn.LayerNorm(d_model) if norm == "layer" else nn.Identity()
        self.head = nn.Linear(n_patches * d_model, horizon)
        self.input_weight = nn.Parameter(torch.zeros(horizon, n_inputs, n_channels))
        self.embed_inputs = nn.Parameter(torch.zeros(n_inputs * patch_len, d_model))

    def forward(self, x, past, future):
        """Forecasts (batch, horizon, channels) from look-back windows x (batch, lookback, channels) and the known
        inputs over the look-back, past (batch, lookback, n_inputs), and over the horizon, future."""
        batch, _, channels = x.shape
        mean = x.mean(dim=1, keepdim=True)
        std = torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + 1e-5)
        x = (x - mean) / std * self.revin_weight + self.revin_bias
        series = x.permute(0, 2, 1).reshape(batch * channels, -1)
        series = torch.cat([series, series[:, -1:].expand(-1, self.stride)], dim=1)
        patches = series.unfold(1, self.patch_len, self.stride)
        past = torch.cat([past, past[:, -1:].expand(-1, self.stride, -1)], dim=1).unfold(1, self.patch_len,
                                                                                         self.stride)
        inputs = (past.flatten(2) @ self.embed_inputs).repeat_interleave(channels, dim=0)
        h = self.dropout(self.embed(patches) + self.position + inputs)
        for layer in self.layers:
            h = layer(h)
        y = self.head(self.final_norm(h).flatten(1)).reshape(batch, channels, self.horizon).permute(0, 2, 1)
        y = (y - self.revin_bias) / (self.revin_weight + 1e-10)
        return y * std + mean + torch.einsum("bhk,hkc->bhc", future, self.input_weight)


class StepRecurrent(nn.Module):
    """Stacked recurrent network over (batch, time, n_obs + n_inputs) inputs (the observations and any known inputs)
    with a linear read-out of each step's last hidden state, n_obs values. ``cell`` is ``"rnn"`` (Elman's tanh
    units), ``"gru"`` or ``"lstm"``."""

    CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}

    def __init__(self, cell: str, n_obs: int, n_inputs: int, n_hidden: int, n_layers: int):
        super().__init__()
        self.recurrent = self.CELLS[cell](n_obs + n_inputs, n_hidden, n_layers, batch_first=True)
        self.head = nn.Linear(n_hidden, n_obs)

    def forward(self, x, memory=None):
        """Read-outs for every step, shape (batch, time, n_obs), and the final memory (the hidden state; for the
        LSTM, hidden and cell state)."""
        hidden, memory = self.recurrent(x, memory)
        return self.head(hidden), memory


class _TemporalBlock(nn.Module):
    """Residual block of a temporal convolutional network (Bai et al. 2018): two weight-normalised dilated causal
    convolutions, each followed by ReLU and dropout, added to the block's input (through a 1x1 convolution when the
    widths differ) and rectified."""

    def __init__(self, n_in: int, n_out: int, kernel_size: int, dilation: int, dropout: float):
        super().__init__()
        self.padding = (kernel_size - 1) * dilation  # on the left only: output t sees inputs up to t
        self.convs = nn.ModuleList(
            nn.utils.parametrizations.weight_norm(_normal_conv(n, n_out, kernel_size, dilation)) for n in (n_in, n_out))
        self.dropout = nn.Dropout(dropout)
        self.skip = _normal_conv(n_in, n_out, 1, 1) if n_in != n_out else nn.Identity()

    def forward(self, x):
        h = x
        for conv in self.convs:
            h = self.dropout(torch.relu(conv(nn.functional.pad(h, (self.padding, 0)))))
        return torch.relu(h + self.skip(x))


def _normal_conv(n_in: int, n_out: int, kernel_size: int, dilation: int) -> nn.Conv1d:
    """A 1-D convolution with weights drawn from N(0, 0.01²), as Bai et al. initialise them."""
    conv = nn.Conv1d(n_in, n_out, kernel_size, dilation=dilation)
    nn.init.normal_(conv.weight, 0.0, 0.01)
    return conv


class TemporalConvNet(nn.Module):
    """Temporal convolutional network (Bai et al. 2018): ``n_blocks`` residual blocks of ``n_channels`` channels with
    dilations 1, 2, 4, ... over (batch, time, n_obs + n_inputs) inputs, and a linear read-out of n_obs values at each
    step. Causal: the read-out at step t depends only on the ``receptive_field`` inputs up to t."""

    def __init__(self, n_obs: int, n_inputs: int, n_channels: int, n_blocks: int, kernel_size: int, dropout: float):
        super().__init__()
        self.blocks = nn.Sequential(*(_TemporalBlock(n_obs + n_inputs if i == 0 else n_channels, n_channels,
                                                     kernel_size, 2**i, dropout) for i in range(n_blocks)))
        self.head = nn.Linear(n_channels, n_obs)
        self.receptive_field = receptive_field(kernel_size, n_blocks)

    def forward(self, x):
        """Read-outs (batch, time, n_obs) for inputs x (batch, time, n_obs + n_inputs)."""
        return self.head(self.blocks(x.transpose(1, 2)).transpose(1, 2))


class VectorField(nn.Module):
    """A multilayer perceptron f(x, s) -> dx/dt of ``n_obs`` states and ``n_inputs`` known inputs: ``n_layers``
    hidden tanh layers of ``n_hidden`` units and a linear output."""

    def __init__(self, n_obs: int, n_inputs: int, n_hidden: int, n_layers: int):
        super().__init__()
        widths = [n_obs + n_inputs] + [n_hidden] * n_layers
        layers = []
        for n_in, n_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(n_in, n_out), nn.Tanh()]
        self.net = nn.Sequential(*layers, nn.Linear(widths[-1], n_obs))

    def forward(self, x, s):
        return self.net(torch.cat([x, s], dim=-1))


def rk4_step(field, x: torch.Tensor, h: float, s_start: torch.Tensor, s_mid: torch.Tensor,
             s_end: torch.Tensor) -> torch.Tensor:
    """One classical Runge-Kutta step of size h of x' = field(x, s(t)), given the inputs s at the start, the
    midpoint and the end of the step."""
    k1 = field(x, s_start)
    k2 = field(x + h / 2 * k1, s_mid)
    k3 = field(x + h / 2 * k2, s_mid)
    k4 = field(x + h * k3, s_end)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
