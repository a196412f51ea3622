"""diff-size: the hotfix stays within max-files changed files and max-lines changed code lines."""

from __future__ import annotations

from collections.abc import Sequence

from hotfix_guard.context import Context
from hotfix_guard.diff import FileChange
from hotfix_guard.git.walk import Walk
from hotfix_guard.report import INFO, Finding, display_path

SHOWN_FILES = 10
# How far back main's history is searched for the commits a revert-only hotfix undoes.
REVERT_SEARCH_DEPTH = 1000
# What undoing a commit does to each file it touched (a patch id tells a deleted file from an
# emptied one, so an added file's revert must delete it).
MIRRORED_STATUS = {"A": "D", "D": "A"}


def check_diff_size(ctx: Context) -> list[Finding]:
    change = ctx.change
    max_files, max_lines = ctx.limits
    findings = [
        Finding(
            f"not counted ({entry.reason}): {entry.size}",
            path=entry.path,
            severity=INFO,
        )
        for entry in change.not_counted
    ]
    files, lines = len(change.counted), change.changed_code_lines
    if files <= max_files and lines <= max_lines:
        return findings
    reverted = reverted_commits(ctx)
    if reverted is not None:
        findings.append(
            Finding(
                f"exempt: {files} files and {lines} code lines, but the change only reverts "
                f"commits already on {ctx.scope.main.name} ({', '.join(reverted)})",
                ref=ctx.where,
                severity=INFO,
            )
        )
        return findings
    to_split = files_to_split_out(change.counted, max_files, max_lines)
    shown = ", ".join(f"{display_path(f.path)} ({f.size})" for f in to_split[:SHOWN_FILES])
    more = f" and {len(to_split) - SHOWN_FILES} more" if len(to_split) > SHOWN_FILES else ""
    findings.append(
        Finding(
            f"{files} changed files (limit {max_files}) and {lines} changed code lines "
            f"(limit {max_lines}){severity_limits(ctx)}; to get under the limits, split out "
            f"{len(to_split)} "
            f"file{'s' if len(to_split) != 1 else ''}: {shown}{more}",
            ref=ctx.where,
        )
    )
    return findings


def severity_limits(ctx: Context) -> str:
    """Which severity's table set the limits, when one did: ', the limits of severity P0'."""
    severity = ctx.incident.valid_severity
    if severity is None or ctx.limits == (ctx.config.max_files, ctx.config.max_lines):
        return ""
    return f", the limits of severity {severity} ([severity.{severity}])"


def files_to_split_out(
    counted: Sequence[FileChange], max_files: int, max_lines: int
) -> list[FileChange]:
    """The fewest biggest files whose removal brings both counts within the limits."""
    files, lines = len(counted), sum(f.lines for f in counted)
    chosen = []
    for entry in sorted(counted, key=lambda f: (-f.lines, f.path)):
        if files <= max_files and lines <= max_lines:
            break
        chosen.append(entry)
        files -= 1
        lines -= entry.lines
    return chosen


def reverted_commits(ctx: Context) -> list[str] | None:
    """The main commits this change undoes, when every commit (and staged change) is a revert.

    Patches are costly on a big change, so cheap necessary conditions come first. A revert
    touches exactly the paths of the commit it undoes, deleting what it added and adding what it
    deleted (tree ids only, no content), and it mirrors that commit's per-file counts: the lines
    one added, the other removes (numbers, no patch). Only main commits that some branch commit
    matches both ways are hashed.
    """
    commits = ctx.commits
    if any(len(parents) > 2 for parents in commits):
        return None  # merges are never a plain revert
    main_refs = ctx.scope.main.refs
    main_walk = Walk(tuple(main_refs), merges=False, limit=REVERT_SEARCH_DEPTH)
    branch_walk = Walk((ctx.scope.head,), tuple(main_refs), merges=False)
    main_changes = ctx.repo.statuses_by_commit(main_walk)
    staged = ctx.repo.staged_statuses(ctx.scope.head) if ctx.scope.staged else frozenset()
    own = [commit for commit, *_ in commits]
    if len(own) == 1 and not staged and not paired(ctx):
        # One commit, nothing staged: its statuses are the change's own, already known.
        branch_changes = {own[0]: frozenset((f.path, f.status) for f in ctx.change.files)}
    else:
        branch_changes = ctx.repo.statuses_by_commit(branch_walk)
    wanted = set(branch_changes.values())
    if staged:
        wanted.add(staged)
    undoing = {
        commit: frozenset((path, MIRRORED_STATUS.get(status, status)) for path, status in changes)
        for commit, changes in main_changes.items()
    }
    if not wanted or not wanted <= set(undoing.values()):
        return None
    candidates = [commit for commit, changes in undoing.items() if changes in wanted]
    candidates = mirrored_candidates(ctx, candidates, list(branch_changes), bool(staged))
    if not candidates:
        return None
    undone = ctx.repo.patch_ids(Walk.of(candidates), reverse=True)
    branch_ids = ctx.repo.patch_ids(branch_walk)
    if len(branch_ids) != len(commits):
        return None  # an empty or duplicate commit: not the shape of a revert
    patch_ids = list(branch_ids)
    if staged:
        staged_id = ctx.repo.staged_patch_id(ctx.scope.head)
        if staged_id is not None:
            patch_ids.append(staged_id)
    if not patch_ids or not all(patch_id in undone for patch_id in patch_ids):
        return None
    return [undone[patch_id][:10] for patch_id in patch_ids]


def mirrored_candidates(
    ctx: Context, candidates: list[str], branch_commits: list[str], staged: bool
) -> list[str]:
    """The CANDIDATES whose per-file counts some branch commit (or the staged change) mirrors;
    empty when one of those has no mirror, so no patch needs to be made."""
    undone = ctx.repo.line_counts_by_commit(candidates)
    mirrors = {
        commit: {path: None if n is None else (n[1], n[0]) for path, n in counts.items()}
        for commit, counts in undone.items()
    }
    matched: set[str] = set()
    for counts in branch_line_counts(ctx, branch_commits, staged):
        found = [commit for commit, mirror in mirrors.items() if mirror == counts]
        if not found:
            return []
        matched.update(found)
    return [commit for commit in candidates if commit in matched]


def branch_line_counts(
    ctx: Context, branch_commits: list[str], staged: bool
) -> list[dict[str, tuple[int, int] | None]]:
    """Per-file counts of each branch commit and of the staged change. With one of them only,
    they are the change's own counts, already known (unless renames or copies were paired)."""
    change = ctx.change
    if len(branch_commits) + staged == 1 and not paired(ctx):
        return [{f.path: None if f.binary else (f.added, f.removed) for f in change.files}]
    counts = list(ctx.repo.line_counts_by_commit(branch_commits).values())
    if staged:
        counts.append(ctx.repo.line_counts(ctx.scope.head, None))
    return counts


def paired(ctx: Context) -> bool:
    """Whether the change paired files as renames or copies: then it tells files apart as a
    commit's own `--no-renames` view does not, and cannot stand in for it."""
    return any(f.status in "RC" for f in ctx.change.files)
