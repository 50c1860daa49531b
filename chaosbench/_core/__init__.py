"""Layer 0, what every layer shares: the registry mechanism, parameter validation, the divergence policy, plugin
loading and provenance."""
