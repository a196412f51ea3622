"""Which words a tree holds: `git grep` over a commit's tree or the index, never the work tree."""

from __future__ import annotations

import os
from collections.abc import Collection

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
