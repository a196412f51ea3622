"""diff-size: the hotfix stays within max-files changed files and max-lines changed code lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter

from hotfix_guard.engine.context import Context
from hotfix_guard.engine.context.rollback import Rollback
from hotfix_guard.engine.diff import FileChange, build_change
from hotfix_guard.report.findings import INFO, Finding, display_path
from hotfix_guard.report.fixes import split_out
from hotfix_guard.rules.noise import is_markup

SHOWN_FILES = 10
SPLIT_FIX_FILES = 20


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
    counted = list(change.counted)
    if len(counted) <= max_files and change.changed_code_lines <= max_lines:
        return findings
    if ctx.rollback is not None:
        rest = _without_rollback(ctx, counted, findings)
        if rest is None:
            return findings
        ctx, counted = rest
    findings.append(_over_limits(ctx, counted))
    return findings


def _without_rollback(
    ctx: Context, counted: list[FileChange], findings: list[Finding]
) -> tuple[Context, list[FileChange]] | None:
    """What counts once a rollback's reverts are set aside (the context to judge it in), or None
    when nothing over the limits is left; FINDINGS gets what was set aside."""
    rollback = ctx.rollback
    assert rollback is not None
    max_files, max_lines = ctx.limits
    if rollback.whole:
        findings.append(
            Finding(
                f"exempt: {len(counted)} files and {ctx.change.changed_code_lines} code lines, "
                f"but the change only reverts commits already on {ctx.scope.main.name} "
                f"({', '.join(rollback.reverted)})",
                ref=ctx.where,
                severity=INFO,
            )
        )
        return None
    rest = ctx.rest_of_rollback
    if rest is not None:
        # Reverts first, the rest after them: the rest is counted, on its own.
        assert rollback.rest_base is not None
        undone = build_change(ctx.repo, ctx.config, ctx.scope.base, rollback.rest_base).counted
        counted = list(rest.change.counted)
        findings.append(_not_counted(ctx, rollback, undone, "the change after them counts"))
        ctx = rest
    elif rollback.paths:
        # A rollback plus a small rest: the reverting commits' files do not count.
        undone = tuple(entry for entry in counted if entry.path in rollback.paths)
        counted = [entry for entry in counted if entry.path not in rollback.paths]
        findings.append(_not_counted(ctx, rollback, undone, "files the rest changes count"))
    if len(counted) <= max_files and sum(entry.lines for entry in counted) <= max_lines:
        return None
    return ctx, counted


def _over_limits(ctx: Context, counted: list[FileChange]) -> Finding:
    """The finding of COUNTED over the limits: within them as judged (INFO), else what to split
    out to get under them."""
    max_files, max_lines = ctx.limits
    files, lines = len(counted), sum(entry.lines for entry in counted)
    weights = judged_lines(ctx, counted)
    judged = sum(weights.values())
    if files <= max_files and judged <= max_lines:
        return Finding(
            f"within the limits: {lines} changed code lines count as {judged} ({JUDGED_HOW})",
            ref=ctx.where,
            severity=INFO,
        )
    to_split = files_to_split_out(counted, max_files, max_lines, weights)
    shown = ", ".join(f"{display_path(f.path)} ({f.size})" for f in to_split[:SHOWN_FILES])
    more = f" and {len(to_split) - SHOWN_FILES} more" if len(to_split) > SHOWN_FILES else ""
    how = f", {judged} as counted: {JUDGED_HOW}" if judged != lines else ""
    return Finding(
        f"{files} changed file{'' if files == 1 else 's'} (limit {max_files}) and {lines} "
        f"changed code line{'' if lines == 1 else 's'}{how} "
        f"(limit {max_lines}){severity_limits(ctx)}; to get under the limits, split out "
        f"{len(to_split)} "
        f"file{'s' if len(to_split) != 1 else ''}: {shown}{more}",
        ref=ctx.where,
        fix=_split_fix(ctx.scope.base, to_split),
    )


JUDGED_HOW = (
    "whitespace-only lines of markup left out, in a deletion lines removed beyond those added "
    "count a quarter"
)
# Deleting code is how a hotfix takes a broken feature out: a change that removes at least this
# many times the lines it adds is a deletion, whose removed lines beyond the added ones count
# DELETION_WEIGHT times less. A refactor that moves code removes about what it adds.
DELETION_RATIO = 3
DELETION_WEIGHT = 4


def weigh(added: int, removed: int) -> int:
    """A file's lines in a deletion: added, plus as many removed, plus a quarter of the removed
    lines beyond those (rounded up)."""
    paired = min(added, removed)
    return added + paired + -(-(removed - paired) // DELETION_WEIGHT)


def judged_lines(ctx: Context, counted: Sequence[FileChange]) -> dict[str, int]:
    """Path -> its lines as judged. In markup, lines that only change whitespace are left out
    (`git diff -w`: a layout re-indented because the fix wraps a view in another); a deletion
    is discounted. One more numstat query, asked only of a change over the limits and only about
    its edited markup files (a diff of every file would cost as much as the change's own)."""
    markup = {file.path for file in counted if file.status in ("M", "T") and is_markup(file.path)}
    blind = (
        ctx.repo.line_counts(ctx.scope.base, ctx.head, "-w", paths=sorted(markup)) if markup else {}
    )
    counts = {}
    for file in counted:
        counts[file.path] = (blind.get(file.path, (0, 0)) if file.path in markup else None) or (
            file.added,
            file.removed,
        )
    added = sum(a for a, _ in counts.values())
    removed = sum(r for _, r in counts.values())
    deletion = removed >= DELETION_RATIO * max(added, 1)
    return {path: weigh(a, r) if deletion else a + r for path, (a, r) in counts.items()}


def _not_counted(
    ctx: Context, rollback: Rollback, undone: Sequence[FileChange], rest: str
) -> Finding:
    return Finding(
        f"not counted: {len(undone)} files and {sum(e.lines for e in undone)} code lines that "
        f"{', '.join(rollback.reverting)} change, reverting commits already on "
        f"{ctx.scope.main.name} ({', '.join(rollback.reverted)}); {rest}",
        ref=ctx.where,
        severity=INFO,
    )


def _split_fix(base: str, to_split: Sequence[FileChange]) -> str:
    """The commands that split the files out; for many, the first SPLIT_FIX_FILES of them (a
    command of 5,000 paths is no hint anyone reads; run again, the check names the next ones)."""
    paths = [f.path for f in to_split[:SPLIT_FIX_FILES]]
    rest = len(to_split) - len(paths)
    again = (
        f"; these are {len(paths)} of {len(to_split)}: run the check again for the rest"
        if rest
        else ""
    )
    return (
        f"{split_out(base, paths)} (then apply split-out.patch in a separate change through the "
        f"normal release{again})"
    )


def severity_limits(ctx: Context) -> str:
    """Which severity's table set the limits, when one did: ', the limits of severity P0'."""
    severity = ctx.incident.valid_severity
    if severity is None or ctx.limits == (ctx.config.max_files, ctx.config.max_lines):
        return ""
    return f", the limits of severity {severity} ([severity.{severity}])"


ADDED = ("A", "C")


def files_to_split_out(
    counted: Sequence[FileChange],
    max_files: int,
    max_lines: int,
    weights: Mapping[str, int] | None = None,
) -> list[FileChange]:
    """Files to move to a separate change so that both counts get within the limits.

    The fix is most likely the file that changes the most existing code, so it is named only when
    nothing else would do. Files the change adds come first (new code is rarely the fix). Lines
    over the limit are taken from the biggest of the rest; files over the limit from those the
    change touches least, which are the cheapest to leave out.
    """
    judged = weights or {}
    sizes = [judged.get(f.path, f.added + f.removed) for f in counted]
    files, lines = len(counted), sum(sizes)
    if files <= max_files and lines <= max_lines:
        return []
    # (size, path, position) of each file: sorted as plain tuples, each file's size looked up once.
    edited = [
        (n, f.path, i) for i, (f, n) in enumerate(zip(counted, sizes)) if f.status not in ADDED
    ]
    fix = max(edited) if edited else None
    added = [(n, f.path, i) for i, (f, n) in enumerate(zip(counted, sizes)) if f.status in ADDED]
    others = [entry for entry in edited if entry is not fix]
    last = [fix] if fix is not None else []
    chosen: list[int] = []
    taken: set[int] = set()  # positions: comparing files made this quadratic
    for size, _, position in [*_biggest_first(added), *_biggest_first(others), *last]:
        if lines <= max_lines:
            break
        chosen.append(position)
        taken.add(position)
        files, lines = files - 1, lines - size
    for _, _, position in [*sorted(added), *sorted(others), *last]:
        if files <= max_files:
            break
        if position not in taken:
            chosen.append(position)
            files -= 1
    return [counted[position] for position in chosen]


def _biggest_first(entries: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    """ENTRIES by size, biggest first, and by path where sizes are equal (two stable sorts)."""
    by_path = sorted(entries, key=itemgetter(1))
    return sorted(by_path, key=itemgetter(0), reverse=True)
