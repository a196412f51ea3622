"""The revert exemption's cheap necessary conditions: no patch for what cannot be a revert."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.git.repository import Repository
from tests.support.repos import Repo, code_files


def check() -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--rule", "diff-size"])
    return result.exit_code, result.output.splitlines()


def rewritten(count: int, lines: int) -> dict[str, str]:
    return {
        path: str(text).replace(" = ", " = 2 * ")
        for path, text in code_files(count, lines=lines).items()
    }


def no_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Repository, log_args: object) -> dict[str, str]:
        raise AssertionError("a patch was made for a change that cannot be a revert")

    monkeypatch.setattr(Repository, "patch_ids", refuse)


def test_a_rewrite_of_main_commits_files_makes_no_patch(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same paths as main's last commit, but it added lines and this rewrites them."""
    repo.commit("add modules", code_files(25, lines=20))
    repo.branch("hotfix/rewrite")
    repo.commit("rewrite them", rewritten(25, 20))
    no_patches(monkeypatch)
    code, lines = check()
    assert code == 1
    assert lines[0].startswith("hotfix/rewrite: diff-size: 25 changed files (limit 20) and 1000 ")


def test_an_edit_of_the_files_main_commit_edited_makes_no_patch(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same paths and statuses (modified) as main's last commit, but not its counts mirrored."""
    repo.commit("add modules", code_files(25, lines=2))
    repo.commit("grow them", code_files(25, lines=20))
    repo.branch("hotfix/edit")
    repo.commit("edit them", rewritten(25, 20))
    no_patches(monkeypatch)
    code, lines = check()
    assert code == 1
    assert lines[0].startswith("hotfix/edit: diff-size: 25 changed files (limit 20) and 1000 ")


def test_two_reverts_of_two_main_commits_are_exempt(repo: Repo) -> None:
    first = repo.commit("first bad batch", code_files(25, lines=20))
    second = repo.commit("second bad batch", rewritten(25, 20))
    repo.branch("hotfix/rollback")
    repo.git("revert", "--no-edit", second)
    repo.git("revert", "--no-edit", first)
    code, lines = check()
    assert code == 0
    assert lines[0] == (
        "hotfix/rollback: diff-size: exempt: 25 files and 500 code lines, but the change only "
        f"reverts commits already on main ({first[:10]}, {second[:10]})"
    )


def test_a_committed_and_a_staged_revert_are_exempt(repo: Repo) -> None:
    first = repo.commit("first bad batch", code_files(25, lines=20))
    second = repo.commit("second bad batch", rewritten(25, 20))
    repo.branch("hotfix/rollback")
    repo.git("revert", "--no-edit", second)
    repo.git("revert", "--no-commit", first)
    assert check()[0] == 0


def test_a_revert_with_one_line_more_is_not(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = repo.commit("bad release", code_files(30, lines=20))
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    repo.write("src/module_0.py", "kept = 1\n")  # the revert deleted it; one line stays
    repo.git("add", "src/module_0.py")
    repo.git("commit", "-q", "-m", "Revert most of the bad release")
    no_patches(monkeypatch)
    assert check()[0] == 1


def test_a_revert_of_a_move_is_exempt(repo: Repo) -> None:
    """The change pairs moved files as renames; each commit's own view (delete + add) is used."""
    repo.commit("modules", code_files(25, lines=20))
    repo.git("mv", "src", "lib")
    repo.git("commit", "-q", "-m", "move src to lib")
    moved = repo.head()
    repo.branch("hotfix/move-back")
    repo.git("revert", "--no-edit", moved)
    code, lines = check()
    assert code == 0
    assert lines[0].startswith("hotfix/move-back: diff-size: exempt: ")
    assert lines[0].endswith(f"only reverts commits already on main ({moved[:10]})")
