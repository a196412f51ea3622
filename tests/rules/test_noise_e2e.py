"""The no-refactor rules end to end: real pre-commit and real `git commit` on a hotfix branch."""

from __future__ import annotations

from tests.support.noise import FIX, SERVICE, edit
from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo


def test_commit_rejects_a_fix_with_a_reformat_and_accepts_the_plain_fix(
    repo: Repo, precommit: PreCommit
) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    precommit.install(repo, hooks=("hotfix-guard", "hotfix-no-refactor"))
    repo.branch("hotfix/fix-login")
    repo.write("app/service.py", edit(SERVICE, FIX).replace("    ", "\t"))
    repo.git("add", "-A")
    refused = git_result(repo, "commit", "-m", "fix login, reformat")
    assert refused.returncode == 1
    shown = output(refused)
    finding = (
        "app/service.py:7: whitespace: 4 whitespace-only changes away from the fix "
        "(tabs and spaces, 28 changed lines; 30 whitespace-only changed lines in this file in all)"
    )
    assert shown.count(finding) == 2, shown  # the umbrella and the single-purpose hook
    assert "hotfix without refactoring noise" in shown and "Failed" in shown
    repo.write("app/service.py", edit(SERVICE, FIX))
    repo.git("add", "-A")
    accepted = git_result(repo, "commit", "-m", "fix login")
    assert accepted.returncode == 0, output(accepted)
