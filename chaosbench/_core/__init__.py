"""Layer 0: what every layer shares — plugin loading."""
