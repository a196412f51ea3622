"""Real throwaway git repositories, isolated from the user's config, and verbs to shape them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures for end-to-end tests through the real pre-commit (`precommit`, `hook_repo`).
pytest_plugins = ["tests.precommit_support"]

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


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    """Run git in CWD; fail the test with git's stderr when it fails."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=input)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr.decode()}"
    return result.stdout.decode(errors="surrogateescape").strip()


class Repo:
    """A real repository in a temporary directory, with small verbs to shape its history."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def write(self, relative: str | bytes, content: str | bytes = "") -> Path:
        target = self.path / os.fsdecode(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        return target

    def commit(
        self,
        message: str = "change",
        files: dict[str, str | bytes] | None = None,
        verify: bool = True,
    ) -> str:
        """Write FILES, stage everything and commit; verify=False skips installed git hooks."""
        for relative, content in (files or {}).items():
            self.write(relative, content)
        self.git("add", "-A")
        self.git(
            "commit", "-q", "--allow-empty", *([] if verify else ["--no-verify"]), "-m", message
        )
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("switch", "-q", "-c", name, start)

    def switch(self, name: str) -> None:
        self.git("switch", "-q", name)

    def tag(self, name: str, message: str | None = None, target: str = "HEAD") -> None:
        if message is None:
            self.git("tag", name, target)
        else:
            self.git("tag", "-a", name, "-m", message, target)

    def merge(self, branch: str, *options: str) -> None:
        self.git("merge", "-q", "--no-edit", *options, branch)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def make_repo(path: Path) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return Repo(path)


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


def code_files(count: int, lines: int = 3, prefix: str = "src/module") -> dict[str, str | bytes]:
    """COUNT small code files of LINES lines each, for sizing changes."""
    return {
        f"{prefix}_{number}.py": "".join(f"value_{line} = {number}\n" for line in range(lines))
        for number in range(count)
    }


PASS_SUMMARY = re.compile(r"^hotfix-guard passed: .*, \d+ checks? passed( \(.*\))?$")


def without_pass_summary(lines: list[str]) -> list[str]:
    """LINES without the one-line summary a clean pass prints (tests of it assert it whole)."""
    return [line for line in lines if not PASS_SUMMARY.match(line)]
