"""The docs' promises about what never writes or never fails: `status` is read-only and always exits
0, `postmortem` writes only inside the repository and never blocks, `install` on a read-only .git
says so in one line. A read-only .git is made for real: a read-only bind mount in a private mount
namespace (`unshare -m`), which holds even for root."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.incident import base_history, hand_made_hotfix
from tests.support.lifecycle import hotfix, invoke, released
from tests.support.repos import Repo

__all__ = ["hotfix", "released"]  # fixtures


def read_only_git(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """hotfix-guard ARGS with REPO's .git mounted read-only."""
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
    command = ["unshare", "-m", "sh", "-c", script, "sh", str(repo.path / ".git")]
    return subprocess.run(
        [*command, sys.executable, "-m", "hotfix_guard", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )


def can_mount() -> bool:
    try:
        probe = ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"]
        return subprocess.run(probe, capture_output=True).returncode == 0
    except OSError:
        return False


needs_mount = pytest.mark.skipif(not can_mount(), reason="no private mount namespace here")


def git_dir_digest(repo: Repo) -> str:
    """Every file under .git, by path and content."""
    digest = hashlib.sha256()
    for folder, _, names in sorted(os.walk(repo.path / ".git")):
        for name in sorted(names):
            path = Path(folder, name)
            digest.update(os.fsencode(path) + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def merged_without_backport(hotfix: Repo, remote: Path) -> Repo:
    """v1.2.4 finished without its backport: status predicts that merge (git merge-tree)."""
    assert invoke("finish", "--push", "--no-backport").exit_code == 0
    return hotfix


def test_status_writes_nothing_in_git_dir(merged_without_backport: Repo) -> None:
    before = git_dir_digest(merged_without_backport)
    result = invoke("status")
    assert result.exit_code == 0, result.output
    assert "backports: develop missing" in result.output
    assert git_dir_digest(merged_without_backport) == before


@needs_mount
def test_status_on_a_read_only_git_dir_exits_0_with_the_same_report(
    merged_without_backport: Repo,
) -> None:
    expected = invoke("status", "--format", "json").output
    result = read_only_git(merged_without_backport, "status", "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == expected


def test_status_exits_0_past_odd_files_in_the_postmortem_folder(
    merged_without_backport: Repo,
) -> None:
    folder = merged_without_backport.path / "docs/postmortems"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.md")  # a plain read would block forever
    (folder / "dangling.md").symlink_to(folder / "nowhere")
    (folder / "folder.md").mkdir()
    with (folder / "huge.md").open("wb") as huge:
        huge.truncate(300 * 2**20)  # 300 MB of NULs, sparse: read only up to the limit
    result = invoke("status", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"postmortem": "due ' in result.output
    (folder / "named.md").write_bytes(b"# v1.2.4\n" + b"x" * 2**21)
    assert '"postmortem": "present"' in invoke("status", "--format", "json").output


@needs_mount
def test_install_on_a_read_only_git_dir_is_one_line(repo: Repo) -> None:
    result = read_only_git(repo, "install")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"hotfix-guard: cannot install hooks: {repo.path}/.git/hooks is not writable; nothing was "
        "changed (ask whoever owns the repository, or set core.hooksPath to a folder you can "
        "write)\n"
    )


@pytest.fixture
def tagged(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A hotfix made by hand and tagged v1.2.4 (no postmortem yet)."""
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, times=("09:05", "09:40", "10:10", "10:15"))
    return repo


def test_postmortem_never_blocks_on_a_fifo_nor_crashes_on_a_folder(tagged: Repo) -> None:
    folder = tagged.path / "docs/postmortems"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "2026-11-28-fix-the-login-timeout.md")
    (folder / "2026-11-28-fix-the-login-timeout-v1-2-4.md").mkdir()
    result = CliRunner().invoke(cli, ["postmortem"])
    assert result.exit_code == 2
    assert result.output == (
        "hotfix-guard: docs/postmortems/2026-11-28-fix-the-login-timeout*.md are taken: pass "
        "--output\n"
    )


def test_postmortem_refuses_a_committed_symlink_leading_out_of_the_repository(
    tagged: Repo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tagged.path / "docs").mkdir(exist_ok=True)
    (tagged.path / "docs/postmortems").symlink_to(outside)
    tagged.commit("A symlink as the postmortem folder")
    result = CliRunner().invoke(cli, ["postmortem"])
    assert result.exit_code == 2
    assert result.output == (
        f"hotfix-guard: postmortem-dir docs/postmortems leads outside the repository (to "
        f"{outside.resolve()}, through a symlink): the draft is not written there; pass "
        "--output PATH\n"
    )
    assert list(outside.iterdir()) == []


def test_postmortem_under_git_dir_and_git_work_tree(
    tagged: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = tmp_path / "store.git"
    (tagged.path / ".git").rename(store)
    monkeypatch.setenv("GIT_DIR", str(store))
    monkeypatch.setenv("GIT_WORK_TREE", str(tagged.path))
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Incident Postmortem: ")
