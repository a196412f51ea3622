"""start, the hotfix-trailers hook and finish through real git and real pre-commit hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.lifecycle import DETECTED, FIXED, invoke, start_hotfix
from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo

TRAILERS = f"Severity: P1\nIncident: INC-42\nDetected: {DETECTED}\nMitigation: hotfix"
# A stand-in for pre-commit-hooks' no-commit-to-branch (which needs the network to install).
NO_COMMIT_TO_MAIN = {
    "id": "no-commit-to-branch",
    "name": "no commit to main",
    "entry": "sh -c 'test \"$(git symbolic-ref --short HEAD)\" != main'",
    "language": "system",
    "always_run": True,
    "pass_filenames": False,
    "stages": ["pre-commit", "pre-merge-commit"],
}


def install(repo: Repo, precommit: PreCommit, hook_types: tuple[str, ...]) -> None:
    config = json.loads(precommit.config_text(["hotfix-guard", "hotfix-trailers"], hook_types))
    config["repos"].append({"repo": "local", "hooks": [NO_COMMIT_TO_MAIN]})
    repo.commit("add pre-commit config", {".pre-commit-config.yaml": json.dumps(config)})
    precommit.run(repo, "install", check=True)


@pytest.fixture
def guarded(repo: Repo, remote: Path, precommit: PreCommit) -> Repo:
    install(
        repo,
        precommit,
        ("pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg", "pre-push"),
    )
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.git("branch", "develop")
    repo.git("push", "-q", "--no-verify", "origin", "main", "develop", "v1.2.3")
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install"], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    return repo


def message(repo: Repo) -> str:
    return repo.git("log", "-1", "--format=%B")


def test_trailers_reach_every_commit_once(guarded: Repo) -> None:
    start_hotfix(guarded)
    guarded.write("app/main.py", FIXED)
    guarded.git("add", "-A")
    committed = git_result(guarded, "commit", "-q", "-m", "Return 1 on login timeout")
    assert committed.returncode == 0, output(committed)
    assert message(guarded) == f"Return 1 on login timeout\n\n{TRAILERS}"
    guarded.git("commit", "-q", "--amend", "--no-edit")
    assert message(guarded) == f"Return 1 on login timeout\n\n{TRAILERS}"
    guarded.git("rebase", "-q", "--force-rebase", "HEAD~1")
    assert message(guarded) == f"Return 1 on login timeout\n\n{TRAILERS}"
    # The editor flow: nothing is added before the editor, so quitting it still aborts...
    guarded.write("app/extra.py", "X = 1\n")
    guarded.git("add", "-A")
    quit_editor = subprocess.run(
        ["git", "commit", "-q"], cwd=guarded.path, capture_output=True, text=True,
        env={**os.environ, "GIT_EDITOR": "true"},
    )  # fmt: skip
    assert quit_editor.returncode == 1
    assert "Aborting commit due to empty commit message." in output(quit_editor)
    # ...and a message written in the editor gets the trailers at commit-msg.
    written = subprocess.run(
        ["git", "commit", "-q"], cwd=guarded.path, capture_output=True, text=True,
        env={**os.environ, "GIT_EDITOR": "sed -i 1s/^/Add\\ extra/"},
    )  # fmt: skip
    assert written.returncode == 0, output(written)
    assert message(guarded) == f"Add extra\n\n{TRAILERS}"


def test_finish_passes_hotfix_guards_own_hooks_and_skip_lets_no_commit_to_branch_through(
    guarded: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_hotfix(guarded)
    guarded.commit("Return 1 on login timeout", {"app/main.py": FIXED})
    blocked = invoke("finish", "--push")
    assert blocked.exit_code == 1
    assert blocked.stderr.startswith(
        "finish stopped at step 1 of 5, merge-main: merging into main: a hook refused the merge "
        "commit: "
    )
    assert "no commit to main" in blocked.stderr
    assert invoke("finish", "--abort").exit_code == 0
    monkeypatch.setenv("SKIP", "no-commit-to-branch")
    done = invoke("finish", "--push")
    assert done.exit_code == 0, done.output + done.stderr
    pushed = guarded.git("ls-remote", "origin")
    assert "refs/tags/v1.2.4" in pushed
    assert guarded.git("rev-parse", "main") in pushed
    assert guarded.git("tag", "-l", "--format=%(contents)", "v1.2.4") == (
        f"Hotfix: Fix login timeout\n\n{TRAILERS}"
    )
