"""Forecaster implementations, installed as ``chaosbench.forecasters`` (filled by the forecasting issues)."""
