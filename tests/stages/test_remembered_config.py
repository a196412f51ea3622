"""The parsed config is remembered between commits and never trusted once its file changed."""

from __future__ import annotations

from tests.stages.test_performance import imported_modules
from tests.support.repos import Repo

CONFIG = "[tool.hotfix-guard]\nmax-files = 1\n"


def hotfix_with_two_files(repo: Repo) -> None:
    repo.write("pyproject.toml", CONFIG)
    repo.git("add", "pyproject.toml")
    repo.git("commit", "-q", "-m", "config")
    repo.branch("hotfix/fix-login")
    repo.write("app/one.py", "one = 1\n")
    repo.write("app/two.py", "two = 2\n")
    repo.git("add", "app")


def test_a_hotfix_commit_reads_the_remembered_table_instead_of_the_toml(repo: Repo) -> None:
    hotfix_with_two_files(repo)
    first, modules = imported_modules(repo, "hook")
    assert first.returncode == 1 and "tomllib" in modules
    assert "diff-size: 2 changed files (limit 1)" in first.stdout
    second, modules = imported_modules(repo, "hook")
    assert (second.returncode, second.stdout) == (1, first.stdout)
    assert "tomllib" not in modules


def test_an_edited_config_is_parsed_again(repo: Repo) -> None:
    hotfix_with_two_files(repo)
    imported_modules(repo, "hook")
    repo.write("pyproject.toml", CONFIG.replace("1", "2"))
    edited, modules = imported_modules(repo, "hook")
    assert (edited.returncode, "tomllib" in modules) == (0, True)


def test_a_damaged_remembered_table_is_ignored(repo: Repo) -> None:
    hotfix_with_two_files(repo)
    imported_modules(repo, "hook")
    kept = repo.path / ".git" / "hotfix-guard" / "parsed-pyproject.toml"
    for damage in (b"", b"\x00garbage", kept.read_bytes()[:-3]):
        kept.write_bytes(damage)
        again, modules = imported_modules(repo, "hook")
        assert (again.returncode, "tomllib" in modules) == (1, True)
        assert "diff-size: 2 changed files (limit 1)" in again.stdout


def test_a_config_with_a_toml_date_is_parsed_each_time(repo: Repo) -> None:
    # marshal keeps no datetime: such a table is not remembered, and still works.
    hotfix_with_two_files(repo)
    repo.write("pyproject.toml", CONFIG + "[tool.other]\nsince = 2026-01-01\n")
    for _ in range(2):
        result, modules = imported_modules(repo, "hook")
        assert (result.returncode, "tomllib" in modules) == (1, True)
    assert not (repo.path / ".git" / "hotfix-guard" / "parsed-pyproject.toml").exists()


def test_a_push_check_remembers_the_committed_config_and_makes_no_scratch_repository(
    repo: Repo,
) -> None:
    # Without a .gitattributes on the way to a changed path no throwaway repository is built.
    import subprocess
    import sys

    hotfix_with_two_files(repo)
    repo.git("commit", "-q", "--no-verify", "-m", "Fix\n\nSeverity: P1")
    sha = repo.git("rev-parse", "HEAD")
    line = f"refs/heads/hotfix/fix-login {sha} refs/heads/hotfix/fix-login {'0' * 40}\n"
    hook = ("hook", "--stage", "pre-push", "origin", "url")
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "hotfix_guard", *hook],
            cwd=repo.path,
            input=line,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1 and "diff-size: 2 changed files (limit 1)" in result.stdout
    modules = {row.rsplit("|", 1)[1].strip() for row in result.stderr.splitlines() if "|" in row}
    assert "hotfix_guard.engine.mainline" in modules  # the push's own rules ran
    assert {"tomllib", "tempfile", "shutil", "dataclasses"} & modules == set()
