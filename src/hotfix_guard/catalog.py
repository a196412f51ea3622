"""The rule catalog: every rule's facts in one entry, and everything else derived from it.

One entry per rule: its stable name, what it looks at (which decides the stages it runs in), where
its check lives, its default level, the pre-commit hook id that runs it alone,
the fix hint shown when it fails, and its own options. Config defaults and validation, `--rule`
choices, the fast path's list, the hook families and the meta-tests all read this module.

It imports nothing but the standard library's typing, and no check module: the fast path of every
commit loads it, and a rule's module is imported only when the rule runs (`load_check`).

Adding a rule is one module under rules/ plus one entry here (CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import Any, Callable, Literal, NamedTuple

Level = Literal["error", "warn", "off"]
LEVELS: tuple[Level, ...] = ("error", "warn", "off")

# What a rule looks at:
#   change       the hotfix branch's change, at commit and push time (a context.Context)
#   pushed-tree  the tree of a pushed hotfix branch, at push time only (a context.Context)
#   main         main itself, when it is pushed: the hotfixes merged into it (a context.Context)
#   tag          a release tag, pushed or named to `check-tag` (a releases.TagContext)
Subject = Literal["change", "pushed-tree", "main", "tag"]
CHANGE: Subject = "change"
PUSHED_TREE: Subject = "pushed-tree"
MAIN: Subject = "main"
TAG: Subject = "tag"

# How an option's value is validated (config/values.py maps each kind to its validator).
OptionKind = Literal["positive-int", "non-negative-int", "patterns"]


class Option(NamedTuple):
    """A setting that belongs to one rule; its config key is `key` at the top level."""

    key: str
    kind: OptionKind
    default: Any
    help: str


class Rule(NamedTuple):
    name: str
    subject: Subject
    # "module:function" under hotfix_guard.rules (read-only checks), or a dotted path under
    # hotfix_guard for a rule that runs commands (the tests gate); imported only when it runs.
    check: str
    hook: str  # the single-purpose pre-commit hook id that runs this rule's family
    fix: str  # the "To fix:" hint when the rule fails
    summary: str  # when the rule holds: docs/rules.md's Rules table and SARIF's rule descriptions
    default_level: Level = "error"
    options: tuple[Option, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "branch-name",
        CHANGE,
        "branch:check_branch_name",
        "hotfix-branch",
        "rename the branch: git branch -m hotfix/<what-it-fixes>",
        summary="the hotfix branch name matches branch-name-regex",
    ),
    Rule(
        "branch-base",
        CHANGE,
        "branch:check_branch_base",
        "hotfix-branch",
        "cut a new branch from main and cherry-pick only the fix: "
        "git switch -c hotfix/<name> main && git cherry-pick <fix commits>",
        summary=(
            "the branch was cut from main: it carries no commits of develop or any other branch "
            "that are not on main, and merges nothing else in"
        ),
    ),
    Rule(
        "diff-size",
        CHANGE,
        "size:check_diff_size",
        "hotfix-diff-size",
        "move the files named above to a separate change that goes through the normal release",
        summary=(
            "changed files <= max-files and changed code lines (added + removed) <= max-lines; "
            "files matching exclude or test-paths are listed but not counted; the lines of "
            "commits that revert commits on main (a rollback) are not counted"
        ),
    ),
    Rule(
        "rename",
        CHANGE,
        "rename:check_rename",
        "hotfix-no-refactor",
        "keep the file at its old path in the hotfix; move it in a separate change",
        summary="no file is renamed, moved or copied",
    ),
    Rule(
        "whitespace",
        CHANGE,
        "noise:check_whitespace",
        "hotfix-no-refactor",
        "undo the reformatting in the hotfix (git checkout -p / git add -p) and reformat in a "
        "separate change",
        options=(
            Option(
                "whitespace-warn-lines",
                "non-negative-int",
                2,
                "whitespace-only changed lines in a file the fix touches that only warn "
                "(0: never warn); chosen on real hotfixes, see benchmarks/calibration.md",
            ),
        ),
        summary=(
            "no whitespace-only file change and no whitespace-only hunk apart from a real change"
        ),
    ),
    Rule(
        "identifier-rename",
        CHANGE,
        "identifier_rename:check_identifier_rename",
        "hotfix-no-refactor",
        "keep the old name in the hotfix; rename in a separate change",
        options=(
            Option(
                "identifier-rename-min-lines",
                "positive-int",
                3,
                "changed lines the same substitution must repeat on to count as a rename",
            ),
        ),
        summary="no identifier is renamed across several lines or files",
    ),
    Rule(
        "moved-code",
        CHANGE,
        "moved_code:check_moved_code",
        "hotfix-no-refactor",
        "leave the code where it was in the hotfix; move it in a separate change",
        options=(
            Option(
                "moved-code-min-lines",
                "positive-int",
                5,
                "significant lines (with a letter or digit, comments left out) a block must "
                "have to count as moved",
            ),
        ),
        summary="no block of code is moved unchanged",
    ),
    Rule(
        "override",
        CHANGE,
        "override:check_override",
        "hotfix-branch",
        "amend the commit's trailer to `Hotfix-Guard-Override: <rule>[, <rule>]: <reason>` "
        "(git commit --amend, or git rebase -i for an older commit)",
        summary=(
            "every Hotfix-Guard-Override trailer names rules that exist and gives a reason of at "
            "least 10 characters"
        ),
    ),
    Rule(
        "tests",
        PUSHED_TREE,
        "testrun.gate:check_tests",
        "hotfix-tests",
        "configure test-commands and make each pass on the pushed commit "
        "(hotfix-guard run-tests runs them on HEAD), then commit and push again",
        summary="every test-commands entry passes on exactly the tree being pushed",
    ),
    Rule(
        "tag-format",
        TAG,
        "tags:check_tag_format",
        "hotfix-tag",
        'recreate the tag under the right name: git tag -a <new name> -m "<message>" '
        "<old name>^{} && git tag -d <old name>",
        summary="a release tag matches tag-format",
    ),
    Rule(
        "tag-annotated",
        TAG,
        "tags:check_tag_annotated",
        "hotfix-tag",
        "recreate it annotated, on the same commit, with the command above, then push it",
        summary="a release tag is annotated, not lightweight",
    ),
    Rule(
        "tag-message",
        TAG,
        "tags:check_tag_message",
        "hotfix-tag",
        "rewrite the message with the command above (git tag -a -f keeps the name and commit)",
        summary="a hotfix tag's message is tag-message-prefix plus a description",
    ),
    Rule(
        "tag-version",
        TAG,
        "tags:check_tag_version",
        "hotfix-tag",
        "delete the tag (git tag -d <name>) and tag the commit with the version named above",
        summary="a hotfix tag is exactly one patch above the latest release tag before it",
    ),
    Rule(
        "tag-target",
        TAG,
        "tags:check_tag_target",
        "hotfix-tag",
        "delete the tag (git tag -d <name>), merge the hotfix into main, and tag the merge",
        summary=(
            "a hotfix tag points at a commit on main and ships its hotfix alone: between the "
            "previous release tag on its line and a tagged merge lie only that merge and the "
            "hotfix's commits"
        ),
    ),
    Rule(
        "version-files",
        TAG,
        "version_files:check_version_files",
        "hotfix-tag",
        "delete the tag (git tag -d <name>), commit the tag's version to the files named above "
        "on the hotfix branch, merge it into main and tag the merge (hotfix-guard finish bumps "
        "them itself); a project that versions in CI sets version-files = []",
        summary="every version file in a hotfix tag's tree states the tag's version",
    ),
    Rule(
        "backport",
        MAIN,
        "backport:check_backport",
        "hotfix-backport",
        "merge each hotfix named above into the branch it has not reached (the commands are on "
        "its line); `hotfix-guard backport-status` lists them all",
        default_level="warn",
        summary="every hotfix merged into main has reached each of backport-branches",
    ),
    Rule(
        "hotfix-merge",
        MAIN,
        "merge:check_hotfix_merge",
        "hotfix-backport",
        "undo the fast-forward and merge the hotfix with --no-ff (the commands are on its line), "
        "then push main again",
        summary=(
            "a hotfix reaches main through a merge commit (git merge --no-ff), not a fast-forward"
        ),
    ),
    Rule(
        "main-landing",
        MAIN,
        "landing:check_main_landing",
        "hotfix-backport",
        "keep the commits on a branch and move main back (the commands are above), then bring "
        "the change through a hotfix or release branch merged with --no-ff",
        options=(
            Option(
                "main-landing-branches",
                "patterns",
                ("release/*",),
                "branches (glob patterns) whose merges may land on main besides the hotfix "
                "branches (branch-patterns), which the branch rules judge",
            ),
        ),
        summary=(
            "main moves only by merges of hotfix branches (each judged by the branch rules on "
            "what it brings to main, first parent to merge, with main's config from before the "
            "update) and of main-landing-branches (release/*); a direct commit, a fast-forward "
            "of develop, a squash or a merge of another branch is refused; a commit that only "
            "adds postmortems may go straight to main; runs when main is pushed (client and "
            "server) and in ci on main"
        ),
    ),
    Rule(
        "feature-flag",
        CHANGE,
        "feature_flag:check_feature_flag",
        "hotfix-branch",
        "move the code change to a hotfix of its own (hotfix-guard start --mitigation hotfix), "
        "and keep only the flag files in this one",
        summary="a feature-flag mitigation changes only files matching feature-flag-paths",
    ),
    Rule(
        "severity",
        CHANGE,
        "severity:check_severity",
        "hotfix-branch",
        "record the severity in the next commit: git commit --trailer 'Severity: P1' (the "
        "runbook's levels: hotfix-guard start --help)",
        default_level="warn",
        summary="the hotfix's commits carry a Severity: trailer of P0..P3",
    ),
    Rule(
        "postmortem",
        MAIN,
        "postmortem:check_postmortem",
        "hotfix-backport",
        "draft it from git (hotfix-guard postmortem <tag>), fill in what git cannot know, "
        "and commit it to main",
        default_level="warn",
        summary="a hotfix tag older than postmortem-due has a file in postmortem-dir that names it",
    ),
)

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
RULE_NAMES: tuple[str, ...] = tuple(BY_NAME)
DEFAULT_LEVELS: dict[str, Level] = {rule.name: rule.default_level for rule in RULES}
OPTIONS: dict[str, Option] = {option.key: option for rule in RULES for option in rule.options}
# The rules that only look at a hotfix branch: off a hotfix branch none of them has anything to say.
HOTFIX_BRANCH_RULES = frozenset(
    rule.name for rule in RULES if rule.subject in (CHANGE, PUSHED_TREE)
)


def rules_of_hook(hook_id: str) -> tuple[str, ...]:
    """The rules a single-purpose hook id runs, in catalog order."""
    return tuple(rule.name for rule in RULES if rule.hook == hook_id)


def hook_ids() -> tuple[str, ...]:
    """The single-purpose hook ids, in catalog order."""
    return tuple(dict.fromkeys(rule.hook for rule in RULES))


def load_check(rule: Rule) -> Callable[[Any], list[Any]]:
    """Import the rule's check function (its module is loaded only now)."""
    from importlib import import_module

    module, _, function = rule.check.partition(":")
    package = "hotfix_guard" if "." in module else "hotfix_guard.rules"
    check: Callable[[Any], list[Any]] = getattr(import_module(f"{package}.{module}"), function)
    return check
