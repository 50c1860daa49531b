"""Provenance: the commit of the code that made a run, and whether that code had changes not committed."""

import shutil
import subprocess

import pytest

from chaosbench._core import provenance

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit_all(root):
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "commit")


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A git checkout laid out as chaosbench's source: the engine and a forecasters folder beside it."""
    for folder in ("chaosbench", "forecasters"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("readme\n")
    _git(tmp_path, "init", "-q")
    _commit_all(tmp_path)
    monkeypatch.setattr(provenance, "source_dirs", lambda: [tmp_path / "chaosbench", tmp_path / "forecasters"])
    return tmp_path


def test_the_installed_packages_are_the_source_folders():
    names = [folder.name for folder in provenance.source_dirs()]
    assert len(names) == len(provenance.SOURCE_PACKAGES) and names[0] == "chaosbench"


def test_a_clean_checkout_has_a_commit_and_no_uncommitted_changes(checkout):
    assert len(provenance.git_commit()) == 40
    assert provenance.uncommitted_source_changes() is False


@pytest.mark.parametrize(("folder", "file"), [("chaosbench", "__init__.py"), ("chaosbench", "extra.py"),
                                              ("forecasters", "__init__.py"), ("forecasters", "new_model.py")])
def test_edited_or_new_source_files_are_flagged(checkout, folder, file):
    (checkout / folder / file).write_text("x = 2\n")
    assert provenance.uncommitted_source_changes() is True
    manifest = {"git_commit": provenance.git_commit(), "uncommitted_changes": True}
    assert provenance.commit_text(manifest) == f"{manifest['git_commit']} (with uncommitted changes to the source)"


def test_changes_outside_the_source_are_not_flagged(checkout):
    (checkout / "README.md").write_text("edited\n")
    assert provenance.uncommitted_source_changes() is False


def test_outside_a_checkout_both_are_unknown(tmp_path, monkeypatch):
    (tmp_path / "chaosbench").mkdir()
    monkeypatch.setattr(provenance, "source_dirs", lambda: [tmp_path / "chaosbench"])
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None
    assert provenance.commit_text({"git_commit": None, "uncommitted_changes": None}) is None


def test_an_installed_copy_inside_another_repository_is_not_taken_for_its_checkout(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text(".venv/\n")
    installed = tmp_path / ".venv" / "site-packages" / "chaosbench"
    installed.mkdir(parents=True)
    (installed / "__init__.py").write_text("x = 1\n")
    _git(tmp_path, "init", "-q")
    _commit_all(tmp_path)
    monkeypatch.setattr(provenance, "source_dirs", lambda: [installed])
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None


def test_a_run_once_made_with_uncommitted_changes_stays_marked_when_resumed(monkeypatch):
    from chaosbench._bench import runner

    monkeypatch.setattr(runner, "uncommitted_source_changes", lambda: False)
    assert runner._uncommitted_changes({"uncommitted_changes": True}, resumed=True) is True
    assert runner._uncommitted_changes({"uncommitted_changes": True}, resumed=False) is False  # started over
    assert runner._uncommitted_changes({}, resumed=True) is False
