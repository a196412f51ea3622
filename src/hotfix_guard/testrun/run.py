"""The `tests` rule's engine: run `test-commands` on exactly the pushed commit, remember passes.

Where the commands run:
- in place, when HEAD is the pushed commit and the work tree has no changes, no untracked files
  and nothing `git status` cannot see (sparse checkout, skip-worktree, assume-unchanged);
- otherwise in a temporary `git worktree add --detach` of the pushed commit (git/scratch.py),
  removed afterwards even on failure or interrupt; a later run removes one a killed run left.

A command that changes tracked files (a `lint:fix`) fails the check. In place, the tree was
clean before, so its changes are first kept in a commit no ref points at (`git stash apply <id>`
brings them back) and the files are then written back from the pushed commit, through temporary
indexes: a lock on the user's index cannot stop the restore, and an interrupt does not skip it
(shell.py holds further signals while it runs). Running in place keeps what the commands need
(installed dependencies, build caches); the saved commit makes the restore lossless.

A pass is remembered under the common git dir, keyed by the tree id and the commands, so pushing
the same tree again (another branch name, a rebase that changed nothing, the tag after the branch)
does not run the suite again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import IO, NamedTuple

from hotfix_guard.config.loader import Config
from hotfix_guard.git.process import GitError
from hotfix_guard.git.refs import short_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.scratch import (
    WorktreeError,
    add_temporary_worktree,
    clean_stale_worktrees,
    hidden_differences,
    remove_temporary_worktree,
    restore_paths,
    save_changes,
)
from hotfix_guard.git.worktree import tracked_changes as changed_paths
from hotfix_guard.report.findings import ERROR, INFO, WARNING, Finding, display_path, shell_word
from hotfix_guard.testrun.shell import (
    command_environment,
    interrupts_unwind_once,
    run_command,
    signals_deferred,
)

CACHE_FORMAT = 1
TAIL_LINES = 30
SHOWN_FILES = 10
PASSED = "passed"
REMEMBERED = "remembered"
FAILED = "failed"
TIMED_OUT = "timed out"
NOT_RUN = "not run"


class Outcome(NamedTuple):
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
    # Why the commands could not run, or what could not be put back after them.
    problem: str | None = None


def pass_key(tree: str, commands: Sequence[str]) -> str:
    payload = json.dumps([CACHE_FORMAT, tree, list(commands)])
    return hashlib.sha256(payload.encode()).hexdigest()


def passes_dir(common_dir: Path) -> Path:
    """Under the git dir every worktree shares: a pass in one worktree holds in all."""
    return common_dir / "hotfix-guard" / "tests-passed"


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
    tree, common_dir = repo.tree_and_common_dir(commit)
    key = pass_key(tree, config.test_commands)
    record = passes_dir(common_dir) / key
    if use_cache and record.exists():
        return Outcome(REMEMBERED, commit, tree, where="")
    for place in clean_stale_worktrees(repo):
        log.write(f"hotfix-guard: tests: removed {place}, left by a run that was killed\n")
    hidden = None
    in_place = repo.resolve_commit("HEAD") == commit and not changed_paths(
        repo.root, untracked=True, repo=repo
    )
    if in_place:
        hidden = hidden_differences(repo)
        in_place = hidden is None
    started = time.monotonic()
    with interrupts_unwind_once():
        if in_place:
            here = Checkout(repo.root, "in place")
            outcome = _run_commands(repo, config, commit, tree, here, log)
        else:
            outcome = _run_in_worktree(repo, config, commit, tree, hidden, log)
    outcome = outcome._replace(seconds=time.monotonic() - started)
    if outcome.status == PASSED:
        _remember(record, commit, config.test_commands)
    return outcome


class Checkout(NamedTuple):
    """Where the test commands run (the work tree or a temporary one), and how to say so."""

    place: Path
    where: str


def _run_in_worktree(
    repo: Repository,
    config: Config,
    commit: str,
    tree: str,
    hidden: str | None,
    log: IO[str],
) -> Outcome:
    why = (
        f"the working tree may differ from the pushed commit: {hidden}"
        if hidden
        else "the working tree is not exactly the pushed commit"
    )
    where = f"in a temporary worktree ({why})"
    try:
        place = add_temporary_worktree(repo, commit)
    except WorktreeError as error:
        return Outcome(NOT_RUN, commit, tree, where, problem=str(error))
    try:
        return _run_commands(repo, config, commit, tree, Checkout(place, where), log)
    finally:
        with signals_deferred():
            remove_temporary_worktree(repo, place)


def _terminal(log: IO[str]) -> IO[bytes] | None:
    """Where to stream command output live: the log when it is a terminal."""
    try:
        return log.buffer if log.isatty() else None  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return None


def _run_commands(
    repo: Repository,
    config: Config,
    commit: str,
    tree: str,
    checkout: Checkout,
    log: IO[str],
) -> Outcome:
    place, where = checkout
    stream = _terminal(log)
    env = command_environment(os.environ)
    total = len(config.test_commands)
    in_place = place == repo.root
    for number, command in enumerate(config.test_commands, 1):
        log.write(
            f"hotfix-guard: tests: running `{command}` ({number}/{total}) "
            f"on {commit[:10]} {where}\n"
        )
        log.flush()
        head_before = repo.symbolic_head(), repo.resolve_commit("HEAD")
        changed: tuple[str, ...] = ()
        saved: str | None = None
        problem: str | None = None
        try:
            exit_code, tail = run_command(command, place, env, config.test_timeout, stream)
        finally:
            # Interrupted or not, what the command changed in place is saved and undone.
            with signals_deferred():
                try:
                    changed, saved, problem = _inspect(repo, place, in_place, command, log)
                except GitError as error:
                    problem = f"but left the checkout unreadable to git ({error.reason})"
                if in_place and problem is None:
                    problem = _moved_head(repo, head_before)
        failed = exit_code != 0 or problem is not None
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
                problem=problem,
            )
    return Outcome(PASSED, commit, tree, where)


def _inspect(
    repo: Repository, place: Path, in_place: bool, command: str, log: IO[str]
) -> tuple[tuple[str, ...], str | None, str | None]:
    """What COMMAND changed in tracked files at PLACE: (paths, saved commit, problem); in place,
    the changes are saved and undone."""
    if not in_place:
        return tuple(changed_paths(place, untracked=False)), None, None
    changed = tuple(changed_paths(place, untracked=False, repo=repo))
    if not changed:
        return (), None, None
    saved, problem = _save_and_restore(repo, changed, command)
    if saved:  # said now too: an interrupt never reaches the report
        log.write(
            f"hotfix-guard: tests: `{command}` changed tracked files; they are restored, its "
            f"changes are kept: git stash apply {saved[:12]}\n"
        )
    return changed, saved, problem


def _moved_head(repo: Repository, before: tuple[str | None, str | None]) -> str | None:
    """A problem when a command run in place moved HEAD (a `git switch` in a test script)."""
    after = repo.symbolic_head(), repo.resolve_commit("HEAD")
    if after == before:
        return None
    was = short_name(before[0]) if before[0] else (before[1] or "?")[:12]
    now = short_name(after[0]) if after[0] else (after[1] or "?")[:12]
    return (
        f"but moved HEAD from {was} to {now}; go back: git switch "
        f"{'' if before[0] else '--detach '}{shell_word(was)}"
    )


def _save_and_restore(
    repo: Repository, changed: Sequence[str], command: str
) -> tuple[str | None, str | None]:
    """Keep what COMMAND changed in a commit no ref points at, then undo it: (commit, problem)."""
    try:
        saved = save_changes(repo, changed, f"hotfix-guard: changes made by {command}")
    except GitError as error:
        return None, f"could not save them ({error.reason})"  # never undo what is not kept
    try:
        unrestored = restore_paths(repo, changed)
    except GitError as error:
        unrestored = error.reason
    if unrestored:
        return saved, f"the index could not be restored ({unrestored}): git reset -q HEAD"
    return saved, None


def _show_tail(log: IO[str], command: str, tail: bytes) -> None:
    lines = tail.decode(errors="replace").splitlines()[-TAIL_LINES:]
    if lines:
        log.write(f"--- last {len(lines)} lines of the output of `{command}` ---\n")
        log.write("\n".join(lines) + "\n---\n")
        log.flush()


def _remember(record: Path, commit: str, commands: Sequence[str]) -> None:
    """Remember a pass; a read-only git dir just means the next push runs the tests again."""
    temporary = record.with_suffix(f".{os.getpid()}.tmp")
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({"commit": commit, "commands": list(commands)}) + "\n")
        os.replace(temporary, record)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


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
    if outcome.status == NOT_RUN:
        return (
            f"could not check out {short} {outcome.where}: {outcome.problem}; the tests did not run"
        )
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
        if outcome.saved and outcome.problem:
            problem += (
                f" (your working tree is restored but {outcome.problem}; the changes it made "
                f"are kept: git stash apply {outcome.saved[:12]})"
            )
        elif outcome.saved:
            problem += (
                f" (your working tree is restored; the changes it made are kept: "
                f"git stash apply {outcome.saved[:12]})"
            )
        elif outcome.problem:
            problem += f" (they are left as they are: {outcome.problem})"
    elif outcome.problem:
        problem += f" {outcome.problem}"
    return f"{problem} on {short} {outcome.where}; {output}"
