"""The rule registry: every rule's stable name, what it looks at, its check and how to fix it.

A rule is a function from a read-only Context to a list of Findings. It never prints, exits or
writes to the repository; the runner applies the configured level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hotfix_guard.report import Finding
from hotfix_guard.rules.backport import check_backport
from hotfix_guard.rules.branch import check_branch_base, check_branch_name
from hotfix_guard.rules.identifier_rename import check_identifier_rename
from hotfix_guard.rules.moved_code import check_moved_code
from hotfix_guard.rules.noise import check_rename, check_whitespace
from hotfix_guard.rules.override import check_override
from hotfix_guard.rules.size import check_diff_size
from hotfix_guard.rules.tags import (
    check_tag_annotated,
    check_tag_format,
    check_tag_message,
    check_tag_target,
    check_tag_version,
)
from hotfix_guard.rules.tests import check_tests

# What a rule looks at, which decides the stages it runs in (see stages.py).
CHANGE = "change"  # the hotfix branch's change: at commit and push time
MAIN = "main"  # main itself, when it is pushed: the hotfixes merged into it
PUSHED_TREE = "pushed-tree"  # the tree of a pushed hotfix branch: at push time only
TAG = "tag"  # a release tag (a releases.TagContext): pushed tags and `check-tag`

# What a rule's check receives: a Context, or a releases.TagContext for TAG rules.
ContextT = TypeVar("ContextT")


@dataclass(frozen=True)
class Rule(Generic[ContextT]):
    name: str
    subject: str
    check: Callable[[ContextT], list[Finding]]
    summary: str
    fix: str


RULES: tuple[Rule[Any], ...] = (
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
    Rule(
        "override",
        CHANGE,
        check_override,
        "every Hotfix-Guard-Override trailer names known rules and gives a reason",
        "amend the commit's trailer to `Hotfix-Guard-Override: <rule>[, <rule>]: <reason>` "
        "(git commit --amend, or git rebase -i for an older commit)",
    ),
    # --- push time: tests and release tags (issue 4) ---
    Rule(
        "tests",
        PUSHED_TREE,
        check_tests,
        "every test-commands entry passes on exactly the commit being pushed",
        "configure test-commands and make each pass on the pushed commit "
        "(hotfix-guard run-tests runs them on HEAD), then commit and push again",
    ),
    Rule(
        "tag-format",
        TAG,
        check_tag_format,
        "a release tag matches tag-format",
        'recreate the tag under the right name: git tag -a <new name> -m "<message>" '
        "<old name>^{} && git tag -d <old name>",
    ),
    Rule(
        "tag-annotated",
        TAG,
        check_tag_annotated,
        "a release tag is annotated, not lightweight",
        "recreate it annotated, on the same commit, with the command above, then push it",
    ),
    Rule(
        "tag-message",
        TAG,
        check_tag_message,
        "a hotfix tag's message is tag-message-prefix plus a description",
        "rewrite the message with the command above (git tag -a -f keeps the name and commit)",
    ),
    Rule(
        "tag-version",
        TAG,
        check_tag_version,
        "a hotfix tag is exactly one patch above the latest release tag before it",
        "delete the tag (git tag -d <name>) and tag the commit with the version named above",
    ),
    Rule(
        "tag-target",
        TAG,
        check_tag_target,
        "a hotfix tag points at a commit on main",
        "delete the tag (git tag -d <name>), merge the hotfix into main, and tag the merge",
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
    "hotfix-no-refactor": ("rename", "whitespace", "identifier-rename", "moved-code"),
    "hotfix-tests": ("tests",),
    "hotfix-tag": ("tag-format", "tag-annotated", "tag-message", "tag-version", "tag-target"),
}
