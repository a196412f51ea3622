"""identifier-rename: the same token substitution repeated on many changed line pairs.

Works on tokens, not on one language's syntax: a line is split into identifiers, numbers and
single punctuation characters (whitespace dropped), so Python, JS/TS, Go, Java, Kotlin, PHP, Ruby
and C all read the same way. A removed line and an added line are a pair when they have the same
shape (identifiers aside); a pair that differs in exactly one identifier, wherever it occurs in the
line, is one use of that substitution.

What is not an identifier: text inside string literals (messages, keys of remote config) and the
lines of prose and translation files. A repeated substitution is a rename only when the new name
did not exist before the hotfix and the old one is gone after it: pointing call sites at a name
that already existed (`esc_url` -> `esc_url_raw`, a typo'd name that was never defined -> the real
one) is a fix. A change of case or underscores only (`$snake_case` -> `$snakeCase`) is always a
rename: a convention change is never the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from hotfix_guard.engine.context import Context, judging_the_rest
from hotfix_guard.engine.hunks import Block
from hotfix_guard.git.search import words_in_tree
from hotfix_guard.report.findings import Finding, display_path
from hotfix_guard.report.fixes import quote, quoted
from hotfix_guard.rules.noise import TOKEN, changed_lines, is_markup, is_prose, unread

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


class Uses:
    """Where one substitution happened: (path, new line number) in the order found."""

    __slots__ = ("defines", "names_api", "places")

    def __init__(self) -> None:
        self.places: list[tuple[str, int]] = []
        # Whether one of the changed lines declares or assigns the name: the definition moved too.
        self.defines = False
        # Whether it declares a function, class or type: a name other code may call, not a local.
        self.names_api = False

    @property
    def files(self) -> int:
        return len({path for path, _ in self.places})


# String literals on one line (escapes kept inside): their text is not code.
STRING_LITERAL = re.compile(
    r""" "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*' | `(?:[^`\\\n]|\\.)*` """, re.X
)


def tokens(line: str) -> list[str]:
    return TOKEN.findall(STRING_LITERAL.sub('""', line))


def style_only(before: str, after: str) -> bool:
    """`$inputfilter` -> `$inputFilter`, `user_id` -> `userId`: the same name in another style."""
    return before.replace("_", "").casefold() == after.replace("_", "").casefold()


# Words that declare the name after them, in the languages the rules read.
DECLARING = frozenset(
    (
        "function",
        "def",
        "class",
        "interface",
        "trait",
        "enum",
        "struct",
        "const",
        "var",
        "let",
        "val",
        "fun",
        "func",
        "type",
        "module",
        "object",
        "record",
        "protocol",
        "extension",
        "macro",
        "sub",
        "alias",
        "public",
        "private",
        "protected",
        "static",
        "readonly",
        "final",
    )
)


def defines(line_tokens: Sequence[str], index: int) -> bool:
    """Whether the token at INDEX is declared or assigned there: after a declaring word, or
    before a single `=` or `:=` (an assignment, not a comparison)."""
    before = line_tokens[index - 1] if index > 0 else ""
    after = line_tokens[index + 1 : index + 3]
    assigned = after[:1] == ["="] and after[1:2] != ["="]
    typed = after[:2] == [":", "="]
    return before in DECLARING or assigned or typed


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
        from difflib import SequenceMatcher  # only blocks of unequal sides are aligned

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


# Words that declare a name other code calls or uses as a type.
API_DECLARING = frozenset(
    [
        "function",
        "def",
        "fun",
        "func",
        "class",
        "interface",
        "trait",
        "enum",
        "struct",
        "object",
        "record",
        "protocol",
        "type",
        "module",
        "sub",
        "macro",
    ]
)


def substitutions(ctx: Context) -> dict[tuple[str, str], Uses]:
    found: dict[tuple[str, str], Uses] = {}
    for file_patch in ctx.file_patches:
        if is_prose(file_patch.path):
            continue
        markup = is_markup(file_patch.path)
        for block in file_patch.blocks:
            if not block.removed or not block.added:
                continue
            for old, new, line in line_pairs(block):
                pair = substitution(old, new)
                if pair is None:
                    continue
                index = old.index(pair[0])
                if markup and _markup_name(old, index):
                    continue
                uses = found.setdefault(pair, Uses())
                uses.places.append((file_patch.path, line))
                uses.defines = uses.defines or defines(old, index) or defines(new, index)
                uses.names_api = uses.names_api or (index > 0 and old[index - 1] in API_DECLARING)
    return found


def _markup_name(line_tokens: Sequence[str], index: int) -> bool:
    """Whether the token at INDEX is an attribute name (before `=`) or an element name."""
    after = line_tokens[index + 1] if index + 1 < len(line_tokens) else ""
    before = line_tokens[index - 1] if index > 0 else ""
    return after == "=" or before in ("<", "/")


def renames(ctx: Context, repeated: dict[tuple[str, str], Uses]) -> dict[tuple[str, str], Uses]:
    """The substitutions that rename: the definition changed with the uses, or the new name is
    new and the old one is gone. Pointing uses at a name defined elsewhere is a retarget.

    Asked of git only for the few repeated substitutions that do not touch a definition: one
    `git grep` of the base tree for the new names, one of the tip (or the index) for the old.
    """
    asked = {
        pair: uses for pair, uses in repeated.items() if not style_only(*pair) and not uses.defines
    }
    if not asked:
        return repeated
    existed = words_in_tree(ctx.repo, ctx.scope.base, {after for _, after in asked})
    survives = words_in_tree(ctx.repo, ctx.head, {before for before, _ in asked})
    return {
        (before, after): uses
        for (before, after), uses in repeated.items()
        if (before, after) not in asked or (after not in existed and before not in survives)
    }


# Names a newer platform took: JDK 21's SequencedCollection gives every List `removeLast`,
# `getFirst`..., so a project method of that name must be renamed to build at all.
PLATFORM_CLASHES = frozenset(
    ["removeLast", "removeFirst", "getFirst", "getLast", "addFirst", "addLast", "reversed"]
)
# A new name that says it switches something off: a feature flag becoming its kill switch.
KILL_SWITCH = re.compile(r"kill|switch|disable|toggle|flag", re.IGNORECASE)
# A local renamed inside the function the fix rewrites: its uses within this many lines, among
# at least as many other changed lines of that rewrite.
LOCAL_SPAN = 40


def part_of_the_fix(ctx: Context, pair: tuple[str, str], uses: Uses) -> str | None:
    """Why a rename is the fix itself, not a refactor next to it; None when it is not."""
    before, after = pair
    if before in PLATFORM_CLASHES:
        return "platform clash"
    if KILL_SWITCH.search(after) and not KILL_SWITCH.search(before):
        return "kill switch"
    if uses.files > 1 or uses.names_api or style_only(before, after):
        return None
    lines = [line for _, line in uses.places]
    first, last = min(lines), max(lines)
    if last - first > LOCAL_SPAN:
        return None
    path = uses.places[0][0]
    rewritten = sum(
        1
        for file_patch in ctx.file_patches
        if file_patch.path == path
        for block in file_patch.blocks
        for offset in range(len(block.added))
        if first - LOCAL_SPAN // 4 <= block.new_start + offset <= last + LOCAL_SPAN // 4
        and block.new_start + offset not in lines
    )
    return "local in the rewritten function" if rewritten >= len(lines) else None


@judging_the_rest
def check_identifier_rename(ctx: Context) -> list[Finding]:
    minimum = ctx.config.option("identifier-rename-min-lines")
    findings = unread(ctx)
    repeated = {
        pair: uses for pair, uses in substitutions(ctx).items() if len(uses.places) >= minimum
    }
    found = renames(ctx, repeated)
    for (before, after), uses in found.items():
        if part_of_the_fix(ctx, (before, after), uses) is not None:
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
                fix=f"keep {before!r} in the hotfix: git grep -n -w -F -e {quote(after)} "
                f"-- {quoted(p for p, _ in uses.places)} shows the renamed uses",
            )
        )
    return ctx.without_rolled_back(findings)
