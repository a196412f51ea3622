"""Every failure has a deliberate exit status: 0/1 verdicts, 2 the user's mistake, 3 the
unforeseen (one line and a report file), 130 interrupted. Through the real console script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.repos import Repo

SCRIPT = str(Path(sys.executable).with_name("hotfix-guard"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def hotfix(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})


def test_findings_exit_1_and_a_clean_hotfix_exits_0(repo: Repo) -> None:
    hotfix(repo)
    assert run("check").returncode == 0
    repo.git("branch", "-m", "hotfix/Fix_Login")
    assert run("check").returncode == 1


def test_usage_problem_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "hotfix-guard: not inside a git work tree: run hotfix-guard from a clone of your "
        "repository\n"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "--bogus"), "No such option '--bogus'"),
        (("check", "extra"), "Got unexpected extra argument (extra)"),
        (("check", "--rule", "nope"), "'nope' is not one of"),
        (("check", "--rule"), "Option '--rule' requires an argument."),
    ],
)
def test_usage_mistakes_exit_2_even_off_a_hotfix_branch(
    repo: Repo, args: tuple[str, ...], expected: str
) -> None:
    """The fast path (not a hotfix branch) must not swallow mistakes."""
    result = run(*args)
    assert result.returncode == 2, result
    assert expected in result.stderr


@pytest.mark.parametrize("args", [("check", "--help"), ("hook", "-h")])
def test_help_is_shown_off_a_hotfix_branch(repo: Repo, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 0 and result.stdout.startswith("Usage: hotfix-guard "), result


def test_git_missing_from_path_exits_2(repo: Repo) -> None:
    hotfix(repo)
    env = {**os.environ, "PATH": str(repo.path / "no-such-dir")}
    result = run("check", env=env)
    assert (result.returncode, result.stderr) == (
        2,
        "hotfix-guard: git was not found on PATH: install git (2.38 or newer) or fix PATH\n",
    )


def test_unforeseen_git_failure_exits_3_with_a_report(repo: Repo, tmp_path: Path) -> None:
    """A blob missing from the object store: git itself fails in a way no check foresees.
    (main's version: git would read the hotfix's own version from the work tree.)"""
    hotfix(repo)
    blob = repo.git("rev-parse", "main:app/main.py")
    os.remove(repo.path / ".git" / "objects" / blob[:2] / blob[2:])
    cache = tmp_path / "cache"
    result = run("check", env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    report = cache / "hotfix-guard" / "crash.log"
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("hotfix-guard: unexpected failure in `hotfix-guard check`: ")
    assert result.stderr.endswith(f"; full report: {report}\n")
    assert result.stderr.count("\n") == 1
    text = report.read_text()
    assert "Traceback (most recent call last)" in text and "command: hotfix-guard check" in text


def test_ctrl_c_exits_130_without_a_traceback(repo: Repo) -> None:
    hotfix(repo)
    repo.write(".hotfix-guard.toml", 'test-commands = ["sleep 30"]\n')
    repo.commit("tests")
    process = subprocess.Popen(
        [SCRIPT, "run-tests", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.endswith("hotfix-guard: interrupted\n")


def test_every_command_outside_a_repository_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command that needs a repository says so in one line (the reminder hook, which git
    ignores, says it and exits 0; demo builds its own repository)."""
    from hotfix_guard.cli import cli

    monkeypatch.chdir(tmp_path)
    # The arguments a command cannot go without: click checks these first.
    required = {
        "start": ("Fix it", "--severity", "P1"),
        "status-message": ("investigating",),
        "override": ("diff-size", "--reason", "the client is generated as one unit"),
    }
    for name in sorted(set(cli.commands) - {"demo"}):
        result = run(name, *required.get(name, ()))
        expected = 0 if name == "backport-reminder" else 2
        assert result.returncode == expected, (name, result)
        message = result.stderr if expected else result.stdout
        assert message.count("\n") == 1 and "not inside a git" in message, (name, message)
        assert "Traceback" not in result.stderr


def test_the_crash_report_never_follows_a_planted_symlink(repo: Repo, tmp_path: Path) -> None:
    """The cache folder cannot be written (a server's git account): the report goes to a new
    private file in the temp folder, not through a name another user planted there."""
    hotfix(repo)
    blob = repo.git("rev-parse", "main:app/main.py")
    os.remove(repo.path / ".git" / "objects" / blob[:2] / blob[2:])
    unwritable = tmp_path / "cache-is-a-file"
    unwritable.write_text("")
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("someone else's file\n")
    (shared / "hotfix-guard-crash.log").symlink_to(victim)
    env = {**os.environ, "XDG_CACHE_HOME": str(unwritable), "TMPDIR": str(shared)}
    result = run("check", env=env)
    assert result.returncode == 3
    assert victim.read_text() == "someone else's file\n"
    where = Path(result.stderr.rstrip("\n").rsplit("; full report: ", 1)[1])
    assert where.parent == shared and where.name.startswith("hotfix-guard-crash-")
    assert oct(where.stat().st_mode & 0o777) == "0o600"
    assert "command: hotfix-guard check" in where.read_text()


def test_a_reader_that_goes_away_ends_the_command_quietly(repo: Repo) -> None:
    """`hotfix-guard status | head -0`: no traceback, no "unexpected failure", exit 141."""
    process = subprocess.Popen([SCRIPT, "status"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert stderr == b""


def test_check_rule_tests_is_refused_on_the_fast_path_too(repo: Repo) -> None:
    """The console script answers plain checks without click: the refusal must not be lost."""
    hotfix(repo)
    result = run("check", "--rule", "tests")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "hotfix-guard: --rule tests: check does not run it, it is checked at push time; "
        "hotfix-guard run-tests runs the tests on HEAD now\n"
    )


def test_a_git_add_running_meanwhile_never_breaks_the_staged_check(repo: Repo) -> None:
    """An IDE stages files while the commit check reads the index: it reads one copy of it."""
    import threading

    hotfix(repo)
    stop = threading.Event()

    def stage_and_unstage() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            for index in range(10):
                (repo.path / f"app/gen_{index}.py").write_text(f"VALUE = {number}\n")
            subprocess.run(["git", "add", "app"], cwd=repo.path, capture_output=True)
            subprocess.run(["git", "reset", "-q"], cwd=repo.path, capture_output=True)

    worker = threading.Thread(target=stage_and_unstage)
    worker.start()
    try:
        codes = [run("check", "--staged").returncode for _ in range(15)]
    finally:
        stop.set()
        worker.join()
    assert set(codes) <= {0, 1}, codes
