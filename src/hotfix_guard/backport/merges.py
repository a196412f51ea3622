"""Hotfixes merged into main: which, and how each landed there.

A hotfix lands on main in one of these shapes, each recognised on main's first-parent chain:
- a merge commit (`git merge --no-ff`, resolved conflicts included) whose subject names the branch
  the way git or a forge writes it, or whose second parent is a hotfix branch's tip;
- a fast-forward: main's reflog says `merge hotfix/x: Fast-forward`, or a remote-tracking hotfix
  branch's tip sits on main's first-parent chain (a forge's fast-forward merge);
- a squash: a commit on main with the same patch id as the whole change of a hotfix branch that
  still exists, locally or on a remote, and is not merged;
- a rebase (a forge's "rebase and merge"): commits on main with the patch ids of all the commits
  of such a branch.
Where each went afterwards: reach.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

from hotfix_guard import scope as scopes
from hotfix_guard.config.loader import Config
from hotfix_guard.git import refs
from hotfix_guard.git.commits import LoggedCommit
from hotfix_guard.git.refs import branch_name, remote_of
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk

# How far back `backport-status` and the push of main look for hotfixes merged into main.
DEFAULT_WINDOW_DAYS = 90

Landing = Literal["merge", "fast-forward", "squash", "rebase"]
MERGE: Landing = "merge"
FAST_FORWARD: Landing = "fast-forward"
SQUASH: Landing = "squash"
REBASE: Landing = "rebase"

# Subjects of merge commits, as git and the common forges write them; the branch is group 1.
MERGE_SUBJECTS = (
    # git; GitLab adds " into 'main'". Lazy up to a quote that ends the name: names may hold quotes.
    re.compile(r"Merge branch '(.+?)'(?: of \S+)?(?: into .+)?$"),
    re.compile(r"Merge remote-tracking branch '[^/']+/(.+?)'(?: into .+)?$"),
    re.compile(r"Merge pull request #\d+ from [^/\s]+/(\S+)"),  # GitHub
    re.compile(r"Merged in (\S+) \(pull request #\d+\)"),  # Bitbucket
)
FAST_FORWARD_REFLOG = re.compile(r"merge (\S+): Fast-forward")


class HotfixMerge(NamedTuple):
    """One hotfix that landed on main: `base..tip` are its own commits, `commit` is on main.

    `base` is main just before the merge (or where the hotfix was cut, for a squash).
    """

    branch: str
    how: Landing
    commit: str
    tip: str
    base: str
    landed: int


def merged_branch(subject: str) -> str | None:
    """The branch a merge commit's subject names, if it is in a form git or a forge writes."""
    for pattern in MERGE_SUBJECTS:
        match = pattern.match(subject)
        if match:
            return match.group(1)
    return None


def hotfix_tips(repo: Repository, config: Config) -> dict[str, tuple[str, str]]:
    """Hotfix branches, local and remote-tracking: ref -> (branch name, tip)."""
    tips = {}
    for ref, sha in repo.refs.items():
        name = branch_name(ref)
        if name is not None and config.is_hotfix_branch(name):
            tips[ref] = (name, sha)
    return tips


def recognise(
    repo: Repository,
    config: Config,
    main: scopes.MainBranch,
    heads: Sequence[str],
    exclude: Sequence[str] = (),
    since: int | None = None,
) -> list[HotfixMerge]:
    """The hotfixes landed by main's first-parent commits in HEADS minus EXCLUDE, newest first."""
    walk = Walk(tuple(heads), tuple(exclude), since, first_parent=True)
    log = repo.first_parent_log(walk)
    if not log:
        return []
    branches = hotfix_tips(repo, config)
    by_tip = {sha: name for name, sha in branches.values()}
    fast_forwards = _fast_forwards(repo, config, main, branches)
    fast_forwarded: set[str] = set()  # branches seen fast-forwarded, newest first
    found: list[HotfixMerge] = []
    for commit in log:
        if len(commit.parents) > 1:
            tip = commit.parents[1]
            name = merged_branch(commit.subject)
            if name is None or not config.is_hotfix_branch(name):
                name = by_tip.get(tip)
            if name is not None:
                found.append(
                    HotfixMerge(name, MERGE, commit.sha, tip, commit.parents[0], commit.committed)
                )
        elif commit.sha in fast_forwards and commit.parents:
            name, before = fast_forwards[commit.sha]
            if before is None and name in fast_forwarded:
                continue  # a stale remote copy's tip, inside a newer fast-forward of the branch
            fast_forwarded.add(name)
            base = before or commit.parents[0]
            found.append(
                HotfixMerge(name, FAST_FORWARD, commit.sha, commit.sha, base, commit.committed)
            )
    if any(len(commit.parents) == 1 for commit in log):
        found.extend(_replayed(repo, branches, heads, log, walk))
    found.sort(key=lambda hotfix: hotfix.landed, reverse=True)
    return found


def _fast_forwards(
    repo: Repository,
    config: Config,
    main: scopes.MainBranch,
    branches: dict[str, tuple[str, str]],
) -> dict[str, tuple[str, str | None]]:
    """Commits main was fast-forwarded to from a hotfix: commit -> (branch, previous main)."""
    found: dict[str, tuple[str, str | None]] = {
        sha: (name, None) for ref, (name, sha) in branches.items() if remote_of(ref) is not None
    }
    local = refs.local(main.name)
    if local in main.refs:
        reflog = repo.reflog_subjects(local)
        for index, (sha, message) in enumerate(reflog):
            match = FAST_FORWARD_REFLOG.fullmatch(message)
            if match and config.is_hotfix_branch(match.group(1)):
                before = reflog[index + 1][0] if index + 1 < len(reflog) else None
                found[sha] = (match.group(1), before)
    return found


def _replayed(
    repo: Repository,
    branches: dict[str, tuple[str, str]],
    heads: Sequence[str],
    log: list[LoggedCommit],
    walk: Walk,
) -> list[HotfixMerge]:
    """Hotfix branches not merged into main whose change main carries anyway: squashed into one
    commit (same patch id as the whole change), or rebased commit by commit (same patch ids).

    A constant number of git calls however many hotfix branches there are: this runs on every
    commit on main, and stale hotfix branches pile up.
    """
    names = {tip: name for name, tip in branches.values()}
    outside = repo.unmerged_commits(list(names), heads)
    forks, own = {}, {}
    for tip in names:
        if tip in outside:
            fork, own[tip] = cut_point(repo, outside, tip, heads)
            if fork:
                forks[tip] = fork
    if not forks:
        return []
    on_main = repo.patch_ids(walk._replace(merges=False))
    whole = repo.range_patch_ids([(fork, tip) for tip, fork in forks.items()])
    by_commit = {
        commit: patch_id
        for patch_id, commit in repo.patch_ids(
            Walk(tuple(forks), tuple(heads), merges=False)
        ).items()
    }
    landed = {commit.sha: commit.committed for commit in log}
    newest_first = [commit.sha for commit in log]
    found = []
    for tip, fork in forks.items():
        if whole.get(tip) in on_main:
            commit = on_main[whole[tip]]
            found.append(HotfixMerge(names[tip], SQUASH, commit, tip, fork, landed[commit]))
            continue
        patch_ids = [by_commit[commit] for commit in own[tip] if commit in by_commit]
        if patch_ids and all(patch_id in on_main for patch_id in patch_ids):
            # The newest of them, by position on main: commits of one rebase share a second.
            commit = min((on_main[patch_id] for patch_id in patch_ids), key=newest_first.index)
            found.append(HotfixMerge(names[tip], REBASE, commit, tip, fork, landed[commit]))
    return found


def cut_point(
    repo: Repository, outside: dict[str, tuple[str, ...]], tip: str, main_side: Sequence[str]
) -> tuple[str | None, set[str]]:
    """Where TIP was cut from main, and its own commits: those of OUTSIDE (commits main lacks,
    with parents) that TIP reaches. The cut is the one parent where they meet main, or, when they
    meet it in several places (main was merged in), the merge base with MAIN_SIDE."""
    meeting, own, pending = set(), {tip}, [tip]
    while pending:
        for parent in outside[pending.pop()]:
            if parent not in outside:
                meeting.add(parent)
            elif parent not in own:
                own.add(parent)
                pending.append(parent)
    fork = meeting.pop() if len(meeting) == 1 else repo.merge_base(tip, main_side)
    return fork, own
