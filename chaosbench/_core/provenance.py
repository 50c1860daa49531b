"""Provenance of computed results: chaosbench's version and the git commit of the code that made them."""

from __future__ import annotations

import subprocess
from pathlib import Path

__version__ = "0.1.0"


def git_commit() -> str | None:
    """Full hash of the checked-out commit of chaosbench's source tree, or None outside a git checkout."""
    here = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None
