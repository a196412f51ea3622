"""Which words a tree holds: `git grep` over a commit's tree or the index, never the work tree."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence

from hotfix_guard.git import Repository, try_run


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


def main_paths(repo: Repository, refs: Sequence[str], depth: int) -> dict[str, frozenset[str]]:
    """Commit -> paths for main's last DEPTH commits: plain commits, and merges against their
    first parent (what `git revert -m 1` of a merged pull request undoes)."""
    plain = repo.paths_by_commit(["--no-merges", f"-n{depth}", *refs])
    merges = repo.paths_by_commit(["--merges", "--first-parent", "-m", f"-n{depth}", *refs])
    return {**plain, **merges}


def inverse_patch_ids(
    repo: Repository, commits: Sequence[str], merges: Sequence[str]
) -> dict[str, str]:
    """patch-id -> commit of the inverse of each commit's patch (a merge's against its first
    parent): a commit that reverts one of them has that patch id."""
    ids = repo.patch_ids(["-R", "--no-walk=unsorted", *commits]) if commits else {}
    if merges:
        ids.update(repo.patch_ids(["-R", "-m", "--first-parent", "--no-walk=unsorted", *merges]))
    return ids


def blob_text(repo: Repository, rev: str | None, path: str) -> str | None:
    """The text of PATH in REV's tree (None: the staged index); None when it is not there."""
    output = try_run(["cat-file", "blob", f"{rev or ''}:{path}"], cwd=repo.root)
    return None if output is None else output.decode("utf-8", "surrogateescape")
