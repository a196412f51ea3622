"""`finish --abort`: undo a stopped finish with the transaction discipline (transaction.py): a
ref is put back only while it holds what this finish wrote; the work tree only when it holds
nothing but finish's own half-done step; after an interrupted push, only once the remote says
the push did not get there."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.lifecycle import state as states
from hotfix_guard.lifecycle import transaction
from hotfix_guard.lifecycle.halfdone import merge_source, own_half_merge
from hotfix_guard.lifecycle.plan import PUSH, push_refspecs_names
from hotfix_guard.lifecycle.state import FinishState

Echo = Callable[[str], None]


def abort(repo: Repository, state: FinishState, echo: Echo, warn: Echo) -> int:
    """Put back every ref this finish moved that still holds what it wrote, and the work tree;
    leave, and name, a ref another hand moved since. 0: all as it was; 1: some refs left."""
    git = LifecycleGit(repo, "abort")
    if state.current == PUSH and PUSH not in state.done:
        state = _learn_whether_pushed(git, state)
    if PUSH in state.done:
        raise UsageError(
            f"the push is done: {state.remote} has {', '.join(push_refspecs_names(state))}; abort "
            "cannot take that back. Run hotfix-guard finish --continue to complete the clean-up"
        )
    merge_head = repo.merge_head()
    source = merge_source(state, state.current)
    if merge_head is not None and (source is None or merge_head != source[1]):
        raise UsageError(
            f"finish --abort: a merge of {merge_head[:12]} that finish did not start is in "
            "progress: conclude it or abort it (git merge --abort) first"
        )
    if merge_head is not None:
        git.merge_abort()  # finish's own merge, conflicts and their resolution with it
    transaction.require_no_foreign_edits(
        git, lambda: own_half_merge(git, state, state.current), "finish --abort"
    )
    plan = transaction.plan_undo(repo, state.moved_from, state.wrote, _recognize(repo, state))
    transaction.apply_undo(git, plan, "hotfix-guard finish --abort")
    git.point_head_at(state.head_ref, state.head_commit, "hotfix-guard finish --abort")
    states.remove(repo.git_dir)
    words = f" ({plan.words()})" if plan.restore else ""
    if not plan.left:
        echo(f"finish aborted: every ref and the work tree are as they were{words}")
        return 0
    echo(f"finish aborted: what it did is undone{words}")
    warn(
        "these refs moved since finish stopped, by something other than this finish; "
        "left as they are:\n" + "\n".join(plan.left_lines())
    )
    return 1


def _recognize(repo: Repository, state: FinishState) -> transaction.Recognize:
    """finish's own unfinished work at a ref: its merge however committed, its tag however made."""
    sources = dict(
        (refs.local(found[0]), found[1])
        for step in state.steps
        if (found := merge_source(state, step)) is not None
    )
    tag_ref = f"{refs.TAGS}{state.tag}"

    def recognize(ref: str, now: str) -> bool:
        if ref == tag_ref:
            return state.merged is not None and repo.resolve_commit(now) == state.merged
        return ref in sources and transaction.merge_of(
            repo, now, state.moved_from.get(ref), sources[ref]
        )

    return recognize


def _learn_whether_pushed(git: LifecycleGit, state: FinishState) -> FinishState:
    """An interrupted push may have reached the remote (its hooks were still running): ask it
    before trusting the state file. Pushed: the state says so from now on."""
    pushed = remote_has_push(git, state)
    if pushed is None:
        raise UsageError(
            f"finish --abort: the push was interrupted and {state.remote} cannot be asked whether "
            "it got there; undoing it locally could leave the two disagreeing: try again when "
            f"{state.remote} answers (git ls-remote {shlex.quote(state.remote or '')})"
        )
    if not pushed:
        return state
    git.fetch(state.remote or "")
    return states.save(git.repo.git_dir, state.finished(PUSH))


def remote_has_push(git: LifecycleGit, state: FinishState) -> bool | None:
    """True when the remote holds what this finish's push sends (the push is atomic: one ref
    there means all), False when not, None when the remote does not answer."""
    names = [refs.local(state.main), *map(refs.local, state.backports), f"{refs.TAGS}{state.tag}"]
    found = git.remote_refs(state.remote or "", names)
    if found is None:
        return None
    return any(
        state.wrote.get(ref) is not None and found.get(ref) == state.wrote[ref] for ref in names
    )
