"""Forecaster implementations, installed as ``chaosbench.forecasters``; importing registers them all."""

from . import baselines, reservoir  # noqa: F401
