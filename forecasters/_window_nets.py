"""PyTorch modules of the window forecasters (``nbeats``, ``nhits``, ``dlinear``, ``nlinear``); imported only when
one is fitted (this module imports torch).

Each core maps series windows ``z`` of shape (N, c, L) (``c`` variables seen together, L = ``input_length``) and
the flattened known inputs ``exog`` of shape (N, e) to forecasts of shape (N, c, H) (H = ``output_length``).
:class:`WindowNet` arranges a batch of multivariate windows for a core, jointly or one variable at a time.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class WindowNet(nn.Module):
    """Forecasts (batch, H, C) from windows (batch, L, C) and their known inputs over the window and the forecast
    steps, (batch, L + H, k), by ``core``: with all C variables as one input (``channel_independent=False``) or
    each variable as its own series through the same core (``True``; every variable then sees all known inputs)."""

    def __init__(self, core: nn.Module, channel_independent: bool):
        super().__init__()
        self.core, self.channel_independent = core, channel_independent

    def forward(self, x, covariates):
        batch, _, channels = x.shape
        z, exog = x.transpose(1, 2), covariates.flatten(1)
        if self.channel_independent:
            z = z.reshape(batch * channels, 1, -1)
            exog = exog.repeat_interleave(channels, dim=0)
        return self.core(z, exog).reshape(batch, channels, -1).transpose(1, 2)


def _mlp(n_in: int, width: int, n_layers: int) -> nn.Sequential:
    layers = []
    for i in range(n_layers):
        layers += [nn.Linear(n_in if i == 0 else width, width), nn.ReLU()]
    return nn.Sequential(*layers)


class NLinear(nn.Module):
    """NLinear (Zeng et al. 2023): subtract each variable's last value, one linear map (the known inputs as extra
    inputs), add the last value back."""

    def __init__(self, n_series: int, n_exog: int, input_length: int, output_length: int):
        super().__init__()
        self.linear = nn.Linear(n_series * input_length + n_exog, n_series * output_length)

    def forward(self, z, exog):
        last = z[..., -1:]
        y = self.linear(torch.cat([(z - last).flatten(1), exog], dim=1))
        return y.reshape(*z.shape[:2], -1) + last


class DLinear(nn.Module):
    """DLinear (Zeng et al. 2023): a centred moving average of odd length ``kernel`` (the window's ends repeated)
    is the trend, the rest the remainder; one linear map of each, summed (the known inputs enter the remainder's)."""

    def __init__(self, n_series: int, n_exog: int, input_length: int, output_length: int, kernel: int):
        super().__init__()
        self.half = kernel // 2
        self.average = nn.AvgPool1d(kernel, stride=1)
        self.trend = nn.Linear(n_series * input_length, n_series * output_length)
        self.remainder = nn.Linear(n_series * input_length + n_exog, n_series * output_length)

    def forward(self, z, exog):
        padded = torch.cat([z[..., :1].expand(-1, -1, self.half), z, z[..., -1:].expand(-1, -1, self.half)], dim=2)
        trend = self.average(padded)
        y = self.trend(trend.flatten(1)) + self.remainder(torch.cat([(z - trend).flatten(1), exog], dim=1))
        return y.reshape(*z.shape[:2], -1)


class _BasisBlock(nn.Module):
    """A block of fully connected ReLU layers reading a (pooled) window and the known inputs; linear heads give
    ``n_backcast`` and ``n_forecast`` coefficients per series, linearly interpolated to the window's length L and
    the horizon H (no interpolation when they are L and H: N-BEATS's generic basis). N-HiTS's reference
    implementation interpolates only the forecast (its backcast has L values); here both may be coarse."""

    def __init__(self, n_series: int, n_exog: int, input_length: int, output_length: int, width: int,
                 n_layers: int, pool: int, n_backcast: int, n_forecast: int):
        super().__init__()
        self.n_series, self.input_length, self.output_length = n_series, input_length, output_length
        self.pool = nn.MaxPool1d(pool, stride=pool, ceil_mode=True) if pool > 1 else nn.Identity()
        n_pooled = math.ceil(input_length / pool)
        self.hidden = _mlp(n_series * n_pooled + n_exog, width, n_layers)
        self.backcast = nn.Linear(width, n_series * n_backcast)
        self.forecast = nn.Linear(width, n_series * n_forecast)

    def _expand(self, theta, length: int):
        theta = theta.reshape(theta.shape[0], self.n_series, -1)
        if theta.shape[2] == length:
            return theta
        return nn.functional.interpolate(theta, size=length, mode="linear", align_corners=True)

    def forward(self, z, exog):
        h = self.hidden(torch.cat([self.pool(z).flatten(1), exog], dim=1))
        return (self._expand(self.backcast(h), self.input_length),
                self._expand(self.forecast(h), self.output_length))


class BasisExpansion(nn.Module):
    """Blocks in sequence with doubly residual links (Oreshkin et al. 2020): each block reads what the previous
    blocks' backcasts left of the window and adds its forecast to the sum. ``blocks`` lists, per block, the input
    pooling size and the numbers of backcast and forecast coefficients per series (N-HiTS: Challu et al. 2023)."""

    def __init__(self, n_series: int, n_exog: int, input_length: int, output_length: int, width: int,
                 n_layers: int, blocks: list[tuple[int, int, int]]):
        super().__init__()
        self.blocks = nn.ModuleList(_BasisBlock(n_series, n_exog, input_length, output_length, width, n_layers,
                                                pool, n_backcast, n_forecast)
                                    for pool, n_backcast, n_forecast in blocks)

    def forward(self, z, exog):
        forecast = 0
        for block in self.blocks:
            backcast, block_forecast = block(z, exog)
            z = z - backcast
            forecast = forecast + block_forecast
        return forecast
