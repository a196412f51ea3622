"""Answers one command asks of git twice, asked once (finish: see GitAccess.remembering).

Two kinds of answer are kept while a command remembers:
- a question about objects alone, every revision named by its full id (`<id>^{commit}`,
  `merge-base <id> <id>`, `ls-tree <id>`, `cat-file --batch` of `<id>:<path>`): objects never
  change, so neither does the answer, whatever moves;
- any other read-only query (refs, HEAD, history from a ref): kept only until a git command
  that is not a read-only query runs, since that one may move a ref (a merge, a commit, a fetch;
  the lifecycle's commands say so too, see LifecycleGit).
Only a successful git's answer is kept (an object may arrive, a ref may appear), and none over a
megabyte: a huge diff is read once anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Subcommands that only read; symbolic-ref reads with one name (`symbolic-ref -q HEAD`).
READ_ONLY = frozenset(
    {"cat-file", "diff-tree", "for-each-ref", "log", "ls-tree", "merge-base", "rev-list",
     "rev-parse", "symbolic-ref"}
)  # fmt: skip
# Subcommands that move no ref, whose answers are not kept (they change without a ref moving,
# or are asked once).
NEUTRAL = frozenset(
    {"check-attr", "commit-tree", "diff", "diff-index", "interpret-trailers", "ls-files",
     "ls-remote", "merge-tree", "patch-id", "status", "version"}
)  # fmt: skip
# A revision that names objects alone: an id, maybe excluded (^id) or peeled (id^{commit}).
OBJECT_ONLY = re.compile(r"\^?[0-9a-f]{40}(?:[0-9a-f]{24})?(?:\^\{(?:commit|tree)\})?")
# `id` or `id:path`, a line of a `cat-file --batch` request.
OBJECT_REQUEST = re.compile(rb"[0-9a-f]{40}(?:[0-9a-f]{24})?(?::.*)?")
LARGEST = 1 << 20

Key = tuple[tuple[str, ...], bytes | None]


class Answers:
    """What git answered so far in one command: facts about objects, and reads that a ref move
    makes stale."""

    def __init__(self) -> None:
        self.facts: dict[Key, bytes] = {}
        self.reads: dict[Key, bytes] = {}

    def ask(self, args: Sequence[str], stdin: bytes | None) -> bytes | None:
        """The answer git gave ARGS, when it still holds; None: ask git. A command that may move
        a ref makes the reads stale first."""
        key = (tuple(args), stdin)
        if key in self.facts:
            return self.facts[key]
        if kind_of(args, stdin) is None:
            self.reads.clear()
        return self.reads.get(key)

    def keep(self, args: Sequence[str], stdin: bytes | None, output: bytes) -> None:
        """Remember OUTPUT, git's answer to ARGS, when it is a query's."""
        kind = kind_of(args, stdin)
        if kind in ("fact", "read") and len(output) <= LARGEST:
            (self.facts if kind == "fact" else self.reads)[(tuple(args), stdin)] = output


def kind_of(args: Sequence[str], stdin: bytes | None) -> str | None:
    """ "fact" (a question about objects alone), "read" (about refs too), "neutral" (moves no
    ref, but its answer is not kept: the work tree's state, a remote's, new objects), or None: a
    command that may move a ref."""
    words = list(args)
    while words and words[0].startswith("-"):  # git's own options: -c NAME=VALUE, --no-pager...
        words = words[2:] if words[0] in ("-c", "-C") else words[1:]
    if not words or words[0] in NEUTRAL or words == ["remote"] or words[:2] == ["worktree", "list"]:
        return "neutral"
    if words[:2] == ["reflog", "show"]:
        return "read"
    if words[0] not in READ_ONLY:
        return None
    command, names = words[0], _revisions(words[1:])
    if command == "symbolic-ref":
        deleting = any(word in ("-d", "--delete", "-m") for word in words)
        return "read" if len(names) == 1 and not deleting else None
    if command == "for-each-ref" or not all(map(OBJECT_ONLY.fullmatch, names)):
        return "read"
    if stdin is not None and not all(
        OBJECT_REQUEST.fullmatch(line) for line in stdin.split(b"\n") if line
    ):
        return "read"
    return "fact" if names or stdin else "read"


def _revisions(words: Sequence[str]) -> list[str]:
    """The arguments that are not options, up to `--` (paths follow it)."""
    found = []
    for word in words:
        if word == "--":
            break
        if not word.startswith("-"):
            found.append(word)
    return found
