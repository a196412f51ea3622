"""The gate cannot be talked out of judging: each way past hooks/pre-receive and `ci` that was
found, tried again through real git against a bare origin with the hook installed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.stages.test_ci import github_pr
from tests.stages.test_server_e2e import push, remote_lines
from tests.support.ci import ci_clone, run_ci
from tests.support.repos import Repo, code_files, git

FIX = {"app/main.py": "def main():\n    return 1\n"}


def test_a_pushed_gitattributes_cannot_exempt_itself(repo: Repo, server: Path) -> None:
    repo.branch("hotfix/generated")
    files = {**code_files(25), ".gitattributes": "* linguist-generated\n"}
    repo.commit("Fix\n\nSeverity: P1", files, verify=False)
    status, output = push(repo, "hotfix/generated")
    assert status == 1, output
    assert remote_lines(output)[0].startswith(
        "remote: hotfix/generated: diff-size: 26 changed files (limit 20)"
    )


def test_a_nested_gitattributes_on_main_still_counts_at_the_push(repo: Repo, server: Path) -> None:
    # main's own attributes judge the push; they may sit in the folder of the generated files.
    repo.commit("attributes", {"app/gen/.gitattributes": "*.py linguist-generated\n"})
    guard = server / "hooks" / "pre-receive"
    guard.rename(server / "hooks" / "off")  # main's history as it is, not as a push to judge
    assert push(repo, "main")[0] == 0
    (server / "hooks" / "off").rename(guard)
    repo.branch("hotfix/regenerate")
    generated = {f"app/gen/model_{n}.py": f"value = {n}\n" for n in range(25)}
    repo.commit("Regenerate the models\n\nSeverity: P1", generated, verify=False)
    status, output = push(repo, "hotfix/regenerate")
    assert status == 0, output


def test_main_and_backport_branches_cannot_be_deleted(repo: Repo, server: Path) -> None:
    repo.git("branch", "develop")
    assert push(repo, "develop")[0] == 0
    git(server, "symbolic-ref", "HEAD", "refs/heads/develop")  # git-flow's usual default
    for branch, what in (("main", "main branch"), ("develop", "backport branch")):
        status, output = push(repo, f":{branch}")
        assert status == 1, output
        assert remote_lines(output)[0] == (
            f"remote: {branch}: main-landing: deleting the {what} {branch} is refused: without "
            "it no later push can be checked against what is released"
        )
    assert git(server, "rev-parse", "--verify", "refs/heads/main")


def test_without_main_a_repository_with_history_fails_closed(repo: Repo, server: Path) -> None:
    repo.git("branch", "develop")
    assert push(repo, "develop")[0] == 0
    git(server, "symbolic-ref", "HEAD", "refs/heads/develop")
    git(server, "update-ref", "-d", "refs/heads/main")  # gone by another hand than a push
    repo.branch("hotfix/big")
    repo.commit("Fix\n\nSeverity: P1", code_files(25), verify=False)
    status, output = push(repo, "hotfix/big")
    assert status == 1, output
    assert remote_lines(output) == [
        "remote: hotfix-guard: the repository has history but no main (or master) branch, so "
        "this push cannot be checked against what is released: push main first (an "
        "administrator restores it)"
    ]
    assert push(repo, "main")[0] == 0  # restoring main is the way back
    assert push(repo, "hotfix/big")[0] == 1  # and judged again


def test_a_case_variant_is_a_branch_name_error_on_the_server_and_in_ci(
    repo: Repo, server: Path, tmp_path: Path
) -> None:
    repo.branch("Hotfix/big")
    repo.commit("Fix\n\nSeverity: P1", code_files(25), verify=False)
    status, output = push(repo, "Hotfix/big")
    assert status == 1, output
    wrong = (
        "'Hotfix/big' matches branch-patterns ('hotfix/*') only when case is ignored, so no "
        "hotfix check ran; rename it: git branch -m Hotfix/big hotfix/big"
    )
    assert remote_lines(output)[0] == f"remote: Hotfix/big: branch-name: {wrong}"
    # On a forge without the hook, the branch is there for CI to see a pull request from it.
    repo.git("push", "-q", "--no-verify", "origin", "Hotfix/big:refs/pending/big")
    git(server, "update-ref", "refs/heads/Hotfix/big", repo.head())
    clone = ci_clone(server, tmp_path, "Hotfix/big")
    result = run_ci(clone, github_pr(clone, "Hotfix/big"))
    assert result.returncode == 1, result.stdout
    assert f"Hotfix/big: branch-name: {wrong}" in result.stdout


def test_an_override_borrowed_from_develop_does_not_count(repo: Repo, server: Path) -> None:
    repo.branch("develop")
    borrowed = "Hotfix-Guard-Override: branch-base, diff-size: develop says so, trust it"
    repo.commit(f"Feature\n\n{borrowed}", {"app/feature.py": "x = 1\n"}, verify=False)
    assert push(repo, "develop")[0] == 0
    trailer_commit = repo.head()
    repo.branch("hotfix/big")  # cut from develop, not from main
    repo.commit("Fix\n\nSeverity: P1", code_files(25), verify=False)
    status, output = push(repo, "hotfix/big")
    assert status == 1, output
    lines = remote_lines(output)
    assert any(
        line.startswith("remote: hotfix/big: branch-base: carries 1 commit") for line in lines
    )
    assert any(line.startswith("remote: hotfix/big: diff-size: 26 changed files") for line in lines)
    assert (
        f"remote: hotfix/big: override: the Hotfix-Guard-Override trailer of commit "
        f"{trailer_commit[:12]} does not count: that commit is develop's, and an override "
        "counts only from the hotfix's own commits"
    ) in lines
    assert not any("overridden" in line for line in lines)


def test_an_override_in_a_merged_branch_does_not_count(repo: Repo, server: Path) -> None:
    repo.branch("develop")
    repo.commit(
        "Feature\n\nHotfix-Guard-Override: diff-size: develop says so, trust it",
        {"app/feature.py": "x = 1\n"},
        verify=False,
    )
    repo.switch("main")
    repo.branch("hotfix/big")
    repo.commit("Fix\n\nSeverity: P1", code_files(25), verify=False)
    repo.git("merge", "-q", "--no-ff", "--no-verify", "-m", "Merge develop", "develop")
    status, output = push(repo, "hotfix/big")
    assert status == 1, output
    assert not any("overridden" in line for line in remote_lines(output))


def forged_hotfix(repo: Repo) -> None:
    """Renamed files start their finding's line: their names are the forgery."""
    repo.branch("hotfix/forged")
    repo.git("mv", "app/main.py", "::error file=README.md,line=1::Forged annotation")
    repo.git("mv", "README", "::stop-commands::x")
    repo.commit("Fix\n\nSeverity: P1", code_files(20), verify=False)
    repo.git("push", "-q", "--no-verify", "origin", "hotfix/forged")


def test_ci_github_output_carries_no_forged_workflow_command(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    forged_hotfix(repo)
    clone = ci_clone(remote, tmp_path, "hotfix/forged")
    result = run_ci(clone, github_pr(clone, "hotfix/forged"), "--format", "github")
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    end = lines.index(f"::{token}::")
    text = "\n".join(lines[1:end])
    assert token == hashlib.sha256(text.encode()).hexdigest()[:32]
    assert "::error file=README.md,line=1::Forged annotation" in text  # shown, as data
    commands = [line for line in lines[end + 1 :] if line.lstrip().startswith("::")]
    assert lines[end + 1 :] == commands  # after the text, only our annotations
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in commands)
    assert commands[0].startswith("::error title=diff-size::hotfix/forged: diff-size: 22 changed")


def test_a_push_option_says_the_server_runs_no_tests(repo: Repo, server: Path) -> None:
    repo.branch("hotfix/big")
    repo.commit("Fix\n\nSeverity: P1", code_files(25), verify=False)
    option = "hotfix-guard.override=diff-size, tests: the generated client ships whole"
    status, output = push(repo, "-o", option, "hotfix/big")
    assert status == 0, output
    assert (
        "remote: hotfix-guard: the server runs no tests, so the push option overriding `tests` "
        "changed nothing here; a push with --no-verify skipped the client's tests too: run them "
        "(hotfix-guard run-tests) or let CI run them (hotfix-guard ci --tests)"
    ) in remote_lines(output)


def test_one_hotfixs_override_does_not_cover_another_hotfix(repo: Repo, server: Path) -> None:
    repo.branch("hotfix/generated-client")
    own = "Hotfix-Guard-Override: diff-size: the generated client ships as one unit"
    repo.commit(f"Regenerate the client\n\nSeverity: P1\n{own}", code_files(25), verify=False)
    assert push(repo, "hotfix/generated-client")[0] == 0  # its own override counts
    repo.branch("hotfix/fix-search")  # cut from the other hotfix, not from main
    files = code_files(25, prefix="src/search")
    repo.commit("Fix search\n\nSeverity: P1", files, verify=False)
    status, output = push(repo, "hotfix/fix-search")
    assert status == 1, output
    lines = remote_lines(output)
    assert not any("overridden" in line for line in lines), lines
    assert any(line.startswith("remote: hotfix/fix-search: branch-base: ") for line in lines)
