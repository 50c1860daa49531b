"""Provenance of computed results: chaosbench's version and the git commit of the code that made them."""

from __future__ import annotations

import subprocess
from pathlib import Path

__version__ = "0.1.0"

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str | None:
    """Output of a git command run in chaosbench's source tree, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", "-C", str(_SOURCE_ROOT), *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit() -> str | None:
    """Full hash of the checked-out commit of chaosbench's source tree, or None outside a git checkout."""
    return (_git("rev-parse", "HEAD") or "").strip() or None


def uncommitted_source_changes() -> bool | None:
    """Whether the ``chaosbench`` package differs from the checked-out commit: edited or new files not ignored by git
    (None: not a git checkout).

    Results made then are not exactly reproducible from :func:`git_commit` alone, so run manifests record it.
    """
    if git_commit() is None:
        return None
    status = _git("status", "--porcelain", "--", "chaosbench")
    return None if status is None else bool(status.strip())


def commit_text(manifest: dict) -> str | None:
    """A run manifest's git commit, marked when the package had uncommitted changes (the commit alone does not then
    reproduce the run)."""
    commit = manifest.get("git_commit")
    if commit and manifest.get("uncommitted_changes"):
        return f"{commit} (with uncommitted changes to chaosbench/)"
    return commit
