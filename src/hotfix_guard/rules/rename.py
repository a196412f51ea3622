"""rename: files moved or copied to another path.

`rename` looks at every changed file but excluded ones (lockfiles, generated, vendored): moving a
test file is as much a refactor as moving code. git's detection pairs files from 50% similarity
on, which two files reach through a shared licence header and boilerplate alone; a pair below
the copy threshold is therefore compared again without its headers. A resource split into
variants (`icon.xml` -> `icon_light.xml` + `icon_dark.xml`) is a change of the resource, often the
fix itself, not a move; so is any picture or drawable renamed or copied, and a class moved into
an internal or debug-only module (how a fix hides a feature from the release build).
"""

from __future__ import annotations

from collections.abc import Sequence

from hotfix_guard.engine.context import Context, judging_the_rest
from hotfix_guard.engine.diff import EXCLUDED, FileChange
from hotfix_guard.git.search import blob_text
from hotfix_guard.report.findings import Finding, display_path
from hotfix_guard.report.fixes import quote

WHAT_GIT_FOUND = {"R": "renamed", "C": "copied"}
# git calls a new file a copy from 50% similarity on, but a new class that shares a license header
# and boilerplate with its neighbour is new code; a copy worth splitting out is nearly whole.
COPY_MIN_SIMILARITY = 90
# A pair below COPY_MIN_SIMILARITY is one file moved when this share of its code lines, headers
# aside, is the same: git's own threshold, applied to what is not boilerplate.
RENAME_MIN_SIMILARITY = 0.5
# How a file's leading header lines start: opening tags, licence and docblock comments.
HEADER_STARTS = ("<?php", "//", "#", "/*", "*", "--", "<!--", '"""', "'''")
VARIANT_SEPARATORS = ("_", "-", ".")


@judging_the_rest
def check_rename(ctx: Context) -> list[Finding]:
    """Files git's rename and copy detection pairs with another path (not delete + add)."""
    findings = []
    added = [f.path for f in ctx.change.files if f.status in ("A", "C")]
    for file in ctx.change.files:
        if file.status not in WHAT_GIT_FOUND or file.old_path is None:
            continue
        if file.category == EXCLUDED:
            continue
        similarity = file.similarity or 0
        if file.status == "C" and similarity < COPY_MIN_SIMILARITY:
            continue
        if file.status == "R" and split_into_variants(file.old_path, file.path, added):
            continue
        if is_resource(file.old_path) and is_resource(file.path):
            continue
        if hidden_from_release(file.old_path, file.path):
            continue
        if similarity < COPY_MIN_SIMILARITY and not similar_past_headers(ctx, file):
            continue
        edited = f", edited: {file.size}" if file.lines else ""
        old, new = quote(file.old_path), quote(file.path)
        # A moved file goes back; a copy leaves the index (the file stays on disk).
        fix = f"git mv -- {new} {old}" if file.status == "R" else f"git rm --cached -- {new}"
        findings.append(
            Finding(
                f"{WHAT_GIT_FOUND[file.status]}: {display_path(file.old_path)} -> "
                f"{display_path(file.path)} (similarity {file.similarity}%{edited})",
                path=file.path,
                line=1,  # the whole file moved: point at its top, like every noise finding
                fix=fix,
            )
        )
    return ctx.without_rolled_back(findings)


# Pictures and Android drawables: an icon swapped or split into `_light`/`_dark` files shares
# its boilerplate (a vector's header) with the old one, which git reads as a move.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp")
RESOURCE_DIRS = ("drawable", "mipmap")
# Modules and source sets a release build leaves out: moving a class there hides a feature.
INTERNAL_PARTS = frozenset(["internal", "debug", "dev", "devtools"])


def is_resource(path: str) -> bool:
    """A picture or an Android drawable: a resource file, not code."""
    folders = path.split("/")[:-1]
    return path.lower().endswith(IMAGE_SUFFIXES) or any(
        folder.startswith(RESOURCE_DIRS) for folder in folders
    )


def hidden_from_release(old_path: str, new_path: str) -> bool:
    """Whether NEW_PATH is in an internal or debug-only module OLD_PATH was not in
    (`app/src/main/...` -> `internal/src/main/...`, `app/src/debug/...`)."""

    def parts(path: str) -> set[str]:
        return {part for folder in path.split("/")[:-1] for part in folder.split("-")}

    return bool((parts(new_path) - parts(old_path)) & INTERNAL_PARTS)


def split_into_variants(old_path: str, new_path: str, added: Sequence[str]) -> bool:
    """Whether OLD_PATH became NEW_PATH and another added file named after the same stem."""
    directory, _, old_name = old_path.rpartition("/")
    folder = f"{directory}/" if directory else ""
    stem = old_name.split(".", 1)[0]
    prefixes = tuple(f"{folder}{stem}{separator}" for separator in VARIANT_SEPARATORS)
    return new_path.startswith(prefixes) and any(
        path != new_path and path.startswith(prefixes) for path in added
    )


def code_lines(text: str) -> list[str]:
    """The lines after the file's leading header that have a letter or digit, stripped (braces
    and blank lines match anywhere and say nothing about two files being one)."""
    lines = [line.strip() for line in text.splitlines()]
    start = 0
    while start < len(lines) and (not lines[start] or lines[start].startswith(HEADER_STARTS)):
        start += 1
    return [line for line in lines[start:] if any(char.isalnum() for char in line)]


def similar_past_headers(ctx: Context, file: FileChange) -> bool:
    """Whether a pair git found is still alike once both files' headers are set aside."""
    from difflib import SequenceMatcher  # only for the few pairs below the copy threshold

    if file.old_path is None:
        return True
    old = blob_text(ctx.repo, ctx.scope.base, file.old_path)
    new = blob_text(ctx.repo, ctx.head, file.path)
    if old is None or new is None:
        return True  # cannot tell: keep git's answer
    old_lines, new_lines = code_lines(old), code_lines(new)
    if not old_lines or not new_lines:
        return False
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return matcher.ratio() >= RENAME_MIN_SIMILARITY
