"""Layer 1, dynamics: declaring systems, generating and compiling their equations, solvers, trajectories and invariants."""
