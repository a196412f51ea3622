"""Real throwaway git repositories, isolated from the user's config, and verbs to shape them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.repos import Repo, git, make_repo

# Fixtures for end-to-end tests through the real pre-commit (`precommit`, `hook_repo`).
pytest_plugins = ["tests.support.precommit"]

ISOLATED_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config, no inherited GIT_* variables, no hooks, no signing."""
    for name in list(os.environ):
        if name.startswith(("GIT_", "PRE_COMMIT")):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
        '[advice]\n\tdetachedHead = false\n[protocol "file"]\n\tallow = always\n'
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    for name, value in ISOLATED_GIT_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A repository with one commit on main; the test runs inside it."""
    created = make_repo(tmp_path / "repo")
    created.commit("initial", {"app/main.py": "def main():\n    return 0\n", "README": "demo\n"})
    monkeypatch.chdir(created.path)
    return created


@pytest.fixture
def remote(repo: Repo, tmp_path: Path) -> Iterator[Path]:
    """A local bare remote named origin, with main pushed to it."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main")
    yield bare
    shutil.rmtree(bare, ignore_errors=True)


@pytest.fixture
def server(repo: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """origin is a bare repository guarded by hooks/pre-receive, with push options on."""
    hooks = Path(__file__).resolve().parents[1] / "hooks"
    shutil.copy(hooks / "pre-receive", remote / "hooks" / "pre-receive")
    subprocess.run(
        ["git", "config", "receive.advertisePushOptions", "true"], cwd=remote, check=True
    )
    # The hook finds hotfix-guard through HOTFIX_GUARD, as a server admin may set it.
    monkeypatch.setenv("HOTFIX_GUARD", str(Path(sys.executable).with_name("hotfix-guard")))
    return remote
