"""The test runner never loses work or leaves anything behind: locks, signals, odd trees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.repos import Repo
from tests.support.testrun import configure, run_tests, worktrees


def listed(repo: Repo) -> list[str]:
    return [line for line in worktrees(repo) if line.startswith("worktree ")]


def start_run(repo: Repo, started: Path) -> subprocess.Popen[bytes]:
    """`hotfix-guard run-tests` in a process of its own, once its command is running."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hotfix_guard", "run-tests"],
        cwd=repo.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while not started.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # polling for the command to start, not a fixed wait
    assert started.exists(), process.communicate()[0].decode()
    return process


def alive(pid: int, marker: Path) -> bool:
    """Whether process PID still runs the command that wrote MARKER (pids are reused quickly on
    a busy machine, so the pid alone proves nothing)."""
    try:
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return os.fsencode(str(marker)) in command_line and state != "Z"


def test_unpackable_commit_leaves_other_worktrees_alone(repo: Repo, tmp_path: Path) -> None:
    configure(repo, "true")
    # The user's other worktree, on a drive that is unplugged while the tests run.
    drive = tmp_path / "usb" / "work"
    repo.git("worktree", "add", "-q", "--detach", str(drive))
    (drive / "staged.txt").write_text("staged work\n")
    subprocess.run(["git", "add", "staged.txt"], cwd=drive, check=True)
    repo.branch("hotfix/long-name")
    long_name = "a" * 300  # more than a file name may hold: `git worktree add` fails
    tree = subprocess.run(
        ["git", "mktree"],
        cwd=repo.path,
        input=f"100644 blob {repo.git('rev-parse', 'HEAD:README')}\t{long_name}\n".encode()
        + repo.git("ls-tree", "HEAD").encode()
        + b"\n",
        capture_output=True,
        check=True,
    ).stdout.decode()
    commit = repo.git("commit-tree", tree.strip(), "-p", "HEAD", "-m", "long name")
    repo.git("reset", "-q", "--soft", commit)
    os.rename(tmp_path / "usb", tmp_path / "unplugged")
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        f"hotfix/long-name: tests: could not check out {commit[:10]} in a temporary worktree "
        "(the working tree is not exactly the pushed commit): unable to create file "
    )
    assert result.stdout.splitlines()[0].endswith("; the tests did not run")
    os.rename(tmp_path / "unplugged", tmp_path / "usb")
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=drive, capture_output=True, check=True
    )
    assert status.stdout == b"A  staged.txt\n"  # its index (and staged work) survived
    assert len(listed(repo)) == 2


def test_a_held_index_lock_cannot_leave_files_modified(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    lock = repo.path / ".git" / "index.lock"
    # The command edits a tracked file while another git process holds the index lock.
    configure(repo, f"printf '# fixed\\n' >> app/main.py && touch {lock}")
    result = run_tests()
    lock.unlink()
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "passed but changed tracked files, so the pushed code is not clean: app/main.py;" in (
        result.stdout
    )
    assert "(your working tree is restored; the changes it made are kept: git stash apply " in (
        result.stdout
    )
    assert repo.git("status", "--porcelain") == ""
    assert repo.git("stash", "list") == ""


def test_ctrl_c_in_place_restores_files_and_keeps_changes(repo: Repo, tmp_path: Path) -> None:
    started = tmp_path / "started"
    repo.branch("hotfix/fix-login")
    configure(repo, f"printf '# fixed\\n' >> app/main.py && touch {started} && sleep 30")
    process = start_run(repo, started)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=20)[0].decode()
    assert process.returncode != 0
    assert "Traceback" not in output
    assert "changed tracked files; they are restored, its changes are kept: git stash apply" in (
        output
    )
    assert repo.git("status", "--porcelain") == ""
    assert len(listed(repo)) == 1


def test_a_second_ctrl_c_during_the_grace_period_still_stops_everything(
    repo: Repo, tmp_path: Path
) -> None:
    started, pid_file = tmp_path / "started", tmp_path / "pid"
    repo.branch("hotfix/fix-login")
    # A command that ignores SIGTERM: only the SIGKILL after the grace period stops it.
    configure(repo, f"trap '' TERM; echo $$ > {pid_file}; touch {started}; sleep 8")
    repo.write("draft.txt", "untracked: the run goes to a temporary worktree\n")
    process = start_run(repo, started)
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)  # impatient user
    output = process.communicate(timeout=30)[0].decode()
    assert "Traceback" not in output, output
    assert not alive(int(pid_file.read_text()), pid_file), output
    assert len(listed(repo)) == 1


def test_a_background_process_of_a_command_is_stopped(repo: Repo, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    repo.branch("hotfix/fix-login")
    configure(repo, f"sh -c 'sleep 30; : {pid_file}' & echo $! > {pid_file}")
    result = run_tests()
    assert result.exit_code == 0, result.output
    assert not alive(int(pid_file.read_text()), pid_file)


def test_a_later_run_removes_the_worktree_of_a_killed_run(repo: Repo, tmp_path: Path) -> None:
    started, pid_file = tmp_path / "started", tmp_path / "pid"
    repo.branch("hotfix/fix-login")
    configure(repo, f"echo $$ > {pid_file}; touch {started}; sleep 30")
    repo.write("draft.txt", "untracked\n")
    process = start_run(repo, started)
    process.kill()
    process.wait()
    os.killpg(int(pid_file.read_text()), signal.SIGKILL)  # what the killed run could not stop
    left = [line for line in listed(repo) if "hotfix-guard-tests-" in line]
    assert len(left) == 1
    configure(repo, "true")
    repo.write("draft.txt", "untracked\n")
    result = run_tests()
    assert result.exit_code == 0, result.output
    place = left[0].removeprefix("worktree ")
    assert f"hotfix-guard: tests: removed {place}, left by a run that was killed" in result.stderr
    assert len(listed(repo)) == 1
    assert not Path(place).parent.exists()


def test_skip_worktree_entries_send_the_run_to_a_temporary_worktree(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    configure(repo, "grep -q 'return 0' app/main.py")
    repo.git("update-index", "--skip-worktree", "app/main.py")
    repo.write("app/main.py", "def main():\n    return 'local hack'\n")
    assert repo.git("status", "--porcelain") == ""  # looks clean
    result = run_tests()
    assert result.exit_code == 0, result.output
    assert (
        "in a temporary worktree (the working tree may differ from the pushed commit: files "
        "marked skip-worktree (or outside a sparse checkout))"
    ) in result.stdout
    assert "local hack" in (repo.path / "app/main.py").read_text()


def test_assume_unchanged_entries_send_the_run_to_a_temporary_worktree(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    configure(repo, "grep -q 'return 0' app/main.py")
    repo.git("update-index", "--assume-unchanged", "app/main.py")
    repo.write("app/main.py", "def main():\n    return 'local hack'\n")
    result = run_tests()
    assert result.exit_code == 0, result.output
    assert "files marked assume-unchanged" in result.stdout


def test_a_sparse_checkout_is_not_tested_in_place(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    configure(repo, "test -f README")
    repo.git("sparse-checkout", "set", "--no-cone", "/app/", "/.hotfix-guard.toml")
    assert not (repo.path / "README").exists()
    result = run_tests()
    assert result.exit_code == 0, result.output
    assert "outside a sparse checkout" in result.stdout


def test_a_command_that_moves_head_in_place_fails_and_says_how_to_go_back(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    configure(repo, "git switch -q -c elsewhere")
    result = run_tests()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "hotfix/fix-login: tests: `git switch -q -c elsewhere` (command 1 of 1) passed but moved "
        f"HEAD from hotfix/fix-login to elsewhere; go back: git switch hotfix/fix-login on "
        f"{repo.head()[:10]} in place; the last lines of its output are above"
    )
    repo.git("switch", "-q", "hotfix/fix-login")
    assert run_tests().exit_code == 1  # not remembered as a pass


def test_a_command_that_breaks_its_worktree_is_a_failure_not_a_crash(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    configure(repo, "rm .git")
    repo.write("draft.txt", "untracked: the run goes to a temporary worktree\n")
    result = run_tests()
    assert result.exit_code == 1, result.output
    assert "`rm .git` (command 1 of 1) passed but left the checkout unreadable to git (" in (
        result.stdout
    )
    assert len(listed(repo)) == 1
