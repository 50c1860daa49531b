"""Layer 3, the benchmark: run configuration, cells, executors, the results store, runner, leaderboard and report."""
