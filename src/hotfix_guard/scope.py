"""What one check looks at: which branch, which tip, which main, which merge base, staged or not."""

from __future__ import annotations

from typing import NamedTuple

from hotfix_guard.config.defaults import main_name
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.refs import branch_name, remote_of
from hotfix_guard.git.repository import Repository
from hotfix_guard.report.findings import shell_word


class MainBranch(NamedTuple):
    """The branch hotfixes are cut from; `refs` holds its local and remote-tracking copies."""

    name: str
    refs: tuple[str, ...]


class Target(NamedTuple):
    """What a check judges: BRANCH at HEAD (a revision), with the staged index or not, measured
    against main or against BASE when given."""

    branch: str | None
    head: str
    staged: bool = False
    base: str | None = None


class Scope(NamedTuple):
    """The hotfix's change: from `base` (merge base with main) to `head` (and the index)."""

    branch: str | None
    head: str
    staged: bool
    main: MainBranch
    base: str
    # The hotfix's own tip when `head` is its merge on main: its trailers are read from there.
    own_tip: str | None = None

    @property
    def label(self) -> str:
        name = self.branch or self.head[:12]
        staged = " + staged changes" if self.staged else ""
        return f"{name} against {self.main.name}, merge base {self.base[:12]}{staged}"


def find_main(repo: Repository, config: Config) -> MainBranch:
    """main-branch, else main, else master, else the remote's HEAD: local and remote-tracking."""
    main = main_or_none(repo, config)
    if main is None:
        looked_for = config.main_branch or "main, master or origin/HEAD"
        raise UsageError(
            f"no main branch found (looked for {looked_for}, local or remote-tracking): "
            "fetch it (git fetch origin), set main-branch in the config, or pass --base REF"
        )
    return main


def main_or_none(repo: Repository, config: Config) -> MainBranch | None:
    """find_main, or None where there is no main branch (for the callers that go on without)."""
    remote_head: list[str] = []

    def remote_branch() -> str | None:
        ref = repo.remote_head()
        if ref is None:
            return None
        remote_head.append(ref)
        return branch_name(ref) or ref

    name = main_name(config.main_branch, lambda name: bool(copies_of(repo, name)), remote_branch)
    if name is None:
        return None
    return MainBranch(name, copies_of(repo, name) or tuple(remote_head))


def copies_of(repo: Repository, name: str) -> tuple[str, ...]:
    """refs/heads/NAME and refs/remotes/*/NAME that exist, origin's first."""
    local = [refs.local(name)] if refs.local(name) in repo.refs else []
    remote = sorted(
        (ref for ref in repo.refs if remote_of(ref) is not None and branch_name(ref) == name),
        key=lambda ref: ref != refs.remote_tracking("origin", name),
    )
    return (*local, *remote)


def branch_of(repo: Repository, rev: str) -> str | None:
    """The branch name REV stands for (`hotfix/x`, `refs/heads/hotfix/x`, `origin/hotfix/x`)."""
    if rev.startswith(refs.HEADS):
        return branch_name(rev)
    if refs.local(rev) in repo.refs:
        return rev
    for ref in (rev, f"{refs.REMOTES}{rev}"):
        if ref.startswith(refs.REMOTES) and ref in repo.refs:
            return branch_name(ref)
    return None


def current_branch(repo: Repository) -> str | None:
    """The checked-out branch's short name; None when HEAD is detached."""
    head_ref = repo.symbolic_head()
    return branch_name(head_ref) if head_ref else None


def resolve(
    repo: Repository, config: Config, target: Target, main: MainBranch | None = None
) -> Scope:
    """The scope of TARGET: its head commit and merge base with main (or its base).

    MAIN, when given, is the main branch as the caller knows it (the server: main as it is
    before the push being checked)."""
    branch, head, staged, base = target.branch, target.head, target.staged, target.base
    head_commit = repo.resolve_commit(head)
    if head_commit is None:
        if head == "HEAD" and branch:
            raise UsageError(
                f"branch {branch} has no commits yet: cut the hotfix from main "
                f"(git switch -c {shell_word(branch)} main)"
            )
        raise UsageError(f"{head!r} is not a commit: pass a branch, tag or commit id")
    if base is not None:
        if repo.resolve_commit(base) is None:
            raise UsageError(f"--base {base!r} is not a commit: pass a branch, tag or commit id")
        main = MainBranch(base, (base,))
    elif main is None:
        main = find_main(repo, config)
    merge_base = repo.merge_base(head_commit, main.refs)
    merging = repo.merge_head() if staged and head == "HEAD" else None
    if merging is not None and merge_base is not None:
        # Concluding a merge (of main, say): the commit being made has both parents, so its
        # merge base with main is that of the pair, not of HEAD alone.
        merge_base = _newest(
            repo, [repo.merge_base(ref, [head_commit, merging]) for ref in main.refs]
        )
    what = branch or head
    if merge_base is None:
        if repo.shallow:
            raise UsageError(
                f"shallow clone: the merge base of {what} and {main.name} is not in this clone; "
                "run `git fetch --unshallow` (or pass --base COMMIT)"
            )
        raise UsageError(
            f"{what} shares no history with {main.name}: cut the hotfix from {main.name} "
            f"(git switch -c hotfix/<name> {shell_word(main.name)}) or pass --base COMMIT"
        )
    return Scope(branch=branch, head=head_commit, staged=staged, main=main, base=merge_base)


def _newest(repo: Repository, commits: list[str | None]) -> str | None:
    """The commit among COMMITS that all the others are ancestors of (the first if none is)."""
    found = [commit for commit in commits if commit is not None]
    for candidate in found:
        if all(other == candidate or repo.is_ancestor(other, candidate) for other in found):
            return candidate
    return found[0] if found else None
