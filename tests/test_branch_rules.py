"""branch-name and branch-base on real histories."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.conftest import Repo, without_pass_summary


def check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        cli, ["check", "--rule", "branch-name", "--rule", "branch-base", *args]
    )
    return result.exit_code, without_pass_summary(result.output.splitlines())


@pytest.mark.parametrize("name", ["hotfix/fix-login-timeout", "hotfix/1.2.4", "hotfix/cve-2024-1"])
def test_good_names(repo: Repo, name: str) -> None:
    repo.branch(name)
    assert check() == (0, [])


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("hotfix/Fix_Login", "git branch -m hotfix/Fix_Login hotfix/fix-login"),
        ("hotfix/fix--login", "git branch -m hotfix/fix--login hotfix/fix-login"),
        ("hotfix/-x", "git branch -m hotfix/-x hotfix/x"),
        # no good guess: the general hint
        ("hotfix/é", "rename the branch: git branch -m hotfix/<what-it-fixes>"),
    ],
)
def test_bad_names(repo: Repo, name: str, fix: str) -> None:
    repo.branch(name)
    code, lines = check()
    assert code == 1
    assert lines[0] == (
        f"{name}: branch-name: {name!r} does not match "
        "'hotfix/(?:[A-Z][A-Z0-9]*-[0-9]+|[a-z0-9]+)(?:[-.][a-z0-9]+)*'; "
        "name it after what it fixes, in lowercase words joined by '-' "
        "(hotfix/fix-login-timeout), after its ticket (hotfix/PROJ-123-login-crash) or after "
        "the version (hotfix/1.2.4)"
    )
    assert lines[-1] == f"To fix: branch-name: {fix}"


def test_custom_patterns_and_regex(repo: Repo) -> None:
    repo.write(
        ".hotfix-guard.toml",
        "branch-patterns = ['hotfix/*', 'hf-*']\nbranch-name-regex = 'hf-[0-9]+'\n",
    )
    repo.commit("config")
    repo.branch("hf-12")
    assert check() == (0, [])
    repo.branch("hf-abc")
    assert check()[0] == 1


def make_develop(repo: Repo, commits: int = 2) -> list[str]:
    repo.branch("develop")
    made = [repo.commit(f"feature {n}", {f"feature_{n}.py": f"f = {n}\n"}) for n in range(commits)]
    repo.switch("main")
    return made


def test_cut_from_develop_names_the_foreign_commits(repo: Repo) -> None:
    made = make_develop(repo, commits=4)
    repo.branch("hotfix/fix-login", "develop")
    fix = repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    code, lines = check()
    assert code == 1
    shown = "; ".join(f"{sha[:10]} feature {n}" for n, sha in list(enumerate(made))[:3])
    assert lines[0] == (
        "hotfix/fix-login: branch-base: carries 4 commits that are not on main, from develop (4): "
        f"{shown} and 1 more; a hotfix is cut from main and merges nothing else in"
    )
    # the exact commits to keep, oldest first, on a clean branch from main
    assert lines[-1] == (
        f"To fix: branch-base: git switch -c hotfix/fix-login-clean main && git cherry-pick "
        f"{fix[:12]}"
    )


def test_merging_develop_in_is_caught(repo: Repo) -> None:
    make_develop(repo, commits=1)
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.merge("develop", "--no-ff")
    code, lines = check()
    assert code == 1
    assert lines[0].startswith(
        "hotfix/fix-login: branch-base: carries 1 commit that is not on main, from develop (1): "
    )


def test_merging_main_in_and_own_remote_copy_are_fine(repo: Repo, remote: Path) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.git("push", "-q", "origin", "hotfix/fix-login")
    repo.switch("main")
    repo.commit("main moves", {"README": "newer\n"})
    repo.switch("hotfix/fix-login")
    repo.merge("main", "--no-ff")
    assert check() == (0, [])


def test_backported_hotfix_is_not_foreign(repo: Repo) -> None:
    make_develop(repo)
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.switch("hotfix/fix-login")
    assert check() == (0, [])


@pytest.mark.parametrize(
    "name", ["hotfix/PROJ-123-login-crash", "hotfix/OPS-7", "hotfix/JIRA-42.1"]
)
def test_ticket_style_names_pass_by_default(repo: Repo, name: str) -> None:
    repo.branch(name)
    assert check() == (0, [])


def test_a_branch_that_matches_the_patterns_only_ignoring_case_is_an_error(repo: Repo) -> None:
    repo.branch("Hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    code, lines = check()
    assert (code, lines[0]) == (
        1,
        "Hotfix/fix-login: branch-name: 'Hotfix/fix-login' matches branch-patterns ('hotfix/*') "
        "only when case is ignored, so no hotfix check ran; rename it: "
        "git branch -m Hotfix/fix-login hotfix/fix-login",
    )
    assert lines[1] == "hotfix-guard failed: 1 error, 0 warnings (Hotfix/fix-login)"


def test_a_case_only_match_respects_the_branch_name_level(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", '[rules]\nbranch-name = "off"\n')
    repo.commit("config")
    repo.branch("HOTFIX/fix-login")
    assert check() == (0, [])


def test_an_unrelated_branch_still_passes_silently(repo: Repo) -> None:
    repo.branch("feature/hotfix-docs")
    assert check() == (0, [])


def test_a_case_only_match_is_not_waved_through_by_the_fast_path(repo: Repo) -> None:
    from hotfix_guard.__main__ import main

    repo.branch("HotFix/fix-login")
    assert main(["check"]) == 1
