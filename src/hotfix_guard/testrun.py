"""The `tests` rule's engine: run `test-commands` on exactly the pushed commit, remember passes.

Where the commands run:
- in place, when HEAD is the pushed commit and the work tree has no changes and no untracked
  files (an untracked file the commit forgot would make the tests pass here and fail in CI);
- otherwise in a temporary `git worktree add --detach` of the pushed commit, removed afterwards
  even on failure or interrupt. The user's uncommitted work is never touched. Ignored files
  (node_modules/, .venv/) are not in a fresh worktree: commands that need them install them.

A command that changes tracked files (a `lint:fix`) fails the check. In a temporary worktree that
is all. In place the tree was clean before, so its changes are first kept in a stash commit that no
ref points at (`git stash create`; `git stash apply <id>` brings them back, even an edit made by
hand during a long run) and then the files are restored to the pushed commit. Running in place
keeps what the commands need (installed dependencies, build caches); the stash commit makes the
restore lossless.

A pass is remembered under the common git dir, keyed by the tree id and the commands, so pushing
the same tree again (another branch name, a rebase that changed nothing, the tag after the branch)
does not run the suite again.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from hotfix_guard.config import Config
from hotfix_guard.git import Repository
from hotfix_guard.git.push import PushQueries, environment_for_other_work_tree
from hotfix_guard.git.push import tracked_changes as changed_paths
from hotfix_guard.invocation import PRE_COMMIT_VARIABLES
from hotfix_guard.report import ERROR, INFO, WARNING, Finding, display_path

CACHE_FORMAT = 1
TAIL_LINES = 30
TAIL_BYTES = 64 * 1024
SHOWN_FILES = 10
PASSED = "passed"
REMEMBERED = "remembered"
FAILED = "failed"
TIMED_OUT = "timed out"


@dataclass(frozen=True)
class Outcome:
    """What running the commands on one commit came to."""

    status: str
    commit: str
    tree: str
    where: str
    seconds: float = 0.0
    command: str | None = None
    number: int = 0
    exit_code: int | None = None
    changed: tuple[str, ...] = ()
    saved: str | None = None
    streamed: bool = False


def pass_key(tree: str, commands: Sequence[str]) -> str:
    payload = json.dumps([CACHE_FORMAT, tree, list(commands)])
    return hashlib.sha256(payload.encode()).hexdigest()


def passes_dir(common_dir: Path) -> Path:
    """Under the git dir every worktree shares: a pass in one worktree holds in all."""
    return common_dir / "hotfix-guard" / "tests-passed"


def command_environment(environ: Mapping[str, str], prefix: str = sys.prefix) -> dict[str, str]:
    """The user's environment for the commands: no GIT_DIR of the hook, no pre-commit virtualenv.

    pre-commit runs a `language: python` hook with its own virtualenv (where hotfix-guard itself
    lives) first on PATH and in VIRTUAL_ENV; the project's `python`, `pytest` or `node` must win.
    """
    # What pre-commit sets for a hook goes: the test commands are not a hook.
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


def run_tests(
    repo: Repository,
    config: Config,
    commit: str,
    *,
    use_cache: bool = True,
    log: IO[str] | None = None,
) -> Outcome:
    """Run every test command on COMMIT, stopping at the first failure; remember a pass."""
    log = log or sys.stderr
    queries = PushQueries(repo)
    tree, common_dir = queries.tree_and_common_dir(commit)
    key = pass_key(tree, config.test_commands)
    record = passes_dir(common_dir) / key
    if use_cache and record.exists():
        return Outcome(REMEMBERED, commit, tree, where="")
    stream = _terminal(log)
    in_place = queries.head_commit() == commit and not changed_paths(repo.root, untracked=True)
    started = time.monotonic()
    with _interrupts_as_exceptions(), _work_tree(queries, commit, in_place) as (place, where):
        outcome = _run_commands(queries, config, commit, tree, place, where, in_place, stream, log)
    outcome = replace(outcome, seconds=time.monotonic() - started)
    if outcome.status == PASSED:
        _remember(record, commit, config.test_commands)
    return outcome


def _terminal(log: IO[str]) -> IO[bytes] | None:
    """Where to stream command output live: the log when it is a terminal."""
    try:
        return log.buffer if log.isatty() else None  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return None


@contextmanager
def _work_tree(queries: PushQueries, commit: str, in_place: bool) -> Iterator[tuple[Path, str]]:
    if in_place:
        yield queries.repo.root, "in place"
        return
    import shutil
    import tempfile

    parent = Path(tempfile.mkdtemp(prefix="hotfix-guard-tests-"))
    place = parent / "worktree"
    try:
        queries.add_worktree(place, commit)
        yield place, "in a temporary worktree (the working tree is not exactly the pushed commit)"
    finally:
        queries.remove_worktree(place)
        shutil.rmtree(parent, ignore_errors=True)


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP during a run: unwind like Ctrl-C so the temporary worktree goes."""


@contextmanager
def _interrupts_as_exceptions() -> Iterator[None]:
    def stop(signum: int, frame: Any) -> None:
        raise _Terminated(signum)

    names = ("SIGTERM", "SIGHUP")
    saved = {}
    try:
        for name in names:
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


def _run_commands(
    queries: PushQueries,
    config: Config,
    commit: str,
    tree: str,
    place: Path,
    where: str,
    in_place: bool,
    stream: IO[bytes] | None,
    log: IO[str],
) -> Outcome:
    env = command_environment(os.environ)
    total = len(config.test_commands)
    for number, command in enumerate(config.test_commands, 1):
        log.write(
            f"hotfix-guard: tests: running `{command}` ({number}/{total}) "
            f"on {commit[:10]} {where}\n"
        )
        log.flush()
        exit_code, tail = run_command(command, place, env, config.test_timeout, stream)
        changed = tuple(changed_paths(place, untracked=False))
        saved = queries.save_and_restore(changed) if changed and in_place else None
        failed = exit_code != 0
        if (failed or changed) and stream is None:
            _show_tail(log, command, tail)
        if failed or changed:
            status = TIMED_OUT if exit_code is None else FAILED
            return Outcome(
                status,
                commit,
                tree,
                where,
                command=command,
                number=number,
                exit_code=exit_code,
                changed=changed,
                saved=saved,
                streamed=stream is not None,
            )
    return Outcome(PASSED, commit, tree, where)


def _show_tail(log: IO[str], command: str, tail: bytes) -> None:
    lines = tail.decode(errors="replace").splitlines()[-TAIL_LINES:]
    if lines:
        log.write(f"--- last {len(lines)} lines of the output of `{command}` ---\n")
        log.write("\n".join(lines) + "\n---\n")
        log.flush()


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
        _stop(process)
        exit_code = None
    except BaseException:
        _stop(process)
        raise
    finally:
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
    if os.name != "posix":
        process.kill()
        process.wait()
        return
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue


def _remember(record: Path, commit: str, commands: Sequence[str]) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    temporary = record.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"commit": commit, "commands": list(commands)}) + "\n")
    os.replace(temporary, record)


# --- findings ---------------------------------------------------------------------------------


def tests_findings(
    repo: Repository, config: Config, commit: str, where: str, *, use_cache: bool = True
) -> list[Finding]:
    """The `tests` rule's findings for COMMIT (shown at WHERE: the branch or the commit)."""
    if not config.test_commands:
        source = config.source or ".hotfix-guard.toml"
        return [
            Finding(
                rule="tests",
                message="no test-commands configured, so nothing checks that the hotfix passes the "
                f"project's checks; add them to {source}, e.g. "
                'test-commands = ["bun run lint:fix", "bun run build", "bun run test"]',
                ref=where,
                severity=WARNING,
            )
        ]
    outcome = run_tests(repo, config, commit, use_cache=use_cache)
    severity = INFO if outcome.status in (PASSED, REMEMBERED) else ERROR
    return [Finding(rule="tests", message=describe(outcome, config), ref=where, severity=severity)]


def describe(outcome: Outcome, config: Config) -> str:
    total = len(config.test_commands)
    short = outcome.commit[:10]
    commands = f"{total} test command{'s' if total != 1 else ''}"
    if outcome.status == REMEMBERED:
        return (
            f"{commands} passed before on this tree ({outcome.tree[:10]}, commit {short}), "
            "not run again (hotfix-guard run-tests --no-cache runs them anyway)"
        )
    if outcome.status == PASSED:
        return f"{commands} passed on {short} {outcome.where} in {outcome.seconds:.1f} s"
    command = f"`{outcome.command}` (command {outcome.number} of {total})"
    output = "its output is above" if outcome.streamed else "the last lines of its output are above"
    if outcome.status == TIMED_OUT:
        limit = config.test_timeout
        problem = f"{command} did not finish within test-timeout ({limit} s) and was stopped"
    elif outcome.exit_code:
        problem = f"{command} failed with exit code {outcome.exit_code}"
    else:
        problem = f"{command} passed"
    if outcome.changed:
        shown = ", ".join(display_path(path) for path in outcome.changed[:SHOWN_FILES])
        hidden = len(outcome.changed) - SHOWN_FILES
        more = f" and {hidden} more" if hidden > 0 else ""
        problem += (
            f" but changed tracked files, so the pushed code is not clean: {shown}{more}; run it, "
            "commit the result and push again"
        )
        if outcome.saved:
            problem += (
                f" (your working tree is restored; the changes it made are kept: "
                f"git stash apply {outcome.saved[:12]})"
            )
    return f"{problem} on {short} {outcome.where}; {output}"
