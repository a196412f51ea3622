"""Rollbacks: the commits of a hotfix that revert commits already on main.

A rollback is the safest mitigation there is, so it is never blocked for size or noise. A hotfix
often carries a small rest next to its reverts (a version bump, a changelog line): the reverting
commits are found one by one, and only what they alone change is set aside; the rest is checked
as usual. A revert is recognised by its patch, not its message: it must be the exact inverse of a
commit on main (a plain commit, a squash-merged pull request, or a merge against its first parent,
as `git revert -m 1` and GitHub's "Revert" button make), or by its message when a conflict made
it differ: "This reverts commit X" or GitHub's "Revert #N" / "Reverts owner/repo#N", where X (the
pull request's commit) is on main and the revert touches only files X touched. Only commits whose
message says "revert" are compared, and only when a rule has something to say (diff-size over
the limits, a noise finding): a clean hotfix never pays for the query.

When the reverting commits come first (lint and test fix-ups after them, a version bump), the
rest is the change from the last of them to the tip: the rules judge exactly that, so a fix-up
in a reverted file is checked while the revert next to it is not (`rest_base`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from hotfix_guard.git.changes import FileStatuses
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.search import (
    MergeWalk,
    commit_messages,
    commits_mentioning,
    inverse_patch_ids,
    main_undoings,
    merges_among,
    pull_request_commits,
)
from hotfix_guard.git.walk import Walk

if TYPE_CHECKING:
    from hotfix_guard.engine.context import Context

# How far back main's history is searched for the commits a hotfix reverts.
REVERT_SEARCH_DEPTH = 1000
# Oldest commits of the branch tried as the end of a leading run of reverts (rest_base).
MAX_REST_TRIES = 20
# `git revert`'s message, and GitHub's: `Revert "Title (#12)"`, `Revert #12`, `Reverts o/r#12`.
REVERTS_COMMIT = re.compile(r"This reverts commit ([0-9a-f]{7,64})")
REVERTS_PULL_BODY = re.compile(r"^Reverts [\w.-]+/[\w.-]+#(\d+)", re.MULTILINE)
REVERTS_PULL_SUBJECT = re.compile(r"^Revert\b[^\n]*?#(\d+)")


class Rollback(NamedTuple):
    """`reverted`: main commits undone; `reverting`: the branch commits (or "staged changes")
    that undo them; `paths`: what only those change; `whole`: nothing else is in the change."""

    reverted: tuple[str, ...]
    reverting: tuple[str, ...]
    paths: frozenset[str]
    whole: bool
    # The newest commit of a leading run of reverts: what follows it is the rest to check.
    rest_base: str | None = None


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
    undone = _undone_by_patch(repo, found, wanted)
    branch_ids = repo.patch_ids(Walk.of(mentions)) if mentions and undone else {}
    reverting = {commit: undone[pid] for pid, commit in branch_ids.items() if pid in undone}
    unmatched = [commit for commit in mentions if commit not in reverting]
    reverting.update(_undone_by_message(ctx, found, own, unmatched))
    staged_revert = None
    if with_staged and staged and undone:
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
    whole = not merged and not rest
    return Rollback(
        reverted=tuple(dict.fromkeys(commit[:10] for commit in reverted)),
        reverting=(*(c[:10] for c in commits if c in reverting),)
        + (("staged changes",) if staged_revert else ()),
        paths=frozenset(undoing - kept),
        whole=whole,
        rest_base=None if whole or staged_revert else _rest_base(ctx, set(reverting)),
    )


def _undone_by_patch(
    repo: Repository, found: dict[str, FileStatuses], wanted: set[FileStatuses]
) -> dict[str, str]:
    """patch id -> main commit, for main's commits whose undoing changes files as WANTED do."""
    candidates = [commit for commit, changes in found.items() if changes in wanted]
    if not candidates:
        return {}
    merges = merges_among(repo, candidates)
    return inverse_patch_ids(
        repo, [c for c in candidates if c not in merges], [c for c in candidates if c in merges]
    )


def _undone_by_message(
    ctx: Context, found: dict[str, FileStatuses], own: dict[str, FileStatuses], commits: list[str]
) -> dict[str, str]:
    """Commit -> the main commit its message says it reverts, when it touches no code file but
    that one's: a revert whose conflicts were resolved is no exact inverse, yet undoes only X."""
    if not commits:
        return {}
    pulls: dict[str, str] | None = None
    reverting = {}
    code = {file.path for file in ctx.change.files if file.counted}
    for commit, message in commit_messages(ctx.repo, commits).items():
        shas = tuple(REVERTS_COMMIT.findall(message))
        targets = [full for full in found if shas and full.startswith(shas)]
        if shas and not targets:  # older than the search depth: asked by name
            older = _named_on_main(ctx, shas)
            found = {**found, **older}
            targets = list(older)
        numbers = REVERTS_PULL_BODY.findall(message) or REVERTS_PULL_SUBJECT.findall(message)
        if not targets and numbers:
            if pulls is None:
                pulls = pull_request_commits(ctx.repo, ctx.scope.main.refs, REVERT_SEARCH_DEPTH)
            targets = [pulls[number] for number in numbers if pulls.get(number) in found]
        touched = {path for target in targets for path, _ in found[target]}
        extra = {path for path, _ in own.get(commit, frozenset())} - touched
        # A test adjusted in the same commit is no code the revert sneaks in.
        if targets and not any(path in code for path in extra):
            reverting[commit] = targets[0]
    return reverting


def _named_on_main(ctx: Context, shas: Sequence[str]) -> dict[str, FileStatuses]:
    """The files of the commits SHAS name that are on main, however old (a merge's against its
    first parent)."""
    repo = ctx.repo
    named = [repo.resolve_commit(sha) for sha in shas]
    on_main = [
        commit
        for commit in named
        if commit is not None and any(repo.is_ancestor(commit, ref) for ref in ctx.scope.main.refs)
    ]
    if not on_main:
        return {}
    merges = merges_among(repo, on_main)
    plain = [commit for commit in on_main if commit not in merges]
    statuses = repo.statuses_by_commit(Walk.of(plain)) if plain else {}
    if merges:
        statuses.update(repo.statuses_by_commit(MergeWalk(exactly=tuple(merges))))
    return statuses


def _rest_base(ctx: Context, reverting: set[str]) -> str | None:
    """The newest reverting commit below which the branch holds nothing but reverts (and
    merges): the rest of the change starts there. None when reverts and the rest interleave."""
    tried = 0
    for commit, *_ in ctx.commits:
        if commit not in reverting:
            continue
        below = ctx.repo.commits_with_parents(commit, ctx.scope.main.refs)
        if all(c in reverting or len(parents) > 1 for c, *parents in below):
            return commit
        tried += 1
        if tried >= MAX_REST_TRIES:
            break
    return None
