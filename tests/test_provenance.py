"""Provenance: the commit of the code that made a run, and whether that code had changes not committed."""

import shutil
import subprocess

import pytest

from chaosbench._core import provenance

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
SOURCE = ("chaosbench", "forecasters", "systems")


@pytest.fixture(autouse=True)
def own_git_environment(monkeypatch):
    """Git commands here act on the folders they name, whatever repository the tests run from (e.g. in a hook)."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit_all(root):
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "commit", "-q",
         "--no-verify", "-m", "commit")


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """A git checkout laid out as chaosbench's source: the engine and the folders installed into it."""
    for folder in SOURCE:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("readme\n")
    _git(tmp_path, "init", "-q")
    _commit_all(tmp_path)
    monkeypatch.setattr(provenance, "source_dirs", lambda: [tmp_path / folder for folder in SOURCE])
    return tmp_path


def test_the_installed_packages_are_the_source_folders():
    assert tuple(folder.name for folder in provenance.source_dirs()) == SOURCE


def test_without_git_both_are_unknown(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None


@needs_git
def test_a_clean_checkout_has_a_commit_and_no_uncommitted_changes(checkout):
    assert len(provenance.git_commit()) == 40
    assert provenance.uncommitted_source_changes() is False


@needs_git
@pytest.mark.parametrize(("folder", "file"), [("chaosbench", "__init__.py"), ("chaosbench", "extra.py"),
                                              ("forecasters", "new_model.py"), ("systems", "__init__.py")])
def test_edited_or_new_source_files_are_flagged(checkout, folder, file):
    (checkout / folder / file).write_text("x = 2\n")
    assert provenance.uncommitted_source_changes() is True
    manifest = {"git_commit": provenance.git_commit(), "uncommitted_changes": True}
    assert provenance.commit_text(manifest) == f"{manifest['git_commit']} (with uncommitted changes to the source)"


@needs_git
def test_changes_outside_the_source_are_not_flagged(checkout):
    (checkout / "README.md").write_text("edited\n")
    assert provenance.uncommitted_source_changes() is False


@needs_git
def test_outside_a_checkout_both_are_unknown(tmp_path, monkeypatch):
    (tmp_path / "chaosbench").mkdir()
    monkeypatch.setattr(provenance, "source_dirs", lambda: [tmp_path / "chaosbench"])
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None
    assert provenance.commit_text({"git_commit": None, "uncommitted_changes": None}) is None


@needs_git
def test_an_installed_copy_inside_another_repository_is_not_taken_for_its_checkout(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text(".venv/\n")
    installed = tmp_path / ".venv" / "site-packages" / "chaosbench"
    installed.mkdir(parents=True)
    (installed / "__init__.py").write_text("x = 1\n")
    _git(tmp_path, "init", "-q")
    _commit_all(tmp_path)
    monkeypatch.setattr(provenance, "source_dirs", lambda: [installed])
    assert provenance.git_commit() is None and provenance.uncommitted_source_changes() is None


def test_a_resumed_run_keeps_the_provenance_of_its_earlier_cells(monkeypatch):
    from chaosbench._bench import runner

    monkeypatch.setattr(runner, "git_commit", lambda: "new")
    monkeypatch.setattr(runner, "uncommitted_source_changes", lambda: False)
    stored = {"git_commit": "old", "uncommitted_changes": True, "earlier_git_commits": ["older"]}
    resumed = runner._code_provenance(stored, resumed=True)
    assert resumed == {"git_commit": "new", "uncommitted_changes": True, "earlier_git_commits": ["older", "old"]}
    expected = "new (with uncommitted changes to the source; earlier cells at older, old)"
    assert provenance.commit_text(resumed) == expected
    assert runner._code_provenance(stored, resumed=False) == {"git_commit": "new", "uncommitted_changes": False,
                                                               "earlier_git_commits": []}  # started over
    unknown = runner._code_provenance({"git_commit": "new"}, resumed=True)  # made before the flag was recorded
    assert unknown == {"git_commit": "new", "uncommitted_changes": None, "earlier_git_commits": []}
    assert provenance.commit_text(unknown) == "new"
