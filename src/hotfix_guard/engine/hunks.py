"""The hunks of the change's code files, parsed once with unidiff and shared by the noise rules.

The patch (`Repository.patch_stream`: rename detection on, `--full-index`) lists files in the
same order as the `--raw --numstat -z` query the change model comes from, so the Nth `diff --git`
section belongs to the Nth FileChange. Paths therefore come from the NUL-separated change model,
never from the patch headers, which git quotes when a path holds a newline or odd bytes. Only the
sections of files a line rule needs are handed to unidiff, and only the changed lines are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from hotfix_guard.engine.diff import FileChange

# A file with more changed lines than this is left to diff-size: noise in it cannot be told from
# the change itself, and parsing it would cost every commit on a huge branch memory and time.
MAX_FILE_LINES = 20_000

# A change with more changed code lines than this is not read at all: diff-size fails it anyway,
# and memory stays bounded however many files a branch touches.
MAX_CHANGE_LINES = 100_000


class Block(NamedTuple):
    """A run of removed and added lines with no unchanged line between them.

    `old_start` and `new_start` are the line numbers of the first removed and the first added
    line; when one side is empty, the number of the line next to where the other side sits.
    Line texts keep carriage returns and other whitespace but not the final newline.
    `gap` is the number of unchanged lines between the block before it in the same hunk and this
    one (None for a hunk's first block); `blank_gap` says whether all of them are blank, and
    `between` holds their text (a re-indent is judged with the lines it left unchanged).
    """

    old_start: int
    new_start: int
    removed: tuple[str, ...]
    added: tuple[str, ...]
    gap: int | None = None
    blank_gap: bool = False
    between: tuple[str, ...] = ()
    # Unchanged lines folded into both sides when neighbouring blocks are read as one.
    kept: int = 0

    @property
    def size(self) -> int:
        return len(self.removed) + len(self.added) - 2 * self.kept


class FilePatch(NamedTuple):
    """One file's change as hunks (git's, with three lines of context) of change blocks."""

    file: FileChange
    hunks: tuple[tuple[Block, ...], ...]

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def blocks(self) -> Iterator[Block]:
        for hunk in self.hunks:
            yield from hunk


# How many `diff --git` sections git prints for a change-model entry: a type change (file to
# symlink) is a deletion and a creation, an unmerged path only a `* Unmerged path` line.
SECTIONS_OF_STATUS = {"T": 2, "U": 0}


def needs_lines(file: FileChange) -> bool:
    """Whether the line rules read this file: changed code lines, not too many of them."""
    return (
        file.counted
        and file.status not in SECTIONS_OF_STATUS
        and not file.binary
        and not file.submodule
        and 0 < file.lines <= MAX_FILE_LINES
    )


def too_big_to_read(files: Sequence[FileChange]) -> int | None:
    """The changed lines the line rules would read, when there are more than they read."""
    lines = sum(file.lines for file in files if needs_lines(file))
    return lines if lines > MAX_CHANGE_LINES else None


def parse_section(section: bytes) -> tuple[tuple[Block, ...], ...]:
    """The change blocks of one file's patch section, grouped by hunk."""
    from io import StringIO

    from unidiff.patch import PatchSet  # a dependency only the noise rules load

    # surrogateescape keeps bytes that are not UTF-8; StringIO splits lines at "\n" only, so a
    # carriage return stays part of its line.
    text = section.decode("utf-8", "surrogateescape")
    hunks = []
    for patched_file in PatchSet(StringIO(text)):
        for hunk in patched_file:
            hunks.append(tuple(_blocks(hunk)))
    return tuple(hunks)


def _blocks(hunk: object) -> Iterator[Block]:
    old_line = hunk.source_start  # type: ignore[attr-defined]
    new_line = hunk.target_start  # type: ignore[attr-defined]
    removed: list[str] = []
    added: list[str] = []
    old_start, new_start = old_line, new_line
    gap: int | None = None  # unchanged lines since the last block; None before the first one
    blank_gap = False
    between: list[str] = []
    for line in hunk:  # type: ignore[attr-defined]
        kind = line.line_type
        if kind == "\\":  # "\ No newline at end of file": the line before just lacks its "\n"
            continue
        if kind in "-+":
            if not removed and not added:
                old_start, new_start = old_line, new_line
            value = line.value[:-1] if line.value.endswith("\n") else line.value
            if kind == "-":
                removed.append(value)
                old_line += 1
            else:
                added.append(value)
                new_line += 1
            continue
        if removed or added:
            yield Block(
                old_start, new_start, tuple(removed), tuple(added), gap, blank_gap, tuple(between)
            )
            removed, added, between = [], [], []
            gap, blank_gap = 0, True
        if gap is not None:
            gap += 1
            blank_gap = blank_gap and not line.value.strip()
            between.append(line.value[:-1] if line.value.endswith("\n") else line.value)
        old_line += 1
        new_line += 1
    if removed or added:
        yield Block(
            old_start, new_start, tuple(removed), tuple(added), gap, blank_gap, tuple(between)
        )
