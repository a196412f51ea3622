"""What a check could not look at in full, said once per check (stages.change_report).

The context records it as facts: copies not looked for (`change.copies_skipped`), and of the
hunks the line rules read (`Context.hunks_read()`), how many were within the budget and which
were too long to hold. These are not any one rule's verdict: the line rules share the analysis,
and the report says what it left out whenever any rule ran, under diff-size, because the size of
the change is why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_guard.engine.context.change import MAX_LINE_BYTES, MAX_SECTION_BYTES
from hotfix_guard.report.findings import INFO, Finding, display_path

if TYPE_CHECKING:
    from hotfix_guard.engine.context import AnalysisCoverage, Context

REPORTED_AS = "diff-size"
SHOWN_FILES = 5


def analysis_findings(ctx: Context) -> list[Finding]:
    """INFO findings when the detailed analysis was cut short, saying what it covered."""
    hunks = ctx.hunks_read()
    unread = _unread(ctx, hunks.unread) if hunks is not None else []
    return unread + _cut_short(ctx, hunks.coverage if hunks is not None else None)


def _unread(ctx: Context, paths: tuple[str, ...]) -> list[Finding]:
    if not paths:
        return []
    shown = ", ".join(display_path(path) for path in paths[:SHOWN_FILES])
    more = f" and {len(paths) - SHOWN_FILES} more" if len(paths) > SHOWN_FILES else ""
    return [
        Finding(
            rule=REPORTED_AS,
            message=f"the hunks of {shown}{more} were not read (a line over "
            f"{MAX_LINE_BYTES // 1024} KiB or a patch over {MAX_SECTION_BYTES // 2**20} MiB): "
            "the line rules say nothing about them; counts and limits are complete",
            ref=ctx.where,
            severity=INFO,
        )
    ]


def _cut_short(ctx: Context, coverage: AnalysisCoverage | None) -> list[Finding]:
    change = ctx.change
    cut = coverage is not None and not coverage.complete
    if not (change.copies_skipped or cut):
        return []
    parts = []
    if change.copies_skipped:
        parts.append("copies were not looked for (a copied file counts as added)")
    if coverage is not None and cut:
        parts.append(
            f"hunks were read for {coverage.files} of {coverage.wanted_files} files "
            f"({coverage.lines} of {coverage.wanted_lines} changed lines)"
        )
    return [
        Finding(
            rule=REPORTED_AS,
            message=f"far over the limits ({len(change.counted)} changed files, "
            f"{change.changed_code_lines} changed code lines), so the detailed analysis was "
            f"cut short: {'; '.join(parts)}; counts, limits and the files to split out are "
            "complete",
            ref=ctx.where,
            severity=INFO,
        )
    ]
