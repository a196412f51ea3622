"""`hotfix-guard override RULE[,RULE] --reason TEXT`: record an override on the hotfix branch.

The override is a commit on the branch whose message carries the trailer
`Hotfix-Guard-Override: <rule>[, <rule>]: <reason>` (and the incident's trailers, as every hotfix
commit does): the one channel every stage reads (commit, push, finish, ci, server).

The commit has the tree of the branch's tip and is made with `git commit-tree`, then the branch
moves to it with a compare-and-swap (`update-ref NEW OLD`). So the index and the work tree are
not touched: staged and unstaged edits stay as they were, and need not be committed or stashed
first. The commit hooks do not run on it either: they would judge the very errors the override is
for, before the override exists. What is refused is only what the new commit would corrupt: a
merge, cherry-pick, revert or rebase in progress (its result would lose the override or the
override would land in the middle of it).
"""

from __future__ import annotations

from dataclasses import dataclass

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import OVERRIDE_KEY, one_line
from hotfix_guard.lifecycle.common import hotfix_record
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.report.findings import shell_word
from hotfix_guard.scope import current_branch

# What a commit in progress leaves in the git dir: the override must wait until it is done.
IN_PROGRESS = {
    "MERGE_HEAD": "a merge",
    "CHERRY_PICK_HEAD": "a cherry-pick",
    "REVERT_HEAD": "a revert",
    "rebase-merge": "a rebase",
    "rebase-apply": "a rebase or git am",
}
REASON_LIMIT = 300


@dataclass(frozen=True)
class Recorded:
    branch: str
    commit: str
    value: str  # `<rule>[, <rule>]: <reason>`


def override_value(rules_text: str, reason: str) -> str:
    """`diff-size, rename: <reason>` from `diff-size,rename` and the reason, or a UsageError: an
    unknown rule, no reason or one too short (the override rule's own checks), a reason that
    spans lines."""
    names = list(dict.fromkeys(name.strip() for name in rules_text.split(",")))
    if not all(names):
        raise UsageError(
            f"RULE {rules_text!r}: name the rules to override, separated by commas "
            "(e.g. diff-size,rename)"
        )
    text = one_line("--reason", reason, REASON_LIMIT)
    value = f"{', '.join(names)}: {text}"
    parsed = overrides.parse(value, "commit", "the override")
    if not isinstance(parsed, overrides.Override):
        raise UsageError(parsed.message)
    return value


def record_override(repo: Repository, config: Config, rules_text: str, reason: str) -> Recorded:
    """Commit the override on the checked-out hotfix branch; return what was recorded."""
    value = override_value(rules_text, reason)
    branch = current_branch(repo)
    if branch is None or not config.is_hotfix_branch(branch):
        where = f"on {branch}, not a hotfix branch" if branch else "HEAD is detached"
        raise UsageError(
            f"{where}: an override is recorded on the hotfix branch it is for "
            "(git switch hotfix/<name>)"
        )
    busy = [what for name, what in IN_PROGRESS.items() if (repo.git_dir / name).exists()]
    if busy:
        raise UsageError(
            f"{busy[0]} is in progress: finish it (or abort it) first, then record the override"
        )
    tip = repo.resolve_commit("HEAD")
    if tip is None:
        raise UsageError(f"{branch} has no commits yet: start the hotfix first")
    trailers = [*hotfix_record(repo, config, tip).trailers(), (OVERRIDE_KEY, value)]
    names = value.split(":", 1)[0]
    message = f"Override {names}\n\n" + "".join(f"{key}: {text}\n" for key, text in trailers)
    git = LifecycleGit(repo, "override")
    tree = repo.resolve_object(f"{tip}^{{tree}}")
    assert tree is not None
    commit = git.commit_tree(tree, [tip], message)
    git.update_ref(refs.local(branch), commit, tip, f"hotfix-guard override: {names}")
    return Recorded(branch, commit, value)


def recorded_lines(recorded: Recorded, remote: str | None) -> list[str]:
    """What the command prints: what was recorded, where it counts, what to do next."""
    push = (
        f"git push {shell_word(remote)} {shell_word(recorded.branch)}"
        if remote
        else "hotfix-guard finish"
    )
    return [
        f"Recorded on {recorded.branch} as commit {recorded.commit[:12]}: "
        f"{OVERRIDE_KEY}: {recorded.value}",
        "check, the commit and push hooks, finish, ci and the server honour it; "
        "hotfix-guard overrides lists it.",
        f"Next: {push} (or hotfix-guard finish --push)",
    ]
