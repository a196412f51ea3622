"""identifier-rename: the same token substitution repeated on many changed line pairs.

Works on tokens, not on one language's syntax: a line is split into identifiers, numbers and
single punctuation characters (whitespace dropped), so Python, JS/TS, Go, Java, Kotlin, PHP, Ruby
and C all read the same way. A removed line and an added line are a pair when they have the same
shape (identifiers aside); a pair that differs in exactly one identifier, wherever it occurs in the
line, is one use of that substitution.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from hotfix_guard.context import Context
from hotfix_guard.hunks import Block
from hotfix_guard.report import Finding, display_path
from hotfix_guard.rules.noise import TOKEN, changed_lines, unread

IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# Swapping one of these is a change of meaning (visibility, a flag, a type), not a new name.
_KEYWORD_TEXT = (
    "true false True False null nil None undefined NULL TRUE FALSE "
    "public private protected internal static final const let var val readonly abstract "
    "and or not is in if else elif while for return break continue "
    "int long short float double bool boolean char string byte void str "
    "this self super new async await yield"
)
KEYWORDS = frozenset(_KEYWORD_TEXT.split())
SHOWN_PLACES = 3
# Pairing lines in a block costs its length squared; a larger block is compared line by line.
MAX_PAIRED_BLOCK = 2000


@dataclass
class Uses:
    """Where one substitution happened: (path, new line number) in the order found."""

    places: list[tuple[str, int]] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len({path for path, _ in self.places})


def tokens(line: str) -> list[str]:
    return TOKEN.findall(line)


def substitution(old: Sequence[str], new: Sequence[str]) -> tuple[str, str] | None:
    """The single identifier substitution that turns OLD tokens into NEW, if that is all."""
    if len(old) != len(new):
        return None
    found = {(a, b) for a, b in zip(old, new) if a != b}
    if len(found) != 1:
        return None
    ((before, after),) = found
    if not (IDENTIFIER.fullmatch(before) and IDENTIFIER.fullmatch(after)):
        return None
    if before in KEYWORDS or after in KEYWORDS:
        return None
    return before, after


def _shape(line_tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple("\0" if IDENTIFIER.fullmatch(token) else token for token in line_tokens)


def line_pairs(block: Block) -> Iterator[tuple[list[str], list[str], int]]:
    """(old tokens, new tokens, new line number) of the lines of BLOCK that look alike."""
    old = [tokens(line) for line in block.removed]
    new = [tokens(line) for line in block.added]
    if len(old) == len(new) or len(old) * len(new) > MAX_PAIRED_BLOCK**2:
        pairs: Iterator[tuple[int, int]] = iter(zip(range(len(old)), range(len(new))))
    else:
        matcher = SequenceMatcher(
            None, [_shape(t) for t in old], [_shape(t) for t in new], autojunk=False
        )
        pairs = (
            (match.a + offset, match.b + offset)
            for match in matcher.get_matching_blocks()
            for offset in range(match.size)
        )
    for old_index, new_index in pairs:
        yield old[old_index], new[new_index], block.new_start + new_index


def substitutions(ctx: Context) -> dict[tuple[str, str], Uses]:
    found: dict[tuple[str, str], Uses] = {}
    for file_patch in ctx.file_patches:
        for block in file_patch.blocks:
            if not block.removed or not block.added:
                continue
            for old, new, line in line_pairs(block):
                pair = substitution(old, new)
                if pair is not None:
                    found.setdefault(pair, Uses()).places.append((file_patch.path, line))
    return found


def check_identifier_rename(ctx: Context) -> list[Finding]:
    minimum = ctx.config.option("identifier-rename-min-lines")
    findings = unread(ctx)
    for (before, after), uses in substitutions(ctx).items():
        if len(uses.places) < minimum:
            continue
        path, line = uses.places[0]
        shown = ", ".join(f"{display_path(p)}:{n}" for p, n in uses.places[:SHOWN_PLACES])
        more = "" if len(uses.places) <= SHOWN_PLACES else ", ..."
        files = "1 file" if uses.files == 1 else f"{uses.files} files"
        findings.append(
            Finding(
                f"{before!r} renamed to {after!r} on {changed_lines(len(uses.places))} in "
                f"{files} ({shown}{more})",
                path=path,
                line=line,
            )
        )
    return findings
