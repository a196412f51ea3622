"""moved-code: a block of lines deleted in one place and added unchanged in another.

Lines are compared with all whitespace removed, so a move that also re-indents is still a move.
Only significant lines (with a letter or digit, not comments) take part: braces, blank lines
and comments match anywhere and say little. Lines that leave and come back within one hunk are
code re-indented in place (a fix that wraps lines in a new `if`; git may pair them across a blank
line it kept) or reordered by a few lines to fix the order of statements, so a move must cross
hunks or files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from hotfix_guard.engine.context import Context, judging_the_rest
from hotfix_guard.engine.hunks import FilePatch
from hotfix_guard.report.findings import Finding, display_path
from hotfix_guard.report.fixes import undo_hunks
from hotfix_guard.rules.noise import is_markup, squeeze, unread

# Comment lines in the languages the rules read: a group of statements moved up to fix their
# order often carries its comment along, which must not make it long enough to count as a move.
COMMENT_STARTS = ("//", "#", "/*", "*", "--", "<!--", ";")
# Block comments and docstrings: (opening, closing).
BLOCK_COMMENTS = (("/*", "*/"), ("<!--", "-->"), ('"""', '"""'), ("'''", "'''"))
# What a moved block's size counts, said in its finding: not diff-size's changed code lines.
SIGNIFICANT = "with a letter or digit, comments left out"
# (file index, hunk index): where a line sits in the change.
HunkId = tuple[int, int]


class Line(NamedTuple):
    """One significant changed line: its text without whitespace, its block and line number."""

    text: str
    hunk: HunkId
    number: int


class Move(NamedTuple):
    source: FilePatch
    source_line: int
    target: FilePatch
    target_line: int
    lines: int


def significant_lines(
    file_patches: Sequence[FilePatch],
) -> tuple[list[list[Line]], list[list[Line]]]:
    """Per change block, its removed and its added lines that have a letter or a digit."""
    removed_runs: list[list[Line]] = []
    added_runs: list[list[Line]] = []
    for file_index, file_patch in enumerate(file_patches):
        for hunk_index, hunk in enumerate(file_patch.hunks):
            for block in hunk:
                where = (file_index, hunk_index)
                removed_runs.append(_significant(block.removed, where, block.old_start))
                added_runs.append(_significant(block.added, where, block.new_start))
    return removed_runs, added_runs


def _significant(texts: Sequence[str], where: HunkId, first: int) -> list[Line]:
    lines = []
    closing: str | None = None  # the end of the block comment these lines are inside
    for offset, text in enumerate(texts):
        stripped = text.strip()
        if closing is not None:
            if closing in stripped:
                closing = None
            continue
        # A licence header or docblock in a block comment says nothing about code moving, even
        # when its lines do not start with a comment mark.
        opened = next((pair for pair in BLOCK_COMMENTS if stripped.startswith(pair[0])), None)
        if opened is not None:
            if opened[1] not in stripped[len(opened[0]) :]:
                closing = opened[1]
            continue
        if stripped.startswith(COMMENT_STARTS):
            continue
        squeezed = squeeze(text)
        if any(char.isalnum() for char in squeezed):
            lines.append(Line(squeezed, where, first + offset))
    return lines


def find_moves(file_patches: Sequence[FilePatch], minimum: int) -> Iterator[Move]:
    """Runs of at least MINIMUM significant lines removed in one hunk and added in another."""
    removed_runs, added_runs = significant_lines(file_patches)
    starts: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for run_index, run in enumerate(removed_runs):
        for start in range(len(run) - minimum + 1):
            starts[tuple(line.text for line in run[start : start + minimum])].append(
                (run_index, start)
            )
    if not starts:
        return
    for added in added_runs:
        position = 0
        while position + minimum <= len(added):
            window = tuple(line.text for line in added[position : position + minimum])
            match = _source(starts.get(window, ()), removed_runs, added[position].hunk)
            if match is None:
                position += 1
                continue
            run = removed_runs[match[0]]
            length = minimum
            while (
                position + length < len(added)
                and match[1] + length < len(run)
                and added[position + length].text == run[match[1] + length].text
            ):
                length += 1
            source, target = run[match[1]], added[position]
            yield Move(
                file_patches[source.hunk[0]],
                source.number,
                file_patches[target.hunk[0]],
                target.number,
                length,
            )
            position += length


@judging_the_rest
def check_moved_code(ctx: Context) -> list[Finding]:
    # One finding per (from file, to file), at the first moved block's new place.
    grouped: dict[tuple[str, str], list[Move]] = {}
    for move in find_moves(ctx.file_patches, ctx.config.option("moved-code-min-lines")):
        grouped.setdefault((move.source.path, move.target.path), []).append(move)
    findings = unread(ctx)
    for moves in grouped.values():
        first = moves[0]
        lines = sum(move.lines for move in moves)
        if small_move_in_the_fix(moves, lines):
            continue
        blocks = "a block" if len(moves) == 1 else f"{len(moves)} blocks"
        source = "this file" if first.source is first.target else display_path(first.source.path)
        findings.append(
            Finding(
                f"{blocks} of {lines} significant lines ({SIGNIFICANT}) moved here unchanged "
                f"from {source} line {first.source_line}",
                path=first.target.path,
                line=first.target_line,
                fix=f"{undo_hunks(ctx.scope.base, [first.target.path, first.source.path])} "
                "(put the moved lines back where they were)",
            )
        )
    return ctx.without_rolled_back(findings)


# A block this small moved within one file is part of restructuring it: a call list moved while
# the fixed function is rewritten, a function put next to its new callers, a menu item put in
# another place of a layout (the order is what the user sees).
SMALL_MOVE_LINES = 8


def _has_code(line: str) -> bool:
    return any(char.isalnum() for char in line)


def small_move_in_the_fix(moves: Sequence[Move], lines: int) -> bool:
    """Whether MOVES are a small move inside one file that the fix changes besides (or a
    layout, where moving an element is the change)."""
    patch = moves[0].target
    if patch is not moves[0].source or lines > SMALL_MOVE_LINES:
        return False
    changed = sum(1 for block in patch.blocks for line in block.added if _has_code(line))
    return changed > lines or is_markup(patch.path)


def _source(
    candidates: Sequence[tuple[int, int]], removed_runs: Sequence[Sequence[Line]], hunk: HunkId
) -> tuple[int, int] | None:
    """Where lines added in HUNK were removed: None when they left HUNK itself (in place).

    The same lines can be removed in several files when a fix, or a reformat, edits copies of
    one snippet alike; lines that changed in place are not a move from another copy, and among
    other places the same file is the likelier source.
    """
    if any(removed_runs[run][start].hunk == hunk for run, start in candidates):
        return None
    same_file = [(r, s) for r, s in candidates if removed_runs[r][s].hunk[0] == hunk[0]]
    preferred = same_file or list(candidates)
    return preferred[0] if preferred else None
