"""The answer for most commits, "not a hotfix branch", before click or git libraries load.

Every commit of every developer pays for this hook, and most are not on hotfix branches, so this
path asks git one question, reads the config, and decides. Anything unusual (a detached HEAD, an
unborn branch, a broken config, a tag or main being pushed, explicit options) takes the full path,
which reports it properly.

Loading and validating the config costs more than the rest of this path (tomllib, and dataclasses,
which imports inspect), so the two settings it needs are remembered in
`<git dir>/hotfix-guard/fast-path`, keyed by the config files' size, times and inode and by the
hotfix-guard version: an edited, added or removed config file, or an upgrade, reads it afresh.
Only a config that validated is remembered, so a broken one still takes the full path.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase

from hotfix_guard import __version__
from hotfix_guard.catalog import HOTFIX_BRANCH_RULES

CACHE_NAME = os.path.join("hotfix-guard", "fast-path")
CONFIG_FILES = (".hotfix-guard.toml", "pyproject.toml")
DEFAULT_BRANCH_PATTERNS = ("hotfix/*",)  # config.py's default, without importing it


def nothing_to_check(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """True when `hotfix-guard ARGS` would certainly pass silently: not a hotfix branch."""
    if args and args[0] == "trailers":
        return len(args) >= 2 and _no_trailers_to_add()
    if not args or args[0] not in ("hook", "check") or not _only_change_rules(args[0], args[1:]):
        return False
    if args[0] == "hook" and "PRE_COMMIT_IS_SQUASH_MERGE" in environ:
        return False  # post-merge: the backport reminder runs on main
    pushing = args[0] == "hook" and (
        "PRE_COMMIT_LOCAL_BRANCH" in environ or "PRE_COMMIT_TO_REF" in environ
    )
    if pushing:
        ref, root, git_dir = environ.get("PRE_COMMIT_LOCAL_BRANCH", ""), ".", None
    else:
        result = subprocess.run(
            [
                "git",
                "rev-parse",
                "--show-toplevel",
                "--absolute-git-dir",
                "--symbolic-full-name",
                "HEAD",
            ],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            return False
        output = os.fsdecode(result.stdout).rstrip("\n").split("\n")
        if len(output) != 3:
            return False
        root, git_dir, ref = output
    if not ref.startswith("refs/heads/"):
        return False
    branch = ref[len("refs/heads/") :]
    settings = _branch_settings(root, git_dir)
    if settings is None:
        return False
    patterns, main_branch = settings
    folded = branch.casefold()
    if any(fnmatchcase(folded, pattern.casefold()) for pattern in patterns):
        return False  # a hotfix branch, or one in the wrong case (a branch-name error)
    # A push of main may owe backports; let the full path look.
    return not (pushing and _is_main(branch, main_branch))


def _no_trailers_to_add() -> bool:
    """The message hooks on a branch that is no hotfix branch, git-flow's prefix included."""
    result = subprocess.run(
        [
            "git",
            "rev-parse",
            "--show-toplevel",
            "--absolute-git-dir",
            "--symbolic-full-name",
            "HEAD",
        ],
        capture_output=True,
        check=False,
    )
    output = os.fsdecode(result.stdout).rstrip("\n").split("\n")
    if result.returncode != 0 or len(output) != 3 or not output[2].startswith("refs/heads/"):
        return False  # detached, unborn or odd: the full path decides
    root, git_dir, ref = output
    branch = ref[len("refs/heads/") :]
    settings = _branch_settings(root, git_dir)
    if settings is None or any(fnmatchcase(branch, pattern) for pattern in settings[0]):
        return False
    if settings[0] != DEFAULT_BRANCH_PATTERNS:
        return True
    # The lifecycle commands read git-flow's hotfix prefix when branch-patterns is the default.
    prefix = subprocess.run(
        ["git", "config", "--get", "gitflow.prefix.hotfix"], capture_output=True, check=False
    )
    return not (prefix.stdout.strip() and branch.startswith(os.fsdecode(prefix.stdout.strip())))


def _is_main(branch: str, main_branch: str) -> bool:
    """Whether BRANCH is main as scope.find_main sees it: configured, main, master, origin/HEAD."""
    if main_branch:
        return branch == main_branch
    if branch in ("main", "master"):
        return True
    result = subprocess.run(
        ["git", "symbolic-ref", "-q", "refs/remotes/origin/HEAD"], capture_output=True, check=False
    )
    remote_head = result.stdout.decode(errors="surrogateescape").strip()
    return remote_head == f"refs/remotes/origin/{branch}"


def _branch_settings(root: str, git_dir: str | None) -> tuple[tuple[str, ...], str] | None:
    """branch-patterns and main-branch ("" for the default) of a valid config, else None."""
    signature = _config_signature(root)
    cache = os.path.join(git_dir, CACHE_NAME) if git_dir else None
    if cache is not None:
        try:
            with open(cache, "rb") as remembered:
                fields = os.fsdecode(remembered.read()).split("\0")
            if fields[0] == signature and len(fields) >= 3:
                return tuple(fields[2:]), fields[1]
        except OSError:
            pass
    from pathlib import Path

    from hotfix_guard.config import load
    from hotfix_guard.errors import UsageError

    try:
        config = load(Path(root))
    except UsageError:
        return None
    settings = (config.branch_patterns, config.main_branch or "")
    if cache is not None and not any("\0" in text for text in (*settings[0], settings[1])):
        _remember(cache, "\0".join((signature, settings[1], *settings[0])))
    return settings


def _config_signature(root: str) -> str:
    """What changes whenever the config could read differently."""
    parts = [__version__]
    for name in CONFIG_FILES:
        try:
            info = os.stat(os.path.join(root, name))
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}")
    return " ".join(parts)


def _remember(cache: str, text: str) -> None:
    """Write the cache atomically; a read-only git dir just means no cache."""
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        temporary = f"{cache}.{os.getpid()}"
        with open(temporary, "wb") as out:
            out.write(os.fsencode(text))
        os.replace(temporary, cache)
    except OSError:
        pass


def _only_change_rules(command: str, options: Sequence[str]) -> bool:
    """Whether OPTIONS are only `--rule` choices of hotfix-branch rules (and, for check, the
    --staged flags). Anything else, --help and mistakes included, is for the full path to say."""
    flags = ("--staged", "--no-staged") if command == "check" else ()
    expects_rule = False
    for option in options:
        if expects_rule:
            rule, expects_rule = option, False
        elif option == "--rule":
            expects_rule = True
            continue
        elif option.startswith("--rule="):
            rule = option.partition("=")[2]
        elif option in flags:
            continue
        else:
            return False
        if rule not in HOTFIX_BRANCH_RULES:
            return False
    return not expects_rule
