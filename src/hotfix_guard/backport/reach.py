"""Where each hotfix merged into main went: reached by merge, by cherry-pick, or missing.

A backport branch has a hotfix when any copy of it (local or remote-tracking) contains the hotfix's
tip or its commit on main (reached by merge), or carries commits with the same patch ids
(reached by cherry-pick, one by one or squashed), or commits whose `git cherry-pick -x` line names
them (a cherry-pick whose conflicts were resolved by hand). For a missing backport: the commands
that do it, and what it would do, computed in memory by `git merge-tree --write-tree`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hotfix_guard import scope as scopes
from hotfix_guard.backport.merges import HotfixMerge, cut_point
from hotfix_guard.config.loader import Config
from hotfix_guard.git.refs import remote_of
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk
from hotfix_guard.report.findings import display_path, shell_word

MERGE_TREE_VERSION = (2, 38)
# The history walk stops at the first commit older than asked; a day of margin absorbs clocks
# that disagree (a descendant is rarely dated much before its ancestor).
CLOCK_SKEW = 86400
# How a hotfix reached a backport branch (MERGE), or that it did not.
Reach = Literal["merge", "cherry-pick", "missing"]
MERGE: Reach = "merge"
CHERRY_PICK: Reach = "cherry-pick"
MISSING: Reach = "missing"


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
    status: Reach
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
                start = since - CLOCK_SKEW if since is not None else None
                self._histories[ref] = self.repo.history(Walk((ref,), since=start))
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
            fork, commits[hotfix] = (
                cut_point(self.repo, outside, hotfix.tip, [hotfix.base])
                if hotfix.tip in outside
                else (None, set())
            )
            forks[hotfix] = fork or hotfix.base
        whole = self.repo.range_patch_ids([(forks[h], h.tip) for h in hotfixes])
        every_commit = sorted(set().union(*commits.values()))
        by_commit = (
            {
                commit: patch_id
                for patch_id, commit in self.repo.patch_ids(
                    Walk.of(every_commit, merges=False)
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
            walk = Walk((ref,), tuple(self.main.refs), since, merges=False)
            self._carried_by[ref] = set(self.repo.patch_ids(walk)) | (
                self.repo.cherry_picked_from(walk)
            )
        return self._carried_by[ref]

    def _commands(self, hotfix: HotfixMerge, name: str, refs: Sequence[str]) -> tuple[str, ...]:
        """The exact commands that merge the hotfix into backport branch NAME and publish it."""
        # Quoted for the shell: branch names may hold characters a shell would act on.
        source, target = shell_word(self._name_of(hotfix)), shell_word(name)
        remotes = sorted({remote for remote in map(remote_of, refs) if remote is not None})
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
