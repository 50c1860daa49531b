"""Provenance: the commit of the code that made a run, and whether the package had changes not committed."""

import subprocess

import pytest

from chaosbench._core import provenance


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A git checkout with one committed package file, as chaosbench's source tree."""
    (tmp_path / "chaosbench").mkdir()
    (tmp_path / "chaosbench" / "core.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("readme\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
    monkeypatch.setattr(provenance, "_SOURCE_ROOT", tmp_path)
    return tmp_path


def test_a_clean_checkout_has_a_commit_and_no_uncommitted_changes(checkout):
    assert len(provenance.git_commit()) == 40
    assert provenance.uncommitted_source_changes() is False


@pytest.mark.parametrize("change", ["edit", "new file"])
def test_changes_to_the_package_are_flagged(checkout, change):
    if change == "edit":
        (checkout / "chaosbench" / "core.py").write_text("x = 2\n")
    else:
        (checkout / "chaosbench" / "extra.py").write_text("y = 1\n")
    assert provenance.uncommitted_source_changes() is True
    manifest = {"git_commit": provenance.git_commit(), "uncommitted_changes": True}
    assert provenance.commit_text(manifest) == f"{manifest['git_commit']} (with uncommitted changes to chaosbench/)"


def test_changes_outside_the_package_are_not_flagged(checkout):
    (checkout / "README.md").write_text("edited\n")
    assert provenance.uncommitted_source_changes() is False


def test_outside_a_checkout_both_are_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "_SOURCE_ROOT", tmp_path)
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None
    assert provenance.commit_text({"git_commit": None, "uncommitted_changes": None}) is None
