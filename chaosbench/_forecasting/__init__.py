"""Layer 2, forecasting: the forecaster protocol, tasks, metrics and contract checks (imports the dynamics layer only)."""
