"""branch-name and branch-base on real histories."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.repos import Repo, without_pass_summary


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
    repo.git("push", "-q", "origin", "main")  # as released: a main origin lacks is not main
    repo.switch("hotfix/fix-login")
    repo.merge("main", "--no-ff")
    assert check() == (0, [])


def test_a_local_main_ahead_of_origin_is_measured_against_origin(repo: Repo, remote: Path) -> None:
    repo.commit("Unreleased on main", {"README": "local\n"})
    unreleased = repo.head()
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    status, lines = check()
    assert status == 1
    assert lines[0] == (
        "hotfix/fix-login: branch-base: carries 1 commit that is not on origin/main, from main "
        f"(1): {unreleased[:10]} Unreleased on main; a hotfix is cut from origin/main and merges "
        "nothing else in"
    )


def test_backported_hotfix_is_not_foreign(repo: Repo) -> None:
    make_develop(repo)
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.switch("hotfix/fix-login")
    assert check() == (0, [])


# --- misfires --------------------------------------------------------------------------


def test_a_scratch_branch_cut_from_the_hotfix_is_not_a_source(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.git("branch", "scratch")  # to try something aside
    repo.commit("review", {"app/main.py": "def main():\n    return 1  # reviewed\n"})
    assert check() == (0, [])


def test_an_early_backport_then_a_review_commit_is_not_foreign(repo: Repo) -> None:
    make_develop(repo)
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.switch("hotfix/fix-login")
    repo.commit("review", {"app/main.py": "def main():\n    return 1  # reviewed\n"})
    assert check() == (0, [])


def test_a_hotfix_cut_from_develop_is_caught_at_its_first_commit(repo: Repo) -> None:
    made = make_develop(repo, commits=1)
    repo.branch("hotfix/fix-login", "develop")
    repo.write("app/main.py", "def main():\n    return 1\n")
    repo.git("add", "-A")
    code, lines = check()  # the first commit of the branch, staged
    assert code == 1
    assert lines[0] == (
        "hotfix/fix-login: branch-base: carries 1 commit that is not on main, from develop (1): "
        f"{made[0][:10]} feature 0; a hotfix is cut from main and merges nothing else in"
    )


def test_a_subject_with_a_line_separator_stays_one_line(repo: Repo) -> None:
    repo.branch("develop")
    subject = "feature\u2028Fake: second line \x1b[2J" + "x" * 300
    made = repo.commit(subject, {"feature.py": "f = 1\n"})
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    code, lines = check()
    assert code == 1
    assert f"{made[:10]} feature Fake: second line \\x1b[2Jxxx" in lines[0]
    assert "\x1b" not in "".join(lines)  # no terminal escape reaches the terminal
    assert "x" * 120 not in lines[0]
    assert len(lines) == 3 and lines[2].startswith("To fix: ")  # finding, summary, hint


def test_concluding_a_conflicted_merge_of_main_counts_only_the_hotfix(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("main")
    repo.commit("main moves on", {"app/main.py": "def main():\n    return 2\n"})
    repo.commit("many new files on main", {f"new/file_{n}.py": f"n = {n}\n" for n in range(30)})
    repo.switch("hotfix/fix-login")
    conflicted = CliRunner().invoke(cli, ["check"])  # before the merge: fine
    assert conflicted.exit_code == 0, conflicted.output
    import subprocess

    merge = subprocess.run(["git", "merge", "-q", "main"], cwd=repo.path, capture_output=True)
    assert merge.returncode == 1  # conflict in app/main.py
    repo.write("app/main.py", "def main():\n    return 1\n")
    repo.git("add", "-A")
    result = CliRunner().invoke(cli, ["hook", "--stage", "pre-commit"])
    assert result.exit_code == 0, result.output
    assert "diff-size" not in result.output


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


# --- a hotfix already backported: its own commits are not develop's ---------------------------


def test_a_hotfix_fast_forwarded_into_develop_is_not_from_develop(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    fix = repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    base = repo.git("rev-parse", "main").strip()
    repo.switch("main")
    repo.git("branch", "develop")
    repo.switch("develop")
    repo.merge("hotfix/fix-login")  # develop had nothing new: a fast-forward backport
    assert check("--base", base, "--head", fix) == (0, [])


def test_a_hotfix_checked_after_main_was_merged_into_develop_is_not_from_develop(
    repo: Repo,
) -> None:
    make_develop(repo)
    repo.branch("hotfix/fix-login")
    fix = repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    base = repo.git("rev-parse", "main").strip()
    repo.switch("main")
    repo.merge("hotfix/fix-login")  # landed (fast-forward), then main merged into develop
    repo.switch("develop")
    repo.merge("main", "--no-ff", "-m", "Merge branch 'main' into develop")
    repo.switch("main")
    repo.git("branch", "-D", "hotfix/fix-login")
    assert check("--base", base, "--head", fix) == (0, [])


def test_a_release_merged_back_into_develop_is_not_develops_work(repo: Repo) -> None:
    """Cut from develop's merge of the release that main has too: nothing of develop's."""
    repo.branch("release/1.0")
    repo.commit("Bump version to 1.0", {"VERSION": "1.0\n"})
    repo.switch("main")
    repo.branch("develop")
    repo.merge("release/1.0", "--no-ff", "-m", "Merge branch 'release/1.0' into develop")
    repo.switch("main")
    repo.merge("release/1.0", "--no-ff", "-m", "Merge branch 'release/1.0'")
    repo.branch("hotfix/fix-login", "develop")
    repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    assert check() == (0, [])


def test_a_hotfix_cut_from_develop_is_still_caught_after_its_backport(repo: Repo) -> None:
    made = make_develop(repo, commits=1)
    repo.branch("hotfix/fix-login", "develop")
    fix = repo.commit("the fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    code, lines = check("--head", fix)
    assert code == 1
    assert lines[0] == (
        f"{fix[:12]}: branch-base: carries 1 commit that is not on main, from develop (1): "
        f"{made[0][:10]} feature 0; a hotfix is cut from main and merges nothing else in"
    )
