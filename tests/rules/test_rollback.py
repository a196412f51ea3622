"""Rollbacks are never blocked for size or noise; the rest of a hotfix is checked as usual."""

from __future__ import annotations

from click.testing import CliRunner

from hotfix_guard.catalog import rules_of_hook
from hotfix_guard.cli import cli
from tests.support.noise import SERVICE
from tests.support.repos import Repo, code_files, without_pass_summary

RULES = ("diff-size", *rules_of_hook("hotfix-no-refactor"))


def check() -> tuple[int, list[str]]:
    options = [option for rule in RULES for option in ("--rule", rule)]
    result = CliRunner().invoke(cli, ["check", *options])
    return result.exit_code, without_pass_summary(result.output.splitlines())


def bad_release(repo: Repo) -> str:
    """A release on main that is 30 files of code plus a reformat of the service."""
    repo.commit("service", {"app/service.py": SERVICE})
    return repo.commit(
        "Release 2.0 (#41)",
        {**code_files(30, lines=20), "app/service.py": SERVICE.replace("    ", "\t")},
    )


def test_a_revert_plus_a_version_bump_passes_and_says_what_it_set_aside(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-edit", bad)
    revert = repo.head()
    repo.commit("Bump version to 2.0.1", {"VERSION": "2.0.1\n"})
    code, lines = check()
    assert (code, lines[0]) == (
        0,
        "hotfix/rollback-release: diff-size: not counted: 31 files and 632 code lines that only "
        f"{revert[:10]} change, reverting commits already on main ({bad[:10]})",
    )


def test_a_revert_of_a_squash_merged_pull_request_by_its_message_passes(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    repo.git("commit", "-q", "-m", 'Revert "Release 2.0 (#41)"\n\nReverts acme/shop#41')
    repo.commit("Changelog: 2.0.1", {"CHANGELOG": "2.0.1: rolled back 2.0\n"})
    assert check()[0] == 0


def test_a_revert_of_a_merged_pull_request_passes(repo: Repo) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    repo.branch("feature/export")
    repo.commit("export", code_files(30, lines=20))
    repo.switch("main")
    repo.merge("feature/export", "--no-ff")
    merge = repo.head()
    repo.branch("hotfix/rollback-export")
    repo.git("revert", "--no-edit", "-m", "1", merge)
    code, lines = check()
    assert code == 0
    assert lines[0].startswith(
        "hotfix/rollback-export: diff-size: exempt: 30 files and 600 code lines, but the change "
        f"only reverts commits already on main ({merge[:10]})"
    )


def test_the_rest_next_to_a_revert_is_still_checked(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-edit", bad)
    repo.commit("and a tidy-up", {"app/extra.py": "A = 1\n\nB = 2\n"})
    repo.commit("and more", {"app/extra.py": "A = 1\nB = 2\n", **code_files(21, 1, "src/new")})
    code, lines = check()
    assert code == 1
    assert "app/extra.py:1: whitespace: the whole change of this file is whitespace" not in lines
    assert any(
        line.startswith("hotfix/rollback-release: diff-size: 22 changed files") for line in lines
    )


def test_a_commit_that_says_revert_but_is_no_inverse_is_checked_as_usual(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    repo.write("src/module_0.py", "value_0 = 99\n")  # a partial revert, edited
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Revert most of the release")
    code, lines = check()
    assert code == 1
    assert any(
        line.startswith("hotfix/rollback-release: diff-size: 31 changed files") for line in lines
    )


def test_a_revert_of_a_pull_request_that_reached_main_through_develop_passes(repo: Repo) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    repo.branch("develop")
    repo.branch("feature/bulk-writes")
    repo.commit("less frequent db updates", code_files(30, lines=20))
    repo.switch("develop")
    repo.merge("feature/bulk-writes", "--no-ff")
    pull_request = repo.head()
    repo.switch("main")
    repo.merge("develop", "--no-ff")  # the release: the pull request is not on main's first parents
    repo.branch("hotfix/revert-bulk-writes")
    repo.git("revert", "--no-edit", "-m", "1", pull_request)
    repo.commit("bump version", {"VERSION": "1.0.1\n"})
    code, lines = check()
    assert code == 0
    assert lines[0].startswith(
        "hotfix/revert-bulk-writes: diff-size: not counted: 30 files and 600"
    )
    assert lines[0].endswith(f"reverting commits already on main ({pull_request[:10]})")
