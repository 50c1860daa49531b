"""Reservoir computers: echo state network and next-generation reservoir computing."""
