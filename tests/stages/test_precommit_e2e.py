"""End to end through the real `pre-commit` executable, `git commit` and `git push`."""

from __future__ import annotations

from pathlib import Path

from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo, code_files


def stage(repo: Repo, files: dict[str, str | bytes]) -> None:
    for path, content in files.items():
        repo.write(path, content)
    repo.git("add", "-A")


def test_commit_stage_rejects_oversized_hotfix_and_accepts_small_one(
    repo: Repo, precommit: PreCommit
) -> None:
    precommit.install(repo)
    repo.branch("hotfix/fix-login")
    stage(repo, code_files(25))
    refused = git_result(repo, "commit", "-m", "too big")
    assert refused.returncode == 1
    assert "hotfix/fix-login: diff-size: 25 changed files (limit 20)" in output(refused)
    repo.git("reset", "-q", "--hard")
    repo.git("clean", "-qfd")
    stage(repo, code_files(2))
    accepted = git_result(repo, "commit", "-m", "small fix")
    assert accepted.returncode == 0, output(accepted)


def test_commit_stage_ignores_feature_branches(repo: Repo, precommit: PreCommit) -> None:
    precommit.install(repo)
    repo.branch("feature/x")
    stage(repo, code_files(25))
    accepted = git_result(repo, "commit", "-m", "big feature")
    assert accepted.returncode == 0, output(accepted)
    assert "hotfix-guard" in output(accepted) and "Passed" in output(accepted)


def test_manual_run_reports_diff_size(repo: Repo, precommit: PreCommit) -> None:
    precommit.install(repo)
    repo.branch("hotfix/fix-login")
    repo.commit("too big", code_files(25), verify=False)
    result = precommit.run(repo, "run", "hotfix-guard")
    assert result.returncode == 1
    assert "diff-size: 25 changed files (limit 20) and 75 changed code lines" in result.stdout


def test_push_stage_rejects_oversized_hotfix(
    repo: Repo, remote: Path, precommit: PreCommit
) -> None:
    precommit.install(repo, hook_types=("pre-commit", "pre-push"))
    repo.git("push", "-q", "origin", "main")
    repo.branch("hotfix/fix-login")
    repo.commit("too big", code_files(25), verify=False)
    repo.switch("main")  # the pushed branch need not be the checked-out one
    refused = git_result(repo, "push", "origin", "hotfix/fix-login")
    assert refused.returncode == 1
    assert "hotfix/fix-login: diff-size: 25 changed files (limit 20)" in output(refused)
    pushed = git_result(repo, "ls-remote", "origin", "refs/heads/hotfix/fix-login")
    assert pushed.stdout == ""
