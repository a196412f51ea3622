"""Hotfixes merged into main, and whether each has reached the backport branches.

A hotfix lands on main in one of these shapes, each recognised on main's first-parent chain:
- a merge commit (`git merge --no-ff`, resolved conflicts included) whose subject names the branch
  the way git or a forge writes it, or whose second parent is a hotfix branch's tip;
- a fast-forward: main's reflog says `merge hotfix/x: Fast-forward`, or a remote-tracking hotfix
  branch's tip sits on main's first-parent chain (a forge's fast-forward merge);
- a squash: a commit on main with the same patch id as the whole change of a hotfix branch that
  still exists, locally or on a remote, and is not merged;
- a rebase (a forge's "rebase and merge"): commits on main with the patch ids of all the commits
  of such a branch.
A backport branch has a hotfix when any copy of it (local or remote-tracking) contains the hotfix's
tip or its commit on main (reached by merge), or carries commits with the same patch ids
(reached by cherry-pick, one by one or squashed), or commits whose `git cherry-pick -x` line names
them (a cherry-pick whose conflicts were resolved by hand).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from hotfix_guard import scope as scopes
from hotfix_guard.config import Config
from hotfix_guard.git import LoggedCommit, Repository, first_parent_range
from hotfix_guard.report import display_path

# How far back `backport-status` and the push of main look for hotfixes merged into main.
DEFAULT_WINDOW_DAYS = 90
MERGE_TREE_VERSION = (2, 38)
CLOCK_SKEW = 86400

MERGE, FAST_FORWARD, SQUASH, REBASE = "merge", "fast-forward", "squash", "rebase"
CHERRY_PICK, MISSING = "cherry-pick", "missing"

# Subjects of merge commits, as git and the common forges write them; the branch is group 1.
MERGE_SUBJECTS = (
    # git; GitLab adds " into 'main'". Lazy up to a quote that ends the name: names may hold quotes.
    re.compile(r"Merge branch '(.+?)'(?: of \S+)?(?: into .+)?$"),
    re.compile(r"Merge remote-tracking branch '[^/']+/(.+?)'(?: into .+)?$"),
    re.compile(r"Merge pull request #\d+ from [^/\s]+/(\S+)"),  # GitHub
    re.compile(r"Merged in (\S+) \(pull request #\d+\)"),  # Bitbucket
)
FAST_FORWARD_REFLOG = re.compile(r"merge (\S+): Fast-forward")


@dataclass(frozen=True)
class HotfixMerge:
    """One hotfix that landed on main: `base..tip` are its own commits, `commit` is on main.

    `base` is main just before the merge (or where the hotfix was cut, for a squash).
    """

    branch: str
    how: str
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


def shell_word(name: str) -> str:
    """NAME as one shell word: as it is when it is safe (non-ASCII letters too), else quoted."""
    return name if re.fullmatch(r"[\w@%+=:,./-]+", name) else shlex.quote(name)


def hotfix_tips(repo: Repository, config: Config) -> dict[str, tuple[str, str]]:
    """Hotfix branches, local and remote-tracking: ref -> (branch name, tip)."""
    tips = {}
    for ref, sha in repo.refs.items():
        if ref.startswith("refs/heads/"):
            name = ref[len("refs/heads/") :]
        elif ref.startswith("refs/remotes/") and ref.count("/") >= 3:
            name = ref.split("/", 3)[3]
        else:
            continue
        if config.is_hotfix_branch(name):
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
    log = repo.first_parent_log(heads, exclude, since)
    if not log:
        return []
    branches = hotfix_tips(repo, config)
    by_tip = {sha: name for name, sha in branches.values()}
    fast_forwards = _fast_forwards(repo, config, main, branches)
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
            base = before or commit.parents[0]
            found.append(
                HotfixMerge(name, FAST_FORWARD, commit.sha, commit.sha, base, commit.committed)
            )
    if any(len(commit.parents) == 1 for commit in log):
        walk = first_parent_range(heads, exclude, since)
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
        sha: (name, None)
        for ref, (name, sha) in branches.items()
        if ref.startswith("refs/remotes/")
    }
    local = f"refs/heads/{main.name}"
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
    walk: list[str],
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
            boundary, own[tip] = _boundary(outside, tip)
            fork = boundary.pop() if len(boundary) == 1 else repo.merge_base(tip, heads)
            if fork:
                forks[tip] = fork
    if not forks:
        return []
    on_main = repo.patch_ids(["--no-merges", *walk])
    whole = repo.range_patch_ids([(fork, tip) for tip, fork in forks.items()])
    by_commit = {
        commit: patch_id
        for patch_id, commit in repo.patch_ids(
            ["--no-merges", *forks, *(f"^{head}" for head in heads), "--"]
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


def _boundary(outside: dict[str, tuple[str, ...]], tip: str) -> tuple[set[str], set[str]]:
    """TIP's own commits (outside main), and the parents where they meet main (one: the fork)."""
    boundary, seen, pending = set(), {tip}, [tip]
    while pending:
        for parent in outside[pending.pop()]:
            if parent not in outside:
                boundary.add(parent)
            elif parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return boundary, seen


# --- where each hotfix went ---------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """What merging the hotfix into a backport branch would do; conflicts None: cannot tell."""

    conflicts: tuple[str, ...] | None
    git_version: str = ""

    @property
    def text(self) -> str:
        if self.conflicts is None:
            return (
                f"cannot predict: git {self.git_version} has no `git merge-tree --write-tree` "
                "(git 2.38 or newer)"
            )
        if not self.conflicts:
            return "merges cleanly"
        return "conflicts in: " + ", ".join(display_path(path) for path in self.conflicts)


@dataclass(frozen=True)
class Backport:
    """One backport branch for one hotfix: reached how, through which copy (ref)."""

    branch: str
    status: str
    ref: str
    commands: tuple[str, ...] = ()
    prediction: Prediction | None = None

    @property
    def label(self) -> str:
        """The copy as a user names it: `develop`, `origin/develop`."""
        return self.ref.split("/", 2)[2]


class BackportBranches:
    """The configured backport branches, their copies, and what each copy carries."""

    def __init__(self, repo: Repository, config: Config, main: scopes.MainBranch) -> None:
        self.repo = repo
        self.copies = {name: scopes.copies_of(repo, name) for name in config.backport_branches}
        self.main = main
        self._carried_by: dict[str, set[str]] = {}
        self._histories: dict[str, set[str]] = {}

    @property
    def absent(self) -> list[str]:
        """Backport branches that exist nowhere, neither locally nor on a remote."""
        return [name for name, refs in self.copies.items() if not refs]

    def backports(self, hotfixes: Sequence[HotfixMerge]) -> dict[HotfixMerge, list[Backport]]:
        """For each hotfix, its state on every backport branch that exists."""
        existing = {name: refs for name, refs in self.copies.items() if refs}
        # One history walk per copy answers "merged?" for most hotfixes; git stops at `since`.
        since = min(self.repo.commit_times([h.tip for h in hotfixes]).values(), default=None)
        merged = {
            hotfix: {
                name: self._merged_into(hotfix, refs, since) for name, refs in existing.items()
            }
            for hotfix in hotfixes
        }
        own = self._own_changes([h for h in hotfixes if None in merged[h].values()])
        forks = self.repo.commit_times([fork for fork, _, _ in own.values()])
        pick_since = min(forks.values(), default=None)
        found: dict[HotfixMerge, list[Backport]] = {}
        for hotfix in hotfixes:
            found[hotfix] = []
            for name, refs in existing.items():
                ref = merged[hotfix][name]
                if ref is not None:
                    found[hotfix].append(Backport(name, MERGE, ref))
                else:
                    found[hotfix].append(
                        self._not_merged(hotfix, own[hotfix], name, refs, pick_since)
                    )
        return found

    def _merged_into(
        self, hotfix: HotfixMerge, refs: Sequence[str], since: int | None
    ) -> str | None:
        """The first copy that contains the hotfix's tip or its commit on main."""
        for ref in refs:
            if ref not in self._histories:
                # The walk stops at the first commit older than `since`; a day of margin absorbs
                # clocks that disagree (a descendant is rarely dated much before its ancestor).
                start = since - CLOCK_SKEW if since is not None else None
                self._histories[ref] = self.repo.history(ref, start)
            if {hotfix.tip, hotfix.commit} & self._histories[ref]:
                return ref
        return None

    def _not_merged(
        self,
        hotfix: HotfixMerge,
        own: tuple[str, str | None, list[set[str]]],
        name: str,
        refs: Sequence[str],
        since: int | None,
    ) -> Backport:
        _, whole, commits = own
        for ref in refs:
            carried = self._carried(ref, since)
            if (
                whole in carried
                or hotfix.commit in carried
                or (commits and all(c & carried for c in commits))
            ):
                return Backport(name, CHERRY_PICK, ref)
        return Backport(
            name,
            MISSING,
            refs[0],
            commands=self._commands(hotfix, name, refs),
            prediction=self._predict(refs[0], hotfix.tip),
        )

    def _own_changes(
        self, hotfixes: Sequence[HotfixMerge]
    ) -> dict[HotfixMerge, tuple[str, str | None, list[set[str]]]]:
        """For each hotfix: where it was cut, its change as one patch id, and its commits as
        {id, patch id}. One walk per hotfix; the patch ids of all of them in two batches."""
        forks, commits = {}, {}
        for hotfix in hotfixes:
            outside = self.repo.unmerged_commits([hotfix.tip], [hotfix.base])
            boundary, commits[hotfix] = (
                _boundary(outside, hotfix.tip) if outside else (set(), set())
            )
            forks[hotfix] = (
                boundary.pop()
                if len(boundary) == 1
                else self.repo.merge_base(hotfix.base, [hotfix.tip]) or hotfix.base
            )
        whole = self.repo.range_patch_ids([(forks[h], h.tip) for h in hotfixes])
        every_commit = sorted(set().union(*commits.values()))
        by_commit = (
            {
                commit: patch_id
                for patch_id, commit in self.repo.patch_ids(
                    ["--no-walk=unsorted", "--no-merges", *every_commit, "--"]
                ).items()
            }
            if every_commit
            else {}
        )
        return {
            hotfix: (
                forks[hotfix],
                whole.get(hotfix.tip),
                [{c, by_commit[c]} for c in commits[hotfix] if c in by_commit],
            )
            for hotfix in hotfixes
        }

    def _carried(self, ref: str, since: int | None) -> set[str]:
        """What REF's own commits (not on main, since the oldest hotfix began) carry over:
        their patch ids, and the commits their `git cherry-pick -x` lines name (a cherry-pick
        whose conflicts were resolved has another patch id, but still says where it came from).
        """
        if ref not in self._carried_by:
            window = [f"--since={since}"] if since is not None else []
            excluded = [f"^{main_ref}" for main_ref in self.main.refs]
            log_args = ["--no-merges", *window, ref, *excluded, "--"]
            self._carried_by[ref] = set(self.repo.patch_ids(log_args)) | (
                self.repo.cherry_picked_from(log_args)
            )
        return self._carried_by[ref]

    def _commands(self, hotfix: HotfixMerge, name: str, refs: Sequence[str]) -> tuple[str, ...]:
        """The exact commands that merge the hotfix into backport branch NAME and publish it."""
        # Quoted for the shell: branch names may hold characters a shell would act on.
        source, target = shell_word(self._name_of(hotfix)), shell_word(name)
        remotes = sorted({ref.split("/")[2] for ref in refs if ref.startswith("refs/remotes/")})
        commands = (f"git switch {target}", f"git merge --no-ff {source}")
        if not remotes:
            return commands
        remote = shell_word("origin" if "origin" in remotes else remotes[0])
        return (*commands, f"git push {remote} {target}")

    def _name_of(self, hotfix: HotfixMerge) -> str:
        """The hotfix branch when a copy still points at its tip, else the tip's id."""
        for ref in scopes.copies_of(self.repo, hotfix.branch):
            if self.repo.refs[ref] == hotfix.tip:
                return ref.split("/", 2)[2]
        return hotfix.tip[:12]

    def _predict(self, ref: str, tip: str) -> Prediction:
        if self.repo.version < MERGE_TREE_VERSION:
            return Prediction(None, ".".join(map(str, self.repo.version)))
        return Prediction(tuple(self.repo.merge_conflicts(ref, tip)))
