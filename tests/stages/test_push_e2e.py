"""Pushes through real git, real pre-commit and hotfix-guard's pre-push hook to a bare remote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo, code_files

PASSING = "grep -q 'return 1' app/main.py"


def remote_refs(repo: Repo) -> str:
    return repo.git("ls-remote", "origin")


def configure(repo: Repo, *commands: str) -> None:
    repo.commit(
        "configure tests",
        {".hotfix-guard.toml": f"test-commands = {json.dumps(list(commands))}\n"},
        verify=False,
    )


@pytest.fixture
def guarded(repo: Repo, remote: Path, precommit: PreCommit) -> Repo:
    """pre-commit for both stages plus `hotfix-guard install`; v1.2.3 released on origin."""
    precommit.install(repo, hook_types=("pre-commit", "pre-push"))
    configure(repo, PASSING)
    repo.tag("v1.2.3", "Release 1.2.3")  # the setup commits are released: a hotfix ships alone
    repo.git("push", "-q", "--no-verify", "origin", "main", "v1.2.3")
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install"], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    return repo


def merge_a_hotfix(repo: Repo) -> str:
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.git("push", "-q", "--no-verify", "origin", "main")
    return repo.head()


def test_bad_tags_are_rejected_on_a_tag_only_push_and_a_good_one_goes(guarded: Repo) -> None:
    merge = merge_a_hotfix(guarded)
    bad = [
        (None, "v1.2.4: tag-annotated: v1.2.4 is a lightweight tag"),
        ("fix login", "v1.2.4: tag-message: the message 'fix login' does not start with"),
        ("Hotfix: login times out", "v1.2.5: tag-version: v1.2.5 skips v1.2.4"),
    ]
    for message, expected in bad:
        name = "v1.2.5" if "v1.2.5" in expected else "v1.2.4"
        guarded.tag(name, message)
        refused = git_result(guarded, "push", "origin", name)
        assert refused.returncode == 1, output(refused)
        assert expected in output(refused)
        guarded.git("tag", "-d", name)
    guarded.tag("v1.2.4", "Hotfix: login times out after 5 s")
    accepted = git_result(guarded, "push", "origin", "v1.2.4")
    assert accepted.returncode == 0, output(accepted)
    assert f"{merge}\trefs/tags/v1.2.4^{{}}" in remote_refs(guarded)
    assert "refs/tags/v1.2.5" not in remote_refs(guarded)


def test_two_release_tags_on_one_commit_are_not_judged_against_each_other(guarded: Repo) -> None:
    """Each is judged against the release before their commit, as the server judges them."""
    merge = merge_a_hotfix(guarded)
    guarded.tag("v1.2.4", "Hotfix: login times out after 5 s")
    guarded.tag("v1.2.9", "Hotfix: login times out after 5 s")
    refused = git_result(guarded, "push", "origin", "v1.2.4", "v1.2.9")
    assert refused.returncode == 1, output(refused)
    findings = [line for line in output(refused).splitlines() if line.startswith("v1.2.")]
    assert findings == [
        "v1.2.9: tag-version: v1.2.9 skips v1.2.4, v1.2.5, v1.2.6, v1.2.7, v1.2.8: after v1.2.3 "
        "comes v1.2.4, which tags this commit already"
    ]
    assert "To fix: tag-version: git tag -d v1.2.9\n" in output(refused) + "\n"
    guarded.git("tag", "-d", "v1.2.9")
    accepted = git_result(guarded, "push", "origin", "v1.2.4")
    assert accepted.returncode == 0, output(accepted)
    assert f"{merge}\trefs/tags/v1.2.4^{{}}" in remote_refs(guarded)


def test_follow_tags_checks_the_branch_and_the_tag(guarded: Repo) -> None:
    guarded.branch("hotfix/fix-login")
    tip = guarded.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    guarded.tag("v1.2.4", "Hotfix: login times out")  # on the branch, not on main yet
    refused = git_result(guarded, "push", "--follow-tags", "origin", "hotfix/fix-login")
    assert refused.returncode == 1
    text = output(refused)
    assert "v1.2.4: tag-target: v1.2.4 points at" in text
    # Refused already: the tests do not make the user wait for nothing.
    assert (
        "hotfix-guard: tests: not run for hotfix/fix-login: the push is refused by the errors "
        "above already; fix them and push again"
    ) in text
    assert tip[:10] in text
    assert "refs/heads/hotfix/fix-login" not in remote_refs(guarded)


def test_tests_block_a_failing_hotfix_and_remember_a_passing_tree(guarded: Repo) -> None:
    guarded.branch("hotfix/fix-login")
    half = guarded.commit(
        "Half a fix", {"app/main.py": "def main():\n    return 2\n"}, verify=False
    )
    refused = git_result(guarded, "push", "origin", "hotfix/fix-login")
    assert refused.returncode == 1
    assert f"`{PASSING}` (command 1 of 1) failed with exit code 1" in output(refused)
    # which command failed, and how to run it alone on exactly what was pushed
    assert (
        f"To fix: tests: run it alone on the pushed commit: git switch --detach {half[:12]} && "
        f"{PASSING}; then git switch - and fix it" in output(refused)
    )
    tip = guarded.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    accepted = git_result(guarded, "push", "origin", "hotfix/fix-login")
    assert accepted.returncode == 0, output(accepted)
    assert f"tests: 1 test command passed on {tip[:10]} in place" in output(accepted)
    # pre-commit's own hotfix-guard hook leaves the push to the installed one: no second run.
    assert output(accepted).count("running `") == 1
    again = git_result(guarded, "push", "origin", "hotfix/fix-login:hotfix/fix-login-again")
    assert again.returncode == 0, output(again)
    assert "passed before on this tree" in output(again)
    assert "running `" not in output(again)


def test_lint_fix_that_rewrites_a_file_fails_the_push_and_leaves_the_tree(guarded: Repo) -> None:
    configure(guarded, "printf '# formatted\\n' >> app/main.py")
    guarded.git("push", "-q", "--no-verify", "origin", "main")  # else branch-base: not released
    guarded.branch("hotfix/fix-login")
    guarded.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    guarded.write("app/main.py", "def main():\n    return 1  # not committed\n")
    refused = git_result(guarded, "push", "origin", "hotfix/fix-login")
    assert refused.returncode == 1
    assert "changed tracked files, so the pushed code is not clean: app/main.py;" in output(refused)
    assert (guarded.path / "app/main.py").read_text().endswith("# not committed\n")
    assert guarded.git("status", "--porcelain") == "M app/main.py"


def test_pre_commit_alone_runs_the_tests_hook_outside_its_virtualenv(
    repo: Repo, remote: Path, precommit: PreCommit
) -> None:
    precommit.install(repo, hooks=("hotfix-tests",), hook_types=("pre-push",))
    configure(repo, 'test -z "$VIRTUAL_ENV" && ! echo "$PATH" | grep -q pre-commit-home')
    repo.git("push", "-q", "--no-verify", "origin", "main")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    accepted = git_result(repo, "push", "origin", "hotfix/fix-login")
    assert accepted.returncode == 0, output(accepted)
    assert "hotfix tests" in output(accepted) and "Passed" in output(accepted)


def test_without_pre_commit_the_installed_hooks_guard_commits_and_tag_pushes(
    repo: Repo, remote: Path
) -> None:
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install"], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    repo.branch("hotfix/fix-login")
    for path, content in code_files(25).items():
        repo.write(path, content)
    repo.git("add", "-A")
    refused = git_result(repo, "commit", "-m", "too big")
    assert refused.returncode == 1
    assert "hotfix/fix-login: diff-size: 25 changed files (limit 20)" in output(refused)
    repo.git("reset", "-q", "--hard")
    repo.switch("main")
    repo.tag("v1.0.1")
    refused = git_result(repo, "push", "origin", "v1.0.1")
    assert refused.returncode == 1
    assert "v1.0.1: tag-annotated: v1.0.1 is a lightweight tag" in output(refused)
    assert "refs/tags/v1.0.1" not in remote_refs(repo)
