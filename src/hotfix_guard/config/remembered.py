"""What a hook may remember between commits, in `<git dir>/hotfix-guard/`: written whole or not at
all, and read back only when what it was made from is unchanged.

Every commit pays for the hook, so it keeps what costs more to recompute than to read: the fast
path's two settings (engine/fastpath.py) and the parsed TOML of the config file (tomllib and its
regexes cost more than the check of a small change reads from git). The parsed table is kept
with the exact bytes it came from and the Python version (marshal's format is Python's own), so
an edit, an upgrade or a damaged file reads the TOML afresh. Committed configs (a push, `ci`,
finish) are remembered the same way in a clone: the bytes read from git are the key, so what
judges is unchanged. A server's bare repository is never written to.
"""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any

FOLDER = "hotfix-guard"
FORMAT = 1


def path(git_dir: str, name: str) -> str:
    return os.path.join(git_dir, FOLDER, name)


def write_atomically(file: str, data: bytes) -> None:
    """FILE holds DATA or what it held before, never half; a read-only git dir keeps nothing."""
    try:
        os.makedirs(os.path.dirname(file), exist_ok=True)
        temporary = f"{file}.{os.getpid()}"
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, file)
    except OSError:
        pass


def parsed_toml(git_dir: str, name: str, data: bytes) -> dict[str, Any] | None:
    """The table remembered for config file NAME when its bytes are still DATA, else None."""
    try:
        with open(path(git_dir, f"parsed-{name}"), "rb") as file:
            saved = marshal.load(file)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (
        isinstance(saved, tuple)
        and len(saved) == 4
        and saved[:3] == (FORMAT, sys.version_info[:2], data)
        and isinstance(saved[3], dict)
    ):
        return saved[3]
    return None


def remember_toml(git_dir: str, name: str, data: bytes, table: dict[str, Any]) -> None:
    """Keep TABLE, parsed from DATA, for the next commit."""
    try:
        blob = marshal.dumps((FORMAT, sys.version_info[:2], data, table))
    except ValueError:  # a TOML date or time: marshal cannot keep it, so parse each time
        return
    write_atomically(path(git_dir, f"parsed-{name}"), blob)
