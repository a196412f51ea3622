"""The tests rule: test-commands on exactly the pushed commit, in place or in a worktree."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.testrun.shell import command_environment, run_command
from tests.support.repos import Repo
from tests.support.testrun import configure, run_tests, worktrees


@pytest.fixture
def hotfix(repo: Repo) -> Repo:
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    return repo


def test_no_commands_is_a_warning_that_says_how_to_add_them(hotfix: Repo) -> None:
    result = run_tests()
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "hotfix/fix-login: tests: no test-commands configured, so nothing checks that the hotfix "
        "passes the project's checks; add them to .hotfix-guard.toml, e.g. test-commands = "
        '["bun run lint:fix", "bun run build", "bun run test"]'
    )
    assert result.stdout.splitlines()[1].startswith(
        "hotfix-guard passed with warnings: 0 errors, 1"
    )


def test_pass_in_place_is_remembered_for_the_tree(hotfix: Repo, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    configure(hotfix, f"echo run >> {runs}", "true")
    commit = hotfix.head()
    first = run_tests()
    assert first.exit_code == 0, first.output
    assert re.fullmatch(
        rf"hotfix/fix-login: tests: 2 test commands passed on {commit[:10]} in place in \d+\.\d s",
        first.stdout.splitlines()[0],
    )
    assert f"hotfix-guard: tests: running `echo run >> {runs}` (1/2) on {commit[:10]} in place" in (
        first.stderr
    )
    hotfix.branch("hotfix/same-tree")  # another name, the same tree
    second = run_tests()
    tree = hotfix.git("rev-parse", "HEAD^{tree}")
    assert second.stdout.splitlines()[0] == (
        f"hotfix/same-tree: tests: 2 test commands passed before on this tree ({tree[:10]}, "
        f"commit {commit[:10]}), not run again (hotfix-guard run-tests --no-cache runs them anyway)"
    )
    assert run_tests("--no-cache").exit_code == 0
    assert runs.read_text() == "run\nrun\n"


def test_failing_command_shows_its_tail_and_exit_code(hotfix: Repo) -> None:
    configure(hotfix, "true", "printf 'line %s\\n' $(seq 1 40); exit 3", "echo never")
    commit = hotfix.head()
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "hotfix/fix-login: tests: `printf 'line %s\\n' $(seq 1 40); exit 3` (command 2 of 3) "
        f"failed with exit code 3 on {commit[:10]} in place; the last lines of its output are above"
    )
    tail = result.stderr.split("---\n")[1].splitlines()
    assert tail[0] == "line 11" and tail[-1] == "line 40" and len(tail) == 30
    assert "echo never" not in result.stderr
    assert run_tests().exit_code == 1  # a failure is not remembered


def test_uncommitted_work_is_not_tested_and_not_touched(hotfix: Repo) -> None:
    configure(hotfix, "grep -q 'return 1' app/main.py")
    hotfix.write("app/main.py", "def main():\n    return 2  # work in progress\n")
    hotfix.write("notes.txt", "untracked\n")
    result = run_tests()
    assert result.exit_code == 0, result.output
    assert "in a temporary worktree (the working tree is not exactly the pushed commit)" in (
        result.stdout
    )
    assert (hotfix.path / "app/main.py").read_text().endswith("# work in progress\n")
    assert hotfix.git("status", "--porcelain") == "M app/main.py\n?? notes.txt".strip()
    assert len([line for line in worktrees(hotfix) if line.startswith("worktree ")]) == 1


def test_lint_fix_in_place_fails_names_files_and_restores_the_tree(hotfix: Repo) -> None:
    configure(hotfix, "printf '# fixed\\n' >> app/main.py && rm README")
    result = run_tests()
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    saved = re.search(r"git stash apply ([0-9a-f]{12})\)", line)
    assert saved, line
    assert line == (
        "hotfix/fix-login: tests: `printf '# fixed\\n' >> app/main.py && rm README` (command 1 "
        "of 1) passed but changed tracked files, so the pushed code is not clean: README, "
        "app/main.py; run it, commit the result and push again (your working tree is restored; "
        f"the changes it made are kept: git stash apply {saved.group(1)}) on {hotfix.head()[:10]} "
        "in place; the last lines of its output are above"
    )
    assert hotfix.git("status", "--porcelain") == ""
    assert hotfix.git("stash", "list") == ""
    assert "# fixed" in hotfix.git("show", f"{saved.group(1)}:app/main.py")


def test_lint_fix_in_a_worktree_leaves_the_users_tree_alone(hotfix: Repo) -> None:
    configure(hotfix, "printf '# fixed\\n' >> app/main.py")
    hotfix.write("app/other.py", "draft = True\n")  # untracked: not the pushed commit
    result = run_tests()
    assert result.exit_code == 1
    assert "changed tracked files, so the pushed code is not clean: app/main.py;" in result.stdout
    assert "git stash apply" not in result.stdout
    assert hotfix.git("status", "--porcelain") == "?? app/other.py"
    assert len([line for line in worktrees(hotfix) if line.startswith("worktree ")]) == 1


def test_push_tests_the_pushed_commit_not_the_checked_out_one(repo: Repo) -> None:
    configure(repo, "grep -q 'return 1' app/main.py")  # on main: the config is read from there
    repo.branch("hotfix/fix-login")
    pushed = repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("main")
    line = f"refs/heads/hotfix/fix-login {pushed} refs/heads/hotfix/fix-login {'0' * 40}\n"
    result = CliRunner().invoke(cli, ["hook", "--stage", "pre-push", "origin", "url"], input=line)
    assert result.exit_code == 0, result.output
    assert f"tests: 1 test command passed on {pushed[:10]} in a temporary worktree" in result.stdout


def test_timeout_stops_the_command_and_what_it_started(tmp_path: Path) -> None:
    started = time.monotonic()
    marker = tmp_path / "survived"
    code, _ = run_command(f"(sleep 2; touch {marker}) & sleep 30", tmp_path, {}, 0.3, None)  # type: ignore[arg-type]
    assert code is None
    assert time.monotonic() - started < 5
    assert not marker.exists()


def test_commands_do_not_see_pre_commits_virtualenv(tmp_path: Path) -> None:
    venv = tmp_path / "pre-commit-venv"
    (venv / "bin").mkdir(parents=True)
    environ = {
        "PRE_COMMIT": "1",
        "PRE_COMMIT_TO_REF": "abc",
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin",
        "GIT_DIR": "/elsewhere/.git",
        "GIT_AUTHOR_NAME": "Someone",
        "HOME": "/home/someone",
    }
    assert command_environment(environ, prefix=str(venv)) == {
        "PATH": "/usr/local/bin:/usr/bin",
        "GIT_AUTHOR_NAME": "Someone",
        "HOME": "/home/someone",
    }
    # Outside pre-commit an active virtualenv is the user's own: kept.
    del environ["PRE_COMMIT"]
    assert command_environment(environ, prefix=str(venv))["VIRTUAL_ENV"] == str(venv)


def test_sigterm_during_a_run_removes_the_temporary_worktree(hotfix: Repo, tmp_path: Path) -> None:
    started = tmp_path / "started"
    configure(hotfix, f"touch {started}; exec sleep 30")
    hotfix.write("app/main.py", "draft\n")  # dirty: the run goes to a temporary worktree
    process = subprocess.Popen(
        [sys.executable, "-m", "hotfix_guard", "run-tests"],
        cwd=hotfix.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while not started.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # polling for the command to start, not a fixed wait
    assert started.exists()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) != 0
    assert len([line for line in worktrees(hotfix) if line.startswith("worktree ")]) == 1
    assert (hotfix.path / "app/main.py").read_text() == "draft\n"
