"""The rule registry: every rule's stable name, what it looks at, its check and how to fix it.

A rule is a function from a read-only Context to a list of Findings. It never prints, exits or
writes to the repository; the runner applies the configured level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hotfix_guard.context import Context
from hotfix_guard.report import Finding
from hotfix_guard.rules.backport import check_backport
from hotfix_guard.rules.branch import check_branch_base, check_branch_name
from hotfix_guard.rules.size import check_diff_size

# What a rule looks at, which decides the stages it runs in (see stages.py).
CHANGE = "change"  # the hotfix branch's change: at commit and push time
MAIN = "main"  # main itself, when it is pushed: the hotfixes merged into it


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
    Rule(
        "backport",
        MAIN,
        check_backport,
        "every hotfix merged into main has reached each of backport-branches",
        "merge each hotfix named above into the branch it has not reached (the commands are on "
        "its line); `hotfix-guard backport-status` lists them all",
    ),
)

RULES_BY_NAME = {rule.name: rule for rule in RULES}

# Hook ids of .pre-commit-hooks.yaml and the rules each runs; `hotfix-guard` runs them all.
HOOK_RULES: dict[str, tuple[str, ...]] = {
    "hotfix-branch": ("branch-name", "branch-base"),
    "hotfix-diff-size": ("diff-size",),
}
