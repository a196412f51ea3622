"""Hunk parsing: hand-written patches, and real ones with odd paths and bytes."""

from __future__ import annotations

from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.engine.diff import CODE, TEST, FileChange
from hotfix_guard.engine.hunks import Block, needs_lines, parse_section
from tests.support.precommit import git_result
from tests.support.repos import Repo

PATCH = b"""\
diff --git a/app/a.py b/app/a.py
index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644
--- a/app/a.py
+++ b/app/a.py
@@ -1,4 +1,5 @@
 import os
-x = 1\r
+x = 2
+y = 3
 z = 4
 w = 5
@@ -20,3 +21,2 @@ def f():
     a()
-    b()
     c()
\\ No newline at end of file
diff --git a/tests/test_a.py b/tests/test_a.py
index 3333333333333333333333333333333333333333..4444444444444444444444444444444444444444 100644
--- a/tests/test_a.py
+++ b/tests/test_a.py
@@ -1 +1 @@
-assert 1
+assert 2
"""


def file_change(path: str, category: str = CODE, lines: int = 2) -> FileChange:
    return FileChange(
        path, None, "M", None, lines // 2, lines - lines // 2, False, False, category, None
    )


def test_blocks_keep_line_numbers_carriage_returns_and_group_by_hunk() -> None:
    hunks = parse_section(PATCH[: PATCH.index(b"diff --git a/tests")])
    assert hunks == (
        (Block(old_start=2, new_start=2, removed=("x = 1\r",), added=("x = 2", "y = 3")),),
        (Block(old_start=21, new_start=22, removed=("    b()",), added=()),),
    )


def test_only_changed_code_files_need_their_lines() -> None:
    assert needs_lines(file_change("app/a.py", lines=5))
    assert not needs_lines(file_change("tests/test_a.py", TEST))
    assert not needs_lines(file_change("app/big.py", lines=50_000))


def test_paths_with_newlines_and_non_utf8_bytes_come_from_the_change_model(repo: Repo) -> None:
    odd = b"app/new\nline \xe9.py"
    repo.commit("base", {odd: "A = 1  \nB = 2\n", "app/b c.py": "X = 1\n"})
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {odd: "A = 1\nB = 2\n", "app/b c.py": "X = 2\n"})
    result = CliRunner().invoke(cli, ["check", "--rule", "whitespace"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        '"app/new\\nline \\xe9.py":1: whitespace: the whole change of this file is whitespace '
        "(trailing whitespace, 2 changed lines)"
    )


def test_a_commit_with_only_renames_and_tests_reads_no_patch(repo: Repo) -> None:
    repo.commit("base", {"app/a.py": "A = 1\n" * 10, "tests/test_a.py": "assert 1\n"})
    repo.branch("hotfix/fix-login")
    repo.git("mv", "app/a.py", "app/b.py")
    repo.commit("move", {"tests/test_a.py": "assert 2\n"})
    from hotfix_guard.config.loader import Config
    from hotfix_guard.engine.context import Context
    from hotfix_guard.git.repository import Repository
    from hotfix_guard.scope import Target, resolve

    repository = Repository.discover()
    scope = resolve(repository, Config(), Target("hotfix/fix-login", "HEAD"))
    ctx = Context(repository, Config(), scope)
    assert ctx.file_patches == []
    assert "patch" not in vars(ctx)  # the cached patch was never asked for


def test_a_file_turned_into_a_symlink_keeps_the_files_after_it_in_step(repo: Repo) -> None:
    repo.commit("base", {"app/a.py": "A = 1\n", "app/z.py": "Z = 1  \n"})
    repo.branch("hotfix/fix-login")
    (repo.path / "app/a.py").unlink()
    (repo.path / "app/a.py").symlink_to("z.py")
    repo.commit("fix", {"app/z.py": "Z = 1\n"})
    result = CliRunner().invoke(cli, ["check", "--rule", "whitespace"])
    assert result.output.splitlines()[0] == (
        "app/z.py:1: whitespace: the whole change of this file is whitespace "
        "(trailing whitespace, 2 changed lines)"
    )


def test_a_conflicted_merge_in_progress_is_checked_without_the_unmerged_path(repo: Repo) -> None:
    repo.commit("base", {"app/a.py": "A = 1\n", "app/b.py": "B = 1\n"})
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/a.py": "A = 2\n"})
    repo.branch("other", "main")
    repo.commit("other", {"app/a.py": "A = 3\n"})
    repo.switch("hotfix/fix-login")
    assert git_result(repo, "merge", "other").returncode == 1  # conflict on app/a.py
    repo.write("app/b.py", "B = 1  \n")
    repo.git("add", "app/b.py")
    result = CliRunner().invoke(cli, ["check", "--rule", "whitespace"])
    assert result.output.splitlines()[0] == (
        "app/b.py:1: whitespace: the whole change of this file is whitespace "
        "(trailing whitespace, 2 changed lines)"
    )
