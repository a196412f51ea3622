"""Pushes that slipped through or were judged by the wrong facts, through real git and the native
pre-push hook (`hotfix-guard install`) to a local bare remote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.repos import Repo, code_files


def push(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "origin", *args], cwd=repo.path, capture_output=True, text=True
    )


def configure(repo: Repo, *commands: str) -> None:
    repo.commit(
        "configure tests", {".hotfix-guard.toml": f"test-commands = {json.dumps(list(commands))}\n"}
    )


def install_pre_push() -> None:
    """hotfix-guard's own pre-push hook, installed in the repository of the current folder."""
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install", "--hook-type", "pre-push"],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr


@pytest.fixture
def guarded(repo: Repo, remote: Path) -> Repo:
    """hotfix-guard's own pre-push hook installed; main on origin."""
    install_pre_push()
    return repo


def test_the_remote_branch_decides_not_the_local_name(guarded: Repo) -> None:
    guarded.branch("feature/big")
    guarded.commit("big", code_files(25))
    refused = push(guarded, "feature/big:refs/heads/hotfix/big")
    assert refused.returncode == 1, refused.stderr
    assert "hotfix/big: diff-size: 25 changed files (limit 20)" in refused.stdout
    assert push(guarded, "feature/big").returncode == 0  # not a hotfix on the remote


def test_uncommitted_attributes_and_config_do_not_weaken_a_push(guarded: Repo) -> None:
    configure(guarded, "false")
    guarded.git("push", "-q", "--no-verify", "origin", "main")
    guarded.branch("hotfix/big")
    guarded.commit("big", code_files(25))
    # Local, uncommitted escapes: every file generated, no test commands.
    (guarded.path / ".git" / "info" / "attributes").write_text("* linguist-generated\n")
    guarded.write(".hotfix-guard.toml", "test-commands = []\n")
    refused = push(guarded, "hotfix/big")
    assert refused.returncode == 1
    assert "hotfix/big: diff-size: 25 changed files (limit 20)" in refused.stdout
    # With the size fixed, the committed (failing) test command still runs.
    guarded.git("reset", "-q", "--hard", "HEAD~1")
    (guarded.path / ".git" / "info" / "attributes").write_text("* linguist-generated\n")
    guarded.commit("small fix", {"app/main.py": "def main():\n    return 1\n"})
    guarded.write(".hotfix-guard.toml", "test-commands = []\n")
    refused = push(guarded, "hotfix/big")
    assert refused.returncode == 1
    assert "hotfix/big: tests: `false` (command 1 of 1) failed with exit code 1" in refused.stdout


def test_committed_attributes_do_exempt_generated_files(guarded: Repo) -> None:
    guarded.branch("hotfix/regenerate")
    files = code_files(25, prefix="gen/client")
    guarded.commit("regenerate", {**files, ".gitattributes": "gen/** linguist-generated\n"})
    accepted = push(guarded, "hotfix/regenerate")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_a_refused_push_does_not_run_the_tests(guarded: Repo, tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    configure(guarded, f"touch {ran}")
    guarded.branch("hotfix/big")
    guarded.commit("big", code_files(25))
    refused = push(guarded, "hotfix/big")
    assert refused.returncode == 1
    assert not ran.exists()
    assert (
        "hotfix-guard: tests: not run for hotfix/big: the push is refused by the errors above "
        "already; fix them and push again"
    ) in refused.stdout


def test_a_hotfix_merged_locally_is_tested_when_main_is_pushed(guarded: Repo) -> None:
    configure(guarded, "grep -q 'return 1' app/main.py")
    guarded.git("push", "-q", "--no-verify", "origin", "main")
    guarded.branch("hotfix/fix-login")
    guarded.commit("Half a fix", {"app/main.py": "def main():\n    return 2\n"})
    guarded.switch("main")
    guarded.merge("hotfix/fix-login", "--no-ff")
    refused = push(guarded, "main")
    assert refused.returncode == 1
    assert "main: tests: `grep -q 'return 1' app/main.py` (command 1 of 1) failed" in (
        refused.stdout
    )
    # The rest of the fix goes on the hotfix branch, merged again: main moves only by merges.
    guarded.switch("hotfix/fix-login")
    guarded.commit("Finish the fix", {"app/main.py": "def main():\n    return 1\n"})
    guarded.switch("main")
    guarded.merge("hotfix/fix-login", "--no-ff")
    accepted = push(guarded, "main")
    assert accepted.returncode == 0, accepted.stdout
    assert f"main: tests: 1 test command passed on {guarded.head()[:10]}" in accepted.stdout


def test_a_fast_forward_hotfix_merge_into_main_is_refused(guarded: Repo) -> None:
    before = guarded.head()
    guarded.branch("hotfix/fix-login")
    guarded.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    guarded.switch("main")
    guarded.merge("hotfix/fix-login", "--ff")
    refused = push(guarded, "main")
    assert refused.returncode == 1
    assert (
        "hotfix/fix-login: hotfix-merge: hotfix/fix-login reached main as a fast-forward, without "
        "a merge commit; undo it and merge it with --no-ff: git switch main && git reset --keep "
        f"{before[:12]} && git merge --no-ff hotfix/fix-login"
    ) in refused.stdout
    guarded.git("reset", "-q", "--keep", before)
    guarded.merge("hotfix/fix-login", "--no-ff")
    assert push(guarded, "main").returncode == 0


@pytest.fixture
def sha256(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A SHA-256 repository with develop, a SHA-256 bare origin and the native pre-push hook."""
    from tests.support.repos import git

    path = tmp_path / "sha256"
    path.mkdir()
    git(path, "init", "-q", "-b", "main", "--object-format=sha256")
    repo = Repo(path)
    repo.commit("initial", {"app/main.py": "def main():\n    return 0\n", **code_files(25)})
    git(tmp_path, "init", "-q", "--bare", "--object-format=sha256", str(tmp_path / "origin.git"))
    repo.git("remote", "add", "origin", str(tmp_path / "origin.git"))
    repo.git("push", "-q", "origin", "main")
    repo.git("branch", "develop")
    repo.git("push", "-q", "origin", "develop")
    monkeypatch.chdir(path)
    install_pre_push()
    return repo


def test_sha256_branch_deletion_is_a_deletion(sha256: Repo) -> None:
    sha256.branch("hotfix/fix-login")
    sha256.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    assert push(sha256, "hotfix/fix-login").returncode == 0
    deleted = push(sha256, "--delete", "hotfix/fix-login")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr


def test_sha256_revert_of_a_big_change_is_exempt(sha256: Repo) -> None:
    sha256.commit("big change", code_files(25, lines=4))
    sha256.git("push", "-q", "--no-verify", "origin", "main")  # history to revert, not a hotfix
    sha256.branch("hotfix/undo-big")
    sha256.git("revert", "--no-edit", "HEAD")
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "diff-size: exempt: 25 files and 25 code lines, but the change only reverts" in (
        result.stdout
    )


def test_sha256_cherry_pick_backport_is_found(sha256: Repo) -> None:
    sha256.branch("hotfix/fix-login")
    sha256.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    sha256.switch("main")
    sha256.merge("hotfix/fix-login", "--no-ff")
    sha256.switch("develop")
    sha256.git("cherry-pick", "-x", "hotfix/fix-login")
    sha256.switch("main")
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "backport-status"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "  develop: reached by cherry-pick (develop)" in result.stdout
