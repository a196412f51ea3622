"""`start --mitigation rollback`: back to the last known good release, one revert at a time.

start cuts `hotfix/rollback-to-<good tag>` from main and records the incident as usual; then it
reverts, newest first, every commit of main's first-parent line after the good tag (a merge with
`-m 1`, against the main it was merged into), one commit per revert, each with the incident's
trailers. A revert that conflicts stops with the state saved (`hotfix-guard-rollback.json` in
this work tree's git dir), the same discipline as finish's: resolve and `git add`, then `start
--continue`; or `start --abort`, which deletes the branch only while it holds what start wrote
(transaction.py) and puts HEAD back where start found it. When the last revert is made, the tree
is checked: every path the reverted commits touched must be as the good tag has it.

A revert is the exact inverse of a commit on main, so the size and noise rules let it through
(rollback.py); `finish` then tags the next patch, "Hotfix: roll back to v1.2.3: <description>".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.deployments import Release, last_good, releases_on
from hotfix_guard.lifecycle import transaction
from hotfix_guard.lifecycle.state import write_atomically

Echo = Callable[[str], None]
STATE_FILE = "hotfix-guard-rollback.json"
STATE_FORMAT = 1


@dataclass(frozen=True)
class RollbackPlan:
    good: Release
    newest: Release
    reverts: tuple[tuple[str, int], ...]  # (commit, parents): main's line after GOOD, newest first


@dataclass(frozen=True)
class RollbackState:
    branch: str
    good: str  # the tag
    good_commit: str
    reverts: tuple[tuple[str, int], ...]
    trailers: tuple[tuple[str, str], ...]
    head_ref: str | None  # where HEAD was before start (None: detached at head_commit)
    head_commit: str
    moved_from: dict[str, str | None]
    wrote: dict[str, str | None]
    done: tuple[str, ...] = ()
    empty: tuple[str, ...] = ()  # reverts that changed nothing (undone already on main)
    current: str | None = None  # the revert in progress when start stopped
    main_tip: str = ""
    paths: tuple[str, ...] = field(default_factory=tuple)

    @property
    def branch_ref(self) -> str:
        return refs.local(self.branch)

    def position(self, commit: str) -> str:
        order = [sha for sha, _ in self.reverts]
        return f"revert {order.index(commit) + 1} of {len(order)}"


class RollbackStopped(Exception):
    """A revert stopped start; the state is saved (exit 1)."""


def plan(
    repo: Repository, config: Config, main: str, main_tip: str, good: str | None
) -> RollbackPlan:
    releases = releases_on(repo, config, main_tip)
    chosen = last_good(releases, good, main)
    git = LifecycleGit(repo)
    line = git.first_parent_line(chosen.commit, main_tip)
    if not line:
        raise UsageError(f"{main} is at {chosen.name} already: nothing to roll back")
    if not repo.is_ancestor(chosen.commit, main_tip):
        raise UsageError(f"{chosen.name} is not on {main}'s history: name a release of {main}")
    return RollbackPlan(chosen, releases[0], tuple(line))


def branch_name(good: Release) -> str:
    return f"rollback-to-{good.name.lower()}"


def describe(good: Release, description: str) -> str:
    """The hotfix's description, and so finish's tag message: `roll back to v1.2.3: <text>`."""
    return f"roll back to {good.name}: {description.strip()}"


def begin(
    repo: Repository, the_plan: RollbackPlan, branch: str, trailers: list[tuple[str, str]],
    before: tuple[str | None, str], echo: Echo,
) -> None:  # fmt: skip
    """After start made the branch and its first commit: revert what came after the good tag."""
    git = LifecycleGit(repo, "rollback")
    branch_ref = refs.local(branch)
    main_tip = repo.resolve_commit(f"{branch_ref}~1") or ""
    state = RollbackState(
        branch=branch,
        good=the_plan.good.name,
        good_commit=the_plan.good.commit,
        reverts=the_plan.reverts,
        trailers=tuple(trailers),
        head_ref=before[0],
        head_commit=before[1],
        moved_from={branch_ref: None},
        wrote={branch_ref: repo.resolve_commit(branch_ref)},
        main_tip=main_tip,
        paths=tuple(git.paths_touched(the_plan.good.commit, main_tip)),
    )
    echo(
        f"Rolling back to {state.good}: reverting {len(state.reverts)} commit(s) of main after "
        f"it, newest first."
    )
    run(repo, save(repo.git_dir, state), echo)


def run(repo: Repository, state: RollbackState, echo: Echo) -> None:
    """Make the reverts not done yet; check the tree; remove the state file."""
    git = LifecycleGit(repo, "rollback")
    for commit, parents in state.reverts:
        if commit in state.done:
            continue
        state = save(repo.git_dir, replace(state, current=commit))
        outcome = git.revert_no_commit(commit, parents > 1)
        if not outcome.ok:
            conflicts = git.unmerged_paths()
            why = f"conflicts in {', '.join(conflicts)}" if conflicts else outcome.stderr.strip()
            raise RollbackStopped(stopped_message(state, commit, why))
        state = _commit_revert(repo, git, state, commit, parents, echo)
    remove(repo.git_dir)
    _verify(git, state, echo)


def _commit_revert(
    repo: Repository, git: LifecycleGit, state: RollbackState, commit: str, parents: int,
    echo: Echo,
) -> RollbackState:  # fmt: skip
    subject = repo.subjects([commit]).get(commit, "")
    kind = ", a merge: -m 1" if parents > 1 else ""
    if git.index_matches_head() and not git.tracked_changes():
        git.reset_hard()  # drops REVERT_HEAD: nothing to commit
        echo(f"  {commit[:12]} {subject}: nothing left to revert")
        return save(repo.git_dir, _done(repo, state, commit, empty=True))
    reverses = f", reversing changes made to {_first_parent(repo, commit)}" if parents > 1 else ""
    message = f'Revert "{subject}"\n\nThis reverts commit {commit}{reverses}.\n\n' + "".join(
        f"{key}: {value}\n" for key, value in state.trailers
    )
    committed = git.commit_message(message, allow_empty=False)
    if not committed.ok:
        raise RollbackStopped(
            stopped_message(state, commit, f"the commit was refused: {committed.stderr.strip()}")
        )
    echo(f"  reverted {commit[:12]} {subject}{kind}")
    return save(repo.git_dir, _done(repo, state, commit))


def _done(
    repo: Repository, state: RollbackState, commit: str, empty: bool = False
) -> RollbackState:
    """COMMIT reverted: the branch's tip is what start wrote now (the revert, or unchanged)."""
    return replace(
        state,
        done=(*state.done, commit),
        empty=(*state.empty, commit) if empty else state.empty,
        current=None,
        wrote={state.branch_ref: repo.resolve_commit(state.branch_ref)},
    )


def _first_parent(repo: Repository, commit: str) -> str:
    return repo.resolve_commit(f"{commit}^1") or ""


def _verify(git: LifecycleGit, state: RollbackState, echo: Echo) -> None:
    """Every path the reverted commits touched is as the good tag has it, or say which not."""
    differing = git.paths_differing("HEAD", state.good_commit, state.paths)
    count = len(state.paths)
    if differing:
        shown = ", ".join(differing[:10]) + (
            f" and {len(differing) - 10} more" if len(differing) > 10 else ""
        )
        raise RollbackStopped(
            f"tree check failed: {len(differing)} of the {count} path(s) the reverted commits "
            f"touched differ from {state.good}: {shown}; make them as {state.good} has them "
            f"(git checkout {state.good} -- <path>) and commit, or start over: git switch - && "
            f"git branch -D {state.branch}"
        )
    echo(
        f"Tree check: the {count} path(s) the reverted commits touched are as {state.good} has "
        "them."
    )


def stopped_message(state: RollbackState, commit: str, why: str) -> str:
    return (
        f"start stopped at {state.position(commit)}, {commit[:12]}: {why}\n"
        "  Resolve the conflicts and `git add` the files (do not commit: start commits the "
        "revert with the incident's trailers),\n"
        "  then: hotfix-guard start --continue\n"
        "  or delete the branch and go back to where you were: hotfix-guard start --abort"
    )


# --- --continue and --abort ---------------------------------------------------------------------


def resume(repo: Repository, echo: Echo) -> None:
    state = require_state(repo, "--continue")
    git = LifecycleGit(repo, "rollback")
    current = state.current
    if current is not None:
        conflicts = git.unmerged_paths()
        if conflicts:
            raise UsageError(
                f"start --continue: unresolved conflicts in {', '.join(conflicts)}: resolve them "
                "and `git add` the files first"
            )
        head = repo.resolve_commit(state.branch_ref)
        if head != state.wrote[state.branch_ref]:
            # The user committed the resolution: that commit is the revert.
            state = save(repo.git_dir, _done(repo, state, current))
        else:
            parents = dict(state.reverts)[current]
            state = _commit_revert(repo, git, state, current, parents, echo)
    run(repo, state, echo)


def abort(repo: Repository, echo: Echo, warn: Echo) -> int:
    """Delete the rollback branch while it holds what start wrote, HEAD back where it was."""
    state = require_state(repo, "--abort")
    git = LifecycleGit(repo, "rollback --abort")
    transaction.require_no_foreign_edits(
        git, lambda: _own_half_revert(repo, git, state), "start --abort"
    )
    git.reset_hard()  # the half-done revert and REVERT_HEAD
    plan_ = transaction.plan_undo(repo, state.moved_from, state.wrote, _recognize(repo, state))
    git.point_head_at(state.head_ref, state.head_commit, "hotfix-guard start --abort")
    transaction.apply_undo(git, plan_, "hotfix-guard start --abort")
    remove(repo.git_dir)
    if plan_.left:
        warn(
            f"start aborted, but {state.branch} has commits start did not make; left as it is:\n"
            + "\n".join(plan_.left_lines())
        )
        return 1
    echo(f"start aborted: {state.branch} deleted, HEAD back where it was")
    return 0


def _recognize(repo: Repository, state: RollbackState) -> transaction.Recognize:
    """The branch at a revert start committed after its last save (an interrupt between the
    commit and the save): one commit on top of what the state says it wrote."""

    def recognize(ref: str, now: str) -> bool:
        wrote = state.wrote.get(ref)
        return (
            wrote is not None
            and repo.resolve_commit(f"{now}^1") == wrote
            and (state.current is not None)
        )

    return recognize


def _own_half_revert(repo: Repository, git: LifecycleGit, state: RollbackState) -> bool:
    """The uncommitted changes are the revert start was making: only the paths it touches."""
    if state.current is None:
        return False
    touched = set(git.paths_touched(f"{state.current}^1", state.current))
    return set(git.tracked_changes()) <= touched


# --- the state file -----------------------------------------------------------------------------


def state_path(git_dir: Path) -> Path:
    return git_dir / STATE_FILE


def in_progress(repo: Repository) -> bool:
    return state_path(repo.git_dir).exists()


def require_state(repo: Repository, option: str) -> RollbackState:
    path = state_path(repo.git_dir)
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"start {option}: no rollback in progress in this work tree ({repo.root})"
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(
            f"{path}: unreadable rollback state ({error}): remove it by hand"
        ) from None
    if data.pop("format", None) != STATE_FORMAT:
        raise UsageError(f"{path}: written by another hotfix-guard version: continue with that one")
    try:
        return RollbackState(
            **{
                **data,
                "reverts": tuple((sha, int(parents)) for sha, parents in data["reverts"]),
                "trailers": tuple((key, value) for key, value in data["trailers"]),
                "done": tuple(data["done"]),
                "empty": tuple(data["empty"]),
                "paths": tuple(data["paths"]),
            }
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{path}: damaged rollback state ({error}): remove it by hand") from None


def save(git_dir: Path, state: RollbackState) -> RollbackState:
    write_atomically(state_path(git_dir), {"format": STATE_FORMAT, **asdict(state)})
    return state


def remove(git_dir: Path) -> None:
    state_path(git_dir).unlink(missing_ok=True)
