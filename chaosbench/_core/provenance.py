"""Provenance of computed results: chaosbench's version, the git commit of the code that made them, and whether that
code had changes not committed."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

__version__ = "0.1.0"

# The packages whose code makes the numbers: the engine and the folders installed into it (pyproject.toml).
SOURCE_PACKAGES = ("chaosbench", "chaosbench.forecasters", "chaosbench.systems")


def source_dirs() -> list[Path]:
    """The folders of :data:`SOURCE_PACKAGES` as imported (the engine's first)."""
    dirs = []
    for name in SOURCE_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            dirs.append(Path(spec.origin).resolve().parent)
    return dirs


def _git(folder: Path, *args: str) -> str | None:
    """Output of a git command run in ``folder``, or None when it fails (no git, not a checkout)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _tracked_engine() -> Path | None:
    """The engine's folder when git tracks it (a checkout or an editable install); None otherwise, e.g. for an
    installed copy, even one inside another project's repository."""
    engine = source_dirs()[0]
    return engine if _git(engine, "ls-files", "--error-unmatch", "__init__.py") is not None else None


def git_commit() -> str | None:
    """Full hash of the checked-out commit of chaosbench's source tree, or None when it is not a git checkout."""
    engine = _tracked_engine()
    return None if engine is None else ((_git(engine, "rev-parse", "HEAD") or "").strip() or None)


def uncommitted_source_changes() -> bool | None:
    """Whether the code of :data:`SOURCE_PACKAGES` differs from the checked-out commit: edited files, or new ones
    git does not ignore (None: not a git checkout, or git cannot tell, e.g. for a package outside the engine's
    repository). Results made then are not reproducible from :func:`git_commit` alone, so run manifests record
    it."""
    engine = _tracked_engine()
    if engine is None:
        return None
    status = _git(engine, "status", "--porcelain", "--untracked-files=normal", "--",
                  *(str(folder) for folder in source_dirs()))
    return None if status is None else bool(status.strip())


def commit_text(manifest: dict) -> str | None:
    """A run manifest's git commit, marked when the code had uncommitted changes and followed by the commits of
    earlier sessions of a resumed run (the commit alone does not then reproduce the run)."""
    commit = manifest.get("git_commit")
    if not commit:
        return commit
    notes = ["with uncommitted changes to the source"] if manifest.get("uncommitted_changes") else []
    if manifest.get("earlier_git_commits"):
        notes.append(f"earlier cells at {', '.join(manifest['earlier_git_commits'])}")
    return f"{commit} ({'; '.join(notes)})" if notes else commit
