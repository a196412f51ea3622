"""The answer for most commits, "not a hotfix branch", before click or git libraries load.

Every commit of every developer pays for this hook, and most are not on hotfix branches, so this
path asks git one question, reads the config, and decides. Anything unusual (a detached HEAD, an
unborn branch, a broken config, a tag or main being pushed, explicit options) takes the full path,
which reports it properly.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from hotfix_guard.config import load
from hotfix_guard.errors import UsageError

# The rules that only look at a hotfix branch's change; any other rule may apply elsewhere.
CHANGE_RULES = frozenset(
    {
        "branch-name",
        "branch-base",
        "diff-size",
        "rename",
        "whitespace",
        "identifier-rename",
        "moved-code",
        "tests",
    }
)
# Options after which the full path must decide (another range or stage; JSON always prints).
FULL_PATH_OPTIONS = ("--head", "--base", "--stage", "--format")


def nothing_to_check(args: Sequence[str], environ: Mapping[str, str]) -> bool:
    """True when `hotfix-guard ARGS` would certainly pass silently: not a hotfix branch."""
    if not args or args[0] not in ("hook", "check") or not _only_change_rules(args[1:]):
        return False
    if args[0] == "hook" and "PRE_COMMIT_IS_SQUASH_MERGE" in environ:
        return False  # post-merge: the backport reminder runs on main
    pushing = args[0] == "hook" and (
        "PRE_COMMIT_LOCAL_BRANCH" in environ or "PRE_COMMIT_TO_REF" in environ
    )
    if pushing:
        ref, root = environ.get("PRE_COMMIT_LOCAL_BRANCH", ""), "."
    else:
        result = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "--symbolic-full-name", "HEAD"],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            return False
        root, _, ref = result.stdout.decode(errors="surrogateescape").rstrip("\n").partition("\n")
    if not ref.startswith("refs/heads/"):
        return False
    branch = ref[len("refs/heads/") :]
    try:
        config = load(Path(root))
    except UsageError:
        return False
    if config.is_hotfix_branch(branch):
        return False
    # A push of main may owe backports; let the full path look.
    return not (
        pushing and branch in ((config.main_branch,) if config.main_branch else ("main", "master"))
    )


def _only_change_rules(options: Sequence[str]) -> bool:
    rules = []
    for index, option in enumerate(options):
        if option.startswith(FULL_PATH_OPTIONS):
            return False
        if option == "--rule" and index + 1 < len(options):
            rules.append(options[index + 1])
        elif option.startswith("--rule="):
            rules.append(option.partition("=")[2])
    return all(rule in CHANGE_RULES for rule in rules)
