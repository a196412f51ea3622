"""whitespace: changes that only touch whitespace, and what the line rules share.

The line rules read the code files only (what diff-size counts): tests and excluded files
(lockfiles, generated, vendored) are reshaped by tools and by the fix's own tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hotfix_guard.engine import hunks
from hotfix_guard.engine.context import Context, judging_the_rest
from hotfix_guard.engine.hunks import Block, FilePatch
from hotfix_guard.report.findings import ERROR, INFO, WARNING, Finding, with_fix
from hotfix_guard.report.fixes import undo_hunks

# How many unchanged lines from the fix a blank line added or removed still belongs to it.
BLANK_LINE_REACH = 3


# Files of words, not code: documentation and translations.
PROSE_SUFFIXES = frozenset(
    [
        ".md",
        ".markdown",
        ".rst",
        ".txt",
        ".adoc",
        ".po",
        ".pot",
        ".xlf",
        ".xliff",
        ".strings",
        ".resx",
        ".properties",
        ".arb",
    ]
)
TRANSLATION_DIRS = frozenset(
    ["locale", "locales", "i18n", "l10n", "lang", "langs", "languages", "translations"]
)


# Markup: its element and attribute names are the format's vocabulary, and the order of its
# elements is what a user sees.
MARKUP_SUFFIXES = (".xml", ".html", ".htm", ".xhtml", ".svg", ".xaml", ".vue")


def is_markup(path: str) -> bool:
    return path.lower().endswith(MARKUP_SUFFIXES)


def is_prose(path: str) -> bool:
    """Documentation or translations: a repeated word change there is wording, not a rename."""
    name = path.rsplit("/", 1)[-1].lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    parts = path.lower().split("/")[:-1]
    android_strings = name == "strings.xml" and any(p.startswith("values") for p in parts)
    return suffix in PROSE_SUFFIXES or android_strings or bool(TRANSLATION_DIRS.intersection(parts))


# --- whitespace -------------------------------------------------------------------------------


# String literals on one line (their spacing is text a user sees: a real change), identifiers,
# numbers and single punctuation characters: what is left when whitespace goes.
TOKEN = re.compile(
    r""" "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*' | [A-Za-z_$][\w$]* | \d[\w.]* | \S """, re.X
)


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
            if old == new and block.kept:
                continue  # an unchanged line folded in from between two blocks
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
    lines = ctx.unread_lines
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


@judging_the_rest
def check_whitespace(ctx: Context) -> list[Finding]:
    findings = unread(ctx)
    warn_lines = ctx.config.option("whitespace-warn-lines")
    for file_patch in ctx.file_patches:
        hunks = [whitespace_runs(hunk) for hunk in file_patch.hunks]
        if not hunks:
            continue
        if all(is_whitespace for hunk in hunks for _, is_whitespace in hunk):
            blocks = [block for hunk in hunks for block, _ in hunk]
            findings.append(_whole_file_finding(file_patch, blocks, warn_lines))
            continue
        finding = _stray_finding(file_patch, hunks, warn_lines)
        if finding is not None:
            findings.append(finding)
    findings = ctx.without_rolled_back(findings)
    paths = [f.path for f in findings if f.path is not None and f.severity != INFO]
    if not paths:
        return findings
    return with_fix(
        findings, f"{undo_hunks(ctx.scope.base, paths)} (undo the whitespace-only hunks)"
    )


# How many blocks of a hunk are read together to see a re-indent that git split at lines it kept
# (a closing brace of a nested block left unchanged pairs with another one).
MAX_REINDENT_WINDOW = 24

# A hunk as blocks, each with whether it only changes whitespace.
Run = tuple[Block, bool]


def whitespace_runs(hunk: Sequence[Block]) -> list[Run]:
    """HUNK's blocks, those that only change whitespace together folded into one, flagged.

    A re-indented body with nested blocks reaches git as pieces that do not read as whitespace
    one by one: an unchanged `}` of an inner block pairs with one of the outer block. Read
    together with the lines between them, the pieces are the same tokens in the same order.
    """
    runs: list[Run] = []
    index = 0
    while index < len(hunk):
        block = hunk[index]
        if same_but_whitespace(block.removed, block.added):
            runs.append((block, True))
            index += 1
            continue
        end = _whitespace_run_end(hunk, index)
        if end is None:
            runs.append((block, False))
            index += 1
            continue
        runs.append((_fold(hunk[index : end + 1]), True))
        index = end + 1
    return runs


def _whitespace_run_end(hunk: Sequence[Block], first: int) -> int | None:
    """The last block of a run from FIRST whose two sides are the same tokens, if there is one."""
    old: list[str] = []
    new: list[str] = []
    for index in range(first, min(len(hunk), first + MAX_REINDENT_WINDOW)):
        block = hunk[index]
        if index > first:
            kept = _token_stream(block.between)
            old += kept
            new += kept
        old += _token_stream(block.removed)
        new += _token_stream(block.added)
        if index > first and old == new:
            return index
        shorter = min(len(old), len(new))
        if old[:shorter] != new[:shorter]:
            return None  # the two sides already differ: a real change starts here
    return None


def _fold(blocks: Sequence[Block]) -> Block:
    """Neighbouring blocks as one, with the unchanged lines between them on both sides."""
    first = blocks[0]
    removed: list[str] = list(first.removed)
    added: list[str] = list(first.added)
    kept = 0
    for block in blocks[1:]:
        removed += [*block.between, *block.removed]
        added += [*block.between, *block.added]
        kept += len(block.between)
    return Block(
        first.old_start,
        first.new_start,
        tuple(removed),
        tuple(added),
        first.gap,
        first.blank_gap,
        first.between,
        kept,
    )


# Templates and documents of a repository's own process (a pull request template): a blank line
# there is read by no build and reviewed as prose.
PROCESS_DIRS = (".github/", ".gitlab/", "docs/")


def _whole_file_finding(file_patch: FilePatch, blocks: Sequence[Block], warn_lines: int) -> Finding:
    """A file whose whole change is whitespace: noise, but a blank line or two in a document
    or a template (not code) only warns."""
    path = file_patch.path
    prose = is_prose(path) or path.startswith(PROCESS_DIRS)
    small = whitespace_lines(blocks) <= warn_lines
    return Finding(
        f"the whole change of this file is whitespace ({whitespace_kinds(blocks)}, "
        f"{_changed_lines(blocks)})",
        path=path,
        line=blocks[0].new_start,
        severity=WARNING if prose and small else ERROR,
    )


def stray_blocks(runs: Sequence[Run]) -> list[Block]:
    """The whitespace-only blocks of HUNK that do not belong to a real change in it.

    Lines re-indented because the fix wrapped them in a new block belong to it: they are joined
    to the fix's lines with nothing but blank lines between (blank lines need no re-indenting,
    while a reformat leaves unchanged lines such as `def` or `}` between its blocks). A blank
    line added or removed a few lines from the fix belongs to it too, and so do columns
    re-aligned to a longer name the fix added next to them.
    """
    hunk = [block for block, _ in runs]
    real = [not is_whitespace for _, is_whitespace in runs]
    belongs = list(real)
    for index in range(1, len(hunk)):  # forward, then backward along blank-only gaps
        belongs[index] = belongs[index] or (belongs[index - 1] and hunk[index].blank_gap)
    for index in range(len(hunk) - 2, -1, -1):
        belongs[index] = belongs[index] or (belongs[index + 1] and hunk[index + 1].blank_gap)
    fix_columns = {
        column for block, is_real in zip(hunk, real) if is_real for column in _columns(block.added)
    }
    for index, block in enumerate(hunk):
        if belongs[index]:
            continue
        if _realigned(block, fix_columns):
            belongs[index] = True
            continue
        if any(line.strip() for line in (*block.removed, *block.added)):
            continue
        before = index > 0 and real[index - 1] and (block.gap or 0) <= BLANK_LINE_REACH
        after = (
            index + 1 < len(hunk)
            and real[index + 1]
            and (hunk[index + 1].gap or 0) <= BLANK_LINE_REACH
        )
        belongs[index] = before or after
    return [block for block, belongs_to_fix in zip(hunk, belongs) if not belongs_to_fix]


WORD = re.compile(r"\S+")


def _columns(lines: Sequence[str]) -> set[tuple[str, int]]:
    """(word, column) of every word after the first on LINES: where aligned columns sit."""
    return {(match.group(), match.start()) for line in lines for match in WORD.finditer(line)}


def _realigned(block: Block, fix_columns: set[tuple[str, int]]) -> bool:
    """Whether BLOCK only moves words to the columns the fix's own new lines put them in.

    A longer key added to an aligned array or docblock group re-aligns its neighbours: the
    same words, the same indentation, each moved word now in the column the fix's line has it.
    """
    if not fix_columns or len(block.removed) != len(block.added):
        return False
    for old, new in zip(block.removed, block.added):
        old_words, new_words = list(WORD.finditer(old)), list(WORD.finditer(new))
        if [w.group() for w in old_words] != [w.group() for w in new_words] or not new_words:
            return False
        if old_words[0].start() != new_words[0].start():
            return False  # indentation changed: not an alignment
        moved = [
            (n.group(), n.start()) for o, n in zip(old_words, new_words) if o.start() != n.start()
        ]
        if not moved or moved[0] not in fix_columns:  # the aligned word; the rest follow it
            return False
    return True


def whitespace_lines(blocks: Sequence[Block]) -> int:
    return sum(block.size for block in blocks)


def whitespace_lines_within(block: Block) -> int:
    """Changed lines of a real block that pair up with a line differing only in whitespace.

    A reformat around the fix, in the same block, is noise too: a reviewer wants its full size.
    Counted as lines whose tokens appear on both sides in another spacing (linear, any size).
    """
    from collections import Counter

    tokens_removed = Counter(squeeze(line) for line in block.removed)
    tokens_added = Counter(squeeze(line) for line in block.added)
    texts_removed, texts_added = Counter(block.removed), Counter(block.added)
    same_tokens = sum((tokens_removed & tokens_added).values())
    same_text = sum((texts_removed & texts_added).values())
    return 2 * max(0, same_tokens - same_text)


# What an editor does to the file it saves, wherever it is in that file: trailing whitespace
# stripped, a newline put at the end. Up to this many changed lines (six lines stripped).
EDITOR_KINDS = frozenset(["trailing whitespace", "newline at end of file"])
EDITOR_MAX_LINES = 12
# What a formatter or a longer docblock tag does next to the fix: a signature re-wrapped (the
# fixed function's or its neighbour's), `@param` columns re-aligned. At most this many such
# places, each of at most this many changed lines, this many lines from a change of the fix.
NEAR_KINDS = frozenset(["line breaks", "spacing inside lines"])
NEAR_MAX_PLACES = 2
NEAR_MAX_LINES = 12
NEAR_FIX_LINES = 30
# ... and only in a file whose real change is at most this many changed lines: a fix, not a
# rewrite (in a refactor every line is near a change).
NEAR_FIX_MAX_CHANGE = 20
COMMENT_LINE = re.compile(r"\s*(?:\*|//|#|/\*|--|;)")


def _kinds(block: Block) -> set[str]:
    return set(whitespace_kinds([block]).split(", "))


def tolerated(stray: Sequence[Block], runs: Sequence[Sequence[Run]]) -> list[Block]:
    """The blocks of STRAY an editor on save or a formatter next to the fix explains; none
    when there is more of it than an editor or a re-wrapped signature makes (a reformat)."""
    real = [
        (block.new_start, block.new_start + len(block.added))
        for hunk in runs
        for block, is_whitespace in hunk
        if not is_whitespace
    ]
    editor = [block for block in stray if _kinds(block) <= EDITOR_KINDS]
    near = [
        block
        for block in stray
        if block not in editor
        and _kinds(block) <= NEAR_KINDS
        and block.size <= NEAR_MAX_LINES
        and _near(block, real)
        and (
            "spacing inside lines" not in _kinds(block)
            or all(COMMENT_LINE.match(line) for line in (*block.removed, *block.added))
        )
    ]
    if sum(end - start for start, end in real) > NEAR_FIX_MAX_CHANGE:
        near = []  # measured: in a refactor's rewrite every re-wrap is near a change
    if whitespace_lines(editor) > EDITOR_MAX_LINES or len(near) > NEAR_MAX_PLACES:
        return []
    return editor + near


def _near(block: Block, real: Sequence[tuple[int, int]]) -> bool:
    start, end = block.new_start, block.new_start + len(block.added)
    return any(
        start - NEAR_FIX_LINES <= fix_end and fix_start <= end + NEAR_FIX_LINES
        for fix_start, fix_end in real
    )


def _stray_finding(
    file_patch: FilePatch, hunks: Sequence[Sequence[Run]], warn_lines: int
) -> Finding | None:
    """One finding for the whitespace-only changes of a file that stand apart from the fix.

    What an editor or a formatter does next to the fix (see tolerated) is a warning: a reviewer
    asks for it to go but would not hold the fix. So is the rest when it is at most WARN_LINES
    changed lines (a blank line or two). The message gives the full size of the file's
    whitespace noise, the lines next to the fix included, so a reviewer sees how big it is.
    """
    stray = [block for runs in hunks for block in stray_blocks(runs)]
    if not stray:
        return None
    explained = tolerated(stray, hunks)
    rest = [block for block in stray if block not in explained]
    if rest:
        where, severity = (
            "away from the fix",
            WARNING if whitespace_lines(rest) <= warn_lines else ERROR,
        )
    else:
        rest, where, severity = (
            stray,
            "in the fixed file, as an editor or a formatter makes them",
            WARNING,
        )
    changes = (
        "a whitespace-only change" if len(rest) == 1 else f"{len(rest)} whitespace-only changes"
    )
    size = whitespace_lines(rest)
    every = sum(
        block.size if is_whitespace else whitespace_lines_within(block)
        for runs in hunks
        for block, is_whitespace in runs
    )
    in_all = f"; {every} whitespace-only changed lines in this file in all" if every > size else ""
    return Finding(
        f"{changes} {where} ({whitespace_kinds(rest)}, {changed_lines(size)}{in_all})",
        path=file_patch.path,
        line=rest[0].new_start,
        severity=severity,
    )
