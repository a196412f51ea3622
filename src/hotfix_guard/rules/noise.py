"""rename and whitespace: files moved or copied, and changes that only touch whitespace.

The line rules read the code files only (what diff-size counts): tests and excluded files
(lockfiles, generated, vendored) are reshaped by tools and by the fix's own tests. `rename` looks
at every file but excluded ones, because moving a test file is as much a refactor as moving code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hotfix_guard import hunks
from hotfix_guard.context import Context
from hotfix_guard.diff import EXCLUDED
from hotfix_guard.hunks import Block, FilePatch, too_big_to_read
from hotfix_guard.report import INFO, Finding, display_path

WHAT_GIT_FOUND = {"R": "renamed", "C": "copied"}
# git calls a new file a copy from 50% similarity on, but a new class that shares a license header
# and boilerplate with its neighbour is new code; a copy worth splitting out is nearly whole.
COPY_MIN_SIMILARITY = 90
# How many unchanged lines from the fix a blank line added or removed still belongs to it.
BLANK_LINE_REACH = 3


def check_rename(ctx: Context) -> list[Finding]:
    """Files git's rename and copy detection pairs with another path (not delete + add)."""
    findings = []
    for file in ctx.change.files:
        if file.status not in WHAT_GIT_FOUND or file.old_path is None:
            continue
        if file.category == EXCLUDED:
            continue
        if file.status == "C" and (file.similarity or 0) < COPY_MIN_SIMILARITY:
            continue
        edited = f", edited: {file.size}" if file.lines else ""
        findings.append(
            Finding(
                f"{WHAT_GIT_FOUND[file.status]}: {display_path(file.old_path)} -> "
                f"{display_path(file.path)} (similarity {file.similarity}%{edited})",
                path=file.path,
                line=1,  # the whole file moved: point at its top, like every noise finding
            )
        )
    return findings


# --- whitespace -------------------------------------------------------------------------------


# Identifiers, numbers and single punctuation characters: what is left when whitespace goes.
TOKEN = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*|\S")


def squeeze(line: str) -> str:
    """A line's tokens without the whitespace between them (`foo bar` stays apart from `foobar`)."""
    return "\0".join(TOKEN.findall(line))


def same_but_whitespace(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether the two sides differ only in whitespace: spacing, blank lines and line breaks.

    Compared as one stream of tokens, so a brace moved to its own line or a call wrapped over
    two lines is whitespace too.
    """
    return _token_stream(removed) == _token_stream(added)


def _token_stream(lines: Sequence[str]) -> list[str]:
    return [token for line in lines for token in TOKEN.findall(line)]


def whitespace_kinds(blocks: Sequence[Block]) -> str:
    """What the whitespace change does, in words: `indentation, trailing whitespace`."""
    kinds: set[str] = set()
    for block in blocks:
        removed = [line for line in block.removed if line.strip()]
        added = [line for line in block.added if line.strip()]
        if len(removed) != len(block.removed) or len(added) != len(block.added):
            kinds.add("blank lines")
        if len(removed) != len(added):
            kinds.add("line breaks")
            continue  # lines no longer pair up one to one
        for old, new in zip(removed, added):
            kinds.add(_kind(old, new))
    return ", ".join(sorted(kinds))


def _kind(old: str, new: str) -> str:
    if old == new:
        return "newline at end of file"  # the only difference a line's text cannot show
    if old.rstrip("\r") == new.rstrip("\r"):
        return "line endings"
    if old.rstrip() == new.rstrip():
        return "trailing whitespace"
    if old.strip() == new.strip():
        old_indent, new_indent = (
            old[: len(old) - len(old.lstrip())],
            new[: len(new) - len(new.lstrip())],
        )
        return "tabs and spaces" if "\t" in old_indent + new_indent else "indentation"
    return "spacing inside lines"


def changed_lines(count: int) -> str:
    return f"{count} changed line{'' if count == 1 else 's'}"


def _changed_lines(blocks: Sequence[Block]) -> str:
    return changed_lines(sum(block.size for block in blocks))


def unread(ctx: Context) -> list[Finding]:
    """An informational finding when the change is too big for the line rules to read."""
    lines = too_big_to_read(ctx.change.files)
    if lines is None:
        return []
    return [
        Finding(
            f"not checked: {lines} changed code lines are more than the {hunks.MAX_CHANGE_LINES} "
            "the line rules read",
            ref=ctx.where,
            severity=INFO,
        )
    ]


def check_whitespace(ctx: Context) -> list[Finding]:
    findings = unread(ctx)
    for file_patch in ctx.file_patches:
        blocks = list(file_patch.blocks)
        if not blocks:
            continue
        # Block by block: a line that moved past an unchanged one is a real change.
        if all(same_but_whitespace(block.removed, block.added) for block in blocks):
            findings.append(_whole_file_finding(file_patch, blocks))
            continue
        finding = _stray_finding(file_patch)
        if finding is not None:
            findings.append(finding)
    return findings


def _whole_file_finding(file_patch: FilePatch, blocks: Sequence[Block]) -> Finding:
    return Finding(
        f"the whole change of this file is whitespace ({whitespace_kinds(blocks)}, "
        f"{_changed_lines(blocks)})",
        path=file_patch.path,
        line=blocks[0].new_start,
    )


def stray_blocks(hunk: Sequence[Block]) -> list[Block]:
    """The whitespace-only blocks of HUNK that do not belong to a real change in it.

    Lines re-indented because the fix wrapped them in a new block belong to it: they are joined
    to the fix's lines with nothing but blank lines between (blank lines need no re-indenting,
    while a reformat leaves unchanged lines such as `def` or `}` between its blocks). A blank
    line added or removed a few lines from the fix belongs to it too.
    """
    real = [not same_but_whitespace(block.removed, block.added) for block in hunk]
    belongs = list(real)
    for index in range(1, len(hunk)):  # forward, then backward along blank-only gaps
        belongs[index] = belongs[index] or (belongs[index - 1] and hunk[index].blank_gap)
    for index in range(len(hunk) - 2, -1, -1):
        belongs[index] = belongs[index] or (belongs[index + 1] and hunk[index + 1].blank_gap)
    for index, block in enumerate(hunk):
        if belongs[index] or any(line.strip() for line in (*block.removed, *block.added)):
            continue
        before = index > 0 and real[index - 1] and (block.gap or 0) <= BLANK_LINE_REACH
        after = (
            index + 1 < len(hunk)
            and real[index + 1]
            and (hunk[index + 1].gap or 0) <= BLANK_LINE_REACH
        )
        belongs[index] = before or after
    return [block for block, belongs_to_fix in zip(hunk, belongs) if not belongs_to_fix]


def _stray_finding(file_patch: FilePatch) -> Finding | None:
    """One finding for the whitespace-only changes of a file that stand apart from the fix."""
    stray = [block for hunk in file_patch.hunks for block in stray_blocks(hunk)]
    if not stray:
        return None
    changes = (
        "a whitespace-only change" if len(stray) == 1 else f"{len(stray)} whitespace-only changes"
    )
    return Finding(
        f"{changes} away from the fix ({whitespace_kinds(stray)}, {_changed_lines(stray)})",
        path=file_patch.path,
        line=stray[0].new_start,
    )
