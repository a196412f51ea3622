"""Running git, light: the settings every git call pins, and a runner that loads nothing.

process.py runs git for the rest of hotfix-guard (errors, time limits, streams) and builds its
command lines here. The fast path of every commit runs git through `git_output`, which imports
only `os`: importing subprocess (signal, threading, selectors) would cost that path more than the
git call itself.

The user's settings must not change what hotfix-guard reads: every git call carries `-c` options
that pin what `git log` and diffs print (signatures, colour, prefixes, context, encoding), and the
variables that reshape diffs (GIT_DIFF_OPTS, GIT_EXTERNAL_DIFF) are left out of its environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

# Settings that would change what git prints for hotfix-guard to read, pinned on every call.
PINNED_CONFIG = (
    "log.showSignature=false",
    "color.ui=false",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.context=3",
    "diff.interHunkContext=0",
    "diff.algorithm=myers",
    "diff.suppressBlankEmpty=false",
    "i18n.logOutputEncoding=UTF-8",
    "core.quotePath=true",
)
PINNED_OPTIONS = tuple(option for setting in PINNED_CONFIG for option in ("-c", setting))
# Variables that reshape every diff git prints, plumbing included.
IGNORED_VARIABLES = ("GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF")


def git_command(args: Sequence[str]) -> list[str]:
    """The command line for `git ARGS` with the user's output settings pinned."""
    return ["git", *PINNED_OPTIONS, *args]


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for git: BASE (default: ours) minus the variables that reshape diffs."""
    source = os.environ if base is None else base
    return {name: value for name, value in source.items() if name not in IGNORED_VARIABLES}


def git_output(args: Sequence[str]) -> bytes | None:
    """The output of `git ARGS`, or None when it fails (or git cannot be run: the full path then
    says so). Spawned without the subprocess module where the system has posix_spawn: importing
    subprocess (signal, threading, selectors) costs this path more than the git call itself."""
    command = git_command(args)
    if not hasattr(os, "posix_spawnp"):  # pragma: no cover - Windows
        import subprocess

        result = subprocess.run(command, capture_output=True, check=False)
        return result.stdout if result.returncode == 0 else None
    read_end, write_end = os.pipe()  # both close on exec; the child's stdout is a copy
    try:
        pid = os.posix_spawnp(
            "git",
            command,
            git_environment(),
            file_actions=[
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
            ],
        )
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    with open(read_end, "rb") as stdout:
        output = stdout.read()
    _, status = os.waitpid(pid, 0)
    return output if os.waitstatus_to_exitcode(status) == 0 else None
