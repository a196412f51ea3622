"""What finish verifies between its steps, so that it pushes exactly the checked hotfix.

- A merge resolved by hand (a conflict the user settled, then `finish --continue`) is code that
  no check has seen: its tests run on the merge commit itself, with the config committed there,
  before finish goes on. A merge git made alone has the tree of its automatic merge and needs
  nothing more.
- main, when finish pushes it, holds the merge finish made and nothing after it: a commit made
  on main while finish was stopped would otherwise be released with the hotfix.
"""

from __future__ import annotations

from hotfix_guard.config.loader import load_at
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.lifecycle.common import named_commits
from hotfix_guard.report.findings import ERROR, shell_word


def resolved_by_hand(repo: Repository, merge: str, ours: str, theirs: str) -> bool:
    """Whether MERGE's tree differs from git's automatic merge of THEIRS into OURS."""
    automatic = LifecycleGit(repo).predict_merge(ours, theirs)
    return bool(automatic.conflicts) or automatic.tree != repo.resolve_object(f"{merge}^{{tree}}")


def hand_merge_failure(
    repo: Repository, branch: str, merge: str, ours: str, theirs: str
) -> str | None:
    """Why MERGE into BRANCH must not be pushed: its tests fail. None when it was not resolved by
    hand or its tests pass (or none are configured)."""
    if not resolved_by_hand(repo, merge, ours, theirs):
        return None
    # Only a merge resolved by hand runs tests: a clean finish does not load the test runner.
    from hotfix_guard.testrun.run import tests_findings

    config = load_at(repo, merge)
    failed = [f for f in tests_findings(repo, config, merge, branch) if f.severity == ERROR]
    if not failed:
        return None
    return (
        f"the merge into {branch} resolved by hand ({merge[:12]}) fails its tests: "
        f"{failed[0].message}; fix the resolution (edit, git add, git commit --amend on "
        f"{shell_word(branch)})"
    )


def foreign_on_main(repo: Repository, main: str, merged: str) -> str | None:
    """Why MAIN must not be pushed: it moved past MERGED (finish's own merge). None when not."""
    tip = repo.resolve_commit(refs.local(main))
    if tip == merged:
        return None
    if tip is None or not repo.is_ancestor(merged, tip):
        return (
            f"{main} no longer holds finish's merge {merged[:12]} (it is at "
            f"{tip[:12] if tip else 'nothing'}): put it back "
            f"(git switch {shell_word(main)} && git reset --keep {merged[:12]})"
        )
    commits = [line[0] for line in repo.commits_with_parents(tip, [merged])]
    keep = f"{main}-unpushed-{commits[0][:8]}"
    return (
        f"{main} has {len(commits)} commit(s) after finish's merge {merged[:12]} "
        f"({named_commits(repo, commits)}): "
        "finish pushes only its own merge; keep them on a branch and put main back "
        f"(git branch {shell_word(keep)} {shell_word(main)} && git switch {shell_word(main)} "
        f"&& git reset --keep {merged[:12]})"
    )
