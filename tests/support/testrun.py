"""The tests gate's test builders: configure test-commands, run them, list the worktrees."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from tests.support.repos import Repo


def run_tests(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run-tests", *args])


def configure(repo: Repo, *commands: str, commit: bool = True) -> None:
    repo.write(".hotfix-guard.toml", f"test-commands = {json.dumps(list(commands))}\n")
    if commit:
        repo.commit("configure tests")


def worktrees(repo: Repo) -> list[str]:
    return [line for line in repo.git("worktree", "list", "--porcelain").splitlines() if line]
