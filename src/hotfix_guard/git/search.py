"""Which words a tree holds: `git grep` over a commit's tree or the index, never the work tree."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence

from hotfix_guard.git.changes import FileStatuses
from hotfix_guard.git.process import try_run
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk


def words_in_tree(repo: Repository, rev: str | None, words: Collection[str]) -> set[str]:
    """Those of WORDS that occur as whole words in REV's tree (None: the staged index).

    Fixed strings, text files only; git exits 1 when nothing matches, which is an answer too.
    """
    if not words:
        return set()
    patterns = [argument for word in sorted(words) for argument in ("-e", word)]
    where = ["--cached"] if rev is None else [rev]
    output = try_run(
        ["grep", "-o", "-h", "-w", "-F", "-I", "--no-color", *patterns, *where, "--"],
        cwd=repo.root,
    )
    if output is None:
        return set()
    found = {os.fsdecode(line) for line in output.splitlines()}
    return found & set(words)


def commits_mentioning(repo: Repository, commits: Sequence[str], word: str) -> list[str]:
    """Those of COMMITS whose message contains WORD (any case), in the order given."""
    if not commits:
        return []
    output = repo.git(
        "log", "--no-walk=unsorted", "-i", "-F", f"--grep={word}", "--format=%H", *commits, "--"
    )
    found = set(output.decode().split())
    return [commit for commit in commits if commit in found]


def commit_messages(repo: Repository, commits: Sequence[str]) -> dict[str, str]:
    """Commit -> its whole message, for COMMITS."""
    output = repo.git("log", "--no-walk=unsorted", "--format=%x01%H%x00%B", *commits, "--")
    messages = {}
    for entry in output.decode("utf-8", "replace").split("\x01")[1:]:
        commit, _, message = entry.partition("\0")
        messages[commit] = message
    return messages


# The subject of a pull request on main: merged (`Merge pull request #12 from ...`) or squashed
# (`Title (#12)`).
PULL_REQUEST_SUBJECT = re.compile(r"^Merge pull request #(\d+) |\(#(\d+)\)$")


def pull_request_commits(repo: Repository, refs: Sequence[str], depth: int) -> dict[str, str]:
    """Pull request number -> its commit on main, among main's last DEPTH commits."""
    output = repo.git("log", "--format=%H%x00%s", f"--max-count={depth}", *refs, "--")
    found: dict[str, str] = {}
    for line in output.decode("utf-8", "replace").splitlines():
        commit, _, subject = line.partition("\0")
        match = PULL_REQUEST_SUBJECT.search(subject)
        if match:
            found.setdefault(match.group(1) or match.group(2), commit)
    return found


class MergeWalk(Walk):
    """The merge commits of a walk, each diffed against its first parent (git 2.31+), wherever
    it sits: a pull request merged into develop and then into main is one too."""

    __slots__ = ()

    def log_args(self) -> list[str]:
        return ["--diff-merges=first-parent", "--merges", *super().log_args()]


# What undoing a commit does to each file it touched: a revert deletes what it added and adds
# what it deleted.
MIRRORED_STATUS = {"A": "D", "D": "A"}


def main_undoings(repo: Repository, refs: Sequence[str], depth: int) -> dict[str, FileStatuses]:
    """Commit -> what reverting it would change (paths and mirrored statuses, no content) for
    main's last DEPTH commits: plain commits, and merges against their first parent (what
    `git revert -m 1` of a merged pull request undoes)."""
    plain = repo.statuses_by_commit(Walk(tuple(refs), merges=False, limit=depth))
    merges = repo.statuses_by_commit(MergeWalk(tuple(refs), limit=depth))
    return {
        commit: frozenset((path, MIRRORED_STATUS.get(status, status)) for path, status in changes)
        for commit, changes in {**plain, **merges}.items()
    }


def merges_among(repo: Repository, commits: Sequence[str]) -> set[str]:
    """Those of COMMITS that are merges."""
    return set(repo.statuses_by_commit(MergeWalk(exactly=tuple(commits)))) if commits else set()


def inverse_patch_ids(
    repo: Repository, commits: Sequence[str], merges: Sequence[str]
) -> dict[str, str]:
    """patch-id -> commit of the inverse of each commit's patch (a merge's against its first
    parent): a commit that reverts one of them has that patch id."""
    ids = repo.patch_ids(Walk.of(commits), reverse=True) if commits else {}
    if merges:
        ids.update(repo.patch_ids(MergeWalk(exactly=tuple(merges)), reverse=True))
    return ids


def blob_text(repo: Repository, rev: str | None, path: str) -> str | None:
    """The text of PATH in REV's tree (None: the staged index); None when it is not there."""
    output = try_run(["cat-file", "blob", f"{rev or ''}:{path}"], cwd=repo.root)
    return None if output is None else output.decode("utf-8", "surrogateescape")
