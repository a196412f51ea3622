"""Running one configured command line (a `test-commands` entry) safely.

- Through the shell, as a CI step does, in a process group of its own: a timeout, an interrupt,
  or simply its end stops everything it started (bun -> node, a server left in the background).
- With the user's environment, not pre-commit's virtualenv or the hook's GIT_DIR.
- Interrupts (Ctrl-C, SIGTERM, SIGHUP) unwind the run once; while the run cleans up, a second one
  is held (`signals_deferred`) so nothing is left half done.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from hotfix_guard.engine.invocation import PRE_COMMIT_VARIABLES
from hotfix_guard.git.worktree import environment_for_other_work_tree

TAIL_BYTES = 64 * 1024
STOP_GRACE = 5.0


def command_environment(environ: Mapping[str, str], prefix: str = sys.prefix) -> dict[str, str]:
    """The user's environment for the commands: no GIT_DIR of the hook, no pre-commit virtualenv.

    pre-commit runs a `language: python` hook with its own virtualenv (where hotfix-guard itself
    lives) first on PATH and in VIRTUAL_ENV; the project's `python`, `pytest` or `node` must win.
    """
    env = environment_for_other_work_tree(dict(environ))
    for name in PRE_COMMIT_VARIABLES:
        env.pop(name, None)
    venv = env.get("VIRTUAL_ENV")
    if environ.get("PRE_COMMIT") and venv and _same_path(venv, prefix):
        del env["VIRTUAL_ENV"]
        bin_dir = os.path.join(venv, "Scripts" if os.name == "nt" else "bin")
        parts = env.get("PATH", "").split(os.pathsep)
        kept = [part for part in parts if not _same_path(part, bin_dir)]
        env["PATH"] = os.pathsep.join(kept)
    return env


def _same_path(first: str, second: str) -> bool:
    return os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second))


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP during a run: unwind like Ctrl-C so the temporary worktree goes."""


STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextmanager
def interrupts_unwind_once() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP unwind the run (so the cleanup runs) once: a second signal
    while it unwinds (an impatient Ctrl-C during the grace period) is swallowed, not raised in
    the middle of stopping the command or removing the worktree."""
    unwinding = False

    def stop(signum: int, frame: Any) -> None:
        nonlocal unwinding
        if unwinding:
            return
        unwinding = True
        raise KeyboardInterrupt if signum == signal.SIGINT else _Terminated(signum)

    saved = {}
    try:
        for name in STOP_SIGNALS:
            if hasattr(signal, name):
                number = getattr(signal, name)
                saved[number] = signal.signal(number, stop)
    except ValueError:  # not the main thread: leave the handlers alone
        pass
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while cleaning up; the first one held is raised after.

    A second Ctrl-C during the cleanup would otherwise leave a command running, files modified
    or a worktree behind. Handlers, not a signal mask: a mask is per thread, and the thread
    reading the command's output would take the signal instead.
    """
    held: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        held.append(signum)

    saved = {}
    try:
        for name in STOP_SIGNALS:
            if hasattr(signal, name):
                number = getattr(signal, name)
                saved[number] = signal.signal(number, hold)
    except ValueError:  # not the main thread: signals cannot reach us here anyway
        pass
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
        if held:  # now act on it as the handler before us would have
            previous = saved.get(held[0])
            if callable(previous):
                previous(held[0], None)
            else:
                raise KeyboardInterrupt if held[0] == signal.SIGINT else _Terminated(held[0])


def run_command(
    command: str, cwd: Path, env: Mapping[str, str], timeout: int, stream: IO[bytes] | None
) -> tuple[int | None, bytes]:
    """Run COMMAND through the shell, as a CI step does; (exit code or None on timeout, tail)."""
    # Its own process group, so a timeout or Ctrl-C stops what it started too (bun -> node).
    group: dict[str, Any] = {}
    if os.name == "posix":
        group = {"process_group": 0} if sys.version_info >= (3, 11) else {"preexec_fn": os.setpgrp}
    process = subprocess.Popen(
        command,
        shell=True,  # a configured command line, never data from git
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        **group,
    )
    import threading  # only when a command runs: the remembered-pass path stays light

    tail = bytearray()
    reader = threading.Thread(target=_pump, args=(process, tail, stream), daemon=True)
    reader.start()
    try:
        exit_code: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        exit_code = None
    finally:
        # Also after a normal exit: a server or watcher the command left in the background
        # would keep running (in a worktree about to be deleted) and hold the output pipe.
        with signals_deferred():
            _stop(process)
            reader.join(timeout=10)
    return exit_code, bytes(tail)


def _pump(process: subprocess.Popen[bytes], tail: bytearray, stream: IO[bytes] | None) -> None:
    assert process.stdout is not None
    while chunk := process.stdout.read1(65536):  # type: ignore[attr-defined]
        if stream is not None:
            stream.write(chunk)
            stream.flush()
        tail.extend(chunk)
        del tail[:-TAIL_BYTES]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the command's process group: SIGTERM, a grace period, then SIGKILL."""
    if os.name != "posix":
        if process.poll() is None:
            process.kill()
            process.wait()
        return
    for sig, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            process.poll()  # reap the leader: a zombie still counts as a member
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
    process.poll()
