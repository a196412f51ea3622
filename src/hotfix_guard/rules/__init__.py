"""The rule registry: every rule's stable name, what it looks at, its check and how to fix it.

A rule is a function from a read-only Context to a list of Findings. It never prints, exits or
writes to the repository; the runner applies the configured level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hotfix_guard.context import Context
from hotfix_guard.report import Finding
from hotfix_guard.rules.branch import check_branch_base, check_branch_name
from hotfix_guard.rules.identifier_rename import check_identifier_rename
from hotfix_guard.rules.moved_code import check_moved_code
from hotfix_guard.rules.noise import check_rename, check_whitespace
from hotfix_guard.rules.size import check_diff_size

# What a rule looks at, which decides the stages it runs in (see stages.py).
CHANGE = "change"  # the hotfix branch's change: at commit and push time


@dataclass(frozen=True)
class Rule:
    name: str
    subject: str
    check: Callable[[Context], list[Finding]]
    summary: str
    fix: str


RULES: tuple[Rule, ...] = (
    Rule(
        "branch-name",
        CHANGE,
        check_branch_name,
        "the hotfix branch name matches branch-name-regex",
        "rename the branch: git branch -m hotfix/<what-it-fixes>",
    ),
    Rule(
        "branch-base",
        CHANGE,
        check_branch_base,
        "the branch was cut from main and merges nothing else in",
        "cut a new branch from main and cherry-pick only the fix: "
        "git switch -c hotfix/<name> main && git cherry-pick <fix commits>",
    ),
    Rule(
        "diff-size",
        CHANGE,
        check_diff_size,
        "changed files and changed code lines stay within max-files and max-lines",
        "move the files named above to a separate change that goes through the normal release",
    ),
    # no-refactor noise: one fix, nothing else riding along
    Rule(
        "rename",
        CHANGE,
        check_rename,
        "no file is renamed, moved or copied",
        "keep the file at its old path in the hotfix; move it in a separate change",
    ),
    Rule(
        "whitespace",
        CHANGE,
        check_whitespace,
        "no whitespace-only file change and no whitespace-only hunk apart from the fix",
        "undo the reformatting in the hotfix (git checkout -p / git add -p) and reformat in a "
        "separate change",
    ),
    Rule(
        "identifier-rename",
        CHANGE,
        check_identifier_rename,
        "no identifier is renamed across several lines or files",
        "keep the old name in the hotfix; rename in a separate change",
    ),
    Rule(
        "moved-code",
        CHANGE,
        check_moved_code,
        "no block of code is moved unchanged to another place",
        "leave the code where it was in the hotfix; move it in a separate change",
    ),
)

RULES_BY_NAME = {rule.name: rule for rule in RULES}

# Hook ids of .pre-commit-hooks.yaml and the rules each runs; `hotfix-guard` runs them all.
HOOK_RULES: dict[str, tuple[str, ...]] = {
    "hotfix-branch": ("branch-name", "branch-base"),
    "hotfix-diff-size": ("diff-size",),
    "hotfix-no-refactor": ("rename", "whitespace", "identifier-rename", "moved-code"),
}
