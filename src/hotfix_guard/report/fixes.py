"""The concrete "To fix:" steps rules attach to their findings: git commands with the paths,
names and commits the rule knows, every value quoted so the line is safe to paste."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable


def quote(value: str) -> str:
    """VALUE quoted for a POSIX shell on one printable line.

    A value with a newline, a control character or bytes that are not UTF-8 (a path from git
    can hold any) becomes `$'...'` with `\\xHH` escapes, which bash and zsh read back exactly.
    """
    try:
        if value.isprintable():
            value.encode("utf-8")
            return shlex.quote(value)
    except UnicodeEncodeError:
        pass  # surrogate-escaped bytes that are not UTF-8: spelled out below
    escaped = "".join(
        chr(byte) if 0x20 <= byte < 0x7F and byte not in b"'\\" else f"\\x{byte:02x}"
        for byte in os.fsencode(value)
    )
    return f"$'{escaped}'"


def quoted(values: Iterable[str]) -> str:
    """VALUES shell-quoted, space-separated, each once, in order."""
    return " ".join(quote(value) for value in dict.fromkeys(values))


def undo_hunks(base: str, paths: Iterable[str]) -> str:
    """Pick the hunks to put back as they were at BASE, in the index and the work tree."""
    return f"git checkout -p {quote(base[:12])} -- {quoted(paths)}"


def split_out(base: str, paths: Iterable[str]) -> str:
    """Keep the files' changes in a patch for a separate change, and take them out of this one."""
    files = quoted(paths)
    source = quote(base[:12])
    return (
        f"git diff {source} -- {files} > split-out.patch && "
        f"git restore --source={source} --staged --worktree -- {files}"
    )
