"""Rollbacks: the commits of a hotfix that revert commits already on main.

A rollback is the safest mitigation there is, so it is never blocked for size or noise. A hotfix
often carries a small rest next to its reverts (a version bump, a changelog line): the reverting
commits are found one by one, and only what they alone change is set aside; the rest is checked
as usual. A revert is recognised by its patch, not its message: it must be the exact inverse of a
commit on main (a plain commit, a squash-merged pull request, or a merge against its first parent,
as `git revert -m 1` and GitHub's "Revert" button make). Only commits whose message says "revert"
are compared, and only when a rule has something to say (diff-size over the limits, a noise
finding): a clean hotfix never pays for the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotfix_guard.git.changes import FileStatuses
from hotfix_guard.git.search import (
    commits_mentioning,
    inverse_patch_ids,
    main_undoings,
    merges_among,
)
from hotfix_guard.git.walk import Walk

if TYPE_CHECKING:
    from hotfix_guard.engine.context import Context

# How far back main's history is searched for the commits a hotfix reverts.
REVERT_SEARCH_DEPTH = 1000


@dataclass(frozen=True)
class Rollback:
    """`reverted`: main commits undone; `reverting`: the branch commits (or "staged changes")
    that undo them; `paths`: what only those change; `whole`: nothing else is in the change."""

    reverted: tuple[str, ...]
    reverting: tuple[str, ...]
    paths: frozenset[str]
    whole: bool


def find_rollback(ctx: Context, with_staged: bool) -> Rollback | None:
    """The reverting part of the change, if any. WITH_STAGED: the staged index may be one too."""
    repo, main_refs, head = ctx.repo, ctx.scope.main.refs, ctx.scope.head
    commits = [commit for commit, *parents in ctx.commits if len(parents) <= 1]
    merged = len(commits) != len(ctx.commits)
    mentions = commits_mentioning(repo, commits, "revert")
    if not mentions and not (with_staged and ctx.scope.staged):
        return None
    staged: FileStatuses = repo.staged_statuses(head) if ctx.scope.staged else frozenset()
    if not mentions and not staged:
        return None
    found = main_undoings(repo, main_refs, REVERT_SEARCH_DEPTH)
    own = repo.statuses_by_commit(Walk.of(commits)) if commits else {}
    wanted = {own[commit] for commit in mentions if commit in own}
    if with_staged and staged:
        wanted.add(staged)
    candidates = [commit for commit, changes in found.items() if changes in wanted]
    if not candidates:
        return None
    merges = merges_among(repo, candidates)
    undone = inverse_patch_ids(
        repo, [c for c in candidates if c not in merges], [c for c in candidates if c in merges]
    )
    branch_ids = repo.patch_ids(Walk.of(mentions)) if mentions else {}
    reverting = {commit: undone[pid] for pid, commit in branch_ids.items() if pid in undone}
    staged_revert = None
    if with_staged and staged:
        staged_id = repo.staged_patch_id(head)
        staged_revert = undone.get(staged_id) if staged_id is not None else None
    if not reverting and staged_revert is None:
        return None
    reverted = [reverting[c] for c in commits if c in reverting]
    if staged_revert is not None:
        reverted.append(staged_revert)
    rest = [own.get(commit, frozenset()) for commit in commits if commit not in reverting]
    if staged and staged_revert is None:
        rest.append(staged)
    undoing = {path for commit in reverting for path, _ in own.get(commit, frozenset())}
    if staged_revert is not None:
        undoing |= {path for path, _ in staged}
    kept = {path for changes in rest for path, _ in changes}
    return Rollback(
        reverted=tuple(commit[:10] for commit in reverted),
        reverting=(*(c[:10] for c in commits if c in reverting),)
        + (("staged changes",) if staged_revert else ()),
        paths=frozenset(undoing - kept),
        whole=not merged and not rest,
    )
