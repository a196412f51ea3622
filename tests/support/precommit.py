"""Real pre-commit against this project, pinned at a snapshot of the working tree.

The snapshot (the project's files as they are now, committed into a throwaway repository) is
what a test repository's `.pre-commit-config.yaml` points at with `repo:` and `rev:`. One snapshot
and one PRE_COMMIT_HOME serve the whole session, across xdist workers, so pre-commit builds its
environment for hotfix-guard once.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.repos import Repo, git

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str


def _project_files() -> list[str]:
    listed = git(PROJECT_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [path for path in listed.split("\0") if path and (PROJECT_ROOT / path).is_file()]


def _snapshot(target: Path) -> HookRepo:
    """Copy the project's files into TARGET and commit them; reuse an earlier identical snapshot."""
    files = sorted(_project_files())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.encode() + b"\0" + (PROJECT_ROOT / path).read_bytes())
    done = target / ".snapshot-digest"
    if done.exists() and done.read_text() == digest.hexdigest():
        return HookRepo(target, git(target, "rev-parse", "HEAD"))
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in files:
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / path, destination)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    # A session fixture: it may run before the test's isolated git identity is set.
    identity = ("-c", "user.name=Test Author", "-c", "user.email=author@example.invalid")
    git(target, *identity, "commit", "-q", "-m", "snapshot for tests")
    done.write_text(digest.hexdigest())
    return HookRepo(target, git(target, "rev-parse", "HEAD"))


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory all xdist workers of this session see (the parent of their temp dirs)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hook_repo(shared_dir: Path) -> Iterator[HookRepo]:
    with (shared_dir / "hook-repo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        snapshot = _snapshot(shared_dir / "hook-repo")
    yield snapshot


def pre_commit_executable() -> str:
    beside = Path(sys.executable).with_name("pre-commit")
    found = str(beside) if beside.exists() else shutil.which("pre-commit")
    assert found, "pre-commit is a test dependency: pip install -e '.[test]'"
    return found


@dataclass(frozen=True)
class PreCommit:
    """Installs hotfix-guard's hooks into a test repository through the real pre-commit."""

    hook_repo: HookRepo
    home: Path

    def config_text(self, hooks: Sequence[str | dict[str, Any]], hook_types: Sequence[str]) -> str:
        entries = [{"id": hook} if isinstance(hook, str) else hook for hook in hooks]
        # JSON is valid YAML: no YAML writer needed.
        config = {
            "default_install_hook_types": list(hook_types),
            "repos": [
                {"repo": str(self.hook_repo.path), "rev": self.hook_repo.rev, "hooks": entries}
            ],
        }
        return json.dumps(config, indent=2) + "\n"

    def install(
        self,
        repo: Repo,
        hooks: Sequence[str | dict[str, Any]] = ("hotfix-guard",),
        hook_types: Sequence[str] = ("pre-commit",),
    ) -> None:
        """Commit a .pre-commit-config.yaml on the current branch and install the hook types.

        On main with an origin, the setup is pushed too: a project sets up its hooks before its
        first hotfix, and main moves only by merges from then on (rule main-landing)."""
        repo.commit(
            "add pre-commit config",
            {".pre-commit-config.yaml": self.config_text(hooks, hook_types)},
        )
        remotes = repo.git("remote").split()
        if "origin" in remotes and repo.git("branch", "--show-current").strip() == "main":
            repo.git("push", "-q", "--no-verify", "origin", "main")
        self.run(repo, "install", check=True)

    def run(self, repo: Repo, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [pre_commit_executable(), *args], cwd=repo.path, capture_output=True, text=True
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result


@pytest.fixture
def precommit(
    isolated_git: None, hook_repo: HookRepo, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> PreCommit:
    """pre-commit with the session's shared cache; git hooks started by the test inherit it."""
    home = shared_dir / "pre-commit-home"
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    return PreCommit(hook_repo, home)


def git_result(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git where a hook may refuse: the caller asserts on the exit code and output."""
    return subprocess.run(["git", *args], cwd=repo.path, capture_output=True, text=True)


def output(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a git command printed: git sends hook output to stderr at some stages."""
    return result.stdout + result.stderr
