"""Other work trees: git run there without the calling hook's GIT_* variables, and what a work
tree has changed (`git status`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hotfix_guard.git.light import git_command, git_environment
from hotfix_guard.git.process import GitError
from hotfix_guard.git.repository import Repository

# Variables that point git at one repository; commands run in another work tree must not see them.
_KEPT_GIT_VARIABLES = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_ASKPASS",
        "GIT_TERMINAL_PROMPT",
    }
)


def environment_for_other_work_tree(environ: dict[str, str]) -> dict[str, str]:
    """ENVIRON without the GIT_* variables that tie git to the repository of the calling hook."""
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith("GIT_")
        or name in _KEPT_GIT_VARIABLES
        or name.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    }


def run_in_work_tree(work_tree: Path, args: Sequence[str]) -> bytes:
    """`git ARGS` in another work tree, with no inherited GIT_DIR or GIT_INDEX_FILE."""
    result = subprocess.run(
        git_command(args),
        cwd=work_tree,
        capture_output=True,
        check=False,
        env=git_environment(environment_for_other_work_tree(dict(os.environ))),
    )
    if result.returncode != 0:
        raise GitError(args, result.returncode, result.stderr)
    return result.stdout


def tracked_changes(
    work_tree: Path, *, untracked: bool, repo: Repository | None = None
) -> list[str]:
    """Paths `git status` reports as changed (and untracked ones too when asked), NUL-safe.

    With REPO, its own work tree as the caller named it (GIT_DIR kept); else WORK_TREE's."""
    args = [
        "--no-optional-locks",
        "status",
        "--porcelain=v1",
        "-z",
        f"--untracked-files={'normal' if untracked else 'no'}",
    ]
    output = repo.git(*args) if repo is not None else run_in_work_tree(work_tree, args)
    items = output.split(b"\0")
    paths = []
    index = 0
    while index < len(items):
        entry = items[index]
        index += 1
        if not entry:
            continue
        paths.append(os.fsdecode(entry[3:]))
        if entry[:1] in (b"R", b"C"):
            index += 1  # the entry's original path follows
    return paths
