"""Repositories shaped for start and finish: a bare origin with main, develop and v1.2.3, and a
snapshot of everything finish may touch (refs, HEAD, index, work tree bytes, the remote)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from tests.support.repos import Repo, git

DETECTED = "2026-11-28T22:10:00Z"
FIXED = "def main():\n    return 1\n"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@dataclass(frozen=True)
class Snapshot:
    refs: str
    head: str
    index: str
    files: dict[str, bytes]
    remote: str


def snapshot(repo: Repo, remote: Path | None = None) -> Snapshot:
    """Everything --abort must put back, byte for byte (reflogs and ORIG_HEAD aside)."""
    files = {}
    for folder, dirs, names in os.walk(repo.path):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in names:
            path = Path(folder, name)
            if name != ".git":
                files[str(path.relative_to(repo.path))] = path.read_bytes()
    head = (
        repo.git("rev-parse", "--symbolic-full-name", "HEAD") + " " + repo.git("rev-parse", "HEAD")
    )
    return Snapshot(
        refs=repo.git("for-each-ref", "--format=%(refname) %(objectname)"),
        head=head,
        index=repo.git("ls-files", "-s"),
        files=files,
        remote=git(remote, "for-each-ref", "--format=%(refname) %(objectname)") if remote else "",
    )


@pytest.fixture
def released(repo: Repo, remote: Path) -> Repo:
    """main released as v1.2.3, develop one commit ahead of it; both on origin."""
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("develop")
    repo.commit("Develop work", {"app/feature.py": "FEATURE = 1\n"})
    repo.switch("main")
    repo.git("push", "-q", "origin", "main", "develop", "v1.2.3")
    return repo


def start_hotfix(repo: Repo, description: str = "Fix login timeout") -> str:
    result = invoke(
        "start", description, "--severity", "P1", "--incident", "INC-42", "--detected", DETECTED
    )
    assert result.exit_code == 0, result.output
    return repo.git("symbolic-ref", "--short", "HEAD")


@pytest.fixture
def hotfix(released: Repo) -> Repo:
    """hotfix/fix-login-timeout started and fixed (one commit), pushed to origin."""
    start_hotfix(released)
    released.commit("Return 1 on login timeout", {"app/main.py": FIXED})
    released.git("push", "-q", "origin", "hotfix/fix-login-timeout")
    return released


def run_until(repo: Repo, marker: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """hotfix-guard ARGS in its own process group, SIGINT to the group once MARKER appears."""
    script = Path(sys.executable).with_name("hotfix-guard")
    process = subprocess.Popen(
        [str(script), *args],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, out, err)
